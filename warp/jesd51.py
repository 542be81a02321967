"""Thermal environments: the study's operating condition and the thermal-metric set-ups (pure).

Every metric is theta = (T_J - T_ref) / P_total in K/W, T_J the hottest die, P_total the
power of all dies together (JESD51 defines theta for the whole part's power, reference-data
§4.4 [S78], [S79]; a stack reports its dies' own temperatures beside them, not thetas).

With a board (study.board.enabled: the package on its JESD51-9 2s2p board [B1]):
- theta_ja: still air on the package's exposed faces and on the board's top, bottom and
  edges, films from warp.still_air (JESD51-2's own set-up was not reached [B10]); the faces
  under the package (carrier bottom, ball sides) face the board across the stand-off and
  are adiabatic (the air gap's conduction is left out);
- theta_jb (JESD51-8 [B9], [S78]): a ring cold plate on the board top, RING_GAP_MM from the
  package shadow and RING_WIDTH_MM wide, at the ambient; every other surface adiabatic (the
  standard insulates them, §4.3 [B9]); T_B on the board top at the midpoint of the package's
  longest side, TB_FROM_EDGE_MM outside the body edge;
- theta_jb_two_resistor: the ball ends on the board pads held isothermal at the ambient
  (the ideal junction-to-board resistance of a two-resistor model, no board resistance);
- theta_jc: the heat-sink top held isothermal at the ambient, the rest adiabatic.
Without a board, theta_jc as above, theta_jb_two_resistor on the ball tips (or the exposed
lead frame), and theta_ja of the package alone with the board as a film
(thermal.still_air_h, thermal.board_h): not a JESD51-2/-7 value. theta_jb is then absent
(missing physics is absent, results-schema.md): no board, no JESD51-8 board temperature.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from warp import still_air
from warp.layout import PackageLayout
from warp.parts import OUTER_SURFACES, interface_name
from warp.study import Study

RING_GAP_MM = 5.0
"""Ring cold plate from the package shadow: JESD51-8 §4.2.2, ">= 5 mm" ([B9], V1); the minimum."""
RING_WIDTH_MM = 4.0
"""Ring cold plate clamp width: JESD51-8 §4.2.2, ">= 4 mm" ([B9], V1); the minimum."""
RING_FACES = ("board_top",)
"""Board faces the ring holds: the clamp sits on the solder-mask-covered traces of the
component side [B9]; the copy does not say whether a lower half clamps the bottom too."""
TB_FROM_EDGE_MM = 0.5
"""T_B point outside the body edge: "<= 1 mm from the body edge" ([S78], V1)."""

NAMES = ("theta_jc", "theta_jb", "theta_jb_two_resistor", "theta_ja")
"""Every metric a run may report, in the order the reports show them."""

BOARD_FACES = ("board_top", "board_bottom", "board_sides")
UNDER_PACKAGE = ("carrier_bottom", "mold_bottom", "ball_sides")
"""Package faces that face the board across the ball stand-off when there is a board."""
SIDES = ("package_sides", "board_sides")
"""Vertical faces (still-air edge film); every other exposed face faces up, but the board
bottom."""


@dataclass(frozen=True)
class Ring:
    """Where a ring cold plate touches: points whose distance outside the rectangle
    (x0, x1, y0, y1) in mm (the larger of the x and y distances) lies in [inner, outer]."""

    x0: float
    x1: float
    y0: float
    y1: float
    inner: float
    outer: float

    def contains(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        dx = np.maximum(np.maximum(self.x0 - x, x - self.x1), 0.0)
        dy = np.maximum(np.maximum(self.y0 - y, y - self.y1), 0.0)
        d = np.maximum(dx, dy)
        return (d >= self.inner) & (d <= self.outer)


@dataclass(frozen=True)
class SurfaceCondition:
    """A boundary condition in engineering units: h in W/(m^2.K), temperature in degC;
    a held condition with a `ring` holds only that part of its surface."""

    kind: str  # "convection", "fixed" or "adiabatic"
    h: float = 0.0
    temperature: float = 25.0
    ring: Ring | None = None


@dataclass(frozen=True)
class Metric:
    """One thermal resistance: its surface conditions, where T_ref is read (None: the
    ambient), and its description and set-up for the results attrs."""

    name: str
    surfaces: dict[str, SurfaceCondition]
    environment: str
    reference_point: tuple[float, float, float] | None = None  # mm
    attrs: dict[str, str | float] = field(default_factory=dict)


def board_side(layout: PackageLayout) -> tuple[str, ...]:
    """Surfaces through which the package meets its board: the ball ends on the board pads,
    the ball tips without a board, or the exposed lead frame."""
    if layout.board is not None:
        return (interface_name("balls", "board_pads"),)
    return ("ball_tips",) if layout.balls is not None else ("carrier_bottom", "mold_bottom")


def _exposed(layout: PackageLayout) -> list[str]:
    """Exposed package faces besides the heat-sink top."""
    skip = set(board_side(layout)) | {"heat_sink_top"}
    if layout.board is not None:
        skip |= set(UNDER_PACKAGE) | set(BOARD_FACES)
    return [g for g in OUTER_SURFACES if g not in skip]


def operating(study: Study, layout: PackageLayout) -> dict[str, SurfaceCondition]:
    """The study's operating condition: thermal.heat_sink_top, thermal.exposed on the other
    exposed faces and thermal.board on the board side (on a board: its outer faces)."""
    th = study.thermal

    def cond(surface) -> SurfaceCondition:
        t = surface.temperature if surface.temperature is not None else th.ambient
        return SurfaceCondition(surface.kind, surface.h, t)

    board = BOARD_FACES if layout.board is not None else board_side(layout)
    out = {"heat_sink_top": cond(th.heat_sink_top)}
    out.update({g: cond(th.exposed) for g in _exposed(layout)})
    out.update({g: cond(th.board) for g in board})
    return out


def metrics(study: Study, layout: PackageLayout) -> list[Metric]:
    """The thermal-metric set-ups of the design, in solve order."""
    amb = study.thermal.ambient
    held = SurfaceCondition("fixed", 0.0, amb)
    side = ", ".join(board_side(layout))
    out = [
        Metric(
            "theta_jc",
            {"heat_sink_top": held},
            "theta_JC(top): heat-sink top held isothermal at the ambient, every other "
            "surface adiabatic",
        ),
        Metric(
            "theta_jb_two_resistor",
            {g: held for g in board_side(layout)},
            f"two-resistor junction-to-board value: the board side ({side}) held isothermal "
            "at the ambient, every other surface adiabatic; no board resistance",
        ),
    ]
    if layout.board is None:
        still = SurfaceCondition("convection", study.thermal.still_air_h, amb)
        film = SurfaceCondition("convection", study.thermal.board_h, amb)
        out.append(
            Metric(
                "theta_ja",
                {"heat_sink_top": still}
                | {g: still for g in _exposed(layout)}
                | {g: film for g in board_side(layout)},
                "package alone, board as a film: a still-air film (thermal.still_air_h) on "
                f"the exposed faces and the board as a film (thermal.board_h) on {side}; "
                "not a JESD51-2/-7 value (no test board is modelled)",
            )
        )
        return out
    return out + [_theta_jb(study, layout), _theta_ja_on_board(study, layout)]


def _theta_jb(study: Study, layout: PackageLayout) -> Metric:
    """JESD51-8: the ring cold plate on the board top, T_B beside the longest side."""
    body, top = layout.body, layout.board.laminate.z1
    ring = Ring(body.x0, body.x1, body.y0, body.y1, RING_GAP_MM, RING_GAP_MM + RING_WIDTH_MM)
    held = SurfaceCondition("fixed", 0.0, study.thermal.ambient, ring)
    xc, yc = 0.5 * (body.x0 + body.x1), 0.5 * (body.y0 + body.y1)
    if body.x1 - body.x0 >= body.y1 - body.y0:  # the longest sides run along x
        point = (xc, body.y1 + TB_FROM_EDGE_MM, top)
    else:
        point = (body.x1 + TB_FROM_EDGE_MM, yc, top)
    return Metric(
        "theta_jb",
        {g: held for g in RING_FACES},
        f"JESD51-8 theta_JB: ring cold plate on the board top {RING_GAP_MM:g} mm from the "
        f"package shadow, {RING_WIDTH_MM:g} mm wide, at the ambient ([B9]); every other "
        f"surface adiabatic (insulated, [B9] §4.3); T_B on the board top at the midpoint of "
        f"the longest side, {TB_FROM_EDGE_MM:g} mm from the body edge ([S78])",
        reference_point=point,
        attrs={"reference_point_mm": str(list(point))},
    )


def _theta_ja_on_board(study: Study, layout: PackageLayout) -> Metric:
    """Still air on the package and its board, films from warp.still_air."""
    b = study.board
    films = still_air.board_films(b.size, b.thickness, study.thermal.ambient)
    amb = study.thermal.ambient

    def orientation(g: str) -> str:
        return "side" if g in SIDES else "down" if g == "board_bottom" else "up"

    faces = ["heat_sink_top", *_exposed(layout), *BOARD_FACES]
    surfaces = {g: SurfaceCondition("convection", films[orientation(g)].h, amb) for g in faces}
    outside = [o for o, f in films.items() if not f.in_range]
    attrs: dict[str, str | float] = {f"film_{o}_W_m2K": f.h for o, f in films.items()} | {
        f"film_{o}": f.describe() for o, f in films.items()
    }
    attrs["film_rise_K"] = still_air.RISE_K
    attrs["film_sources"] = f"{still_air.CORRELATIONS}; {still_air.AIR_SOURCE}"
    if outside:
        attrs["caveat_films"] = (
            f"the {', '.join(outside)} film(s) use their correlation outside its Rayleigh "
            "range (see film_*)"
        )
    return Metric(
        "theta_ja",
        surfaces,
        f"still air on the package and its {b.size[0]:g} x {b.size[1]:g} x {b.thickness:g} mm "
        "board, horizontal: natural convection by flat-plate correlations plus radiation "
        f"(emissivity {still_air.EMISSIVITY}), evaluated {still_air.RISE_K:g} K above the "
        "ambient (JESD51-2's enclosure not modelled, its text not reached [B10]); the faces "
        "under the package adiabatic",
        attrs=attrs,
    )
