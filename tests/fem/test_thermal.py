"""Heat conduction against closed forms; energy balance; transient to steady."""

from __future__ import annotations

import numpy as np
import pytest
from layered import layered_box

from warp.fem.closed_forms import layered_conduction
from warp.fem.thermal import HeatSource, ThermalModel
from warp.jesd51 import SurfaceCondition
from warp.materials import Material, Table

AREA = 4.0 * 3.0  # mm^2


def slab(name, k, heat=1.6e6):
    return Material(name, "", "metal", "isotropic", {"k": k, "density": 1.0, "cp": heat})


def stack_model(layers, materials, watts, degree=1):
    pm = layered_box(4.0, 3.0, layers, 4)
    top = layers[-1]
    source = HeatSource(top[0], watts, AREA * top[1])
    model = ThermalModel(pm, materials, [source], degree)
    model.set_environment({"carrier_bottom": SurfaceCondition("fixed", 0.0, 25.0)})
    return pm, model


@pytest.mark.parametrize("degree", [1, 2])
def test_layered_conduction_matches_the_closed_form(degree):
    """1-D: heat made in the top layer leaves through the held bottom, through every layer
    (warp.fem.closed_forms, shared with `warp verify`)."""
    tj, expected = layered_conduction(degree)
    assert expected == pytest.approx(25.0 + 2.0 / AREA * (0.2 / 0.26 + 0.1 / 0.0033 + 0.15 / 0.125))
    assert tj == pytest.approx(expected, rel=0.005)
    if degree == 2:  # the profile is piecewise quadratic: P2 holds it exactly
        assert tj == pytest.approx(expected, rel=1e-9)


def test_temperature_dependent_conductivity_matches_kirchhoff():
    """k = a + b T in a sourceless layer: the flux fixes a (T2 - T1) + b/2 (T2^2 - T1^2)."""
    a, b = 2.0, 0.02  # W/(m.K), W/(m.K^2)
    kt = Table([(0.0, a), (400.0, a + b * 400.0)])
    mats = {
        "mold": Material(
            "m", "", "mold_compound", "isotropic", {"k": kt, "density": 1.0, "cp": 1.0e6}
        ),
        "die": slab("die", 1.0e4),
    }
    watts = 3.0
    pm, model = stack_model([("mold", 0.2, 8), ("die", 0.05, 1)], mats, watts)
    model.steady()
    q_t = watts / AREA * 0.2 * 1e3  # W/m^2 * m ... in W/m: flux (W/mm^2) * t (mm) * 1e3
    t1 = 25.0
    # solve b/2 T2^2 + a T2 - (b/2 t1^2 + a t1 + q t) = 0
    t2 = (-a + np.sqrt(a * a + 2 * b * (b / 2 * t1 * t1 + a * t1 + q_t))) / b
    top = values_at_scalar(model, np.array([[0.5, 0.5, 0.2]]))
    assert top[0] == pytest.approx(t2, rel=0.005)


def values_at_scalar(model, points):
    from warp.fem.probes import PointProbe

    return PointProbe(model.pm.mesh, points)(model.T, 0)


def test_energy_balance_and_transient_reach_the_steady_state():
    layers = [("carrier", 0.3, 3), ("die", 0.2, 2)]
    mats = {"carrier": slab("c", 20.0), "die": slab("d", 150.0)}
    pm, model = stack_model(layers, mats, 1.5)
    model.set_environment(
        {
            "carrier_bottom": SurfaceCondition("convection", 5000.0, 25.0),
            "heat_sink_top": SurfaceCondition("convection", 500.0, 40.0),
        }
    )
    model.T.x.array[:] = 25.0
    model.steady()
    steady_tj = model.junction_temperature()
    assert model.power_in() == pytest.approx(1.5, rel=1e-12)
    assert model.heat_out() == pytest.approx(model.power_in(), rel=1e-3)
    model.T.x.array[:] = 25.0
    history = []
    for _ in range(40):
        model.advance(0.5, 1.0)
        history.append(model.junction_temperature())
    assert np.all(np.diff(history) > -1e-9)  # heats up monotonically
    assert history[-1] == pytest.approx(steady_tj, rel=2e-3)
    assert history[0] < steady_tj - 0.2 * (steady_tj - 25.0)
