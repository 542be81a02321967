"""Everything derived and checked from a study before a command writes anything (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from warp.geometry import PackageLayout, build_layout, model_symmetry
from warp.history import Step, build_history
from warp.materials import Material, get_material
from warp.study import Study


@dataclass
class Plan:
    """Everything checked and derived from the study before any output is written."""

    study: Study
    layout: PackageLayout
    symmetry: str
    materials: dict[str, Material]
    steps: list[Step]


def plan(study: Study) -> Plan:
    """Validate geometry, materials and history (InputError on bad input)."""
    layout = build_layout(study)
    symmetry = model_symmetry(study)
    parts = {
        "carrier": ("carrier.material", study.carrier.material),
        "die": ("die.material", study.die.material),
        "bumps": ("bumps.material", study.bumps.material),
        "mold": ("mold.material", study.mold.material),
        "heat_sink": ("heat_sink.material", study.heat_sink.material),
    }
    if layout.balls is not None:
        parts["balls"] = ("balls.material", study.balls.material)
    materials = {p: get_material(name, study.materials, f) for p, (f, name) in parts.items()}
    body = layout.body
    volume = (body.x1 - body.x0) * (body.y1 - body.y0) * body.thickness
    steps = build_history(study, body.thickness, volume)
    return Plan(study, layout, symmetry, materials, steps)
