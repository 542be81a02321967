"""The mold's post-gel cure shrinkage in the elastic path: a free strain like the thermal one."""

from __future__ import annotations

import pytest

from warp.fem.closed_forms import A1, A2, bimetal_curvature, timoshenko_curvature

SHRINKAGE = -0.003  # linear chemical strain of the top layer


def test_a_shrinking_top_layer_bends_the_bilayer_as_timoshenko_predicts():
    """At the stress-free temperature only the chemical strain acts: the Timoshenko curvature
    with the mismatch strain (alpha2 - alpha1) dT replaced by the shrinkage."""
    kappa = bimetal_curvature(40, 2, 2, temperature=175.0, top_chemical=SHRINKAGE)
    exact = timoshenko_curvature(SHRINKAGE / ((A2 - A1) * 1e-6))
    assert exact < 0  # a shrinking top layer makes the top concave
    assert kappa == pytest.approx(exact, rel=2e-3)
