"""Mesh a study in its own Gmsh session and measure what the tests check (plain data out)."""

from __future__ import annotations

from dataclasses import dataclass

import gmsh
import numpy as np

from warp.design import Design, resolve
from warp.mesh import model as mesher
from warp.mesh.session import GmshSession
from warp.study_file import load_study


@dataclass
class Measured:
    design: Design
    info: mesher.MeshInfo
    group_area: dict[str, float]  # surface group -> area (mm^2, modelled region)
    gap_cell_height: float  # tallest tetrahedron inside the die-to-heat-sink gap (mm)
    bump_contacts: list[tuple[set, set]]  # per bump volume: parts below and above it


def mesh_study(path, overrides: list[str]) -> Measured:
    p = resolve(load_study(path, overrides))
    with GmshSession():
        info = mesher.generate(p.study, p.layout, p.symmetry)
        areas = {}
        for name, (dim, tag) in info.groups.items():
            if dim == 2:
                faces = gmsh.model.getEntitiesForPhysicalGroup(dim, tag)
                areas[name] = sum(gmsh.model.occ.getMass(2, f) for f in faces)
        gap = p.layout.gap
        gap_heights = _cell_heights(info, "mold", gap)
        part_of = {}
        for name, (dim, tag) in info.groups.items():
            if dim == 3:
                for v in gmsh.model.getEntitiesForPhysicalGroup(3, tag):
                    part_of[v] = name
        contacts = []
        for v, part in part_of.items():
            if part != "bumps":
                continue
            bb = gmsh.model.getBoundingBox(3, v)
            below, above = set(), set()
            for _, face in gmsh.model.getBoundary([(3, v)], oriented=False):
                fb = gmsh.model.getBoundingBox(2, abs(face))
                if fb[5] - fb[2] > 1e-5:
                    continue  # a side face
                others = {part_of[o] for o in gmsh.model.getAdjacencies(2, abs(face))[0] if o != v}
                (below if abs(fb[2] - bb[2]) < 1e-5 else above).update(others)
            contacts.append((below, above))
    return Measured(p, info, areas, float(gap_heights.max()), contacts)


def _cell_heights(info, part: str, box) -> np.ndarray:
    """z-extent of the tetrahedra of a part whose centres lie inside a box."""
    dim, tag = info.groups[part]
    heights = []
    for vol in gmsh.model.getEntitiesForPhysicalGroup(dim, tag):
        _, _, nodes = gmsh.model.mesh.getElements(3, vol)
        if not len(nodes):
            continue
        tets = np.asarray(nodes[0]).reshape(-1, 4)
        coords = {}
        tags, xyz, _ = gmsh.model.mesh.getNodes(3, vol, includeBoundary=True)
        coords = dict(zip(tags.tolist(), xyz.reshape(-1, 3), strict=True))
        pts = np.array([[coords[n] for n in tet] for tet in tets])
        centre = pts.mean(axis=1)
        inside = (
            (centre[:, 0] > box.x0)
            & (centre[:, 0] < box.x1)
            & (centre[:, 1] > box.y0)
            & (centre[:, 1] < box.y1)
            & (centre[:, 2] > box.z0)
            & (centre[:, 2] < box.z1)
        )
        heights.append(np.ptp(pts[inside, :, 2], axis=1))
    return np.concatenate(heights)
