"""Ball fatigue only for a package on a board; the report's board views (issue 14)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from support import STUDY

from warp import fatigue, figures, html_blocks, hysteresis, report, summary
from warp.design import part_materials
from warp.geometry import build_layout
from warp.study_file import load_study

CYCLING = ["process.time_dependent=true", "cycling.enabled=true"]


def _cycled(board: bool) -> tuple[xr.Dataset, object]:
    """Two cycles of made-up but consistent bump and ball data for the reference study,
    on a board or without one; ball j works 0.1 + j/1000 MPa per cycle in cycle 2."""
    study = load_study(STUDY, [*CYCLING, f"board.enabled={str(board).lower()}"])
    balls = build_layout(study).balls
    n_bumps, n_balls = 3, balls.count
    phase = ["assembly", "mold-cooldown"] + ["cycling"] * 8
    label = [""] * 10
    label[5], label[9] = "cycle_end", "cycle_end"
    temps = [217.0, 25.0, 125.0, 125.0, -40.0, 125.0, 125.0, -40.0, -40.0, 125.0]
    rng = np.random.default_rng(1)
    data = {}
    for kind, n in (("bump", n_bumps), ("ball", n_balls)):
        tensors = rng.normal(scale=1e-3, size=(10, n, 6))
        work = np.vstack([np.full(n, 0.2), 0.1 + np.arange(n) / 1000.0])
        data |= {
            f"{kind}_work_density": (("cycle", kind), work),
            f"{kind}_inelastic_strain_per_cycle": (("cycle", kind), np.full((2, n), 0.02)),
            f"{kind}_layer_inelastic_strain": (("step", kind, "component"), tensors),
            f"{kind}_layer_strain": (("step", kind, "component"), 2 * tensors),
        }
    ds = xr.Dataset(
        data,
        coords={
            "phase": ("step", phase),
            "label": ("step", label),
            "temperature": ("step", temps),
            "time": ("step", np.arange(10.0)),
            "bump_die": ("bump", np.ones(n_bumps, int)),
            "bump_x": ("bump", [0.0, 1.0, 2.0]),
            "bump_y": ("bump", [0.0, 0.0, 0.0]),
            "ball_x": ("ball", balls.xy[:, 0]),
            "ball_y": ("ball", balls.xy[:, 1]),
        },
        attrs={"loop_stabilised_cycle": 2, "study": study.to_toml(), "study_id": "synthetic"},
    )
    for kind in ("bump", "ball"):
        ds[f"{kind}_work_density"].attrs["averaging_layer_mm"] = 0.025
    return ds.merge(fatigue.assess(ds, study)), study


def test_without_a_board_every_ball_result_is_nan_and_says_why():
    ds, _ = _cycled(board=False)
    for name in ("ball_fatigue_life", "ball_critical", "ball_acceleration_factor"):
        assert np.isnan(ds[name].values).all(), name
        assert ds[name].attrs["ball_fatigue_reason"] == hysteresis.NO_BOARD
    assert "board.enabled" in hysteresis.NO_BOARD
    assert fatigue.critical_joint(ds, "ball") is None
    on_board, _ = _cycled(board=True)  # the bumps do not depend on the board rule
    np.testing.assert_array_equal(ds["fatigue_life"].values, on_board["fatigue_life"].values)
    assert np.isfinite(ds["fatigue_life"].sel(model="syed_energy")).all()


def test_on_a_board_the_balls_have_lives_and_a_critical_ball_with_its_dnp():
    ds, _ = _cycled(board=True)
    work = ds["ball_work_density"].values[1]
    syed = ds["ball_fatigue_life"].sel(model="syed_energy").values
    np.testing.assert_allclose(syed, 1.0 / (0.0019 * work))  # Syed 2004 SAC, 1/(W' W)
    assert "ball_fatigue_reason" not in ds["ball_fatigue_life"].attrs
    critical = fatigue.critical_joint(ds, "ball")
    assert critical.index == int(ds["ball_critical"].sel(model=critical.model))
    x, y = ds["ball_x"].values[critical.index], ds["ball_y"].values[critical.index]
    assert critical.dnp_mm == pytest.approx(math.hypot(x, y))
    assert critical.life == pytest.approx(float(np.nanmin(ds["ball_fatigue_life"].values)))


def _layers(n: int, steps: int) -> dict[str, list]:
    """Darveaux-layer series of n joints: work and inelastic strain growing step by step."""
    grow = np.arange(steps, dtype=float)[:, None, None]
    work = grow * np.linspace(0.1, 0.2, n)[None, :, None] * np.array([1.0, 0.5])
    tensors = np.broadcast_to(1e-4 * grow[..., None], (steps, n, 2, 6))
    return {
        "work": list(work),
        "p": list(0.01 * work),
        "ep": list(tensors),
        "strain": list(tensors),
    }


def test_the_per_cycle_ball_series_are_nan_without_a_board():
    layers = {"bump": _layers(3, 5), "ball": _layers(4, 5)}
    study = load_study(STUDY, CYCLING)
    runs = {}
    for reason in ("", hysteresis.NO_BOARD):
        ds = xr.Dataset(attrs={"ball_fatigue_reason": reason} if reason else {})
        hysteresis.add_cycles(ds, study.cycling, layers, [0, 2, 4])
        runs[reason] = ds
    blank, kept = runs[hysteresis.NO_BOARD], runs[""]
    for suffix in ("work_density", "inelastic_strain_per_cycle", "layer_strain", "critical_face"):
        assert np.isnan(blank[f"ball_{suffix}"].values).all(), suffix
        assert blank[f"ball_{suffix}"].attrs["ball_fatigue_reason"] == hysteresis.NO_BOARD
        assert np.isfinite(kept[f"ball_{suffix}"].values).all(), suffix
        np.testing.assert_array_equal(blank[f"bump_{suffix}"], kept[f"bump_{suffix}"])
    # work 0.2 per step on the last ball's lower face: 0.4 per two-step cycle
    assert kept["ball_work_density"].values[-1, -1] == pytest.approx(0.4)
    assert hysteresis.ball_fatigue_reason(study) == hysteresis.NO_BOARD


def test_the_summary_says_why_there_is_no_ball_life():
    ds, _ = _cycled(board=False)
    ds["ball_work_density"].attrs["ball_fatigue_reason"] = hysteresis.NO_BOARD  # as add_cycles
    text = summary.describe(ds.assign_coords(step=np.arange(10)))
    assert f"ball fatigue not reported: {hysteresis.NO_BOARD}" in text
    assert "ball fatigue life" not in text and "bump fatigue life" in text


def test_the_report_shows_the_board_the_ball_life_map_and_the_critical_ball():
    on_board, study = _cycled(board=True)
    free, free_study = _cycled(board=False)
    runs = [
        report.Run("on board", Path("a/results.nc"), on_board, study),
        report.Run("free balls", Path("b/results.nc"), free, free_study),
    ]
    html = report.build(runs)
    assert "on board: critical ball #" in html and "mm from the neutral point" in html
    assert f"free balls: ball fatigue not reported: {hysteresis.NO_BOARD}" in html
    assert html.count("ball life map") == 1  # the free balls get no map
    laminate, body = html_blocks.board_outline(study)
    assert laminate.x1 - laminate.x0 == study.board.size[0] and body.x1 - body.x0 == 12.0
    assert html_blocks.board_outline(free_study) is None
    layout = build_layout(study)
    materials = {part: name for part, (_, name) in part_materials(study, layout).items()}
    assert {"board", "board_pads"} <= set(materials)
    assert figures.cross_section(layout, "on board", materials)  # draws the board and pads
