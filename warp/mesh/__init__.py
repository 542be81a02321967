"""Gmsh: the package geometry meshed with named groups (rank 0 only)."""
