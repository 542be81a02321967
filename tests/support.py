"""Shared test helpers: paths to the study files, coarse settings and a runner for `warp`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STUDY = ROOT / "studies" / "single-chip.toml"
THERMAL_STUDY = (ROOT / "studies" / "heat-sink-gap.toml").read_text().split("\n[sweep")[0]
"""The thermal-only study without its [sweep] table, for tests that write their own."""
THERMAL_COARSE = THERMAL_STUDY + "\n[mesh]\nrefinement = 0.5\n"
BIN = Path(sys.executable).parent

# A coarse, fast version of the reference study for end-to-end tests.
COARSE = [
    "--set",
    "mesh.refinement=0.6",
    "--set",
    "reflow.sample_step=60",
    "--set",
    "process.cooldown_step=75",
    "--set",
    "output.surface_grid=21",
]


SMALL_PACKAGE = [  # a 4 x 4 mm package with few joints
    "carrier.size=[4.0, 4.0]",
    "dies.0.size=[2.0, 2.0]",
    "heat_sink.size=[3.0, 3.0]",
    "dies.0.bumps.pitch=0.4",
    "dies.0.bumps.rows=1",
    "balls.pitch=1.0",
]

SMALL = [  # the small package: the full process history in about a minute
    *SMALL_PACKAGE,
    "process.time_dependent=true",
    "reflow.enabled=false",
    "cycling.enabled=true",
    "cycling.cycles=2",
    "cycling.max_step=55",
    "cycling.dwell_steps=2",
    "reflow.sample_step=60",  # the ball-attach reflow
    "process.cooldown_step=75",
    "process.post_mold_cure=3600",
    "mesh.refinement=0.7",
]


def sets(overrides: list[str]) -> list[str]:
    return [arg for item in overrides for arg in ("--set", item)]


def warp_command() -> list[str]:
    exe = BIN / "warp"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "warp.cli"]


def mpiexec() -> str | None:
    exe = BIN / "mpiexec"
    return str(exe) if exe.exists() else shutil.which("mpiexec")


def run_warp(*args: str, ranks: int = 1, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the installed `warp` command (optionally under mpiexec) and capture its output."""
    cmd = warp_command() + list(args)
    if ranks > 1:
        cmd = [mpiexec(), "-n", str(ranks)] + cmd
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
