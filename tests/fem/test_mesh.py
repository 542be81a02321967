"""The Gmsh model: named groups, swept gap layers, designed volumes, quality."""

from __future__ import annotations

import json

import gmsh
import numpy as np
import pytest
from meshcheck import mesh_study
from scipy.spatial import cKDTree
from support import SMALL, STUDY, run_warp

from warp.design import resolve
from warp.mesh import model as mesher
from warp.mesh.session import GmshSession
from warp.study_file import load_study

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


@pytest.fixture(
    scope="module",
    params=[
        ("quarter", []),  # 25 um in 2 element layers (Darveaux's 1.0-mil row, Syed)
        ("full", ["cycling.interface_layer=0.0127", "cycling.interface_elements=1"]),  # 0.5 mil
    ],
    ids=["quarter-25um", "full-12.7um"],
)
def swept_ends(request):
    """A time-dependent mesh of the small package and, at both bonded faces of every joint,
    its pad area (mm^2), the volume of the cells whose centre lies within the averaging layer
    (mm^3) and how many node heights that layer holds."""
    symmetry, extra = request.param
    p = resolve(load_study(STUDY, [*SMALL, f'mesh.symmetry="{symmetry}"', *extra]))
    with GmshSession():
        info = mesher.generate(p.study, p.layout, p.symmetry)
        ends = {
            part: _end_layers(info, part, joint, p.study.cycling.interface_layer)
            for part, joint in (("bumps", p.layout.bumps), ("balls", p.layout.balls))
        }
    return p, info, ends


def _end_layers(info, part: str, joint, layer: float) -> dict[str, np.ndarray]:
    tags, xyz, _ = gmsh.model.mesh.getNodes()
    at = dict(zip(tags.tolist(), np.reshape(xyz, (-1, 3)), strict=True))
    nearest = cKDTree(joint.xy)
    area = np.zeros((joint.count, 2))
    volume = np.zeros((joint.count, 2))
    heights: list[set] = [set() for _ in range(2 * joint.count)]
    for vol in gmsh.model.getEntitiesForPhysicalGroup(*info.groups[part]):
        for _, face in gmsh.model.getBoundary([(3, vol)], oriented=False):
            bb = gmsh.model.getBoundingBox(2, abs(face))
            for end, z in enumerate((joint.z0, joint.z1)):
                if bb[5] - bb[2] < 1e-6 and abs(bb[2] - z) < 1e-6:
                    centre = gmsh.model.occ.getCenterOfMass(2, abs(face))
                    area[nearest.query(centre[:2])[1], end] += gmsh.model.occ.getMass(2, abs(face))
        _, _, nodes = gmsh.model.mesh.getElements(3, vol)
        tets = np.reshape(nodes[0], (-1, 4))
        x = np.array([[at[n] for n in tet] for tet in tets])  # (cells, 4, 3)
        size = (
            np.abs(
                np.einsum(
                    "ij,ij->i", np.cross(x[:, 1] - x[:, 0], x[:, 2] - x[:, 0]), x[:, 3] - x[:, 0]
                )
            )
            / 6
        )
        centre = x.mean(axis=1)
        which = nearest.query(centre[:, :2])[1]
        for end, z in enumerate((joint.z0, joint.z1)):
            inside = np.abs(centre[:, 2] - z) < layer
            np.add.at(volume[:, end], which[inside], size[inside])
            for j, corners in zip(which[inside], x[inside, :, 2], strict=True):
                heights[2 * j + end].update(np.round(corners, 9).tolist())
    present = area[:, 0] > 0
    counts = np.array([len(h) for h in heights]).reshape(-1, 2)
    return {"area": area[present], "volume": volume[present], "heights": counts[present]}


@pytest.mark.parametrize("part", ["bumps", "balls"])
def test_the_cells_next_to_each_joint_face_are_whole_averaging_layers(swept_ends, part):
    """Darveaux's procedure averages whole element layers of the calibrated thickness: the
    cells centred within it fill pad area x thickness exactly, in interface_elements layers."""
    p, _, ends = swept_ends
    cycling = p.study.cycling
    got = ends[part]
    assert len(got["area"]) > 0
    assert got["volume"] == pytest.approx(got["area"] * cycling.interface_layer, rel=1e-9)
    assert np.all(got["heights"] == cycling.interface_elements + 1)


def test_a_swept_time_dependent_mesh_keeps_the_designed_volumes(swept_ends):
    p, info, _ = swept_ends
    share = 4.0 if p.symmetry == "quarter" else 1.0
    designed = p.layout.part_volumes()
    for part, volume in info.quality.volume_by_part_mm3.items():
        assert volume * share == pytest.approx(designed[part], rel=1e-9), part
    assert info.quality.min_sige >= p.study.mesh.min_quality
