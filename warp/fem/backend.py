"""The one module that knows where DOLFINx came from.

The PyPI wheel (`dolfinx-solver-real`) ships its own MPI and PETSc and must be
imported before mpi4py, petsc4py and DOLFINx; conda-forge builds and the
official FEniCS images have no such module and need nothing. Code outside
`warp.fem` takes MPI from here, never from mpi4py directly.
"""

try:
    import dolfinx_solver  # noqa: F401
except ImportError:  # conda-forge or FEniCS image
    dolfinx_solver = None

import dolfinx  # noqa: E402
from mpi4py import MPI  # noqa: E402
from petsc4py import PETSc  # noqa: E402

DOLFINX_VERSION = dolfinx.__version__
PETSC_VERSION = ".".join(map(str, PETSc.Sys.getVersion()))
PACKAGING = "dolfinx-solver-real (PyPI)" if dolfinx_solver is not None else "system DOLFINx"

__all__ = ["MPI", "DOLFINX_VERSION", "PACKAGING", "PETSC_VERSION"]
