"""Switches that contradict each other are refused with a message, not silently dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import SMALL, STUDY, THERMAL_STUDY

from warp.design import resolve
from warp.errors import InputError
from warp.study_file import load_study


def _refusal(overrides: list[str], path: Path = STUDY) -> str:
    study = load_study(path, overrides)
    with pytest.raises(InputError) as err:
        resolve(study)
    message = str(err.value)
    assert "\n" not in message
    return message


@pytest.fixture
def thermal_study(tmp_path) -> Path:
    path = tmp_path / "thermal.toml"
    path.write_text(THERMAL_STUDY)
    return path


def test_time_dependent_with_power_cycling_is_refused(thermal_study):
    overrides = ["process.time_dependent=true", "mechanics=true", "thermal.cycling.cycles=2"]
    message = _refusal(overrides, thermal_study)
    assert message.startswith("thermal.cycling.cycles = 2: power cycling drives the elastic")
    assert "process.time_dependent = true" in message


def test_time_dependent_without_mechanics_is_refused():
    message = _refusal(["process.time_dependent=true", "mechanics=false"])
    assert message.startswith("mechanics = false: the time-dependent history")
    assert "mechanical solve" in message


def test_nothing_to_solve_is_refused():
    message = _refusal(["mechanics=false"])
    assert message.startswith("mechanics = false: with thermal.enabled = false")
    assert "nothing to solve" in message


def test_cycling_without_time_dependent_keeps_its_message():
    message = _refusal(["cycling.enabled=true"])
    assert message.startswith("cycling.enabled = true: thermal cycling needs")


@pytest.mark.parametrize("part", ["dies.0.bumps.material", "balls.material"])
def test_time_dependent_joints_must_be_solder(part):
    message = _refusal([f"{part}=copper", "process.time_dependent=true"])
    assert message.startswith(f"{part} = 'copper': the time-dependent history")
    assert "copper has no solidus and no anand constants" in message


def test_the_combinations_that_are_built_still_resolve(thermal_study):
    assert resolve(load_study(STUDY, SMALL)).study.process.time_dependent
    assert not resolve(load_study(thermal_study)).study.mechanics  # thermal only
    assert resolve(load_study(thermal_study, ["mechanics=true"])).study.thermal.enabled
    both = ["mechanics=true", "process.time_dependent=true"]  # JESD51 metrics on a life run
    assert resolve(load_study(thermal_study, both)).study.thermal.enabled
