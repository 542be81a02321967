"""The study file: parsing, overrides, resolved printing, and refusal of bad input."""

from __future__ import annotations

import tomllib

import pytest
from support import ROOT, STUDY, run_warp

from warp.cli import main
from warp.errors import InputError
from warp.study_file import load_study

BAD = {
    # (override or file text, words the one-line message must contain)
    "unknown key": (
        ["heat_sink.thikness=0.2"],
        ["heat_sink.thikness", "allowed keys", "thickness"],
    ),
    "wrong type": (['heat_sink.gap="thin"'], ["heat_sink.gap", "'thin'", "number"]),
    "zero size": (
        ["heat_sink.thickness=0"],
        ["heat_sink.thickness", "0", "greater than 0 and at most 10 mm"],
    ),
    "negative size": (["carrier.size=[-12.0, 12.0]"], ["carrier.size", "-12.0", "greater than 0"]),
    "die larger than carrier": (["dies.0.size=[13.0, 8.0]"], ["dies.0.size", "13.0", "carrier"]),
    "bumps overlap": (["dies.0.bumps.pitch=0.1"], ["dies.0.bumps.pitch", "0.1", "diameter"]),
    "bumps stick out": (
        ["dies.0.bumps.edge_margin=0.02"],
        ["dies.0.bumps.edge_margin", "0.02", "at least"],
    ),
    "heat sink larger than body": (
        ["heat_sink.size=[12.5, 10.5]"],
        ["heat_sink.size", "12.5", "body"],
    ),
    "gap too large": (["heat_sink.gap=0.25"], ["heat_sink.gap", "0.25", "0.03-0.2"]),
    "gap too small": (["heat_sink.gap=0.01"], ["heat_sink.gap", "0.01", "0.03-0.2"]),
    "unknown material": (
        ["dies.0.material=unobtainium"],
        ["dies.0.material", "unobtainium", "silicon"],
    ),
    "unknown material override": (
        ["materials.kryptonite.E=1.0"],
        ["kryptonite", "unknown material", "silicon"],
    ),
    "unknown property override": (
        ["materials.silicon.stiffness=1.0"],
        ["stiffness", "allowed", "cte"],
    ),
    "balls taller than wide": (["balls.height=0.5"], ["balls.height", "0.5", "diameter"]),
    "literal": (['dies.0.bumps.pattern="ring"'], ["pattern", "ring", "perimeter"]),
}


def test_reference_study_resolves_and_round_trips():
    study = load_study(STUDY)
    text = study.to_toml()
    again = load_study_text(text, tmp_name="resolved.toml")
    assert again == study
    assert again.study_id == study.study_id


def load_study_text(text: str, tmp_name: str):
    path = ROOT / "tests" / f".{tmp_name}"
    try:
        path.write_text(text)
        return load_study(path)
    finally:
        path.unlink()


def test_set_overrides_dotted_keys():
    study = load_study(STUDY, ["heat_sink.gap=0.05", "dies.0.material=silicon"])
    assert study.heat_sink.gap == 0.05
    assert study.dies[0].material == "silicon"
    assert study.study_id != load_study(STUDY).study_id


def test_check_prints_resolved_study_with_units(capsys):
    assert main(["check", str(STUDY)]) == 0
    out = capsys.readouterr().out
    assert "gap = 0.1  # mm" in out
    assert "molding_temperature = 175.0  # degC" in out
    body = "\n".join(line for line in out.splitlines() if not line.startswith("#"))
    assert tomllib.loads(body)["heat_sink"]["gap"] == 0.1


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_refused_with_a_clear_message(case, capsys):
    overrides, words = BAD[case]
    with pytest.raises(InputError) as err:
        from warp.design import resolve

        resolve(load_study(STUDY, overrides))
    message = str(err.value)
    for word in words:
        assert word in message, f"{case}: {word!r} missing from: {message}"
    assert "\n" not in message


def test_toml_syntax_error_names_the_file_and_line(tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text("[die]\nsize = = 6.0\n")
    with pytest.raises(InputError) as err:
        load_study(bad)
    assert "broken.toml" in str(err.value) and "line" in str(err.value)


@pytest.mark.parametrize("command", ["run", "mesh"])
def test_bad_input_exits_2_without_traceback_or_output(tmp_path, command):
    out = tmp_path / "out"
    proc = run_warp(command, str(STUDY), "--out", str(out), "--set", "heat_sink.gap=0.3")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0
    assert "heat_sink.gap = 0.3" in proc.stderr
    assert not out.exists()


def test_missing_study_file_exits_2(tmp_path):
    proc = run_warp("check", str(tmp_path / "nope.toml"))
    assert proc.returncode == 2 and "no such study file" in proc.stderr
