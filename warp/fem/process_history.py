"""The time-dependent process history: viscoelastic mold, viscoplastic solder (collective).

The stages are those of `warp.history.process_history`: flip-chip attach, molding,
ejection, post-mold cure, ball attach, then reflow and cycling. Parts are born where
the history says (`Step.born`): the bumps, die and carrier are stress-free at the bump
solidus (step 0), the mold and the heat sink it holds at gelation, the balls when they
solidify at ball attach. A joint melts where the history heats it past its solidus
(`Step.melted`): it carries no load, its strains are NaN, and it is born again
stress-free with fresh state (Anand s = s0, no inelastic strain, no work) when it cools
to its solidus, as a new joint is. Every planned step is reached through adaptive
substeps (`StepControl`), and each joint's Darveaux-layer series is kept for the
per-cycle analysis (`warp.hysteresis`).

On a board (`board.enabled`), the board and its pads are unborn (soft, no load) until
the board-assembly reflow cools the balls to their solidus; there they are born
stress-free with the balls, so package and board each carry their own history up to
the assembly, and board-level cycling loads the balls through the board.

The supports remove rigid-body motion only, as everywhere in the history, and stay on
the carrier bottom also with a board (`warp.symmetry.SUPPORTS`): the assembled package
and board are self-equilibrated, so where rigid-body motion is removed changes no
strain, and the package must stay held while the board is unborn and soft. In the mold
chase the package is free. A chase that clamps the strip flat through the in-mold cure
would hold the warpage at zero while the mold relaxes, so the in-mold and ejected
warpage computed here is an upper bound on a clamped package's (`MOLD_CHASE`).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from warp.dataset import StepTable
from warp.design import Design
from warp.fem.inelastic import InelasticModel
from warp.fem.jesd51_solves import describe_thermal, solve_jesd51
from warp.fem.meshdata import PackageMesh
from warp.fem.output import write_history
from warp.fem.package_probes import PackageProbes
from warp.fem.step_control import StepControl, Substeps
from warp.history import stress_free_states
from warp.parts import SOLDER_PARTS
from warp.progress import Progress
from warp.symmetry import SUPPORTS, support_points

JOINT_RESULTS = {"bumps": "bump", "balls": "ball"}
"""Joint parts with per-joint results, and the prefix of their results-schema names."""
MOLD_CHASE = (
    "free in the chase: the supports remove rigid-body motion only, also during the "
    "in-mold cure, so the in-mold and ejected warpage is an upper bound on that of a "
    "package clamped flat in the chase (where the mold relaxes under the clamp)"
)
ON_BOARD = (
    "; on the package also with the board: package and board are self-equilibrated, so "
    "where rigid-body motion is removed changes no strain, and the package stays held "
    "while the board is unborn and soft"
)
JOINT_REBIRTH = (
    "a joint above its solidus carries no load (soft stand-in) and its strains are NaN; "
    "cooling to its solidus it is born again stress-free with fresh state (Anand s = s0), "
    "and its accumulated inelastic strain and work restart from zero; the per-cycle work "
    "density and inelastic strain are differences within cycling, after the last re-birth"
)


def laws(design: Design) -> dict[str, str]:
    """The law of each part in a time-dependent run."""
    out = {}
    for part, mat in design.materials.items():
        if part in SOLDER_PARTS:
            out[part] = design.study.process.solder_law
        elif part == "mold" and mat.has("prony_shear"):
            out[part] = "viscoelastic"
        else:
            out[part] = "elastic"
    return out


def solve_process_history(
    design: Design, pm: PackageMesh, progress: Progress, fields: Path | None
) -> StepTable:
    """Every step of the design's process history; ParaView fields into `fields` unless None."""
    st, steps = design.study, design.steps
    law_of = laws(design)
    start = steps[0].temperature
    first_birth = {}
    for step in reversed(steps):
        first_birth.update(dict.fromkeys(step.born, step.temperature))
    stress_free = {p: first_birth.get(p, start) for p in design.materials}
    model = InelasticModel(
        pm,
        design.materials,
        law_of,
        stress_free,
        st.solver,
        design.symmetry,
        support_points(design.layout, design.symmetry),
    )
    progress.stage(
        f"P{st.solver.element_degree} time-dependent mechanics: {model.dofs} DOFs, "
        f"{model.method} solver; laws: " + ", ".join(f"{k} {v}" for k, v in law_of.items())
    )
    later = {p for step in steps[1:] for p in step.born} - set(steps[0].born)
    model.start(start, unborn=tuple(p for p in design.materials if p in later))
    probes = PackageProbes(design, pm, model)
    thermal = solve_jesd51(design, pm, progress) if st.thermal.enabled else None
    shrink = design.materials["mold"].values.get("cure_shrinkage", 0.0)
    layer = st.cycling.interface_layer
    table = StepTable()
    frames: list[dict] = []

    def record(temp: float, done: Substeps) -> None:
        """The step just reached: probes, solver effort and the Darveaux layers; NaN for
        the joints that carried no load over it (molten, or not attached yet)."""
        row = {**probes.read(temp), **probes.inelastic()}
        if thermal:  # the dies are unpowered in the oven and the chamber
            row["junction_temperature"] = temp
        layers = probes.joint_layers(layer)
        for part, kind in JOINT_RESULTS.items():
            if part in model.parts and not model.parts[part].born:
                for key in (f"{kind}_strain_eq", f"{kind}_inelastic_strain"):
                    row[key] = np.full_like(row[key], np.nan)
                layers[kind] = {k: np.full_like(v, np.nan) for k, v in layers[kind].items()}
        table.append(
            **row,
            newton_iterations=sum(t.newton for t in done.taken),
            step_seconds=done.seconds,
            substeps=len(done.taken),
            rejected_substeps=len(done.rejected_seconds),
            rejected_seconds=sum(done.rejected_seconds),
            inelastic_increment_max=max((t.inelastic_increment for t in done.taken), default=0.0),
        )
        for kind, series in layers.items():
            for key, values in series.items():
                table.joint_layers.setdefault(kind, {}).setdefault(key, []).append(values)
        if fields:
            frames.append(dict(probes.fields(), temperature=temp))

    record(start, Substeps())
    control = StepControl(st.process.max_inelastic_increment)
    stats, rejected = [], []
    with progress.steps(len(steps), "load steps") as advance:  # as the summary counts them
        advance(f"{steps[0].phase} {start:6.1f} degC (stress-free start)")
        for prev, step in zip(steps[:-1], steps[1:], strict=True):

            def cure(fraction, prev=prev, step=step):  # shrinkage grows with the cure
                born = model.parts["mold"].born
                reached = prev.cure + (step.cure - prev.cure) * fraction
                model.chemical["mold"] = shrink * reached if born else 0.0

            if step.phase == "cycling" and not table.cycle_bounds:
                table.cycle_bounds.append(len(table.rows["warpage"]) - 1)  # cycling starts here
            done = control.advance(
                model, prev.temperature, step.temperature, step.time - prev.time, before=cure
            )
            stats += done.taken
            rejected += done.rejected_seconds
            record(step.temperature, done)
            for part in step.melted:  # heating past its solidus from here
                model.melt(part)
            for part in step.born:  # gelled, or solidified: stress-free here
                model.give_birth(part)
            if step.label == "cycle_end":
                table.cycle_bounds.append(len(table.rows["warpage"]) - 1)
            retried = len(done.rejected_seconds)
            advance(
                f"{step.phase} {step.temperature:6.1f} degC "
                f"({sum(s.newton for s in done.taken)} Newton its"
                + (f", {retried} substeps rejected)" if retried else ")")
            )
    if fields:
        write_history(pm, steps, frames, fields, st.output, probes.functions)
    table.grid_x, table.grid_y, table.interfaces = probes.gx, probes.gy, probes.interfaces
    if thermal:
        describe_thermal(table, design, thermal, mechanics=True)
        power_on = max(thermal.die_temperature.values(), default=np.nan)  # solved by solve_jesd51
        table.attrs["power_on_junction_temperature_degC"] = power_on
    table.attrs.update(
        dofs=int(model.dofs),
        element=f"P{st.solver.element_degree} Lagrange tetrahedra (vector); viscoelastic mold "
        "and viscoplastic solder at quadrature points",
        solver=" ".join(f"-{k} {v}" for k, v in model.solver_options().items()),
        stress_free_state=json.dumps(stress_free_states(steps, list(design.materials))),
        joint_rebirth=JOINT_REBIRTH,
        mold_chase=MOLD_CHASE,
        supports=SUPPORTS[design.symmetry] + (ON_BOARD if design.layout.board else ""),
        laws=", ".join(f"{k}: {v}" for k, v in law_of.items()),
        run_steps=len(steps) - 1,
        run_substeps=len(stats),
        run_newton_total=int(sum(s.newton for s in stats)),
        run_newton_max=int(max(s.newton for s in stats)),
        run_linear_iterations=int(sum(s.linear_iterations for s in stats)),
        run_step_seconds_mean=float(np.mean([s.seconds for s in stats])),
        run_rejected_substeps=len(rejected),
        run_rejected_seconds=float(sum(rejected)),
    )
    return table
