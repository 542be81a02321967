"""The board in the Gmsh model: named groups, the balls wetting their pads, its elements."""

from __future__ import annotations

import gmsh
import numpy as np
import pytest
from support import SMALL, STUDY

from warp.design import resolve
from warp.mesh import model as mesher
from warp.mesh.session import GmshSession
from warp.study_file import load_study

BOARD = [
    "reflow.enabled=true",  # the board assembly
    "board.enabled=true",
    "board.size=[12.0, 12.0]",
]
GROUPS = {
    "board",
    "board_pads",
    "board_top",
    "board_bottom",
    "board_sides",
    "balls/board_pads",
    "board_pads/board",
}


@pytest.fixture(scope="module", params=["quarter", "full"])
def meshed(request):
    """The small package on a 12 mm board: design, mesh info, surface areas (mm^2, modelled
    region) and the z-extent (mm) of every board tetrahedron under the ball array."""
    design = resolve(load_study(STUDY, SMALL + BOARD + [f'mesh.symmetry="{request.param}"']))
    with GmshSession():
        info = mesher.generate(design.study, design.layout, design.symmetry)
        area = {}
        for name, (dim, tag) in info.groups.items():
            if dim == 2:
                faces = gmsh.model.getEntitiesForPhysicalGroup(dim, tag)
                area[name] = sum(gmsh.model.occ.getMass(2, f) for f in faces)
        heights = _board_heights_under_balls(info, design)
    return design, info, area, heights


def _board_heights_under_balls(info, design) -> np.ndarray:
    balls = design.layout.balls
    lo, hi = balls.xy.min(axis=0), balls.xy.max(axis=0)
    out = []
    for vol in gmsh.model.getEntitiesForPhysicalGroup(*info.groups["board"]):
        _, _, nodes = gmsh.model.mesh.getElements(3, vol)
        tags, xyz, _ = gmsh.model.mesh.getNodes(3, vol, includeBoundary=True)
        row = {t: i for i, t in enumerate(tags.tolist())}
        xyz = xyz.reshape(-1, 3)
        tets = xyz[np.vectorize(row.__getitem__)(np.asarray(nodes[0]).reshape(-1, 4))]
        centre = tets.mean(axis=1)
        under = np.all((centre[:, :2] > lo) & (centre[:, :2] < hi), axis=1)
        out.append(np.ptp(tets[under, :, 2], axis=1))
    return np.concatenate(out)


def test_the_board_has_its_named_groups(meshed):
    design, info, _, _ = meshed
    names = set(info.groups)
    assert GROUPS <= names
    assert "ball_tips" not in names  # every ball is bonded to its pad
    assert ({"symmetry_x", "symmetry_y"} <= names) == (design.symmetry == "quarter")


def test_each_ball_wets_its_whole_pad(meshed):
    """The balls/board_pads interface is the pads' designed area (NSMD: the solder wets the
    whole pad), over all pads of the package."""
    design, _, area, _ = meshed
    share = 4.0 if design.symmetry == "quarter" else 1.0
    pads = design.layout.board.pads
    designed = pads.count * np.pi * pads.diameter**2 / 4
    assert area["balls/board_pads"] * share == pytest.approx(designed, rel=0.01)
    assert area["board_pads/board"] == pytest.approx(area["balls/board_pads"], rel=1e-9)


def test_board_volumes_and_outer_faces_are_the_design(meshed):
    design, info, area, _ = meshed
    share = 4.0 if design.symmetry == "quarter" else 1.0
    designed = design.layout.part_volumes()
    for part, volume in info.quality.volume_by_part_mm3.items():
        assert volume * share == pytest.approx(designed[part], rel=1e-6), part
    lam = design.layout.board.laminate
    plan = (lam.x1 - lam.x0) * (lam.y1 - lam.y0)
    assert area["board_bottom"] * share == pytest.approx(plan, rel=1e-9)
    sides = 2 * ((lam.x1 - lam.x0) + (lam.y1 - lam.y0)) * lam.thickness
    assert area["board_sides"] * share == pytest.approx(sides, rel=1e-9)


def test_two_elements_through_the_board_under_the_balls(meshed):
    """Graded to the ball size under the package: no board tetrahedron there spans more
    than half the board's thickness (at least two P2 elements through it)."""
    design, info, _, heights = meshed
    assert len(heights) > 0
    assert heights.max() <= design.layout.board.laminate.thickness / 2 + 1e-9
    assert info.quality.min_sige >= design.study.mesh.min_quality
