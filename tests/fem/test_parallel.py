"""Every FE test of this folder also runs collectively on two MPI ranks with the same answer."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support import ROOT, mpiexec

pytestmark = [
    pytest.mark.mpi,
    pytest.mark.skipif(mpiexec() is None, reason="no mpiexec on this machine"),
]
SERIAL_ONLY = ("test_mesh.py", "test_calculix.py", "test_board_thermal.py", "test_parallel.py")
"""Gmsh and the CalculiX deck run on one rank (the board's thermal metrics take their mesh
from the deck's serial mesher), and this file must not start itself again."""


def test_fem_tests_pass_on_two_ranks():
    ignored = [f"--ignore=tests/fem/{name}" for name in SERIAL_ONLY]
    cmd = [mpiexec(), "-n", "2", sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    cmd += ["-n", "0"]  # each rank runs the tests itself: no xdist workers under MPI
    cmd += ["-k", "not p1_bimetal", *ignored, "tests/fem"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert " passed" in proc.stdout and " failed" not in proc.stdout
