"""The elastic load history: mold cool-down, reflow and powered steps (collective).

Oven steps depend on the temperature and the mold's cure only (its post-gel
chemical shrinkage is a free strain, like the thermal one), so each distinct
state is solved once, in ascending temperature, where the last factorisation
preconditions best; powered steps solve the thermal model first and drive the mechanics with
its cell temperatures (one-way).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from warp.dataset import StepTable
from warp.design import Design
from warp.fem.elasticity import ThermoElasticModel
from warp.fem.jesd51_solves import describe_thermal, solve_jesd51
from warp.fem.meshdata import PackageMesh
from warp.fem.output import write_history
from warp.fem.package_probes import PackageProbes
from warp.progress import Progress
from warp.symmetry import support_points


def solve_elastic_history(
    design: Design, pm: PackageMesh, progress: Progress, fields: Path | None
) -> StepTable:
    """Every step of the design's history; ParaView fields into `fields` unless None."""
    st, steps = design.study, design.steps
    probes = _mechanics(design, pm, progress) if st.mechanics else None
    shrinkage = design.materials["mold"].values.get("cure_shrinkage", 0.0)
    thermal = solve_jesd51(design, pm, progress) if st.thermal.enabled else None
    rows: list[dict] = [{} for _ in steps]
    frames: list[dict] = [{} for _ in steps]
    stats = []

    def solve(temperature, hottest: float, cure: float) -> tuple[dict, dict]:
        probes.model.chemical["mold"] = shrinkage * cure
        probes.model.set_temperature(temperature)
        stats.append(probes.model.solve())
        return probes.read(hottest), probes.fields() if fields else {}

    oven = [i for i, s in enumerate(steps) if s.power is None]
    states = sorted({_state(steps[i]) for i in oven}) if probes else []
    powered = [i for i, s in enumerate(steps) if s.power is not None]
    # the bar counts history steps, as the summary does: one solve finishes every step of
    # its state at once
    share = [sum(_state(steps[i]) == state for i in oven) for state in states]
    with progress.steps(len(steps), "load steps") as advance:
        cache = {}
        for k, (temp, cure) in enumerate(states):
            cache[temp, cure] = solve(temp, temp, cure)
            its = stats[-1].iterations
            advance(f"{temp:6.1f} degC (solve {k + 1}/{len(states)}, {its} CG its)", share[k])
        if oven and not states:  # no mechanics: the junction follows the oven, nothing to solve
            advance(f"{len(oven)} oven steps", len(oven))
        for i in oven:
            temp = steps[i].temperature
            row, frame = cache.get(_state(steps[i]), ({}, {}))
            rows[i], frames[i] = dict(row, junction_temperature=temp), dict(frame, temperature=temp)
        for i in powered:
            step, model = steps[i], thermal.model
            if step.dt == 0:
                model.steady(power_scale=step.power)
            else:
                model.advance(step.dt, step.power)
            tj = model.junction_temperature()
            row, frame = solve(model.cell_temperatures(), tj, step.cure) if probes else ({}, {})
            rows[i] = dict(row, junction_temperature=tj)
            frames[i] = dict(frame, temperature=model.T.x.array.copy())
            advance(f"{step.phase} Tj {tj:6.1f} degC")
    if fields:
        write_history(
            pm,
            steps,
            frames,
            fields,
            st.output,
            probes.functions if probes else None,
            thermal.model.V if thermal else None,
        )
    table = StepTable()
    for row in rows:
        if thermal is None:
            row.pop("junction_temperature")
        table.append(**row)
    if probes:
        _describe_mechanics(table, design, probes)
        table.attrs.update(
            run_solves=len(stats),
            run_refactorisations=sum(s.refactorised for s in stats),
            run_assemble_s=sum(s.assemble_seconds for s in stats),
            run_solve_s=sum(s.solve_seconds for s in stats),
            run_iterations_mean=float(np.mean([s.iterations for s in stats])),
            run_iterations_max=int(np.max([s.iterations for s in stats])),
        )
    if thermal:
        describe_thermal(table, design, thermal, mechanics=probes is not None)
    return table


def _state(step) -> tuple[float, float]:
    """What an oven step's elastic state depends on: temperature and the mold's cure."""
    return round(step.temperature, 9), step.cure


def _mechanics(design: Design, pm: PackageMesh, progress: Progress) -> PackageProbes:
    """The thermo-elastic model, stress-free at the molding temperature, and its probes."""
    st = design.study
    stress_free = {part: st.process.molding_temperature for part in design.materials}
    model = ThermoElasticModel(
        pm,
        design.materials,
        stress_free,
        st.solver,
        design.symmetry,
        support_points(design.layout, design.symmetry),
    )
    progress.stage(
        f"P{st.solver.element_degree} thermo-elasticity: {model.dofs} DOFs, {model.method} solver"
    )
    return PackageProbes(design, pm, model)


def _describe_mechanics(table: StepTable, design: Design, probes: PackageProbes) -> None:
    """The surface grid, the interfaces and the mechanical model's provenance."""
    table.grid_x, table.grid_y, table.interfaces = probes.gx, probes.gy, probes.interfaces
    solver = probes.model.solver_options()
    table.attrs.update(
        dofs=int(probes.model.dofs),
        element=f"P{design.study.solver.element_degree} Lagrange tetrahedra (vector)",
        solver=" ".join(f"-{k} {v}" for k, v in solver.items()),
        stress_free_temperature_degC=design.study.process.molding_temperature,
    )
