"""The time-dependent process history: its stages in order, births and melts at the solidus."""

from __future__ import annotations

import itertools

import pytest
from support import STUDY

from warp.design import resolve
from warp.errors import InputError
from warp.history import process_history, stress_free_states
from warp.study_file import load_study

TIME_DEPENDENT = ["process.time_dependent=true", "cycling.enabled=true", "cycling.cycles=1"]
ORDER = [
    "flip-chip-attach",
    "molding",
    "ejection",
    "post-mold-cure",
    "mold-cooldown",
    "ball-attach",
    "reflow",
    "cycling",
]


def history(*overrides: str):
    return resolve(load_study(STUDY, [*TIME_DEPENDENT, *overrides])).steps


def stages(steps) -> list[str]:
    return [phase for phase, _ in itertools.groupby(s.phase for s in steps)]


def where(steps, part: str, event: str) -> list[int]:
    return [i for i, s in enumerate(steps) if part in getattr(s, event)]


def test_the_stages_come_in_process_order():
    steps = history()
    assert stages(steps) == ORDER  # each stage once, in this order
    assert all(b.time >= a.time for a, b in itertools.pairwise(steps))
    ends = {phase: [s for s in steps if s.phase == phase][-1] for phase in ORDER[:6]}
    for phase in ("flip-chip-attach", "ejection", "mold-cooldown", "ball-attach"):
        assert ends[phase].temperature == 25.0  # cooled to room
    assert ends["post-mold-cure"].label == "cured" and ends["post-mold-cure"].cure == 1.0
    assert ends["mold-cooldown"].label == "T_room"  # the summary's room-temperature warpage
    (gel,) = [s for s in steps if "mold" in s.born]
    assert (gel.phase, gel.label, gel.temperature, gel.cure) == ("molding", "T_gel", 175.0, 0.0)
    assert "heat_sink" in gel.born
    assert steps[0].temperature == 217.0 and steps[0].born == ("bumps",)


def test_the_balls_are_born_at_ball_attach_on_cooling_through_their_solidus():
    steps = history()
    births = where(steps, "balls", "born")
    last_cure = max(i for i, s in enumerate(steps) if s.phase == "post-mold-cure")
    assert births and births[0] > last_cure
    first = steps[births[0]]
    assert first.phase == "ball-attach" and first.temperature == 217.0
    assert steps[births[0] - 1].temperature > 217.0  # reached from above: solidified
    assert [steps[i].phase for i in births] == ["ball-attach", "reflow"]  # born again
    assert stress_free_states(steps, ["balls"])["balls"] == (
        "solidified at 217 degC (ball-attach); born again at its solidus in reflow"
    )


@pytest.mark.parametrize("solder, solidus", [("sac305", 217.0), ("snpb", 183.0)])
def test_every_solidus_crossing_is_a_step_where_the_joint_melts_or_is_born(solder, solidus):
    steps = history(f'dies.0.bumps.material="{solder}"', f'balls.material="{solder}"')
    for a, b in itertools.pairwise(steps):
        assert not min(a.temperature, b.temperature) < solidus < max(a.temperature, b.temperature)
    melts, births = where(steps, "bumps", "melted"), where(steps, "bumps", "born")
    assert [steps[i].phase for i in melts] == ["ball-attach", "reflow"]
    assert [steps[i].phase for i in births] == ["flip-chip-attach", "ball-attach", "reflow"]
    for i in melts:
        assert steps[i].temperature == solidus < steps[i + 1].temperature
    for i in births[1:]:
        assert steps[i].temperature == solidus < steps[i - 1].temperature
    assert all(m < b for m, b in zip(melts, births[1:], strict=True))  # melt, then solidify


def test_balls_of_a_lower_melting_solder_wait_for_ball_attach():
    """SnPb balls on SAC305 bumps: the flip-chip attach cools through 183 degC before the
    balls exist; they melt and solidify only from ball attach on, at 183 degC."""
    steps = history('balls.material="snpb"')
    births = where(steps, "balls", "born")
    assert [steps[i].phase for i in births] == ["ball-attach", "reflow"]
    assert {steps[i].temperature for i in births} == {183.0}
    assert [steps[i].phase for i in where(steps, "balls", "melted")] == ["reflow"]


def test_without_ball_attach_the_balls_solidify_with_the_bumps():
    steps = history("process.ball_attach=false", "reflow.enabled=false")
    assert "ball-attach" not in stages(steps)
    assert steps[0].born == ("bumps", "balls")


def test_a_post_mold_cure_oven_of_its_own_and_none():
    steps = history("process.post_mold_cure_temperature=150")
    assert max(s.temperature for s in steps if s.phase == "post-mold-cure") == 150.0
    steps = history("process.post_mold_cure=0")
    assert stages(steps)[:3] == ["flip-chip-attach", "molding", "mold-cooldown"]
    assert {s.cure for s in steps[-5:]} == {0.7}  # the cure stops at cure_at_molding


def test_stress_free_states_name_each_part_s_birth():
    steps = history()
    states = stress_free_states(steps, ["die", "mold", "bumps"])
    assert states["die"] == "217 degC at flip-chip-attach (the bump solidus, step 0)"
    assert states["mold"] == "gelation at 175 degC (molding)"
    assert states["bumps"] == (
        "solidified at 217 degC (flip-chip-attach); born again at its solidus in ball-attach, "
        "reflow"
    )


@pytest.mark.parametrize(
    "override, field",
    [
        ("process.post_mold_cure_temperature=230", "process.post_mold_cure_temperature = 230"),
        ("process.molding_temperature=20", "process.molding_temperature = 20"),
    ],
)
def test_process_temperatures_between_room_and_the_solidus(override, field):
    with pytest.raises(InputError, match=field):
        history(override)


def test_the_ball_attach_reflow_must_melt_the_balls():
    study = load_study(STUDY, TIME_DEPENDENT)
    with pytest.raises(InputError, match="must melt the balls, whose solder's solidus is 280"):
        process_history(study, {"bumps": 217.0, "balls": 280.0}, 0.8, 115.0)
