"""The mold's post-gel cure shrinkage in the elastic path: a free strain like the thermal one."""

from __future__ import annotations

import pytest
from layered import corner_supports, layered_box

from warp.fem.closed_forms import (
    A1,
    A2,
    E1,
    E2,
    LENGTH,
    NU,
    T1,
    T2,
    WIDTH,
    fitted_curvature,
    timoshenko_curvature,
)
from warp.fem.elasticity import ThermoElasticModel
from warp.materials import Material
from warp.study import Solver

SHRINKAGE = -0.003  # linear chemical strain of the top layer


def test_a_shrinking_top_layer_bends_the_bilayer_as_timoshenko_predicts():
    """At the stress-free temperature only the chemical strain acts: the Timoshenko curvature
    with the mismatch strain (alpha2 - alpha1) dT replaced by the shrinkage."""
    pm = layered_box(LENGTH, WIDTH, [("carrier", T1, 2), ("mold", T2, 2)], 40)
    mats = {
        "carrier": Material("c194", "", "metal", "isotropic", {"E": E1, "nu": NU, "cte": A1}),
        "mold": Material("emc", "", "mold_compound", "isotropic", {"E": E2, "nu": NU, "cte": A2}),
    }
    model = ThermoElasticModel(
        pm,
        mats,
        {"carrier": 175.0, "mold": 175.0},
        Solver(),
        "full",
        corner_supports(LENGTH, WIDTH),
    )
    model.chemical["mold"] = SHRINKAGE
    model.set_temperature(175.0)
    model.solve()
    kappa = fitted_curvature(model.u, LENGTH / 2, T1 + T2)
    exact = timoshenko_curvature(SHRINKAGE / ((A2 - A1) * 1e-6))
    assert exact < 0  # a shrinking top layer makes the top concave
    assert kappa == pytest.approx(exact, rel=2e-3)
