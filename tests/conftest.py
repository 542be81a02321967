"""The test folders by what they need: unit/ (pure), fem/ (DOLFINx, Gmsh), cli/ (the
installed `warp` end to end), cluster/ (SLURM and podman). Shared helpers are in support.py."""
