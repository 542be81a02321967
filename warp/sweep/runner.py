"""Run the cases of a sweep on Dask: a local cluster, SLURM or PBS through dask-jobqueue,
or an existing scheduler.

Each case is a folder `cases/<study_id>/` holding its resolved `study.toml`; a case
is done when its `results.nc` and `run.json` (where and how it ran) exist. Both arrive
together: the case runs into a temporary sibling folder that is renamed over the case
folder as a whole. So a rerun skips finished cases and a killed job loses nothing but
its own unfinished case. A case runs `warp run` in a subprocess on a worker (under
mpiexec with ranks_per_case > 1) that is sent SIGTERM when the worker dies, so it never
outlives it; a failure is retried, then recorded in the case's `error.txt` without
stopping the sweep. The scheduler is checked, and the cluster asked, before anything
is written.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from warp import atomic, provenance
from warp.errors import InputError, RunError
from warp.sweep.cases import Case, SweepPlan
from warp.sweep.spec import ClusterOptions

SCHEDULERS = ("local", "slurm", "pbs")
BATCH = {"slurm": ("sbatch", ["sinfo", "-h"]), "pbs": ("qsub", ["qstat", "-B"])}
"""Batch schedulers: the submit command, and a command that exits 0 when the cluster answers."""
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class CaseFailed(RuntimeError):
    """A case's `warp run` exited with an error (its message is the run's own)."""


@dataclass(frozen=True)
class Outcome:
    case: Case
    status: str  # "done", "skipped" (already done), "failed"
    error: str = ""


def case_folder(out: Path, case: Case) -> Path:
    return out / "cases" / case.case_id


def check_scheduler(scheduler: str, options: ClusterOptions, ranks: int) -> None:
    """Refuse, before anything is written, a scheduler other than local, slurm, pbs or a
    tcp://host:port address, worker jobs too small for a case, and a batch system missing
    from this machine (InputError); and a cluster that does not answer: sinfo or qstat
    failing, or no connection to the address (RunError). Not collective."""
    where = f"--scheduler {scheduler}"
    if scheduler == "local":
        return
    if scheduler in BATCH:
        submit, ask = BATCH[scheduler]
        if options.cores < ranks:
            raise InputError(
                f"--cores {options.cores}: a worker job needs at least ranks_per_case = {ranks}"
            )
        if shutil.which(submit) is None:
            raise InputError(f"{where}: {submit} is not on PATH; no {scheduler} jobs from here")
        try:
            proc = subprocess.run(ask, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RunError(f"{where}: {shlex.join(ask)} did not answer ({exc})") from None
        if proc.returncode != 0:
            said = (proc.stderr.strip().splitlines() or [""])[-1]
            raise RunError(
                f"{where}: the cluster does not answer ({shlex.join(ask)} exited with "
                f"{proc.returncode}: {said})"
            )
        return
    scheme, sep, rest = scheduler.partition("://")
    host, colon, port = rest.rpartition(":")
    if not (scheme == "tcp" and sep and host and colon and port.isdigit() and int(port) < 2**16):
        raise InputError(
            f"{where}: expected one of {', '.join(SCHEDULERS)} or a Dask scheduler address "
            "tcp://host:port"
        )
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=10).close()
    except OSError as exc:
        raise RunError(f"{where}: no scheduler answers there ({exc.strerror or exc})") from None


def prepare(plan: SweepPlan, out: Path) -> tuple[list[Case], list[Case]]:
    """Write each case's study.toml after removing what killed attempts left (the caller
    holds the sweep folder's lock); returns (cases to run, cases already done)."""
    todo, done = [], []
    for case in plan.cases:
        folder = case_folder(out, case)
        atomic.clean(folder)
        folder.mkdir(parents=True, exist_ok=True)
        atomic.write_text(folder / "study.toml", case.study.to_toml())
        complete = (folder / "results.nc").exists() and (folder / "run.json").exists()
        (done if complete else todo).append(case)
    return todo, done


def run_case(folder: str, ranks: int) -> dict:
    """Run one case on this worker; returns where and how it ran (also in run.json).

    The run writes into a temporary sibling of the case folder, which gets the case's
    study.toml and run.json beside the results and then replaces the case folder whole:
    results never appear without their provenance."""
    case = Path(folder)
    with atomic.replacing(case) as attempt:
        attempt.mkdir()
        shutil.copy(case / "study.toml", attempt / "study.toml")
        cmd = [sys.executable, "-m", "warp.cli", "run", str(attempt / "study.toml")]
        cmd += ["--out", str(attempt), "--no-fields", "--quiet"]
        if ranks > 1:
            local = Path(sys.executable).parent / "mpiexec"
            cmd = [str(local) if local.exists() else "mpiexec", "-n", str(ranks), *cmd]
        # MPICH's mpiexec would start its ranks through srun inside a SLURM job and wait for
        # resources the job already holds: keep them on this node with fork
        env = {**os.environ, "HYDRA_LAUNCHER": "fork"}
        start = time.perf_counter()
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env=env, preexec_fn=_die_with_parent()
        )
        if proc.returncode != 0:
            message = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
            raise CaseFailed(f"warp run exited with {proc.returncode}: {message}")
        info = {
            "host": socket.gethostname(),
            "slurm_job_id": os.environ.get("SLURM_JOB_ID"),
            "pbs_job_id": os.environ.get("PBS_JOBID"),
            "ranks": ranks,
            "seconds": round(time.perf_counter() - start, 2),
            **provenance.recorded(attempt / "results.nc"),  # versions, checkout, command
        }
        atomic.write_text(attempt / "run.json", json.dumps(info, indent=1))
    return info


def _die_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` by which the child is sent SIGTERM (and so removes its staging) when
    the thread starting it ends (Linux PR_SET_PDEATHSIG): the thread waits for the case,
    so a case ends with its worker, however the worker was killed. None without prctl."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM))
        if os.getppid() != parent:  # the worker died before the prctl took effect
            os._exit(1)

    return preexec


def open_cluster(scheduler: str, workers: int, options: ClusterOptions, logs: Path):
    """(client, cluster, submit options) for a scheduler `check_scheduler` accepted; cluster
    is None for an address. Batch jobs write their worker logs into `logs`."""
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
    if scheduler in BATCH:
        from dask_jobqueue import PBSCluster, SLURMCluster

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
    client, cluster, submit = open_cluster(scheduler, workers, options, out / "logs")
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
            atomic.clean(case_folder(out, case))  # attempts on lost workers (they died too)
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
