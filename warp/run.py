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

from warp import __version__, fatigue, jesd51, results, warpage
from warp.design import Design
from warp.errors import InputError, RunError
from warp.fem.backend import DOLFINX_VERSION, MPI, PACKAGING
from warp.fem.elasticity import ThermoElasticModel
from warp.fem.inelastic import InelasticModel, StepTooLarge
from warp.fem.meshdata import from_gmsh
from warp.fem.output import FieldWriter
from warp.fem.probes import InterfaceTractions, JointAverages, PointProbe
from warp.fem.thermal import HeatSource, ThermalModel
from warp.mesh import model as mesher
from warp.progress import Progress


@dataclass
class RunOutcome:
    """The dataset and the figures a run reports."""

    dataset: xr.Dataset
    timings: dict[str, float] = field(default_factory=dict)


WIRE_NOTE = (
    "bond wires are part of the geometry and of the reports but carry no stiffness in the "
    "mechanical model: see warp.geometry.wire_stiffness_share for the estimate"
)


def _support_points(p: Design) -> list:
    """Points that remove rigid-body motion only (3-2-1), on carrier-bottom corners."""
    c = p.layout.carrier
    if p.symmetry == "quarter":
        return [((0.0, 0.0, 0.0), (2,))]
    return [
        ((c.x0, c.y0, 0.0), (0, 1, 2)),
        ((c.x1, c.y0, 0.0), (1, 2)),
        ((c.x0, c.y1, 0.0), (2,)),
    ]


def _joint_ends(layout, part: str) -> np.ndarray:
    """(z0, z1) of the two bonded ends of every joint, in the order of its centres."""
    if part == "balls":
        b = layout.balls
        return np.tile([b.z0, b.z1], (b.count, 1))
    return np.concatenate(
        [
            np.tile([d.bumps.z0, d.bumps.z1], (d.bumps.count, 1))
            for d in layout.dies
            if d.bumps is not None
        ]
    )


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


def execute(p: Design, out_dir: Path, reporter: Progress, write_fields: bool = True) -> RunOutcome:
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
        compute = _compute_history if st.process.time_dependent else _compute
        ds = compute(p, staging, reporter, write_fields, timings)
        ds.attrs["run_ranks"] = comm.size
        for var, attr in (("SLURM_JOB_ID", "slurm_job_id"), ("PBS_JOBID", "pbs_job_id")):
            if var in os.environ:  # provenance: which batch job ran it
                ds.attrs[attr] = os.environ[var]
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


def _mesh(p: Design, staging: Path, reporter: Progress, timings: dict):
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


class _Mechanics:
    """The thermo-elastic model and every probe read after each of its solves."""

    def __init__(self, p: Design, pm, reporter: Progress, model=None):
        st, lay = p.study, p.layout
        self.p = p
        if model is None:
            stress_free = {part: st.process.molding_temperature for part in p.materials}
            model = ThermoElasticModel(
                pm, p.materials, stress_free, st.solver, p.symmetry, _support_points(p)
            )
            reporter.stage(
                f"P{st.solver.element_degree} thermo-elasticity: {model.dofs} DOFs, "
                f"{model.method} solver"
            )
        self.model = model
        n = st.output.surface_grid
        self.gx = np.linspace(lay.carrier.x0, lay.carrier.x1, n)
        self.gy = np.linspace(lay.carrier.y0, lay.carrier.y1, n)
        xx, yy = np.meshgrid(self.gx, self.gy, indexing="ij")
        grid = np.column_stack([xx.ravel(), yy.ravel(), np.zeros(xx.size)])
        self.bottom = PointProbe(pm.mesh, _mirror(grid, p.symmetry))
        centres, self.bump_of = _joint_map(lay.bump_centres, p.symmetry)
        self.bumps = JointAverages(self.model, "bumps", centres, _joint_ends(lay, "bumps"))
        self.balls = self.tips = None
        if lay.balls is not None:
            zc = 0.5 * (lay.balls.z0 + lay.balls.z1)
            centres, self.ball_of = _joint_map(
                np.column_stack([lay.balls.xy, np.full(lay.balls.count, zc)]), p.symmetry
            )
            self.balls = JointAverages(self.model, "balls", centres, _joint_ends(lay, "balls"))
            tip_points = np.column_stack([lay.balls.xy, np.full(lay.balls.count, lay.balls.z0)])
            self.tips = PointProbe(pm.mesh, _mirror(tip_points, p.symmetry))
        self.tractions = InterfaceTractions(self.model)
        self.stats: list = []

    def solve(self, temperature, hottest: float, keep_fields: bool) -> dict:
        """Solve at a uniform temperature or per-cell temperatures; read every probe."""
        self.model.set_temperature(temperature)
        self.stats.append(self.model.solve())
        return self.read(hottest, keep_fields)

    def read(self, hottest: float, keep_fields: bool) -> dict:
        """Every probe of the current displacement and stress."""
        m, lay, n = self.model, self.p.layout, len(self.gx)
        dz = self.bottom(m.u, 2).reshape(n, n) * 1e3
        peel, shear = self.tractions.maxima()
        entry = {
            "surface_dz": warpage.flatten(self.gx, self.gy, dz),
            "warpage": warpage.signed_warpage(self.gx, self.gy, dz),
            "bump": self.bumps.strain_eq()[self.bump_of],
            "peel": peel,
            "shear": shear,
        }
        if self.balls is not None:
            entry["ball"] = self.balls.strain_eq()[self.ball_of]
            entry["coplanarity"] = warpage.coplanarity(*lay.balls.xy.T, self.tips(m.u, 2) * 1e3)
            if self.p.materials["balls"].is_molten(hottest):
                entry["ball"] = np.full_like(entry["ball"], np.nan)
        else:
            entry["coplanarity"] = abs(entry["warpage"])
        if self.p.materials["bumps"].is_molten(hottest):
            entry["bump"] = np.full_like(entry["bump"], np.nan)
        if keep_fields:
            entry["displacement"] = m.u.x.array.copy()
            entry["stress"] = self.tractions.sigma.x.array.copy()
        return entry


def _thermal(p: Design, pm, reporter: Progress) -> tuple[ThermalModel, dict, dict]:
    """The thermal model, the JESD51 metrics (K/W) and the heat leaving the package in each."""
    st, lay = p.study, p.layout
    sources = []
    for pw in st.thermal.power:
        if pw.die > len(lay.dies):
            raise InputError(
                f"thermal.power: die = {pw.die} but the package has {len(lay.dies)} dies"
            )
        die = lay.dies[pw.die - 1]
        hotspot = None
        if pw.hotspot_centre is not None:
            (x, y), (a, b) = pw.hotspot_centre, pw.hotspot_size
            hotspot = (x - a / 2, y - b / 2, x + a / 2, y + b / 2)
        sources.append(HeatSource(die.name, pw.watts, die.box.volume, hotspot, pw.hotspot_fraction))
    model = ThermalModel(pm, p.materials, sources, st.thermal.element_degree)
    envs = jesd51.environments(st, lay)
    metrics, balance = {}, {}
    amb = st.thermal.ambient
    copies = 4.0 if p.symmetry == "quarter" else 1.0  # the package holds this many models
    for name in jesd51.METRICS:
        model.set_environment(envs[name])
        model.T.x.array[:] = amb
        model.steady()
        metrics[name] = (model.junction_temperature() - amb) / model.power
        balance[name] = model.heat_out() * copies  # W leaving the whole package
        reporter.stage(f"{name} = {metrics[name]:.3f} K/W")
    model.set_environment(envs["operating"])
    model.T.x.array[:] = amb
    return model, metrics, balance


def _compute(p: Design, staging: Path, reporter: Progress, write_fields: bool, timings: dict):
    st = p.study
    info, pm = _mesh(p, staging, reporter, timings)
    mech = _Mechanics(p, pm, reporter) if st.mechanics else None
    thermal = metrics = balance = None
    if st.thermal.enabled:
        thermal, metrics, balance = _thermal(p, pm, reporter)
    entries: list[dict] = [{} for _ in p.steps]

    # oven steps: the state depends on the temperature only, so each distinct temperature
    # is solved once, in ascending order, where the last factorisation preconditions best
    oven = [i for i, s in enumerate(p.steps) if s.power is None]
    temperatures = sorted({round(p.steps[i].temperature, 9) for i in oven}) if mech else []
    powered = [i for i, s in enumerate(p.steps) if s.power is not None]
    with reporter.steps(len(temperatures) + len(powered), "load steps") as advance:
        cache = {}
        for temp in temperatures:
            cache[temp] = mech.solve(temp, temp, write_fields)
            advance(f"{temp:6.1f} degC ({mech.stats[-1].iterations} CG its)")
        for i in oven:
            temp = p.steps[i].temperature
            entries[i] = dict(cache.get(round(temp, 9), {}), tj=temp, temperature=temp)
        for i in powered:
            step = p.steps[i]
            if step.dt == 0:
                thermal.steady(power_scale=step.power)
            else:
                thermal.advance(step.dt, step.power)
            tj = thermal.junction_temperature()
            entry = mech.solve(thermal.cell_temperatures(), tj, write_fields) if mech else {}
            entries[i] = dict(entry, tj=tj, temperature=thermal.T.x.array.copy())
            advance(f"{step.phase} Tj {tj:6.1f} degC")
    if write_fields:  # opened only now, so a failed solve leaves no open writer behind
        _write_fields(pm, mech, thermal, p, entries, staging / "fields")
    if mech:
        stats = mech.stats
        timings.update(
            solves=len(stats),
            refactorisations=sum(s.refactorised for s in stats),
            assemble_s=sum(s.assemble_seconds for s in stats),
            solve_s=sum(s.solve_seconds for s in stats),
            iterations_mean=float(np.mean([s.iterations for s in stats])),
            iterations_max=int(np.max([s.iterations for s in stats])),
        )
    ds = _dataset(p, info, mech, thermal, metrics, balance, entries)
    ds.attrs.update({f"run_{k}": v for k, v in timings.items()})
    return ds


SOLDER_PARTS = ("bumps", "balls", "passive_joints")


def _laws(p: Design) -> dict[str, str]:
    """The law of each part in a time-dependent run."""
    out = {}
    for part, mat in p.materials.items():
        if part in SOLDER_PARTS:
            out[part] = p.study.process.solder_law
        elif part == "mold" and mat.has("prony_shear"):
            out[part] = "viscoelastic"
        else:
            out[part] = "elastic"
    return out


@dataclass
class StepControl:
    """Adaptive substeps between two planned points of the history (collective).

    Every substep must converge and keep the largest equivalent inelastic strain
    increment at any material point below `limit`; one that fails is retried shorter
    (halved after a divergence, scaled to the limit after an overshoot), and after an
    accepted one the next grows by up to 2x. `share` (substep / planned step) carries
    over from one planned step to the next. Temperature and time advance together, and
    `before(fraction)`, when given, sets whatever else follows the planned step (such as
    the cure shrinkage) for the fraction of it that the substep reaches.
    """

    limit: float
    share: float = 1.0
    max_rejections: int = 12
    min_share: float = 1e-4

    def advance(
        self, model: InelasticModel, temp0: float, temp1: float, dt: float, before=None
    ) -> list:
        """Substeps from `temp0` to `temp1` (degC) over dt (s); their StepStats."""
        done, taken, rejected = 0.0, [], 0
        while done < 1.0 - 1e-9:
            share = min(self.share, 1.0 - done)
            if 1.0 - done - share < 0.25 * share:  # no sliver at the end
                share = 1.0 - done
            try:
                if before is not None:
                    before(done + share)
                temp = temp0 + (temp1 - temp0) * (done + share)
                stats = model.advance(temp, dt * share, self.limit)
            except RunError as exc:
                rejected += 1
                if isinstance(exc, StepTooLarge):
                    self.share = share * min(0.5, max(0.1, 0.8 * self.limit / exc.increment))
                else:
                    self.share = share * 0.5
                if rejected > self.max_rejections or self.share < self.min_share:
                    raise RunError(
                        f"time step to {temp1:g} degC did not converge after {rejected} "
                        f"cutbacks (smallest step {dt * share:.3g} s): {exc}"
                    ) from None
                continue
            taken.append(stats)
            done += share
            growth = 0.8 * self.limit / max(stats.inelastic_increment, 1e-30)
            self.share = min(1.0, share * min(2.0, max(0.5, growth)))
        return taken


def _compute_history(p: Design, staging: Path, reporter: Progress, write_fields: bool, timings: dict):
    """Viscoelastic mold, viscoplastic solder: the process history solved step by step."""
    st = p.study
    info, pm = _mesh(p, staging, reporter, timings)
    law_of = _laws(p)
    solidus, gel = p.steps[0].temperature, st.process.molding_temperature
    stress_free = {part: gel if part in ("mold", "heat_sink") else solidus for part in p.materials}
    model = InelasticModel(
        pm, p.materials, law_of, stress_free, st.solver, p.symmetry, _support_points(p)
    )
    reporter.stage(
        f"P{st.solver.element_degree} time-dependent mechanics: {model.dofs} DOFs, "
        f"{model.method} solver; laws: " + ", ".join(f"{k} {v}" for k, v in law_of.items())
    )
    model.start(solidus, unborn=("mold",))
    mech = _Mechanics(p, pm, reporter, model)
    shrink = p.materials["mold"].values.get("cure_shrinkage", 0.0)
    layer = st.cycling.interface_layer
    entries = [dict(_history_entry(mech, solidus, layer, write_fields), solve=(0, 0.0, 0, 0.0))]
    control = StepControl(st.process.max_inelastic_increment)
    cycle_bounds: list[int] = []  # entries where each cycle starts and ends
    stats = []
    with reporter.steps(len(p.steps) - 1, "time steps") as advance:
        for prev, step in zip(p.steps[:-1], p.steps[1:], strict=True):
            if step.phase == "molding" and not model.parts["mold"].born:
                model.give_birth("mold")  # gelation: the mold is stress-free now

            def cure(fraction, prev=prev, step=step):  # shrinkage grows with the cure
                born = model.parts["mold"].born
                reached = prev.cure + (step.cure - prev.cure) * fraction
                model.chemical["mold"] = shrink * reached if born else 0.0

            if step.phase == "cycling" and not cycle_bounds:
                cycle_bounds.append(len(entries) - 1)  # cycling starts from here
            duration = step.time - prev.time
            taken = control.advance(
                model, prev.temperature, step.temperature, duration, before=cure
            )
            stats += taken
            entries.append(_history_entry(mech, step.temperature, layer, write_fields))
            entries[-1]["solve"] = (
                sum(t.newton for t in taken),
                sum(t.seconds for t in taken),
                len(taken),
                max(t.inelastic_increment for t in taken),
            )
            if step.label == "cycle_end":
                cycle_bounds.append(len(entries) - 1)
            advance(
                f"{step.phase} {step.temperature:6.1f} degC "
                f"({sum(s.newton for s in taken)} Newton its)"
            )
    if write_fields:
        _write_fields(pm, mech, None, p, entries, staging / "fields")
    timings.update(
        steps=len(p.steps) - 1,
        substeps=len(stats),
        newton_total=int(sum(s.newton for s in stats)),
        newton_max=int(max(s.newton for s in stats)),
        linear_iterations=int(sum(s.linear_iterations for s in stats)),
        step_seconds_mean=float(np.mean([s.seconds for s in stats])),
    )
    ds = _dataset(p, info, mech, None, None, None, entries)
    _add_inelastic(ds, entries, law_of)
    if len(cycle_bounds) > 1:
        _add_cycles(ds, p, entries, cycle_bounds)
        ds = ds.merge(fatigue.assess(ds, st))
    ds.attrs.update({f"run_{k}": v for k, v in timings.items()})
    return ds


def _history_entry(mech: _Mechanics, temp: float, layer: float, keep_fields: bool) -> dict:
    entry = dict(mech.read(temp, keep_fields), tj=temp, temperature=temp)
    model = mech.model
    entry["bump_p"] = mech.bumps.average(model.cell_values("bumps", "p"))[mech.bump_of]
    if mech.balls is not None:
        entry["ball_p"] = mech.balls.average(model.cell_values("balls", "p"))[mech.ball_of]
    entry["layers"] = _joint_layers(mech, layer)
    return entry


def _joint_layers(mech: _Mechanics, layer: float) -> dict:
    """Darveaux-layer averages at both bonded faces of every joint, now: accumulated work
    (MPa) and inelastic strain, inelastic and mechanical strain tensors."""
    out = {}
    for kind, probe, order in (
        ("bump", mech.bumps, mech.bump_of),
        ("ball", mech.balls, mech.ball_of),
    ):
        if probe is not None:
            out[kind] = {
                key: probe.face_averages(mech.model.cell_values(f"{kind}s", key), layer)[order]
                for key in ("work", "p", "ep", "strain")
            }
    return out


def _add_inelastic(ds: xr.Dataset, entries, law_of) -> None:
    """Inelastic strain and solver effort per step."""
    ds["bump_inelastic_strain"] = results.variable(
        "bump_inelastic_strain", [e["bump_p"] for e in entries]
    )
    if "ball_p" in entries[0]:
        ds["ball_inelastic_strain"] = results.variable(
            "ball_inelastic_strain", [e["ball_p"] for e in entries]
        )
    newton, seconds, substeps, increment = (
        np.array(v) for v in zip(*(e["solve"] for e in entries), strict=True)
    )
    for name, values, units, text in (
        ("newton_iterations", newton, "1", "Newton iterations to reach the step"),
        ("step_seconds", seconds, "s", "wall time of the step's solves"),
        ("substeps", substeps, "1", "adaptive substeps taken to reach the step"),
        (
            "inelastic_increment_max",
            increment,
            "1",
            "largest equivalent inelastic strain increment of a substep at a material point",
        ),
    ):
        ds[name] = xr.Variable(("step",), values.astype(float), {"units": units, "long_name": text})
    ds.attrs["laws"] = ", ".join(f"{k}: {v}" for k, v in law_of.items())
    ds.attrs["element"] += "; viscoelastic mold and viscoplastic solder at quadrature points"


def _add_cycles(ds: xr.Dataset, p: Design, entries, bounds: list[int]) -> None:
    """Per cycle and joint, at the joint's critical face (the bonded face whose layer took
    the most work in the last cycle): work density, accumulated inelastic strain, and the
    strain tensors at every step for strain ranges; whether the loop stabilised."""
    cycling = p.study.cycling
    ds.coords["cycle"] = results.coordinate("cycle", np.arange(1, len(bounds)))
    ds.coords["component"] = results.coordinate("component", list(results.COMPONENTS))
    for kind in entries[0]["layers"]:
        series = {
            key: np.array([e["layers"][kind][key] for e in entries])
            for key in ("work", "p", "ep", "strain")
        }  # (step, joint, face, ...)
        work = np.diff(series["work"][bounds], axis=0)
        face = np.argmax(np.nan_to_num(work[-1], nan=-np.inf), axis=1)
        joints = np.arange(len(face))
        at_face = {key: v[:, joints, face] for key, v in series.items()}
        per_cycle = {
            "work_density": work[:, joints, face],
            "inelastic_strain_per_cycle": np.diff(at_face["p"][bounds], axis=0),
            "layer_inelastic_strain": at_face["ep"],
            "layer_strain": at_face["strain"],
            "critical_face": face,
        }
        for suffix, values in per_cycle.items():
            name = f"{kind}_{suffix}"
            ds[name] = results.variable(name, values)
            ds[name].attrs["averaging_layer_mm"] = cycling.interface_layer
        ds[f"{kind}_work_density"].attrs["averaging"] = (
            "Darveaux: volume average over the elements whose centre lies within the layer of "
            "the joint's critical bonded face"
        )
    w = ds["bump_work_density"].values
    critical = int(np.argmax(w[-1]))
    change = np.abs(np.diff(w[:, critical])) / np.maximum(w[1:, critical], 1e-30)
    stable = np.flatnonzero(change <= cycling.stabilised)
    ds.attrs["loop_stabilised_cycle"] = int(stable[0] + 2) if len(stable) else -1
    ds.attrs["loop_stabilised_tolerance"] = cycling.stabilised
    ds.attrs["critical_bump"] = critical


def _write_fields(pm, mech, thermal, p: Design, entries: list[dict], folder: Path) -> None:
    import dolfinx

    temperature = dolfinx.fem.Function(
        thermal.V if thermal else dolfinx.fem.functionspace(pm.mesh, ("Lagrange", 1)),
        name="temperature",
    )
    functions = {"temperature": temperature}
    if mech:
        functions.update(displacement=mech.model.u, stress=mech.tractions.sigma)
    writer = FieldWriter(pm.mesh, functions, folder)
    for step, entry in zip(p.steps, entries, strict=True):
        values = {"temperature": np.broadcast_to(entry["temperature"], temperature.x.array.shape)}
        if mech:
            values.update(displacement=entry["displacement"], stress=entry["stress"])
        writer.write(step.time, values)
    writer.close()


def _dataset(p: Design, info, mech, thermal, metrics, balance, entries) -> xr.Dataset:
    st, lay = p.study, p.layout
    coords = {
        "time": results.coordinate("time", [s.time for s in p.steps]),
        "temperature": results.coordinate("temperature", [s.temperature for s in p.steps]),
        "phase": results.coordinate("phase", [s.phase for s in p.steps]),
        "label": results.coordinate("label", [s.label for s in p.steps]),
        "bump_x": results.coordinate("bump_x", lay.bumps.xy[:, 0]),
        "bump_y": results.coordinate("bump_y", lay.bumps.xy[:, 1]),
        "bump_die": results.coordinate("bump_die", lay.bumps.die),
        "bump_z": results.coordinate("bump_z", lay.bump_centres[:, 2]),
    }
    if lay.wires:
        coords["wire_die"] = results.coordinate("wire_die", [w.die for w in lay.wires])
        coords["wire_start"] = results.coordinate("wire_start", [w.start for w in lay.wires])
        coords["wire_end"] = results.coordinate("wire_end", [w.end for w in lay.wires])
        coords["wire_apex_z"] = results.coordinate("wire_apex_z", [w.apex_z for w in lay.wires])
    if lay.balls is not None:
        coords["ball_x"] = results.coordinate("ball_x", lay.balls.xy[:, 0])
        coords["ball_y"] = results.coordinate("ball_y", lay.balls.xy[:, 1])
    data = {}
    attrs = {}
    if mech:
        coords["x"] = results.coordinate("x", mech.gx)
        coords["y"] = results.coordinate("y", mech.gy)
        coords["interface"] = results.coordinate("interface", list(mech.tractions.names))

        def rows(key: str) -> list:
            return [e[key] for e in entries]

        data.update(
            warpage=results.variable("warpage", rows("warpage")),
            coplanarity=results.variable("coplanarity", rows("coplanarity")),
            surface_dz=results.variable("surface_dz", rows("surface_dz")),
            bump_strain_eq=results.variable("bump_strain_eq", rows("bump")),
            peel_stress_max=results.variable("peel_stress_max", rows("peel")),
            shear_stress_max=results.variable("shear_stress_max", rows("shear")),
        )
        if lay.balls is not None:
            data["ball_strain_eq"] = results.variable("ball_strain_eq", rows("ball"))
        solver = mech.model.solver_options()
        attrs.update(
            dofs=int(mech.model.dofs),
            element=f"P{st.solver.element_degree} Lagrange tetrahedra (vector)",
            solver=" ".join(f"-{k} {v}" for k, v in solver.items()),
            stress_free_temperature_degC=st.process.molding_temperature,
        )
    if thermal:
        data["junction_temperature"] = results.variable(
            "junction_temperature", [e["tj"] for e in entries]
        )
        for name, value in metrics.items():
            data[name] = results.variable(name, value)
            data[name].attrs["environment"] = jesd51.DESCRIPTIONS[name]
            data[name].attrs["heat_out_W"] = balance[name]
        attrs.update(
            thermal_element=f"P{st.thermal.element_degree} Lagrange tetrahedra",
            thermal_dofs=int(thermal.V.dofmap.index_map.size_global),
            power_W=float(thermal.power),
        )
        if not mech:
            attrs.update(
                dofs=attrs["thermal_dofs"],
                element=attrs["thermal_element"],
                solver="CG/Cholesky (MUMPS), Picard on k(T)",
            )
    ds = xr.Dataset(data, coords=coords)
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
        mesh_min_sige=info.quality.min_sige,
        schema_version=results.SCHEMA_VERSION,
        warpage_convention=results.WARPAGE_CONVENTION,
        **attrs,
    )
    if mech:
        ds["bump_strain_eq"].attrs["note"] = (
            "NaN while the solder is above its solidus (molten joint); quarter models "
            "report every bump by mirror symmetry"
        )
        ds["peel_stress_max"].attrs["note"] = (
            "facet traction from the cell-average stress on both sides; free-edge corners "
            "are singular, so the peak grows with mesh refinement: compare designs on one mesh"
        )
    if lay.wires:
        ds["wire_die"].attrs["note"] = WIRE_NOTE
    return ds
