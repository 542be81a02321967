"""Benchmark: the reference study end to end at three mesh refinements.

Prints, per refinement: cells, DOFs, solver, mesh / assembly / solve time,
CG iterations, peak memory, wall time and warpage; then the targets
(end to end under 60 s at the default mesh; default warpage within 1 % of
the finest; iterations nearly flat). Runs `warp run` under mpiexec on all
cores unless RANKS is set. Usage: python benchmarks/reference_study.py [refinements...]
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import xarray as xr

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STUDY = ROOT / "studies" / "single-chip.toml"


def run(refinement: float, ranks: int, out: Path, extra: tuple[str, ...] = ()) -> dict:
    cmd = [
        str(BIN / "warp"),
        "run",
        str(STUDY),
        "--out",
        str(out),
        "--no-fields",
        "--quiet",
        "--set",
        f"mesh.refinement={refinement}",
        *extra,
    ]
    if ranks > 1:
        cmd = [str(BIN / "mpiexec"), "-n", str(ranks)] + cmd
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"refinement {refinement} failed:\n{proc.stderr}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    ds = xr.load_dataset(out / "results.nc", engine="h5netcdf")
    room = float(ds.warpage.where(ds.label == "T_room", drop=True)[0])
    at_peak = ds.warpage.where(ds.label == "T_p", drop=True)
    peak = float(at_peak[0]) if at_peak.size else float("nan")
    a = ds.attrs
    return dict(
        refinement=refinement,
        cells=a["mesh_cells"],
        dofs=a["dofs"],
        solver="MUMPS" if "mumps" in a["solver"] else "GAMG",
        mesh_s=a["run_mesh_s"],
        assemble_s=a["run_assemble_s"],
        solve_s=a["run_solve_s"],
        its_mean=a["run_iterations_mean"],
        its_max=a["run_iterations_max"],
        solves=a["run_solves"],
        refactor=a["run_refactorisations"],
        peak_mb=max(peak_kb, before) / 1024,
        wall_s=wall,
        room_um=room,
        peak_um=peak,
    )


def main() -> None:
    refinements = [float(x) for x in sys.argv[1:]] or [0.7, 1.0, 1.6]
    ranks = int(os.environ.get("RANKS", os.cpu_count() or 1))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in sorted(refinements):
            rows.append(run(r, ranks, Path(tmp) / f"r{r}"))
            print(f"refinement {r}: done in {rows[-1]['wall_s']:.1f} s", file=sys.stderr)
    head = (
        f"{'refine':>6} {'cells':>7} {'DOFs':>8} {'solver':>6} {'mesh s':>6} {'asm s':>6} "
        f"{'solve s':>7} {'solves':>6} {'its avg/max':>11} {'refac':>5} {'peak MB':>7} "
        f"{'wall s':>6} {'w25 um':>8} {'wpeak um':>8}"
    )
    print(f"reference study, {ranks} MPI rank(s), peak memory = largest process")
    print(head)
    for x in rows:
        print(
            f"{x['refinement']:>6.2f} {x['cells']:>7d} {x['dofs']:>8d} {x['solver']:>6} "
            f"{x['mesh_s']:>6.1f} {x['assemble_s']:>6.1f} {x['solve_s']:>7.1f} "
            f"{x['solves']:>6d} {x['its_mean']:>5.1f}/{x['its_max']:<5d} {x['refactor']:>5d} "
            f"{x['peak_mb']:>7.0f} {x['wall_s']:>6.1f} {x['room_um']:>8.2f} {x['peak_um']:>8.2f}"
        )
    default = next((x for x in rows if x["refinement"] == 1.0), None)
    finest = rows[-1]
    if default is not None:
        for key, name in (("room_um", "25 degC"), ("peak_um", "reflow peak")):
            diff = abs(default[key] / finest[key] - 1)
            print(
                f"default vs finest warpage at {name}: {100 * diff:.2f} % "
                f"({'within' if diff <= 0.01 else 'OUTSIDE'} the 1 % target)"
            )
        print(
            f"default mesh end to end: {default['wall_s']:.1f} s "
            f"({'within' if default['wall_s'] < 60 else 'OVER'} the 60 s target)"
        )
    # iteration counts of the large-mesh solver (CG + GAMG) on every mesh, one cool-down solve
    gamg = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in sorted(refinements):
            extra = (
                "--set",
                'solver.method="iterative"',
                "--set",
                "reflow.enabled=false",
                "--set",
                "process.cooldown_step=150",
            )
            gamg.append(run(r, ranks, Path(tmp) / f"g{r}", extra))
    print("CG + GAMG on each mesh (cool-down to 25 degC, fresh preconditioner):")
    for x in gamg:
        print(
            f"  refinement {x['refinement']:.2f}: {x['dofs']} DOFs, {x['its_max']} iterations, "
            f"solve {x['solve_s']:.1f} s, warpage {x['room_um']:.2f} um"
        )


if __name__ == "__main__":
    main()
