"""Linear thermo-elasticity of the package at a temperature (collective).

Each part has one material; its moduli and free thermal strain at the current
temperature (uniform, or one value per cell from a temperature field) live in
cell-wise (DG0) fields, so a load step only refills arrays and reassembles. An
anisotropic material (the cubic silicon die, an orthotropic board) uses its full
Voigt stiffness, with its free strain along the principal axes.
"""

from __future__ import annotations

import dolfinx
import numpy as np
import ufl
from mpi4py import MPI

from warp.fem.mechanics import MechanicsBase, SolveStats, eps, unvoigt, voigt
from warp.fem.meshdata import PackageMesh
from warp.fem.solver import assemble_system
from warp.materials import Material
from warp.study import Solver

REUSE_MODULUS_RATIO = 2.0
"""A part whose modulus changed more than this since the last factorisation (Tg, solidus)
forces a fresh preconditioner rather than a reuse attempt that would fail."""


class ThermoElasticModel(MechanicsBase):
    """Assembles and solves the thermo-elastic problem; probes read `u` and `cell_stress()`."""

    prefix = "warp_elastic_"

    def __init__(
        self,
        pm: PackageMesh,
        materials: dict[str, Material],
        stress_free_degC: dict[str, float],
        solver: Solver,
        symmetry: str,
        support_points: list[tuple[tuple[float, float, float], tuple[int, ...]]],
    ):
        super().__init__(pm, solver, symmetry, support_points)
        self.materials, self.stress_free = materials, stress_free_degC
        self.chemical = {p: 0.0 for p in materials}  # linear chemical (cure) strain by part
        msh = pm.mesh
        q0 = dolfinx.fem.functionspace(msh, ("DG", 0))
        self.lam, self.mu = dolfinx.fem.Function(q0), dolfinx.fem.Function(q0)
        self.eth = dolfinx.fem.Function(dolfinx.fem.functionspace(msh, ("DG", 0, (3,))))
        self.anisotropic = {
            p: dolfinx.fem.Constant(msh, np.zeros((6, 6)))
            for p, m in materials.items()
            if m.elasticity != "isotropic"
        }
        self.cells = {p: pm.cells(p) for p in materials}
        u, v = ufl.TrialFunction(self.V), ufl.TestFunction(self.V)
        a = L = 0
        for part in materials:
            dxp = self.dx(pm.groups[part][1])
            a += ufl.inner(self._sigma(part, eps(u)), eps(v)) * dxp
            L += ufl.inner(self._sigma(part, ufl.diag(self.eth)), eps(v)) * dxp
        self.a, self.L = dolfinx.fem.form(a), dolfinx.fem.form(L)
        self._setup_solver(self.a)
        self._b_prev = None
        self.temperature = None
        q_t = dolfinx.fem.functionspace(msh, ("DG", 0, (3, 3)))
        self._sigma_cells = dolfinx.fem.Function(q_t)
        self._sigma_exprs = [
            (
                dolfinx.fem.Expression(self.stress(p), q_t.element.interpolation_points),
                self.cells[p],
            )
            for p in materials
        ]

    def _sigma(self, part: str, strain):
        if part in self.anisotropic:
            return unvoigt(ufl.dot(self.anisotropic[part], voigt(strain)))
        return 2 * self.mu * strain + self.lam * ufl.tr(strain) * ufl.Identity(3)

    def mechanical_strain(self):
        """Total minus free (thermal and chemical) strain (UFL, valid in every part)."""
        return eps(self.u) - ufl.diag(self.eth)

    def stress(self, part: str):
        """Cauchy stress in MPa in one part (UFL)."""
        return self._sigma(part, self.mechanical_strain())

    def cell_stress(self) -> np.ndarray:
        """Cell-average stress (n local cells, 3, 3) in MPa: midpoint values of linear fields."""
        for expr, cells in self._sigma_exprs:
            self._sigma_cells.interpolate(expr, cells0=cells)
        return self._sigma_cells.x.array.reshape(-1, 3, 3)

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
            if part in self.anisotropic:  # constants that hold at every temperature
                stiffness = mat.stiffness(
                    self.pm.mesh.comm.allreduce(float(np.max(temp, initial=-np.inf)), op=MPI.MAX)
                )
                self.anisotropic[part].value[:] = stiffness
                local = float(np.max(stiffness))
            else:
                lam, mu = mat.lame(temp)
                self.lam.x.array[cells] = lam
                self.mu.x.array[cells] = mu
                local = float(np.max(mat.E(temp), initial=-np.inf))
            self.moduli[part] = self.pm.mesh.comm.allreduce(local, op=MPI.MAX)
            strain = mat.thermal_strain(temp, self.stress_free[part]) + self.chemical[part]
            self.eth.x.array.reshape(-1, 3)[cells] = strain
        self.temperature = (
            self.pm.mesh.comm.allreduce(float(np.max(temp_degC)), op=MPI.MAX)
            if field
            else temp_degC
        )

    def solve(self) -> SolveStats:
        """Assemble at the current temperature, solve, and check the answer (RunError)."""
        t0 = MPI.Wtime()
        assemble_system(self.A, self.b, self.a, self.L, self.bcs)
        t1 = MPI.Wtime()
        self._initial_guess()
        jumped = self._factorised and self._moduli_jumped()
        what = f"mechanical solve at {self.temperature:g} degC"
        its, reason, rel, rebuilt = self._solve(self.u.x.petsc_vec, jumped, what)
        if rebuilt:
            self._factor_moduli = dict(self.moduli)
        self.u.x.scatter_forward()
        return SolveStats(its, reason, rel, t1 - t0, MPI.Wtime() - t1, rebuilt)

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
