"""Bad input through the installed `warp`: exit 2, one line naming the field, nothing written."""

from __future__ import annotations

from support import THERMAL_STUDY, run_warp


def test_power_on_a_missing_die_exits_2_before_the_output_folder_exists(tmp_path):
    study = tmp_path / "thermal.toml"
    study.write_text(THERMAL_STUDY)
    out = tmp_path / "out"
    proc = run_warp("run", str(study), "--out", str(out), "--set", "thermal.power.0.die=3")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0
    assert "thermal.power.0.die = 3" in proc.stderr
    assert "1 die(s)" in proc.stderr
    assert not out.exists()
