"""Box meshes with named parts and faces, for verification against closed forms (collective).

A layered box stands in for a package stack (layers along z, faces named like
the package's outer surfaces), so the package models run unchanged on problems
whose answer is known. Units: mm.
"""

from __future__ import annotations

from collections.abc import Callable

import dolfinx
import numpy as np
from mpi4py import MPI

from warp.fem.meshdata import PackageMesh
from warp.fem.probes import PointProbe

BOX_FACES = (
    "carrier_bottom",
    "heat_sink_top",
    "side_x0",
    "side_x1",
    "side_y0",
    "side_y1",
)
"""Outer faces of a box (z = 0, z = top, x low/high, y low/high), named like the package's."""


def layered_box(
    length: float, width: float, layers: list[tuple[str, float, int]], n_length: int
) -> PackageMesh:
    """Box [-L/2, L/2] x [-W/2, W/2] x [0, sum t] of tetrahedra; layers (part, mm, elements)."""
    n_width = max(1, round(n_length * width / length))
    n_z = sum(n for _, _, n in layers)
    msh = dolfinx.mesh.create_box(
        MPI.COMM_WORLD,
        [[-length / 2, -width / 2, 0.0], [length / 2, width / 2, 1.0]],
        [n_length, n_width, n_z],
        dolfinx.mesh.CellType.tetrahedron,
    )
    # map the uniform z-grid onto the layer interfaces so each layer has its own elements
    knots_unit = np.cumsum([0] + [n for _, _, n in layers]) / n_z
    knots = np.cumsum([0.0] + [t for _, t, _ in layers])
    msh.geometry.x[:, 2] = np.interp(msh.geometry.x[:, 2], knots_unit, knots)
    top = knots[-1]
    faces = [
        lambda x: np.isclose(x[2], 0.0),
        lambda x: np.isclose(x[2], top),
        lambda x: np.isclose(x[0], -length / 2),
        lambda x: np.isclose(x[0], length / 2),
        lambda x: np.isclose(x[1], -width / 2),
        lambda x: np.isclose(x[1], width / 2),
    ]
    return tagged(
        msh, [name for name, _, _ in layers], knots, dict(zip(BOX_FACES, faces, strict=True))
    )


def tagged(
    msh: dolfinx.mesh.Mesh,
    parts: list[str],
    z_knots: np.ndarray,
    faces: dict[str, Callable[[np.ndarray], np.ndarray]],
) -> PackageMesh:
    """Name the cells between successive z knots after `parts` and the boundary facets
    after `faces` (name -> marker on coordinates (3, n))."""
    n_cells = msh.topology.index_map(3).size_local + msh.topology.index_map(3).num_ghosts
    cells = np.arange(n_cells, dtype=np.int32)
    z_mid = dolfinx.mesh.compute_midpoints(msh, 3, cells)[:, 2]
    tags = np.searchsorted(z_knots[1:-1], z_mid).astype(np.int32) + 1
    groups = {name: (3, i + 1) for i, name in enumerate(parts)}
    cell_tags = dolfinx.mesh.meshtags(msh, 3, cells, tags)
    msh.topology.create_connectivity(2, 3)
    facets, values = [], []
    for k, (name, marker) in enumerate(faces.items()):
        found = dolfinx.mesh.locate_entities_boundary(msh, 2, marker)
        facets.append(found)
        values.append(np.full(len(found), 100 + k, dtype=np.int32))
        groups[name] = (2, 100 + k)
    facets, values = np.concatenate(facets), np.concatenate(values)
    order = np.argsort(facets)
    facet_tags = dolfinx.mesh.meshtags(msh, 2, facets[order], values[order])
    return PackageMesh(msh, cell_tags, facet_tags, groups)


def corner_supports(length: float, width: float) -> list:
    """3-2-1 supports on bottom corners: rigid-body motion only."""
    x0, x1, y0, y1 = -length / 2, length / 2, -width / 2, width / 2
    return [((x0, y0, 0.0), (0, 1, 2)), ((x1, y0, 0.0), (1, 2)), ((x0, y1, 0.0), (2,))]


def values_at(u: dolfinx.fem.Function, points: np.ndarray) -> np.ndarray:
    """A function's values at points (n, 3), one column per component, on every rank."""
    probe = PointProbe(u.function_space.mesh, points)
    size = u.function_space.value_size
    return np.column_stack([probe(u, k) for k in range(size)])
