"""The modelled region of a package: its supports, and package points mapped into it (pure).

A symmetric design is solved as the quarter x, y >= 0; every bump, ball and probe
point of the whole package is read at its mirror image in that quarter.
"""

from __future__ import annotations

import numpy as np

from warp.layout import PackageLayout

SupportPoint = tuple[tuple[float, float, float], tuple[int, ...]]
"""A point (mm) and the displacement components held at it."""


SUPPORTS = {
    "quarter": "rigid-body motion only: the symmetry planes, and z held at the carrier-bottom "
    "centre",
    "full": "rigid-body motion only: a 3-2-1 point set on the carrier-bottom corners",
}
"""The supports of `support_points`, in words (results attrs)."""


def support_points(layout: PackageLayout, symmetry: str) -> list[SupportPoint]:
    """Points that remove rigid-body motion only (3-2-1), on carrier-bottom corners; a quarter
    model is held by its symmetry planes and one point at the centre."""
    c = layout.carrier
    if symmetry == "quarter":
        return [((0.0, 0.0, 0.0), (2,))]
    return [
        ((c.x0, c.y0, 0.0), (0, 1, 2)),
        ((c.x1, c.y0, 0.0), (1, 2)),
        ((c.x0, c.y1, 0.0), (2,)),
    ]


def mirror(points: np.ndarray, symmetry: str) -> np.ndarray:
    """Package points (n, 3) mapped into the modelled quarter (x, y >= 0) when it is one."""
    out = np.array(points, dtype=float)
    if symmetry == "quarter":
        out[:, :2] = np.abs(out[:, :2])
    return out


def tensor_signs(points: np.ndarray, symmetry: str) -> np.ndarray:
    """Factors (n, 6) that turn a symmetric tensor (xx, yy, zz, yz, xz, xy) read at each
    point's mirror image in the modelled quarter into the point's own: the shear components
    odd in x or y change sign, and vanish for a joint centred on a symmetry plane (its
    average over the whole joint is zero; the model holds a half or a quarter of it)."""
    out = np.ones((len(points), 6))
    if symmetry == "quarter":
        sx, sy = np.sign(np.round(np.asarray(points, dtype=float)[:, :2], 9)).T
        out[:, 3], out[:, 4], out[:, 5] = sy, sx, sx * sy
    return out


def joint_map(centres: np.ndarray, symmetry: str) -> tuple[np.ndarray, np.ndarray]:
    """Centres of the modelled joints, and for every package joint its modelled counterpart."""
    mapped = np.round(mirror(centres, symmetry), 9)
    model_centres, index = np.unique(mapped, axis=0, return_inverse=True)
    return model_centres, index.ravel()


def joint_ends(layout: PackageLayout, part: str) -> np.ndarray:
    """(z0, z1) in mm of the two bonded ends of every joint of `part` ("bumps" or "balls"),
    in the order of the layout's centres: a ball's are its board pad (or free tip) at
    balls.z0 and its package pad at balls.z1 = 0."""
    if part == "balls":
        b = layout.balls
        return np.tile([b.z0, b.z1], (b.count, 1))
    return np.concatenate(
        [
            np.tile([d.bumps.z0, d.bumps.z1], (d.bumps.count, 1))
            for d in layout.dies
            if d.bumps is not None
        ]
    )
