"""Benchmark: the life study (single-chip-life.toml: the process history, board assembly,
three -40/125 degC cycles and fatigue) on the board, against issue 15's targets.

Prints every solved step (phase, temperature, Newton iterations, substeps, time), the
totals, and the target table: the end-to-end time and, given a fine reference run
(--reference, a finished run folder of the same study, or --fine R to run one at
refinement R), the critical bump's and ball's work density in the last cycle against it.
`warp run` runs under mpiexec on all cores unless RANKS is set.

Run it with and without --no-board for the board's cost in DOFs, time and memory.

Usage: python benchmarks/cycling.py [--quick] [--no-board] [--reference DIR | --fine R]
(--quick: the 4 x 4 mm package of targets.QUICK_PACKAGE without the board, two cycles, a
coarse mesh; about a minute on 2 cores. The board alone has some 50k cells today, so a
board run is no smoke test.)
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path

import targets
import xarray as xr
from targets import LIFE, Measured

QUICK = targets.QUICK_PACKAGE + [  # the whole history in about a minute
    "cycling.cycles=2",
    "cycling.max_step=55",
    "cycling.dwell_steps=2",
    "reflow.sample_step=60",
    "process.cooldown_step=75",
    "process.post_mold_cure=3600",
    "mesh.refinement=0.5",
]


def life_run(
    out: Path, settings: list[str], cache: Path
) -> tuple[xr.Dataset | None, targets.Child]:
    child = targets.warp_run(LIFE, out, settings, cache, RANKS)
    ds = None if child.returncode else xr.load_dataset(out / "results.nc", engine="h5netcdf")
    return ds, child


def print_steps(ds: xr.Dataset) -> None:
    print(
        f"{'step':>4} {'phase':>15} {'T degC':>7} {'Newton':>6} {'substeps':>8} "
        f"{'rejected':>8} {'s':>6}"
    )
    for i in range(1, ds.sizes["step"]):
        print(
            f"{i:>4} {ds.phase.values[i]:>15} {float(ds.temperature[i]):>7.1f} "
            f"{int(ds.newton_iterations[i]):>6} {int(ds.substeps[i]):>8} "
            f"{int(ds.rejected_substeps[i]):>8} {float(ds.step_seconds[i]):>6.2f}"
        )
    print(
        f"steps {ds.sizes['step'] - 1}, substeps {int(ds.substeps.sum())} (and "
        f"{int(ds.rejected_substeps.sum())} rejected, {float(ds.rejected_seconds.sum()):.0f} s), "
        f"Newton iterations {int(ds.newton_iterations.sum())} "
        f"(max {int(ds.newton_iterations.max())} in a step)"
    )


def critical(ds: xr.Dataset) -> dict[str, float]:
    """The largest bump and ball work density (MPa) in the last cycle."""
    out = {}
    for joint in ("bump", "ball"):
        name = f"{joint}_work_density"
        if name in ds:
            out[joint] = float(ds[name].isel(cycle=-1).max())
    return out


def work_density_error(ds: xr.Dataset, fine: xr.Dataset | None, why: str) -> Measured:
    if fine is None:
        return Measured("work_density_error_pct", math.nan, why)
    ours, ref = critical(ds), critical(fine)
    errors = {j: abs(ours[j] / ref[j] - 1) for j in ours if j in ref and ref[j] > 0}
    if not errors:
        return Measured("work_density_error_pct", math.nan, "no work density to compare")
    worst = max(errors, key=errors.get)
    note = (
        f"worst: {worst}, {ours[worst]:.4g} against {ref[worst]:.4g} MPa "
        f"(reference {fine.attrs['dofs']} DOFs, this run {ds.attrs['dofs']})"
    )
    return Measured("work_density_error_pct", 100 * errors[worst], note)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small package, a smoke test")
    parser.add_argument("--no-board", action="store_true", help="the package alone")
    ref = parser.add_mutually_exclusive_group()
    ref.add_argument("--reference", type=Path, help="a finished fine run of the same settings")
    ref.add_argument("--fine", type=float, help="run the fine reference at this refinement")
    args = parser.parse_args()
    board = not (args.no_board or args.quick)
    settings = (QUICK if args.quick else []) + [f"board.enabled={str(board).lower()}"]
    label = ("quick package, " if args.quick else "") + ("on the board" if board else "no board")
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "mesh-cache"
        ds, child = life_run(Path(tmp) / "run", settings, cache)
        if ds is None:
            print(targets.table("issue 15 targets, life study", [
                Measured("life_s", math.nan, f"{label}: the run failed: {child.failure()}"),
            ]))  # fmt: skip
            sys.exit(1)
        fine, why = None, "give --reference DIR or --fine R for a fine reference run"
        if args.reference:
            fine = xr.load_dataset(args.reference / "results.nc", engine="h5netcdf")
        elif args.fine:
            fine, fine_child = life_run(
                Path(tmp) / "fine", settings + [f"mesh.refinement={args.fine}"], cache
            )
            why = f"the fine run failed: {fine_child.failure()}"
    print(
        f"life study ({label}), {RANKS} MPI rank(s), {ds.attrs['dofs']} DOFs, "
        f"{child.wall_s:.0f} s, peak memory {child.peak_mb:.0f} MB"
    )
    print_steps(ds)
    print(
        "critical work density in the last cycle (MPa): "
        + ", ".join(f"{k} {v:.4g}" for k, v in critical(ds).items())
        + f"; loop stabilised in cycle {ds.attrs.get('loop_stabilised_cycle', '?')}"
    )
    measured = [
        Measured("life_s", child.wall_s, f"{label}, {ds.attrs['dofs']} DOFs"),
        work_density_error(ds, fine, why),
    ]
    print()
    print(targets.table("issue 15 targets, life study", measured))


RANKS = targets.ranks()

if __name__ == "__main__":
    main()
