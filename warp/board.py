"""The printed circuit board (pure): its layout under the balls, its copper layers and their
effective conductivity, and a one-line description for results attrs.

Layers of the JEDEC 2s2p board (board-and-data.md §1.1, [B1], [B3], [B4]): solid 1-oz
planes, 35 um each, and 2-oz outer trace layers, 70 um each, finished; the trace layers
are copper over `trace_coverage` of their area and dielectric elsewhere.
"""

from __future__ import annotations

import numpy as np

from warp.errors import InputError
from warp.layout import BoardLayout, Box, JointArray
from warp.study import Board, Study

PLANE_MM = 0.035
"""A solid 1-oz (1 oz/ft^2) plane, finished: [B1] JESD51-9 Fig. 1b, [B3] JESD51-11 Table 4 (V1)."""

TRACE_MM = 0.070
"""A 2-oz outer trace layer, finished: [B1] Fig. 1b, [B4] JESD51-10 §5.7 (V1)."""

PAD_TO_BALL = 0.8
"""Default board pad diameter per ball diameter: the land/ball ratios of Syed's
board-level cases, Table 2a, are 0.80-0.87 (board-and-data.md §1.4, C from [B17])."""

K_DIELECTRIC = 0.36
"""W/(m.K): FR-4 dielectric, Isola IS400HR, ASTM E1952 ([B15], V1; board-and-data.md §1.3)."""


def copper_mm(board: Board) -> tuple[float, float]:
    """Total thickness (mm) of the planes and of the trace layers; InputError when the
    copper layers do not fit inside the board with dielectric between them."""
    planes, traces = board.copper_planes * PLANE_MM, board.signal_layers * TRACE_MM
    if planes + traces >= board.thickness:
        raise InputError(
            f"board.copper_planes = {board.copper_planes}: {board.copper_planes} planes of "
            f"{PLANE_MM} mm and {board.signal_layers} trace layers of {TRACE_MM} mm "
            f"(board.signal_layers) fill the {board.thickness} mm board (board.thickness); "
            "fewer layers or a thicker board"
        )
    return planes, traces


def effective_conductivity(
    board: Board, k_copper: float, k_dielectric: float
) -> tuple[float, float]:
    """(k_in, k_z) in W/(m.K) of the board as one homogeneous orthotropic layer.

    Copper and dielectric in parallel in plane, in series through the thickness
    (board-and-data.md §1.3, the FloEFD/FLOEDA Bridge "analytical" rule [B11], V2; the
    values it gives are level C): k_in = sum k_i t_i / t, k_z = t / sum t_i / k_i. The
    traces are left out of k_z (they are not continuous through a layer): there the
    trace layers count as dielectric. The 2s2p board at k_dielectric 0.36 and coverage
    0 / 0.1 / 0.2 gives k_in 17.58 / 21.03 / 24.47 and k_z 0.376 (§1.3, k_copper 394 [S8]).
    """
    t = board.thickness
    planes, traces = copper_mm(board)
    trace_copper = board.trace_coverage * traces
    k_in = (k_copper * (planes + trace_copper) + k_dielectric * (t - planes - trace_copper)) / t
    k_z = t / (planes / k_copper + (t - planes) / k_dielectric)
    return k_in, k_z


def describe(board: Board) -> str:
    """One line for results attrs: outline, laminate, copper layers and pads."""
    pad = "0.8 x ball" if board.pad_diameter is None else f"{board.pad_diameter:g} mm"
    sx, sy = board.size
    return (
        f"{sx:g} x {sy:g} x {board.thickness:g} mm {board.material} board (JESD51-9 [B1] "
        f"section, connector strip left out), {board.signal_layers} trace layer(s) of "
        f"{TRACE_MM * 1000:g} um at {board.trace_coverage:.0%} coverage and "
        f"{board.copper_planes} solid plane(s) of {PLANE_MM * 1000:g} um, homogenised; "
        f"NSMD {board.pad_material} pads {pad} across, {board.pad_thickness * 1000:g} um "
        "thick (solder mask not modelled)"
    )


def layout(study: Study, balls: JointArray | None, clearance_mm: float) -> BoardLayout:
    """The board under the balls (`warp.geometry.build_layout`): an NSMD copper pad under
    each ball, the laminate below, centred; InputError for a board that cannot be built.

    A pad keeps `clearance_mm` (the layout's smallest clearance) to its neighbours; the
    ball wets the whole pad (the mesher shapes the ball's foot to it).
    """
    b, pitch, body = study.board, study.balls.pitch, study.carrier.size
    if balls is None:
        raise InputError(
            "board.enabled = true: the board is bonded to the package's balls; set "
            "balls.enabled = true, or board.enabled = false"
        )
    copper_mm(b)
    for axis, name in enumerate("xy"):
        if b.size[axis] < body[axis] + pitch - 1e-9:
            raise InputError(
                f"board.size = {list(b.size)}: the board {name}-size must be at least the "
                f"body's {body[axis]} mm (carrier.size) plus one ball pitch, "
                f"{body[axis] + pitch:g} mm"
            )
    d = b.pad_diameter if b.pad_diameter is not None else PAD_TO_BALL * balls.diameter
    if d > pitch - clearance_mm + 1e-9:
        raise InputError(
            f"board.pad_diameter = {d:g}: a pad must leave {1000 * clearance_mm:g} um to its "
            f"neighbour at the {pitch} mm ball pitch (balls.pitch): at most "
            f"{pitch - clearance_mm:.4g} mm"
        )
    z1 = balls.z0
    z0 = z1 - b.pad_thickness
    pads = JointArray("board_pads", balls.xy, d, z0, z1, "cylinder", np.zeros(balls.count, int))
    return BoardLayout(Box.centred(b.size, z0 - b.thickness, z0), pads)
