"""The load history follows J-STD-020 and starts stress-free at the molding temperature."""

from __future__ import annotations

import numpy as np
import pytest
from support import STUDY

from warp.history import build_history, classification_peak
from warp.study_file import load_study


def reflow(steps):
    return [s for s in steps if s.phase == "reflow"]


@pytest.fixture
def steps():
    return build_history(load_study(STUDY), package_thickness=0.8, package_volume=115.0)


def test_the_mold_gels_stress_free_cures_then_cools_to_room(steps):
    gel, cured = steps[0], steps[1]
    assert (gel.temperature, gel.label, gel.cure) == (175.0, "T_mold", 0.0)
    assert (cured.temperature, cured.label, cured.cure) == (175.0, "T_cured", 1.0)
    cool = [s for s in steps if s.phase == "mold-cooldown"]
    assert cool[-1].temperature == 25.0 and cool[-1].label == "T_room"
    assert all(s.cure == 1.0 for s in steps[1:])  # the cure shrinkage stays after the cure


def test_pbfree_profile_meets_jstd020(steps):
    r = reflow(steps)
    t = np.array([s.time for s in r])
    temp = np.array([s.temperature for s in r])
    assert np.all(np.diff(t) > 0)
    assert temp.max() == 260.0
    start = steps[[s.phase for s in steps].index("reflow") - 1].time
    peak_time = t[np.argmax(temp)]
    assert peak_time - start <= 480.0  # 25 degC to peak within 8 min
    rates = np.diff(np.concatenate([[25.0], temp])) / np.diff(np.concatenate([[start], t]))
    assert rates.max() <= 3.0 + 1e-9 and rates.min() >= -6.0 - 1e-9
    above = t[temp >= 217.0]
    assert 60.0 <= above.max() - above.min() <= 150.0  # time above liquidus
    near = t[temp >= 255.0]
    assert near.max() - near.min() <= 30.0 + 1e-9  # within 5 K of the peak
    preheat = [s.time for s in r if s.label in ("T_smin", "T_smax")]
    assert 60.0 <= preheat[1] - preheat[0] <= 120.0


def test_heating_and_cooling_share_temperatures(steps):
    r = reflow(steps)
    peak = max(range(len(r)), key=lambda i: r[i].temperature)
    up = {s.temperature for s in r[: peak + 1]}
    down = {s.temperature for s in r[peak:]}
    assert down <= up | {25.0}


def test_no_step_exceeds_the_sample_step(steps):
    temps = np.array([s.temperature for s in steps])
    assert np.abs(np.diff(temps)).max() <= 25.0 + 1e-9


@pytest.mark.parametrize(
    "thickness, volume, peak",
    [(1.0, 100.0, 260.0), (2.0, 100.0, 260.0), (2.0, 1000.0, 250.0), (3.0, 3000.0, 245.0)],
)
def test_classification_peak_follows_table_4_2(thickness, volume, peak):
    assert classification_peak("jstd020-pbfree", thickness, volume) == peak


def test_one_jstd020_revision_throughout():
    """Revision C: SnPb 240 degC for thin small bodies, 225 otherwise; the study help says so."""
    from warp.history import JSTD020_REVISION
    from warp.study import Reflow

    assert "020C" in JSTD020_REVISION
    assert classification_peak("jstd020-snpb", 0.8, 115.0) == 240.0
    assert classification_peak("jstd020-snpb", 3.0, 115.0) == 225.0
    help_text = Reflow.model_fields["peak"].description
    assert "235" not in help_text and "240" in help_text
