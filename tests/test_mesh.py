"""The Gmsh model: named groups, swept gap layers, designed volumes, quality."""

from __future__ import annotations

import json

import gmsh
import numpy as np
import pytest
from conftest import STUDY, run_warp

from warp import mesher
from warp.plan import plan
from warp.study import load_study

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


def mesh_study(overrides: list[str]):
    """Mesh a study in its own Gmsh session; return the plan, the MeshInfo and measurements."""
    p = plan(load_study(STUDY, overrides))
    gmsh.initialize(interruptible=False)
    try:
        info = mesher.generate(p.study, p.layout, p.symmetry)
        dim, tag = info.groups["heat_sink_top"]
        top_area = sum(
            gmsh.model.occ.getMass(2, f) for f in gmsh.model.getEntitiesForPhysicalGroup(dim, tag)
        )
        gap = p.layout.gap
        nodes = gmsh.model.mesh.getNodes()[1].reshape(-1, 3)
        near_centre = (np.abs(nodes[:, 0] - 0.3) < 2.0) & (np.abs(nodes[:, 1] - 0.3) < 2.0)
        in_gap = (nodes[:, 2] > gap.z0 - 1e-9) & (nodes[:, 2] < gap.z1 + 1e-9)
        levels = np.unique(np.round(nodes[near_centre & in_gap, 2], 9))
    finally:
        gmsh.finalize()
    return p, info, top_area, levels


@pytest.fixture(scope="module", params=["quarter", "full"])
def meshed(request):
    return mesh_study([f'mesh.symmetry="{request.param}"', "mesh.refinement=0.5"])


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
    p, _, _, levels = meshed
    assert len(levels) == p.study.mesh.layers.gap + 1 >= 3


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
    p, info, _, levels = mesh_study([f"heat_sink.gap={gap}", "mesh.refinement=0.5"])
    assert info.quality.min_sige >= p.study.mesh.min_quality
    assert len(levels) == 3
    assert info.quality.volume_by_part_mm3["mold"] * 4 == pytest.approx(
        p.layout.part_volumes()["mold"], rel=1e-6
    )
