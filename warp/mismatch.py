"""Dynamic warpage mismatch: the gap between package pad and board pad at each ball in reflow.

While the balls are molten in a reflow, package and board warp each on its own; a ball
whose package pad lifts away from its board pad may not join both (head-in-pillow,
non-wet open). That is the risk JEITA ED-7306 (package warpage at reflow temperatures;
reference-data.md 4.3, [S74] [S75], V1) and IPC-7095 (BGA assembly; NOT FOUND in the
reference sheets, so no allowance is taken from it) address. No allowance is applied here.

At each step of the reflow (`warp.history.REFLOW_PHASES`: the board-assembly reflow
with a board, the package-only reflow without one), with w the out-of-plane displacement
(um) of the package pad (carrier bottom) at ball i and of the board top under it:

    d_i = w_pkg,i - w_board,i,   r = d minus its least-squares plane over the balls,
    gap_i = r_i - min_j r_j   (um; 0 at the closest ball).

The plane is removed because the supports fix rigid-body motion arbitrarily (3-2-1 points
or symmetry planes), so a relative tilt of package and board is not physics; an offset
cancels in the minimum. The gap is read over the head-in-pillow window only: the reflow
steps at or above the ball solidus, heating up to the peak and back to the solidus, where
the balls are molten. There the board is flat, w_board = 0, with a board or without: a
board is unborn until the balls solidify on it (a soft stand-in carrying no load, so its
FE displacement is not its warpage), and its homogenised laminate at the uniform oven
temperature expands without bending. `board_pad_dz` records the born board's own
displacement for later steps. Pure numpy/xarray.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from warp import results
from warp.history import REFLOW_PHASES
from warp.warpage import plane_residual

RISK = (
    "head-in-pillow / non-wet-open risk while the balls are molten (JEITA ED-7306, "
    "IPC-7095); no allowance applied"
)
BOARD_SIDE = {
    True: "board flat while the balls are molten (unborn until they solidify on it; its "
    "homogenised laminate at a uniform temperature does not bend): w_board = 0",
    False: "no board: against a flat board, w_board = 0",
}


@dataclass(frozen=True)
class WorstGap:
    """The largest reflow gap of a run and where it is."""

    gap_um: float
    ball: int
    x_mm: float
    y_mm: float
    step: int
    temperature_degC: float
    phase: str


def gaps(x_mm, y_mm, w_package_um, w_board_um) -> np.ndarray:
    """The gap (um) at each ball at one step from the pad displacements (um), rigid tilt
    removed; NaN everywhere if a displacement is missing."""
    d = np.asarray(w_package_um, dtype=float) - np.asarray(w_board_um, dtype=float)
    if not np.isfinite(d).all():
        return np.full(d.shape, np.nan)
    r = plane_residual(x_mm, y_mm, d)
    return r - r.min()


def add_reflow_gap(ds: xr.Dataset, solidus_degC: float | None) -> None:
    """Add `reflow_gap` (step, ball; NaN outside the head-in-pillow window) and
    `reflow_gap_max` (scalar, NaN with a reason when the window is empty) in place.
    `solidus_degC` is the ball solder's solidus (None: no window). Nothing is added to a
    run without the package-pad displacements or a reflow."""
    phase = next((p for p in REFLOW_PHASES if p in set(ds["phase"].values)), None)
    if "ball_pad_dz" not in ds or phase is None:
        return
    x, y = ds["ball_x"].values, ds["ball_y"].values
    package = ds["ball_pad_dz"].values
    window = ds["phase"].values == phase
    if solidus_degC is None:
        window[:] = False
    else:
        window &= ds["temperature"].values >= solidus_degC - SOLIDUS_TOL_K
    gap = np.full(package.shape, np.nan)
    for s in np.flatnonzero(window):
        gap[s] = gaps(x, y, package[s], np.zeros_like(package[s]))
    where = "" if solidus_degC is None else f" at or above the ball solidus {solidus_degC:g} degC"
    ds["reflow_gap"] = results.variable("reflow_gap", gap)
    ds["reflow_gap"].attrs.update(
        phase=phase,
        window=f"{phase} steps{where}: heating up to the peak and back to the solidus",
        board_side=BOARD_SIDE["board_pad_dz" in ds],
        definition="(w_pkg - w_board) at each ball minus its least-squares plane over the "
        "balls, less its minimum: rigid tilt and offset removed",
        note="NaN outside the window (the balls solid)",
        risk=RISK,
    )
    worst = worst_gap(ds)
    ds["reflow_gap_max"] = results.variable(
        "reflow_gap_max", np.nan if worst is None else worst.gap_um
    )
    ds["reflow_gap_max"].attrs.update(window=ds["reflow_gap"].attrs["window"], risk=RISK)
    if worst is None:
        ds["reflow_gap_max"].attrs["reason"] = (
            "the ball solder has no solidus"
            if solidus_degC is None
            else f"no {phase} step with a finite gap at or above the ball solidus"
        )
    else:
        ds["reflow_gap_max"].attrs.update(
            ball=worst.ball,
            ball_x_mm=worst.x_mm,
            ball_y_mm=worst.y_mm,
            step=worst.step,
            temperature_degC=worst.temperature_degC,
        )


SOLIDUS_TOL_K = 1e-6
"""A step placed on the solidus (the history's T_solidus points) counts as molten."""


def worst_gap(ds: xr.Dataset) -> WorstGap | None:
    """The largest gap of a run's `reflow_gap` and where it is; None without a finite one."""
    if "reflow_gap" not in ds or not np.isfinite(ds["reflow_gap"].values).any():
        return None
    gap = ds["reflow_gap"].values
    s, b = np.unravel_index(np.nanargmax(gap), gap.shape)
    return WorstGap(
        gap_um=float(gap[s, b]),
        ball=int(b),
        x_mm=float(ds["ball_x"].values[b]),
        y_mm=float(ds["ball_y"].values[b]),
        step=int(s),
        temperature_degC=float(ds["temperature"].values[s]),
        phase=str(ds["reflow_gap"].attrs["phase"]),
    )


def describe(ds: xr.Dataset) -> str:
    """The worst reflow gap of a run in one line, or why there is none ("" without a gap)."""
    if "reflow_gap_max" not in ds:
        return ""
    worst = worst_gap(ds)
    if worst is None:
        reason = ds["reflow_gap_max"].attrs.get("reason", "no molten step")
        return f"worst reflow gap at the balls: not computed ({reason})"
    return (
        f"worst reflow gap at the balls: {worst.gap_um:.1f} um at ball #{worst.ball} "
        f"({worst.x_mm:+.3f}, {worst.y_mm:+.3f}) mm, step {worst.step} at "
        f"{worst.temperature_degC:g} degC ({worst.phase}, balls molten; "
        f"{ds['reflow_gap'].attrs['board_side']})"
    )
