"""Study paths, output folders and schedulers that cannot work: exit 2 (or 1 for a cluster
that does not answer) with one sentence, before any work and with nothing written."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest
from support import STUDY, THERMAL_COARSE, run_warp, warp_command


def refused(proc, code: int = 2) -> str:
    assert proc.returncode == code, proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr and "rerun with --debug" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0, proc.stderr  # one line
    return proc.stderr


@pytest.mark.parametrize("kind", ["folder", "empty", "binary"])
def test_a_study_path_that_is_not_a_study_file_exits_2(tmp_path, kind):
    study = tmp_path / "study.toml"
    if kind == "folder":
        study.mkdir()
    else:
        study.write_bytes(b"" if kind == "empty" else bytes(range(256)))
    out = tmp_path / "out"
    message = refused(run_warp("run", str(study), "--out", str(out)))
    said = {"folder": "is a folder", "empty": "is empty", "binary": "not a text file"}[kind]
    assert f"{study}: " in message and said in message
    assert not out.exists()


@pytest.mark.parametrize("command", ["mesh", "run"])
def test_an_out_that_is_a_file_exits_2_before_meshing(tmp_path, command):
    out = tmp_path / "taken"
    out.write_text("not a folder")
    proc = run_warp(command, str(STUDY), "--out", str(out))
    assert f"--out {out}: is a file" in refused(proc)
    assert "meshing" not in proc.stdout + proc.stderr
    assert out.read_text() == "not a folder"


def test_an_out_with_an_over_long_name_exits_2(tmp_path):
    out = tmp_path / ("r" * 300)
    assert "300 bytes long" in refused(run_warp("run", str(STUDY), "--out", str(out)))


@pytest.fixture
def read_only(tmp_path):
    """A read-only tmpfs mount (needs root and mount rights; skipped elsewhere)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro", "tmpfs", str(folder)])
    if mount.returncode != 0:
        pytest.skip("cannot mount a read-only tmpfs here")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_an_out_on_a_read_only_mount_exits_2(read_only):
    out = read_only / "run"
    message = refused(run_warp("mesh", str(STUDY), "--out", str(out)))
    assert f"{read_only} is on a read-only file system" in message


@pytest.fixture
def immutable(tmp_path):
    """A folder that even root cannot write (chattr +i; skipped where unsupported)."""
    folder = tmp_path / "frozen"
    folder.mkdir()
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not possible here")
    yield folder
    subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_an_out_that_cannot_be_written_exits_2(immutable):
    out = immutable / "run"
    message = refused(run_warp("run", str(STUDY), "--out", str(out)))
    assert f"no permission to write in {immutable}" in message


def test_a_report_into_an_unwritable_folder_exits_2(immutable, tmp_path):
    proc = run_warp("report", str(tmp_path), "--out", str(immutable / "r.html"))
    assert f"no permission to write in {immutable}" in refused(proc)


def sweep(tmp_path, *args: str, path: str | None = None) -> subprocess.CompletedProcess:
    study = tmp_path / "sweep.toml"
    study.write_text(THERMAL_COARSE + '\n[sweep.grid]\n"heat_sink.gap" = [0.05, 0.1]\n')
    env = {**os.environ, "PATH": path if path is not None else os.environ["PATH"]}
    cmd = [*warp_command(), "sweep", str(study), "--out", str(tmp_path / "out"), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)


def test_a_misspelt_scheduler_exits_2_before_any_case_is_written(tmp_path):
    message = refused(sweep(tmp_path, "--scheduler", "slrum"))
    assert "--scheduler slrum: expected one of local, slurm, pbs" in message
    assert "tcp://host:port" in message
    assert not (tmp_path / "out").exists()


def test_a_scheduler_address_nobody_answers_exits_1_before_any_case_is_written(tmp_path):
    with socket.socket() as s:  # a port that was free a moment ago
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    message = refused(sweep(tmp_path, "--scheduler", f"tcp://127.0.0.1:{port}"), code=1)
    assert "no scheduler answers there" in message
    assert not (tmp_path / "out").exists()


def fake_commands(folder: Path, **scripts: str) -> str:
    folder.mkdir()
    for name, body in scripts.items():
        (folder / name).write_text(f"#!/bin/sh\n{body}\n")
        (folder / name).chmod(0o755)
    return str(folder)


def test_slurm_without_sbatch_exits_2_before_any_case_is_written(tmp_path):
    path = fake_commands(tmp_path / "bin")
    message = refused(sweep(tmp_path, "--scheduler", "slurm", path=path))
    assert "sbatch is not on PATH" in message
    assert not (tmp_path / "out").exists()


def test_a_slurm_that_does_not_answer_exits_1_before_any_case_is_written(tmp_path):
    path = fake_commands(
        tmp_path / "bin",
        sbatch="exit 0",
        sinfo="echo 'slurm_load_partitions: Unable to contact slurm controller' >&2; exit 1",
    )
    message = refused(sweep(tmp_path, "--scheduler", "slurm", path=path), code=1)
    assert "the cluster does not answer (sinfo -h exited with 1: slurm_load_partitions" in message
    assert not (tmp_path / "out").exists()
