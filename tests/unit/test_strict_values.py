"""Values are read strictly (no bool for a number, no text for a bool), and an error caused
by a `--set` names the `--set`, not the study file."""

from __future__ import annotations

import pytest
from support import STUDY

import warp
from warp.errors import InputError
from warp.study_file import load_study


def _refusal(overrides: list[str], path=STUDY) -> str:
    with pytest.raises(InputError) as err:
        load_study(path, overrides)
    message = str(err.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        (
            "mesh.refinement=true",
            "--set mesh.refinement=true: mesh.refinement = True: expected a valid number",
        ),
        (
            "balls.enabled=yes",
            "--set balls.enabled=yes: balls.enabled = 'yes': expected a valid boolean",
        ),
        ("balls.enabled=1", "--set balls.enabled=1: balls.enabled = 1: expected a valid boolean"),
        ('heat_sink.gap="0.05"', "heat_sink.gap = '0.05': expected a valid number"),
        ("dies.0.bumps.rows=2.0", "dies.0.bumps.rows = 2.0: expected a valid integer"),
        ("materials.copper.E=true", "materials.copper.E = True: expected a valid number"),
    ],
)
def test_a_set_value_of_the_wrong_type_is_not_coerced(override, expected):
    message = _refusal([override])
    assert message.startswith(f"--set {override}: ")
    assert expected in message
    assert str(STUDY) not in message


def test_an_integer_is_a_float_where_a_float_is_expected():
    study = load_study(STUDY, ["mesh.refinement=2", "materials.copper.E=100000"])
    assert isinstance(study.mesh.refinement, float) and study.mesh.refinement == 2.0
    assert study.materials["copper"]["E"] == 100000.0


def test_study_files_are_read_as_strictly(tmp_path):
    path = tmp_path / "study.toml"
    path.write_text("mechanics = 1\n" + STUDY.read_text())
    message = _refusal([], path)
    assert message.startswith(f"{path}: mechanics = 1: expected a valid boolean")


@pytest.mark.parametrize(
    ("override", "words"),
    [
        ("heat_sink.gap=5", ["heat_sink.gap = 5", "at most 1 mm"]),
        ("materials.copper.E=-1", ["materials.copper.E = -1.0", "must be > 0 MPa"]),
        ("materials.copper.Ee=1", ["materials.copper.Ee: unknown property"]),
        ("materials.kryptonite.E=1", ["materials.kryptonite: unknown material"]),
        ("thermal.power=[{die = 1, watts = 1e9}]", ["thermal.power.0.watts", "at most 1000 W"]),
        ("carrier.kind=leadframe", ["carrier.leadframe", "is required"]),  # a rule on carrier
        ("mesh.refinment=2", ["unknown key 'mesh.refinment'"]),
    ],
)
def test_an_error_caused_by_a_set_names_the_set(override, words):
    message = _refusal(["output.surface_grid=21", override, "reflow.sample_step=60"])
    assert message.startswith(f"--set {override}: "), message
    assert str(STUDY) not in message
    for word in words:
        assert word in message, f"{word!r} missing from: {message}"


def test_an_error_in_the_file_still_names_the_file(tmp_path):
    path = tmp_path / "study.toml"
    path.write_text(STUDY.read_text() + "\n[materials.copper]\nE = -1.0\n")
    for overrides in ([], ["materials.copper.k=390.0"], ["materials.silicon.k=120.0"]):
        message = _refusal(overrides, path)
        assert message.startswith(f"{path}: materials.copper.E = -1.0: Young's modulus"), message


def test_the_last_set_of_a_key_is_named():
    message = _refusal(["heat_sink.gap=0.05", "heat_sink.gap=5"])
    assert message.startswith("--set heat_sink.gap=5: ")


def test_an_api_setting_is_named_as_a_setting():
    with pytest.raises(InputError) as err:
        warp.load_study(STUDY, settings={"heat_sink.gap": -1.0})
    assert str(err.value).startswith("settings['heat_sink.gap']: heat_sink.gap = -1.0: ")
