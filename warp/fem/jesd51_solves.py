"""The package's thermal model, its thermal metrics and each die's junction temperature
(collective)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from warp import board as pcb
from warp import jesd51
from warp.dataset import StepTable
from warp.design import Design
from warp.fem.meshdata import PackageMesh
from warp.fem.thermal import HeatSource, ThermalModel
from warp.materials import Material, get_material
from warp.progress import Progress


@dataclass
class ThermalSolution:
    """The thermal model, left in the operating environment, its metrics and the dies'
    temperatures at the power-on point."""

    model: ThermalModel
    theta: dict[str, float]  # K/W
    heat_out_W: dict[str, float]  # heat leaving the whole package in each metric's solve
    theta_attrs: dict[str, dict]  # each metric's set-up, for the results attrs
    die_temperature: dict[str, float]  # degC by die name, operating environment, full power


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


def conduction_materials(design: Design) -> dict[str, Material]:
    """The design's materials as the conduction solves use them: the board's (k, k_z) from
    its copper layers (warp.board.effective_conductivity, copper at thermal.ambient and the
    board.K_DIELECTRIC dielectric), unless the study overrides the board material's k or k_z."""
    mats = dict(design.materials)
    st = design.study
    if design.layout.board is None:
        return mats
    board = mats["board"]
    given = st.materials.get(board.name, {})
    k_copper = float(get_material("copper", st.materials).conductivity(st.thermal.ambient)[0])
    k_in, k_z = pcb.effective_conductivity(st.board, k_copper, pcb.K_DIELECTRIC)
    layers = {p: v for p, v in (("k", k_in), ("k_z", k_z)) if p not in given}
    mats["board"] = dataclasses.replace(board, values={**board.values, **layers})
    return mats


def thermal_model(design: Design, pm: PackageMesh, degree: int | None = None) -> ThermalModel:
    """The design's conduction model, reporting every die (`degree`: the study's by default)."""
    st = design.study
    return ThermalModel(
        pm,
        conduction_materials(design),
        heat_sources(design),
        degree or st.thermal.element_degree,
        petsc_options=st.thermal.petsc_options,
        dies=[d.name for d in design.layout.dies],
    )


def solve_jesd51(design: Design, pm: PackageMesh, progress: Progress) -> ThermalSolution:
    """Steady solves in each metric's set-up and in the operating environment (each die's
    power-on temperature), then the model left in the operating environment at the ambient."""
    st = design.study
    model = thermal_model(design, pm)
    amb = st.thermal.ambient
    copies = 4.0 if design.symmetry == "quarter" else 1.0  # the package holds this many models
    theta, heat_out, attrs = {}, {}, {}
    for metric in jesd51.metrics(st, design.layout):
        model.set_environment(metric.surfaces)
        model.T.x.array[:] = amb
        model.steady()
        if metric.reference_point is None:
            reference = amb
        else:
            reference = float(model.temperature_at(np.array([metric.reference_point]))[0])
        temps = model.die_temperatures()
        hottest = max(temps, key=temps.get)
        theta[metric.name] = (temps[hottest] - reference) / model.power
        heat_out[metric.name] = model.heat_out() * copies
        attrs[metric.name] = {
            "environment": metric.environment,
            "junction_die": hottest,
            "reference_temperature_degC": reference,
            **metric.attrs,
        }
        films = model.film_heat()
        if design.layout.board is not None and films:
            board = sum(films.get(g, 0.0) for g in jesd51.BOARD_FACES)
            attrs[metric.name]["board_heat_share"] = board / sum(films.values())
        progress.stage(f"{metric.name} = {theta[metric.name]:.3f} K/W")
    model.set_environment(jesd51.operating(st, design.layout))
    model.T.x.array[:] = amb
    model.steady()
    dies = model.die_temperatures()
    model.T.x.array[:] = amb
    return ThermalSolution(model, theta, heat_out, attrs, dies)


def describe_thermal(
    table: StepTable, design: Design, thermal: ThermalSolution, mechanics: bool
) -> None:
    """The thermal metrics, each die's junction temperature and the model's provenance."""
    model = thermal.model
    table.theta, table.heat_out_W = thermal.theta, thermal.heat_out_W
    table.theta_attrs = thermal.theta_attrs
    table.die_junction_temperature = thermal.die_temperature
    table.attrs.update(
        thermal_element=f"P{design.study.thermal.element_degree} Lagrange tetrahedra",
        thermal_dofs=int(model.V.dofmap.index_map.size_global),
        power_W=float(model.power),
        thermal_conductivity="diagonal tensor (k, k, k_z) per part; the board's from its copper "
        "layers (warp.board.effective_conductivity)"
        if design.layout.board is not None
        else "diagonal tensor (k, k, k_z) per part",
    )
    if not mechanics:
        table.attrs.update(
            dofs=table.attrs["thermal_dofs"],
            element=table.attrs["thermal_element"],
            solver="CG/Cholesky (MUMPS), Picard on k(T)",
        )
