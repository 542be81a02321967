"""PETSc options reach each model's KSP under its own prefix and leave no trace behind."""

from __future__ import annotations

import numpy as np
import pytest
from layered import corner_supports, layered_box
from petsc4py import PETSc

from warp.fem.elasticity import ThermoElasticModel
from warp.fem.thermal import HeatSource, ThermalModel
from warp.jesd51 import SurfaceCondition
from warp.materials import Material
from warp.study import Solver, Thermal


def warp_keys() -> list[str]:
    return [k for k in PETSc.Options().getAll() if k.startswith("warp_")]


def slab_model(petsc_options=None) -> ThermalModel:
    pm = layered_box(4.0, 3.0, [("carrier", 0.2, 2), ("die", 0.3, 2)], 4)
    props = {"k": 100.0, "density": 1.0, "cp": 1.0e6}
    mats = {p: Material(p, "", "metal", "isotropic", props) for p in ("carrier", "die")}
    model = ThermalModel(pm, mats, [HeatSource("die", 2.0, 12 * 0.3)], 1, petsc_options)
    model.set_environment({"carrier_bottom": SurfaceCondition("fixed", 0.0, 25.0)})
    return model


def test_study_thermal_options_reach_the_ksp_and_leave_the_database():
    options = Thermal(petsc_options={"ksp_type": "gmres", "-ksp_rtol": 1e-9}).petsc_options
    model = slab_model(options)
    ksp = model.linear.ksp
    assert ksp.getType() == "gmres"
    assert ksp.getTolerances()[0] == pytest.approx(1e-9)
    assert ksp.getPC().getType() == "cholesky"  # the defaults under the override stay
    assert ksp.getOptionsPrefix().startswith("warp_thermal_")
    assert warp_keys() == []
    model.steady()
    assert warp_keys() == []
    reference = slab_model()
    assert reference.linear.ksp.getType() == "preonly"  # the override did not leak
    assert reference.linear.prefix != model.linear.prefix
    reference.steady()
    assert np.allclose(model.T.x.array, reference.T.x.array, rtol=1e-10, atol=0)


def test_options_read_while_the_preconditioner_is_built_take_effect():
    """PETSc reads multigrid smoother options at the first solve, not at set-up."""
    length, width = 4.0, 3.0
    pm = layered_box(length, width, [("carrier", 0.5, 2)], 6)
    mat = Material("m", "", "metal", "isotropic", {"E": 1e5, "nu": 0.3, "cte": 17.0})
    smoother = {"mg_levels_ksp_type": "richardson", "mg_levels_pc_type": "sor"}
    model = ThermoElasticModel(
        pm,
        {"carrier": mat},
        {"carrier": 175.0},
        Solver(element_degree=1, method="iterative", petsc_options=smoother),
        "full",
        corner_supports(length, width),
    )
    assert model.linear.prefix.startswith("warp_elastic_")
    assert warp_keys() == []
    model.set_temperature(25.0)
    model.solve()
    level = model.linear.ksp.getPC().getMGSmoother(1)
    assert (level.getType(), level.getPC().getType()) == ("richardson", "sor")
    assert warp_keys() == []
