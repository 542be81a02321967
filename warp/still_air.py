"""Still-air film coefficients of a horizontal test board and the package on it (pure).

JESD51-2's text (its enclosure, the board's orientation) was not reached
(board-and-data.md §1.2, [B10] NOT FOUND), so its film coefficients are estimated
here: the board lies horizontal, package side up, in air at the ambient, with its
surfaces a stated RISE_K above the ambient. Each film is natural convection by a
flat-plate correlation plus linearised radiation to surroundings at the ambient:

- upper face of a hot horizontal plate: Nu = 0.54 Ra^(1/4), 1e4 <= Ra <= 1e7;
- lower face of a hot horizontal plate: Nu = 0.27 Ra^(1/4), 1e5 <= Ra <= 1e10;
- vertical plate, laminar: Nu = 0.59 Ra^(1/4), 1e4 <= Ra <= 1e9;

(Incropera & DeWitt, Fundamentals of Heat and Mass Transfer, as quoted in CORRELATIONS,
V2), L = area / perimeter for the horizontal faces and the height for the vertical
ones, air properties at the film temperature (AIR, V2). The values are level C.
"""

from __future__ import annotations

from dataclasses import dataclass

RISE_K = 20.0
"""Stated surface rise above the ambient at which the films are evaluated (a JESD51
still-air test heats the part by some tens of K; h grows as rise^(1/4), so 10-40 K
moves the convective part by -16 / +19 %)."""

CORRELATIONS = (
    "Incropera & DeWitt natural-convection correlations, quoted at "
    "https://vivek-s.com/Engineering/Heat+Transfer/Convection/Free+Convection (V2)"
)

AIR = {"k": 0.02625, "nu": 1.655e-5, "pr": 0.7268}
"""Dry air at 1 atm and AIR_FILM_DEGC: conductivity W/(m.K), kinematic viscosity m^2/s,
Prandtl number [AIR_SOURCE]."""
AIR_FILM_DEGC = 35.0
"""The film at a 25 degC ambient + RISE_K / 2; other ambients keep these properties."""
AIR_SOURCE = (
    "dry air at 1 atm, 35 degC, Cengel's table as copied at "
    "http://engineersedge.com/physics/properties_of_air_at_1_atm_pressure_13828.htm (V2)"
)

EMISSIVITY = 0.8
"""Surface emissivity of the board and the package: "PCBs ... around 0.8 (0.7 -> 0.9)",
Siemens FloEFD emissivity guidance as copied at https://m.haomeiwen.com/subject/fhrgcttx.html
(V2). One value for every surface (a bare copper heat-sink top emits far less)."""

STEFAN_BOLTZMANN = 5.670374419e-8  # W/(m^2.K^4), CODATA 2018 (exact from SI constants)
GRAVITY = 9.80665  # m/s^2, standard gravity

PLATES = {
    "up": (0.54, 1e4, 1e7, "upper face of a hot horizontal plate"),
    "down": (0.27, 1e5, 1e10, "lower face of a hot horizontal plate"),
    "side": (0.59, 1e4, 1e9, "vertical plate, laminar"),
}
"""Orientation -> (C in Nu = C Ra^(1/4), lowest Ra, highest Ra, what it is) [CORRELATIONS]."""


@dataclass(frozen=True)
class Film:
    """A still-air film coefficient in W/(m^2.K): convection plus radiation, and the
    Rayleigh number it was evaluated at (outside the correlation's range: `in_range` False)."""

    orientation: str
    length_mm: float
    convection: float
    radiation: float
    rayleigh: float
    in_range: bool

    @property
    def h(self) -> float:
        return self.convection + self.radiation

    def describe(self) -> str:
        c, low, high, what = PLATES[self.orientation]
        note = "" if self.in_range else f", OUTSIDE its range {low:.0e}-{high:.0e}"
        return (
            f"{self.h:.2f} W/(m^2.K) = {self.convection:.2f} convection ({what}, Nu = {c} "
            f"Ra^1/4, L = {self.length_mm:g} mm, Ra = {self.rayleigh:.3g}{note}) + "
            f"{self.radiation:.2f} radiation (emissivity {EMISSIVITY})"
        )


def film(orientation: str, length_mm: float, ambient_degC: float, rise_K: float = RISE_K) -> Film:
    """The film of a surface of characteristic length `length_mm` facing `orientation`
    ("up", "down", "side"), `rise_K` above the ambient."""
    c, low, high, _ = PLATES[orientation]
    length = length_mm * 1e-3
    beta = 1.0 / (AIR_FILM_DEGC + 273.15)  # ideal gas
    alpha = AIR["nu"] / AIR["pr"]
    rayleigh = GRAVITY * beta * rise_K * length**3 / (AIR["nu"] * alpha)
    convection = c * rayleigh**0.25 * AIR["k"] / length
    t_a = ambient_degC + 273.15
    t_s = t_a + rise_K
    radiation = EMISSIVITY * STEFAN_BOLTZMANN * (t_s**2 + t_a**2) * (t_s + t_a)
    return Film(orientation, length_mm, convection, radiation, rayleigh, low <= rayleigh <= high)


def board_films(size_mm: tuple[float, float], thickness_mm: float, ambient_degC: float) -> dict:
    """Films of a horizontal board, by orientation: its faces (L = area / perimeter of the
    whole board) and its edges (L = thickness). The package's faces take these too, an
    assumption: a package a tenth of the board's width sits in the board's plume."""
    sx, sy = size_mm
    length = sx * sy / (2 * (sx + sy))
    return {
        "up": film("up", length, ambient_degC),
        "down": film("down", length, ambient_degC),
        "side": film("side", thickness_mm, ambient_degC),
    }
