"""Model size before meshing: joint counts by arithmetic, the cell/DOF/memory estimate
against measured meshes, and the refusals of designs the mesh cannot make or resolve."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from support import ROOT, STUDY

from warp import model_size
from warp.design import resolve
from warp.errors import InputError
from warp.geometry import build_layout, grid_count, grid_positions, model_symmetry
from warp.study_file import load_study
from warp.sweep.cases import load_sweep

FINE_BUMPS = ['dies.0.bumps.pattern="full"', "dies.0.bumps.pitch=0.05"]
FINE_BUMPS += ["dies.0.bumps.diameter=0.03"]  # 32,364 bumps
HUGE_CARRIER = ["carrier.size=[100, 100]", "balls.pitch=0.3", "balls.diameter=0.2"]
HUGE_CARRIER += ["balls.height=0.15"]  # 110,224 balls


def _estimate(overrides: list[str] = ()) -> model_size.ModelSize:
    study = load_study(STUDY, list(overrides))
    return model_size.estimate(study, build_layout(study), model_symmetry(study))


@pytest.mark.parametrize(
    "size, pitch, margin, pattern, rows",
    list(
        itertools.product(
            [(2.0, 2.0), (3.3, 2.5), (9.36, 8.76)],
            [0.25, 0.4],
            [0.25, 0.3],
            ["full", "perimeter"],
            [1, 2, 5, 20],
        )
    ),
)
def test_the_joint_count_is_the_number_of_positions_and_the_ring_keeps_its_order(
    size, pitch, margin, pattern, rows
):
    xy = grid_positions(size, pitch, margin, pattern, rows)
    assert grid_count(size, pitch, margin, pattern, rows) == len(xy)
    nx, ny = (int(np.floor((s - 2 * margin) / pitch + 1e-9)) + 1 for s in size)
    ring = [
        ((i - (nx - 1) / 2) * pitch, (j - (ny - 1) / 2) * pitch)
        for i in range(nx)
        for j in range(ny)
        if pattern == "full" or min(i, j, nx - 1 - i, ny - 1 - j) < rows
    ]
    np.testing.assert_array_equal(xy, np.array(ring).reshape(-1, 2))


def test_an_array_of_millions_of_joints_is_refused_before_its_positions_exist():
    study = load_study(
        STUDY,
        [
            "carrier.size=[100, 100]",
            "balls.pitch=0.03",
            "balls.diameter=0.01",
            "balls.height=0.005",
        ],
    )
    start = time.perf_counter()
    with pytest.raises(InputError, match="balls.pitch = 0.03: about 11,102,224 joints"):
        build_layout(study)
    assert time.perf_counter() - start < 0.5  # 11 million positions alone take longer


@pytest.mark.parametrize(
    "overrides, key, gap_um",
    [
        (["dies.0.bumps.pitch=0.1201"], "dies.0.bumps.pitch = 0.1201", "0.1 um"),
        (["dies.0.bumps.pitch=0.13"], "dies.0.bumps.pitch = 0.13", "10 um"),
        (["balls.pitch=0.42"], "balls.pitch = 0.42", "10 um"),
    ],
)
def test_joints_closer_than_the_mold_clearance_are_refused(overrides, key, gap_um):
    with pytest.raises(InputError, match="smallest clearance") as err:
        build_layout(load_study(STUDY, overrides))
    assert key in str(err.value) and f"leave {gap_um}" in str(err.value)


def test_joints_at_exactly_the_clearance_are_accepted():
    lay = build_layout(load_study(STUDY, ["dies.0.bumps.pitch=0.14", "balls.pitch=0.43"]))
    assert lay.bumps.count > 264 and lay.balls.count > 196


def test_the_estimate_matches_the_measured_reference_mesh():
    size = _estimate()
    assert size.cells == pytest.approx(43_344, rel=0.15)  # warp mesh, quarter model
    assert size.dofs == pytest.approx(196_554, rel=0.15)  # P2 displacement
    assert (size.bumps, size.balls, size.solver) == (264, 196, "direct")
    assert size.solve_gb == pytest.approx(model_size.DIRECT_GB, rel=0.3)


def test_the_estimate_follows_the_joints_refinement_and_symmetry():
    ref = _estimate()
    assert _estimate(['dies.0.bumps.pattern="full"']).cells == pytest.approx(123_873, rel=0.2)
    assert _estimate(["mesh.refinement=1.5"]).cells == pytest.approx(69_339, rel=0.2)
    assert _estimate(['mesh.symmetry="full"']).cells == pytest.approx(170_327, rel=0.2)
    assert _estimate(FINE_BUMPS).cells > 50 * ref.cells


def test_the_iterative_solver_is_estimated_above_direct_max_dofs():
    assert _estimate(["solver.direct_max_dofs=1000"]).solver == "iterative"
    thermal = load_study(ROOT / "studies" / "heat-sink-gap.toml")
    size = model_size.estimate(thermal, build_layout(thermal), "quarter")
    assert size.dofs < 0.1 * size.cells * model_size.DOFS_PER_CELL["displacement", 2]


@pytest.mark.parametrize("overrides", [FINE_BUMPS, HUGE_CARRIER])
def test_a_model_beyond_the_machine_is_refused_with_the_estimate(overrides):
    study = load_study(STUDY, overrides)
    lay, symmetry = build_layout(study), model_symmetry(study)
    with pytest.raises(InputError) as err:
        model_size.check(study, lay, symmetry, machine_gb=16.0)
    message = str(err.value)
    for words in ("too large", "bumps and", "cells", "DOFs", "GB", "16 GB", "mesh.allow_large"):
        assert words in message
    allowed = load_study(STUDY, overrides + ["mesh.allow_large=true"])
    assert model_size.check(allowed, lay, symmetry, machine_gb=16.0).memory_gb > 0.8 * 16


def test_a_die_too_thin_to_mesh_names_the_thickness_and_the_estimate():
    for allow in ("false", "true"):  # going ahead cannot help: its elements would be slivers
        study = load_study(STUDY, ["dies.0.thickness=1e-4", f"mesh.allow_large={allow}"])
        with pytest.raises(InputError) as err:
            model_size.check(study, build_layout(study), "quarter", machine_gb=16.0)
        message = str(err.value)
        assert message.startswith("dies.0.thickness = 0.0001: a die 0.0001 mm thick")
        assert "the thinnest is 0.0353 mm" in message and "mesh.size.carrier" in message
        assert ("would also be too large" in message) == (allow == "false")
    assert _estimate(["dies.0.thickness=1e-4"]).cells > 1e9


def test_the_refusal_follows_the_machine_memory():
    study = load_study(STUDY)
    lay = build_layout(study)
    need = model_size.estimate(study, lay, "quarter").memory_gb
    model_size.check(study, lay, "quarter", machine_gb=need / model_size.MEMORY_SHARE * 1.01)
    with pytest.raises(InputError, match="refused above"):
        model_size.check(study, lay, "quarter", machine_gb=need / model_size.MEMORY_SHARE * 0.99)
    assert model_size.machine_memory_gb() > 0.5


@pytest.mark.parametrize(
    "overrides, key, thinnest, finer",
    [
        (["carrier.thickness=0.01"], "carrier.thickness = 0.01", "0.019 mm", "carrier=0.3"),
        (["heat_sink.thickness=0.005"], "heat_sink.thickness = 0.005", "0.01 mm", "heat_sink=0.4"),
        (["balls.height=0.02"], "balls.height = 0.02", "0.0256 mm", "balls=0.15"),
        # the die's bottom is a copy of the bump-layer floor, at the carrier's 0.6 mm
        (["dies.0.thickness=0.02"], "dies.0.thickness = 0.02", "0.0353 mm", "carrier=0.3"),
    ],
)
def test_a_part_thinner_than_its_elements_resolve_is_refused(overrides, key, thinnest, finer):
    study = load_study(STUDY, overrides)
    with pytest.raises(InputError) as err:
        model_size.check_thin_parts(study, build_layout(study))
    assert str(err.value).startswith(key) and f"the thinnest is {thinnest}" in str(err.value)
    assert f"mesh.size.{finer.split('=')[0]} <=" in str(err.value)
    study = load_study(STUDY, overrides + [f"mesh.size.{finer}"])
    model_size.check_thin_parts(study, build_layout(study))


def test_the_thin_rule_follows_min_quality_up_to_the_sliver_limit():
    def refused(overrides: list[str]) -> bool:
        study = load_study(STUDY, overrides)
        try:
            model_size.check_thin_parts(study, build_layout(study))
        except InputError:
            return True
        return False

    assert refused(["carrier.thickness=0.015"])  # thinnest 0.019 mm at 0.6 mm elements
    assert not refused(["carrier.thickness=0.015", "mesh.min_quality=0.01"])
    assert refused(["carrier.thickness=0.015", "mesh.min_quality=0.9"])
    # a strict min_quality alone is the mesher's to judge, after meshing
    assert not refused(["mesh.min_quality=0.95", "mesh.refinement=0.5"])


def test_a_thin_cap_height_names_the_cap():
    # the cap leaves a 0.06 mm heat sink (0.09 at 0.53 mm), meshed at 6 mm
    overrides = ["mold.cap_height=0.5", "mesh.size.heat_sink=6"]
    study = load_study(ROOT / "studies" / "stack-wirebond.toml", overrides)
    with pytest.raises(InputError, match=r"mold.cap_height = 0.5: a heat sink 0.06 mm thick"):
        model_size.check_thin_parts(study, build_layout(study))


def test_the_mesher_uses_the_estimated_part_sizes():
    study = load_study(STUDY, ["dies.0.thickness=0.05", "mesh.refinement=2"])
    sizes = model_size.part_sizes(study, build_layout(study))
    assert sizes["die"] == pytest.approx(0.2)  # 4 die thicknesses, below 0.6 / 2
    assert sizes["mold"] == pytest.approx(0.4) and sizes["bumps"] == pytest.approx(0.06)


@pytest.mark.parametrize("path", sorted((ROOT / "studies").glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_study_and_sweep_case_fits_an_8_gb_machine(path):
    studies = [load_study(path)]
    if "[sweep" in path.read_text():
        studies += [case.study for case in load_sweep(path).cases]
    for study in studies:
        design = resolve(study)
        size = model_size.check(study, design.layout, design.symmetry, machine_gb=8.0)
        assert size.cells < 200_000
