"""The Darveaux averaging layer: checked against the joints before anything is meshed, and
stated in the results as the procedure the constants were calibrated with."""

from __future__ import annotations

import pytest
from support import SMALL, STUDY

from warp.design import resolve
from warp.errors import InputError
from warp.hysteresis import averaging
from warp.study_file import load_study


@pytest.mark.parametrize(
    "overrides, field, height",
    [
        (["cycling.interface_layer=0.04"], "dies.0.bumps.height", 0.08),
        (["dies.0.bumps.height=0.3", "cycling.interface_layer=0.13"], "balls.height", 0.25),
    ],
)
def test_a_layer_that_does_not_fit_twice_into_a_stand_off_is_refused(overrides, field, height):
    """Both faces of a joint get a swept layer, so two must fit inside its stand-off."""
    with pytest.raises(InputError) as err:
        resolve(load_study(STUDY, [*SMALL, *overrides]))
    message = str(err.value)
    assert message.startswith(f"cycling.interface_layer = {overrides[-1].split('=')[1]}:")
    assert f"{height:g} mm stand-off ({field})" in message


def test_an_elastic_run_takes_no_layer_averages_and_is_not_refused():
    study = load_study(STUDY, ["cycling.interface_layer=0.04"])
    assert not resolve(study).study.process.time_dependent


def test_the_averaging_is_stated_in_whole_element_layers():
    cycling = load_study(STUDY, ["cycling.interface_layer=0.0254"]).cycling
    assert cycling.interface_elements == 2
    text = averaging(cycling)
    assert "2 swept element layer(s), 12.7 um each" in text
    assert "25.4 um next to the joint's critical bonded face" in text
