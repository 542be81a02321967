"""Warpage and coplanarity of a measured surface (pure numpy, units of the input).

The sign follows JEITA ED-7306 / JESD22-B112 as read in reference-data-gaps.md
section 6: along each diagonal, deviations are taken from the straight line
joining its end points, positive towards the package top; the warpage sign
is the sign of (AB_max + AB_min + CD_max + CD_min). Positive is convex: the
centre sits higher than the corners with the heat-sink side up.
"""

from __future__ import annotations

import numpy as np
from scipy.interpolate import RegularGridInterpolator


def plane_residual(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
    """z minus its least-squares plane a + b x + c y."""
    x, y, z = (np.ravel(v) for v in (x, y, z))
    basis = np.column_stack([np.ones_like(x), x, y])
    coef, *_ = np.linalg.lstsq(basis, z, rcond=None)
    return z - basis @ coef


def diagonal_sign(x: np.ndarray, y: np.ndarray, dz: np.ndarray, samples: int = 101) -> float:
    """+1 convex, -1 concave, by the JEITA diagonal rule on a regular grid map dz[x, y]."""
    interp = RegularGridInterpolator((x, y), dz)
    t = np.linspace(0.0, 1.0, samples)
    total = 0.0
    for (x0, y0), (x1, y1) in (((x[0], y[0]), (x[-1], y[-1])), ((x[-1], y[0]), (x[0], y[-1]))):
        pts = np.column_stack([x0 + t * (x1 - x0), y0 + t * (y1 - y0)])
        line = interp(pts)
        dev = line - (line[0] + t * (line[-1] - line[0]))
        total += dev.max() + dev.min()
    return 1.0 if total >= 0 else -1.0


def flatten(x: np.ndarray, y: np.ndarray, dz: np.ndarray) -> np.ndarray:
    """The map dz[x, y] with its least-squares plane removed (rigid tilt and offset)."""
    xx, yy = np.meshgrid(x, y, indexing="ij")
    return plane_residual(xx, yy, dz).reshape(dz.shape)


def signed_warpage(x: np.ndarray, y: np.ndarray, dz: np.ndarray) -> float:
    """Peak-to-valley of dz[x, y] about its best-fit plane, signed by the diagonal rule."""
    flat = flatten(x, y, dz)
    return diagonal_sign(x, y, flat) * float(flat.max() - flat.min())


def coplanarity(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> float:
    """Peak-to-valley of scattered heights z(x, y) (e.g. ball tips) about their plane."""
    res = plane_residual(x, y, z)
    return float(res.max() - res.min())
