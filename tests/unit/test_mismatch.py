"""The reflow gap at the balls (warp.mismatch): closed forms, the molten window, the report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from support import STUDY

from warp import html_blocks, mismatch, results
from warp.report import Run
from warp.study_file import load_study

PITCH = 0.8
SOLIDUS = 217.0
TEMPS = [25.0, 150.0, 217.0, 240.0, 250.0, 240.0, 217.0, 150.0, 25.0]
"""A reflow through the SAC305 solidus: the balls are molten at steps 2 to 6."""


def _balls(n: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """A full n x n ball array at PITCH, centred on the package centre (mm)."""
    c = (np.arange(n) - (n - 1) / 2) * PITCH
    xx, yy = np.meshgrid(c, c, indexing="ij")
    return xx.ravel(), yy.ravel()


def test_a_spherical_cap_gives_the_closed_form_gap_whatever_the_tilt():
    x, y = _balls()
    r2 = x**2 + y**2
    k = 0.5  # um/mm^2: w = k r^2, a cap of radius 1/(2k) mm, centre low (corners lift off)
    tilt = 3.0 + 4.0 * x - 2.5 * y  # a rigid tilt and offset of the package: no gap
    gap = mismatch.gaps(x, y, k * r2 + tilt, np.zeros_like(x))
    np.testing.assert_allclose(gap, k * r2, atol=1e-9)  # 0 at the centre ball
    hump = mismatch.gaps(x, y, -k * r2, np.zeros_like(x))  # centre high: the centre lifts
    np.testing.assert_allclose(hump, k * (r2.max() - r2), atol=1e-9)
    assert hump[np.argmin(r2)] == pytest.approx(k * 2 * (3 * PITCH) ** 2)


def test_package_and_board_warping_alike_or_flat_give_no_gap():
    x, y = _balls()
    cap = 0.7 * (x**2 + y**2)
    np.testing.assert_allclose(mismatch.gaps(x, y, cap, cap - 5.0), 0.0, atol=1e-9)
    np.testing.assert_allclose(mismatch.gaps(x, y, np.zeros_like(x), np.zeros_like(x)), 0.0)
    assert np.isnan(mismatch.gaps(x, y, np.full_like(x, np.nan), np.zeros_like(x))).all()


def _reflow(phase: str = "reflow", board: bool = False) -> xr.Dataset:
    """Pad displacements of a package warping as a cap growing with temperature, centre low;
    at step 7 (150 degC, balls solid again) a larger cap the window must leave out."""
    x, y = _balls()
    k = 0.002 * (np.array(TEMPS) - 25.0)  # um/mm^2
    k[7] = 5.0
    dz = k[:, None] * (x**2 + y**2)[None, :]
    n = len(TEMPS)
    data = {"ball_pad_dz": results.variable("ball_pad_dz", dz)}
    if board:  # the unborn board's soft stand-in follows the package: not its warpage
        data["board_pad_dz"] = results.variable("board_pad_dz", 0.5 * dz)
    return xr.Dataset(
        data,
        coords={
            "phase": ("step", [phase] * n),
            "label": ("step", [""] * n),
            "temperature": ("step", TEMPS),
            "time": ("step", np.arange(n, dtype=float)),
            "ball_x": ("ball", x),
            "ball_y": ("ball", y),
        },
    )


def test_the_worst_gap_is_over_the_molten_window_at_the_peak_and_corner():
    ds = _reflow()
    mismatch.add_reflow_gap(ds, SOLIDUS)
    gap = ds["reflow_gap"].values
    molten = np.array(TEMPS) >= SOLIDUS
    assert np.isnan(gap[~molten]).all() and np.isfinite(gap[molten]).all()
    corner = 3 * PITCH * np.sqrt(2.0)
    worst = mismatch.worst_gap(ds)
    assert worst.step == 4 and worst.temperature_degC == 250.0  # the peak, not step 7
    assert np.hypot(worst.x_mm, worst.y_mm) == pytest.approx(corner)
    assert worst.gap_um == pytest.approx(0.002 * 225.0 * corner**2)
    assert float(ds["reflow_gap_max"]) == pytest.approx(worst.gap_um)
    assert ds["reflow_gap_max"].attrs["ball"] == worst.ball
    for name in ("reflow_gap", "reflow_gap_max"):
        dims, units, _ = results.VARIABLES[name]
        assert ds[name].dims == dims and ds[name].attrs["units"] == units == "um"
    assert "JEITA ED-7306" in ds["reflow_gap"].attrs["risk"]
    assert "no board" in ds["reflow_gap"].attrs["board_side"]
    assert "5.2 um at ball" in mismatch.describe(ds)  # 0.45 um/mm^2 x 11.52 mm^2


def test_the_board_assembly_reflow_reads_a_flat_unborn_board():
    ds = _reflow("board-assembly", board=True)
    mismatch.add_reflow_gap(ds, SOLIDUS)
    assert ds["reflow_gap"].attrs["phase"] == "board-assembly"
    assert "unborn" in ds["reflow_gap"].attrs["board_side"]
    alone = _reflow()
    mismatch.add_reflow_gap(alone, SOLIDUS)
    np.testing.assert_allclose(ds["reflow_gap"], alone["reflow_gap"])  # board_pad_dz unused


def test_no_solidus_or_no_molten_step_gives_nan_with_a_reason():
    ds = _reflow()
    mismatch.add_reflow_gap(ds, None)
    assert np.isnan(float(ds["reflow_gap_max"])) and "no solidus" in ds["reflow_gap_max"].reason
    hot = _reflow()
    mismatch.add_reflow_gap(hot, 300.0)  # the reflow never melts the balls
    assert np.isnan(float(hot["reflow_gap_max"]))
    assert "at or above the ball solidus" in hot["reflow_gap_max"].reason
    assert "not computed" in mismatch.describe(hot)
    bare = _reflow().drop_vars("ball_pad_dz")
    mismatch.add_reflow_gap(bare, SOLIDUS)
    assert "reflow_gap" not in bare


def test_the_report_block_names_the_worst_ball_and_maps_the_gap():
    study = load_study(STUDY, ["board.enabled=true"])
    ds = _reflow("board-assembly")
    mismatch.add_reflow_gap(ds, SOLIDUS)

    html = html_blocks.reflow_gaps([Run("gap run", Path("results.nc"), ds, study)])
    assert "gap run: worst reflow gap at the balls: 5.2 um" in html
    assert html.count("<img") == 1 and "head-in-pillow" in html
    assert "No run has balls" in html_blocks.reflow_gaps([])
