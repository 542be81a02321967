"""The Gmsh model: named groups, swept gap layers, designed volumes, quality."""

from __future__ import annotations

import json

import pytest
from meshcheck import mesh_study
from support import STUDY, run_warp

PARTS = {"carrier", "die", "bumps", "mold", "heat_sink", "balls"}
INTERFACES = {
    "die/mold",
    "die/bumps",
    "heat_sink/mold",
    "bumps/mold",
    "bumps/carrier",
    "mold/carrier",
    "carrier/balls",
}


@pytest.fixture(scope="module", params=["quarter", "full"])
def meshed(request):
    m = mesh_study(STUDY, [f'mesh.symmetry="{request.param}"', "mesh.refinement=0.5"])
    return m.design, m.info, m.group_area["heat_sink_top"], m.gap_cell_height


def test_groups_are_named_by_part_surface_and_interface(meshed):
    p, info, _, _ = meshed
    names = set(info.groups)
    assert PARTS <= names
    assert {"carrier_bottom", "heat_sink_top"} <= names
    assert INTERFACES <= names
    assert ({"symmetry_x", "symmetry_y"} <= names) == (p.symmetry == "quarter")


def test_part_volumes_match_the_design(meshed):
    p, info, _, _ = meshed
    share = 4.0 if p.symmetry == "quarter" else 1.0
    designed = p.layout.part_volumes()
    for part, volume in info.quality.volume_by_part_mm3.items():
        assert volume * share == pytest.approx(designed[part], rel=1e-6), part


def test_heat_sink_top_is_exposed(meshed):
    p, _, top_area, _ = meshed
    share = 4.0 if p.symmetry == "quarter" else 1.0
    hs = p.layout.heat_sink
    assert top_area * share == pytest.approx((hs.x1 - hs.x0) * (hs.y1 - hs.y0), rel=1e-9)


def test_die_to_heat_sink_gap_has_the_requested_layers(meshed):
    """No tetrahedron in the gap is taller than a layer: two or more cells through it."""
    p, _, _, tallest = meshed
    layers = p.study.mesh.layers.gap
    assert layers >= 2
    assert tallest <= 1.2 * p.layout.gap.thickness / layers


def test_quality_is_reported_and_above_the_floor(meshed):
    p, info, _, _ = meshed
    q = info.quality
    assert q.min_sige >= p.study.mesh.min_quality
    assert q.cells == sum(q.cells_by_part.values())


def test_mesh_command_writes_mesh_groups_and_quality(tmp_path):
    out = tmp_path / "mesh"
    proc = run_warp("mesh", str(STUDY), "--out", str(out), "--set", "mesh.refinement=0.5")
    assert proc.returncode == 0, proc.stderr
    markers = json.loads((out / "markers.json").read_text())
    assert PARTS <= set(markers) and markers["heat_sink_top"]["dim"] == 2
    quality = json.loads((out / "quality.json").read_text())
    assert quality["min_sige"] > 0 and (out / "mesh.msh").stat().st_size > 0
    assert "minSIGE" in proc.stdout


def test_a_degenerate_mesh_is_refused(tmp_path):
    out = tmp_path / "run"
    proc = run_warp(
        "run",
        str(STUDY),
        "--out",
        str(out),
        "--set",
        "mesh.min_quality=0.95",
        "--set",
        "mesh.refinement=0.5",
    )
    assert proc.returncode == 1
    assert "worst element quality" in proc.stderr and "mesh.min_quality" in proc.stderr
    assert not (out / "results.nc").exists()


@pytest.mark.parametrize("gap", [0.03, 0.2])
def test_gap_design_window_ends_mesh_cleanly(gap):
    m = mesh_study(STUDY, [f"heat_sink.gap={gap}", "mesh.refinement=0.5"])
    p, info = m.design, m.info
    assert info.quality.min_sige >= p.study.mesh.min_quality
    assert m.gap_cell_height <= 1.2 * gap / 2
    assert info.quality.volume_by_part_mm3["mold"] * 4 == pytest.approx(
        p.layout.part_volumes()["mold"], rel=1e-6
    )
