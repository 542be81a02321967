"""warp against CalculiX (ccx) on warp's own meshes: the same P2/C3D10 nodes, materials and
supports, so both answers agree to solver precision (issue 16).

Skips where ccx is missing, unless WARP_REQUIRE_CALCULIX=1 (set by CI, which installs
calculix-ccx with scripts/setup-calculix.sh), which turns that skip into a failure. The
cross-check is serial: under mpiexec the whole file skips.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from layered import corner_supports, layered_box
from support import ROOT, STUDY

from warp import load_study
from warp.ccx import C3D10_EDGES, run_ccx
from warp.design import resolve
from warp.errors import RunError
from warp.fem import calculix
from warp.fem.backend import MPI
from warp.fem.elasticity import ThermoElasticModel
from warp.materials import get_material
from warp.study import Solver

pytestmark = pytest.mark.skipif(MPI.COMM_WORLD.size > 1, reason="the ccx cross-check is serial")

REQUIRED = os.environ.get("WARP_REQUIRE_CALCULIX") == "1"
COARSE = ["mesh.refinement=0.5"]
VARIANTS = ("stack-wirebond", "stack-three-die", "leadframe")
TIGHT = Solver(method="direct", rtol=calculix.TIGHT_RTOL)


@pytest.fixture(scope="module")
def ccx() -> str:
    version = calculix.ccx_version()
    if version is None:
        reason = "ccx (Debian's calculix-ccx) is not on the PATH"
        if REQUIRED:
            pytest.fail(f"CalculiX required (WARP_REQUIRE_CALCULIX=1) but {reason}")
        pytest.skip(reason)
    return version


def failures(rows: list[calculix.CheckRow]) -> list[str]:
    return [f"{r.case}: {r.quantity} rel. error {r.rel_error:.2e}" for r in rows if not r.passed]


def relative(solved: calculix.Solved) -> float:
    norm = np.linalg.norm
    return norm(solved.warp - solved.ccx, axis=1).max() / norm(solved.ccx, axis=1).max()


def test_c3d10_elements_are_positive_with_midside_nodes_in_ccx_order():
    pm = layered_box(2.0, 1.0, [("carrier", 0.2, 2), ("die", 0.3, 1)], 4)
    mats = {p: get_material("copper") for p in ("carrier", "die")}
    model = ThermoElasticModel(pm, mats, {p: 175.0 for p in mats}, TIGHT, "full", [])
    mesh = calculix.c3d10_mesh(model.V, pm, list(mats))
    x = mesh.nodes[mesh.elements]
    jacobian = np.einsum(
        "ij,ij->i", np.cross(x[:, 1] - x[:, 0], x[:, 2] - x[:, 0]), x[:, 3] - x[:, 0]
    )
    assert np.all(jacobian > 0)
    for node, (a, b) in enumerate(C3D10_EDGES, start=4):
        assert np.abs(x[:, node] - 0.5 * (x[:, a] + x[:, b])).max() < 1e-12
    assert sorted(np.concatenate(list(mesh.parts.values()))) == list(range(len(x)))


def test_free_orthotropic_expansion_in_ccx_is_the_closed_form(ccx):
    """The secant CTE about the stress-free temperature gives ccx warp's free strain."""
    length, width = 4.0, 3.0
    pm = layered_box(length, width, [("carrier", 0.4, 2)], 4)
    mats = {"carrier": get_material("bt_substrate")}  # cte 16, cte_z 35 ppm/K
    model = ThermoElasticModel(
        pm, mats, {"carrier": 175.0}, TIGHT, "full", corner_supports(length, width)
    )
    solved = calculix.solve_elastic(model, 25.0, "free expansion")
    strain = mats["carrier"].thermal_strain(25.0, 175.0)
    assert strain[2] != pytest.approx(strain[0])
    origin = np.array([-length / 2, -width / 2, 0.0])
    exact = (model.V.tabulate_dof_coordinates() - origin) * strain
    assert np.abs(solved.ccx - exact).max() < 1e-9 * np.abs(exact).max()


def test_rotated_cubic_die_on_a_substrate_agrees_with_ccx(ccx):
    """A die crystal at 30 degrees couples normal and shear stiffness (the D1112, D2212, ...
    constants, zero at 45), so this pins the order of the 21 ANISO constants."""
    length, width = 4.0, 3.0
    pm = layered_box(length, width, [("carrier", 0.2, 2), ("die", 0.3, 2)], 8)
    silicon = get_material("silicon", {"silicon": {"crystal_angle": 30.0}})
    assert abs(silicon.stiffness(25.0)[0, 5]) > 1e3  # MPa
    mats = {"carrier": get_material("bt_substrate"), "die": silicon}
    model = ThermoElasticModel(
        pm, mats, {p: 175.0 for p in mats}, TIGHT, "full", corner_supports(length, width)
    )
    solved = calculix.solve_elastic(model, 25.0, "rotated cubic")
    assert relative(solved) < calculix.TOLERANCE


def test_ccx_errors_are_raised_with_its_message(ccx):
    with pytest.raises(RunError, match="ccx failed"):
        run_ccx("*NODE\n1, 0.0, 0.0, 0.0\n*ELEMENT, TYPE=C3D10, ELSET=E\n1, 1, 2\n")


def test_reference_study_agrees_with_ccx(ccx):
    """Mechanics at the coldest and the hottest oven step, and theta_jc conduction."""
    rows = calculix.cross_check(STUDY, COARSE)
    quantities = " | ".join(r.quantity for r in rows)
    for what in ("carrier bottom at 25 degC", "warpage at 260 degC", "Tj", "theta_jc"):
        assert what in quantities
    assert failures(rows) == []
    assert {r.source for r in rows} == {f"CalculiX {ccx} on the same mesh"}
    assert all(r.case == "single-chip" and r.tolerance == calculix.TOLERANCE for r in rows)


@pytest.mark.parametrize("variant", VARIANTS)
def test_shipped_variant_mechanics_agree_with_ccx(ccx, variant):
    """Stacked dies, die attach, wire bonds, passives and the lead frame, at room temperature."""
    design = resolve(load_study(ROOT / "studies" / f"{variant}.toml", COARSE))
    pm = calculix.package_mesh(design)
    rows = calculix.check_mechanics(design, pm, variant, temperatures=[25.0])
    assert len(rows) == 3
    assert failures(rows) == []
