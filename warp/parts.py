"""The one registry of part, surface and interface names.

Interfaces are named "a/b" with a before b in PART_ORDER (e.g. "die/mold",
"heat_sink/mold", "mold/carrier"), so every module derives the same name.
"""

PART_ORDER = ("heat_sink", "die", "bumps", "mold", "carrier", "balls")


def interface_name(a: str, b: str) -> str:
    """Canonical name of the interface between two parts."""
    ia, ib = PART_ORDER.index(a), PART_ORDER.index(b)
    if ia == ib:
        raise ValueError(f"no interface between {a} and itself")
    return f"{a}/{b}" if ia < ib else f"{b}/{a}"


def is_interface(name: str) -> bool:
    return "/" in name
