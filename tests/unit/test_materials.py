"""The material library: every value sourced, tables integrated exactly, physics sane."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from warp.materials import (
    KINDS,
    LEVELS,
    LIBRARY,
    PROPERTY_UNITS,
    Table,
    cubic_voigt,
    get_material,
    library,
    rotate_voigt,
)

REQUIRED = ("silicon", "copper", "emc_muf_high_k", "bt_substrate", "sac305", "snpb", "die_attach")


@pytest.mark.parametrize("path", sorted(LIBRARY.glob("*.toml")), ids=lambda p: p.stem)
def test_every_value_has_units_source_and_level(path):
    data = tomllib.loads(path.read_text())
    assert data["name"] == path.stem
    assert data.get("kind") in KINDS
    for prop, entry in data["properties"].items():
        assert prop in PROPERTY_UNITS, prop
        assert entry["units"] == PROPERTY_UNITS[prop], prop
        assert entry.get("source", "").strip(), f"{path.stem}.{prop} has no source"
        assert entry.get("level") in LEVELS, prop
        assert ("value" in entry) != ("table" in entry), prop
        if "table" in entry:
            temps = [row[0] for row in entry["table"]]
            assert len(temps) >= 2 and temps == sorted(temps), prop


def test_library_covers_the_package_materials():
    assert set(REQUIRED) <= set(library())


def test_mold_compound_has_the_glass_transition_set():
    mold = get_material("emc_muf_high_k")
    for prop in ("tg", "E_below_tg", "E_above_tg", "cte_below_tg", "cte_above_tg", "k"):
        assert mold.has(prop)
    assert mold.scalar("k") > 1.2  # the product's claim: a mold compound above 1.2 W/(m.K)
    assert mold.scalar("E_above_tg") < mold.scalar("E_below_tg") / 5


def test_table_integral_is_exact_for_a_step_and_a_ramp():
    step = Table([(100.0, 10.0), (100.0, 40.0)])
    assert step.integral(50.0, 150.0) == pytest.approx(50 * 10 + 50 * 40)
    ramp = Table([(0.0, 0.0), (100.0, 100.0)])
    assert ramp.integral(0.0, 100.0) == pytest.approx(5000.0)
    assert ramp.integral(100.0, 200.0) == pytest.approx(100 * 100)  # constant beyond the end
    t = np.linspace(-20, 180, 20001)
    rough = Table([(0.0, 3.0), (50.0, 7.0), (120.0, 2.0)])
    numeric = np.trapezoid(rough(t), t)
    assert rough.integral(-20.0, 180.0) == pytest.approx(numeric, rel=1e-6)


def test_thermal_strain_through_tg_matches_hand_calculation():
    mold = get_material("emc_muf_high_k", {"emc_muf_high_k": {"tg": 150.0, "tg_width": 0.0}})
    a1, a2 = mold.scalar("cte_below_tg"), mold.scalar("cte_above_tg")
    expected = (a2 * (150.0 - 175.0) + a1 * (25.0 - 150.0)) * 1e-6
    assert mold.thermal_strain(25.0, 175.0) == pytest.approx([expected] * 3)


def test_orthotropic_substrate_expands_more_through_thickness():
    sub = get_material("bt_substrate")
    ex, ey, ez = sub.thermal_strain(125.0, 25.0)
    assert ex == ey and ez > ex > 0


def test_silicon_stiffness_along_die_edge_is_the_110_modulus():
    si = get_material("silicon")
    compliance = np.linalg.inv(si.stiffness(25.0))
    assert 1 / compliance[0, 0] == pytest.approx(169e3, rel=0.01)  # [S3]: E<110> = 169 GPa
    cube = np.linalg.inv(rotate_voigt(cubic_voigt(166e3, 64e3, 80e3), 0.0))
    assert 1 / cube[0, 0] == pytest.approx(130e3, rel=0.01)  # [S3]: E<100> = 130 GPa


def test_solder_softens_above_solidus():
    sac = get_material("sac305")
    assert sac.E(sac.scalar("solidus") + 1) < 0.05 * sac.E(25.0)
    assert sac.is_molten(260.0) and not sac.is_molten(200.0)


def test_study_overrides_replace_library_values():
    cu = get_material("copper", {"copper": {"E": 1.0e5, "cte": [[0.0, 10.0], [100.0, 20.0]]}})
    assert float(cu.E(25.0)) == 1.0e5
    assert cu.thermal_strain(100.0, 0.0)[0] == pytest.approx(1500e-6)
