"""The one registry of part, surface and interface names.

Interfaces are named "a/b" with a before b in PART_ORDER (e.g. "die/mold",
"heat_sink/mold", "mold/carrier", "die2/die_attach"), so every module derives
the same name. Stacked dies are die1, die2, ... from the carrier up.
"""

PART_ORDER = (
    "heat_sink",
    "die",
    "die3",
    "die2",
    "die1",
    "die_attach",
    "bumps",
    "passives",
    "terminations",
    "passive_joints",
    "mold",
    "carrier",
    "balls",
    "board_pads",
    "board",
)

SOLDER_PARTS = ("bumps", "balls", "passive_joints")
"""The parts made of solder (a solder law, a solidus, re-born when they melt)."""


def interface_name(a: str, b: str) -> str:
    """Canonical name of the interface between two parts."""
    ia, ib = PART_ORDER.index(a), PART_ORDER.index(b)
    if ia == ib:
        raise ValueError(f"no interface between {a} and itself")
    return f"{a}/{b}" if ia < ib else f"{b}/{a}"


def is_interface(name: str) -> bool:
    return "/" in name


OUTER_SURFACES = (
    "carrier_bottom",
    "mold_bottom",
    "heat_sink_top",
    "mold_top",
    "package_sides",
    "ball_tips",
    "ball_sides",
    "board_top",
    "board_bottom",
    "board_sides",
    "outer",
)
"""Exterior faces, by where they are; symmetry planes are not among them."""
