"""The package's thermal model and its JESD51 resistances (collective)."""

from __future__ import annotations

from dataclasses import dataclass

from warp import jesd51
from warp.dataset import StepTable
from warp.design import Design
from warp.fem.meshdata import PackageMesh
from warp.fem.thermal import HeatSource, ThermalModel
from warp.progress import Progress


@dataclass
class ThermalSolution:
    """The thermal model, left in the operating environment, and its JESD51 metrics."""

    model: ThermalModel
    theta: dict[str, float]  # K/W
    heat_out_W: dict[str, float]  # heat leaving the whole package in each metric's solve


def heat_sources(design: Design) -> list[HeatSource]:
    """Die power and hot spots of the study, on the dies they name."""
    sources = []
    for pw in design.study.thermal.power:
        die = design.layout.dies[pw.die - 1]
        hotspot = None
        if pw.hotspot_centre is not None:
            (x, y), (a, b) = pw.hotspot_centre, pw.hotspot_size
            hotspot = (x - a / 2, y - b / 2, x + a / 2, y + b / 2)
        sources.append(HeatSource(die.name, pw.watts, die.box.volume, hotspot, pw.hotspot_fraction))
    return sources


def solve_jesd51(design: Design, pm: PackageMesh, progress: Progress) -> ThermalSolution:
    """Steady solves in each JESD51 environment, then the model set to the operating one."""
    st = design.study
    model = ThermalModel(
        pm,
        design.materials,
        heat_sources(design),
        st.thermal.element_degree,
        petsc_options=st.thermal.petsc_options,
    )
    envs = jesd51.environments(st, design.layout)
    theta, heat_out = {}, {}
    amb = st.thermal.ambient
    copies = 4.0 if design.symmetry == "quarter" else 1.0  # the package holds this many models
    for name in jesd51.METRICS:
        model.set_environment(envs[name])
        model.T.x.array[:] = amb
        model.steady()
        theta[name] = (model.junction_temperature() - amb) / model.power
        heat_out[name] = model.heat_out() * copies
        progress.stage(f"{name} = {theta[name]:.3f} K/W")
    model.set_environment(envs["operating"])
    model.T.x.array[:] = amb
    return ThermalSolution(model, theta, heat_out)


def describe_thermal(
    table: StepTable, design: Design, thermal: ThermalSolution, mechanics: bool
) -> None:
    """The JESD51 metrics and the thermal model's provenance."""
    model = thermal.model
    table.theta, table.heat_out_W = thermal.theta, thermal.heat_out_W
    table.attrs.update(
        thermal_element=f"P{design.study.thermal.element_degree} Lagrange tetrahedra",
        thermal_dofs=int(model.V.dofmap.index_map.size_global),
        power_W=float(model.power),
    )
    if not mechanics:
        table.attrs.update(
            dofs=table.attrs["thermal_dofs"],
            element=table.attrs["thermal_element"],
            solver="CG/Cholesky (MUMPS), Picard on k(T)",
        )
