"""Thermo-elastic FE solve against closed forms (Timoshenko bimetal, free expansion).

The computations live in warp.fem.closed_forms, which `warp verify` runs too.
"""

from __future__ import annotations

import numpy as np
import pytest

from warp.fem.closed_forms import (
    ORTHOTROPIC,
    bimetal_curvature,
    free_expansion,
    p1_bimetal_rate,
    timoshenko_curvature,
)
from warp.materials import Table


def test_case_a_reference_value():
    assert timoshenko_curvature(-150.0) * 1e3 == pytest.approx(6.357, abs=1e-3)  # 1/m


@pytest.mark.parametrize("n_length, layers", [(20, 1), (40, 2)])
def test_p2_bimetal_matches_timoshenko(n_length, layers):
    exact = timoshenko_curvature(-150.0)
    kappa = bimetal_curvature(n_length, layers, degree=2)
    assert kappa > 0  # the low-CTE silicon on top ends up convex after cooling
    assert kappa == pytest.approx(exact, rel=0.02)
    # P2 represents the uniform-curvature interior exactly; only the free ends differ
    assert kappa == pytest.approx(exact, rel=1e-4)


def test_p1_bimetal_error_falls_at_second_order():
    """Linear tetrahedra lock in bending; the locking error still falls as h^2."""
    rate = p1_bimetal_rate()
    assert np.all(np.diff(rate.errors) < 0)
    assert 1.7 < rate.order < 2.5, f"observed order {rate.order:.2f}, errors {rate.errors}"
    assert rate.errors[-1] < 0.03


def test_free_thermal_expansion_is_exact_and_stress_free():
    """One orthotropic material, temperature-dependent CTE: u = integral of alpha dT * x."""
    strain = ORTHOTROPIC.thermal_strain(25.0, 175.0)
    assert strain[0] == pytest.approx(
        Table([[0, 10], [100, 16], [200, 20]]).integral(175.0, 25.0) * 1e-6
    )
    assert strain[2] == pytest.approx(45e-6 * -150.0)
    result = free_expansion()
    assert result.displacement_error < 1e-9
    assert result.stress < 1e-8
