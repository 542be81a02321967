"""`warp run`: the driver from a checked design to a published results folder (collective).

Stages: mesh (Gmsh on rank 0, distributed to DOLFINx), the elastic or the
time-dependent history solved into a `StepTable`, the results Dataset built from
it, hysteresis and fatigue on cycling runs, then publication. Products are staged
in a hidden folder inside the output folder and moved into place only when the
whole run succeeded, so a failed run never replaces a good result. The heavy
stacks (`warp.mesh`, `warp.fem`) are imported when a run starts, not before.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import xarray as xr

from warp import atomic, dataset, fatigue, hysteresis, outdir, results
from warp.design import Design
from warp.progress import Progress

BATCH_JOB_IDS = (("SLURM_JOB_ID", "slurm_job_id"), ("PBS_JOBID", "pbs_job_id"))


@dataclass
class RunOutcome:
    """The dataset and the timings (s) of a run."""

    dataset: xr.Dataset
    timings: dict[str, float] = field(default_factory=dict)


def execute(
    design: Design,
    out_dir: Path,
    progress: Progress,
    write_fields: bool = True,
    mesh_cache: bool = True,
) -> RunOutcome:
    """Mesh (from the mesh cache unless `mesh_cache` is False, `warp.mesh.cache`), solve
    every step and probe; stage and publish the products (collective). The output folder
    is locked for the run: InputError, naming the holder, if another warp command holds it
    (`warp.outdir`)."""
    from warp.fem.backend import DOLFINX_VERSION, MPI, PACKAGING, PETSC_VERSION

    comm = MPI.COMM_WORLD
    st = design.study
    # one run per output folder; staging of killed earlier runs is removed, its own always
    with outdir.staged(out_dir, st.study_id, comm) as staging:
        timings: dict[str, float] = {}
        made, pm = mesh_design(design, staging, progress, timings, comm, mesh_cache)
        info = made.info
        table = _solve(design, pm, progress, staging / "fields" if write_fields else None)
        table.attrs.update(
            dolfinx_version=DOLFINX_VERSION,
            dolfinx_packaging=PACKAGING,
            petsc_version=PETSC_VERSION,
            mesh_cells=int(info.quality.cells),
            mesh_min_sige=info.quality.min_sige,
            mesh_cache=made.status,
            mesh_key=made.short_key,
        )
        ds = dataset.build(design, table)
        if len(table.cycle_bounds) > 1:
            hysteresis.add_cycles(ds, st.cycling, table.joint_layers, table.cycle_bounds)
            ds = ds.merge(fatigue.assess(ds, st))
        ds.attrs.update({f"run_{k}": v for k, v in timings.items()}, run_ranks=comm.size)
        timings.update({k[4:]: v for k, v in table.attrs.items() if k.startswith("run_")})
        for var, attr in BATCH_JOB_IDS:  # provenance: which batch job ran it
            if var in os.environ:
                ds.attrs[attr] = os.environ[var]
        if comm.rank == 0:
            results.write(ds, staging / "results.nc")
            atomic.publish(staging, out_dir, ["mesh", "fields"], last="results.nc")
        comm.barrier()
    return RunOutcome(ds, timings)


def mesh_design(
    design: Design, staging: Path, progress: Progress, timings: dict, comm, cache: bool = True
):
    """The mesh folder staging/mesh, from the mesh cache or Gmsh, and the mesh read back from
    it distributed as a DOLFINx PackageMesh: (`warp.mesh.cache.CachedMesh`, PackageMesh)."""
    from warp.fem.meshdata import from_gmsh
    from warp.mesh import cache as mesh_cache
    from warp.mesh.session import GmshSession

    def mesh_and_write():
        root = mesh_cache.folder(cache)
        made = mesh_cache.mesh_into(design, staging / "mesh", root, progress.stage)
        mesh_cache.reload(staging / "mesh")
        return made

    with GmshSession(comm) as session:
        made = session.run(mesh_and_write)
        info = made.info
        timings["mesh_s"] = info.seconds
        q = info.quality
        progress.stage(
            f"mesh: {q.cells} tetrahedra, {q.nodes} nodes, worst minSIGE {q.min_sige:.3f} "
            f"({info.seconds:.1f} s)"
        )
        t0 = time.perf_counter()
        pm = from_gmsh(session.model, comm)
    timings["distribute_s"] = time.perf_counter() - t0
    return made, pm


def _solve(design: Design, pm, progress: Progress, fields: Path | None) -> dataset.StepTable:
    """The elastic history, or the time-dependent process history."""
    fields = fields if design.study.output.fields != "none" else None
    if design.study.process.time_dependent:
        from warp.fem.process_history import solve_process_history

        return solve_process_history(design, pm, progress, fields)
    from warp.fem.elastic_history import solve_elastic_history

    return solve_elastic_history(design, pm, progress, fields)
