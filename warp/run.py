"""`warp run`: study -> mesh -> thermo-mechanical steps -> probes -> results.nc (collective).

All input checks happen before anything is written. Products are staged in a
hidden folder inside the output folder and moved into place only when the
whole run succeeded, so a failed run never replaces a good result.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import gmsh
import numpy as np
import xarray as xr

from warp import __version__, mesher, results, surface
from warp.errors import RunError
from warp.fem.backend import DOLFINX_VERSION, MPI, PACKAGING
from warp.fem.elasticity import ThermoElasticModel
from warp.fem.meshdata import from_gmsh
from warp.fem.output import FieldWriter
from warp.fem.probes import InterfaceTractions, JointAverages, PointProbe
from warp.plan import Plan
from warp.progress import Reporter


@dataclass
class RunOutcome:
    """The dataset and the figures a run reports."""

    dataset: xr.Dataset
    timings: dict[str, float] = field(default_factory=dict)


WIRE_NOTE = (
    "bond wires are part of the geometry and of the reports but carry no stiffness in the "
    "mechanical model: see warp.geometry.wire_stiffness_share for the estimate"
)


def _support_points(p: Plan) -> list:
    """Points that remove rigid-body motion only (3-2-1), on carrier-bottom corners."""
    c = p.layout.carrier
    if p.symmetry == "quarter":
        return [((0.0, 0.0, 0.0), (2,))]
    return [
        ((c.x0, c.y0, 0.0), (0, 1, 2)),
        ((c.x1, c.y0, 0.0), (1, 2)),
        ((c.x0, c.y1, 0.0), (2,)),
    ]


def _mirror(points: np.ndarray, symmetry: str) -> np.ndarray:
    """Map package points into the modelled quarter (x, y >= 0) when it is one."""
    out = np.array(points, dtype=float)
    if symmetry == "quarter":
        out[:, :2] = np.abs(out[:, :2])
    return out


def _joint_map(centres: np.ndarray, symmetry: str) -> tuple[np.ndarray, np.ndarray]:
    """Centres of the modelled joints, and for every joint its modelled counterpart."""
    mapped = np.round(_mirror(centres, symmetry), 9)
    model_centres, index = np.unique(mapped, axis=0, return_inverse=True)
    return model_centres, index.ravel()


def execute(p: Plan, out_dir: Path, reporter: Reporter, write_fields: bool = True) -> RunOutcome:
    """Mesh, solve every step and probe; stage and publish the products (collective)."""
    comm = MPI.COMM_WORLD
    st = p.study
    timings: dict[str, float] = {}
    staging = out_dir / f".staging-{st.study_id}"
    if comm.rank == 0:
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
    comm.barrier()
    try:
        ds = _compute(p, staging, reporter, write_fields, timings)
        if comm.rank == 0:
            results.write(ds, staging / "results.nc")
            _publish(staging, out_dir)
        comm.barrier()
    finally:
        if comm.rank == 0 and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return RunOutcome(ds, timings)


def _publish(staging: Path, out_dir: Path) -> None:
    """Move staged products into place; results.nc goes last."""
    for name in ("mesh", "fields"):
        src, dst = staging / name, out_dir / name
        old = out_dir / f".old-{name}"
        if dst.exists():  # never leave fields of an earlier run beside new results
            os.replace(dst, old)
        if src.exists():
            os.replace(src, dst)
        shutil.rmtree(old, ignore_errors=True)
    os.replace(staging / "results.nc", out_dir / "results.nc")


def _mesh(p: Plan, staging: Path, reporter: Reporter, timings: dict):
    comm = MPI.COMM_WORLD
    reporter.stage(f"meshing the {p.symmetry} model with Gmsh")
    info = failure = None
    if comm.rank == 0:
        gmsh.initialize(interruptible=False)
        try:
            info = mesher.generate(p.study, p.layout, p.symmetry)
            mesher.write_mesh(info, p.study, p.layout, staging / "mesh")
        except Exception as exc:  # re-raised on every rank below, never left hanging
            failure = exc if isinstance(exc, RunError) else RunError(f"meshing failed: {exc}")
            gmsh.finalize()
    info, failure = comm.bcast((info, failure), root=0)
    if failure is not None:
        raise failure
    timings["mesh_s"] = info.seconds
    q = info.quality
    reporter.stage(
        f"mesh: {q.cells} tetrahedra, {q.nodes} nodes, worst minSIGE {q.min_sige:.3f} "
        f"({info.seconds:.1f} s)"
    )
    t0 = MPI.Wtime()
    pm = from_gmsh(gmsh.model if comm.rank == 0 else None, comm)
    if comm.rank == 0:
        gmsh.finalize()
    timings["distribute_s"] = MPI.Wtime() - t0
    return info, pm


def _compute(p: Plan, staging: Path, reporter: Reporter, write_fields: bool, timings: dict):
    st, lay = p.study, p.layout
    info, pm = _mesh(p, staging, reporter, timings)
    stress_free = {part: st.process.molding_temperature for part in p.materials}
    model = ThermoElasticModel(
        pm, p.materials, stress_free, st.solver, p.symmetry, _support_points(p)
    )
    reporter.stage(
        f"P{st.solver.element_degree} thermo-elasticity: {model.dofs} DOFs, {model.method} solver"
    )
    n = st.output.surface_grid
    gx = np.linspace(lay.carrier.x0, lay.carrier.x1, n)
    gy = np.linspace(lay.carrier.y0, lay.carrier.y1, n)
    xx, yy = np.meshgrid(gx, gy, indexing="ij")
    grid = np.column_stack([xx.ravel(), yy.ravel(), np.zeros(xx.size)])
    bottom = PointProbe(pm.mesh, _mirror(grid, p.symmetry))
    bump_centres, bump_of = _joint_map(lay.bump_centres, p.symmetry)
    bumps = JointAverages(model, "bumps", bump_centres)
    balls = tips = None
    if lay.balls is not None:
        zc = 0.5 * (lay.balls.z0 + lay.balls.z1)
        ball_centres, ball_of = _joint_map(
            np.column_stack([lay.balls.xy, np.full(lay.balls.count, zc)]), p.symmetry
        )
        balls = JointAverages(model, "balls", ball_centres)
        tip_points = np.column_stack([lay.balls.xy, np.full(lay.balls.count, lay.balls.z0)])
        tips = PointProbe(pm.mesh, _mirror(tip_points, p.symmetry))
    tractions = InterfaceTractions(model)

    # elastic: the state depends on the temperature only, so each distinct temperature is
    # solved once, in ascending order, where the last factorisation is the best preconditioner
    temperatures = sorted({round(s.temperature, 9) for s in p.steps})
    cache: dict[float, dict] = {}
    solve_s = assemble_s = 0.0
    iterations, refactorisations = [], 0
    with reporter.steps(len(temperatures), "temperatures") as advance:
        for temp in temperatures:
            model.set_temperature(temp)
            stats = model.solve()
            solve_s += stats.solve_seconds
            assemble_s += stats.assemble_seconds
            iterations.append(stats.iterations)
            refactorisations += stats.refactorised
            dz = bottom(model.u, 2).reshape(n, n) * 1e3
            peel, shear = tractions.maxima()
            entry = {
                "surface_dz": surface.flatten(gx, gy, dz),
                "warpage": surface.signed_warpage(gx, gy, dz),
                "bump": bumps.strain_eq()[bump_of],
                "peel": peel,
                "shear": shear,
            }
            if balls is not None:
                entry["ball"] = balls.strain_eq()[ball_of]
                z_tip = tips(model.u, 2) * 1e3
                entry["coplanarity"] = surface.coplanarity(*lay.balls.xy.T, z_tip)
                if p.materials["balls"].is_molten(temp):
                    entry["ball"] = np.full_like(entry["ball"], np.nan)
            else:
                entry["coplanarity"] = abs(entry["warpage"])
            if p.materials["bumps"].is_molten(temp):
                entry["bump"] = np.full_like(entry["bump"], np.nan)
            if write_fields:
                entry["fields"] = (model.u.x.array.copy(), tractions.sigma.x.array.copy())
            cache[temp] = entry
            advance(f"{temp:6.1f} degC ({stats.iterations} CG its)")
    rows: dict[str, list] = {
        k: [] for k in ("warpage", "coplanarity", "surface_dz", "bump", "ball", "peel", "shear")
    }
    for step in p.steps:
        entry = cache[round(step.temperature, 9)]
        for k in rows:
            if k in entry:
                rows[k].append(entry[k])
    if write_fields:  # opened only now, so a failed solve leaves no open writer behind
        writer = FieldWriter(model, tractions, staging / "fields")
        for step in p.steps:
            fields = cache[round(step.temperature, 9)]["fields"]
            model.u.x.array[:], tractions.sigma.x.array[:] = fields
            writer.write(step)
        writer.close()
    timings.update(
        solves=len(temperatures),
        refactorisations=refactorisations,
        assemble_s=assemble_s,
        solve_s=solve_s,
        iterations_mean=float(np.mean(iterations)),
        iterations_max=int(np.max(iterations)),
    )
    ds = _dataset(p, info, model, tractions.names, gx, gy, rows)
    ds.attrs.update({f"run_{k}": v for k, v in timings.items()})
    ds.attrs["run_ranks"] = MPI.COMM_WORLD.size
    return ds


def _dataset(p: Plan, info, model: ThermoElasticModel, interfaces, gx, gy, rows) -> xr.Dataset:
    st, lay = p.study, p.layout
    coords = {
        "time": results.coordinate("time", [s.time for s in p.steps]),
        "temperature": results.coordinate("temperature", [s.temperature for s in p.steps]),
        "phase": results.coordinate("phase", [s.phase for s in p.steps]),
        "label": results.coordinate("label", [s.label for s in p.steps]),
        "x": results.coordinate("x", gx),
        "y": results.coordinate("y", gy),
        "bump_x": results.coordinate("bump_x", lay.bumps.xy[:, 0]),
        "bump_y": results.coordinate("bump_y", lay.bumps.xy[:, 1]),
        "bump_die": results.coordinate("bump_die", lay.bumps.die),
        "bump_z": results.coordinate("bump_z", lay.bump_centres[:, 2]),
        "interface": results.coordinate("interface", list(interfaces)),
    }
    if lay.wires:
        coords["wire_die"] = results.coordinate("wire_die", [w.die for w in lay.wires])
        coords["wire_start"] = results.coordinate("wire_start", [w.start for w in lay.wires])
        coords["wire_end"] = results.coordinate("wire_end", [w.end for w in lay.wires])
        coords["wire_apex_z"] = results.coordinate("wire_apex_z", [w.apex_z for w in lay.wires])
    data = {
        "warpage": results.variable("warpage", rows["warpage"]),
        "coplanarity": results.variable("coplanarity", rows["coplanarity"]),
        "surface_dz": results.variable("surface_dz", rows["surface_dz"]),
        "bump_strain_eq": results.variable("bump_strain_eq", rows["bump"]),
        "peel_stress_max": results.variable("peel_stress_max", rows["peel"]),
        "shear_stress_max": results.variable("shear_stress_max", rows["shear"]),
    }
    if lay.balls is not None:
        coords["ball_x"] = results.coordinate("ball_x", lay.balls.xy[:, 0])
        coords["ball_y"] = results.coordinate("ball_y", lay.balls.xy[:, 1])
        data["ball_strain_eq"] = results.variable("ball_strain_eq", rows["ball"])
    ds = xr.Dataset(data, coords=coords)
    solver = model.solver_options()
    ds.attrs.update(
        warp_version=__version__,
        dolfinx_version=DOLFINX_VERSION,
        dolfinx_packaging=PACKAGING,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        study=st.to_toml(),
        study_id=st.study_id,
        variant=st.variant,
        passives=len(st.passives),
        mesh_cells=int(info.quality.cells),
        mesh_symmetry=p.symmetry,
        dofs=int(model.dofs),
        element=f"P{st.solver.element_degree} Lagrange tetrahedra (vector)",
        solver=" ".join(f"-{k} {v}" for k, v in solver.items()),
        warpage_convention=results.WARPAGE_CONVENTION,
        stress_free_temperature_degC=st.process.molding_temperature,
        mesh_min_sige=info.quality.min_sige,
        schema_version=results.SCHEMA_VERSION,
    )
    ds["bump_strain_eq"].attrs["note"] = (
        "NaN while the solder is above its solidus (molten joint); quarter models report "
        "every bump by mirror symmetry"
    )
    if lay.wires:
        ds["wire_die"].attrs["note"] = WIRE_NOTE
    ds["peel_stress_max"].attrs["note"] = (
        "facet traction from the cell-average stress on both sides; free-edge corners are "
        "singular, so the peak grows with mesh refinement: compare designs on one mesh"
    )
    return ds
