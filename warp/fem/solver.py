"""Linear systems of the FE models: assembly, PETSc KSP set-up and the check of every answer
(collective).

Each KSP reads its options under its own prefix, unique per instance. The options sit in
PETSc's global database only while the KSP reads them: at set-up and during each solve,
because PETSc reads some of them (multigrid smoothers, MUMPS controls) only when it builds
the preconditioner. So no other model, and no later test, sees them.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator, Mapping

import dolfinx
import dolfinx.fem.petsc as fem_petsc
import numpy as np
from petsc4py import PETSc

from warp.errors import RunError

TRUE_RESIDUAL_LIMIT = 1e-6
"""Largest accepted ||b - A x|| / ||b|| after a solve."""

PetscOptions = dict[str, str | float | int | bool]
"""PETSc options without prefix or leading dash, e.g. {"ksp_type": "cg"}."""

_instances = itertools.count()


def merge_options(defaults: PetscOptions, overrides: Mapping | None) -> PetscOptions:
    """The defaults with study overrides on top; override keys may start with '-'."""
    return {**defaults, **{k.lstrip("-"): v for k, v in (overrides or {}).items()}}


class LinearSolver:
    """A PETSc KSP set up from `options` under the prefix `base` + a per-instance number.

    `ksp` is the PETSc object; solve through `solve` so that the options PETSc reads
    while building the preconditioner are in place.
    """

    def __init__(self, comm, base: str, options: PetscOptions):
        self.prefix = f"{base}{next(_instances)}_"
        self.options = dict(options)
        self.ksp = PETSc.KSP().create(comm)
        self.ksp.setOptionsPrefix(self.prefix)
        with self._published():
            self.ksp.setFromOptions()

    @contextlib.contextmanager
    def _published(self) -> Iterator[None]:
        """The options in PETSc's global database for the duration of the block only."""
        database = PETSc.Options()
        for key, value in self.options.items():
            database[self.prefix + key] = value
        try:
            yield
        finally:
            for key in self.options:
                database.delValue(self.prefix + key)

    def solve(self, b: PETSc.Vec, x: PETSc.Vec) -> None:
        """KSP solve with the operators set by the caller."""
        with self._published():
            self.ksp.solve(b, x)


def assemble_system(
    A: PETSc.Mat,
    b: PETSc.Vec,
    a: dolfinx.fem.Form,
    L: dolfinx.fem.Form,
    bcs: list[dolfinx.fem.DirichletBC],
) -> None:
    """Assemble a(u, v) = L(v) into A and b in place, Dirichlet `bcs` applied by lifting.

    The rows and columns of held dofs become identity in A, and b carries their values.
    """
    A.zeroEntries()
    fem_petsc.assemble_matrix(A, a, bcs=bcs)
    A.assemble()
    with b.localForm() as loc:
        loc.set(0.0)
    fem_petsc.assemble_vector(b, L)
    fem_petsc.apply_lifting(b, [a], bcs=[bcs])
    b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
    fem_petsc.set_bc(b, bcs)


def check_solution(
    ksp: PETSc.KSP,
    A: PETSc.Mat,
    b: PETSc.Vec,
    x: PETSc.Vec,
    what: str,
    limit: float = TRUE_RESIDUAL_LIMIT,
) -> float:
    """Raise RunError unless PETSc converged and the true residual is below `limit`.

    `what` names the solve in the message, e.g. "mechanical solve at 25 degC".
    """
    reason, its = ksp.getConvergedReason(), ksp.getIterationNumber()
    residual = A.createVecLeft()
    A.mult(x, residual)
    residual.axpy(-1.0, b)
    bnorm = b.norm()
    rel = residual.norm() / bnorm if bnorm > 0 else residual.norm()
    residual.destroy()
    if reason < 0:
        raise RunError(
            f"{what} failed: PETSc reason {reason} after {its} iterations; try "
            "solver.method = 'direct' or other solver.petsc_options"
        )
    if not np.isfinite(rel) or rel > limit:
        raise RunError(
            f"{what}: true relative residual {rel:.2e} exceeds {limit:g}; the "
            "answer would be wrong (check mesh quality, solver.rtol)"
        )
    return rel
