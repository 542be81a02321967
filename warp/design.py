"""Everything derived and checked from a study before a command writes anything (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from warp.errors import InputError
from warp.geometry import build_layout, model_symmetry
from warp.history import Step, build_history, process_history
from warp.layout import PackageLayout
from warp.materials import Material, get_material
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
    """Validate geometry, heat sources, materials and history (InputError on bad input)."""
    layout = build_layout(study)
    check_power(study)
    symmetry = model_symmetry(study)
    materials = {
        part: get_material(name, study.materials, field)
        for part, (field, name) in part_materials(study, layout).items()
    }
    body = layout.body
    volume = (body.x1 - body.x0) * (body.y1 - body.y0) * body.thickness
    if study.process.time_dependent:
        solidus = min(
            m.scalar("solidus")
            for part, m in materials.items()
            if part in ("bumps", "balls", "passive_joints")
        )
        steps = process_history(study, solidus, body.thickness, volume)
    else:
        if study.cycling.enabled:
            raise InputError(
                "cycling.enabled = true: thermal cycling needs process.time_dependent = true "
                "(the work density per cycle comes from the viscoplastic solder)"
            )
        steps = build_history(study, body.thickness, volume)
    return Design(study, layout, symmetry, materials, steps)


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
    return parts
