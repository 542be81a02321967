"""Heat conduction in the package, steady and transient (collective).

Same mesh as the mechanics. Units inside: mm, W, degC, so conductivity is in
W/(mm.K) (library W/(m.K) * 1e-3), film coefficients in W/(mm^2.K) (* 1e-6)
and heat capacity in J/(mm^3.K) (* 1e-9). Conductivity is the diagonal tensor
(k, k, k_z) of the library tables k(T), k_z(T), cell by cell (a DG0 vector), by
Picard iteration. Each named outer surface is convective, held at a temperature,
or adiabatic; a held condition may also cover part of a surface (a ring) or an
interface. The die power is a volume source, uniform or with a hot spot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import dolfinx
import dolfinx.fem.petsc as fem_petsc
import numpy as np
import ufl
from mpi4py import MPI
from petsc4py import PETSc

from warp.errors import RunError
from warp.fem.meshdata import PackageMesh
from warp.fem.probes import PointProbe
from warp.fem.solver import (
    LinearSolver,
    PetscOptions,
    assemble_system,
    check_solution,
    merge_options,
)
from warp.jesd51 import SurfaceCondition
from warp.materials import Material
from warp.parts import OUTER_SURFACES

PICARD_TOL_K = 1e-6
PICARD_MAX = 30
THERMAL_OPTIONS: PetscOptions = {
    "ksp_type": "preonly",
    "pc_type": "cholesky",
    "pc_factor_mat_solver_type": "mumps",
}
"""Default PETSc options of the conduction solve: a MUMPS Cholesky factorisation."""


@dataclass(frozen=True)
class HeatSource:
    """Power of one die (W, whole package), optionally partly in a hot-spot box."""

    part: str
    watts: float
    design_volume: float  # mm^3, the whole die
    hotspot: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 in mm
    hotspot_fraction: float = 0.0


class ThermalModel:
    """Temperature field T (P1 or P2) under a set of surface conditions and die powers.

    `petsc_options` (the study's thermal.petsc_options) go on top of THERMAL_OPTIONS;
    `dies` names the die parts whose temperatures are reported (default: the powered ones).
    """

    def __init__(
        self,
        pm: PackageMesh,
        materials: dict[str, Material],
        sources: list[HeatSource],
        degree: int = 1,
        petsc_options: Mapping | None = None,
        dies: Sequence[str] | None = None,
    ):
        self.pm, self.materials = pm, materials
        msh = pm.mesh
        self.V = dolfinx.fem.functionspace(msh, ("Lagrange", degree))
        q0 = dolfinx.fem.functionspace(msh, ("DG", 0))
        self.rho_c, self.q = (dolfinx.fem.Function(q0) for _ in range(2))
        self.k = dolfinx.fem.Function(dolfinx.fem.functionspace(msh, ("DG", 0, (3,))))
        self.T = dolfinx.fem.Function(self.V, name="temperature")
        self.T_old = dolfinx.fem.Function(self.V)
        self.n_cells = msh.topology.index_map(3).size_local + msh.topology.index_map(3).num_ghosts
        self.cell_T = dolfinx.fem.Function(q0)
        self._cell_T_expr = dolfinx.fem.Expression(self.T, q0.element.interpolation_points)
        self.power = sum(s.watts for s in sources)
        self._set_sources(sources)
        self.surfaces = [g for g in OUTER_SURFACES if g in pm.groups]
        self.h = {g: dolfinx.fem.Constant(msh, 0.0) for g in self.surfaces}
        self.t_fluid = {g: dolfinx.fem.Constant(msh, 25.0) for g in self.surfaces}
        self.inv_dt = dolfinx.fem.Constant(msh, 0.0)
        self.scale = dolfinx.fem.Constant(msh, 1.0)
        ds = ufl.Measure("ds", domain=msh, subdomain_data=pm.facet_tags)
        self.ds = {g: ds(pm.groups[g][1]) for g in self.surfaces}
        dx = ufl.Measure("dx", domain=msh)
        u, v = ufl.TrialFunction(self.V), ufl.TestFunction(self.V)
        flux = ufl.as_vector([self.k[i] * ufl.grad(u)[i] for i in range(3)])  # diag(k) grad u
        a = ufl.dot(flux, ufl.grad(v)) * dx + self.inv_dt * self.rho_c * u * v * dx
        L = self.scale * self.q * v * dx + self.inv_dt * self.rho_c * self.T_old * v * dx
        for g in self.surfaces:
            a += self.h[g] * u * v * self.ds[g]
            L += self.h[g] * self.t_fluid[g] * v * self.ds[g]
        self.a, self.L = dolfinx.fem.form(a), dolfinx.fem.form(L)
        self._out = {
            g: dolfinx.fem.form(self.h[g] * (self.T - self.t_fluid[g]) * self.ds[g])
            for g in self.surfaces
        }
        self._residual = dolfinx.fem.form(ufl.action(a, self.T) - L)
        self.A = fem_petsc.create_matrix(self.a)
        self.b = fem_petsc.create_vector(self.V)
        self.linear = LinearSolver(
            msh.comm, "warp_thermal_", merge_options(THERMAL_OPTIONS, petsc_options)
        )
        self.A.setOption(PETSc.Mat.Option.SPD, True)
        self.bcs: list = []
        self.fixed: list[str] = []
        names = dies if dies is not None else [s.part for s in sources]
        self.die_dofs = {d: np.unique(self.V.dofmap.list[pm.cells(d)]) for d in names}

    # ------------------------------------------------------------ set-up

    def _set_sources(self, sources: list[HeatSource]) -> None:
        """Volume power densities, scaled so the modelled cells carry exactly their share."""
        msh = self.pm.mesh
        w = ufl.TestFunction(self.q.function_space)
        cell_volume = dolfinx.fem.assemble_vector(dolfinx.fem.form(w * ufl.dx(domain=msh))).array
        owned = msh.topology.index_map(3).size_local
        mids = dolfinx.mesh.compute_midpoints(msh, 3, np.arange(self.n_cells, dtype=np.int32))
        for s in sources:
            cells = self.pm.cells(s.part)
            hot = np.zeros(len(cells), dtype=bool)
            if s.hotspot is not None and s.hotspot_fraction > 0:
                x0, y0, x1, y1 = s.hotspot
                xy = mids[cells, :2]
                hot = (xy[:, 0] > x0) & (xy[:, 0] < x1) & (xy[:, 1] > y0) & (xy[:, 1] < y1)
            mine = cells < owned
            v_die = msh.comm.allreduce(float(cell_volume[cells[mine]].sum()), op=MPI.SUM)
            v_hot = msh.comm.allreduce(float(cell_volume[cells[mine & hot]].sum()), op=MPI.SUM)
            share = v_die / s.design_volume  # 1/4 in a quarter model
            frac = s.hotspot_fraction if v_hot > 0 else 0.0
            if s.hotspot_fraction > 0 and v_hot == 0:
                raise RunError(f"hot spot on {s.part} covers no element; enlarge hotspot_size")
            self.q.x.array[cells[~hot]] = (1 - frac) * s.watts * share / (v_die - v_hot)
            if v_hot > 0:
                self.q.x.array[cells[hot]] = frac * s.watts * share / v_hot

    def set_environment(self, surfaces: dict[str, SurfaceCondition]) -> None:
        """Apply surface conditions by group name; groups not given are adiabatic. A held
        condition may name an interface group too (held isothermal inside the body), and
        with a `ring` it holds only the facets whose midpoints lie in the ring."""
        self.bcs, self.fixed = [], []
        for g in self.surfaces:
            cond = surfaces.get(g, SurfaceCondition("adiabatic"))
            self.h[g].value = cond.h * 1e-6 if cond.kind == "convection" else 0.0
            self.t_fluid[g].value = cond.temperature
        for g, cond in surfaces.items():
            if cond.kind != "fixed" or (g in OUTER_SURFACES and g not in self.surfaces):
                continue  # a face this design does not have
            if g not in self.pm.groups or self.pm.groups[g][0] != 2:
                raise RunError(f"thermal: no surface or interface named {g!r} in the mesh")
            facets = self.pm.facets(g)
            if cond.ring is not None:
                mids = dolfinx.mesh.compute_midpoints(self.pm.mesh, 2, facets)
                facets = facets[cond.ring.contains(mids[:, 0], mids[:, 1])]
            if self.pm.comm.allreduce(len(facets), op=MPI.SUM) == 0:
                raise RunError(f"thermal: the held part of {g!r} covers no facet")
            dofs = dolfinx.fem.locate_dofs_topological(self.V, 2, facets)
            self.bcs.append(dolfinx.fem.dirichletbc(float(cond.temperature), dofs, self.V))
            self.fixed.append(g)
        if not self.fixed and not any(self.h[g].value > 0 for g in self.surfaces):
            raise RunError("thermal: every surface is adiabatic, so no steady state exists")

    # ------------------------------------------------------------ solves

    def _update_properties(self) -> None:
        """Conductivity and heat capacity of every cell at its current temperature."""
        self.cell_T.interpolate(self._cell_T_expr)
        for part, mat in self.materials.items():
            cells = self.pm.cells(part)
            temp = self.cell_T.x.array[cells]
            blocks = self.k.function_space.dofmap.list[cells, 0]
            self.k.x.array.reshape(-1, 3)[blocks] = mat.conductivity(temp) * 1e-3
            self.rho_c.x.array[cells] = mat.heat_capacity(temp) * 1e-9

    def _solve_linear(self, what: str) -> None:
        assemble_system(self.A, self.b, self.a, self.L, self.bcs)
        self.linear.ksp.setOperators(self.A)
        self.linear.solve(self.b, self.T.x.petsc_vec)
        self.T.x.scatter_forward()
        check_solution(self.linear.ksp, self.A, self.b, self.T.x.petsc_vec, what)

    def _picard(self, what: str) -> int:
        """Solve with k(T), rho c(T) until the temperature settles; returns the iterations."""
        for iteration in range(1, PICARD_MAX + 1):
            previous = self.T.x.array.copy()
            self._update_properties()
            self._solve_linear(what)
            change = self.pm.comm.allreduce(
                float(np.max(np.abs(self.T.x.array - previous), initial=0.0)), op=MPI.MAX
            )
            if change < PICARD_TOL_K:
                return iteration
        raise RunError(f"{what}: conductivity iteration did not settle in {PICARD_MAX} steps")

    def steady(self, power_scale: float = 1.0, start: float = 25.0) -> int:
        """Steady state at `power_scale` times the die powers; returns Picard iterations."""
        self.inv_dt.value = 0.0
        self.scale.value = power_scale
        if not np.any(self.T.x.array):
            self.T.x.array[:] = start
        return self._picard("steady thermal solve")

    def advance(self, dt: float, power_scale: float) -> int:
        """One backward-Euler step of dt seconds from the current field."""
        self.T_old.x.array[:] = self.T.x.array
        self.inv_dt.value = 1.0 / dt
        self.scale.value = power_scale
        return self._picard(f"transient thermal step of {dt:g} s")

    # ------------------------------------------------------------ outputs

    def die_temperatures(self) -> dict[str, float]:
        """Highest temperature of each reported die (degC), by die part."""
        return {
            die: self.pm.comm.allreduce(
                float(np.max(self.T.x.array[dofs], initial=-np.inf)), op=MPI.MAX
            )
            for die, dofs in self.die_dofs.items()
        }

    def junction_temperature(self) -> float:
        """Highest temperature of any reported die (degC)."""
        return max(self.die_temperatures().values(), default=-np.inf)

    def temperature_at(self, points: np.ndarray) -> np.ndarray:
        """Temperatures (degC) at points (n, 3) in mm, on every rank."""
        return PointProbe(self.pm.mesh, points)(self.T, 0)

    def film_heat(self) -> dict[str, float]:
        """Heat leaving the modelled region through each convective surface, in W."""
        return {
            g: self.pm.comm.allreduce(dolfinx.fem.assemble_scalar(f), op=MPI.SUM)
            for g, f in self._out.items()
            if self.h[g].value > 0
        }

    def heat_out(self) -> float:
        """Heat leaving the modelled region in W: films plus held surfaces."""
        film = sum(self.film_heat().values())
        if not self.fixed:
            return film
        # heat into the held surfaces: the residual of the unconstrained equations there
        residual = dolfinx.fem.assemble_vector(self._residual)
        residual.scatter_reverse(dolfinx.la.InsertMode.add)
        owned = self.V.dofmap.index_map.size_local
        held = np.unique(np.concatenate([bc.dof_indices()[0] for bc in self.bcs]))
        held = held[held < owned]
        return film - self.pm.comm.allreduce(float(residual.array[held].sum()), op=MPI.SUM)

    def power_in(self) -> float:
        """Power generated in the modelled region in W (the package total / share)."""
        dx = ufl.dx(domain=self.pm.mesh)
        local = dolfinx.fem.assemble_scalar(dolfinx.fem.form(self.scale * self.q * dx))
        return self.pm.comm.allreduce(local, op=MPI.SUM)

    def cell_temperatures(self) -> np.ndarray:
        """Cell-average temperatures (degC) of all local cells, for the mechanics."""
        self.cell_T.interpolate(self._cell_T_expr)
        return self.cell_T.x.array.copy()
