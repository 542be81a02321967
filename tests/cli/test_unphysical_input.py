"""Unphysical values through the installed `warp`: exit 2, one line, nothing written."""

from __future__ import annotations

from support import STUDY, run_warp


def test_run_with_a_negative_modulus_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    proc = run_warp("run", str(STUDY), "--set", "materials.copper.E=-1", "--out", str(out))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0
    assert (
        "--set materials.copper.E=-1: materials.copper.E = -1.0: Young's modulus must be > 0 MPa"
        in proc.stderr
    )
    assert not out.exists()


def test_check_refuses_a_boolean_for_a_number_naming_the_set():
    proc = run_warp("check", str(STUDY), "--set", "mesh.refinement=true")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("warp: error: --set mesh.refinement=true: ")
    assert proc.stdout == ""
