"""Run the cases of a sweep on Dask: a local cluster, SLURM or PBS through dask-jobqueue,
or an existing scheduler.

Each case is a folder `cases/<study_id>/` holding its resolved `study.toml`; a case
is done when its `results.nc` exists (warp run writes it under a temporary name and
renames it), so a rerun skips finished cases and a killed job loses nothing but
its own unfinished case. A case runs `warp run` in a subprocess on a worker (under
mpiexec with ranks_per_case > 1); a failure is retried, then recorded in the
case's `error.txt` without stopping the sweep.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from warp import atomic
from warp.errors import InputError
from warp.sweep.cases import Case, SweepPlan
from warp.sweep.spec import ClusterOptions

SCHEDULERS = ("local", "slurm", "pbs")


class CaseFailed(RuntimeError):
    """A case's `warp run` exited with an error (its message is the run's own)."""


@dataclass(frozen=True)
class Outcome:
    case: Case
    status: str  # "done", "skipped" (already done), "failed"
    error: str = ""


def case_folder(out: Path, case: Case) -> Path:
    return out / "cases" / case.case_id


def prepare(plan: SweepPlan, out: Path) -> tuple[list[Case], list[Case]]:
    """Write each case's study.toml; returns (cases to run, cases already done)."""
    todo, done = [], []
    for case in plan.cases:
        folder = case_folder(out, case)
        folder.mkdir(parents=True, exist_ok=True)
        atomic.write_text(folder / "study.toml", case.study.to_toml())
        (done if (folder / "results.nc").exists() else todo).append(case)
    return todo, done


def run_case(folder: str, ranks: int) -> dict:
    """Run one case on this worker; returns where and how it ran (also in run.json)."""
    folder_path = Path(folder)
    cmd = [sys.executable, "-m", "warp.cli", "run", str(folder_path / "study.toml")]
    cmd += ["--out", str(folder_path), "--no-fields", "--quiet"]
    if ranks > 1:
        local = Path(sys.executable).parent / "mpiexec"
        cmd = [str(local) if local.exists() else "mpiexec", "-n", str(ranks), *cmd]
    # MPICH's mpiexec would start its ranks through srun inside a SLURM job and wait for
    # resources the job already holds: keep them on this node with fork
    env = {**os.environ, "HYDRA_LAUNCHER": "fork"}
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        message = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
        raise CaseFailed(f"warp run exited with {proc.returncode}: {message}")
    info = {
        "host": socket.gethostname(),
        "slurm_job_id": os.environ.get("SLURM_JOB_ID"),
        "pbs_job_id": os.environ.get("PBS_JOBID"),
        "ranks": ranks,
        "seconds": round(time.perf_counter() - start, 2),
    }
    atomic.write_text(folder_path / "run.json", json.dumps(info, indent=1))
    (folder_path / "error.txt").unlink(missing_ok=True)
    return info


def open_cluster(scheduler: str, workers: int, options: ClusterOptions, ranks: int, logs: Path):
    """(client, cluster, submit options) for the scheduler; cluster is None for an address.
    Batch jobs write their worker logs into `logs`."""
    from dask.distributed import Client, LocalCluster

    if scheduler == "local":
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.CRITICAL,  # failures are reported per case, not as logs
        )
        return Client(cluster), cluster, {}
    if scheduler in ("slurm", "pbs"):
        from dask_jobqueue import PBSCluster, SLURMCluster

        if options.cores < ranks:
            raise InputError(
                f"--cores {options.cores}: a worker job needs at least ranks_per_case = {ranks}"
            )
        cls = SLURMCluster if scheduler == "slurm" else PBSCluster
        cluster = cls(
            cores=options.cores,
            memory=options.memory,
            processes=1,
            walltime=options.walltime,
            queue=options.queue,
            account=options.account,
            interface=options.interface,
            python=sys.executable,
            log_directory=str(logs),
            worker_extra_args=["--resources", "case=1"],
        )
        cluster.adapt(minimum_jobs=workers, maximum_jobs=workers)  # replaces lost jobs
        return Client(cluster), cluster, {"resources": {"case": 1}}
    return Client(scheduler, timeout="30s"), None, {}


def run(
    plan: SweepPlan,
    out: Path,
    scheduler: str,
    workers: int,
    options: ClusterOptions,
    progress,
) -> list[Outcome]:
    """Run every unfinished case; `progress(text)` is called once per case as it ends."""
    from dask.distributed import as_completed

    todo, done = prepare(plan, out)
    outcomes = []
    for case in done:
        outcomes.append(Outcome(case, "skipped"))
        progress(f"case {case.index} already done")
    if not todo:
        return outcomes
    ranks = plan.sweep.ranks_per_case
    client, cluster, submit = open_cluster(scheduler, workers, options, ranks, out / "logs")
    try:
        futures = {
            client.submit(
                run_case,
                str(case_folder(out, c).resolve()),
                ranks,
                key=f"case-{c.case_id}",
                retries=plan.sweep.retries,
                pure=False,
                **submit,
            ): c
            for c in todo
        }
        for future in as_completed(futures):
            case = futures[future]
            if future.status == "finished":
                outcomes.append(Outcome(case, "done"))
                progress(f"case {case.index} done")
            else:
                error = _error_text(future)
                atomic.write_text(case_folder(out, case) / "error.txt", error + "\n")
                outcomes.append(Outcome(case, "failed", error))
                progress(f"case {case.index} FAILED")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return outcomes


def _error_text(future) -> str:
    try:
        exc = future.exception()
    except Exception as err:  # noqa: BLE001 - the scheduler's own failure, reported as such
        return f"{type(err).__name__}: {err}"
    return f"{type(exc).__name__}: {exc}"
