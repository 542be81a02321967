"""Checks every linear solve must pass before its answer is used (collective)."""

from __future__ import annotations

import numpy as np
from petsc4py import PETSc

from warp.errors import RunError

TRUE_RESIDUAL_LIMIT = 1e-6
"""Largest accepted ||b - A x|| / ||b|| after a solve."""


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
