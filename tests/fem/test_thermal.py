"""Heat conduction against closed forms (layered, orthotropic, per die); energy balance;
transient to steady."""

from __future__ import annotations

import dolfinx
import numpy as np
import pytest
from layered import layered_box
from mpi4py import MPI

from warp.fem.box import tagged
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


def orthotropic(name, k, k_z):
    return Material(
        name, "", "substrate", "isotropic", {"k": k, "k_z": k_z, "density": 1.0, "cp": 1e6}
    )


def test_orthotropic_slab_conducts_k_z_through_the_thickness_and_k_in_plane():
    """A 4 x 3 x 0.5 mm slab (k 20, k_z 0.5 W/(m.K)) making P uniformly, one face held, the
    rest adiabatic: the 1-D closed form rise P d / (2 k A) with the conductivity along the
    heat path, k_z through the thickness, k along x. The profile is quadratic, so P2 holds it
    exactly; with k_z ignored (k in all three) the through-thickness rise would be 40x lower."""
    length, width, t, watts, k, k_z = 4.0, 3.0, 0.5, 1.0, 20.0, 0.5
    mats = {"die": orthotropic("slab", k, k_z)}
    through = layered_box(length, width, [("die", t, 4)], 4)
    model = ThermalModel(through, mats, [HeatSource("die", watts, length * width * t)], 2)
    model.set_environment({"carrier_bottom": SurfaceCondition("fixed", 0.0, 25.0)})
    model.steady()
    rise_z = watts * t / (2 * k_z * 1e-3 * length * width)
    assert model.junction_temperature() - 25.0 == pytest.approx(rise_z, rel=1e-9)

    msh = dolfinx.mesh.create_box(
        MPI.COMM_WORLD,
        [[-length / 2, -width / 2, 0.0], [length / 2, width / 2, t]],
        [8, 3, 2],
        dolfinx.mesh.CellType.tetrahedron,
    )
    end = {"carrier_bottom": lambda x: np.isclose(x[0], -length / 2)}
    along = tagged(msh, ["die"], np.array([0.0, t]), end)
    model = ThermalModel(along, mats, [HeatSource("die", watts, length * width * t)], 2)
    model.set_environment({"carrier_bottom": SurfaceCondition("fixed", 0.0, 25.0)})
    model.steady()
    rise_x = watts * length / (2 * k * 1e-3 * width * t)
    assert model.junction_temperature() - 25.0 == pytest.approx(rise_x, rel=1e-9)


def test_each_die_has_its_own_junction_temperature():
    """Two dies in a 1-D stack, the power in the upper one, the bottom held: the upper die
    peaks at its top, T0 + q (sum t/k below it) + q t / (2 k); the unpowered lower die at its
    own top, T0 + q (t_c / k_c + t_1 / k_1). The junction temperature is the hotter one."""
    layers = [("carrier", 0.2, 2), ("die1", 0.1, 2), ("mold", 0.1, 2), ("die2", 0.15, 3)]
    k = {"carrier": 20.0, "die1": 120.0, "mold": 1.0, "die2": 150.0}
    mats = {n: slab(n, v) for n, v in k.items()}
    pm = layered_box(4.0, 3.0, layers, 4)
    watts = 2.0
    model = ThermalModel(
        pm, mats, [HeatSource("die2", watts, AREA * 0.15)], 2, dies=["die1", "die2"]
    )
    model.set_environment({"carrier_bottom": SurfaceCondition("fixed", 0.0, 25.0)})
    model.steady()
    q = watts / AREA
    r = {n: t / (k[n] * 1e-3) for n, t, _ in layers}
    expected = {
        "die1": 25.0 + q * (r["carrier"] + r["die1"]),
        "die2": 25.0 + q * (r["carrier"] + r["die1"] + r["mold"] + r["die2"] / 2),
    }
    got = model.die_temperatures()
    assert got == pytest.approx(expected, rel=1e-9)
    assert model.junction_temperature() == pytest.approx(max(expected.values()), rel=1e-9)
