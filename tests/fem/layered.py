"""The layered box mesh and its helpers, for the FE tests (they live in warp.fem.box)."""

# isort: off
import warp.fem  # noqa: F401  (loads DOLFINx the right way first)
# isort: on

from warp.fem.box import corner_supports, layered_box, values_at

__all__ = ["corner_supports", "layered_box", "values_at"]
