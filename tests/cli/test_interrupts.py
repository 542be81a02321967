"""Runs that are stopped or collide: one run per output folder, SIGTERM cleans up and keeps
the old results, and a killed sweep leaves no case process behind and no half-done case."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest
from support import COARSE, STUDY, THERMAL_COARSE, mpiexec, run_warp, warp_command

from warp import outdir


def wait_for(condition, timeout: float = 300, what: str = "") -> None:
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_a_run_into_a_locked_folder_is_refused_naming_the_holder(tmp_path):
    out = tmp_path / "run"
    with outdir.locked(out):
        (out / ".staging-live").mkdir()  # the holder's staging
        proc = run_warp("run", str(STUDY), "--out", str(out), *COARSE)
        assert proc.returncode == 2, proc.stderr
        assert f"output folder {out} is in use by another warp command" in proc.stderr
        assert f"pid {os.getpid()}" in proc.stderr and "Traceback" not in proc.stderr
        assert sorted(p.name for p in out.iterdir()) == [".staging-live", outdir.LOCK]


def test_sigterm_removes_staging_and_keeps_the_previous_result(tmp_path):
    out = tmp_path / "run"
    (out / "mesh").mkdir(parents=True)
    (out / "mesh" / "mesh.msh").write_text("the previous mesh")
    (out / "results.nc").write_bytes(b"the previous good result")
    (out / ".staging-0123456789ab").mkdir()  # left by a run killed with SIGKILL
    cmd = [*warp_command(), "run", str(STUDY), "--out", str(out), "--no-fields", *COARSE]
    run = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    debris = out / ".staging-0123456789ab"

    def live() -> list[Path]:
        return [p for p in out.glob(".staging-*") if p != debris]

    try:
        wait_for(lambda: live() and not debris.exists(), what="the run's own staging")
        second = run_warp("run", str(STUDY), "--out", str(out), *COARSE)
        assert second.returncode == 2 and f"pid {run.pid} on" in second.stderr, second.stderr
        assert "warp run" in second.stderr
        (staging,) = live()
        wait_for(lambda: (staging / "mesh" / "mesh.msh").exists(), what="the mesh")  # solving
        run.send_signal(signal.SIGTERM)
        stdout, stderr = run.communicate(timeout=120)
    finally:
        run.kill()
    assert run.returncode == 128 + signal.SIGTERM, stderr
    assert "warp: terminated (SIGTERM)" in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in out.iterdir()) == ["mesh", "results.nc"]
    assert (out / "results.nc").read_bytes() == b"the previous good result"
    assert (out / "mesh" / "mesh.msh").read_text() == "the previous mesh"


@pytest.mark.skipif(mpiexec() is None, reason="needs mpiexec")
def test_sigterm_ends_an_mpi_run_on_every_rank_and_removes_its_staging(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "results.nc").write_bytes(b"the previous good result")
    cmd = [mpiexec(), "-n", "2", *warp_command(), "run", str(STUDY), "--out", str(out)]
    run = subprocess.Popen(cmd + ["--no-fields", *COARSE], stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: list(out.glob(".staging-*/mesh/mesh.msh")), what="the mesh")
        run.send_signal(signal.SIGTERM)  # mpiexec passes it to both ranks
        _, stderr = run.communicate(timeout=60)  # no rank is left waiting for the other
    finally:
        run.kill()
    assert run.returncode != 0 and "warp: terminated (SIGTERM)" in stderr, stderr
    assert sorted(p.name for p in out.iterdir()) == ["results.nc"]
    assert (out / "results.nc").read_bytes() == b"the previous good result"


def case_processes(out: Path) -> list[psutil.Process]:
    """The `warp run` processes of a sweep's cases (they run on the study in `out`)."""
    found = []
    for p in psutil.process_iter(["cmdline"]):
        cmd = p.info["cmdline"] or []
        if "run" in cmd and any(str(out) in arg for arg in cmd) and not gone(p.pid):
            found.append(p)
    return found


def start_sweep(tmp_path) -> tuple[subprocess.Popen, Path]:
    study = tmp_path / "sweep.toml"
    study.write_text(THERMAL_COARSE + '\n[[sweep.cases]]\n"heat_sink.gap" = 0.1\n')
    out = tmp_path / "out"
    cmd = [*warp_command(), "sweep", str(study), "--out", str(out), "--workers", "1"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True), out


def running_case(out: Path) -> psutil.Process:
    wait_for(lambda: list(out.glob("cases/.*.tmp/.staging-*")), what="a case in progress")
    (case,) = case_processes(out)
    return case


@pytest.mark.parametrize("victim", ["sweep", "worker"])
def test_a_killed_sweep_or_worker_leaves_no_case_running_and_no_half_done_case(tmp_path, victim):
    sweep, out = start_sweep(tmp_path)
    try:
        case = running_case(out)
        worker = case.parent()
        (sweep if victim == "sweep" else worker).send_signal(signal.SIGKILL)
        wait_for(lambda: gone(case.pid), timeout=60, what=f"the case to die with its {victim}")
        if victim == "sweep":
            wait_for(lambda: gone(worker.pid), timeout=60, what="the worker to die")
            sweep.communicate(timeout=60)
            assert not list(out.glob("cases/*/results.nc"))
            sweep, _ = start_sweep(tmp_path)  # the rerun clears the killed attempt
        stdout, stderr = sweep.communicate(timeout=600)
    finally:
        sweep.kill()
    assert sweep.returncode == 0, stderr[-3000:]
    assert "1 of 1 case(s) done (0 already done before)" in stdout
    (folder,) = (out / "cases").iterdir()  # no attempt left beside it
    assert (folder / "results.nc").exists()
    assert json.loads((folder / "run.json").read_text())["ranks"] == 1
    assert not case_processes(out)
