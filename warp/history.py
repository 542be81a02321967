"""Load histories: the temperature points a study solves, with their times and phases.

Temperatures in degC, times in s. The reflow profile follows one revision of the
IPC/JEDEC J-STD-020 classification profile throughout, `JSTD020_REVISION`
(reference-data.md 4.1, [S69]): its classification temperatures and its profile
limits; the defaults below also sit inside revision D's narrower limits ([S68]).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from warp.errors import InputError
from warp.study import Study


@dataclass(frozen=True)
class Step:
    """One solved point of the load history.

    `power` is None for an oven or chamber step (the whole package at
    `temperature`); otherwise the dies run at that fraction of their power in
    `temperature` ambient, in steady state (dt = 0) or after a transient step of dt s.
    """

    time: float  # s
    temperature: float  # degC
    phase: str  # "molding", "mold-cooldown", "reflow", "power-on", "power-cycling", ...
    label: str = ""  # profile corner name, e.g. "T_p"
    power: float | None = None
    dt: float = 0.0
    cure: float = 1.0  # share of the mold's post-gel cure shrinkage reached
    cycle: int = 0  # thermal cycle the step belongs to (1-based; 0 outside cycling)
    born: tuple[str, ...] = ()  # parts load-bearing from here, stress-free here (gel, solidus)
    melted: tuple[str, ...] = ()  # joints melting here (heating past their solidus): no load


@dataclass(frozen=True)
class ReflowProfile:
    """J-STD-020 classification profile corners (degC, s, K/s)."""

    t_smin: float
    t_smax: float
    t_liquidus: float
    peak: float
    preheat_time: float = 90.0  # within 60-180 s (rev C) [S69]; 60-120 s in rev D [S68]
    time_near_peak: float = 30.0  # within 5 K of the peak: 20-40 s Pb-free (rev C) [S69]
    ramp_up: float = 2.0  # <= 3 K/s [S69]
    ramp_down: float = 3.0  # <= 6 K/s [S69]


PROFILES = {
    "jstd020-pbfree": dict(t_smin=150.0, t_smax=200.0, t_liquidus=217.0),
    "jstd020-snpb": dict(t_smin=100.0, t_smax=150.0, t_liquidus=183.0, time_near_peak=20.0),
}  # SnPb time within 5 K of the peak: 10-30 s (rev C) [S69]
JSTD020_REVISION = "IPC/JEDEC J-STD-020C (July 2004)"
"""The one revision whose classification temperatures and profile limits the profiles use."""


def classification_peak(profile: str, thickness_mm: float, volume_mm3: float) -> float:
    """J-STD-020 peak (classification) temperature for a package thickness and volume.

    Pb-free: Table 4-2; SnPb: 240 degC for thin (< 2.5 mm) small (< 350 mm^3)
    packages, 225 degC otherwise ([S69]). Volume and thickness exclude balls.
    """
    if profile == "jstd020-snpb":
        return 240.0 if thickness_mm < 2.5 and volume_mm3 < 350.0 else 225.0
    if thickness_mm < 1.6:
        return 260.0
    column = 0 if volume_mm3 < 350 else (1 if volume_mm3 <= 2000 else 2)
    return (260.0, 250.0, 245.0)[column] if thickness_mm < 2.5 else (250.0, 245.0, 245.0)[column]


def _ramp(
    t0: float,
    temp0: float,
    temp1: float,
    rate: float,
    grid_step: float,
    grid_origin: float,
    phase: str,
    label: str = "",
    cure: float = 1.0,
    cycle: int = 0,
) -> list[Step]:
    """Steps after (t0, temp0) at `rate` K/s up to temp1, through the grid points between;
    the last one, at temp1, carries `label`.

    Intermediate points sit on one grid (grid_origin + k * grid_step), so heating and
    cooling pass through the same temperatures, which an elastic run solves only once.
    """
    lo, hi = sorted((temp0, temp1))
    k = np.arange(
        np.floor((lo - grid_origin) / grid_step), np.ceil((hi - grid_origin) / grid_step) + 1
    )
    grid = grid_origin + k * grid_step
    inner = grid[(grid > lo + 1e-9) & (grid < hi - 1e-9)]
    temps = np.append(inner if temp1 > temp0 else inner[::-1], temp1)
    times = t0 + np.abs(temps - temp0) / rate
    steps = [
        Step(float(t), float(te), phase, cure=cure, cycle=cycle)
        for t, te in zip(times, temps, strict=True)
    ]
    steps[-1] = replace(steps[-1], label=label)
    return steps


def _cooldown(study: Study, t0: float) -> list[Step]:
    """From the molding temperature at t0 (s) down to room temperature, ending at "T_room"."""
    p = study.process
    return _ramp(
        t0,
        p.molding_temperature,
        p.room_temperature,
        p.cooldown_rate,
        p.cooldown_step,
        p.room_temperature,
        "mold-cooldown",
        "T_room",
    )


def build_history(study: Study, package_thickness: float, package_volume: float) -> list[Step]:
    """Steps: stress-free at gelation (molding temperature, no cure shrinkage yet), fully
    cured at the molding temperature (the mold's post-gel chemical shrinkage applied),
    cool-down to room, then the reflow profile."""
    p = study.process
    if p.room_temperature >= p.molding_temperature:
        raise InputError(
            f"process.room_temperature = {p.room_temperature}: must be below "
            f"process.molding_temperature = {p.molding_temperature} degC"
        )
    steps = [
        Step(0.0, p.molding_temperature, "molding", "T_mold", cure=0.0),
        Step(0.0, p.molding_temperature, "molding", "T_cured", cure=1.0),
        *_cooldown(study, 0.0),
    ]
    if study.reflow.enabled:
        steps += reflow_steps(study, steps[-1].time, package_thickness, package_volume)
    if study.thermal.enabled:
        steps += power_steps(study, steps[-1].time)
    return steps


def power_steps(study: Study, t_start: float) -> list[Step]:
    """Steady power-on at ambient, then power cycles (off, on) solved in time."""
    th = study.thermal
    amb = th.ambient
    t = t_start + 1.0
    steps = [Step(t, amb, "power-on", "P_on", power=1.0)] if th.power_on else []
    c = th.cycling
    if c.cycles and not th.power_on:
        raise InputError("thermal.cycling.cycles > 0 needs thermal.power_on = true (its start)")
    for _ in range(c.cycles):
        for power, duration in ((0.0, c.off_time), (1.0, c.on_time)):
            dt = duration / c.steps_per_phase
            for k in range(c.steps_per_phase):
                t += dt
                label = ("P_off" if power == 0 else "P_on") if k == c.steps_per_phase - 1 else ""
                steps.append(Step(t, amb, "power-cycling", label, power=power, dt=dt))
    return steps


def reflow_steps(
    study: Study, t_start: float, package_thickness: float, package_volume: float
) -> list[Step]:
    """The J-STD-020 profile from room temperature to the peak and back."""
    r = study.reflow
    peak = r.peak
    if peak is None:
        peak = classification_peak(r.profile, package_thickness, package_volume)
    prof = ReflowProfile(peak=peak, **PROFILES[r.profile])
    room = study.process.room_temperature
    if not room < prof.t_smin:
        raise InputError(
            f"process.room_temperature = {room}: must be below the profile's preheat "
            f"start {prof.t_smin} degC"
        )
    if not prof.t_liquidus + 5.0 < peak <= 300.0:
        raise InputError(
            f"reflow.peak = {peak}: must lie above the liquidus + 5 K "
            f"({prof.t_liquidus + 5.0} degC) and at most 300 degC"
        )
    corners = [  # (temperature, duration to reach it from the previous corner or rate, label)
        (prof.t_smin, None, "T_smin"),
        (prof.t_smax, prof.preheat_time, "T_smax"),
        (prof.t_liquidus, None, "T_L"),
        (peak - 5.0, None, ""),
        (peak, prof.time_near_peak / 2, "T_p"),
        (peak - 5.0, prof.time_near_peak / 2, ""),
        (prof.t_liquidus, None, "T_L"),
        (room, None, "T_room"),
    ]
    steps, t, temp = [], t_start, room
    for target, duration, label in corners:
        if duration is not None:
            rate = abs(target - temp) / duration
        else:
            rate = prof.ramp_up if target > temp else prof.ramp_down
        steps += _ramp(t, temp, target, rate, r.sample_step, room, "reflow", label)
        t, temp = steps[-1].time, target
    return steps


CYCLING_PRESETS = {"-40/125": (-40.0, 125.0), "-55/125": (-55.0, 125.0), "0/100": (0.0, 100.0)}
"""JESD22-A104 temperature extremes (reference-data.md 4.2: -55/125 is condition B; the
letters of the others are not verified)."""


def _dwell(
    t0: float,
    temp: float,
    duration: float,
    count: int,
    phase: str,
    label: str,
    cure0: float = 1.0,
    cure1: float = 1.0,
    cycle: int = 0,
) -> list[Step]:
    """Points in a dwell, spaced geometrically (relaxation is fastest at the start)."""
    weights = 2.0 ** np.arange(count)
    ends = t0 + duration * np.cumsum(weights) / weights.sum()
    share = (ends - t0) / duration
    steps = [
        Step(float(t), temp, phase, "", cure=float(cure0 + (cure1 - cure0) * f), cycle=cycle)
        for t, f in zip(ends, share, strict=True)
    ]
    steps[-1] = Step(steps[-1].time, temp, phase, label, cure=cure1, cycle=cycle)
    return steps


ATTACHED_AT_START = ("bumps", "passive_joints")
"""Joints that solidify at flip-chip attach, the history's start (the passive joints too:
one assembly reflow)."""


def process_history(
    study: Study, solidus: dict[str, float], package_thickness: float, package_volume: float
) -> list[Step]:
    """Time-dependent history, stage by stage (the phase names):

    - "flip-chip-attach": step 0 at the bump solidus (stress-free), cool to room;
    - "molding": heat to the molding temperature, where the mold gels (born stress-free,
      with the heat sink placed in the chase) and cures in the chase to `cure_at_molding`;
    - "ejection": cool to room;
    - "post-mold-cure": heat to the cure oven, dwell until the cure is complete;
    - "mold-cooldown": cool to room, ending at "T_room" (straight after the in-mold cure
      when `post_mold_cure` = 0; the cure then stays at `cure_at_molding`);
    - "ball-attach" (balls and `process.ball_attach`): the J-STD-020 profile of
      `reflow.profile`; the balls are born as it cools through their solidus;
    - then the study's "reflow" and "cycling". With a board (`board.enabled`) that reflow is
      the board assembly, phase "board-assembly": the board and its pads are born stress-free
      where the balls are born in it (their solidus, cooling), unborn (no load) before; the
      cycling then runs on the board.

    `solidus` (degC) holds each joint part of the package. Every crossing of a joint's
    solidus is a step, where the joint melts (heating; no load until born again) or is
    born stress-free with fresh state (cooling): the steps' `born` and `melted`.
    """
    p = study.process
    room, mold = p.room_temperature, p.molding_temperature
    pmc = mold if p.post_mold_cure_temperature is None else p.post_mold_cure_temperature
    late = ("balls",) if "balls" in solidus and p.ball_attach else ()
    melting = min(t for part, t in solidus.items() if part not in late)
    for field, temp in (("molding_temperature", mold), ("post_mold_cure_temperature", pmc)):
        if not room < temp < melting:
            raise InputError(
                f"process.{field} = {temp}: must lie above process.room_temperature = {room} "
                f"and below the solidus of the joints then in the package, {melting} degC"
            )

    def ramp(temp1: float, rate: float, phase: str, label: str, cure: float) -> list[Step]:
        t0, temp0 = steps[-1].time, steps[-1].temperature
        return _ramp(t0, temp0, temp1, rate, p.cooldown_step, room, phase, label, cure=cure)

    cure = p.cure_at_molding
    steps = [Step(0.0, solidus["bumps"], "flip-chip-attach", "T_solidus", cure=0.0)]
    steps += ramp(room, p.assembly_cooling_rate, "flip-chip-attach", "attached", 0.0)
    steps += ramp(mold, p.heating_rate, "molding", "T_gel", 0.0)
    steps[-1] = replace(steps[-1], born=("mold", "heat_sink"))
    steps += _dwell(steps[-1].time, mold, p.molding_time, 3, "molding", "mold_cured", 0.0, cure)
    if p.post_mold_cure > 0:
        steps += ramp(room, p.cooldown_rate, "ejection", "ejected", cure)
        steps += ramp(pmc, p.heating_rate, "post-mold-cure", "", cure)
        steps += _dwell(steps[-1].time, pmc, p.post_mold_cure, 4, "post-mold-cure", "cured", cure)
        cure = 1.0
    steps += ramp(room, p.cooldown_rate, "mold-cooldown", "T_room", cure)
    later = []
    if late:
        later += ball_attach_steps(
            study, steps[-1].time, package_thickness, package_volume, solidus["balls"]
        )
    if study.reflow.enabled:
        reflow = reflow_steps(study, (later or steps)[-1].time, package_thickness, package_volume)
        if study.board.enabled:
            reflow = [replace(s, phase="board-assembly") for s in reflow]
        later += reflow
    if study.cycling.enabled:
        later += cycling_steps(study, (later or steps)[-1].time)
    steps += [replace(s, cure=cure) for s in later]
    steps = _joint_events(_through(steps, set(solidus.values())), solidus, late)
    return _board_assembly(steps) if study.board.enabled else steps


BOARD_PARTS = ("board", "board_pads")
"""Parts born at the board assembly, where the balls solidify on the board pads."""

REFLOW_PHASES = ("reflow", "board-assembly")
"""Phases that run the study's [reflow] profile: the package alone, or the board assembly."""


def _board_assembly(steps: list[Step]) -> list[Step]:
    """The steps with the board born where the balls are born in the board-assembly reflow;
    InputError when that reflow does not melt the balls (nothing would bond the board)."""
    at = next(
        (i for i, s in enumerate(steps) if s.phase == "board-assembly" and "balls" in s.born),
        None,
    )
    if at is None:
        peak = max(s.temperature for s in steps if s.phase == "board-assembly")
        raise InputError(
            f"reflow.peak = {peak:g}: with a board (board.enabled = true) the reflow is the "
            "board assembly and must melt the balls, which bond the board as they solidify"
        )
    steps[at] = replace(steps[at], born=steps[at].born + BOARD_PARTS)
    return steps


def ball_attach_steps(
    study: Study, t_start: float, package_thickness: float, package_volume: float, solidus: float
) -> list[Step]:
    """The ball-attach reflow: the J-STD-020 profile of `reflow.profile` (its peak as for
    the study's reflow), phase "ball-attach"; it must melt the ball solder (`solidus`, degC)."""
    steps = reflow_steps(study, t_start, package_thickness, package_volume)
    peak = max(s.temperature for s in steps)
    if peak <= solidus:
        raise InputError(
            f"reflow.peak = {peak}: the ball-attach reflow peaks there and must melt the balls, "
            f"whose solder's solidus is {solidus} degC"
        )
    return [replace(s, phase="ball-attach") for s in steps]


def _through(steps: list[Step], melting: set[float]) -> list[Step]:
    """The steps with a point "T_solidus" added wherever a ramp crosses one of the `melting`
    temperatures (degC) between two points; time and cure interpolated linearly."""
    out = steps[:1]
    for prev, step in zip(steps[:-1], steps[1:], strict=True):
        lo, hi = sorted((prev.temperature, step.temperature))
        for temp in sorted(
            (m for m in melting if lo + 1e-9 < m < hi - 1e-9),
            reverse=step.temperature < prev.temperature,
        ):
            f = (temp - prev.temperature) / (step.temperature - prev.temperature)
            out.append(
                replace(
                    step,
                    time=prev.time + f * (step.time - prev.time),
                    temperature=temp,
                    label="T_solidus",
                    cure=prev.cure + f * (step.cure - prev.cure),
                )
            )
        out.append(step)
    return out


def _joint_events(steps: list[Step], solidus: dict[str, float], late: tuple) -> list[Step]:
    """Mark where each joint is born and melts. A joint is attached from step 0, or, if
    in `late`, from the first "ball-attach" step; from then on it is born at a point at or
    below its solidus reached from above it (or at step 0), and melts at a point followed
    by one above its solidus."""
    start = {p: 0 for p in solidus}
    for part in late:
        start[part] = next(i for i, s in enumerate(steps) if s.phase == "ball-attach")
    solid: set[str] = set()
    out = []
    for i, step in enumerate(steps):
        born, melted = list(step.born), []
        for part, temp in solidus.items():
            if i < start[part]:
                continue
            if part in solid:
                if i + 1 < len(steps) and steps[i + 1].temperature > temp:
                    solid.discard(part)
                    melted.append(part)
            elif step.temperature <= temp and (i == 0 or steps[i - 1].temperature > temp):
                solid.add(part)
                born.append(part)
        out.append(replace(step, born=tuple(born), melted=tuple(melted)))
    return out


def stress_free_states(steps: list[Step], parts: list[str]) -> dict[str, str]:
    """Each part's stress-free state in words: where it was born (and born again, for a
    joint that melts later); a part never born in the history is stress-free at step 0."""
    start = steps[0]
    out = {}
    for part in parts:
        births = [s for s in steps if part in s.born]
        if not births:
            first = f"{start.temperature:g} degC at {start.phase} (the bump solidus, step 0)"
        elif part in BOARD_PARTS:
            first = (
                f"bonded to the balls at their solidus, {births[0].temperature:g} degC, on "
                f"cooling ({births[0].phase}); unborn, carrying no load, before"
            )
        elif births[0].phase == "molding":
            first = f"gelation at {births[0].temperature:g} degC ({births[0].phase})"
        else:
            first = f"solidified at {births[0].temperature:g} degC ({births[0].phase})"
        again = list(dict.fromkeys(s.phase for s in births[1:]))
        out[part] = first + (f"; born again at its solidus in {', '.join(again)}" if again else "")
    return out


def cycling_steps(study: Study, t_start: float) -> list[Step]:
    """JESD22-A104 cycles from room temperature: up to hot, then (hot dwell, down, cold
    dwell, up) per cycle; every ramp and dwell corner is a step."""
    c, room = study.cycling, study.process.room_temperature
    cold, hot = CYCLING_PRESETS[c.preset]
    rate = c.ramp_rate / 60.0  # K/s
    steps = _ramp(t_start, room, hot, rate, c.max_step, room, "cycling", cycle=1)
    for n in range(1, c.cycles + 1):
        dwell = c.dwell * 60.0
        steps += _dwell(steps[-1].time, hot, dwell, c.dwell_steps, "cycling", "hot", cycle=n)
        steps += _ramp(steps[-1].time, hot, cold, rate, c.max_step, room, "cycling", cycle=n)
        steps += _dwell(steps[-1].time, cold, dwell, c.dwell_steps, "cycling", "cold", cycle=n)
        steps += _ramp(
            steps[-1].time, cold, hot, rate, c.max_step, room, "cycling", "cycle_end", cycle=n
        )
    return steps
