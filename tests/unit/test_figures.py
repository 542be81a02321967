"""Report figures as an engineer reads them: legends, visible bumps, titles, integer cycles."""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np
import pytest
import xarray as xr
from matplotlib.patches import Rectangle
from support import ROOT, STUDY

from warp import figures
from warp.design import part_materials
from warp.geometry import build_layout
from warp.study_file import load_study


@pytest.fixture
def figure(monkeypatch):
    """Figure functions hand back their open figure instead of a PNG."""
    monkeypatch.setattr(figures, "png", lambda fig: fig)


def _section(overrides=(), study_file=STUDY):
    study = load_study(study_file, list(overrides))
    layout = build_layout(study)
    materials = {part: name for part, (_, name) in part_materials(study, layout).items()}
    return figures.cross_section(layout, "test", materials), layout


def _solder(fig) -> list:
    """The drawn bumps: solder-coloured rectangles (balls are polygons)."""
    return [
        p
        for ax in fig.axes
        for p in ax.patches
        if isinstance(p, Rectangle) and mcolors.same_color(p.get_facecolor()[:3], figures.SOLDER)
    ]


def test_cross_section_has_a_material_legend_and_bumps_that_stand_out(figure):
    fig, layout = _section()
    labels = {t.get_text() for legend in fig.legends for t in legend.get_texts()}
    assert {"emc_muf_high_k (mold)", "silicon (die)", "sac305 (bumps, balls)"} <= labels
    mold = np.array(mcolors.to_rgb(figures.COLOURS["mold"]))
    seen_through = figures.MOLD_ALPHA * mold + (1 - figures.MOLD_ALPHA)  # on white
    assert np.abs(np.array(mcolors.to_rgb(figures.SOLDER)) - seen_through).max() > 0.3
    fig.canvas.draw()
    bumps = [p for p in _solder(fig) if p.get_width() == pytest.approx(layout.bumps.diameter)]
    assert bumps and all(p.get_edgecolor()[3] > 0 for p in bumps)  # outlined
    px = min(p.get_window_extent().width for p in bumps) * figures.DPI / fig.dpi
    assert px >= figures.MIN_JOINT_PX
    assert len(fig.axes) == 1  # no detail panel needed at 12 mm


def test_a_large_body_gets_a_detail_panel_with_bumps_drawn_wide(figure):
    fig, layout = _section(
        ["carrier.size=[40.0, 40.0]", "dies.0.size=[30.0, 30.0]", "heat_sink.size=[35.0, 35.0]"]
    )
    assert len(fig.axes) == 2
    fig.canvas.draw()
    detail = [p for p in fig.axes[1].patches if p in _solder(fig)]
    assert detail
    width = detail[0].get_window_extent().width * figures.DPI / fig.dpi
    assert width >= figures.MIN_JOINT_PX


def test_each_die_s_bumps_are_drawn_at_their_own_height(figure):
    fig, layout = _section(study_file=ROOT / "studies" / "stack-three-die.toml")
    drawn = {round(p.get_y() / figures.EXAGGERATE, 6) for p in _solder(fig)}
    wanted = {round(d.bumps.z0, 6) for d in layout.dies if d.bumps is not None}
    assert len(wanted) == 2 and wanted <= drawn


def test_map_titles_name_the_step_and_the_side_seen_once(figure):
    x = np.linspace(-1, 1, 5)
    ds = xr.Dataset(
        {"surface_dz": (("step", "x", "y"), np.random.default_rng(0).normal(size=(2, 5, 5)))},
        coords={
            "x": x,
            "y": x,
            "temperature": ("step", [25.0, 260.0]),
            "warpage": ("step", [-10.0, 20.0]),
        },
    )
    fig = figures.surface_maps(ds, [("after mold cool-down", 0), ("peak reflow", 1)])
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles[0].startswith("after mold cool-down, 25 degC: warpage -10.0 um")
    assert all(t.count("degC") == 1 and figures.BOTTOM_VIEW in t for t in titles)


def test_cycle_axes_have_integer_ticks(figure):
    fig = figures.work_per_cycle({"run": np.array([0.2, 0.15])})
    position = np.linspace(0.0, 2.0, 9)
    fig2 = figures.warpage_over_cycles([("run", position, np.sin(position), 25 + position)])
    for f in (fig, fig2):
        f.canvas.draw()
        ticks = f.axes[-1].get_xticks()
        assert len(ticks) >= 2 and np.allclose(ticks, np.round(ticks))
