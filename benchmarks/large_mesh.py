"""Benchmark: the iterative solver on large meshes of the reference study, against issue
15's targets; with --board also on the board.

Package: one mold cool-down (175 -> 25 degC, reflow off) with CG and the study's
preconditioner at three refinements, each on a fresh preconditioner: the most iterations
of a solve, their spread over the three meshes, and the peak memory (all ranks) per DOF of
the largest run. The default refinements are those whose model-size estimate has 0.2, 0.6
and 1.5 M DOFs (`targets.refinement_for`; the largest needs about 24 GB).

Board (--board): warp solves the board only in the time-dependent history (the board is
assembled at the board-assembly reflow), which records the total linear iterations over
its Newton iterations, not each solve's: the board rows print the mean per linear solve
and leave the targets (a largest count) not taken. Hours at 600k DOFs.

`warp run` runs under mpiexec on all cores unless RANKS is set.
Usage: python benchmarks/large_mesh.py [--quick] [--refinements R R R] [--board]
(--quick: the 4 x 4 mm package of targets.QUICK_PACKAGE at refinements 0.5 0.7 1.0.)
"""

from __future__ import annotations

import argparse
import math
import tempfile
from pathlib import Path

import targets
import xarray as xr
from targets import REFERENCE, Measured

ITERATION_TARGETS = ("iterations_max", "iterations_spread_pct")
ITERATIVE = ['solver.method="iterative"', "process.cooldown_step=150"]
PACKAGE = ITERATIVE + ["reflow.enabled=false"]
BOARD = ITERATIVE + ["board.enabled=true", "process.time_dependent=true"]


def series(refinements: list[float], board: bool, tmp: Path, extra: list[str]) -> list[dict]:
    """One run per refinement; rows of DOFs, iterations, memory, or the failure."""
    rows = []
    for r in refinements:
        out = tmp / f"{'board' if board else 'package'}-{r}"
        settings = extra + (BOARD if board else PACKAGE) + [f"mesh.refinement={r}"]
        child = targets.warp_run(REFERENCE, out, settings, tmp / "mesh-cache", RANKS)
        row = dict(refinement=r, board=board, wall_s=child.wall_s, peak_mb=child.peak_mb)
        if child.returncode:
            rows.append(row | dict(error=child.failure()))
            continue
        a = xr.load_dataset(out / "results.nc", engine="h5netcdf").attrs
        if board:  # totals only: the mean per linear solve (one per Newton iteration)
            its = a["run_linear_iterations"] / max(a["run_newton_total"], 1)
            seconds = a["run_step_seconds_mean"] * a["run_substeps"]
        else:
            its, seconds = a["run_iterations_max"], a["run_solve_s"]
        rows.append(row | dict(dofs=int(a["dofs"]), its=float(its), solve_s=float(seconds)))
    return rows


def iteration_targets(rows: list[dict], board: bool) -> list[Measured]:
    suffix = "_board" if board else ""
    failed = [x for x in rows if "error" in x]
    if failed:
        why = f"refinement {failed[0]['refinement']} failed: {failed[0]['error']}"
        return [Measured(f"{k}{suffix}", math.nan, why) for k in ITERATION_TARGETS]
    its = [x["its"] for x in rows]
    note = ", ".join(f"{x['its']:.0f} at {x['dofs']} DOFs" for x in rows)
    if board:
        why = f"the history records totals only; mean per linear solve: {note}"
        return [Measured(f"{k}{suffix}", math.nan, why) for k in ITERATION_TARGETS]
    return [
        Measured("iterations_max", max(its), note),
        Measured("iterations_spread_pct", targets.spread_pct(its), note),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small meshes, a smoke test")
    parser.add_argument("--refinements", type=float, nargs=3)
    parser.add_argument("--board", action="store_true", help="also on the board (hours)")
    args = parser.parse_args()
    sizes = [200e3, 600e3, 1.5e6]
    refinements = args.refinements or (
        [0.5, 0.7, 1.0] if args.quick else [targets.refinement_for(d) for d in sizes]
    )
    refinements = sorted(refinements)
    extra = targets.QUICK_PACKAGE if args.quick else []
    with tempfile.TemporaryDirectory() as tmp:
        package = series(refinements, False, Path(tmp), extra)
        board = series(refinements, True, Path(tmp), extra) if args.board else []
    print(f"CG, {RANKS} MPI rank(s); peak memory summed over the ranks; board: mean its")
    print("board refine     DOFs  its solve s peak MB wall s")
    for x in package + board:
        where = f"{'yes' if x['board'] else 'no':>5} {x['refinement']:>6.2f}"
        if "error" in x:
            print(f"{where} failed: {x['error']}")
            continue
        print(
            f"{where} {x['dofs']:>8d} {x['its']:>4.0f} {x['solve_s']:>7.1f} {x['peak_mb']:>7.0f} "
            f"{x['wall_s']:>6.1f}"
        )
    measured = iteration_targets(package, board=False)
    if board:
        measured += iteration_targets(board, board=True)
    else:
        why = "not run: --board runs the time-dependent history on the board"
        measured += [Measured(f"{k}_board", math.nan, why) for k in ITERATION_TARGETS]
    largest = package[-1]
    if "error" in largest:
        measured.append(Measured("kb_per_dof", math.nan, f"largest run failed: {largest['error']}"))
    else:
        per_dof = largest["peak_mb"] * 2**20 / 1e3 / largest["dofs"]
        note = f"{largest['peak_mb']:.0f} MB at {largest['dofs']} DOFs (the target is at 1.5 M)"
        quick = ", quick package: fixed costs dominate" if args.quick else ""
        measured.append(Measured("kb_per_dof", per_dof, note + quick))
    print()
    print(targets.table("issue 15 targets, large meshes", measured))


RANKS = targets.ranks()

if __name__ == "__main__":
    main()
