"""Fatigue models against hand calculations, and the stabilised loop they share."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from support import STUDY

from warp import fatigue
from warp.hysteresis import equivalent_shear_range, stabilised_loop
from warp.study_file import load_study


def test_darveaux_reproduces_the_worked_example():
    # Darveaux 2000 Table 7: 144 tfBGA, dW = 33.0 psi, 0.016 in joint, 0.5-mil row:
    # N0 = 246, da/dN = 1.08e-5 in/cycle, characteristic life 1721 cycles.
    n0, growth, life = fatigue.darveaux_life(33.0, 0.016, 71000.0, -1.62, 2.76e-7, 1.05)
    assert n0 == pytest.approx(246.2, abs=0.1)
    assert growth == pytest.approx(1.085e-5, rel=1e-3)
    assert life == pytest.approx(1721.0, abs=1.0)
    # Zahn (ChipPAC) Table 6, slice / fine / 1.0-mil row: 35.23 psi -> N0 = 99.8 cycles
    assert fatigue.darveaux_life(35.23, 0.02, 22400.0, -1.52, 5.86e-7, 0.98)[0] == pytest.approx(
        99.8, abs=0.1
    )


def test_engelmaier_by_hand():
    # T_SJ = 42.5 degC, 15-min dwell: c = -0.442 - 0.0255 + 0.0174 ln(25) = -0.41149;
    # N = 1/2 (0.01 / 0.65)^(1/c) = 12726
    life = fatigue.engelmaier_life(0.01, 42.5, 15.0, 0.325, -0.442, -6e-4, 1.74e-2, 360.0)
    assert life == pytest.approx(12726, rel=1e-4)


def test_coffin_manson_and_syed_by_hand():
    assert fatigue.coffin_manson_life(0.01, 1.32, 0.52) == pytest.approx(11968, rel=1e-4)
    assert fatigue.syed_life(0.1, 0.0019) == pytest.approx(5263.16, rel=1e-5)


def test_norris_landzberg_by_hand():
    # -55/125 degC at 48 cycles/day in test, 25/75 degC at 1 cycle/day in the field, SnPb:
    # (180/50)^1.9 = 11.40, (1/48)^0.333 = 0.2755, exp(1414 (1/348.15 - 1/398.15)) = 1.6654
    af = fatigue.norris_landzberg((-55.0, 125.0, 48.0), (25.0, 75.0, 1.0), 1.9, 0.333, 1414.0)
    assert af == pytest.approx(11.402 * 0.27552 * 1.66536, rel=1e-4)
    slower = fatigue.norris_landzberg((-55.0, 125.0, 48.0), (25.0, 75.0, 0.5), 1.9, 0.333, 1414.0)
    assert slower < af  # slower field cycling creeps more per cycle: fewer field cycles


def test_norris_landzberg_dwell_form_by_hand():
    """Pan et al. SAC305: -40/125 with 15 min dwells in test, 25/75 with 6 h dwells in the
    field: (165/50)^2.65 (15/360)^0.136 exp(2185 (1/348.15 - 1/398.15))."""
    af = fatigue.norris_landzberg_dwell(
        (-40.0, 125.0, 15.0), (25.0, 75.0, 360.0), 2.65, 0.136, 2185.0
    )
    expected = (165 / 50) ** 2.65 * (15 / 360) ** 0.136 * np.exp(2185 * (1 / 348.15 - 1 / 398.15))
    assert af == pytest.approx(expected, rel=1e-12)
    longer = fatigue.norris_landzberg_dwell(
        (-40.0, 125.0, 15.0), (25.0, 75.0, 720.0), 2.65, 0.136, 2185.0
    )
    assert longer < af  # a longer hot dwell creeps more per cycle: fewer field cycles


def test_each_acceleration_form_names_its_constants():
    """The SAC305 frequency set is Lall et al.'s (Auburn), the dwell set Pan et al.'s."""
    freq = fatigue.CONSTANTS["norris_landzberg"]["sac305"]
    dwell = fatigue.CONSTANTS["norris_landzberg"]["sac305_dwell"]
    assert (freq["form"], freq["n"], freq["m"], freq["Ea_k"]) == ("frequency", 2.3, 0.3, 4562.0)
    assert freq["source"].startswith("Lall et al.")
    assert (dwell["form"], dwell["n"], dwell["m"], dwell["Ea_k"]) == ("dwell", 2.65, 0.136, 2185.0)
    assert "Pan" in dwell["source"]
    ds, study = _cycled(4, 2, ['fatigue.acceleration="dwell"'])
    af = fatigue.assess(ds, study)["bump_acceleration_factor"]
    assert (
        af.attrs["acceleration_form"] == "dwell"
        and "sac305_dwell" in af.attrs["acceleration_constants"]
    )
    assert np.isfinite(af.values).all()


def test_pure_shear_range_is_the_engineering_shear_range():
    g = 0.004  # engineering shear strain amplitude: xy tensor component g/2
    steps = np.zeros((5, 1, 6))
    steps[:, 0, 5] = 0.5 * g * np.array([0.0, 1.0, 0.0, -1.0, 0.0])
    assert equivalent_shear_range(steps)[0] == pytest.approx(2 * g)
    steps[:, 0, :3] = 1e-3  # a volumetric strain changes nothing
    assert equivalent_shear_range(steps)[0] == pytest.approx(2 * g)


def _cycled(n_bumps: int, stable: int, alloy_study: list[str]) -> tuple[xr.Dataset, object]:
    """A results dataset with two cycles of made-up but consistent joint data."""
    study = load_study(STUDY, ["process.time_dependent=true", "cycling.enabled=true", *alloy_study])
    phase = ["assembly", "mold-cooldown"] + ["cycling"] * 8
    label = [""] * 10
    label[5], label[9] = "cycle_end", "cycle_end"
    temps = [217.0, 25.0, 125.0, 125.0, -40.0, 125.0, 125.0, -40.0, -40.0, 125.0]
    rng = np.random.default_rng(1)
    tensors = rng.normal(scale=1e-3, size=(10, n_bumps, 6))
    ds = xr.Dataset(
        {
            "bump_work_density": (("cycle", "bump"), np.array([[0.2] * n_bumps, [0.1] * n_bumps])),
            "bump_inelastic_strain_per_cycle": (("cycle", "bump"), np.full((2, n_bumps), 0.02)),
            "bump_layer_inelastic_strain": (("step", "bump", "component"), tensors),
            "bump_layer_strain": (("step", "bump", "component"), 2 * tensors),
        },
        coords={
            "phase": ("step", phase),
            "label": ("step", label),
            "temperature": ("step", temps),
            "time": ("step", np.arange(10.0)),
            "bump_die": ("bump", np.ones(n_bumps, int)),
        },
        attrs={"loop_stabilised_cycle": stable},
    )
    ds["bump_work_density"][1, 2] = 0.3  # bump 2 works hardest in cycle 2
    return ds, study


def test_the_loop_is_the_stabilised_cycle_or_the_last():
    ds, study = _cycled(4, 2, [])
    loop = stabilised_loop(ds, "bump", study.cycling)
    assert loop.cycle == 2 and loop.stabilised
    assert loop.work_density_MPa[2] == 0.3
    assert loop.t_min_degC == -40.0 and loop.t_max_degC == 125.0
    # -40/125 at 11 K/min with 15-min dwells: 2 x 15 + 2 x 15 = 60 min per cycle
    assert loop.cycles_per_day == pytest.approx(24.0)
    expected = equivalent_shear_range(ds["bump_layer_strain"].values[5:10])
    np.testing.assert_allclose(loop.shear_range, expected)
    ds.attrs["loop_stabilised_cycle"] = -1
    assert stabilised_loop(ds, "bump", study.cycling).stabilised is False


def test_assess_names_the_critical_joint_and_what_is_missing():
    ds, study = _cycled(4, 2, [])
    out = fatigue.assess(ds, study)
    life = out["fatigue_life"]
    syed = life.sel(model="syed_energy").values
    np.testing.assert_allclose(syed, 1.0 / (0.0019 * ds["bump_work_density"].values[1]))
    assert out["bump_critical"].sel(model="syed_energy") == 2
    assert np.isnan(life.sel(model="darveaux")).all()  # no SAC constants in the library
    assert "Darveaux K1-K4" in life.attrs["missing_darveaux.sac305"]
    assert out["bump_acceleration_factor"].values[0] > 1  # -40/125 test vs 25/75 field


def test_snpb_and_calibrated_darveaux():
    ds, study = _cycled(3, 2, ['dies.0.bumps.material="snpb"'])
    life = fatigue.assess(ds, study)["fatigue_life"]
    # 1.0-mil row for the default 0.025 mm layer; 0.1 MPa = 14.50 psi; pad 0.1 mm
    w_psi, pad_in = 0.1 / 6.894757e-3, study.dies[0].bumps.diameter / 25.4
    n0 = 56300.0 * w_psi**-1.62
    expected = n0 + pad_in / (3.34e-7 * w_psi**1.04)
    assert life.sel(model="darveaux").values[0] == pytest.approx(expected, rel=1e-9)
    assert np.isnan(life.sel(model="syed_energy")).all()  # SnPb needs partitioned creep
    calibrated = [
        "fatigue.darveaux = { K1 = 100.0, K2 = -1.0, K3 = 0.001, K4 = 1.0, layer = 0.025, "
        'source = "in-house fit" }'
    ]
    ds, study = _cycled(3, 2, calibrated)
    life = fatigue.assess(ds, study)["fatigue_life"].sel(model="darveaux").values
    # 0.1 MPa: N0 = 1000, da/dN = 1e-4 mm/cycle, pad 0.1 mm: 1000 + 1000 cycles
    assert life[0] == pytest.approx(100.0 / 0.1 + study.dies[0].bumps.diameter / 1e-4)


def test_lives_say_which_loop_they_rest_on():
    ds, study = _cycled(3, -1, [])  # two cycles, the loop never stabilised
    out = fatigue.assess(ds, study)
    for name in ("fatigue_life", "bump_critical"):
        attrs = out[name].attrs
        assert attrs["fatigue_life_stabilised"] == 0 and attrs["loop_cycle"] == 2
        assert attrs["life_basis"] == "last cycle simulated (cycle 2), loop not stabilised"
    assert "room temperature" in out["fatigue_life"].attrs["first_cycle"]
    flags = fatigue.life_caveats(out["fatigue_life"], "syed_energy")
    assert flags[0] == "last cycle simulated (cycle 2), loop not stabilised: provisional"
    ds.attrs["loop_stabilised_cycle"] = 2
    attrs = fatigue.assess(ds, study)["fatigue_life"].attrs
    assert attrs["fatigue_life_stabilised"] == 1
    assert attrs["life_basis"] == "stabilised loop (cycle 2)"


def test_a_model_outside_its_calibration_carries_a_caveat():
    ds, study = _cycled(3, 2, [])  # SAC305 bumps solved with Anand
    attrs = fatigue.assess(ds, study)["fatigue_life"].attrs
    syed = attrs["caveat_syed_energy"]
    assert "flip-chip bumps" in syed and "sinh (Garofalo) creep law" in syed and "Anand" in syed
    assert "illustrative" in attrs["caveat_engelmaier"] and "snpb" in attrs["caveat_engelmaier"]
    ds.attrs["laws"] = "mold: viscoelastic, bumps: garofalo, balls: garofalo"  # the run's laws
    syed = fatigue.assess(ds, study)["fatigue_life"].attrs["caveat_syed_energy"]
    assert "creep law" not in syed and "flip-chip bumps" in syed
    assert "layer" not in syed  # 0.025 mm is Syed's layer


def test_calibration_scope_by_joint_law_solder_and_layer():
    syed, darveaux = fatigue.CONSTANTS["syed_energy"]["sac305"], fatigue.CONSTANTS["darveaux"]
    assert fatigue.calibration_caveat(syed, "sac305", "ball", "garofalo", 0.025) == ""
    assert "0.05 mm" in fatigue.calibration_caveat(syed, "sac305", "ball", "garofalo", 0.05)
    assert fatigue.calibration_caveat(darveaux["snpb"], "snpb", "ball", "anand", 0.025) == ""
    bumps = fatigue.calibration_caveat(darveaux["snpb"], "snpb", "bump", "anand", 0.025)
    assert bumps == "fitted on board-level balls, applied to flip-chip bumps"
    coffin = fatigue.CONSTANTS["coffin_manson"]["snpb"]
    assert "test specimens" in fatigue.calibration_caveat(coffin, "snpb", "ball", "anand", 0.025)
    for model in fatigue.MODELS:  # every constant set states what it was fitted on
        for alloy, c in fatigue.CONSTANTS.get(model, {}).items():
            assert {"fit", "solder", "joints"} <= set(c["calibration"]), (model, alloy)


def test_the_summary_names_the_model_and_warns():
    from warp import summary

    ds, study = _cycled(3, -1, [])
    ds = ds.assign_coords(bump_x=("bump", [0.0, 1.0, 2.0]), bump_y=("bump", [0.0, 0.0, 0.0]))
    ds["bump_work_density"].attrs["averaging_layer_mm"] = 0.025
    ds = ds.merge(fatigue.assess(ds, study))
    text = summary.describe(ds.assign_coords(step=np.arange(10)))
    assert "WARNING: hysteresis loop not stabilised after 2 cycles" in text
    assert "bump fatigue life (PROVISIONAL)" in text
    model, life = fatigue.shortest(ds["fatigue_life"])
    assert life == float(ds["fatigue_life"].min())
    assert f"shortest bump life (PROVISIONAL): {life:.3g} cycles by {model}" in text
    line = next(x for x in text.splitlines() if x.strip().startswith("syed_energy"))
    assert "outside calibration: fitted on board-level balls, applied to flip-chip bumps" in line
