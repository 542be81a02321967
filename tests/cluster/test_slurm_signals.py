"""`scancel` of a `warp run` batch job: SIGTERM is said, staging removed, old results kept.

On the single-node SLURM of test_slurm.py (root; skipped elsewhere unless WARP_REQUIRE_SLURM=1).
"""

from __future__ import annotations

import shlex
import subprocess
import time

import pytest
from support import BIN, COARSE, STUDY
from test_slurm import slurm  # noqa: F401 - the fixture that starts SLURM

pytestmark = pytest.mark.slurm


def test_scancel_of_a_run_removes_its_staging_and_keeps_the_old_result(slurm, tmp_path):  # noqa: F811
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
