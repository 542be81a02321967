"""Everything derived and checked from a study before a command writes anything (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from warp import model_size
from warp.errors import InputError
from warp.geometry import build_layout, model_symmetry
from warp.history import Step, build_history, process_history
from warp.layout import PackageLayout
from warp.materials import Material, get_material
from warp.parts import SOLDER_PARTS
from warp.study import DieAttach, Study


@dataclass
class Design:
    """Everything checked and derived from the study before any output is written."""

    study: Study
    layout: PackageLayout
    symmetry: str
    materials: dict[str, Material]
    steps: list[Step]


def resolve(study: Study) -> Design:
    """Validate switches, geometry, heat sources, materials and history (InputError on bad
    input)."""
    check_switches(study)
    layout = build_layout(study)
    check_power(study)
    symmetry = model_symmetry(study)
    model_size.check(study, layout, symmetry)  # before Gmsh: a design too big to mesh
    parts = part_materials(study, layout)
    materials = {
        part: get_material(name, study.materials, field) for part, (field, name) in parts.items()
    }
    body = layout.body
    volume = (body.x1 - body.x0) * (body.y1 - body.y0) * body.thickness
    if study.process.time_dependent:
        check_solders(study, materials, parts)
        check_averaging_layers(study, layout)
        solidus = {p: m.scalar("solidus") for p, m in materials.items() if p in SOLDER_PARTS}
        steps = process_history(study, solidus, body.thickness, volume)
    else:
        steps = build_history(study, body.thickness, volume)
    return Design(study, layout, symmetry, materials, steps)


def check_switches(study: Study) -> None:
    """Refuse switches that contradict each other, instead of silently dropping one; the
    time-dependent history is unpowered (its thermal results are the JESD51 metrics and
    the power-on Tj) until a coupled one is built."""
    if study.process.time_dependent:
        if study.thermal.enabled and study.thermal.cycling.cycles:
            raise InputError(
                f"thermal.cycling.cycles = {study.thermal.cycling.cycles}: power cycling drives "
                "the elastic model only; the time-dependent history (process.time_dependent = "
                "true) takes the JESD51 metrics and the power-on Tj, with the dies unpowered in "
                "its oven and chamber steps; set thermal.cycling.cycles = 0"
            )
        if not study.mechanics:
            raise InputError(
                "mechanics = false: the time-dependent history (process.time_dependent = true) "
                "is a mechanical solve; set mechanics = true, or process.time_dependent = false"
            )
    elif study.cycling.enabled:
        raise InputError(
            "cycling.enabled = true: thermal cycling needs process.time_dependent = true "
            "(the work density per cycle comes from the viscoplastic solder)"
        )
    if study.board.enabled:
        check_board_switches(study)
    if not study.mechanics and not study.thermal.enabled:
        raise InputError(
            "mechanics = false: with thermal.enabled = false there is nothing to solve; "
            "set mechanics = true or enable [thermal]"
        )


def check_board_switches(study: Study) -> None:
    """Refuse a board the history cannot assemble: it is born at the board-assembly reflow
    (the study's [reflow]), bonded by the balls, in the time-dependent history."""
    if not study.process.time_dependent:
        raise InputError(
            "board.enabled = true: the package and the board are assembled at the "
            "board-assembly reflow, whose stress-free states only the time-dependent history "
            "carries; set process.time_dependent = true"
        )
    if not study.reflow.enabled:
        raise InputError(
            "board.enabled = true: the board is assembled in the board-assembly reflow, the "
            "study's [reflow]; set reflow.enabled = true"
        )
    if not study.balls.enabled:
        raise InputError(
            "board.enabled = true: the board is bonded to the package's balls; set "
            "balls.enabled = true"
        )


LAW_CONSTANT = {"anand": "anand_s0", "garofalo": "garofalo_C1"}
"""One constant of each solder law; the library refuses a material with only some of a
law's constants (warp.materials.ranges.NEEDS)."""


def check_solders(study: Study, materials: dict[str, Material], parts: dict) -> None:
    """Refuse a joint material the time-dependent history cannot solve: it needs a solder,
    with a solidus (the stress-free assembly) and the constants of process.solder_law."""
    law = study.process.solder_law
    for part in SOLDER_PARTS:
        if part not in materials:
            continue
        needs = {"solidus": "solidus", LAW_CONSTANT[law]: f"{law} constants"}
        missing = [what for prop, what in needs.items() if not materials[part].has(prop)]
        if missing:
            field, name = parts[part]
            raise InputError(
                f"{field} = {name!r}: the time-dependent history (process.time_dependent = true) "
                f"solves the joints as solder with the {law} law (process.solder_law); "
                f"{name} has no {' and no '.join(missing)}"
            )


def check_averaging_layers(study: Study, layout: PackageLayout) -> None:
    """Refuse a Darveaux averaging layer (swept at both bonded faces of every bump and ball
    in a time-dependent run) that does not fit twice into a joint's stand-off."""
    layer = study.cycling.interface_layer
    joints = [(f"dies.{i}.bumps.height", d.bumps) for i, d in enumerate(layout.dies)]
    joints.append(("balls.height", layout.balls))
    for field, joint in joints:
        if joint is not None and 2 * layer >= joint.height - 1e-9:
            raise InputError(
                f"cycling.interface_layer = {layer}: the averaging layers at both bonded faces "
                f"must fit inside the {joint.height:g} mm stand-off ({field}) with room "
                f"between them; use a layer below {joint.height / 2:g} mm"
            )


def check_power(study: Study) -> None:
    """Refuse a [[thermal.power]] entry that names a die the package does not have."""
    count = len(study.dies)
    for i, power in enumerate(study.thermal.power):
        if power.die > count:
            raise InputError(
                f"thermal.power.{i}.die = {power.die}: the package has {count} die(s), "
                "numbered from 1 at the carrier up"
            )


def part_materials(study: Study, layout: PackageLayout) -> dict[str, tuple[str, str]]:
    """Part name -> (study field, material name) for every part of the package.

    Parts that gather several components (all bumps, all die-attach layers, all
    passives) need one material; a mix is refused, naming both fields.
    """
    parts: dict[str, tuple[str, str]] = {
        "carrier": ("carrier.material", study.carrier.material),
        "mold": ("mold.material", study.mold.material),
        "heat_sink": ("heat_sink.material", study.heat_sink.material),
    }

    def claim(part: str, field: str, name: str) -> None:
        if part in parts and parts[part][1] != name:
            other, known = parts[part]
            raise InputError(
                f"{field} = {name!r}: all {part} share one material, and {other} is {known!r}"
            )
        parts.setdefault(part, (field, name))

    for i, (die, dl) in enumerate(zip(study.dies, layout.dies, strict=True)):
        parts[dl.name] = (f"dies.{i}.material", die.material)
        if die.bumps is not None:
            claim("bumps", f"dies.{i}.bumps.material", die.bumps.material)
        if dl.attach == "die-attach":
            da = (die.die_attach or DieAttach()).material
            claim("die_attach", f"dies.{i}.die_attach.material", da)
    for i, p in enumerate(study.passives):
        claim("passives", f"passives.{i}.body_material", p.body_material)
        claim("terminations", f"passives.{i}.termination_material", p.termination_material)
        claim("passive_joints", f"passives.{i}.solder_material", p.solder_material)
    if layout.balls is not None:
        parts["balls"] = ("balls.material", study.balls.material)
    if layout.board is not None:
        parts["board_pads"] = ("board.pad_material", study.board.pad_material)
        parts["board"] = ("board.material", study.board.material)
    return parts
