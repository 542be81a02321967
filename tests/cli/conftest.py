"""Runs of the installed `warp` shared by several end-to-end tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import COARSE, SMALL, STUDY, run_warp, sets


@pytest.fixture(scope="session")
def coarse_run(tmp_path_factory) -> Path:
    """One coarse serial run of the reference study, shared by several tests."""
    out = tmp_path_factory.mktemp("coarse") / "run"
    proc = run_warp("run", str(STUDY), "--out", str(out), *COARSE)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return out


@pytest.fixture(scope="session")
def cycled_run(tmp_path_factory) -> tuple[Path, str]:
    """The small package through the whole process history and two -40/125 cycles."""
    out = tmp_path_factory.mktemp("cycling") / "run"
    proc = run_warp("run", str(STUDY), "--out", str(out), "--no-fields", *sets(SMALL))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, proc.stdout
