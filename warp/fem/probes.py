"""Read engineering quantities off a solved displacement field (collective).

Point values (package bottom map, ball tips) come from exact FE evaluation;
joint strains are volume averages over each joint's cells; interface
tractions use the cell-average stress on both sides of each interface facet.
Everything returned is the same on every rank.
"""

from __future__ import annotations

import dolfinx
import numpy as np
import ufl
from mpi4py import MPI
from scipy.spatial import cKDTree

from warp.errors import RunError
from warp.parts import is_interface


class PointProbe:
    """Evaluates a function at fixed points; each point is found once (collective)."""

    def __init__(self, mesh: dolfinx.mesh.Mesh, points: np.ndarray):
        self.mesh, self.points = mesh, np.ascontiguousarray(points, dtype=np.float64)
        tree = dolfinx.geometry.bb_tree(mesh, mesh.topology.dim)
        candidates = dolfinx.geometry.compute_collisions_points(tree, self.points)
        colliding = dolfinx.geometry.compute_colliding_cells(mesh, candidates, self.points)
        owned = mesh.topology.index_map(3).size_local
        self.rows, self.cells = [], []
        for i in range(len(self.points)):
            links = colliding.links(i)
            links = links[links < owned]
            if len(links):
                self.rows.append(i)
                self.cells.append(links[0])
        found = np.zeros(len(self.points), dtype=np.int32)
        found[self.rows] = 1
        total = _allreduce(mesh.comm, found, MPI.SUM)
        if np.any(total == 0):
            bad = self.points[np.flatnonzero(total == 0)[0]]
            raise RuntimeError(f"probe point {bad} mm lies outside the mesh")
        self.share = 1.0 / total  # a point on a partition boundary is found twice

    def __call__(self, f: dolfinx.fem.Function, component: int) -> np.ndarray:
        local = np.zeros(len(self.points))
        if self.rows:
            vals = f.eval(self.points[self.rows], np.asarray(self.cells, dtype=np.int32))
            local[self.rows] = np.reshape(vals, (len(self.rows), -1))[:, component]
        return _allreduce(self.mesh.comm, local * self.share, MPI.SUM)


class JointAverages:
    """Volume averages over each joint (bump or ball) of one part.

    `centres` (n, 3) locate the joints; `ends` (n, 2) give the heights of the two
    bonded faces of each, for averages over the element layers next to them
    (Darveaux), which the mesher sweeps to the averaging-layer thickness.
    """

    def __init__(self, model, part: str, centres: np.ndarray, ends: np.ndarray):
        pm = model.pm
        self.comm = pm.comm
        q0 = dolfinx.fem.functionspace(pm.mesh, ("DG", 0))
        owned = pm.mesh.topology.index_map(3).size_local
        cells = pm.cells(part)
        self.cells = cells[cells < owned]
        mids = dolfinx.mesh.compute_midpoints(pm.mesh, 3, self.cells)
        tree = cKDTree(centres)  # joints are disjoint: a cell belongs to the nearest centre
        self.joint = tree.query(mids)[1] if len(self.cells) else np.empty(0, int)
        self.count = len(centres)
        z_ends = np.asarray(ends, dtype=float)[self.joint].reshape(-1, 2)
        gaps = np.abs(mids[:, 2:3] - z_ends)
        self.near_end = np.argmin(gaps, axis=1)  # 0: lower bonded face, 1: upper
        self.end_distance = np.min(gaps, axis=1)
        near_z = np.take_along_axis(z_ends, self.near_end[:, None], axis=1)
        corners = pm.mesh.geometry.x[pm.mesh.geometry.dofmaps[0][self.cells], 2]
        self.end_reach = np.max(np.abs(corners - near_z), axis=1)  # farthest corner, mm
        w = ufl.TestFunction(q0)
        dxp = model.dx(pm.groups[part][1])
        eps = model.mechanical_strain()
        dev = eps - ufl.tr(eps) / 3 * ufl.Identity(3)
        eq = ufl.sqrt(2.0 / 3.0 * ufl.inner(dev, dev) + 1e-30)
        self.form_eq = dolfinx.fem.form(eq * w * dxp)
        self.cell_volume = dolfinx.fem.assemble_vector(dolfinx.fem.form(w * dxp)).array[self.cells]
        self.volumes = self._per_joint(self.cell_volume)

    def _per_joint(self, weights: np.ndarray) -> np.ndarray:
        per_joint = np.bincount(self.joint, weights=weights, minlength=self.count)
        return _allreduce(self.comm, per_joint, MPI.SUM)

    def strain_eq(self) -> np.ndarray:
        """Volume-averaged von Mises equivalent mechanical strain of each joint (1)."""
        vec = dolfinx.fem.assemble_vector(self.form_eq)
        return self._per_joint(vec.array[self.cells]) / self.volumes

    def average(self, cell_values: np.ndarray) -> np.ndarray:
        """Volume average of per-cell values (all local cells) over each joint."""
        return self._per_joint(self.cell_volume * cell_values[self.cells]) / self.volumes

    def face_averages(self, cell_values: np.ndarray, layer: float) -> np.ndarray:
        """Darveaux averages over the whole element layers that make up the `layer` mm next
        to each bonded face (the cells whose centre lies within it, each entirely inside):
        (joints, 2, ...) with face 0 the lower and 1 the upper; NaN where a face has no
        such cell. Per-cell values may be scalars or vectors. Collective."""
        inside = self.end_distance < layer
        weights = np.where(inside, self.cell_volume, 0.0)
        slot = 2 * self.joint + self.near_end
        values = cell_values[self.cells].reshape(len(self.cells), -1)

        def per_slot(w):
            return _allreduce(self.comm, np.bincount(slot, w, 2 * self.count), MPI.SUM)

        straddling = np.count_nonzero(self.end_reach[inside] > layer + LEVEL_TOL_MM)
        if self.comm.allreduce(straddling, op=MPI.SUM):
            raise RunError(
                f"the cells next to the joint interfaces are not whole element layers of "
                f"{layer} mm (cycling.interface_layer): the joints were not swept for it"
            )
        volume = per_slot(weights)
        if np.any(volume.reshape(-1, 2).max(axis=1) <= 0):
            raise RunError(
                f"no element lies within {layer} mm of a joint interface "
                "(cycling.interface_layer): the joints were not swept for it"
            )
        total = np.stack([per_slot(weights * v) for v in values.T], axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(volume[:, None] > 0, total / volume[:, None], np.nan)
        return mean.reshape(self.count, 2, *cell_values.shape[1:])


LEVEL_TOL_MM = 1e-9
"""How far a corner of an averaged cell may lie beyond the averaging layer (round-off)."""


class InterfaceTractions:
    """Peak peel (tensile normal) and shear traction on each named interface."""

    def __init__(self, model):
        pm = model.pm
        self.pm, self.model = pm, model
        msh = pm.mesh
        tdim = msh.topology.dim
        self.names = sorted(n for n, (d, _) in pm.groups.items() if d == 2 and is_interface(n))
        q = dolfinx.fem.functionspace(msh, ("DG", 0, (3, 3)))
        self.sigma = dolfinx.fem.Function(q, name="stress")
        f2c = msh.topology.connectivity(tdim - 1, tdim)
        msh.topology.create_connectivity(tdim - 1, 0)
        f2v = msh.topology.connectivity(tdim - 1, 0)
        x = msh.geometry.x
        node_of = _vertex_to_node(msh)
        self.facets = {}
        for name in self.names:
            facets = pm.facets(name)
            pairs = np.array([f2c.links(f)[:2] for f in facets if len(f2c.links(f)) == 2])
            verts = np.array([f2v.links(f) for f in facets if len(f2c.links(f)) == 2])
            if len(pairs):
                # vertex -> geometry node is the identity map for the affine meshes used here
                p = x[node_of[verts]]
                normal = np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0])
                normal /= np.linalg.norm(normal, axis=1)[:, None]
            else:
                pairs, normal = np.empty((0, 2), int), np.empty((0, 3))
            self.facets[name] = (pairs, normal)

    def update(self) -> None:
        """Refresh the cell-average stress (also the ParaView stress field)."""
        self.sigma.x.array[:] = self.model.cell_stress().ravel()

    def maxima(self) -> tuple[np.ndarray, np.ndarray]:
        """(peel_max, shear_max) in MPa per interface, in `names` order."""
        self.update()
        s = self.sigma.x.array.reshape(-1, 3, 3)
        peel = np.full(len(self.names), -np.inf)
        shear = np.zeros(len(self.names))
        for i, name in enumerate(self.names):
            pairs, n = self.facets[name]
            if len(pairs):
                sig = 0.5 * (s[pairs[:, 0]] + s[pairs[:, 1]])
                t = np.einsum("fij,fj->fi", sig, n)
                tn = np.einsum("fi,fi->f", t, n)
                ts = np.linalg.norm(t - tn[:, None] * n, axis=1)
                peel[i], shear[i] = tn.max(), ts.max()
        comm = self.pm.comm
        return _allreduce(comm, peel, MPI.MAX), _allreduce(comm, shear, MPI.MAX)


def _allreduce(comm: MPI.Comm, values: np.ndarray, op: MPI.Op) -> np.ndarray:
    """Element-wise reduction of a numpy array over all ranks."""
    out = np.empty_like(values)
    comm.Allreduce(np.ascontiguousarray(values), out, op=op)
    return out


def _vertex_to_node(msh: dolfinx.mesh.Mesh) -> np.ndarray:
    """Map from topology vertex index to geometry node index (tetrahedra)."""
    tdim = msh.topology.dim
    verts = msh.topology.connectivity(tdim, 0).array.reshape(-1, 4)
    nverts = msh.topology.index_map(0).size_local + msh.topology.index_map(0).num_ghosts
    out = np.empty(nverts, dtype=np.int64)
    out[verts.ravel()] = msh.geometry.dofmap[: len(verts), :4].ravel()
    return out
