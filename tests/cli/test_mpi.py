"""`mpiexec -n 2 warp run` gives the serial answer."""

from __future__ import annotations

import numpy as np
import pytest
from support import COARSE, STUDY, mpiexec, run_warp

from warp import results

pytestmark = pytest.mark.skipif(mpiexec() is None, reason="no mpiexec on this machine")


def test_two_ranks_match_serial(coarse_run, tmp_path):
    out = tmp_path / "mpi"
    proc = run_warp("run", str(STUDY), "--out", str(out), *COARSE, "--no-fields", ranks=2)
    assert proc.returncode == 0, proc.stderr
    serial = results.read(coarse_run / "results.nc")
    parallel = results.read(out / "results.nc")
    scale = float(np.abs(serial.warpage).max())
    assert np.abs(parallel.warpage - serial.warpage).max() <= 1e-6 * scale
    for name in ("bump_strain_eq", "peel_stress_max", "coplanarity"):
        a, b = serial[name].values, parallel[name].values
        assert np.allclose(a, b, rtol=1e-6, atol=1e-9 * np.nanmax(np.abs(a)), equal_nan=True), name
