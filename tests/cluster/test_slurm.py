"""Sweeps on a real SLURM (single node on loopback, ../shared/cluster) through dask-jobqueue,
and `scancel` of a `warp run` batch job (SIGTERM is said, staging removed, old results kept).

Needs root to start the daemons; skipped elsewhere unless WARP_REQUIRE_SLURM=1 (CI).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import time

import pytest
from support import BIN, COARSE, ROOT, STUDY, THERMAL_COARSE, run_warp

from warp import results

pytestmark = pytest.mark.slurm

CLUSTER = ROOT.parent / "shared" / "cluster"
JOBS = ["--scheduler", "slurm", "--workers", "2", "--cores", "1", "--memory", "1GB"]
JOBS += ["--walltime", "00:15:00", "--interface", "lo"]


@pytest.fixture(scope="module")
def slurm():
    required = os.environ.get("WARP_REQUIRE_SLURM") == "1"
    if os.geteuid() != 0 or not (CLUSTER / "start-slurm.sh").exists():
        if required:
            pytest.fail("WARP_REQUIRE_SLURM=1 but SLURM cannot be started (needs root)")
        pytest.skip("a SLURM for tests needs root and ../shared/cluster")
    env = {**os.environ, "SLURM_CPUS": "4"}
    start = subprocess.run(
        ["bash", str(CLUSTER / "start-slurm.sh")], capture_output=True, text=True, env=env
    )
    assert start.returncode == 0, start.stdout + start.stderr
    yield
    subprocess.run(["bash", str(CLUSTER / "stop-slurm.sh")], capture_output=True)


def sweep_study(folder, n: int):
    folder.mkdir(parents=True, exist_ok=True)
    cases = "".join(f'[[sweep.cases]]\n"heat_sink.gap" = {0.05 + 0.04 * i:.2f}\n' for i in range(n))
    path = folder / "sweep.toml"
    path.write_text(THERMAL_COARSE + "\n[sweep]\nretries = 1\n" + cases)
    return path


def job_ids(out):
    return [json.loads(p.read_text())["slurm_job_id"] for p in sorted(out.glob("cases/*/run.json"))]


def test_every_case_runs_inside_a_slurm_job(slurm, tmp_path):
    study = sweep_study(tmp_path, 3)
    out = tmp_path / "out"
    proc = run_warp("sweep", str(study), "--out", str(out), *JOBS, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ds = results.read(out / "sweep.nc")
    assert list(ds["case_status"].values) == ["done"] * 3
    ids = job_ids(out)
    assert len(ids) == 3 and all(ids)  # each case knows its batch job
    assert list((out / "logs").glob("*.out"))  # worker logs beside the sweep, not in the cwd
    for case_id in ds["case_id"].values:
        one = results.read(out / "cases" / str(case_id) / "results.nc")
        assert one.attrs["slurm_job_id"] in ids


def test_a_cancelled_job_loses_nothing(slurm, tmp_path):
    study = sweep_study(tmp_path, 4)
    out = tmp_path / "out"
    cmd = [str(BIN / "warp"), "sweep", str(study), "--out", str(out), *JOBS]
    sweep = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    cancelled = None
    deadline = time.time() + 300
    while cancelled is None and time.time() < deadline:  # wait for a case in progress
        running = subprocess.run(
            ["squeue", "-h", "-t", "R", "-o", "%i"], capture_output=True, text=True
        ).stdout.split()
        if running and list(out.glob("cases/*/.staging-*")):
            cancelled = running[0]
            subprocess.run(["scancel", cancelled], check=True)
        time.sleep(0.5)
    assert cancelled is not None, "no job ever ran a case"
    stdout, stderr = sweep.communicate(timeout=900)
    assert sweep.returncode == 0, stderr[-3000:]
    ds = results.read(out / "sweep.nc")
    assert list(ds["case_status"].values) == ["done"] * 4
    assert len(job_ids(out)) == 4
    assert not list(out.glob("cases/*/.staging-*"))  # no half-written case left behind


def test_one_large_case_runs_under_mpi_in_one_allocation(slurm, tmp_path):
    out = tmp_path / "mpi"
    cmd = ["srun", "-N1", "-n1", "-c2", str(BIN / "mpiexec"), "-launcher", "fork", "-n", "2"]
    cmd += [str(BIN / "warp"), "run", str(STUDY), "--out", str(out), "--no-fields", *COARSE]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ds = results.read(out / "results.nc")
    assert ds.attrs["run_ranks"] == 2 and ds.attrs["slurm_job_id"]


def test_scancel_of_a_run_removes_its_staging_and_keeps_the_old_result(slurm, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "results.nc").write_bytes(b"the previous good result")
    log = tmp_path / "job.log"
    run = [str(BIN / "warp"), "run", str(STUDY), "--out", str(out), "--no-fields", *COARSE]
    submit = ["sbatch", "--parsable", "-n1", "-c1", "-o", str(log), "--wrap", shlex.join(run)]
    job = subprocess.run(submit, capture_output=True, text=True, check=True).stdout.strip()
    deadline = time.time() + 300
    while not list(out.glob(".staging-*/mesh/mesh.msh")):  # solving
        assert time.time() < deadline, log.read_text() if log.exists() else "job never ran"
        time.sleep(0.5)
    subprocess.run(["scancel", job], check=True)
    while subprocess.run(["squeue", "-h", "-j", job], capture_output=True, text=True).stdout:
        assert time.time() < deadline + 120, "the job did not end after scancel"
        time.sleep(0.5)
    text = log.read_text()
    assert "warp: terminated (SIGTERM)" in text and "Traceback" not in text, text
    assert sorted(p.name for p in out.iterdir()) == ["results.nc"]
    assert (out / "results.nc").read_bytes() == b"the previous good result"
