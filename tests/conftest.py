"""The test folders by what they need: unit/ (pure), fem/ (DOLFINx, Gmsh), cli/ (the
installed `warp` end to end), cluster/ (SLURM and podman). Shared helpers are in support.py."""

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Groups for pytest-xdist's `--dist loadgroup` (pyproject addopts): a module's tests run
    on one worker, so its module fixtures (a cycled run, a mesh) are built once; both SLURM
    modules share one worker, as they start the one cluster."""
    for item in items:
        group = "slurm" if item.get_closest_marker("slurm") else item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))
