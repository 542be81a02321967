"""The package's thermal resistances: energy balance, trends, series-resistance size."""

from __future__ import annotations

import pytest
from support import ROOT, mpiexec, run_warp

from warp import results

STUDY = ROOT / "studies" / "heat-sink-gap.toml"
A_DIE = 9.36e-3 * 8.76e-3  # m^2
MOLD = "materials.emc_muf_high_k.k"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """theta_jc at the ends of the gap window and of the mold conductivity range."""
    out = {}
    for gap, k in ((0.03, 3.3), (0.2, 3.3), (0.1, 0.7), (0.1, 3.0)):
        folder = tmp_path_factory.mktemp(f"g{gap}k{k}")
        proc = run_warp(
            "run",
            str(STUDY),
            "--out",
            str(folder),
            "--no-fields",
            "--set",
            "mesh.refinement=0.6",
            "--set",
            f"heat_sink.gap={gap}",
            "--set",
            f"{MOLD}={k}",
        )
        assert proc.returncode == 0, proc.stderr
        out[gap, k] = results.read(folder / "results.nc")
    return out


def test_results_follow_the_contract_and_conserve_energy(runs):
    for ds in runs.values():
        assert results.check(ds) == []
        power = ds.attrs["power_W"]
        for name in ("theta_jc", "theta_jb_two_resistor", "theta_ja"):
            assert ds[name].attrs["heat_out_W"] == pytest.approx(power, rel=1e-3), name
        # the exposed heat sink is the short path
        assert ds.theta_jc < ds.theta_jb_two_resistor < ds.theta_ja
        assert "theta_jb" not in ds  # no board: no JESD51-8 board temperature
        assert "not a JESD51-2/-7 value" in ds.theta_ja.attrs["environment"]


def test_theta_jc_follows_the_gap_and_the_mold_conductivity_as_series_resistances(runs):
    """Change of theta_jc against a 1-D series resistance gap / (k A_die).

    Tolerance 0.85-1.05: heat also spreads sideways through the gap and the mold
    around the die, paths in parallel with the die footprint, so the FE change is
    a little smaller than the 1-D estimate but of the same size.
    """
    theta = {key: float(ds.theta_jc) for key, ds in runs.items()}
    assert theta[0.03, 3.3] < theta[0.2, 3.3]
    assert theta[0.1, 3.0] < theta[0.1, 0.7]
    by_gap = (0.2e-3 - 0.03e-3) / (3.3 * A_DIE)
    by_k = 0.1e-3 / A_DIE * (1 / 0.7 - 1 / 3.0)
    assert 0.85 <= (theta[0.2, 3.3] - theta[0.03, 3.3]) / by_gap <= 1.05
    assert 0.85 <= (theta[0.1, 0.7] - theta[0.1, 3.0]) / by_k <= 1.05


def test_power_on_junction_temperature_sits_above_the_held_heat_sink(runs):
    ds = runs[0.1, 3.0]
    tj = float(ds.junction_temperature.where(ds.phase == "power-on", drop=True)[0])
    assert 45.0 < tj < 45.0 + 1.2 * float(ds.theta_jc) * ds.attrs["power_W"]


@pytest.mark.skipif(mpiexec() is None, reason="no mpiexec on this machine")
def test_thermal_resistances_match_under_mpi(runs, tmp_path):
    proc = run_warp(
        "run",
        str(STUDY),
        "--out",
        str(tmp_path / "mpi"),
        "--no-fields",
        "--set",
        "mesh.refinement=0.6",
        "--set",
        "heat_sink.gap=0.03",
        "--set",
        f"{MOLD}=3.3",
        ranks=2,
    )
    assert proc.returncode == 0, proc.stderr
    ds = results.read(tmp_path / "mpi" / "results.nc")
    for name in ("theta_jc", "theta_jb_two_resistor", "theta_ja"):
        assert float(ds[name]) == pytest.approx(float(runs[0.03, 3.3][name]), rel=1e-6)
