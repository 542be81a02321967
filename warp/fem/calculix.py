"""warp's FE answers checked against CalculiX (ccx) on warp's own mesh (serial only).

The P2 space's DOF points become the nodes of C3D10 elements (vertices, then the edge
midpoints in C3D10 order, every element positively oriented), so both codes solve on the
same nodes with the same quadratic element. Each part is an element set with its own
material evaluated at the solved temperature, as warp does: the moduli at T (ISO, or the
21 global-axis ANISO constants of a cubic die, its crystal rotation included) and the
secant CTE, warp's integrated thermal strain / (T - T0), so ccx's alpha (T - T0) is exactly
warp's free strain. The supports are warp's held DOFs. Both quadratures (DOLFINx degree 2
for these forms, the C3D10 4-point rule) integrate the element matrices exactly, so the
answers differ by solver precision only. The steady heat-conduction check uses the theta_jc
environment with the conductivity tensors (k, k, k_z) frozen at thermal.ambient. The decks,
the ccx run and its results file are in warp/ccx.py. Units: mm, MPa, degC, W.

The mesh must be whole on one process: every function here refuses an MPI run.
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import dolfinx
import numpy as np

from warp import jesd51, warpage
from warp.ccx import (
    C3D10_EDGES,
    C3D10Mesh,
    CcxResult,
    ccx_version,
    mechanical_deck,
    run_ccx,
    thermal_deck,
)
from warp.design import Design, resolve
from warp.errors import RunError
from warp.fem.backend import MPI
from warp.fem.elasticity import ThermoElasticModel
from warp.fem.jesd51_solves import conduction_materials, heat_sources
from warp.fem.meshdata import PackageMesh
from warp.fem.package_probes import PackageProbes
from warp.fem.thermal import HeatSource, ThermalModel
from warp.materials import Material, Table
from warp.symmetry import support_points

TOLERANCE = 1e-6
"""Relative agreement required on the same mesh and element (issue 16)."""

TIGHT_RTOL = 1e-12
"""CG tolerance around warp's Cholesky factorisation for the comparison: CG then refines the
factorised solution to the rounding level."""


@dataclass(frozen=True)
class CheckRow:
    """One compared quantity: the ccx value is the target, warp's the result.

    `rel_error` is |result - target| / |target| for a scalar; for a field it is the
    largest nodal difference over the largest nodal value (vector norms for displacement),
    so `target` and `result` then show the two largest values. `detail` says what was
    solved: DOFs and the CPU times of both codes.
    """

    case: str
    source: str
    quantity: str
    units: str
    target: float
    result: float
    rel_error: float
    tolerance: float = TOLERANCE
    detail: str = ""

    @property
    def passed(self) -> bool:
        return bool(np.isfinite(self.rel_error) and self.rel_error <= self.tolerance)


# ---------------------------------------------------------------- the nodes


def c3d10_mesh(V: dolfinx.fem.FunctionSpace, pm: PackageMesh, parts: list[str]) -> C3D10Mesh:
    """The P2 space's DOF points and cells as C3D10 nodes and elements (serial).

    DOLFINx numbers a P2 cell's vertices first and its edges after them; each midside DOF
    is found by its position, and a cell whose vertices turn the wrong way for C3D10
    (negative Jacobian) gets its second and third vertices swapped.
    """
    _serial(pm.comm)
    cells = V.dofmap.list
    x = V.tabulate_dof_coordinates()
    if cells.shape[1] != 10:
        raise RunError(f"C3D10 needs P2 tetrahedra, the space has {cells.shape[1]} DOFs a cell")
    X = x[cells]
    h = np.linalg.norm(X[:, 1] - X[:, 0], axis=1)
    edge = {}
    for a, b in C3D10_EDGES:
        mid = 0.5 * (X[:, a] + X[:, b])
        local = 4 + int(np.argmin(np.linalg.norm(X[0, 4:] - mid[0], axis=1)))
        if np.max(np.linalg.norm(X[:, local] - mid, axis=1) / h) > 1e-9:
            raise RunError("the P2 DOF layout is not the same in every cell")
        edge[a, b] = edge[b, a] = local
    jac = np.einsum("ij,ij->i", np.cross(X[:, 1] - X[:, 0], X[:, 2] - X[:, 0]), X[:, 3] - X[:, 0])

    def order(v: tuple[int, int, int, int]) -> list[int]:
        return list(v) + [edge[v[a], v[b]] for a, b in C3D10_EDGES]

    local = np.where((jac > 0)[:, None], order((0, 1, 2, 3)), order((0, 2, 1, 3)))
    elements = np.take_along_axis(cells, local, axis=1)
    groups = {p: pm.cells(p) for p in parts}
    claimed = np.concatenate(list(groups.values()))
    if len(claimed) != len(cells) or len(np.unique(claimed)) != len(cells):
        raise RunError("the parts do not claim every cell exactly once")
    return C3D10Mesh(x, elements, groups)


def held_dofs(bcs: list, block_size: int) -> np.ndarray:
    """(node, component) pairs held by homogeneous or uniform Dirichlet conditions; the DOF
    indices of sub-space conditions are unrolled (block * block_size + component)."""
    idx = np.unique(np.concatenate([bc.dof_indices()[0] for bc in bcs]))
    return np.column_stack([idx // block_size, idx % block_size])


# ---------------------------------------------------------------- the checks


def package_mesh(design: Design) -> PackageMesh:
    """The design's mesh as a serial PackageMesh, made by `warp run`'s own mesh stage (the
    mesh folder it writes goes to a temporary folder). warp.fem may not import the mesher
    (warp.mesh) itself; the run driver may."""
    from warp.progress import Progress
    from warp.run import mesh_design

    comm = MPI.COMM_WORLD
    _serial(comm)
    with tempfile.TemporaryDirectory(prefix="warp-ccx-mesh-") as staging:
        _, pm = mesh_design(design, Path(staging), Progress(quiet=True), {}, comm)
    return pm


@dataclass
class Solved:
    """One field solved by both codes at warp's DOF points: (n, 3) or (n,) arrays."""

    warp: np.ndarray
    ccx: np.ndarray
    detail: str


def solve_elastic(model: ThermoElasticModel, temp_degC: float, title: str) -> Solved:
    """warp's and ccx's displacement (mm) of the same model at one temperature (degC).

    The ccx deck carries the model's materials, stress-free temperatures and held DOFs;
    warp's answer stays in `model.u`.
    """
    _serial(model.pm.comm)
    start = time.process_time()
    model.set_temperature(temp_degC)
    model.solve()
    warp_s = time.process_time() - start
    mesh = c3d10_mesh(model.V, model.pm, list(model.materials))
    held = held_dofs(model.bcs, 3)
    deck = mechanical_deck(mesh, model.materials, model.stress_free, temp_degC, held, title)
    ccx = run_ccx(deck)
    return Solved(
        model.u.x.array.reshape(-1, 3).copy(),
        ccx.at(mesh.nodes, "DISP"),
        _detail(model.dofs, warp_s, ccx),
    )


def check_mechanics(
    design: Design, pm: PackageMesh, case: str, temperatures: list[float] | None = None
) -> list[CheckRow]:
    """warp's P2 thermo-elastic answer against ccx's C3D10 one at each temperature in degC
    (default: the coldest and the hottest oven step), stress-free at the molding
    temperature: displacement at all nodes and at the carrier-bottom nodes, and the signed
    warpage on the results grid (output.surface_grid points a side).

    warp solves with CG around its MUMPS Cholesky factorisation to rtol TIGHT_RTOL.
    """
    st = design.study
    oven = sorted({s.temperature for s in design.steps if s.power is None})
    stress_free = {part: st.process.molding_temperature for part in design.materials}
    solver = st.solver.model_copy(update={"method": "direct", "rtol": TIGHT_RTOL})
    supports = support_points(design.layout, design.symmetry)
    model = ThermoElasticModel(pm, design.materials, stress_free, solver, design.symmetry, supports)
    facets = pm.facets("carrier_bottom")
    bottom = np.unique(dolfinx.fem.locate_dofs_topological(model.V.sub(0), 2, facets) // 3)
    probes = PackageProbes(design, pm, model)
    rows = []
    for temp in temperatures or [oven[0], oven[-1]]:
        u = solve_elastic(model, temp, f"warp cross-check: {case} at {temp:g} degC")
        warp_w = _warpage(probes)
        model.u.x.array[:] = u.ccx.ravel()
        ccx_w = _warpage(probes)
        model.u.x.array[:] = u.warp.ravel()
        out, at = _Rows(case, u.detail), f"at {temp:g} degC"
        rows += [
            out.field(f"displacement, all nodes {at}", "mm", u.warp, u.ccx),
            out.field(f"displacement, carrier bottom {at}", "mm", u.warp[bottom], u.ccx[bottom]),
            out.scalar(f"warpage {at}", "um", warp_w, ccx_w),
        ]
    return rows


def _warpage(probes: PackageProbes) -> float:
    """The signed warpage in um of the model's current displacement, as a run reports it."""
    n = len(probes.gx)
    dz = probes.bottom(probes.model.u, 2).reshape(n, n) * 1e3
    return warpage.signed_warpage(probes.gx, probes.gy, dz)


def check_thermal(design: Design, pm: PackageMesh, case: str) -> list[CheckRow]:
    """warp's P2 steady conduction in the theta_jc environment against ccx's: the nodal
    temperature rise, Tj and theta_jc.

    Conductivities are frozen at thermal.ambient in both (warp's k(T) needs a Picard loop
    ccx does not share): the diagonal tensor (k, k, k_z) of each part, the board's from its
    copper layers (`conduction_materials`), as ccx's ORTHO conductivity. The die powers are
    the study's, or 1 W in die 1 when it gives none (theta_jc does not depend on the power
    at constant k).
    """
    _serial(pm.comm)
    st = design.study
    amb = st.thermal.ambient
    frozen = {p: _frozen_conductivity(m, amb) for p, m in conduction_materials(design).items()}
    first = design.layout.dies[0]
    sources = heat_sources(design) or [HeatSource(first.name, 1.0, first.box.volume)]
    start = time.process_time()
    model = ThermalModel(pm, frozen, sources, degree=2, petsc_options=st.thermal.petsc_options)
    theta_jc = next(m for m in jesd51.metrics(st, design.layout) if m.name == "theta_jc")
    model.set_environment(theta_jc.surfaces)
    model.T.x.array[:] = amb
    model.steady()
    warp_s = time.process_time() - start
    mesh = c3d10_mesh(model.V, pm, list(frozen))
    held = held_dofs(model.bcs, 1)[:, 0]
    k = {p: m.conductivity(amb) * 1e-3 for p, m in frozen.items()}
    title = f"warp cross-check: {case}, theta_jc"
    ccx = run_ccx(thermal_deck(mesh, k, model.q.x.array, held, amb, title))
    t_ccx = ccx.at(mesh.nodes, "NDTEMP")
    die = np.unique(np.concatenate(list(model.die_dofs.values())))
    tj_warp, tj_ccx = model.junction_temperature(), float(t_ccx[die].max())
    dofs = model.V.dofmap.index_map.size_global
    out = _Rows(case, _detail(dofs, warp_s, ccx))
    theta = [(t - amb) / model.power for t in (tj_warp, tj_ccx)]
    return [
        out.field(
            "temperature rise, all nodes (theta_jc)", "K", model.T.x.array - amb, t_ccx - amb
        ),
        out.scalar("Tj (theta_jc environment)", "degC", tj_warp, tj_ccx),
        out.scalar("theta_jc", "K/W", *theta),
    ]


def _detail(dofs: int, warp_cpu_s: float, ccx: CcxResult) -> str:
    return f"{dofs} DOFs; CPU time: warp {warp_cpu_s:.1f} s, ccx {ccx.cpu_seconds:.1f} s"


def _frozen_conductivity(mat: Material, temp: float) -> Material:
    """The material with its conductivity tables (k, k_z) replaced by their values at
    `temp` (degC)."""
    frozen = {
        prop: float(value(temp)) if isinstance(value, Table) else value
        for prop, value in mat.values.items()
        if prop in ("k", "k_z")
    }
    return dataclasses.replace(mat, values={**mat.values, **frozen})


@dataclass(frozen=True)
class _Rows:
    """Makes the CheckRows of one comparison."""

    case: str
    detail: str

    @property
    def source(self) -> str:
        return f"CalculiX {ccx_version()} on the same mesh"

    def field(self, quantity: str, units: str, warp: np.ndarray, ccx: np.ndarray) -> CheckRow:
        """Largest nodal difference over the largest ccx value (vector norm per node)."""
        norm = (lambda a: np.linalg.norm(a, axis=1)) if np.ndim(warp) == 2 else np.abs
        peak = float(norm(ccx).max())
        diff = float(norm(warp - ccx).max())
        return CheckRow(
            self.case, self.source, f"{quantity}, max", units, peak, float(norm(warp).max()),
            diff / peak, detail=self.detail,
        )  # fmt: skip

    def scalar(self, quantity: str, units: str, warp: float, ccx: float) -> CheckRow:
        rel = abs(warp - ccx) / abs(ccx)
        return CheckRow(
            self.case, self.source, quantity, units, float(ccx), float(warp), rel,
            detail=self.detail,
        )  # fmt: skip


def cross_check(study_path: Path, overrides: Sequence[str] = ()) -> list[CheckRow]:
    """Mesh a study (with `--set`-style overrides) and compare warp with ccx on that mesh:
    the mechanics when the study solves it, and the theta_jc conduction (serial)."""
    from warp import load_study

    design = resolve(load_study(study_path, list(overrides)))
    case = Path(study_path).stem
    pm = package_mesh(design)
    rows = check_mechanics(design, pm, case) if design.study.mechanics else []
    return rows + check_thermal(design, pm, case)


def _serial(comm: MPI.Comm) -> None:
    if comm.size > 1:
        raise RunError("the CalculiX cross-check runs serially (no mpiexec)")
