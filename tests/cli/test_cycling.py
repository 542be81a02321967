"""Thermal cycling with viscoelastic mold and viscoplastic solder, on a small package."""

from __future__ import annotations

import numpy as np
import pytest
from support import SMALL, STUDY, run_warp, sets

from warp import results
from warp.design import resolve
from warp.history import CYCLING_PRESETS
from warp.study_file import load_study


def test_cycling_steps_hit_every_corner():
    p = resolve(
        load_study(
            STUDY, ["process.time_dependent=true", "cycling.enabled=true", "reflow.enabled=false"]
        )
    )
    cold, hot = CYCLING_PRESETS["-40/125"]
    steps = [s for s in p.steps if s.phase == "cycling"]
    temps = np.array([s.temperature for s in steps])
    assert temps.min() == cold and temps.max() == hot
    assert sum(s.label == "cycle_end" for s in steps) == 3
    assert sum(s.label == "hot" for s in steps) == sum(s.label == "cold" for s in steps) == 3
    assert np.abs(np.diff(temps)).max() <= 20.0 + 1e-9
    phases = [s.phase for s in p.steps]
    assert phases.index("molding") < phases.index("post-mold-cure") < phases.index("cycling")
    assert p.steps[0].temperature == 217.0  # the bumps solidify stress-free


@pytest.fixture(scope="module")
def cycled(cycled_run):
    out, stdout = cycled_run
    return results.read(out / "results.nc"), stdout


def test_cycling_results_follow_the_contract(cycled):
    ds, stdout = cycled
    assert results.check(ds) == []
    assert ds.sizes["cycle"] == 2
    assert ds.bump_work_density.dims == ("cycle", "bump")
    assert ds.bump_work_density.attrs["averaging_layer_mm"] == 0.025
    assert "loop_stabilised_cycle" in ds.attrs
    assert "work density" in stdout


def test_solder_accumulates_inelastic_strain_and_work(cycled):
    ds, _ = cycled
    p = ds.bump_inelastic_strain.values
    rise = np.diff(p, axis=0)  # NaN across a melt: the re-born joint starts from zero
    assert np.all(rise[np.isfinite(rise)] >= -1e-12)  # accumulated: never decreases
    assert np.isnan(p[ds.temperature.values > 217.0]).all()  # molten bumps
    assert p[-1].min() > 0
    w = ds.bump_work_density.values
    assert np.all(w > 0)
    # no board: the balls hang free, so their fatigue is not reported (NaN with the reason)
    assert np.isnan(ds.ball_work_density.values).all()
    assert "no board" in ds.ball_work_density.attrs["ball_fatigue_reason"]
    cycling = ds.phase.values == "cycling"
    assert p[cycling][-1].max() > p[~cycling][-1].max()  # cycling adds inelastic strain


def test_a_run_that_cannot_converge_stops_cleanly(tmp_path):
    out = tmp_path / "fail"
    bad = [*SMALL, 'solver.method="iterative"', "solver.max_iterations=1"]
    proc = run_warp("run", str(STUDY), "--out", str(out), "--no-fields", *sets(bad))
    assert proc.returncode == 1
    assert "did not converge" in proc.stderr and "Traceback" not in proc.stderr
    assert not (out / "results.nc").exists()


def test_fatigue_lives_come_from_the_stabilised_loop(cycled):
    ds, stdout = cycled
    life = ds.fatigue_life
    assert life.dims == ("model", "bump") and ds.ball_fatigue_life.dims == ("model", "ball")
    loop = life.attrs["loop_cycle"]
    work = ds.bump_work_density.values[loop - 1]
    np.testing.assert_allclose(life.sel(model="syed_energy"), 1.0 / (0.0019 * work))
    assert int(ds.bump_critical.sel(model="syed_energy")) == int(np.argmax(work))
    assert np.isfinite(life.sel(model="engelmaier")).all()
    assert "fatigue life" in stdout


def test_a_milder_cycle_does_less_damage(tmp_path, cycled):
    harsh, _ = cycled
    out = tmp_path / "mild"
    proc = run_warp(
        "run",
        str(STUDY),
        "--out",
        str(out),
        "--no-fields",
        *sets([*SMALL, 'cycling.preset="0/100"']),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    mild = results.read(out / "results.nc")
    w = "bump_work_density"  # ball fatigue needs a board (NaN here)
    assert mild[w].values[-1].max() < 0.8 * harsh[w].values[-1].max()
    shortest = {k: float(v.fatigue_life.min()) for k, v in (("mild", mild), ("harsh", harsh))}
    assert shortest["mild"] > shortest["harsh"]
