"""What every mechanical model shares: displacement space, supports, linear solver (collective).

Units: mm, MPa, N. Supports remove rigid-body motion only: symmetry planes in
the quarter model, a 3-2-1 point set otherwise, so the warpage itself is never
restrained. The linear solver is CG around a MUMPS Cholesky factorisation for
meshes up to `solver.direct_max_dofs` and CG with GAMG and the rigid-body
near-nullspace above (GMRES around an LDL^T factorisation, or GAMG, where the
tangent can be indefinite); a factorisation or multigrid hierarchy is reused from
one solve to the next while the Krylov solver still converges quickly with it.
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
from warp.fem.meshdata import PackageMesh
from warp.fem.solver import (
    TRUE_RESIDUAL_LIMIT,
    LinearSolver,
    PetscOptions,
    check_solution,
    merge_options,
)
from warp.study import Solver

REUSE_MAX_ITERATIONS = 25
"""Krylov iterations allowed with a reused preconditioner before it is rebuilt: at least
this many, and twice what the fresh preconditioner needed (GAMG needs tens, a factorisation
one)."""
DIRECT_MAX_ITERATIONS = 50
"""Most Krylov iterations around a fresh factorisation: more means it is not the
operator's (an indefinite tangent factorised as positive definite), so fail fast."""


def voigt(e):
    """Symmetric tensor -> Voigt vector with engineering shear (11, 22, 33, 23, 13, 12)."""
    return ufl.as_vector([e[0, 0], e[1, 1], e[2, 2], 2 * e[1, 2], 2 * e[0, 2], 2 * e[0, 1]])


def unvoigt(s):
    """Voigt stress vector -> symmetric tensor."""
    return ufl.as_matrix([[s[0], s[5], s[4]], [s[5], s[1], s[3]], [s[4], s[3], s[2]]])


def eps(w):
    return ufl.sym(ufl.grad(w))


@dataclass
class SolveStats:
    """What one linear solve took."""

    iterations: int
    reason: int
    true_residual: float
    assemble_seconds: float
    solve_seconds: float
    refactorised: bool


class MechanicsBase:
    """Displacement space, supports and the reusing linear solver of a mechanical model."""

    prefix = "warp_mech_"
    """Start of the KSP options prefix; each instance adds its own number."""
    definite = True
    """Whether the stiffness is symmetric positive definite (CG, Cholesky with the SPD
    flag); a model whose tangent can be indefinite sets False (GMRES, LDL^T)."""

    def __init__(
        self,
        pm: PackageMesh,
        solver: Solver,
        symmetry: str,
        support_points: list,
        metadata: dict | None = None,
    ):
        self.pm, self.settings = pm, solver
        msh = pm.mesh
        self.V = dolfinx.fem.functionspace(msh, ("Lagrange", solver.element_degree, (3,)))
        self.u = dolfinx.fem.Function(self.V, name="displacement")
        self.dx = ufl.Measure("dx", domain=msh, subdomain_data=pm.cell_tags, metadata=metadata)
        self.bcs = self._supports(symmetry, support_points)
        self._factorised = False
        self._fresh_its = 0

    def _setup_solver(self, a: dolfinx.fem.Form) -> None:
        self.A = fem_petsc.create_matrix(a)
        self.b = fem_petsc.create_vector(self.V)
        self.linear = LinearSolver(self.pm.comm, self.prefix, self.solver_options())
        ksp = self.linear.ksp
        ksp.setInitialGuessNonzero(True)
        self.method = "direct" if ksp.getPC().getType() in ("cholesky", "lu") else "iterative"
        if self.method == "direct" and self.definite:
            self.A.setOption(PETSc.Mat.Option.SPD, True)
        else:
            self.A.setNearNullSpace(_rigid_body_modes(self.V))
        self.max_its = ksp.getTolerances()[3]
        if self.method == "direct":  # a fresh factorisation solves in a few iterations or is bad
            self.max_its = min(self.max_its, DIRECT_MAX_ITERATIONS)

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

    def solver_options(self) -> PetscOptions:
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
                "ksp_type": "cg" if self.definite else "gmres",
                "pc_type": "cholesky",
                "pc_factor_mat_solver_type": "mumps",
                "ksp_rtol": s.rtol,
                "ksp_max_it": s.max_iterations,
            }
        else:
            opts = {
                "ksp_type": "cg" if self.definite else "gmres",
                "pc_type": "gamg",
                "pc_gamg_type": "agg",
                "pc_gamg_agg_nsmooths": 1,
                "pc_gamg_threshold": 0.01,
                "mg_levels_ksp_type": "chebyshev",
                "mg_levels_pc_type": "jacobi",
                "ksp_rtol": s.rtol,
                "ksp_max_it": s.max_iterations,
            }
        return merge_options(opts, s.petsc_options)

    @property
    def dofs(self) -> int:
        return self.V.dofmap.index_map.size_global * 3

    def _solve(
        self,
        x: PETSc.Vec,
        refresh: bool,
        what: str,
        rtol: float | None = None,
        limit: float = TRUE_RESIDUAL_LIMIT,
    ) -> tuple[int, int, float, bool]:
        """Solve A x = b (assembled by the caller), reusing the last preconditioner when it
        still converges in a few iterations; returns (iterations, reason, residual, rebuilt).

        A Newton correction may pass a looser `rtol` and residual `limit` (inexact Newton).
        """
        ksp = self.linear.ksp
        ksp.setOperators(self.A)
        ksp.setTolerances(rtol=rtol if rtol is not None else self.settings.rtol)
        rebuilt = refresh or not self._factorised
        if not rebuilt:
            ksp.getPC().setReusePreconditioner(True)
            ksp.setTolerances(max_it=max(REUSE_MAX_ITERATIONS, 2 * self._fresh_its))
            self.linear.solve(self.b, x)
            rebuilt = ksp.getConvergedReason() <= 0
        if rebuilt:
            ksp.getPC().setReusePreconditioner(False)
            ksp.setTolerances(max_it=self.max_its)
            self.linear.solve(self.b, x)
            self._factorised = True
            self._fresh_its = ksp.getIterationNumber()
        rel = check_solution(ksp, self.A, self.b, x, what, limit)
        return ksp.getIterationNumber(), ksp.getConvergedReason(), rel, rebuilt


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
