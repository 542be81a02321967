"""FE and mesh tests: skipped as a whole where DOLFINx or Gmsh is not installed."""

import pytest

pytest.importorskip("warp.fem.backend", reason="DOLFINx is not installed")
pytest.importorskip("gmsh", reason="Gmsh is not installed")
