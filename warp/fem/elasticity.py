"""Linear thermo-elasticity of the package at a uniform temperature (collective).

Units: mm, MPa, N. Each part has one material; its moduli and free thermal
strain at the current temperature live in cell-wise (DG0) fields, so a load
step only refills arrays and reassembles. A cubic crystal (the silicon die)
uses its full rotated stiffness. Supports remove rigid-body motion only:
symmetry planes in the quarter model, a 3-2-1 point set otherwise, so the
warpage itself is never restrained.
"""

from __future__ import annotations

from dataclasses import dataclass

import dolfinx
import dolfinx.fem.petsc as fem_petsc
import numpy as np
import ufl
from dolfinx import la
from mpi4py import MPI
from petsc4py import PETSc

from warp.errors import RunError
from warp.fem.linear import check_solution
from warp.fem.meshdata import PackageMesh
from warp.materials import Material
from warp.study import Solver

REUSE_MAX_ITERATIONS = 25
"""CG iterations allowed with a reused preconditioner before it is rebuilt: at least this
many, and twice what the fresh preconditioner needed (GAMG needs tens, Cholesky one)."""

REUSE_MODULUS_RATIO = 2.0
"""A part whose modulus changed more than this since the last factorisation (Tg, solidus)
forces a fresh preconditioner rather than a reuse attempt that would fail."""


def _voigt(e: ufl.core.expr.Expr) -> ufl.core.expr.Expr:
    return ufl.as_vector([e[0, 0], e[1, 1], e[2, 2], 2 * e[1, 2], 2 * e[0, 2], 2 * e[0, 1]])


def _unvoigt(s: ufl.core.expr.Expr) -> ufl.core.expr.Expr:
    return ufl.as_matrix([[s[0], s[5], s[4]], [s[5], s[1], s[3]], [s[4], s[3], s[2]]])


@dataclass
class SolveStats:
    """What one linear solve took."""

    iterations: int
    reason: int
    true_residual: float
    assemble_seconds: float
    solve_seconds: float
    refactorised: bool


class ThermoElasticModel:
    """Assembles and solves the thermo-elastic problem; probes read `u` and `stress(part)`."""

    def __init__(
        self,
        pm: PackageMesh,
        materials: dict[str, Material],
        stress_free_degC: dict[str, float],
        solver: Solver,
        symmetry: str,
        support_points: list[tuple[tuple[float, float, float], tuple[int, ...]]],
    ):
        self.pm, self.materials, self.stress_free = pm, materials, stress_free_degC
        self.settings = solver
        msh = pm.mesh
        self.V = dolfinx.fem.functionspace(msh, ("Lagrange", solver.element_degree, (3,)))
        q0 = dolfinx.fem.functionspace(msh, ("DG", 0))
        self.lam, self.mu = dolfinx.fem.Function(q0), dolfinx.fem.Function(q0)
        self.eth = dolfinx.fem.Function(dolfinx.fem.functionspace(msh, ("DG", 0, (3,))))
        self.u = dolfinx.fem.Function(self.V, name="displacement")
        self.cubic = {
            p: dolfinx.fem.Constant(msh, np.zeros((6, 6)))
            for p, m in materials.items()
            if m.elasticity == "cubic"
        }
        self.cells = {p: pm.cells(p) for p in materials}
        self.dx = ufl.Measure("dx", domain=msh, subdomain_data=pm.cell_tags)
        u, v = ufl.TrialFunction(self.V), ufl.TestFunction(self.V)
        a = L = 0
        for part in materials:
            dxp = self.dx(pm.groups[part][1])
            a += ufl.inner(self._sigma(part, self._eps(u)), self._eps(v)) * dxp
            L += ufl.inner(self._sigma(part, self._eth_tensor()), self._eps(v)) * dxp
        self.a, self.L = dolfinx.fem.form(a), dolfinx.fem.form(L)
        self.bcs = self._supports(symmetry, support_points)
        self.A = fem_petsc.create_matrix(self.a)
        self.b = fem_petsc.create_vector(self.V)
        self.ksp = self._make_solver()
        self.temperature = None

    # ------------------------------------------------------------ constitutive

    @staticmethod
    def _eps(w):
        return ufl.sym(ufl.grad(w))

    def _eth_tensor(self):
        return ufl.diag(self.eth)

    def _sigma(self, part: str, strain):
        if part in self.cubic:
            return _unvoigt(ufl.dot(self.cubic[part], _voigt(strain)))
        return 2 * self.mu * strain + self.lam * ufl.tr(strain) * ufl.Identity(3)

    def mechanical_strain(self):
        """Total minus free thermal strain (UFL, valid in every part)."""
        return self._eps(self.u) - self._eth_tensor()

    def stress(self, part: str):
        """Cauchy stress in MPa in one part (UFL)."""
        return self._sigma(part, self.mechanical_strain())

    # ------------------------------------------------------------ supports

    def _supports(self, symmetry: str, points) -> list:
        msh, V = self.pm.mesh, self.V
        bcs = []
        if symmetry == "quarter":
            for axis, name in ((0, "symmetry_x"), (1, "symmetry_y")):
                sub = V.sub(axis)
                dofs = dolfinx.fem.locate_dofs_topological(sub, 2, self.pm.facets(name))
                bcs.append(dolfinx.fem.dirichletbc(0.0, dofs, sub))
        for point, axes in points:
            for axis in axes:
                sub, _ = V.sub(axis).collapse()
                dofs = dolfinx.fem.locate_dofs_geometrical(
                    (V.sub(axis), sub),
                    lambda x, p=point: (
                        np.isclose(x[0], p[0]) & np.isclose(x[1], p[1]) & np.isclose(x[2], p[2])
                    ),
                )
                found = msh.comm.allreduce(len(dofs[0]), op=MPI.SUM)
                if found == 0:
                    raise RunError(f"support point {point} mm is not a mesh node")
                bcs.append(dolfinx.fem.dirichletbc(0.0, dofs[0], V.sub(axis)))
        return bcs

    # ------------------------------------------------------------ solver

    def _make_solver(self) -> PETSc.KSP:
        comm = self.pm.comm
        ksp = PETSc.KSP().create(comm)
        prefix = "warp_elastic_"
        ksp.setOptionsPrefix(prefix)
        opts = PETSc.Options()
        for key, value in self.solver_options().items():
            opts[prefix + key] = value
        ksp.setFromOptions()
        ksp.setInitialGuessNonzero(True)
        self.method = "direct" if ksp.getPC().getType() in ("cholesky", "lu") else "iterative"
        if self.method == "direct":
            self.A.setOption(PETSc.Mat.Option.SPD, True)
        else:
            self.A.setNearNullSpace(_rigid_body_modes(self.V))
        self.max_its = ksp.getTolerances()[3]
        self._factorised = False
        self._fresh_its = 0
        self._b_prev = None
        return ksp

    def solver_options(self) -> dict[str, str | float | int | bool]:
        """PETSc options: MUMPS for small meshes, CG + GAMG above; study overrides win."""
        s = self.settings
        ndofs = self.V.dofmap.index_map.size_global * 3
        method = s.method
        if method == "auto":
            method = "direct" if ndofs <= s.direct_max_dofs else "iterative"
        if method == "direct":
            # CG around a Cholesky factorisation: one iteration when fresh, a few when the
            # factorisation of a neighbouring temperature is reused
            opts = {
                "ksp_type": "cg",
                "pc_type": "cholesky",
                "pc_factor_mat_solver_type": "mumps",
                "ksp_rtol": s.rtol,
                "ksp_max_it": s.max_iterations,
            }
        else:
            opts = {
                "ksp_type": "cg",
                "pc_type": "gamg",
                "pc_gamg_type": "agg",
                "pc_gamg_agg_nsmooths": 1,
                "pc_gamg_threshold": 0.01,
                "mg_levels_ksp_type": "chebyshev",
                "mg_levels_pc_type": "jacobi",
                "ksp_rtol": s.rtol,
                "ksp_max_it": s.max_iterations,
            }
        opts.update({k.lstrip("-"): v for k, v in s.petsc_options.items()})
        return opts

    @property
    def dofs(self) -> int:
        return self.V.dofmap.index_map.size_global * 3

    def set_temperature(self, temp_degC: float | np.ndarray) -> None:
        """Fill moduli and free thermal strain at a uniform temperature or per cell (degC).

        An array gives one temperature per local cell (owned and ghost), e.g. the
        cell averages of a solved temperature field.
        """
        field = np.ndim(temp_degC) > 0
        self.moduli = {}
        for part, mat in self.materials.items():
            cells = self.cells[part]
            temp = np.asarray(temp_degC)[cells] if field else temp_degC
            if part in self.cubic:
                stiffness = mat.stiffness(
                    self.pm.mesh.comm.allreduce(  # no T data for cubic
                        float(np.max(temp, initial=-np.inf)), op=MPI.MAX
                    )
                )
                self.cubic[part].value[:] = stiffness
                local = float(np.max(stiffness))
            else:
                lam, mu = mat.lame(temp)
                self.lam.x.array[cells] = lam
                self.mu.x.array[cells] = mu
                local = float(np.max(mat.E(temp), initial=-np.inf))
            self.moduli[part] = self.pm.mesh.comm.allreduce(local, op=MPI.MAX)
            strain = mat.thermal_strain(temp, self.stress_free[part])
            self.eth.x.array.reshape(-1, 3)[cells] = strain
        self.temperature = (
            self.pm.mesh.comm.allreduce(float(np.max(temp_degC)), op=MPI.MAX)
            if field
            else temp_degC
        )

    def solve(self) -> SolveStats:
        """Assemble at the current temperature, solve, and check the answer (RunError)."""
        t0 = MPI.Wtime()
        self.A.zeroEntries()
        fem_petsc.assemble_matrix(self.A, self.a, bcs=self.bcs)
        self.A.assemble()
        with self.b.localForm() as loc:
            loc.set(0.0)
        fem_petsc.assemble_vector(self.b, self.L)
        fem_petsc.apply_lifting(self.b, [self.a], bcs=[self.bcs])
        self.b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
        fem_petsc.set_bc(self.b, self.bcs)
        t1 = MPI.Wtime()
        self._initial_guess()
        self.ksp.setOperators(self.A)
        refreshed = not self._factorised or self._moduli_jumped()
        if not refreshed:  # try the preconditioner of the previous temperature first
            self.ksp.getPC().setReusePreconditioner(True)
            self.ksp.setTolerances(max_it=max(REUSE_MAX_ITERATIONS, 2 * self._fresh_its))
            self.ksp.solve(self.b, self.u.x.petsc_vec)
            refreshed = self.ksp.getConvergedReason() <= 0
        if refreshed:
            self.ksp.getPC().setReusePreconditioner(False)
            self.ksp.setTolerances(max_it=self.max_its)
            self.ksp.solve(self.b, self.u.x.petsc_vec)
            self._factorised = True
            self._factor_moduli = dict(self.moduli)
            self._fresh_its = self.ksp.getIterationNumber()
        self.u.x.scatter_forward()
        t2 = MPI.Wtime()
        what = f"mechanical solve at {self.temperature:g} degC"
        rel = check_solution(self.ksp, self.A, self.b, self.u.x.petsc_vec, what)
        reason, its = self.ksp.getConvergedReason(), self.ksp.getIterationNumber()
        return SolveStats(its, reason, rel, t1 - t0, t2 - t1, refreshed)

    def _moduli_jumped(self) -> bool:
        ratios = [self.moduli[p] / self._factor_moduli[p] for p in self.moduli]
        return max(max(ratios), 1 / min(ratios)) > REUSE_MODULUS_RATIO

    def _initial_guess(self) -> None:
        """Scale the last solution by the projection of the new load on the old one."""
        x = self.u.x.petsc_vec
        if self._b_prev is None:
            self._b_prev = self.b.copy()
            x.set(0.0)
            return
        bb = self._b_prev.dot(self._b_prev)
        x.scale(self.b.dot(self._b_prev) / bb if bb > 0 else 0.0)
        self.b.copy(self._b_prev)


def _rigid_body_modes(V: dolfinx.fem.FunctionSpace) -> PETSc.NullSpace:
    """The six rigid-body modes as a near-nullspace for GAMG."""
    imap = V.dofmap.index_map
    bs = V.dofmap.index_map_bs
    basis = [la.vector(imap, bs=bs, dtype=PETSc.ScalarType) for _ in range(6)]
    b = [vec.array for vec in basis]
    dofs = [V.sub(i).dofmap.list.flatten() for i in range(3)]
    for i in range(3):
        b[i][dofs[i]] = 1.0
    x = V.tabulate_dof_coordinates()
    block = V.dofmap.list.flatten()
    x0, x1, x2 = x[block, 0], x[block, 1], x[block, 2]
    b[3][dofs[0]], b[3][dofs[1]] = -x1, x0
    b[4][dofs[0]], b[4][dofs[2]] = x2, -x0
    b[5][dofs[2]], b[5][dofs[1]] = x1, -x2
    la.orthonormalize(basis)
    local = imap.size_local * bs
    vecs = [PETSc.Vec().createWithArray(v[:local], bsize=3, comm=V.mesh.comm) for v in b]
    return PETSc.NullSpace().create(vectors=vecs)
