"""ParaView fields: the steps `output.fields` selects, and single precision on a 32-bit twin
of the mesh that numbers every DOF as the original does."""

from __future__ import annotations

from pathlib import Path

import dolfinx
import numpy as np
import pytest
from layered import layered_box

from warp.fem.output import (
    FieldWriter,
    field_steps,
    single_precision_copy,
    single_precision_twin,
)
from warp.history import Step
from warp.study import Output

SPACES = [("Lagrange", 2, (3,)), ("DG", 0, (3, 3)), ("Lagrange", 1)]
"""The displacement, stress and temperature spaces of the package models."""


@pytest.fixture(scope="module")
def pm():
    return layered_box(4.0, 3.0, [("carrier", 0.2, 2), ("die", 0.3, 2)], 6)


def test_corners_are_the_labelled_steps():
    steps = [Step(0.0, 175.0, "mold-cooldown", "T_mold"), Step(1.0, 100.0, "mold-cooldown")]
    steps += [Step(2.0, 25.0, "mold-cooldown", "T_room"), Step(3.0, 125.0, "cycling", "hot")]
    assert field_steps(steps, "all") == [0, 1, 2, 3]
    assert field_steps(steps, "corners") == [0, 2, 3]
    assert field_steps(steps, "none") == []


@pytest.mark.parametrize("element", SPACES)
def test_the_single_precision_twin_numbers_dofs_as_the_mesh_does(pm, element):
    twin = single_precision_twin(pm.mesh)
    assert twin.geometry.x.dtype == np.float32
    f = dolfinx.fem.Function(dolfinx.fem.functionspace(pm.mesh, element), name="f")
    f.interpolate(lambda x: np.tile(x[0] + 2 * x[1] - x[2], (f.function_space.dofmap.bs, 1)))
    copy = single_precision_copy(twin, f)
    assert copy.x.array.dtype == np.float32 and copy.name == "f"
    a = f.function_space.tabulate_dof_coordinates()
    b = copy.function_space.tabulate_dof_coordinates()
    assert a.shape == b.shape and np.abs(a - b).max() < 1e-6
    copy.x.array[:] = f.x.array  # the same DOF numbering: the copy is the field
    g = dolfinx.fem.Function(copy.function_space, dtype=np.float32)
    g.interpolate(lambda x: np.tile(x[0] + 2 * x[1] - x[2], (f.function_space.dofmap.bs, 1)))
    assert np.abs(copy.x.array - g.x.array).max() < 1e-5


def test_single_precision_writes_smaller_folders(pm, tmp_path):
    space = dolfinx.fem.functionspace(pm.mesh, SPACES[0])
    u = dolfinx.fem.Function(space, name="displacement")
    shared = Path(pm.mesh.comm.bcast(str(tmp_path)))  # one folder for all ranks
    sizes = {}
    for single in (False, True):
        folder = shared / f"single-{single}"
        writer = FieldWriter(pm.mesh, {"displacement": u}, folder, single)
        for t in range(5):
            writer.write(float(t), {"displacement": np.full(u.x.array.shape, t / 7)})
        writer.close()
        sizes[single] = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert sizes[True] < 0.8 * sizes[False]
    assert Output().fields == "all" and Output().fields_precision == "double"
