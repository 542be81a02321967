"""Isotropic moduli from (E, nu): textbook values, identities, and every user of the helper."""

from __future__ import annotations

import numpy as np
import pytest

from warp.materials import Material, get_material, isotropic_moduli, isotropic_voigt, laws

E, NU = 210e3, 0.3  # MPa: steel


def test_moduli_match_the_textbook_values_of_steel():
    m = isotropic_moduli(E, NU)
    assert m.lam == pytest.approx(121153.846153846, rel=1e-12)
    assert m.shear == pytest.approx(80769.2307692308, rel=1e-12)
    assert m.bulk == pytest.approx(175000.0, rel=1e-12)


@pytest.mark.parametrize("e, nu", [(130e3, 0.28), (16e3, 0.25), (40e3, 0.36), (1.0, 0.0)])
def test_moduli_satisfy_the_isotropic_identities(e, nu):
    m = isotropic_moduli(e, nu)
    assert m.bulk == pytest.approx(m.lam + 2 * m.shear / 3, rel=1e-12)
    assert m.shear * (3 * m.lam + 2 * m.shear) / (m.lam + m.shear) == pytest.approx(e, rel=1e-12)
    assert m.lam / (2 * (m.lam + m.shear)) == pytest.approx(nu, rel=1e-12, abs=1e-15)


def test_moduli_of_arrays_are_those_of_each_point():
    e, nu = np.array([E, 70e3]), np.array([NU, 0.33])
    m = isotropic_moduli(e, nu)
    for i in range(2):
        point = isotropic_moduli(float(e[i]), float(nu[i]))
        assert (m.lam[i], m.shear[i], m.bulk[i]) == (point.lam, point.shear, point.bulk)


def test_voigt_stiffness_inverts_to_the_engineering_compliance():
    s = np.linalg.inv(isotropic_voigt(E, NU))
    assert s[0, 0] == pytest.approx(1 / E, rel=1e-12)
    assert s[0, 1] == pytest.approx(-NU / E, rel=1e-12)
    assert s[3, 3] == pytest.approx(2 * (1 + NU) / E, rel=1e-12)
    assert np.abs(s[:3, 3:]).max() < 1e-12 / E


def test_material_and_laws_use_the_moduli_of_their_temperature():
    mat = Material("m", "", "metal", "isotropic", {"E": [(0.0, 50e3), (200.0, 30e3)], "nu": 0.35})
    temps = np.array([25.0, 150.0])
    lam, mu = mat.lame(temps)
    expected = isotropic_moduli(mat.E(temps), 0.35)
    assert np.array_equal(lam, expected.lam) and np.array_equal(mu, expected.shear)
    assert np.array_equal(laws.elastic_law(mat, 150.0).stiffness, isotropic_voigt(35e3, 0.35))
    sac = get_material("sac305")
    anand, at = laws.Anand.from_material(sac, 125.0), isotropic_moduli(sac.E(125.0), sac.nu(125.0))
    assert (anand.shear, anand.bulk) == pytest.approx((at.shear, at.bulk), rel=1e-15)
    creep = laws.Garofalo.from_material(sac, 125.0)
    assert (creep.shear, creep.bulk) == pytest.approx((at.shear, at.bulk), rel=1e-15)
