"""Designs too big to mesh or solve: `warp check` refuses them at once with the estimate
(each of these passed `warp check` and then meshed for over 150 s)."""

from __future__ import annotations

import time

import pytest
from support import ROOT, STUDY, run_warp, sets

TOO_LARGE = {
    "thin die": ["dies.0.thickness=1e-4"],
    "fine full bump array": [
        'dies.0.bumps.pattern="full"',
        "dies.0.bumps.pitch=0.05",
        "dies.0.bumps.diameter=0.03",
    ],
    "100 mm body, 0.3 mm ball pitch": [
        "carrier.size=[100, 100]",
        "balls.pitch=0.3",
        "balls.diameter=0.2",
        "balls.height=0.15",
    ],
}


def _timed_check(*args: str) -> tuple[float, object]:
    start = time.perf_counter()
    proc = run_warp("check", *args, timeout=120)
    return time.perf_counter() - start, proc


@pytest.fixture(scope="module")
def plain_check_s() -> float:
    """A plain `warp check` of the reference: the start-up cost on this (shared) machine."""
    elapsed, proc = _timed_check(str(STUDY))
    assert proc.returncode == 0, proc.stderr
    return elapsed


@pytest.mark.parametrize("overrides", TOO_LARGE.values(), ids=TOO_LARGE.keys())
def test_a_design_too_large_for_the_machine_is_refused_within_5_s(overrides, plain_check_s):
    elapsed, proc = _timed_check(str(STUDY), *sets(overrides))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.strip().count("\n") == 0
    for words in ("too large", "bumps and", "balls ->", "cells", "DOFs", "GB"):
        assert words in proc.stderr
    if overrides == TOO_LARGE["thin die"]:  # first of all too thin for its elements
        assert "dies.0.thickness = 0.0001: a die 0.0001 mm thick" in proc.stderr
    else:
        assert "too large for this machine" in proc.stderr and "--allow-large" in proc.stderr
    # 5 s beyond a plain check, so that a loaded machine's start-up does not count
    assert elapsed < 5.0 + plain_check_s


def test_allow_large_lets_check_go_ahead():
    proc = run_warp("check", str(STUDY), *sets(TOO_LARGE["fine full bump array"]), "--allow-large")
    assert proc.returncode == 0, proc.stderr
    assert "allow_large = true" in proc.stdout


def test_bumps_0_1_um_apart_are_refused():
    proc = run_warp("check", str(STUDY), "--set", "dies.0.bumps.pitch=0.1201")
    assert proc.returncode == 2
    assert "dies.0.bumps.pitch = 0.1201" in proc.stderr and "at least 0.14 mm" in proc.stderr


@pytest.mark.parametrize("path", sorted((ROOT / "studies").glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_study_still_passes_check(path):
    proc = run_warp("check", str(path))
    assert proc.returncode == 0, proc.stderr
    if path.stem == "heat-sink-gap":
        assert "20 valid cases" in proc.stdout  # every gap of the sweep
