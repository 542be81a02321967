"""Layered tetrahedra for thin prismatic volumes inside a Gmsh model.

A 0.03 mm mold gap under a 6 mm die would need millions of isotropic
tetrahedra to get two elements through its thickness. Here the floor of each
thin volume is meshed by Gmsh, the ceiling is a periodic copy, and the volume
is filled with prisms between given z-levels, each cut into three tetrahedra.
Every quad is cut from the lower-numbered column's floor node to the
higher-numbered column's ceiling node, which keeps neighbouring prisms
conformal without any bookkeeping. The lateral faces get the matching
triangles, so Gmsh then meshes the free volumes against them
(`Mesh.MeshOnlyEmpty`). The levels may be graded: a joint's first element
layers next to its bonded faces are exactly the Darveaux averaging layer
(`levels`). Works on rank 0 inside an open Gmsh session, with OCC volumes
whose floor and ceiling are horizontal planes.
"""

from __future__ import annotations

from dataclasses import dataclass

import gmsh
import numpy as np
from scipy.spatial import cKDTree

TOL = 1e-6  # mm; geometric tolerance of the OCC bounding boxes


def levels(
    z0: float, z1: float, layers: int, ends: tuple[float, int] | None = None
) -> tuple[float, ...]:
    """Heights (mm) of the element-layer boundaries from z0 to z1: `layers` uniform layers,
    or with `ends` = (thickness, count), `count` layers of thickness / count next to each
    face first and the `layers` uniform ones between (the joint's averaging layers)."""
    if ends is None:
        return tuple(z0 + (z1 - z0) * k / layers for k in range(layers)) + (z1,)
    thickness, count = ends
    end = [thickness * k / count for k in range(count)]
    inner = levels(z0 + thickness, z1 - thickness, layers)
    return tuple(z0 + d for d in end) + inner + tuple(z1 - d for d in reversed(end))


@dataclass
class SweptVolume:
    """One thin volume: its element-layer heights (mm), floor and ceiling faces, sides."""

    tag: int
    levels: tuple[float, ...]
    floors: list[int]
    ceilings: list[int]
    laterals: list[int]

    @property
    def z0(self) -> float:
        return self.levels[0]

    @property
    def z1(self) -> float:
        return self.levels[-1]

    @property
    def layers(self) -> int:
        return len(self.levels) - 1

    @property
    def graded(self) -> bool:
        """True when the layers differ in thickness (evenly spaced transfinite edges do not
        fit them)."""
        steps = np.diff(self.levels)
        return bool(np.ptp(steps) > TOL * 1e-3)


def classify(tag: int, levels: tuple[float, ...]) -> SweptVolume:
    """Split the boundary of a prismatic volume swept through `levels` (mm, from its floor to
    its ceiling) into floor, ceiling and sides."""
    floors, ceilings, laterals = [], [], []
    for _, face in gmsh.model.getBoundary([(3, tag)], oriented=False):
        if _is_flat_at(2, face, levels[0]):
            floors.append(face)
        elif _is_flat_at(2, face, levels[-1]):
            ceilings.append(face)
        else:
            laterals.append(face)
    return SweptVolume(tag, tuple(levels), floors, ceilings, laterals)


def constrain(volumes: list[SweptVolume]) -> None:
    """Before meshing: ceilings copy floors; vertical edges get one segment per layer."""
    done_faces, done_curves = set(), set()
    for vol in volumes:
        shift = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, vol.z1 - vol.z0, 0, 0, 0, 1]
        floor_boxes = {f: gmsh.model.getBoundingBox(2, f) for f in vol.floors}
        for ceiling in vol.ceilings:
            if ceiling in done_faces:
                continue
            cb = gmsh.model.getBoundingBox(2, ceiling)
            match = [
                f
                for f, fb in floor_boxes.items()
                if all(abs(cb[k] - fb[k]) < TOL for k in (0, 1, 3, 4))
            ]
            if len(match) != 1:
                raise RuntimeError(f"swept volume {vol.tag}: ceiling {ceiling} has no floor")
            gmsh.model.mesh.setPeriodic(2, [ceiling], match, shift)
            done_faces.add(ceiling)
        for curve in _verticals(vol):
            if curve not in done_curves:
                gmsh.model.mesh.setTransfiniteCurve(curve, vol.layers + 1)
                done_curves.add(curve)


def place(volumes: list[SweptVolume]) -> None:
    """After the 1D mesh, before the 2D one: move the nodes of each vertical edge onto its
    volume's levels (transfinite curves space them evenly), so the free faces that share an
    edge are meshed against the graded nodes too."""
    for vol in volumes:
        for curve in _verticals(vol):
            tags, coords, _ = gmsh.model.mesh.getNodes(1, curve, includeBoundary=False)
            xyz = np.reshape(coords, (-1, 3))
            for i, z in zip(np.argsort(xyz[:, 2]), vol.levels[1:-1], strict=True):
                point = [xyz[i, 0], xyz[i, 1], z]
                u = gmsh.model.getParametrization(1, curve, point)
                gmsh.model.mesh.setNode(int(tags[i]), point, list(u))


class _Filler:
    """Creates the node columns, tetrahedra and lateral triangles of swept volumes."""

    def __init__(self, volumes: list[SweptVolume]):
        self.volumes = volumes
        laterals = {f for v in volumes for f in v.laterals}
        gmsh.model.mesh.clear([(2, f) for f in sorted(laterals)])
        tags, coords, _ = gmsh.model.mesh.getNodes()
        self.tags = np.asarray(tags, dtype=np.int64)
        self.xyz = np.asarray(coords).reshape(-1, 3)
        self.tree = cKDTree(self.xyz)
        self.row = {int(t): i for i, t in enumerate(self.tags)}
        self.next_tag = int(gmsh.model.mesh.getMaxNodeTag()) + 1
        self.columns: dict[int, np.ndarray] = {}  # floor node -> nodes up to the ceiling
        self.lateral_above: dict[int, int] = {}  # floor curve -> lateral face over it
        for vol in volumes:
            for face in vol.laterals:
                for curve in _curves(face):
                    if _is_flat_at(1, curve, vol.z0):
                        self.lateral_above[curve] = face

    def _find(self, points: np.ndarray) -> np.ndarray:
        dist, idx = self.tree.query(points)
        if np.any(dist > TOL):
            raise RuntimeError("swept mesh: no existing node where a column needs one")
        return self.tags[idx]

    def column(self, tag: int, vol: SweptVolume, dim: int, entity: int) -> np.ndarray:
        """Node tags from the floor node `tag` up to the ceiling; new nodes go on (dim, entity)."""
        if tag in self.columns:
            return self.columns[tag]
        x, y, _ = self.xyz[self.row[tag]]
        zs = np.asarray(vol.levels)
        pts = np.column_stack([np.full(zs.size, x), np.full(zs.size, y), zs])
        top = self._find(pts[-1:])
        if dim == 0:  # under a vertical edge: its transfinite nodes already exist
            inner = self._find(pts[1:-1]) if vol.layers > 1 else np.empty(0, np.int64)
        else:
            inner = np.arange(self.next_tag, self.next_tag + vol.layers - 1, dtype=np.int64)
            self.next_tag += vol.layers - 1
            if inner.size:
                gmsh.model.mesh.addNodes(dim, entity, inner.tolist(), pts[1:-1].ravel().tolist())
        self.columns[tag] = np.concatenate([[tag], inner, top]).astype(np.int64)
        return self.columns[tag]

    def fill(self) -> None:
        done: set[int] = set()
        for vol in self.volumes:
            for face in vol.floors:
                inner = gmsh.model.mesh.getNodes(2, face, includeBoundary=False)[0]
                for t in inner:
                    self.column(int(t), vol, 3, vol.tag)
                on_curves = set()
                for curve in _curves(face):
                    for t in gmsh.model.mesh.getNodes(1, curve, includeBoundary=False)[0]:
                        self.column(int(t), vol, 2, self.lateral_above[curve])
                        on_curves.add(int(t))
                every = gmsh.model.mesh.getNodes(2, face, includeBoundary=True)[0]
                for t in set(map(int, every)) - on_curves - set(map(int, inner)):
                    self.column(t, vol, 0, 0)  # corner points of the floor
            self._tets(vol)
            for face in vol.laterals:
                if face not in done:
                    self._lateral(face, vol)
                    done.add(face)

    def _tets(self, vol: SweptVolume) -> None:
        tri = np.sort(np.concatenate([_triangles(f) for f in vol.floors]), axis=1)
        # sorted floor tags fix every quad's cut: lower column's floor to higher's ceiling
        pattern = [
            ((0, 0), (1, 0), (2, 0), (2, 1)),
            ((0, 0), (1, 0), (1, 1), (2, 1)),
            ((0, 0), (0, 1), (1, 1), (2, 1)),
        ]
        cols = np.array([[self.columns[t] for t in row] for row in tri])  # (n, 3, layers + 1)
        xy = self.xyz[np.vectorize(self.row.__getitem__)(tri)][:, :, :2]
        cells, signs = [], []
        for k in range(vol.layers):
            for tet in pattern:
                cells.append(np.column_stack([cols[:, v, k + up] for v, up in tet]))
                p = np.array(
                    [
                        np.column_stack([xy[:, v], np.full(len(tri), vol.levels[k + up])])
                        for v, up in tet
                    ]
                )
                signs.append(np.einsum("ij,ij->i", np.cross(p[1] - p[0], p[2] - p[0]), p[3] - p[0]))
        cells, signs = np.concatenate(cells), np.concatenate(signs)
        flip = signs < 0
        cells[flip, 0], cells[flip, 1] = cells[flip, 1], cells[flip, 0].copy()
        gmsh.model.mesh.addElementsByType(vol.tag, 4, [], cells.ravel().tolist())

    def _lateral(self, face: int, vol: SweptVolume) -> None:
        tris = []
        for curve in _curves(face):
            if self.lateral_above.get(curve) != face:
                continue
            _, _, seg_nodes = gmsh.model.mesh.getElements(1, curve)
            for p, q in np.sort(np.asarray(seg_nodes[0], dtype=np.int64).reshape(-1, 2), axis=1):
                cp, cq = self.columns[p], self.columns[q]
                for k in range(vol.layers):
                    tris += [(cp[k], cq[k], cq[k + 1]), (cp[k], cq[k + 1], cp[k + 1])]
        gmsh.model.mesh.addElementsByType(face, 2, [], np.ravel(tris).tolist())


def fill(volumes: list[SweptVolume]) -> None:
    """After the 2D mesh: replace lateral faces and fill each thin volume with prisms."""
    _Filler(volumes).fill()


def _verticals(vol: SweptVolume) -> set[int]:
    """The edges of a swept volume's sides that run its whole height."""
    out = set()
    for face in vol.laterals:
        for curve in _curves(face):
            cb = gmsh.model.getBoundingBox(1, curve)
            if abs(cb[5] - cb[2]) > (vol.z1 - vol.z0) - 2 * TOL:
                out.add(curve)
    return out


def _curves(face: int) -> list[int]:
    return [abs(c) for _, c in gmsh.model.getBoundary([(2, face)], oriented=False)]


def _is_flat_at(dim: int, tag: int, z: float) -> bool:
    """True when the entity lies in the plane at height z (OCC pads boxes by ~1e-7)."""
    bb = gmsh.model.getBoundingBox(dim, tag)
    return bb[5] - bb[2] < 2 * TOL and abs(0.5 * (bb[2] + bb[5]) - z) < TOL


def _triangles(face: int) -> np.ndarray:
    types, _, nodes = gmsh.model.mesh.getElements(2, face)
    if list(types) != [2]:
        raise RuntimeError(f"swept mesh: floor face {face} is not meshed with triangles")
    return np.asarray(nodes[0], dtype=np.int64).reshape(-1, 3)
