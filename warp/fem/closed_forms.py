"""Closed-form checks of the FE models: the computations the FE tests assert on, shared with
`warp verify` (collective).

- Timoshenko's bimetal (reference-data.md 5.7 case A: C194 0.2 mm under Si 0.3 mm, cooled
  by 150 K): curvature with P2, and the observed order of the P1 locking error;
- free thermal expansion of an orthotropic block with a temperature table: displacement
  exact, stress zero;
- 1-D conduction through a layered stack powered in its top layer (P1 and P2).

Units: mm, MPa, degC, W. Each `*_rows` function returns `warp.verification.Row`s.
"""

from __future__ import annotations

from typing import NamedTuple

import dolfinx
import numpy as np
from mpi4py import MPI

from warp.fem.box import corner_supports, layered_box, values_at
from warp.fem.elasticity import ThermoElasticModel
from warp.fem.thermal import HeatSource, ThermalModel
from warp.jesd51 import SurfaceCondition
from warp.materials import Material, Table
from warp.study import Solver
from warp.verification import Row

# reference-data.md 5.7 case A: thicknesses mm, moduli MPa, CTE ppm/K
T1, T2, E1, E2, A1, A2, NU = 0.2, 0.3, 121e3, 130e3, 17.4, 2.568, 0.3
LENGTH, WIDTH = 10.0, 1.0
CASE_A = "reference-data.md 5.7 case A; Timoshenko, J. Opt. Soc. Am. 11 (1925) 233"
P1_MESHES = ((40, 2), (80, 4), (160, 8))
"""(elements along the length, elements per layer) of the P1 convergence study."""
P1_QUICK = ((40, 2), (80, 4), (120, 6))
"""The same study without its finest mesh (--quick): measured order 1.85."""


def timoshenko_curvature(d_temp: float) -> float:
    """Timoshenko (1925) bimetal curvature of case A in 1/mm; > 0 when the top is convex."""
    m, n, h = T1 / T2, E1 / E2, T1 + T2
    return (
        6
        * (A2 - A1)
        * 1e-6
        * d_temp
        * (1 + m) ** 2
        / (h * (3 * (1 + m) ** 2 + (1 + m * n) * (m * m + 1 / (m * n))))
    )


def bimetal_curvature(
    n_length: int, layers: int, degree: int, temperature: float = 25.0, top_chemical: float = 0.0
) -> float:
    """FE curvature (1/mm) of case A taken from 175 degC to `temperature`, with a linear
    chemical strain `top_chemical` in the top layer (cure shrinkage): a parabola fitted to
    the top-surface deflection over the middle half of the strip."""
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
    model.chemical["die"] = top_chemical
    model.set_temperature(temperature)
    model.solve()
    return fitted_curvature(model.u, LENGTH / 2, T1 + T2)


def fitted_curvature(u: dolfinx.fem.Function, half_length: float, top: float) -> float:
    """Curvature (1/mm) of the top surface along y = 0 over the middle half of a strip
    [-half_length, half_length]; > 0 when the top is convex (w = w0 - kappa x^2 / 2)."""
    x = np.linspace(-half_length / 2, half_length / 2, 21)
    points = np.column_stack([x, np.zeros_like(x), np.full_like(x, top)])
    w = values_at(u, points)[:, 2]
    return -2.0 * np.polyfit(x, w, 2)[0]


def bimetal_rows(fine: bool) -> list[Row]:
    """P2 curvature against Timoshenko: the interior curvature is uniform, so P2 holds it up
    to the free-end disturbance (tolerance 1e-4)."""
    mesh = (40, 2) if fine else (20, 1)
    kappa = bimetal_curvature(*mesh, degree=2)
    exact = timoshenko_curvature(-150.0)
    return [Row("bimetal P2", CASE_A, "curvature (1/m)", exact * 1e3, kappa * 1e3, 1e-4)]


class Rate(NamedTuple):
    """Relative errors on a sequence of meshes and the order fitted to the finer ones."""

    h: np.ndarray  # element length along the strip, mm
    errors: np.ndarray
    order: float


def p1_bimetal_rate(meshes=P1_MESHES) -> Rate:
    """Observed order of the P1 curvature error (locking in bending), fitted to the two
    finer of `meshes`."""
    exact = timoshenko_curvature(-150.0)
    errors = np.array([abs(bimetal_curvature(n, k, degree=1) / exact - 1) for n, k in meshes])
    h = LENGTH / np.array([n for n, _ in meshes], dtype=float)
    order = float(np.polyfit(np.log(h[1:]), np.log(errors[1:]), 1)[0])
    return Rate(h, errors, order)


def p1_rate_rows(fine: bool) -> list[Row]:
    """The P1 error falls at order 2 (h^2 locking error): observed order within 15 %
    (measured 1.87 on P1_MESHES)."""
    rate = p1_bimetal_rate(P1_MESHES if fine else P1_QUICK)
    series = tuple((float(h), float(e)) for h, e in zip(rate.h, rate.errors, strict=True))
    return [
        Row(
            "bimetal P1 convergence",
            CASE_A,
            "observed order of the curvature error",
            2.0,
            rate.order,
            0.15,
            note=f"relative errors {', '.join(f'{e:.2e}' for e in rate.errors)}",
            series=series,
        )
    ]


ORTHOTROPIC = Material(
    "ortho",
    "",
    "substrate",
    "isotropic",
    {
        "E": 20e3,
        "nu": 0.25,
        "cte": Table([[0.0, 10.0], [100.0, 16.0], [200.0, 20.0]]),
        "cte_z": 45.0,
    },
)
"""The free-expansion block: a CTE table (ppm/K) in-plane, 45 ppm/K through the thickness."""


class Expansion(NamedTuple):
    """Free expansion: largest displacement error and largest stress, both relative."""

    displacement_error: float
    stress: float


def free_expansion() -> Expansion:
    """One orthotropic block (CTE table in-plane, 45 ppm/K through the thickness) heated
    from 25 to 175 degC on 3-2-1 supports: u = (integral of alpha dT) * x, zero stress."""
    length, width, height = 4.0, 3.0, 0.5
    pm = layered_box(length, width, [("carrier", height, 2)], 6)
    mat = ORTHOTROPIC
    model = ThermoElasticModel(
        pm, {"carrier": mat}, {"carrier": 175.0}, Solver(), "full", corner_supports(length, width)
    )
    model.set_temperature(25.0)
    model.solve()
    strain = mat.thermal_strain(25.0, 175.0)
    rng = np.random.default_rng(1)
    pts = rng.uniform([-length / 2, -width / 2, 0], [length / 2, width / 2, height], (20, 3))
    expected = (pts - np.array([-length / 2, -width / 2, 0.0])) * strain
    error = np.abs(values_at(model.u, pts) - expected).max() / np.abs(expected).max()
    q = dolfinx.fem.functionspace(pm.mesh, ("DG", 0, (3, 3)))
    sigma = dolfinx.fem.Function(q)
    sigma.interpolate(
        dolfinx.fem.Expression(model.stress("carrier"), q.element.interpolation_points)
    )
    local = float(np.abs(sigma.x.array).max(initial=0.0))
    stress = pm.comm.allreduce(local, op=MPI.MAX) / (20e3 * abs(strain).max())
    return Expansion(float(error), stress)


def free_expansion_rows() -> list[Row]:
    """Linear displacement is in the P1 space: exact to round-off (tolerance 1e-9)."""
    result = free_expansion()
    source = "closed form: u = integral(alpha dT) x for a free orthotropic block"
    return [
        Row(
            "free expansion",
            source,
            "displacement error / displacement",
            0.0,
            result.displacement_error,
            1e-9,
        ),
        Row("free expansion", source, "stress / (E * thermal strain)", 0.0, result.stress, 1e-8),
    ]


STACK = (("carrier", 0.2, 4), ("mold", 0.1, 4), ("die", 0.3, 6))
STACK_K = {"carrier": 260.0, "mold": 3.3, "die": 125.0}  # W/(m.K): C194, EMC, Si
STACK_AREA = 4.0 * 3.0  # mm^2


def layered_conduction(degree: int, watts: float = 2.0) -> tuple[float, float]:
    """(FE, closed-form) junction temperature in degC of STACK, `watts` made in the die and
    leaving through the carrier bottom held at 25 degC."""
    pm = layered_box(4.0, 3.0, list(STACK), 4)
    mats = {
        n: Material(n, "", "metal", "isotropic", {"k": k, "density": 1.0, "cp": 1.6e6})
        for n, k in STACK_K.items()
    }
    top = STACK[-1]
    model = ThermalModel(pm, mats, [HeatSource(top[0], watts, STACK_AREA * top[1])], degree)
    model.set_environment({"carrier_bottom": SurfaceCondition("fixed", 0.0, 25.0)})
    model.steady()
    flux = watts / STACK_AREA  # W/mm^2
    below = sum(t / (STACK_K[n] * 1e-3) for n, t, _ in STACK[:-1])
    expected = 25.0 + flux * below + flux * top[1] / (2 * STACK_K[top[0]] * 1e-3)
    return model.junction_temperature(), expected


def conduction_rows() -> list[Row]:
    """The profile is piecewise quadratic: P2 holds it exactly (1e-9), P1 within 0.5 %."""
    source = "closed form: series resistances, uniform source in the die"
    rows = []
    for degree, tol in ((1, 0.005), (2, 1e-9)):
        tj, expected = layered_conduction(degree)
        rows.append(Row(f"layered conduction P{degree}", source, "Tj (degC)", expected, tj, tol))
    return rows
