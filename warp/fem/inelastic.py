"""Quasi-static thermo-mechanics with history-dependent laws at quadrature points (collective).

Every part has a law from `warp.laws` (elastic with its full 6x6 stiffness:
isotropic, the cubic die, the orthotropic board; viscoelastic mold; Anand or
Garofalo solder) and a free strain along its principal axes (thermal and
chemical, no shear). At each time step the strain at the quadrature points goes
through the laws (vectorised numpy), the stresses and consistent tangents are
written into quadrature functions, and Newton's method finds the equilibrium;
states are committed only when a step converges, so a step can be cut back
and retried. A part can be "born" later (the mold at gelation, a joint when its
solder solidifies): until then it is a soft stand-in carrying no load, and
afterwards it counts strain from its state at birth, so it is stress-free then. A
joint that melts becomes the soft stand-in again and forgets its history until it
is born again. Temperatures are uniform in each step (a chamber).
Units: mm, MPa, s, degC.
"""

from __future__ import annotations

from dataclasses import dataclass

import basix
import basix.ufl
import dolfinx
import dolfinx.fem.petsc as fem_petsc
import numpy as np
import ufl
from mpi4py import MPI
from petsc4py import PETSc

from warp.errors import RunError
from warp.fem.mechanics import MechanicsBase, eps, voigt
from warp.fem.meshdata import PackageMesh
from warp.materials import Material, laws
from warp.study import Solver

NEWTON_RTOL = 1e-5
"""Newton stops when the residual is below this share of the step's scale (its first
residual, or 1e-3 of the stress size): the next correction would move the displacement by
about this share of the step's increment. Against 1e-6 it changes the reference cycling
benchmark's warpage by at most 11 nm (2.5e-4 of its largest value) and its work density
by 1e-5 relative."""
NEWTON_MAX = 12
NEWTON_PROJECTED_MAX = 16
"""A Newton solve is abandoned as diverging, without running to NEWTON_MAX, as soon as its
residual grows, or its last reduction, kept up, would need more than this many iterations
to reach the target. Replayed on the residuals of 191 Newton solves of the small package's
molding-to-life history, it flags none of the 174 that converged and cuts the 17 that
diverged from 126 to 61 iterations; every iteration of a diverging solve pays a fresh
factorisation."""
CORRECTION_RTOL = 1e-3
"""Loosest relative tolerance of the CG solve of a Newton correction (inexact Newton): the
step's accuracy is set by the Newton test on the true residual, not by this."""
FORCING = 0.3
"""After the first correction, a correction's CG solve aims at this share of the Newton
target: tight enough to finish the step with it, no tighter (no oversolving)."""
FLOWING = ("anand", "garofalo")
"""Laws whose tangent depends on the strain (viscoplastic solder)."""
SOFT_SHARE = 1e-4
"""Modulus of a part before its birth or while molten, as a share of its modulus then (the
molten stand-in E_molten of a solder above its solidus)."""


def strain_tensor(v):
    """Engineering-shear Voigt strain -> symmetric tensor (UFL)."""
    return ufl.as_matrix(
        [[v[0], v[5] / 2, v[4] / 2], [v[5] / 2, v[1], v[3] / 2], [v[4] / 2, v[3] / 2, v[2]]]
    )


@dataclass
class PartState:
    """Material points of one part: where they live and what they remember."""

    law: object
    rows: np.ndarray  # quadrature dofs of the part's cells, cell-major
    state: dict
    born: bool = True
    birth: np.ndarray | None = None  # total strain at birth (Voigt), per point
    work: np.ndarray | None = None  # accumulated inelastic work density (MPa), per point
    strain: np.ndarray | None = None  # mechanical strain (Voigt) at the last committed step


@dataclass
class StepStats:
    """Newton iterations, timing and inelastic strain increment of one time step."""

    newton: int
    linear_iterations: int
    seconds: float
    inelastic_increment: float  # largest equivalent inelastic strain increment at a point


class StepTooLarge(RunError):
    """A converged step whose inelastic strain increment exceeds the allowed one."""

    def __init__(self, increment: float, limit: float):
        super().__init__(f"inelastic strain increment {increment:.3g} exceeds {limit:.3g}")
        self.increment = increment


class InelasticModel(MechanicsBase):
    """Time-stepped mechanics with viscoelastic and viscoplastic parts."""

    prefix = "warp_inelastic_"
    definite = False  # Anand's deformation resistance softens on heating (s > s*): the
    # consistent tangent can lose definiteness, which a Cholesky flagged SPD turns to garbage

    def __init__(
        self,
        pm: PackageMesh,
        materials: dict[str, Material],
        law_of: dict[str, str],
        stress_free: dict[str, float],
        solver: Solver,
        symmetry: str,
        support_points: list,
        quadrature_degree: int = 2,
        tractions: dict[str, dolfinx.fem.Constant] | None = None,
    ):
        super().__init__(
            pm, solver, symmetry, support_points, metadata={"quadrature_degree": quadrature_degree}
        )
        self.materials, self.law_of, self.stress_free = materials, law_of, stress_free
        msh = pm.mesh
        cell = msh.basix_cell()
        self.points, _ = basix.make_quadrature(cell, quadrature_degree)
        self.npts = len(self.points)
        q6 = basix.ufl.quadrature_element(cell, value_shape=(6,), degree=quadrature_degree)
        q36 = basix.ufl.quadrature_element(cell, value_shape=(6, 6), degree=quadrature_degree)
        self.Q6 = dolfinx.fem.functionspace(msh, q6)
        self.Q36 = dolfinx.fem.functionspace(msh, q36)
        self.sigma = dolfinx.fem.Function(self.Q6)
        self.tangent = dolfinx.fem.Function(self.Q36)
        self.free = dolfinx.fem.Function(self.Q6)  # thermal + chemical + birth strain (Voigt)
        self.du = dolfinx.fem.Function(self.V)
        self.n_cells = msh.topology.index_map(3).size_local + msh.topology.index_map(3).num_ghosts
        self._strain = dolfinx.fem.Expression(voigt(eps(self.u)), self.points)
        v, w = ufl.TestFunction(self.V), ufl.TrialFunction(self.V)
        residual = ufl.dot(self.sigma, voigt(eps(v))) * self.dx
        ds = ufl.Measure("ds", domain=msh, subdomain_data=pm.facet_tags)
        for name, traction in (tractions or {}).items():  # surface loads, MPa
            residual -= ufl.dot(traction, v) * ds(pm.groups[name][1])
        self.F = dolfinx.fem.form(residual)
        q0 = dolfinx.fem.functionspace(msh, ("DG", 0))
        size = sum(abs(self.sigma[i]) for i in range(6)) * ufl.TestFunction(q0) * self.dx
        self._scale_form = dolfinx.fem.form(size)
        self._prescribed: list = []
        stiffness = ufl.dot(ufl.dot(self.tangent, voigt(eps(w))), voigt(eps(v)))
        self.J = dolfinx.fem.form(stiffness * self.dx)
        self._setup_solver(self.J)
        # Elastic and viscoelastic tangents change with temperature and time step only, so
        # within a step just the viscoplastic (solder) cells are assembled again
        flowing = tuple(pm.groups[p][1] for p in materials if law_of[p] in FLOWING)
        steady = tuple(pm.groups[p][1] for p in materials if law_of[p] not in FLOWING)
        self._J_steady = dolfinx.fem.form(stiffness * self.dx(steady)) if steady else None
        self._J_flowing = dolfinx.fem.form(stiffness * self.dx(flowing)) if flowing else None
        self._A_steady = fem_petsc.create_matrix(self.J) if steady else None
        for matrix in (self.A, self._A_steady):  # fix the full sparsity (explicit zeros)
            if matrix is not None:
                fem_petsc.assemble_matrix(matrix, self.J)
                matrix.assemble()
        # rtol on the true residual
        self.linear.ksp.setNormType(PETSc.KSP.NormType.UNPRECONDITIONED)
        self.parts: dict[str, PartState] = {}
        dofmap = self.Q6.dofmap.list
        for part in materials:
            cells = pm.cells(part)
            rows = dofmap[cells].ravel()
            self.parts[part] = PartState(None, rows, {}, work=np.zeros(len(rows)))
        self.chemical: dict[str, float] = {p: 0.0 for p in materials}
        self.temperature = None
        self.time = 0.0
        self._last_step = None
        self._increment = 0.0
        self._pending: dict = {}  # part -> (state, work, strain) of the last update
        self._owned = msh.topology.index_map(3).size_local

    # ------------------------------------------------------------ laws

    def _law(self, part: str, temp: float):
        mat, kind = self.materials[part], self.law_of[part]
        if kind == "viscoelastic":
            return laws.Viscoelastic.from_material(mat)
        if kind == "anand":
            return laws.Anand.from_material(mat, temp)
        if kind == "garofalo":
            return laws.Garofalo.from_material(mat, temp)
        return laws.elastic_law(mat, temp)

    def start(self, temp: float, unborn: tuple[str, ...] = ()) -> None:
        """Initial states at `temp`; parts in `unborn` wait for `give_birth`."""
        self.temperature = temp
        for part, ps in self.parts.items():
            n = len(ps.rows)
            ps.law = self._law(part, temp)
            ps.state = ps.law.initial_state(n)
            ps.born = part not in unborn
            ps.birth = np.zeros((n, 6))

    def give_birth(self, part: str) -> None:
        """The part becomes load-bearing now, stress-free in its present shape at the present
        temperature, with the fresh state of its law (a new joint: no inelastic strain, no
        work, Anand s = s0)."""
        ps = self.parts[part]
        ps.birth = self._point_strain(ps.rows) - self._free_strain(part, self.temperature)
        ps.law = self._law(part, self.temperature)
        ps.state = ps.law.initial_state(len(ps.rows))
        ps.work = np.zeros(len(ps.rows))
        ps.strain = None
        ps.born = True

    def melt(self, part: str) -> None:
        """The part (a joint above its solidus) carries no load from now on, as before its
        birth, and keeps nothing of its history: `give_birth` makes it solid again."""
        ps = self.parts[part]
        ps.born = False
        ps.state = {}
        ps.work = np.zeros(len(ps.rows))
        ps.strain = None

    # ------------------------------------------------------------ points

    def _all_strains(self) -> np.ndarray:
        vals = self._strain.eval(self.pm.mesh, np.arange(self.n_cells, dtype=np.int32))
        return vals.reshape(-1, 6)

    def _point_strain(self, rows: np.ndarray) -> np.ndarray:
        return self._all_strains()[rows]

    def _free_strain(self, part: str, temp: float) -> np.ndarray:
        """Thermal plus chemical strain (Voigt) of a part at a uniform temperature."""
        th = self.materials[part].thermal_strain(temp, self.stress_free[part])
        return np.concatenate([th + self.chemical[part], np.zeros(3)])

    def _update_points(self, temp: float, dt: float) -> None:
        """Run every law on the current displacement; fill stress and tangent on this
        rank's cells (local: no communication, so a law failing here cannot leave another
        rank waiting). The new states wait in `_pending` until `_commit` makes them the
        step's result."""
        strains = self._all_strains()
        sig = self.sigma.x.array.reshape(-1, 6)
        tan = self.tangent.x.array.reshape(-1, 6, 6)
        free = self.free.x.array.reshape(-1, 6)
        increment = 0.0
        self._pending = {}
        for part, ps in self.parts.items():
            total = strains[ps.rows]
            if not ps.born:
                c = laws.elastic_law(self.materials[part], temp).stiffness * SOFT_SHARE
                sig[ps.rows] = total @ c.T
                tan[ps.rows] = c
                free[ps.rows] = 0.0
                continue
            f = self._free_strain(part, temp) + ps.birth
            free[ps.rows] = f
            stress, c, new, work = ps.law.update(total - f, ps.state, dt, temp, self.temperature)
            sig[ps.rows] = stress
            tan[ps.rows] = c
            if "p" in new and len(ps.rows):
                increment = max(increment, float(np.max(new["p"] - ps.state["p"])))
            self._pending[part] = (new, work, total - f)
        self._increment = increment

    def _update(self, temp: float, dt: float) -> None:
        """`_update_points` on every rank (collective): RunError on all of them if it
        failed on one, else the stresses and tangents scattered to the ghost cells."""
        self._collective(lambda: self._update_points(temp, dt))
        self.sigma.x.scatter_forward()
        self.tangent.x.scatter_forward()

    def _commit(self) -> None:
        """The states of the last `_update_points` become the committed ones."""
        for part, (new, work, strain) in self._pending.items():
            ps = self.parts[part]
            ps.state, ps.work, ps.strain = new, ps.work + work, strain
        self._pending = {}

    # ------------------------------------------------------------ time step

    def _residual(self) -> float:
        """Assemble the residual (minus the internal force); returns its norm."""
        with self.b.localForm() as loc:
            loc.set(0.0)
        fem_petsc.assemble_vector(self.b, self.F)
        self.b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
        self.b.scale(-1.0)
        fem_petsc.set_bc(self.b, self.bcs, alpha=0.0)
        return self.b.norm()

    def _tangent(self, new_step: bool) -> None:
        """Assemble the consistent tangent of the current material-point states: the
        steady parts' share at the first iteration of a step, the flowing (solder) cells
        every time."""
        if self._A_steady is None:
            self.A.zeroEntries()
        else:
            if new_step:  # new temperature and time step
                self._A_steady.zeroEntries()
                fem_petsc.assemble_matrix(self._A_steady, self._J_steady, bcs=self.bcs)
                self._A_steady.assemble()
            self._A_steady.copy(self.A, structure=PETSc.Mat.Structure.SAME_NONZERO_PATTERN)
        if self._J_flowing is not None:  # adds to the steady share; the Dirichlet diagonal stays 1
            fem_petsc.assemble_matrix(self.A, self._J_flowing, bcs=self.bcs)
        self.A.assemble()

    def advance(self, temp: float, dt: float, max_increment: float = np.inf) -> StepStats:
        """Equilibrium at the end of a step to `temp` (degC) lasting dt (s).

        RunError if Newton fails, StepTooLarge if the equivalent inelastic strain grows by
        more than `max_increment` at any material point; either way nothing is committed.
        """
        t0 = MPI.Wtime()
        for part, ps in self.parts.items():  # elastic moduli follow the temperature
            if ps.born and self.law_of[part] in ("elastic", *FLOWING):
                ps.law = self._law(part, temp)
        u_start = self.u.x.array.copy()
        if self._last_step is not None:  # predictor: continue the last step's trend in T
            du, d_temp = self._last_step
            if d_temp != 0 and temp != self.temperature:
                self.u.x.array[:] += du * ((temp - self.temperature) / d_temp)
        try:
            newton, linear = self._newton(temp, dt)
            increment = self.pm.comm.allreduce(self._increment, op=MPI.MAX)
            if increment > max_increment:
                raise StepTooLarge(increment, max_increment)
        except (RunError, FloatingPointError, np.linalg.LinAlgError):
            self.u.x.array[:] = u_start  # nothing committed: the step can be retried
            raise
        self._commit()  # Newton ended on an update at the converged displacement
        self._last_step = (self.u.x.array - u_start, temp - self.temperature)
        self.temperature = temp
        self.time += dt
        return StepStats(newton, linear, MPI.Wtime() - t0, increment)

    def _newton(self, temp: float, dt: float) -> tuple[int, int]:
        """Newton iterations for one step; returns (iterations, linear iterations)."""
        if self._prescribed:
            fem_petsc.set_bc(self.u.x.petsc_vec, self._prescribed)
            self.u.x.scatter_forward()
        linear = 0
        scale = previous = None
        for newton in range(1, NEWTON_MAX + 1):
            self._update(temp, dt)
            rnorm = self._residual()
            if scale is None:
                scale = max(rnorm, self._force_scale() * 1e-3, 1e-30)
            target = NEWTON_RTOL * scale
            if newton > 1 and rnorm <= target:
                break
            if previous is not None:
                _check_converging(newton, rnorm, previous, target)
            previous = rnorm
            self._tangent(new_step=newton == 1)  # only when a correction follows
            rtol = CORRECTION_RTOL  # the first correction leaves a nonlinear error anyway
            if newton > 1:
                rtol = min(rtol, max(FORCING * target / rnorm, 1e-12))
            self.du.x.array[:] = 0.0
            its, _, _, _ = self._solve(
                self.du.x.petsc_vec,
                False,
                "Newton correction",
                rtol=rtol,
                limit=1.0,  # only a sane answer: the Newton test judges the rest
            )
            linear += its
            self.du.x.scatter_forward()
            finite = bool(np.all(np.isfinite(self.du.x.array)))
            if not self.pm.comm.allreduce(finite, op=MPI.LAND):
                raise RunError("Newton correction is not finite")
            self.u.x.array[:] += self.du.x.array
        else:
            raise RunError(f"Newton did not converge in {NEWTON_MAX} iterations")
        return newton, linear

    def _collective(self, action) -> None:
        """Run a local action; if it fails on any rank, every rank raises RunError (the
        action must not communicate: a rank that failed would not join it)."""
        message = ""
        try:
            action()
        except (RunError, FloatingPointError, np.linalg.LinAlgError) as exc:
            message = str(exc) or type(exc).__name__
        messages = [m for m in self.pm.comm.allgather(message) if m]
        if messages:
            raise RunError(messages[0])

    def _force_scale(self) -> float:
        """Size of the stresses (integral of |sigma|, N mm), to make the residual test relative."""
        vec = dolfinx.fem.assemble_vector(self._scale_form)
        return self.pm.comm.allreduce(float(np.sum(vec.array[: self._owned])), op=MPI.SUM)

    def prescribe(self, facets: str, component: int, value: dolfinx.fem.Constant) -> None:
        """Hold a displacement component on a facet group at a (changeable) value, mm."""
        sub = self.V.sub(component)
        dofs = dolfinx.fem.locate_dofs_topological(sub, 2, self.pm.facets(facets))
        bc = dolfinx.fem.dirichletbc(value, dofs, sub)
        self.bcs.append(bc)
        self._prescribed.append(bc)

    # ------------------------------------------------------------ outputs

    def mechanical_strain(self):
        """Total minus free (thermal, chemical, birth) strain, UFL tensor."""
        return eps(self.u) - strain_tensor(self.free)

    def cell_stress(self) -> np.ndarray:
        """Cell-average stress (n local cells, 3, 3) in MPa: mean of the quadrature values."""
        s = self.sigma.x.array.reshape(self.n_cells, self.npts, 6).mean(axis=1)
        out = np.empty((self.n_cells, 3, 3))
        out[:, 0, 0], out[:, 1, 1], out[:, 2, 2] = s[:, 0], s[:, 1], s[:, 2]
        out[:, 1, 2] = out[:, 2, 1] = s[:, 3]
        out[:, 0, 2] = out[:, 2, 0] = s[:, 4]
        out[:, 0, 1] = out[:, 1, 0] = s[:, 5]
        return out

    def cell_values(self, part: str, key: str) -> np.ndarray:
        """Cell means of a point quantity of a part, laid out over all local cells (zero
        elsewhere): "p" accumulated inelastic strain, "work" inelastic work density (MPa),
        "ep" inelastic and "strain" mechanical strain as tensor components (n, 6) in the
        order xx, yy, zz, yz, xz, xy (shear as tensor, not engineering, components)."""
        ps = self.parts[part]
        n = len(ps.rows)
        if key == "strain":
            values = laws.to_mandel(ps.strain if ps.strain is not None else np.zeros((n, 6)))
        elif key == "work":
            values = ps.work if ps.work is not None else np.zeros(n)
        else:
            values = ps.state.get(key, np.zeros((n, 6) if key == "ep" else n))
        values = np.asarray(values)
        if values.ndim == 2:
            values = laws.mandel_to_tensor(values)
        cells = self.pm.cells(part)
        out = np.zeros((self.n_cells, *values.shape[1:]))
        out[cells] = values.reshape(len(cells), self.npts, *values.shape[1:]).mean(axis=1)
        return out


def _check_converging(newton: int, rnorm: float, previous: float, target: float) -> None:
    """RunError when Newton iteration `newton` (its residual `rnorm`, the last one
    `previous`) shows divergence: the residual grew, or its rate of reduction would need
    more than NEWTON_PROJECTED_MAX iterations in all to reach `target`. The norms are
    global, so every rank decides alike."""
    if rnorm >= previous:
        raise RunError(f"Newton diverging: the residual grew at iteration {newton}")
    projected = newton + np.log(rnorm / target) / np.log(previous / rnorm)
    if newton >= 3 and projected > NEWTON_PROJECTED_MAX:
        raise RunError(
            f"Newton converging too slowly: about {projected:.0f} iterations at iteration "
            f"{newton}'s rate"
        )
