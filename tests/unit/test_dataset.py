"""The pure side of a run: the results Dataset from a StepTable, and the per-cycle analysis."""

from __future__ import annotations

import numpy as np
import pytest
from support import STUDY

from warp import hysteresis, results
from warp.dataset import StepTable, build
from warp.design import resolve
from warp.study_file import load_study


@pytest.fixture(scope="module")
def design():
    return resolve(load_study(STUDY, ["output.surface_grid=5", "reflow.enabled=false"]))


def _table(design) -> StepTable:
    lay, n = design.layout, design.study.output.surface_grid
    table = StepTable(
        grid_x=np.linspace(lay.carrier.x0, lay.carrier.x1, n),
        grid_y=np.linspace(lay.carrier.y0, lay.carrier.y1, n),
        interfaces=["die/mold", "mold/carrier"],
        attrs={
            "dofs": 10,
            "element": "P2",
            "solver": "cg",
            "mesh_cells": 4,
            "dolfinx_version": "0",
        },
    )
    for k, _ in enumerate(design.steps):
        table.append(
            warpage=-2.0 * k,
            coplanarity=2.0 * k,
            surface_dz=np.full((n, n), float(k)),
            bump_strain_eq=np.full(lay.bumps.count, 1e-4 * k),
            ball_strain_eq=np.full(lay.balls.count, 2e-4 * k),
            peel_stress_max=[k, 2 * k],
            shear_stress_max=[3 * k, 4 * k],
        )
    return table


def test_the_dataset_follows_the_contract_and_keeps_every_row(design):
    ds = build(design, _table(design))
    assert results.check(ds) == []
    steps = len(design.steps)
    assert ds.sizes["step"] == steps and ds.sizes["bump"] == design.layout.bumps.count
    assert ds["warpage"].values.tolist() == [-2.0 * k for k in range(steps)]
    assert ds["peel_stress_max"].sel(interface="mold/carrier").values[-1] == 2 * (steps - 1)
    assert ds["warpage"].attrs["units"] == "um" and ds.attrs["dofs"] == 10
    assert ds.attrs["study_id"] == design.study.study_id


def test_cycles_take_the_work_of_the_critical_face_and_judge_stabilisation(design):
    ds = build(design, _table(design))
    steps, joints = ds.sizes["step"], 3
    # cumulative work rising at face 1 by 1.0, 0.6, 0.59 per cycle; face 0 takes half
    per_cycle = np.array([1.0, 0.6, 0.59])
    bounds = [0, 2, 4, 6]
    work = np.zeros((steps, joints, 2))
    for c, w in enumerate(per_cycle):
        work[bounds[c + 1] :, :, 1] += w * np.arange(1, joints + 1)
        work[bounds[c + 1] :, :, 0] += 0.5 * w
    tensors = np.zeros((steps, joints, 2, 6))
    layers = {"bump": {"work": work, "p": 0.1 * work, "ep": tensors, "strain": tensors}}
    ds = ds.isel(bump=slice(0, joints))
    hysteresis.add_cycles(ds, design.study.cycling, layers, bounds)
    assert ds["bump_work_density"].values[:, 2] == pytest.approx(3 * per_cycle)
    assert ds["bump_critical_face"].values.tolist() == [1, 1, 1]
    assert ds["bump_inelastic_strain_per_cycle"].values[:, 0] == pytest.approx(0.1 * per_cycle)
    assert ds.attrs["critical_bump"] == 2
    assert ds.attrs["loop_stabilised_cycle"] == 3  # 0.6 -> 0.59 is within 2 %
