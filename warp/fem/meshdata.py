"""The distributed package mesh with its named groups (collective)."""

from __future__ import annotations

from dataclasses import dataclass

import dolfinx
import numpy as np
from dolfinx.io import gmsh as gmshio
from mpi4py import MPI


@dataclass
class PackageMesh:
    """DOLFINx mesh, cell and facet tags, and group names -> (dim, tag)."""

    mesh: dolfinx.mesh.Mesh
    cell_tags: dolfinx.mesh.MeshTags
    facet_tags: dolfinx.mesh.MeshTags
    groups: dict[str, tuple[int, int]]

    @property
    def comm(self) -> MPI.Comm:
        return self.mesh.comm

    def cells(self, part: str) -> np.ndarray:
        """Local cells (owned and ghost) of a part."""
        return self.cell_tags.find(self.groups[part][1])

    def facets(self, name: str) -> np.ndarray:
        """Local facets of a named surface or interface (empty if the group is absent)."""
        if name not in self.groups:
            return np.empty(0, dtype=np.int32)
        return self.facet_tags.find(self.groups[name][1])


def from_gmsh(model, comm: MPI.Comm) -> PackageMesh:
    """Distribute the Gmsh model held on rank 0; ghost shared facets for interface probes."""
    partitioner = dolfinx.mesh.create_cell_partitioner(dolfinx.mesh.GhostMode.shared_facet, 2)
    data = gmshio.model_to_mesh(model, comm, 0, gdim=3, partitioner=partitioner)
    names = {name: (int(dim), int(tag)) for name, (dim, tag) in data.physical_groups.items()}
    names = comm.bcast(names if comm.rank == 0 else None, root=0)
    tdim = data.mesh.topology.dim
    data.mesh.topology.create_connectivity(tdim - 1, tdim)
    return PackageMesh(data.mesh, data.cell_tags, data.facet_tags, names)
