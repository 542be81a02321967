"""The time-dependent process history: viscoelastic mold, viscoplastic solder (collective).

Bumps are stress-free at the solder solidus, the mold is born stress-free at
gelation and shrinks as it cures; every planned step of the history is reached
through adaptive substeps (`StepControl`), and each joint's Darveaux-layer
series is kept for the per-cycle analysis (`warp.hysteresis`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from warp.dataset import StepTable
from warp.design import Design
from warp.fem.inelastic import InelasticModel
from warp.fem.meshdata import PackageMesh
from warp.fem.output import write_history
from warp.fem.package_probes import PackageProbes
from warp.fem.step_control import StepControl
from warp.progress import Progress
from warp.symmetry import support_points

SOLDER_PARTS = ("bumps", "balls", "passive_joints")


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
    solidus, gel = steps[0].temperature, st.process.molding_temperature
    stress_free = {p: gel if p in ("mold", "heat_sink") else solidus for p in design.materials}
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
    model.start(solidus, unborn=("mold",))
    probes = PackageProbes(design, pm, model)
    shrink = design.materials["mold"].values.get("cure_shrinkage", 0.0)
    layer = st.cycling.interface_layer
    table = StepTable()
    frames: list[dict] = []

    def record(temp: float, taken: list) -> None:
        """The step just reached: probes, solver effort and the Darveaux layers."""
        table.append(
            **probes.read(temp),
            **probes.inelastic(),
            newton_iterations=sum(t.newton for t in taken),
            step_seconds=sum(t.seconds for t in taken),
            substeps=len(taken),
            inelastic_increment_max=max((t.inelastic_increment for t in taken), default=0.0),
        )
        for kind, series in probes.joint_layers(layer).items():
            for key, values in series.items():
                table.joint_layers.setdefault(kind, {}).setdefault(key, []).append(values)
        if fields:
            frames.append(dict(probes.fields(), temperature=temp))

    record(solidus, [])
    control = StepControl(st.process.max_inelastic_increment)
    stats = []
    with progress.steps(len(steps) - 1, "time steps") as advance:
        for prev, step in zip(steps[:-1], steps[1:], strict=True):
            if step.phase == "molding" and not model.parts["mold"].born:
                model.give_birth("mold")  # gelation: the mold is stress-free now

            def cure(fraction, prev=prev, step=step):  # shrinkage grows with the cure
                born = model.parts["mold"].born
                reached = prev.cure + (step.cure - prev.cure) * fraction
                model.chemical["mold"] = shrink * reached if born else 0.0

            if step.phase == "cycling" and not table.cycle_bounds:
                table.cycle_bounds.append(len(table.rows["warpage"]) - 1)  # cycling starts here
            taken = control.advance(
                model, prev.temperature, step.temperature, step.time - prev.time, before=cure
            )
            stats += taken
            record(step.temperature, taken)
            if step.label == "cycle_end":
                table.cycle_bounds.append(len(table.rows["warpage"]) - 1)
            advance(
                f"{step.phase} {step.temperature:6.1f} degC "
                f"({sum(s.newton for s in taken)} Newton its)"
            )
    if fields:
        write_history(pm, [s.time for s in steps], frames, fields, probes.functions)
    table.grid_x, table.grid_y, table.interfaces = probes.gx, probes.gy, probes.interfaces
    table.attrs.update(
        dofs=int(model.dofs),
        element=f"P{st.solver.element_degree} Lagrange tetrahedra (vector); viscoelastic mold "
        "and viscoplastic solder at quadrature points",
        solver=" ".join(f"-{k} {v}" for k, v in model.solver_options().items()),
        stress_free_temperature_degC=st.process.molding_temperature,
        laws=", ".join(f"{k}: {v}" for k, v in law_of.items()),
        run_steps=len(steps) - 1,
        run_substeps=len(stats),
        run_newton_total=int(sum(s.newton for s in stats)),
        run_newton_max=int(max(s.newton for s in stats)),
        run_linear_iterations=int(sum(s.linear_iterations for s in stats)),
        run_step_seconds_mean=float(np.mean([s.seconds for s in stats])),
    )
    return table
