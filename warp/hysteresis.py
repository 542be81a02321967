"""The hysteresis loop of every joint over thermal cycling (pure xarray/numpy).

`add_cycles` turns the per-step Darveaux-layer series of a run into per-cycle
results (work density, inelastic strain per cycle, layer strain tensors) and
judges whether the loop stabilised; `stabilised_loop` reads one cycle back as a
`Loop`. Every fatigue model takes the same `Loop`, so the models can be
compared: the cycle used is the first stabilised one (`loop_stabilised_cycle`)
or, when the loop never stabilised, the last cycle simulated (`FIRST_CYCLE` says
how the open first cycle is treated). Ball fatigue needs the package on a board: without
one the balls' per-cycle results are NaN, with the reason (`ball_fatigue_reason`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from warp import results
from warp.errors import InputError
from warp.history import CYCLING_PRESETS
from warp.study import Cycling, Study

SECONDS_PER_DAY = 86400.0
LAYER_KEYS = ("work", "p", "ep", "strain")
"""Darveaux-layer series per joint: accumulated work (MPa), accumulated equivalent inelastic
strain, inelastic and mechanical strain tensors."""
FIRST_CYCLE = (
    "cycle 1 starts from room temperature (a ramp up to the hot extreme, then hot dwell, "
    "down, cold dwell, up), so it is an open loop holding the start-up ramp; it is never "
    "taken as the stabilised loop (cycle n is compared with cycle n - 1 from n = 2 on, so "
    "a 2-cycle run is judged against it) and is used only when it is the only cycle "
    "simulated, then as the last cycle, not stabilised"
)
"""How the loop choice treats the first cycle, in words (results attrs, report, README)."""
NO_BOARD = (
    "no board: the balls hang free under the carrier; ball fatigue needs the package on a "
    "board (board.enabled)"
)
"""Why a run without a board reports no ball fatigue: nothing holds the ball tips, so their
strains are not those of board-level cycling (issue 14)."""


def ball_fatigue_reason(study: Study) -> str:
    """Why the study's ball fatigue is not reported ("" when it is: the package is on a
    board). The one rule behind every NaN ball result, here and in `warp.fatigue`."""
    return "" if study.board.enabled else NO_BOARD


@dataclass(frozen=True)
class Loop:
    """One cycle of one joint kind ("bump" or "ball"); arrays are per joint.

    Strain ranges are the largest von Mises equivalent of the change of the
    layer-averaged strain tensor between any two points of the cycle, given as
    equivalent shear strain (sqrt(3) x the normal equivalent).
    """

    kind: str
    cycle: int
    stabilised: bool
    work_density_MPa: np.ndarray
    accumulated_strain: np.ndarray  # equivalent inelastic strain accumulated in the cycle
    inelastic_shear_range: np.ndarray
    shear_range: np.ndarray  # mechanical (elastic + inelastic) strain
    t_min_degC: float
    t_max_degC: float
    period_s: float
    dwell_min: float  # half-cycle dwell: the soak at each extreme

    @property
    def basis(self) -> str:
        """Which cycle the lives rest on, in words."""
        if self.stabilised:
            return f"stabilised loop (cycle {self.cycle})"
        return f"last cycle simulated (cycle {self.cycle}), loop not stabilised"

    @property
    def t_mean_degC(self) -> float:
        return 0.5 * (self.t_min_degC + self.t_max_degC)

    @property
    def cycles_per_day(self) -> float:
        return SECONDS_PER_DAY / self.period_s


def cycle_bounds(ds: xr.Dataset) -> np.ndarray:
    """Step indices where each cycle starts and ends: the step before cycling, then each
    `cycle_end` corner."""
    phase, label = ds["phase"].values, ds["label"].values
    cycling = np.flatnonzero(phase == "cycling")
    if len(cycling) == 0:
        raise InputError("the results hold no thermal cycling (phase 'cycling')")
    ends = np.flatnonzero(label == "cycle_end")
    return np.concatenate([[cycling[0] - 1], ends])


def equivalent_shear_range(tensors: np.ndarray) -> np.ndarray:
    """Largest sqrt(3) x von Mises equivalent of a change between two rows.

    `tensors` is (points, joints, 6) in tensor components (xx, yy, zz, yz, xz, xy).
    """
    diff = tensors[:, None] - tensors[None, :]  # (i, j, joint, 6)
    dev = diff.copy()
    mean = diff[..., :3].sum(axis=-1, keepdims=True) / 3.0
    dev[..., :3] -= mean
    norm2 = (dev[..., :3] ** 2).sum(axis=-1) + 2.0 * (dev[..., 3:] ** 2).sum(axis=-1)
    eq = np.sqrt(2.0 / 3.0 * norm2)  # von Mises equivalent strain
    return np.sqrt(3.0) * eq.max(axis=(0, 1))


def stabilised_loop(ds: xr.Dataset, kind: str, cycling: Cycling) -> Loop:
    """The loop every fatigue model uses, for "bump" or "ball" joints; `cycling` is the
    study's profile (its period and dwell)."""
    name = f"{kind}_work_density"
    if name not in ds:
        raise InputError(f"the results hold no {name}: run with cycling.enabled = true")
    bounds = cycle_bounds(ds)
    n_cycles = ds.sizes["cycle"]
    stable = int(ds.attrs.get("loop_stabilised_cycle", -1))
    cycle = stable if 0 < stable <= n_cycles else n_cycles
    first, last = bounds[cycle - 1], bounds[cycle]
    steps = slice(first, last + 1)
    temps = ds["temperature"].values[steps]
    cold, hot = CYCLING_PRESETS[cycling.preset]
    return Loop(
        kind=kind,
        cycle=cycle,
        stabilised=stable > 0,
        work_density_MPa=ds[name].values[cycle - 1],
        accumulated_strain=ds[f"{kind}_inelastic_strain_per_cycle"].values[cycle - 1],
        inelastic_shear_range=equivalent_shear_range(
            ds[f"{kind}_layer_inelastic_strain"].values[steps]
        ),
        shear_range=equivalent_shear_range(ds[f"{kind}_layer_strain"].values[steps]),
        t_min_degC=float(temps.min()),
        t_max_degC=float(temps.max()),
        period_s=2 * (hot - cold) / (cycling.ramp_rate / 60.0) + 2 * cycling.dwell * 60.0,
        dwell_min=cycling.dwell,
    )


def averaging(cycling: Cycling) -> str:
    """The Darveaux volume averaging of a run, in words (results attrs)."""
    n, t = cycling.interface_elements, cycling.interface_layer
    return (
        f"Darveaux: volume average over the {n} swept element layer(s), {t / n * 1e3:g} um "
        f"each, that make up the {t * 1e3:g} um next to the joint's critical bonded face "
        "(whole element layers, as the constants were calibrated)"
    )


def add_cycles(
    ds: xr.Dataset, cycling: Cycling, layers: dict[str, dict[str, list]], bounds: list[int]
) -> None:
    """Per cycle and joint, at the joint's critical face (the bonded face whose layer took
    the most work in the last cycle): work density, accumulated inelastic strain, and the
    strain tensors at every step for strain ranges; whether the loop stabilised.

    `layers[kind][key]` are per-step arrays (joint, face, ...) of the `LAYER_KEYS`;
    `bounds` the steps where each cycle starts and ends. The ball results are NaN, with
    the reason in their attrs, when `ds.attrs["ball_fatigue_reason"]` says why
    (`ball_fatigue_reason`, recorded by `warp.dataset.build`).
    """
    ball_reason = ds.attrs.get("ball_fatigue_reason", "")
    ds.coords["cycle"] = results.coordinate("cycle", np.arange(1, len(bounds)))
    ds.coords["component"] = results.coordinate("component", list(results.COMPONENTS))
    for kind, series_of in layers.items():
        series = {key: np.array(series_of[key]) for key in LAYER_KEYS}  # (step, joint, face, ..)
        work = np.diff(series["work"][bounds], axis=0)
        face = np.argmax(np.nan_to_num(work[-1], nan=-np.inf), axis=1)
        joints = np.arange(len(face))
        at_face = {key: v[:, joints, face] for key, v in series.items()}
        per_cycle = {
            "work_density": work[:, joints, face],
            "inelastic_strain_per_cycle": np.diff(at_face["p"][bounds], axis=0),
            "layer_inelastic_strain": at_face["ep"],
            "layer_strain": at_face["strain"],
            "critical_face": face,
        }
        for suffix, values in per_cycle.items():
            name = f"{kind}_{suffix}"
            blank = kind == "ball" and bool(ball_reason)
            ds[name] = results.variable(name, np.full(values.shape, np.nan) if blank else values)
            ds[name].attrs["averaging_layer_mm"] = cycling.interface_layer
            ds[name].attrs["averaging_element_layers"] = cycling.interface_elements
            if blank:
                ds[name].attrs["ball_fatigue_reason"] = ball_reason
        ds[f"{kind}_work_density"].attrs["averaging"] = averaging(cycling)
    w = ds["bump_work_density"].values
    critical = int(np.argmax(w[-1]))
    change = np.abs(np.diff(w[:, critical])) / np.maximum(w[1:, critical], 1e-30)
    stable = np.flatnonzero(change <= cycling.stabilised)
    ds.attrs["loop_stabilised_cycle"] = int(stable[0] + 2) if len(stable) else -1
    ds.attrs["loop_stabilised_tolerance"] = cycling.stabilised
    ds.attrs["critical_bump"] = critical
