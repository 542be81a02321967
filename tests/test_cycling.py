"""Thermal cycling with viscoelastic mold and viscoplastic solder, on a small package."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import STUDY, run_warp

from warp import results
from warp.history import CYCLING_PRESETS
from warp.plan import plan
from warp.study import load_study

SMALL = [  # a 4 x 4 mm package with few joints: the full process history in about a minute
    "carrier.size=[4.0, 4.0]",
    "dies.0.size=[2.0, 2.0]",
    "heat_sink.size=[3.0, 3.0]",
    "dies.0.bumps.pitch=0.4",
    "dies.0.bumps.rows=1",
    "balls.pitch=1.0",
    "process.time_dependent=true",
    "reflow.enabled=false",
    "cycling.enabled=true",
    "cycling.cycles=2",
    "cycling.max_step=55",
    "cycling.dwell_steps=2",
    "process.cooldown_step=75",
    "process.post_mold_cure=3600",
    "mesh.refinement=0.7",
]


def sets(overrides):
    return [arg for item in overrides for arg in ("--set", item)]


def test_cycling_steps_hit_every_corner():
    p = plan(
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
def cycled(tmp_path_factory):
    out = tmp_path_factory.mktemp("cycling")
    proc = run_warp("run", str(STUDY), "--out", str(out), "--no-fields", *sets(SMALL))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return results.read(out / "results.nc"), proc.stdout


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
    assert np.all(np.diff(p, axis=0) >= -1e-12)  # accumulated: never decreases
    assert p[-1].min() > 0
    w = ds.bump_work_density.values
    assert np.all(w > 0) and np.all(ds.ball_work_density.values > 0)
    cycling = ds.phase.values == "cycling"
    assert p[cycling][-1].max() > p[~cycling][-1].max()  # cycling adds inelastic strain


def test_a_run_that_cannot_converge_stops_cleanly(tmp_path):
    out = tmp_path / "fail"
    bad = [*SMALL, 'solver.method="iterative"', "solver.max_iterations=1"]
    proc = run_warp("run", str(STUDY), "--out", str(out), "--no-fields", *sets(bad))
    assert proc.returncode == 1
    assert "did not converge" in proc.stderr and "Traceback" not in proc.stderr
    assert not (out / "results.nc").exists()
