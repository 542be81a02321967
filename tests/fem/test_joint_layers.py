"""Darveaux layer averages read the whole swept element layers next to every joint face."""

from __future__ import annotations

import dolfinx
import numpy as np
import pytest
from mpi4py import MPI
from support import SMALL, STUDY

from warp.design import resolve
from warp.errors import RunError
from warp.fem.elasticity import ThermoElasticModel
from warp.fem.meshdata import from_gmsh
from warp.fem.package_probes import PackageProbes
from warp.mesh import model as mesher
from warp.mesh.session import GmshSession
from warp.study import Solver
from warp.study_file import load_study
from warp.symmetry import support_points


@pytest.fixture(scope="module")
def probes():
    design = resolve(load_study(STUDY, SMALL))
    comm = MPI.COMM_WORLD
    with GmshSession(comm) as session:
        session.run(lambda: mesher.generate(design.study, design.layout, design.symmetry))
        pm = from_gmsh(session.model, comm)
    model = ThermoElasticModel(
        pm,
        design.materials,
        {part: 25.0 for part in design.materials},
        Solver(element_degree=1),
        design.symmetry,
        support_points(design.layout, design.symmetry),
    )
    return design, pm, PackageProbes(design, pm, model)


def _height(pm) -> np.ndarray:
    """The field z (mm) as cell averages: the centroid height of every local cell."""
    cells = pm.mesh.topology.index_map(3)
    local = np.arange(cells.size_local + cells.num_ghosts, dtype=np.int32)
    return dolfinx.mesh.compute_midpoints(pm.mesh, 3, local)[:, 2]


@pytest.mark.parametrize("kind", ["bumps", "balls"])
def test_the_layer_average_of_height_is_the_layer_mid_height(probes, kind):
    """A whole prismatic layer of thickness t at a face z_f averages z to z_f +- t / 2."""
    design, pm, bundle = probes
    joint = getattr(design.layout, kind)
    t = design.study.cycling.interface_layer
    mean = getattr(bundle, kind).face_averages(_height(pm), t)
    assert mean.shape[1] == 2 and np.isfinite(mean).all()
    np.testing.assert_allclose(mean[:, 0], joint.z0 + t / 2, rtol=0, atol=1e-12)
    np.testing.assert_allclose(mean[:, 1], joint.z1 - t / 2, rtol=0, atol=1e-12)


def test_a_layer_the_joints_were_not_swept_for_is_refused(probes):
    """Averaging 20 um on a mesh swept for 25 um would cut element layers: refused."""
    _, pm, bundle = probes
    with pytest.raises(RunError, match="not whole element layers"):
        bundle.bumps.face_averages(_height(pm), 0.02)
