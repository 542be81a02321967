"""The physical range of every material property, and the rules that tie properties together.

A value outside its range (a negative modulus, nu = 0.6, a Prony series that is not one)
still solves and gives a number, so it is refused before anything runs: every scalar and
every table row of the library entries and the study overrides a run would use. A refusal
is a ValueError naming the material, the property, the value (the row, for a table) and the
allowed range, e.g. "materials.copper.E = -1.0: Young's modulus must be > 0 MPa". Scalars
are floats and tables `warp.materials.Table`s (rows `t`, values `v`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

ABSOLUTE_ZERO = -273.15  # degC


@dataclass(frozen=True)
class Range:
    """What a property is and the bounds its values must keep (the study schema's gt/ge/lt/le)."""

    what: str
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None

    def holds(self, x: float) -> bool:
        return (
            math.isfinite(x)
            and (self.gt is None or x > self.gt)
            and (self.ge is None or x >= self.ge)
            and (self.lt is None or x < self.lt)
            and (self.le is None or x <= self.le)
        )

    def rule(self, units: str) -> str:
        """The allowed range as a sentence, e.g. "Young's modulus must be > 0 MPa"."""
        ops = ((">", self.gt), (">=", self.ge), ("<", self.lt), ("<=", self.le))
        bounds = " and ".join(f"{op} {b:g}" for op, b in ops if b is not None)
        if not bounds:
            return f"{self.what} must be a finite number"
        return f"{self.what} must be {bounds}" + (f" {units}" if units not in ("", "1") else "")


# ppm/K: the most negative engineering CTEs are about -10 (ZrW2O8 -9), the largest about
# 300 (elastomers and silicones above Tg); a value outside the band is a typo or a unit slip
_CTE = {"ge": -50.0, "le": 500.0}

RANGES: dict[str, Range] = {
    "E": Range("Young's modulus", gt=0),
    "nu": Range("Poisson's ratio", gt=-1, lt=0.5),
    "C11": Range("cubic stiffness C11", gt=0),
    "C12": Range("cubic stiffness C12"),  # either sign; stability is a rule with C11
    "C44": Range("cubic stiffness C44", gt=0),
    "crystal_angle": Range("crystal angle", ge=-360, le=360),
    **{f"E_{a}": Range(f"orthotropic Young's modulus E_{a}", gt=0) for a in "xyz"},
    # either sign and above 0.5 on a laminate; the bound is the stability rule
    **{f"nu_{a}": Range(f"orthotropic Poisson's ratio nu_{a}") for a in ("xy", "xz", "yz")},
    **{f"G_{a}": Range(f"orthotropic shear modulus G_{a}", gt=0) for a in ("xy", "xz", "yz")},
    "cte": Range("CTE", **_CTE),
    "cte_z": Range("out-of-plane CTE", **_CTE),
    "tg": Range("glass transition temperature", gt=ABSOLUTE_ZERO),
    "E_below_tg": Range("glassy modulus", gt=0),
    "E_above_tg": Range("rubbery modulus", gt=0),
    "cte_below_tg": Range("CTE below Tg", **_CTE),
    "cte_above_tg": Range("CTE above Tg", **_CTE),
    "cte_z_above_tg": Range("out-of-plane CTE above Tg", **_CTE),
    # DMA and TMA transitions span 10-40 K
    "tg_width": Range("glass transition width", ge=0, le=100),
    # from fusible alloys (Field's metal, 62 degC) to Au-Si (363) and Zn-Al (381) solders
    "solidus": Range("solidus", ge=50, le=450),
    "E_molten": Range("molten stand-in modulus", gt=0),
    "k": Range("thermal conductivity", gt=0),
    "k_z": Range("out-of-plane thermal conductivity", gt=0),
    "density": Range("density", gt=0),
    "cp": Range("specific heat", gt=0),
    "anand_s0": Range("Anand initial deformation resistance s0", gt=0),
    "anand_Q_R": Range("Anand activation energy Q/R", gt=0),
    "anand_A": Range("Anand pre-exponential factor A", gt=0),
    "anand_xi": Range("Anand stress multiplier xi", gt=0),
    # the laws divide by m (sinh^(1/m)); Anand's rate sensitivities lie in (0, 1]
    "anand_m": Range("Anand strain-rate sensitivity m", gt=0, le=1),
    "anand_h0": Range("Anand hardening constant h0", gt=0),
    "anand_s_hat": Range("Anand saturation coefficient s_hat", gt=0),
    "anand_n": Range("Anand saturation rate sensitivity n", gt=0, le=1),
    # the hardening tangent holds |1 - s/s*|^(a - 1), infinite at saturation when a < 1
    "anand_a": Range("Anand hardening exponent a", ge=1),
    "garofalo_C1": Range("Garofalo rate constant C1", gt=0),
    "garofalo_C2": Range("Garofalo stress multiplier C2", gt=0),
    "garofalo_C3": Range("Garofalo stress exponent C3", gt=0),
    "garofalo_C4": Range("Garofalo activation energy C4", gt=0),
    "prony_shear": Range("Prony weight", gt=0, le=1),  # the rows' second column
    "shift_Ea_R": Range("shift activation energy Ea/R", gt=0),
    "wlf_c1": Range("WLF constant C1", gt=0),
    "wlf_c2": Range("WLF constant C2", gt=0),
    # a curing epoxy shrinks (linear 0.1-1 %); a positive value is a sign slip
    "cure_shrinkage": Range("cure shrinkage", ge=-0.05, le=0),
}
"""Property -> its range; a table's values (second column) are held to the same range."""

PRONY_TIME = Range("Prony relaxation time", gt=0)
TABLE_TEMPERATURE = Range("table temperature", gt=ABSOLUTE_ZERO)
PRONY_SUM_TOLERANCE = 0.01  # published weights are rounded to 3-4 digits

TABULATED = frozenset({"E", "nu", "cte", "cte_z", "k", "k_z", "density", "cp"})
"""Properties that may be a table of [degC, value] rows; prony_shear must be one of
[s, weight] rows; every other property is read as a single value."""

TG_TABLES = ("E", "nu", "cte", "cte_z")
"""Tables that must reach across Tg: beyond its ends a table holds its end value, so one
that stops short of Tg would carry the glassy value through the transition."""

_ANAND = tuple(f"anand_{k}" for k in ("s0", "Q_R", "A", "xi", "m", "h0", "s_hat", "n", "a"))
_GAROFALO = tuple(f"garofalo_C{i}" for i in range(1, 5))
_ORTHOTROPIC = ("E_x", "E_y", "E_z", "nu_xy", "nu_xz", "nu_yz", "G_xy", "G_xz", "G_yz")
NEEDS: dict[str, tuple[str, ...]] = {
    **{p: _ANAND for p in _ANAND},
    **{p: _GAROFALO for p in _GAROFALO},
    **{p: _ORTHOTROPIC for p in _ORTHOTROPIC},
    "solidus": ("E_molten",),
    "E_molten": ("solidus",),
    "E_below_tg": ("E_above_tg", "tg"),
    "E_above_tg": ("E_below_tg", "tg"),
    "cte_below_tg": ("cte_above_tg", "tg"),
    "cte_above_tg": ("cte_below_tg", "tg"),
    "cte_z_above_tg": ("cte_z", "tg"),
    "tg_width": ("tg",),
    "prony_shear": ("E_below_tg", "E_above_tg", "tg", "shift_Ea_R"),
    "wlf_c1": ("wlf_c2", "prony_shear"),
    "wlf_c2": ("wlf_c1", "prony_shear"),
}
"""Property -> the properties the laws read with it (a law without them cannot run)."""


def check_values(
    name: str, values: Mapping[str, Any], units: Mapping[str, str], overridden: Collection[str]
) -> None:
    """Refuse a material whose values leave their ranges (ValueError naming the first).

    `values` maps property -> float or Table, `units` property -> unit; properties in
    `overridden` are named as study keys (materials.NAME.PROP), the rest as library entries.
    """

    def label(prop: str) -> str:
        return f"materials.{name}.{prop}" if prop in overridden else f"{name}.toml: {prop}"

    for prop, value in values.items():
        _check_value(label(prop), prop, value, units[prop])
    for prop in values:
        missing = [p for p in NEEDS.get(prop, ()) if p not in values]
        if missing:
            raise ValueError(
                f"{label(prop)}: {RANGES[prop].what} needs {', '.join(missing)}, "
                f"which {name} does not have"
            )
    _check_rules(values, label, overridden)


def _check_value(where: str, prop: str, value: Any, units: str) -> None:
    """One property: its kind (single value or table), then the value or every row."""
    rng = RANGES[prop]
    if isinstance(value, float):
        if prop == "prony_shear":
            raise ValueError(
                f"{where} = {value!r}: a Prony series must be a table of [time s, weight] rows"
            )
        if not rng.holds(value):
            raise ValueError(f"{where} = {value!r}: {rng.rule(units)}")
        return
    if prop not in TABULATED and prop != "prony_shear":
        raise ValueError(f"{where}: {rng.what} must be a single value, not a table")
    first, first_units = (PRONY_TIME, "s") if prop == "prony_shear" else (TABLE_TEMPERATURE, "degC")
    units = "1" if prop == "prony_shear" else units
    for t, v in zip(value.t.tolist(), value.v.tolist(), strict=True):
        for check, x, unit in ((first, t, first_units), (rng, v, units)):
            if not check.holds(x):
                raise ValueError(f"{where} row [{t!r}, {v!r}]: {check.rule(unit)}")
    if prop == "prony_shear" and abs(sum(value.v) - 1) > PRONY_SUM_TOLERANCE:
        raise ValueError(
            f"{where}: the Prony weights sum to {sum(value.v):g}; they share the drop from "
            "the glassy to the rubbery modulus (E_below_tg, E_above_tg) and must sum to 1"
        )


def _check_rules(
    values: Mapping[str, Any], label: Callable[[str], str], overridden: Collection[str]
) -> None:
    """The rules across properties; each names an overridden property where one took part."""

    def where(*props: str) -> str:
        prop = next((p for p in props if p in overridden), props[0])
        value = values[prop]
        return f"{label(prop)} = {value!r}" if isinstance(value, float) else label(prop)

    if {"C11", "C12", "C44"} <= set(values):
        c11, c12 = values["C11"], values["C12"]
        if not (c11 > abs(c12) and c11 + 2 * c12 > 0):
            raise ValueError(
                f"{where('C12', 'C11')}: a stable cubic crystal needs C11 > |C12| and "
                f"C11 + 2 C12 > 0 (C11 = {c11:g}, C12 = {c12:g} MPa)"
            )
    if set(_ORTHOTROPIC) <= set(values):
        e = [values[f"E_{a}"] for a in "xyz"]
        nu = {(i, j): values[f"nu_{'xyz'[i]}{'xyz'[j]}"] for i, j in ((0, 1), (0, 2), (1, 2))}
        nu |= {(j, i): n * e[j] / e[i] for (i, j), n in list(nu.items())}  # nu_ji = nu_ij E_j/E_i
        det = 1 - sum(nu[i, j] * nu[j, i] for i, j in ((0, 1), (0, 2), (1, 2)))
        det -= 2 * nu[1, 0] * nu[2, 1] * nu[0, 2]
        if det <= 0 or any(nu[i, j] * nu[j, i] >= 1 for i, j in nu):
            raise ValueError(
                f"{where('nu_xy', 'nu_xz', 'nu_yz', 'E_x', 'E_y', 'E_z')}: a stable "
                "orthotropic material needs nu_ij nu_ji < 1 and 1 - nu_xy nu_yx - nu_yz nu_zy "
                f"- nu_xz nu_zx - 2 nu_yx nu_zy nu_xz > 0 (here {det:.3g}; nu_ji = nu_ij E_j / E_i)"
            )
    if {"E_below_tg", "E_above_tg"} <= set(values):
        if values["E_above_tg"] >= values["E_below_tg"]:
            raise ValueError(
                f"{where('E_above_tg', 'E_below_tg')}: the rubbery modulus E_above_tg must lie "
                f"below the glassy modulus E_below_tg = {values['E_below_tg']:g} MPa"
            )
    if "solidus" in values and "E" in values:
        solidus, e = values["solidus"], values["E"]
        solid = float(e(solidus)) if not isinstance(e, float) else e
        if values["E_molten"] >= solid:
            raise ValueError(
                f"{where('E_molten', 'solidus')}: the molten stand-in modulus E_molten must lie "
                f"below Young's modulus at the solidus, {solid:g} MPa at {solidus:g} degC"
            )
    if "tg" in values:
        for prop in TG_TABLES:
            table = values.get(prop)
            if table is None or isinstance(table, float):
                continue
            low, high = float(table.t[0]), float(table.t[-1])
            if not low <= values["tg"] <= high:
                raise ValueError(
                    f"{where('tg', prop)}: Tg must lie inside the temperatures of the {prop} "
                    f"table, {low:g} to {high:g} degC (beyond them the table holds its end "
                    "value through the transition)"
                )
