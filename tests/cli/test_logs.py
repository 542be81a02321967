"""`warp run` into a pipe, as in a batch log: plain progress lines that count the load
steps the summary counts, provenance in results.nc, and compact ParaView fields."""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from support import COARSE, ROOT, STUDY, THERMAL_COARSE, run_warp, sets, warp_command

from warp import provenance, results

INTERVAL_S = 2.0
"""The progress interval for this run (30 s by default), so the test runs fast."""
STEP_LINE = re.compile(r"^\s*([\d.]+) s  load steps (\d+)/(\d+)(.*)$")
COMPACT = ['output.fields="corners"', 'output.fields_precision="single"']


@pytest.fixture(scope="module")
def piped(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """A coarse run with stderr to a pipe and the compact fields."""
    out = tmp_path_factory.mktemp("piped") / "run"
    env = {**os.environ, "WARP_PROGRESS_INTERVAL_S": str(INTERVAL_S)}
    cmd = warp_command() + ["run", str(STUDY), "--out", str(out), *COARSE, *sets(COMPACT)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=1200)
    assert proc.returncode == 0, proc.stderr
    return out, proc


def test_a_pipe_gets_plain_progress_lines_that_count_the_summary_load_steps(piped):
    _, proc = piped
    lines = [m for m in map(STEP_LINE.match, proc.stderr.splitlines()) if m]
    assert len(lines) >= 3, proc.stderr
    steps = int(re.search(r": (\d+) load steps \((\d+) elastic solves\)", proc.stdout).group(1))
    assert {int(m.group(3)) for m in lines} == {steps}, proc.stderr  # bar and summary agree
    done = [int(m.group(2)) for m in lines]
    assert done == sorted(done) and done[-1] == steps and lines[-1].group(4).endswith("done")
    finished = [m.group(4) for m in lines if m.group(4).startswith(": ")]
    assert finished and all(" degC (solve " in text for text in finished), proc.stderr
    assert any(re.search(r"elapsed, about .+ left$", m.group(4)) for m in lines), proc.stderr
    times = [float(m.group(1)) for m in lines]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert max(gaps) <= INTERVAL_S + 1.5, proc.stderr  # never silent much past the interval


def test_results_record_versions_checkout_host_command_and_library(piped):
    out, _ = piped
    attrs = results.read(out / "results.nc").attrs
    assert attrs["python_version"] == platform.python_version()
    assert attrs["gmsh_version"] == importlib.metadata.version("gmsh")
    assert re.fullmatch(r"\d+\.\d+\.\d+", attrs["petsc_version"])
    assert attrs["host"] == socket.gethostname()
    assert " run " in attrs["command_line"] and str(out) in attrs["command_line"]
    assert attrs["library_hash"] == provenance.library_hash()
    if shutil.which("git") and (ROOT / ".git").exists():
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        assert attrs["git_commit"] == head and attrs["git_dirty"] in (0, 1)


def _bp_steps(folder: Path) -> int | None:
    """Steps written to a .bp folder: ADIOS2's EndStep calls in its profiling.json."""
    profile = folder / "profiling.json"
    return json.loads(profile.read_text())[0]["ES"]["nCalls"] if profile.exists() else None


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_compact_fields_hold_the_corners_in_single_precision(piped, coarse_run):
    out, _ = piped
    ds = results.read(out / "results.nc")
    corners = int((ds.label != "").sum())
    assert 2 < corners < ds.sizes["step"]
    for name in ("displacement.bp", "stress.bp", "temperature.bp"):
        full, compact = coarse_run / "fields" / name, out / "fields" / name
        if _bp_steps(full) is not None:
            assert _bp_steps(full) == ds.sizes["step"] and _bp_steps(compact) == corners
    # fewer steps, each smaller than a double-precision one (tests/fem/test_fields.py)
    full, compact = _size(coarse_run / "fields"), _size(out / "fields")
    assert compact < full * corners / ds.sizes["step"], (compact, full)


def test_a_sweep_case_copies_the_provenance_of_its_results_into_run_json(tmp_path):
    study = tmp_path / "sweep.toml"
    study.write_text(THERMAL_COARSE + '\n[sweep]\n[[sweep.cases]]\n"heat_sink.gap" = 0.05\n')
    proc = run_warp("sweep", str(study), "--out", str(tmp_path / "out"), "--workers", "1")
    assert proc.returncode == 0, proc.stderr[-2000:]
    (case,) = (tmp_path / "out" / "cases").iterdir()
    run = json.loads((case / "run.json").read_text())
    attrs = results.read(case / "results.nc").attrs
    assert {"python_version", "gmsh_version", "petsc_version", "library_hash"} <= set(run)
    assert all(run[k] == attrs[k] for k in provenance.KEYS if k in attrs)
    assert " run " in run["command_line"]
