"""Design of experiments: a study file's [sweep] table expanded into validated cases.

Pure Python. Every case is the base study with some keys set, validated like a
study file and built as a layout before anything runs (a bad value names the
case and the key), and
identified by the content hash of its resolved study.
"""

from __future__ import annotations

import copy
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import ValidationError
from scipy.stats import qmc

from warp.design import resolve
from warp.errors import InputError
from warp.study import Study
from warp.study_file import apply_override, read_raw, set_value, validate_study
from warp.sweep.spec import Sweep


@dataclass(frozen=True)
class Case:
    """One design: its settings (study key -> value) and the validated study."""

    index: int
    settings: dict
    study: Study

    @property
    def case_id(self) -> str:
        return self.study.study_id


@dataclass(frozen=True)
class SweepPlan:
    """The cases and how they map onto dataset dimensions.

    Structured sweeps have one dimension per grid key and one per zipped group
    (named by its first key), `dims` in order with their `labels`; sampled sweeps
    have the single dimension "case".
    """

    source: str
    sweep: Sweep
    cases: list[Case]
    dims: list[str]
    labels: dict[str, list]  # dim -> coordinate values
    positions: list[tuple[int, ...]]  # per case: its index along each dim

    @property
    def structured(self) -> bool:
        return self.dims != ["case"]


def label(value) -> float | int | str:
    """A coordinate value for a setting: numbers stay numbers, the rest become text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value if isinstance(value, str) else json.dumps(value)
    return value


def load_sweep(path: str | Path, overrides: list[str] = ()) -> SweepPlan:
    """Read a study file with a [sweep] table and expand it; InputError on any bad case."""
    raw = read_raw(path)
    if "sweep" not in raw:
        raise InputError(f"{path}: no [sweep] table; add one (see README, Parametric sweeps)")
    try:
        sweep = Sweep.model_validate(raw.pop("sweep"))
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        raise InputError(f"{path}: sweep{'.' + loc if loc else ''}: {msg}") from None
    for item in overrides:
        apply_override(raw, item)
    validate_study(raw, source=str(path))  # the base design itself must be valid
    settings, dims, labels, positions = _designs(sweep)
    cases = []
    for index, values in enumerate(settings):
        case_raw = copy.deepcopy(raw)
        where = f"{path}: sweep case {index} ({_describe(values)})"
        for key, value in values.items():
            set_value(case_raw, key, value, where)
        study = validate_study(case_raw, source=where)
        try:
            resolve(study)  # a design that cannot be built or solved fails here, not on a node
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
        cases.append(Case(index, values, study))
    ids = [c.case_id for c in cases]
    if len(set(ids)) < len(ids):
        first = next(i for i in ids if ids.count(i) > 1)
        twins = [c.index for c in cases if c.case_id == first]
        raise InputError(f"{path}: sweep cases {twins} resolve to the same design; remove one")
    return SweepPlan(str(path), sweep, cases, dims, labels, positions)


def _describe(values: dict) -> str:
    return ", ".join(f"{k}={json.dumps(v)}" for k, v in values.items())


def _designs(sweep: Sweep) -> tuple[list[dict], list[str], dict, list[tuple]]:
    """Settings of every case, the dims, their labels and each case's position."""
    if sweep.cases:
        n = len(sweep.cases)
        return [dict(c) for c in sweep.cases], ["case"], {"case": list(range(n))}, _flat(n)
    if sweep.latin_hypercube is not None:
        lhs = sweep.latin_hypercube
        keys = list(lhs.ranges)
        low = np.array([lhs.ranges[k][0] for k in keys])
        high = np.array([lhs.ranges[k][1] for k in keys])
        if np.any(low >= high):
            bad = keys[int(np.argmax(low >= high))]
            raise InputError(f"sweep.latin_hypercube.ranges.{bad}: low must be below high")
        unit = qmc.LatinHypercube(d=len(keys), seed=lhs.seed).random(lhs.samples)
        points = qmc.scale(unit, low, high)
        settings = [
            {k: float(f"{v:.6g}") for k, v in zip(keys, row, strict=True)} for row in points
        ]
        return settings, ["case"], {"case": list(range(lhs.samples))}, _flat(lhs.samples)
    axes = [(key, [{key: v} for v in values]) for key, values in sweep.grid.items()]
    if sweep.zipped:
        keys = list(sweep.zipped)
        n = len(sweep.zipped[keys[0]])
        axes.append((keys[0], [{k: sweep.zipped[k][i] for k in keys} for i in range(n)]))
    dims = [name for name, _ in axes]
    labels = {name: [label(choice[name]) for choice in choices] for name, choices in axes}
    settings, positions = [], []
    for combo in itertools.product(*(range(len(choices)) for _, choices in axes)):
        merged = {}
        for (_, choices), i in zip(axes, combo, strict=True):
            merged.update(choices[i])
        settings.append(merged)
        positions.append(combo)
    return settings, dims, labels, positions


def _flat(n: int) -> list[tuple[int]]:
    return [(i,) for i in range(n)]
