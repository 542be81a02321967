"""Sweep results: the cases' datasets combined into one (read back by `results.split_sweep`).

Cases may differ in their number of steps, bumps, balls or grid points, so each
is padded to the largest (NaN, or "" for text) before stacking; `case_*`
variables say which case each slice is (id, settings, status, study) so that
the padding can be removed again. Structured sweeps get one
dimension per swept parameter, sampled sweeps a `case` dimension.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import numpy as np
import xarray as xr

from warp.errors import RunError
from warp.sweep.cases import SweepPlan

PADDED = ("step", "bump", "ball", "x", "y", "wire", "xyz", "cycle", "component")
"""Per-case dims whose length may differ between cases (their positions carry no label)."""


def _pad(ds: xr.Dataset, sizes: dict[str, int]) -> xr.Dataset:
    ds = ds.drop_indexes([d for d in PADDED if d in ds.indexes])
    widths = {d: (0, sizes[d] - ds.sizes[d]) for d in sizes if d in ds.dims}
    padded = ds.pad({d: w for d, w in widths.items() if w[1] > 0})
    for name, var in padded.variables.items():
        if var.dtype == object or var.dtype.kind == "U":
            padded[name] = var.copy(
                data=np.where(_is_missing(var.values), "", var.values).astype(str)
            )
    return padded


def _is_missing(values: np.ndarray) -> np.ndarray:
    return np.array(
        [v is None or (isinstance(v, float) and np.isnan(v)) for v in values.ravel()]
    ).reshape(values.shape)


def combine(plan: SweepPlan, found: dict[int, xr.Dataset], status: dict[int, str]) -> xr.Dataset:
    """One dataset from the finished cases (`found`: case index -> results); missing cases
    are NaN with their status."""
    if not found:
        raise RunError("no case of the sweep finished: nothing to combine")
    sizes = {}
    for ds in found.values():
        for d in PADDED:
            if d in ds.dims:
                sizes[d] = max(sizes.get(d, 0), ds.sizes[d])
    indices = sorted(found)
    stacked = xr.concat(
        [_pad(found[i], sizes) for i in indices],
        dim="case",
        data_vars="all",
        coords="all",
        join="outer",
        combine_attrs="drop_conflicts",
    )
    stacked = stacked.assign_coords(case=("case", indices)).reindex(case=range(len(plan.cases)))
    for name, var in list(stacked.variables.items()):
        if var.dtype == object:
            stacked[name] = var.copy(
                data=np.where(_is_missing(var.values), "", var.values).astype(str)
            )
    cases = plan.cases
    for name, values, text in (
        ("case_id", [c.case_id for c in cases], "study_id of the case (its folder in cases/)"),
        ("case_settings", [json.dumps(c.settings) for c in cases], "swept settings, JSON"),
        ("case_status", [status.get(c.index, "missing") for c in cases], "done/failed/missing"),
    ):
        stacked.coords[name] = ("case", values, {"units": "-", "long_name": text})
    for key in sorted({k for ds in found.values() for k in ds.attrs}):
        values = {str(found[i].attrs.get(key, "")) for i in indices}
        if len(values) > 1 or key in ("study", "study_id", "created"):
            per_case = [
                str(found[c.index].attrs.get(key, "")) if c.index in found else "" for c in cases
            ]
            stacked.coords[f"case_attr_{key}"] = (
                "case",
                per_case,
                {"units": "-", "long_name": f"attribute {key} of each case"},
            )
            stacked.attrs[key] = f"per case: case_attr_{key}"
    ids = "".join(c.case_id for c in cases)
    stacked.attrs.update(
        study=Path(plan.source).read_text(),
        study_id=hashlib.sha256(ids.encode()).hexdigest()[:12],
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        variant=", ".join(sorted({c.study.variant for c in cases})),
        sweep_dims=json.dumps(plan.dims),
    )
    if not plan.structured:
        return stacked
    for k, dim in enumerate(plan.dims):
        values = [plan.labels[dim][pos[k]] for pos in plan.positions]
        stacked = stacked.assign_coords({dim: ("case", values)})
    return stacked.set_index(case=plan.dims).unstack("case").transpose(*plan.dims, ...)
