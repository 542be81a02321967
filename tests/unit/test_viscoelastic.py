"""The mold compound's viscoelastic clock and spectrum, and its Poisson's ratio through Tg."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, special

from warp.materials import get_material, isotropic_moduli
from warp.materials.laws import KELVIN, Viscoelastic

MOLD = "emc_muf_high_k"


@pytest.fixture(scope="module")
def law() -> Viscoelastic:
    return Viscoelastic.from_material(get_material(MOLD))


def arrhenius_reduced_time(law: Viscoelastic, dt: float, temp0: float, temp1: float) -> float:
    """Exact integral of dt / a_T for ln a_T = b (1/T - 1/Tg), T linear in time: with
    int exp(-b/T) dT = T exp(-b/T) - b E1(b/T)."""
    b, tg = law.ea_r, law.tg + KELVIN

    def antiderivative(t):
        return t * np.exp(-b / t) - b * special.exp1(b / t)

    t0, t1 = temp0 + KELVIN, temp1 + KELVIN
    return dt * np.exp(b / tg) * (antiderivative(t1) - antiderivative(t0)) / (t1 - t0)


@pytest.mark.parametrize("temp0, temp1", [(150.0, 125.0), (105.0, 125.0), (40.0, 25.0)])
def test_a_ramp_below_tg_gets_the_exact_reduced_time(law, temp0, temp1):
    exact = arrhenius_reduced_time(law, 75.0, temp0, temp1)
    assert law.reduced_time(75.0, temp0, temp1) == pytest.approx(exact, rel=1e-10)
    # the end temperature alone is far off: 0.2x on cooling, 3x on heating
    assert abs(75.0 / law.shift(temp1) / exact - 1) > 0.3


def test_a_ramp_through_tg_integrates_both_shift_forms(law):
    temp0, temp1, dt = 150.0, 200.0, 100.0

    def rate(t):
        return np.exp(-law.log_shift(temp0 + (temp1 - temp0) * t / dt))

    exact = integrate.quad(
        rate,
        0.0,
        dt,
        points=[dt * (law.tg - temp0) / (temp1 - temp0)],
        epsabs=0,
        epsrel=1e-13,
        limit=200,
    )[0]
    assert law.reduced_time(dt, temp0, temp1) == pytest.approx(exact, rel=1e-9)


def test_relaxation_during_a_ramp_inside_one_step_is_exact(law):
    """Shear strain applied, then held while T falls linearly in one step: every branch
    decays by exp(-xi / tau) with xi the exact reduced time of the ramp."""
    e = 1e-3
    strain = np.array([[0.0, 0.0, 0.0, 0.0, 0.0, 2 * e]])  # engineering shear xy
    state = law.initial_state(1)
    _, _, state, _ = law.update(strain, state, 1e-12, 150.0)
    stress, _, _, _ = law.update(strain, state, 300.0, 125.0, temp0=150.0)
    xi = arrhenius_reduced_time(law, 300.0, 150.0, 125.0)
    expected = (
        e
        * 2
        * (
            law.shear_rubbery
            + sum(g * np.exp(-xi / t) for g, t in zip(law.shear_branches, law.times, strict=True))
        )
    )
    assert stress[0, 5] / 2 == pytest.approx(expected / 2, rel=1e-6)


def test_the_spectrum_sits_on_the_compound(law):
    mat = get_material(MOLD)
    glassy = isotropic_moduli(mat.scalar("E_below_tg"), float(mat.nu(25.0)))
    assert float(law.relaxation_shear(np.array([1.0]), 25.0)[0]) == pytest.approx(glassy.shear)
    assert law.bulk == pytest.approx(glassy.bulk)
    k, g = law.bulk, law.shear_rubbery
    assert 9 * k * g / (3 * k + g) == pytest.approx(mat.scalar("E_above_tg"))  # E_rubbery kept
    assert float(law.shift(mat.scalar("tg"))) == pytest.approx(1.0)
    # 15 min at 125 degC, 50 K below Tg, keeps most of the 1 s room-temperature modulus
    kept = law.relaxation_shear(np.array([900.0]), 125.0)[0] / glassy.shear
    assert kept > 0.6


def test_a_tg_override_moves_the_relaxation_with_the_cte_switch():
    low = Viscoelastic.from_material(get_material(MOLD, {MOLD: {"tg": 150.0}}))
    assert float(low.shift(150.0)) == pytest.approx(1.0)
    assert float(low.shift(175.0)) < 1e-3  # rubbery above the new Tg: relaxes fast


def test_the_elastic_path_keeps_the_bulk_modulus_through_tg():
    mat = get_material(MOLD)
    temps = np.array([25.0, 170.0, 175.0, 180.0, 260.0])
    bulk = mat.E(temps) / (3 * (1 - 2 * mat.nu(temps)))
    assert np.allclose(bulk, bulk[0], rtol=1e-12)
    assert float(mat.nu(25.0)) == 0.3 and 0.48 < float(mat.nu(260.0)) < 0.49
    # the same rubbery shear modulus as the viscoelastic law
    rubbery = isotropic_moduli(mat.E(260.0), mat.nu(260.0)).shear
    assert float(rubbery) == pytest.approx(Viscoelastic.from_material(mat).shear_rubbery)
