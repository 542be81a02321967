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


@pytest.fixture(scope="module", params=["quarter", "full"])
def meshed(request):
    overrides = [f'mesh.symmetry="{request.param}"', "mesh.refinement=0.5"]
    p = plan(load_study(STUDY, overrides))
    gmsh.initialize(interruptible=False)
    info = mesher.generate(p.study, p.layout, p.symmetry)
    yield p, info
    gmsh.finalize()


def _group_area(info, name):
    dim, tag = info.groups[name]
    return sum(
        gmsh.model.occ.getMass(2, f) for f in gmsh.model.getEntitiesForPhysicalGroup(dim, tag)
    )


def test_groups_are_named_by_part_surface_and_interface(meshed):
    p, info = meshed
    names = set(info.groups)
    assert PARTS <= names
    assert {"carrier_bottom", "heat_sink_top"} <= names
    assert INTERFACES <= names
    assert ({"symmetry_x", "symmetry_y"} <= names) == (p.symmetry == "quarter")


def test_part_volumes_match_the_design(meshed):
    p, info = meshed
    share = 4.0 if p.symmetry == "quarter" else 1.0
    designed = p.layout.part_volumes()
    for part, volume in info.quality.volume_by_part_mm3.items():
        assert volume * share == pytest.approx(designed[part], rel=1e-6), part


def test_heat_sink_top_is_exposed(meshed):
    p, info = meshed
    share = 4.0 if p.symmetry == "quarter" else 1.0
    hs = p.layout.heat_sink
    assert _group_area(info, "heat_sink_top") * share == pytest.approx(
        (hs.x1 - hs.x0) * (hs.y1 - hs.y0), rel=1e-9
    )


def test_die_to_heat_sink_gap_has_the_requested_layers(meshed):
    p, info = meshed
    gap = p.layout.gap
    nodes = gmsh.model.mesh.getNodes()[1].reshape(-1, 3)
    column = nodes[(np.abs(nodes[:, 0] - 0.3) < 2.0) & (np.abs(nodes[:, 1] - 0.3) < 2.0)]
    inside = column[(column[:, 2] > gap.z0 - 1e-9) & (column[:, 2] < gap.z1 + 1e-9)]
    levels = np.unique(np.round(inside[:, 2], 9))
    assert len(levels) == p.study.mesh.layers.gap + 1 >= 3


def test_quality_is_reported_and_above_the_floor(meshed):
    p, info = meshed
    q = info.quality
    assert q.min_sicn >= p.study.mesh.min_quality
    assert q.cells == sum(q.cells_by_part.values())


def test_mesh_command_writes_mesh_groups_and_quality(tmp_path):
    out = tmp_path / "mesh"
    proc = run_warp("mesh", str(STUDY), "--out", str(out), "--set", "mesh.refinement=0.5")
    assert proc.returncode == 0, proc.stderr
    markers = json.loads((out / "markers.json").read_text())
    assert PARTS <= set(markers) and markers["heat_sink_top"]["dim"] == 2
    quality = json.loads((out / "quality.json").read_text())
    assert quality["min_sicn"] > 0 and (out / "mesh.msh").stat().st_size > 0
    assert "minSICN" in proc.stdout


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
