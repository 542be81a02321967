"""The package on a board: orthotropic board mechanics and board-level ball strains.

Engelmaier's global estimate of a ball's cyclic shear strain (Engelmaier 1983; IPC-D-279
Appendix A) takes the whole CTE mismatch between a rigid package and a rigid board as the
shear of a uniform joint: gamma = F L_D d_alpha d_T / h, with L_D the ball's distance to
the neutral point, d_alpha the board-package CTE difference, d_T the cycle's swing, h the
joint height, and F = 1 here. The FE value compared is the range over the cycle of the
transverse engineering shear (gamma_xz, gamma_yz) of the mechanical strain in the Darveaux
layer at the ball's critical bonded face, the layer the fatigue models read.
"""

from __future__ import annotations

import dolfinx
import numpy as np
import pytest
from layered import layered_box
from support import SMALL, STUDY

from warp import hysteresis, run
from warp.design import resolve
from warp.fem.elasticity import ThermoElasticModel
from warp.fem.inelastic import InelasticModel
from warp.history import CYCLING_PRESETS
from warp.materials import get_material
from warp.progress import Progress
from warp.study import Solver
from warp.study_file import load_study

BOARD = [
    "reflow.enabled=true",  # the board assembly
    "board.enabled=true",
    "board.size=[12.0, 12.0]",  # three package widths
    'output.fields="none"',
]
BAND = (0.3, 2.5)
"""FE corner-ball shear strain range / Engelmaier's estimate. Below 1: package and board
stretch and bend, so part of the mismatch never reaches the balls (the estimate takes both
rigid). Above 1: the Darveaux layer lies at the ball's bonded face, whose section is
(balls.diameter / pad diameter)^2 = 1.6 times smaller than the ball's middle, and carries
the shear of a column that much narrower. Outside the band the balls miss the mismatch
(no board, or a board not bonded to them: close to 0) or count it twice (above 3)."""
PACKAGE_PARTS = ("carrier", "mold", "die", "heat_sink", "bumps")
"""The package as a rigid body for the estimate (the balls are the joints)."""


def in_plane_modulus(material, temp: float) -> float:
    """Young's modulus along x (MPa) of any elasticity model: 1 / S_11."""
    return 1.0 / np.linalg.inv(material.stiffness(temp))[0, 0]


def package_cte(design, cold: float, hot: float) -> float:
    """In-plane secant CTE (ppm/K) of the package from `cold` to `hot` degC by Turner's
    rule, sum(alpha E V) / sum(E V) over its parts (Turner 1946; moduli at 25 degC)."""
    volumes = design.layout.part_volumes()
    parts = [p for p in PACKAGE_PARTS if p in design.materials]
    weight = np.array([in_plane_modulus(design.materials[p], 25.0) * volumes[p] for p in parts])
    alpha = np.array([design.materials[p].secant_cte(hot, cold)[0] for p in parts])
    return float(np.sum(alpha * weight) / np.sum(weight))


def engelmaier_shear(design) -> np.ndarray:
    """Global shear strain range of every ball, F = 1 (module docstring)."""
    cold, hot = CYCLING_PRESETS[design.study.cycling.preset]
    board = design.materials["board"].secant_cte(hot, cold)[0]
    d_alpha = (board - package_cte(design, cold, hot)) * 1e-6
    balls = design.layout.balls
    distance = np.hypot(*balls.xy.T)
    return distance * abs(d_alpha) * (hot - cold) / balls.height


@pytest.fixture(scope="module")
def cycled(tmp_path_factory):
    """The small package on a 12 mm board through its whole history and two cycles."""
    design = resolve(load_study(STUDY, SMALL + BOARD))
    out = tmp_path_factory.mktemp("board") / "out"
    outcome = run.execute(design, out, Progress(quiet=True), write_fields=False)
    return design, outcome.dataset


def transverse_shear_range(design, ds) -> np.ndarray:
    """Per ball, the largest change of (gamma_xz, gamma_yz) between two steps of the loop's
    cycle, in the Darveaux layer at the ball's critical face (1; invariant to the mirror
    images of a quarter model)."""
    loop = hysteresis.stabilised_loop(ds, "ball", design.study.cycling)
    bounds = hysteresis.cycle_bounds(ds)
    steps = slice(bounds[loop.cycle - 1], bounds[loop.cycle] + 1)
    components = list(ds["component"].values)
    shear = [components.index(c) for c in ("xz", "yz")]
    gamma = 2 * ds["ball_layer_strain"].values[steps][:, :, shear]  # (step, ball, 2)
    return np.linalg.norm(gamma[:, None] - gamma[None, :], axis=-1).max(axis=(0, 1))


@pytest.mark.heavy  # the whole history on a board: 279 s on one rank (fixture, measured)
def test_the_corner_ball_shear_range_is_engelmaiers(cycled):
    design, ds = cycled
    fe, estimate = transverse_shear_range(design, ds), engelmaier_shear(design)
    corner = int(np.argmax(estimate))
    ratio = fe[corner] / estimate[corner]
    assert BAND[0] <= ratio <= BAND[1], (fe[corner], estimate[corner])
    assert ds.attrs["supports"].endswith("unborn and soft")


@pytest.mark.heavy  # the whole history on a board: 279 s on one rank (fixture, measured)
def test_the_ball_shear_range_grows_with_the_distance_to_the_neutral_point(cycled):
    """Engelmaier's shear grows as L_D: an edge ball (L_D = pitch) sees 1 / sqrt(2) of the
    corner ball's within 20 %, the centre ball (L_D = 0) almost none, and the ball work
    density follows the shear."""
    design, ds = cycled
    fe = transverse_shear_range(design, ds)
    distance = np.hypot(*design.layout.balls.xy.T)
    corner, centre = int(np.argmax(distance)), int(np.argmin(distance))
    edge = int(np.flatnonzero(np.isclose(distance, design.study.balls.pitch))[0])
    expected = distance[edge] / distance[corner]
    assert fe[edge] / fe[corner] == pytest.approx(expected, rel=0.2)
    assert fe[centre] < 0.05 * fe[corner]
    work = hysteresis.stabilised_loop(ds, "ball", design.study.cycling).work_density_MPa
    assert work[centre] < work[edge] < work[corner]


def _confine(pm, fix) -> None:
    """Hold the normal displacement on all six faces of the box (`fix(face, component)`)."""
    faces = {2: ("carrier_bottom", "heat_sink_top"), 0: ("side_x0", "side_x1")}
    faces[1] = ("side_y0", "side_y1")
    for axis, names in faces.items():
        for name in names:
            fix(name, axis)


@pytest.mark.parametrize("kind", ["elastic", "inelastic"])
def test_a_confined_board_block_carries_minus_its_stiffness_times_its_expansion(kind):
    """Fully confined, a uniform block of the orthotropic board heated by d_T carries
    sigma = -C (alpha_x, alpha_y, alpha_z) d_T: the full Voigt stiffness and the free strain
    along each principal axis (18.6, 18.6, 57.4 ppm/K, [B12] Table II)."""
    mat = get_material("fr4_board")
    t0, t1 = 25.0, 125.0
    pm = layered_box(1.0, 1.0, [("board", 1.0, 2)], 2)
    materials, solver = {"board": mat}, Solver(element_degree=1)
    if kind == "elastic":
        model = ThermoElasticModel(pm, materials, {"board": t0}, solver, "full", [])
        V = model.V

        def fix(name, axis):
            dofs = dolfinx.fem.locate_dofs_topological(V.sub(axis), 2, pm.facets(name))
            model.bcs.append(dolfinx.fem.dirichletbc(0.0, dofs, V.sub(axis)))

        _confine(pm, fix)
        model.set_temperature(t1)
        model.solve()
    else:
        model = InelasticModel(
            pm, materials, {"board": "elastic"}, {"board": t0}, solver, "full", []
        )
        zero = dolfinx.fem.Constant(pm.mesh, 0.0)
        _confine(pm, lambda name, axis: model.prescribe(name, axis, zero))
        model.start(t0)
        model.advance(t1, 100.0)
    owned = pm.mesh.topology.index_map(3).size_local
    sigma = model.cell_stress()[:owned]
    expansion = np.array([18.6, 18.6, 57.4]) * 1e-6 * (t1 - t0)
    expected = -mat.stiffness(t1)[:3, :3] @ expansion
    np.testing.assert_allclose(np.diagonal(sigma, axis1=1, axis2=2), [expected] * owned, rtol=1e-9)
    np.testing.assert_allclose(sigma[:, [1, 0, 0], [2, 2, 1]], 0.0, atol=1e-9 * abs(expected).max())
