"""The `warp` command line: check, mesh and run a study; report on results; verify the
installation.

Exit codes: 0 success, 2 bad input (one clear message, nothing written; also an output
folder that another warp command holds), 1 solver or runtime failure, 143 SIGTERM
(unfinished products removed, earlier results kept). Under mpiexec only rank 0 prints.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

from warp import __version__, sigterm
from warp.errors import InputError, RunError


def _rank() -> int:
    for var in ("PMI_RANK", "OMPI_COMM_WORLD_RANK", "PMIX_RANK"):
        if var in os.environ:
            return int(os.environ[var])
    return 0


def _say(text: str = "", err: bool = False) -> None:
    if _rank() == 0:
        print(text, file=sys.stderr if err else sys.stdout, flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="warp", description="Warpage and reliability of molded flip-chip packages."
    )
    parser.add_argument("--version", action="version", version=f"warp {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, help_text: str, out: bool) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        alone = name == "mesh"  # `warp mesh --clear-cache` needs neither study nor folder
        cmd.add_argument("study", nargs="?" if alone else None, help="study file (TOML)")
        cmd.add_argument(
            "--set",
            dest="overrides",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="override a study value by dotted key, e.g. heat_sink.gap=0.05",
        )
        cmd.add_argument(
            "--allow-large",
            dest="overrides",
            action="append_const",
            const="mesh.allow_large=true",
            help="go ahead with a model estimated beyond this machine's memory",
        )
        if out:
            cmd.add_argument("--out", required=not alone, type=Path, help="output folder")
        cmd.add_argument("--quiet", action="store_true", help="no progress output")
        cmd.add_argument("--debug", action="store_true", help="show tracebacks")
        return cmd

    add("check", "validate a study and print it fully resolved", out=False)
    mesh = add("mesh", "write the mesh, its named groups and a quality summary", out=True)
    mesh.add_argument(
        "--clear-cache", action="store_true", help="empty the mesh cache (warp.mesh.cache) first"
    )
    run = add("run", "solve the study and write results.nc and ParaView fields", out=True)
    run.add_argument("--no-fields", action="store_true", help="skip the ParaView fields")
    for cmd in (mesh, run):
        cmd.add_argument(
            "--no-mesh-cache", action="store_true", help="mesh with Gmsh; neither read nor fill"
        )
    sweep = add("sweep", "run the design variants of a study's [sweep] table", out=True)
    sweep.add_argument(
        "--scheduler",
        default="local",
        metavar="local|slurm|pbs|ADDRESS",
        help="a local Dask cluster (default), SLURM or PBS jobs, or a running scheduler",
    )
    sweep.add_argument("--workers", type=int, default=None, help="workers (jobs); default: cores")
    for name, text in (
        ("queue", "partition or queue"),
        ("account", "project to charge"),
        ("walltime", "per worker job, HH:MM:SS"),
        ("cores", "cores per worker job"),
        ("memory", "memory per worker job, e.g. 8GB"),
        ("interface", "network interface of the workers, e.g. ib0 or lo"),
    ):
        sweep.add_argument(f"--{name}", type=int if name == "cores" else str, help=text)
    sweep.add_argument("--zarr", action="store_true", help="also write sweep.zarr")
    report = sub.add_parser(
        "report",
        help="compare runs in one self-contained HTML report",
        description="compare runs in one self-contained HTML report",
    )
    report.add_argument("results", nargs="+", type=Path, help="results.nc files or run folders")
    report.add_argument("--out", required=True, type=Path, help="the HTML file to write")
    report.add_argument(
        "--measured",
        type=Path,
        help="a measured warpage curve (CSV: temperature degC, warpage um) to overlay",
    )
    report.add_argument(
        "--measured-sign", choices=("jeita", "inverted"), help="sign convention of --measured"
    )
    report.add_argument(
        "--measured-zone", choices=("terminal", "body"), help="measuring zone of --measured"
    )
    report.add_argument("--debug", action="store_true", help="show tracebacks")
    verify = sub.add_parser(
        "verify",
        help="run the verification set on this installation and write its report",
        description="run the verification set (closed forms, convergence rates, published "
        "benchmarks, CalculiX cross-checks when ccx is on the PATH) and write "
        "verification.html, .csv and .json; exit 1 if any check fails (serial)",
    )
    verify.add_argument(
        "--out", type=Path, default=Path("verification"), help="output folder (verification/)"
    )
    verify.add_argument("--quick", action="store_true", help="a fast subset (under 2 minutes)")
    verify.add_argument("--debug", action="store_true", help="show tracebacks")
    return parser


def _end_the_other_ranks() -> None:
    """Abort the MPI job after SIGTERM: the other ranks may wait for this one in a collective
    call for ever. Rank 0, which removes the staging, aborts at once; the others wait a
    little so that it can, unless it is waiting for them."""
    if "warp.fem.backend" not in sys.modules:  # MPI was never started: serial
        return
    from warp.fem.backend import MPI

    comm = MPI.COMM_WORLD
    if comm.size > 1:
        time.sleep(0 if comm.rank == 0 else 5)
        comm.Abort(sigterm.EXIT_CODE)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    restore = sigterm.catch(relay=args.command in ("mesh", "run", "verify"))  # PETSc, Gmsh
    try:
        commands = {
            "check": cmd_check,
            "mesh": cmd_mesh,
            "run": cmd_run,
            "sweep": cmd_sweep,
            "report": cmd_report,
            "verify": cmd_verify,
        }
        return commands[args.command](args)
    except InputError as exc:
        _say(f"warp: error: {exc}", err=True)
        return InputError.exit_code
    except RunError as exc:
        _say(f"warp: failed: {exc}", err=True)
        return RunError.exit_code
    except KeyboardInterrupt:
        _say("warp: interrupted", err=True)
        return 1
    except sigterm.Terminated:
        _say("warp: terminated (SIGTERM): unfinished products removed, earlier ones kept", err=True)
        _end_the_other_ranks()
        return sigterm.EXIT_CODE
    except Exception as exc:  # a bug or an environment problem: say what, keep exit 1
        if args.debug:
            traceback.print_exc()
        _say(f"warp: failed: {type(exc).__name__}: {exc} (rerun with --debug)", err=True)
        return 1
    finally:
        restore()


def _load(args):
    from warp.study_file import load_study

    return load_study(args.study, args.overrides)


def cmd_check(args) -> int:
    from warp.design import resolve
    from warp.geometry import wire_stiffness_share
    from warp.materials import get_material
    from warp.study_file import read_raw
    from warp.summary import materials_at

    p = resolve(_load(args))
    lay = p.layout
    _say(f"# {args.study}: valid; study_id {p.study.study_id}")
    _say(p.study.to_toml(units=True, order=read_raw(args.study)))
    _say("\n".join(materials_at(p.materials, 25.0)))
    vol = lay.part_volumes()
    peak = max(s.temperature for s in p.steps)
    _say("# derived")
    _say(
        f"#   variant: {p.study.variant}; model: {p.symmetry} symmetry; "
        f"body {lay.body.thickness:.3f} mm thick, heat sink {lay.heat_sink.thickness:.3f} mm"
    )
    _say(
        f"#   dies: {', '.join(d.name for d in lay.dies)}; bumps: {lay.bumps.count}; "
        f"balls: {lay.balls.count if lay.balls else 0}; passives: {len(lay.passives)}"
    )
    if lay.wires:
        share = wire_stiffness_share(
            lay, float(get_material("gold").E(25.0)), float(p.materials["mold"].E(25.0))
        )
        _say(
            f"#   bond wires: {len(lay.wires)} (geometry only; {100 * share:.3f} % of the "
            "mold stiffness, left out of the mechanics)"
        )
    _say("#   volumes (mm^3): " + ", ".join(f"{k} {v:.4g}" for k, v in vol.items()))
    _say(f"#   load steps: {len(p.steps)}; reflow peak {peak:g} degC")
    if "sweep" in read_raw(args.study):
        from warp.sweep.cases import load_sweep

        sweep = load_sweep(args.study, args.overrides)  # every case valid and buildable
        _say(f"#   sweep: {len(sweep.cases)} valid cases over {', '.join(sweep.dims)} (warp sweep)")
    return 0


def cmd_mesh(args) -> int:
    from warp import atomic, outdir
    from warp.design import resolve

    if args.clear_cache:
        from warp.mesh import cache

        root = cache.folder()
        if root is None:
            raise InputError(f"--clear-cache: {cache.ENV} is off; no mesh cache to clear")
        removed = cache.clear(root) if _rank() == 0 else []
        _say(f"mesh cache {root}: removed {len(removed)} entries")
        for path in removed:
            _say(f"  {path.name}")
        if args.study is None:
            return 0
    if args.study is None or args.out is None:
        raise InputError("warp mesh: give a study file and --out DIR (or only --clear-cache)")
    out: Path = args.out
    outdir.check(out)
    p = resolve(_load(args))  # bad input is refused before Gmsh is loaded
    from warp.mesh import cache
    from warp.mesh.session import GmshSession
    from warp.progress import Progress

    if _rank() != 0:
        return 0
    progress = Progress(quiet=args.quiet)
    with outdir.staged(out, f"mesh-{p.study.study_id}") as staging, GmshSession():
        made = cache.mesh_into(p, staging, cache.folder(not args.no_mesh_cache), progress.stage)
        # a wires.json of an earlier wire-bonded mesh must not stay beside this one
        atomic.publish(staging, out, ["markers.json", "quality.json", "wires.json"], "mesh.msh")
    info = made.info
    q = info.quality
    source = f"mesh cache, key {made.short_key}" if made.status == "hit" else "Gmsh"
    _say(f"mesh written to {out}/mesh.msh ({info.symmetry} model, {source}, {info.seconds:.1f} s)")
    _say(f"  {q.cells} tetrahedra, {q.nodes} nodes")
    _say(
        f"  quality minSIGE: min {q.min_sige:.3f}, 1st percentile {q.p01_sige:.3f}, "
        f"mean {q.mean_sige:.3f}; worst in {q.worst_part} at {q.worst_location_mm} mm "
        f"(minSICN {q.min_sicn:.3f})"
    )
    _say("  groups: " + ", ".join(info.groups))
    _say("  cells by part: " + ", ".join(f"{k} {v}" for k, v in q.cells_by_part.items()))
    return 0


def cmd_run(args) -> int:
    from warp import outdir
    from warp.design import resolve
    from warp.progress import Progress
    from warp.run import execute
    from warp.summary import describe

    outdir.check(args.out)
    p = resolve(_load(args))
    progress = Progress(_rank(), quiet=args.quiet)
    outcome = execute(
        p, args.out, progress, write_fields=not args.no_fields, mesh_cache=not args.no_mesh_cache
    )
    _say(describe(outcome.dataset))
    _say(f"results: {args.out / 'results.nc'}")
    if not args.no_fields:
        _say(f"ParaView: {args.out / 'fields'}/*.bp")
    return 0


def cmd_report(args) -> int:
    from warp import outdir, report

    if args.out.suffix.lower() not in (".html", ".htm") or args.out.is_dir():
        raise InputError(f"--out {args.out}: the report is an HTML file; name it *.html")
    outdir.check(args.out.parent, option=f"--out {args.out}: folder")
    runs = report.load_runs(args.results)
    measured = None
    if args.measured is not None:
        from warp import measured as measured_curve

        measured = measured_curve.read(args.measured, args.measured_sign, args.measured_zone)
    report.write(runs, args.out, measured)
    _say(f"report on {len(runs)} run(s): {args.out}")
    return 0


def cmd_verify(args) -> int:
    import time

    from warp import outdir, verification

    out: Path = args.out
    outdir.check(out)
    start = time.perf_counter()
    from warp.fem import verification_set
    from warp.fem.backend import MPI

    if MPI.COMM_WORLD.size > 1:
        raise InputError("warp verify runs serially; start it without mpiexec")
    cases = verification_set.select(args.quick)
    subset = "quick" if args.quick else "full"
    _say(f"verification: {len(cases)} cases ({subset} set)")
    rows = verification_set.run(cases, not args.quick, lambda name: _say(f"  {name}"))
    env = verification.Environment(verification_set.versions(), subset, time.perf_counter() - start)
    verification.write(rows, env, out)
    for row in rows:
        if row.verdict != "yes":
            _say(f"  {row.verdict.upper()}: {row.case}: {row.quantity} {row.note}".rstrip())
    ran = [r for r in rows if not r.skipped]
    _say(
        f"verification {'passed' if verification.exit_code(rows) == 0 else 'FAILED'}: "
        f"{sum(r.passed for r in ran)} of {len(ran)} checks pass, "
        f"{len(rows) - len(ran)} skipped ({env.seconds:.0f} s); report: {out / 'verification.html'}"
    )
    return verification.exit_code(rows)


def cmd_sweep(args) -> int:
    from warp import outdir, results
    from warp.progress import Progress
    from warp.sweep import aggregate, runner
    from warp.sweep.cases import load_sweep

    out: Path = args.out
    outdir.check(out)
    plan = load_sweep(args.study, args.overrides)
    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers {args.workers}: must be at least 1")
    workers = args.workers or max(1, (os.cpu_count() or 1) // plan.sweep.ranks_per_case)
    options = plan.sweep.cluster.model_copy(
        update={
            k: getattr(args, k)
            for k in ("queue", "account", "walltime", "cores", "memory", "interface")
            if getattr(args, k) is not None
        }
    )
    runner.check_scheduler(args.scheduler, options, plan.sweep.ranks_per_case)
    progress = Progress(quiet=args.quiet)
    where = args.scheduler if args.scheduler in runner.SCHEDULERS else f"scheduler {args.scheduler}"
    progress.stage(
        f"sweep of {len(plan.cases)} case(s) over {', '.join(plan.dims)} on {where}, "
        f"{workers} worker(s)"
    )
    with outdir.locked(out):  # cases of a killed sweep are cleared only under the lock
        with progress.steps(len(plan.cases), "cases") as advance:
            outcomes = runner.run(plan, out, args.scheduler, workers, options, advance)
        status = {o.case.index: "failed" if o.status == "failed" else "done" for o in outcomes}
        found = {
            c.index: results.read(runner.case_folder(out, c) / "results.nc")
            for c in plan.cases
            if status.get(c.index) == "done"
        }
        ds = aggregate.combine(plan, found, status)
        results.write(ds, out / "sweep.nc")
        if args.zarr:
            results.write_zarr(ds, out / "sweep.zarr")
    failed = [o for o in outcomes if o.status == "failed"]
    skipped = sum(o.status == "skipped" for o in outcomes)
    _say(
        f"sweep: {len(plan.cases) - len(failed)} of {len(plan.cases)} case(s) done "
        f"({skipped} already done before), {len(failed)} failed; combined: {out / 'sweep.nc'}"
    )
    for o in failed:
        _say(f"  case {o.case.index} ({o.case.case_id}) failed: {o.error}", err=True)
    return 1 if failed else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
