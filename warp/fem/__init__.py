"""Finite-element parts of warp (DOLFINx). Importing this package loads DOLFINx safely."""

from warp.fem import backend as _backend  # noqa: F401  (must run before any dolfinx import)
