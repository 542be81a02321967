"""Thermal environments: the study's operating condition and the JESD51 metric set-ups.

Definitions from reference-data.md 4.4 ([S78], [S79]), each realised on the
package alone (no test board is meshed):
- theta_jc (top): the exposed heat-sink top held at the cold-plate temperature,
  every other surface adiabatic, so the heat leaves through the top;
- theta_jb: the board side (ball tips, or the exposed lead frame) held at the
  board temperature, the rest adiabatic, like JESD51-8's ring cold plate
  forcing the heat into the board;
- theta_ja: still air, a natural-convection film on the exposed surfaces and
  the test board represented by a film on the board side (thermal.board_h).
theta = (T_junction - T_reference) / P_total, in K/W.
"""

from __future__ import annotations

from dataclasses import dataclass

from warp.layout import PackageLayout
from warp.parts import OUTER_SURFACES
from warp.study import Study

METRICS = ("theta_jc", "theta_jb", "theta_ja")
DESCRIPTIONS = {
    "theta_jc": "JESD51 theta_JC(top): heat-sink top held at the ambient, other surfaces adiabatic",
    "theta_jb": "JESD51-8-like theta_JB: board side (ball tips or exposed lead frame) held at "
    "the ambient, other surfaces adiabatic",
    "theta_ja": "JESD51-2-like theta_JA: still-air film on the exposed surfaces, test board as "
    "a film on the board side (thermal.still_air_h, thermal.board_h)",
}


@dataclass(frozen=True)
class SurfaceCondition:
    """A boundary condition in engineering units: h in W/(m^2.K), temperature in degC."""

    kind: str  # "convection", "fixed" or "adiabatic"
    h: float = 0.0
    temperature: float = 25.0


def board_side(layout: PackageLayout) -> tuple[str, ...]:
    """Surfaces through which the package sits on its board."""
    return ("ball_tips",) if layout.balls is not None else ("carrier_bottom", "mold_bottom")


def environments(study: Study, layout: PackageLayout) -> dict[str, dict[str, SurfaceCondition]]:
    """Surface conditions by environment name: operating, theta_jc, theta_jb, theta_ja."""
    th = study.thermal
    amb = th.ambient
    board = board_side(layout)
    exposed = [g for g in OUTER_SURFACES if g not in board and g != "heat_sink_top"]

    def cond(surface) -> SurfaceCondition:
        t = surface.temperature if surface.temperature is not None else amb
        return SurfaceCondition(surface.kind, surface.h, t)

    operating = {"heat_sink_top": cond(th.heat_sink_top)}
    operating.update({g: cond(th.exposed) for g in exposed})
    operating.update({g: cond(th.board) for g in board})
    still = SurfaceCondition("convection", th.still_air_h, amb)
    return {
        "operating": operating,
        "theta_jc": {"heat_sink_top": SurfaceCondition("fixed", 0.0, amb)},
        "theta_jb": {g: SurfaceCondition("fixed", 0.0, amb) for g in board},
        "theta_ja": {
            "heat_sink_top": still,
            **{g: still for g in exposed},
            **{g: SurfaceCondition("convection", th.board_h, amb) for g in board},
        },
    }
