"""The printed circuit board: orthotropic laminate, copper-layer conductivity, layout, history."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from support import ROOT

from warp import board as pcb
from warp import model_size
from warp.design import part_materials, resolve
from warp.errors import InputError
from warp.geometry import build_layout
from warp.history import process_history, stress_free_states
from warp.materials import (
    check_overrides,
    get_material,
    isotropic_voigt,
    orthotropic_compliance,
    orthotropic_voigt,
)
from warp.study import Board
from warp.study_file import load_study

LIFE = ROOT / "studies" / "single-chip-life.toml"
BOARD = ["board.enabled=true"]
NO_BOARD = ["board.enabled=false"]


def study(*overrides: str, path: Path = LIFE):
    return load_study(path, [*BOARD, *overrides])


# ------------------------------------------------------------ orthotropic laminate


def test_orthotropic_stiffness_inverts_the_engineering_compliance():
    """Unit uniaxial stresses give the strains the nine constants define; shear is G."""
    fr4 = get_material("fr4_board")
    c = fr4.stiffness(25.0)
    ex, ey, ez = 24800.0, 20700.0, 10000.0  # [B12] Table II
    nu = {"xy": 0.11, "xz": 0.39, "yz": 0.39}
    uniaxial = {  # strains under a unit stress along x, y, z (nu_ji = nu_ij E_j / E_i)
        0: [1 / ex, -nu["xy"] / ex, -nu["xz"] / ex],
        1: [-nu["xy"] / ex, 1 / ey, -nu["yz"] / ey],
        2: [-nu["xz"] / ex, -nu["yz"] / ey, 1 / ez],
    }
    for axis, strain in uniaxial.items():
        stress = c @ np.array([*strain, 0.0, 0.0, 0.0])
        assert stress == pytest.approx(np.eye(6)[axis], abs=1e-9)
    assert np.diag(c)[3:] == pytest.approx([7440.0, 8930.0, 11000.0])  # G_yz, G_xz, G_xy
    assert np.allclose(c, c.T) and np.all(np.linalg.eigvalsh(c) > 0)


def test_an_isotropic_set_entered_as_orthotropic_is_isotropic():
    e, nu = 115000.0, 0.34
    g = e / (2 * (1 + nu))
    ortho = orthotropic_voigt(e, e, e, nu, nu, nu, g, g, g)
    assert ortho == pytest.approx(isotropic_voigt(e, nu), rel=1e-12)


def test_secant_cte_is_three_principal_values_through_tg():
    """The mold's CTE steps 13 -> 40 ppm/K over Tg 175 +- 10 degC: from 25 to 225 degC the
    strain is 13 x 140 + 26.5 x 20 + 40 x 40 = 3950 ppm, a secant of 19.75 ppm/K."""
    mold = get_material("emc_muf_high_k")
    assert mold.secant_cte(225.0, 25.0) == pytest.approx([19.75] * 3)
    assert mold.secant_cte(25.0, 25.0) == pytest.approx([13.0] * 3)  # the tangent
    fr4 = get_material("fr4_board")
    assert fr4.secant_cte(-40.0, 217.0) == pytest.approx([18.6, 18.6, 57.4])
    assert fr4.thermal_strain(-40.0, 217.0) == pytest.approx(np.array([18.6, 18.6, 57.4]) * -257e-6)


def test_orthotropic_overrides_apply_to_orthotropic_materials_only():
    check_overrides({"fr4_board": {"E_x": 22000.0, "G_xy": 9000.0}})
    with pytest.raises(ValueError, match=r"materials\.bt_substrate\.E_x .*isotropic elasticity"):
        check_overrides({"bt_substrate": {"E_x": 22000.0}})
    with pytest.raises(ValueError, match=r"materials\.fr4_board\.E .*orthotropic elasticity"):
        check_overrides({"fr4_board": {"E": 22000.0}})


def test_an_unstable_orthotropic_set_is_refused():
    """nu_xz = nu_yz = 1.2 on Ex 24.8, Ey 20.7, Ez 10 GPa: nu_xz nu_zx + nu_yz nu_zy =
    0.58 + 0.70 > 1, a compliance that is not positive definite; 0.9 is still stable."""
    fr4 = get_material("fr4_board")
    nine = [fr4.scalar(p) for p in ("E_x", "E_y", "E_z")] + [0.11, 1.2, 1.2, 11e3, 8.93e3, 7.44e3]
    assert np.linalg.eigvalsh(orthotropic_compliance(*nine)).min() < 0
    with pytest.raises(InputError, match=r"materials\.fr4_board\.nu_xz = 1\.2: a stable"):
        get_material("fr4_board", {"fr4_board": {"nu_xz": 1.2, "nu_yz": 1.2}})
    get_material("fr4_board", {"fr4_board": {"nu_xz": 0.9, "nu_yz": 0.9}})


# ------------------------------------------------------------ copper layers


@pytest.mark.parametrize(
    "k_d, coverage, k_in, k_z",
    [  # board-and-data.md §1.3, 2s2p
        (0.36, 0.0, 17.58, 0.376),
        (0.36, 0.1, 21.03, 0.376),
        (0.36, 0.2, 24.47, 0.376),
        (0.62, 0.0, 17.83, 0.648),
        (0.62, 0.1, 21.27, 0.648),
        (0.62, 0.2, 24.71, 0.648),
    ],
)
def test_2s2p_effective_conductivity_matches_the_sourced_table(k_d, coverage, k_in, k_z):
    got = pcb.effective_conductivity(Board(trace_coverage=coverage), 394.0, k_d)
    assert got == pytest.approx((k_in, k_z), abs=0.006)


@pytest.mark.parametrize("k_d, coverage, k_in", [(0.36, 0.1, 2.08), (0.36, 0.2, 3.80)])
def test_1s_board_conducts_by_its_traces(k_d, coverage, k_in):
    one = Board(copper_planes=0, signal_layers=1, trace_coverage=coverage)
    got_in, got_z = pcb.effective_conductivity(one, 394.0, k_d)
    assert got_in == pytest.approx(k_in, abs=0.006) and got_z == pytest.approx(k_d)


def test_the_library_board_conductivity_is_the_default_board():
    fr4, copper = get_material("fr4_board"), get_material("copper")
    k_in, k_z = pcb.effective_conductivity(
        Board(), float(copper.conductivity(20.0)[0]), pcb.K_DIELECTRIC
    )
    assert fr4.scalar("k") == pytest.approx(k_in, abs=0.005)
    assert fr4.scalar("k_z") == pytest.approx(k_z, abs=0.0005)


def test_copper_layers_that_fill_the_board_are_refused():
    with pytest.raises(InputError, match=r"board\.copper_planes = 20: .*board\.thickness"):
        pcb.copper_mm(Board(copper_planes=20, thickness=0.8))
    assert "JESD51-9" in pcb.describe(Board()) and "NSMD" in pcb.describe(Board())


# ------------------------------------------------------------ layout


def test_pads_sit_under_the_balls_and_the_laminate_under_the_pads():
    s = study()
    lay = build_layout(s)
    pads, laminate, balls = lay.board.pads, lay.board.laminate, lay.balls
    assert np.array_equal(pads.xy, balls.xy) and pads.name == "board_pads"
    assert pads.shape == "cylinder" and pads.diameter == pytest.approx(0.8 * 0.41)
    assert pads.z1 == balls.z0 == -0.25 and pads.z0 == pytest.approx(-0.25 - 0.035)
    assert laminate.z1 == pads.z0 and laminate.thickness == pytest.approx(1.6)
    assert (laminate.x0, laminate.x1, laminate.y0, laminate.y1) == (-50.75, 50.75, -50.75, 50.75)
    vol = lay.part_volumes()
    assert vol["board"] == pytest.approx(101.5**2 * 1.6)
    assert vol["board_pads"] == pytest.approx(196 * np.pi * 0.164**2 * 0.035)
    assert build_layout(load_study(LIFE, NO_BOARD)).board is None


@pytest.mark.parametrize(
    "override, words",
    [
        ("board.size=[12.5, 101.5]", ["board.size = [12.5, 101.5]", "x-size", "12.8 mm"]),
        ("board.pad_diameter=0.79", ["board.pad_diameter = 0.79", "0.78 mm"]),
        ("board.copper_planes=20", ["board.copper_planes = 20"]),
    ],
)
def test_a_board_that_cannot_be_built_is_refused(override, words):
    over = [override, "board.thickness=0.8"] if "planes" in override else [override]
    with pytest.raises(InputError) as err:
        build_layout(study(*over))
    for word in words:
        assert word in str(err.value), str(err.value)


def test_the_jesd51_9_outlines_are_accepted():
    """[B1] Table 1: 101.5 x 114.5 mm up to 40 mm packages, 152.5 x 165.0 mm up to 90 mm."""
    for size in ("[101.5, 114.5]", "[152.5, 165.0]"):
        laminate = build_layout(study(f"board.size={size}")).board.laminate
        assert laminate.x1 - laminate.x0 == float(size[1:6])


def test_a_board_without_balls_is_refused_by_the_layout():
    s = study("balls.enabled=false")
    with pytest.raises(InputError, match=r"board\.enabled = true: .*balls\.enabled = true"):
        build_layout(s)


# ------------------------------------------------------------ history and design


def test_the_board_is_born_once_at_the_ball_solidus_in_the_board_assembly():
    design = resolve(study())
    steps = design.steps
    born = [i for i, s in enumerate(steps) if "board" in s.born]
    assert len(born) == 1 and "board_pads" in steps[born[0]].born
    at = steps[born[0]]
    assert (at.phase, at.temperature) == ("board-assembly", 217.0)
    assert "balls" in at.born and steps[born[0] - 1].temperature > 217.0  # cooling
    phases = [p for p, _ in itertools.groupby(s.phase for s in steps)]
    assert phases[-2:] == ["board-assembly", "cycling"] and "reflow" not in phases
    states = stress_free_states(steps, ["board", "balls"])
    assert states["board"].startswith("bonded to the balls at their solidus, 217 degC")
    assert "born again at its solidus in board-assembly" in states["balls"]
    assert part_materials(design.study, design.layout)["board"] == ("board.material", "fr4_board")
    assert design.materials["board_pads"].name == "copper"


def test_without_a_board_the_reflow_keeps_its_phase():
    steps = resolve(load_study(LIFE, NO_BOARD)).steps
    assert not any("board" in s.born for s in steps)
    assert "board-assembly" not in {s.phase for s in steps} and "reflow" in {s.phase for s in steps}


def test_a_board_assembly_that_does_not_melt_the_balls_is_refused():
    s = study("process.ball_attach=false")
    with pytest.raises(InputError, match=r"reflow\.peak = 260: .*board assembly and must melt"):
        process_history(s, {"bumps": 217.0, "balls": 280.0}, 0.8, 115.0)


@pytest.mark.parametrize(
    "override, field",
    [
        ("process.time_dependent=false", "process.time_dependent = true"),
        ("reflow.enabled=false", "reflow.enabled = true"),
        ("balls.enabled=false", "balls.enabled = true"),
    ],
)
def test_a_board_the_history_cannot_assemble_is_refused(override, field):
    over = [override, "cycling.enabled=false"] if "time_dependent" in override else [override]
    with pytest.raises(InputError, match=r"^board\.enabled = true: ") as err:
        resolve(study(*over))
    assert field in str(err.value)


def test_the_size_estimate_counts_the_board():
    """The board adds its pads (24 cells per pad at least) and its laminate, more when its
    far-field elements are finer; without it the estimate is unchanged."""
    plain = load_study(LIFE, NO_BOARD)
    base = model_size.estimate(plain, build_layout(plain), "quarter").cells
    s = study()
    with_board = model_size.estimate(s, build_layout(s), "quarter").cells
    assert with_board > base + 0.25 * 196 * model_size.BUMP_CELLS_PER_LAYER
    fine = study("board.element_size=1.0")
    assert model_size.estimate(fine, build_layout(fine), "quarter").cells > with_board


def test_every_shipped_life_study_puts_the_package_on_a_board():
    """The studies that cycle to fatigue life (single-chip-life and a stack) do it on a board:
    without one the balls hang free and their lives are NaN."""
    life = {}
    for path in sorted((ROOT / "studies").glob("*.toml")):
        s = load_study(path)
        if s.cycling.enabled:
            life[path.name] = s.board.enabled
    assert {"single-chip-life.toml", "stack-wirebond-life.toml"} <= set(life)
    assert all(life.values()), life
    assert len(resolve(load_study(ROOT / "studies" / "stack-wirebond-life.toml")).layout.dies) == 2
