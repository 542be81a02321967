"""Benchmark: warp against CalculiX on the same mesh and element, issue 15's speed ratios.

The reference study's mold cool-down, one 175 -> 25 degC step: warp's P2 solve (its own
solver choice: MUMPS up to solver.direct_max_dofs, else CG) and ccx's C3D10 SPOOLES solve
on warp's DOF points, with the deck of the verification cross-check (warp/ccx.py,
warp/fem/calculix.py). Each code runs in a process of its own, serially for warp and with
CCX_THREADS (2) threads for ccx, so each peak memory is its own. warp's time is assembly
plus solve of the step (the mesh comes from the cache and is not counted); ccx's is its
whole run (read, assemble, solve, write). The displacements are compared too, so the two
solved the same problem. The default refinement is the one whose model-size estimate has
600k DOFs (`targets.refinement_for`).

Usage: python benchmarks/calculix_ratio.py [--quick] [--refinement R]
(--quick: the 4 x 4 mm package of targets.QUICK_PACKAGE.) Needs ccx (CalculiX 2.20) on
the PATH.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import targets
from targets import REFERENCE, Measured

CCX_THREADS = 2
COOL_TO_DEGC = 25.0
SAME_PROBLEM = 1e-4
"""Largest displacement difference over the largest displacement for the two answers to
count as one problem solved twice (a different problem differs by percents; warp's CG
stops at solver.rtol, so the gap is not at the rounding level of the cross-check)."""


def warp_side(settings: list[str], work: Path) -> None:
    """In a fresh process: solve the step, note time and peak memory, then write the deck."""
    from warp import load_study
    from warp.ccx import mechanical_deck
    from warp.design import resolve
    from warp.fem.calculix import c3d10_mesh, held_dofs, package_mesh
    from warp.fem.elasticity import ThermoElasticModel
    from warp.symmetry import support_points

    design = resolve(load_study(REFERENCE, settings))
    st = design.study
    pm = package_mesh(design)
    stress_free = {part: st.process.molding_temperature for part in design.materials}
    supports = support_points(design.layout, design.symmetry)
    start = time.perf_counter()
    model = ThermoElasticModel(
        pm, design.materials, stress_free, st.solver, design.symmetry, supports
    )
    setup_s = time.perf_counter() - start
    model.set_temperature(COOL_TO_DEGC)
    stats = model.solve()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # before the deck is built
    mesh = c3d10_mesh(model.V, pm, list(model.materials))
    deck = mechanical_deck(
        mesh, model.materials, model.stress_free, COOL_TO_DEGC, held_dofs(model.bcs, 3), "ratio"
    )
    (work / "job.inp").write_text(deck)
    np.save(work / "warp_u.npy", model.u.x.array.reshape(-1, 3))
    np.save(work / "nodes.npy", mesh.nodes)
    report = dict(
        dofs=model.V.dofmap.index_map.size_global * model.V.dofmap.index_map_bs,
        setup_s=setup_s,
        assemble_s=stats.assemble_seconds,
        solve_s=stats.solve_seconds,
        iterations=stats.iterations,
        solver=model.method,
        peak_mb=peak_kb / 1024,
    )
    (work / "warp.json").write_text(json.dumps(report))


def ccx_side(work: Path) -> None:
    """In a fresh process: ccx on the deck; its wall time, peak memory, displacement gap."""
    from warp.ccx import run_ccx

    start = time.perf_counter()
    result = run_ccx((work / "job.inp").read_text(), threads=CCX_THREADS)
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # ccx, its only child
    u_ccx = result.at(np.load(work / "nodes.npy"), "DISP")
    u_warp = np.load(work / "warp_u.npy")
    gap = np.linalg.norm(u_warp - u_ccx, axis=1).max() / np.linalg.norm(u_ccx, axis=1).max()
    report = dict(wall_s=wall, cpu_s=result.cpu_seconds, peak_mb=peak_kb / 1024, gap=float(gap))
    (work / "ccx.json").write_text(json.dumps(report))


def _child(cmd: list[str], cache: Path) -> targets.Child:
    env = dict(os.environ, WARP_MESH_CACHE=str(cache), OMP_NUM_THREADS="1")
    child = targets.measure(cmd, env=env)
    if child.returncode:
        sys.exit(f"{' '.join(cmd[:3])} failed: {child.failure()}")
    return child


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small mesh, a smoke test")
    parser.add_argument("--refinement", type=float)
    parser.add_argument("--side", choices=("warp", "ccx"), help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    refinement = args.refinement or (1.0 if args.quick else targets.refinement_for(600e3))
    settings = (targets.QUICK_PACKAGE if args.quick else []) + [f"mesh.refinement={refinement}"]
    if args.side == "warp":
        return warp_side(settings, args.work)
    if args.side == "ccx":
        return ccx_side(args.work)
    if shutil.which("ccx") is None:
        sys.exit("ccx (CalculiX) is not on the PATH: scripts/setup-calculix.sh installs it")
    with tempfile.TemporaryDirectory() as tmp:
        work, sets = Path(tmp), [arg for item in settings for arg in ("--set", item)]
        # meshed first in a process of its own: Gmsh's memory is not warp's solve's
        _child(
            [str(targets.BIN / "warp"), "mesh", str(REFERENCE), "--out", f"{tmp}/mesh", *sets], work
        )
        for side in ("warp", "ccx"):
            cmd = [sys.executable, __file__, "--side", side, "--work", tmp]
            _child(cmd + ["--refinement", str(refinement)] + ["--quick"] * args.quick, work)
        w = json.loads((work / "warp.json").read_text())
        c = json.loads((work / "ccx.json").read_text())
    warp_s = w["assemble_s"] + w["solve_s"]
    print(f"one 175 -> 25 degC step, refinement {refinement}, {w['dofs']} DOFs, one mesh")
    print(
        f"warp ({w['solver']}, serial): model setup {w['setup_s']:.1f} s, assembly "
        f"{w['assemble_s']:.1f} s, solve {w['solve_s']:.1f} s ({w['iterations']} its), "
        f"peak {w['peak_mb']:.0f} MB"
    )
    print(
        f"ccx (SPOOLES, {CCX_THREADS} threads): wall {c['wall_s']:.1f} s, CPU "
        f"{c['cpu_s']:.1f} s, peak {c['peak_mb']:.0f} MB; displacements differ by "
        f"{c['gap']:.1e} of the largest"
    )
    label = f"{w['dofs']} DOFs" + (", quick package (the target is at ~600k)" if args.quick else "")
    same = c["gap"] < SAME_PROBLEM
    why = label if same else f"{label}; the two answers differ by {c['gap']:.1e}: not comparable"
    measured = [
        Measured("ccx_time_ratio", warp_s / c["wall_s"] if same else math.nan, why),
        Measured("ccx_memory_ratio", w["peak_mb"] / c["peak_mb"] if same else math.nan, why),
    ]
    print()
    print(targets.table("issue 15 targets, warp against CalculiX", measured))


if __name__ == "__main__":
    main()
