"""Thermo-elastic FE solve against closed forms (Timoshenko bimetal, free expansion)."""

from __future__ import annotations

import dolfinx
import numpy as np
import pytest
from layered import corner_supports, layered_box, values_at

from warp.fem.elasticity import ThermoElasticModel
from warp.materials import Material, Table
from warp.study import Solver

# reference-data.md 5.7 case A: C194 0.2 mm under Si 0.3 mm, cooled by 150 K
T1, T2, E1, E2, A1, A2, NU = 0.2, 0.3, 121e3, 130e3, 17.4, 2.568, 0.3
LENGTH, WIDTH = 10.0, 1.0


def timoshenko_curvature(d_temp: float) -> float:
    """Timoshenko (1925) bimetal curvature in 1/mm; > 0 when the top layer is convex."""
    m, n, h = T1 / T2, E1 / E2, T1 + T2
    return (
        6
        * (A2 - A1)
        * 1e-6
        * d_temp
        * (1 + m) ** 2
        / (h * (3 * (1 + m) ** 2 + (1 + m * n) * (m * m + 1 / (m * n))))
    )


def bimetal_curvature(n_length: int, layers: int, degree: int) -> float:
    pm = layered_box(LENGTH, WIDTH, [("carrier", T1, layers), ("die", T2, layers)], n_length)
    mats = {
        "carrier": Material("c194", "", "metal", "isotropic", {"E": E1, "nu": NU, "cte": A1}),
        "die": Material("si", "", "semiconductor", "isotropic", {"E": E2, "nu": NU, "cte": A2}),
    }
    model = ThermoElasticModel(
        pm,
        mats,
        {"carrier": 175.0, "die": 175.0},
        Solver(element_degree=degree),
        "full",
        corner_supports(LENGTH, WIDTH),
    )
    model.set_temperature(25.0)
    model.solve()
    x = np.linspace(-LENGTH / 4, LENGTH / 4, 21)
    top = np.column_stack([x, np.zeros_like(x), np.full_like(x, T1 + T2)])
    w = values_at(model.u, top)[:, 2]
    return -2.0 * np.polyfit(x, w, 2)[0]  # w = w0 - kappa x^2 / 2 for a convex top


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
    exact = timoshenko_curvature(-150.0)
    meshes = [(40, 2), (80, 4), (160, 8)]
    errors = np.array([abs(bimetal_curvature(n, k, degree=1) / exact - 1) for n, k in meshes])
    assert np.all(np.diff(errors) < 0)
    h = 1.0 / np.array([n for n, _ in meshes])
    rate = np.polyfit(np.log(h[1:]), np.log(errors[1:]), 1)[0]
    assert 1.7 < rate < 2.5, f"observed order {rate:.2f}, errors {errors}"
    assert errors[-1] < 0.03


def test_free_thermal_expansion_is_exact_and_stress_free():
    """One orthotropic material, temperature-dependent CTE: u = integral of alpha dT * x."""
    length, width, height = 4.0, 3.0, 0.5
    pm = layered_box(length, width, [("carrier", height, 2)], 6)
    cte = [[0.0, 10.0], [100.0, 16.0], [200.0, 20.0]]
    mat = Material(
        "ortho",
        "",
        "substrate",
        "isotropic",
        {"E": 20e3, "nu": 0.25, "cte": Table(cte), "cte_z": 45.0},
    )
    model = ThermoElasticModel(
        pm,
        {"carrier": mat},
        {"carrier": 175.0},
        Solver(),
        "full",
        corner_supports(length, width),
    )
    model.set_temperature(25.0)
    model.solve()
    strain = mat.thermal_strain(25.0, 175.0)
    assert strain[0] == pytest.approx(Table(cte).integral(175.0, 25.0) * 1e-6)
    rng = np.random.default_rng(1)
    pts = rng.uniform([-length / 2, -width / 2, 0], [length / 2, width / 2, height], (20, 3))
    origin = np.array([-length / 2, -width / 2, 0.0])
    expected = (pts - origin) * strain
    assert np.abs(values_at(model.u, pts) - expected).max() < 1e-9 * np.abs(expected).max() + 1e-12
    q = dolfinx.fem.functionspace(pm.mesh, ("DG", 0, (3, 3)))
    sigma = dolfinx.fem.Function(q)
    sigma.interpolate(
        dolfinx.fem.Expression(model.stress("carrier"), q.element.interpolation_points)
    )
    scale = 20e3 * abs(strain).max()
    assert np.abs(sigma.x.array).max() < 1e-8 * scale
