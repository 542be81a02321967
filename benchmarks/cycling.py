"""Benchmark: three -40/125 degC cycles on the reference study at its default mesh.

Viscoelastic mold, Anand solder, the full process history before the cycles.
Prints every solved step (phase, temperature, Newton iterations, time) and the
totals, against the 10-minute target. Runs under mpiexec on all cores unless
RANKS is set. Usage: python benchmarks/cycling.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import xarray as xr

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STUDY = ROOT / "studies" / "single-chip.toml"
SETTINGS = [
    "process.time_dependent=true",
    "cycling.enabled=true",
    "cycling.cycles=3",
    'cycling.preset="-40/125"',
    "reflow.enabled=false",
]


def main() -> None:
    ranks = int(os.environ.get("RANKS", os.cpu_count() or 1))
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [str(BIN / "warp"), "run", str(STUDY), "--out", tmp, "--no-fields", "--quiet"]
        cmd += [arg for item in SETTINGS for arg in ("--set", item)]
        if ranks > 1:
            cmd = [str(BIN / "mpiexec"), "-n", str(ranks)] + cmd
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if proc.returncode:
            sys.exit(proc.stderr)
        ds = xr.load_dataset(Path(tmp) / "results.nc", engine="h5netcdf")
    print(f"reference study, 3 cycles -40/125 degC, {ranks} MPI rank(s), {ds.attrs['dofs']} DOFs")
    print(f"{'step':>4} {'phase':>15} {'T degC':>7} {'Newton':>6} {'substeps':>8} {'s':>6}")
    for i in range(1, ds.sizes["step"]):
        print(
            f"{i:>4} {ds.phase.values[i]:>15} {float(ds.temperature[i]):>7.1f} "
            f"{int(ds.newton_iterations[i]):>6} {int(ds.substeps[i]):>8} "
            f"{float(ds.step_seconds[i]):>6.2f}"
        )
    steps = ds.sizes["step"] - 1
    print(
        f"steps {steps}, substeps {int(ds.substeps.sum())}, Newton iterations "
        f"{int(ds.newton_iterations.sum())} (max {int(ds.newton_iterations.max())} in a step), "
        f"mean {float(ds.step_seconds[1:].mean()):.2f} s per step"
    )
    print(
        "bump work density per cycle (critical bump, MPa): "
        + ", ".join(f"{v:.4g}" for v in ds.bump_work_density.max(axis=1).values)
    )
    print(f"loop stabilised in cycle: {ds.attrs['loop_stabilised_cycle']}")
    print(f"end to end {wall:.0f} s ({'within' if wall <= 600 else 'OVER'} the 10-minute target)")


if __name__ == "__main__":
    main()
