"""One Gmsh session on MPI rank 0, whose errors are raised on every rank.

Gmsh runs serially; under MPI the other ranks wait for rank 0 and then either
get its result or raise its error, so no rank is left hanging in a collective
call. `comm` is any object with `rank` and `bcast` (an mpi4py communicator), or
None for a serial session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import gmsh

from warp.errors import InputError, RunError

T = TypeVar("T")


class GmshSession:
    """`with GmshSession(comm) as session:` Gmsh initialised on rank 0 for the block."""

    def __init__(self, comm: Any = None):
        self.comm = comm
        self.rank = 0 if comm is None else comm.rank

    def __enter__(self) -> GmshSession:
        if self.rank == 0:
            gmsh.initialize(interruptible=False)
        return self

    def __exit__(self, *exc_info) -> None:
        if self.rank == 0 and gmsh.isInitialized():
            gmsh.finalize()

    @property
    def model(self):
        """The Gmsh model on rank 0, None on the other ranks."""
        return gmsh.model if self.rank == 0 else None

    def run(self, work: Callable[[], T], what: str = "meshing") -> T:
        """`work()` on rank 0, its result on every rank (collective); an error there is raised
        on every rank, as itself when it is an InputError or RunError, else as a RunError."""
        result = failure = None
        if self.rank == 0:
            try:
                result = work()
            except (InputError, RunError) as exc:
                failure = exc
            except Exception as exc:  # re-raised on every rank below, never left hanging
                failure = RunError(f"{what} failed: {exc}")
        if self.comm is not None:
            result, failure = self.comm.bcast((result, failure), root=0)
        if failure is not None:
            raise failure
        return result
