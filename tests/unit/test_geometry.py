"""Layout: joint arrays, designed volumes, symmetry decision."""

from __future__ import annotations

import math

import pytest
from support import STUDY

from warp.errors import InputError
from warp.geometry import build_layout, grid_positions, model_symmetry
from warp.study_file import load_study


def test_full_and_perimeter_arrays_have_the_expected_counts():
    full = grid_positions((2.0, 2.0), 0.5, 0.25, "full", 1)
    assert len(full) == 16
    ring = grid_positions((2.0, 2.0), 0.5, 0.25, "perimeter", 1)
    assert len(ring) == 12
    assert abs(full.mean(axis=0)).max() < 1e-12  # centred


def test_reference_layout_stack_and_volumes():
    study = load_study(STUDY)
    lay = build_layout(study)
    assert lay.heat_sink.z1 == pytest.approx(0.264 + 0.08 + 0.15 + 0.1 + 0.2)
    assert lay.gap.thickness == pytest.approx(0.1)
    vol = lay.part_volumes()
    body = 12 * 12 * (lay.body.z1 - lay.carrier.z1)
    assert vol["mold"] + vol["die"] + vol["heat_sink"] + vol["bumps"] == pytest.approx(body)
    r, h = 0.205, 0.25
    assert lay.balls.joint_volume == pytest.approx(math.pi * (r * r * h - h**3 / 12))


def test_quarter_symmetry_needs_a_symmetric_crystal():
    study = load_study(STUDY)
    assert model_symmetry(study) == "quarter"
    tilted = load_study(STUDY, ["materials.silicon.crystal_angle=30.0"])
    assert model_symmetry(tilted) == "full"
    with pytest.raises(InputError, match="not mirror-symmetric"):
        model_symmetry(
            load_study(STUDY, ["materials.silicon.crystal_angle=30.0", 'mesh.symmetry="quarter"'])
        )


def test_the_terminal_zone_runs_through_the_outermost_ball_centres():
    lay = build_layout(load_study(STUDY))
    x0, x1, y0, y1 = lay.terminal_zone
    assert (x0, x1) == (lay.balls.xy[:, 0].min(), lay.balls.xy[:, 0].max())
    assert (y0, y1) == (lay.balls.xy[:, 1].min(), lay.balls.xy[:, 1].max())
    assert x1 < lay.carrier.x1
    bare = build_layout(load_study(STUDY, ["balls.enabled=false"]))
    assert bare.terminal_zone == (
        bare.carrier.x0,
        bare.carrier.x1,
        bare.carrier.y0,
        bare.carrier.y1,
    )
