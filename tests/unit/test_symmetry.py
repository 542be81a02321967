"""A quarter model's tensors read at a joint's mirror image are turned into the joint's own."""

from __future__ import annotations

import numpy as np

from warp.symmetry import mirror, tensor_signs


def strain_of_a_symmetric_field(points: np.ndarray) -> np.ndarray:
    """Strain (xx, yy, zz, yz, xz, xy) of u = (x y^2 + x z, y x^2 + y z, x^2 + y^2), a field
    the two symmetry planes map onto itself (u_x odd in x, u_y odd in y, u_z even in both)."""
    x, y, z = np.asarray(points, dtype=float).T
    return np.stack([y**2 + z, x**2 + z, 0 * x, 1.5 * y, 1.5 * x, 2 * x * y], axis=1)


def test_mirrored_tensors_are_the_joints_own_in_every_quadrant():
    rng = np.random.default_rng(3)
    points = rng.uniform(-5, 5, (40, 3))
    own = strain_of_a_symmetric_field(points)
    read = strain_of_a_symmetric_field(mirror(points, "quarter"))
    np.testing.assert_allclose(read * tensor_signs(points, "quarter"), own, rtol=1e-12)
    assert not np.allclose(read, own)  # the signs matter: a plain copy is wrong


def test_a_joint_on_a_symmetry_plane_has_no_odd_shear_and_a_full_model_keeps_all():
    on_plane = np.array([[0.0, 2.0, 0.1], [1.5, 0.0, 0.1], [0.0, 0.0, 0.1]])
    signs = tensor_signs(on_plane, "quarter")
    np.testing.assert_array_equal(signs[:, :3], 1.0)
    np.testing.assert_array_equal(signs[:, 3:], [[1, 0, 0], [0, 1, 0], [0, 0, 0]])
    np.testing.assert_array_equal(tensor_signs(on_plane, "full"), 1.0)
