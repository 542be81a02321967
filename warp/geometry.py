"""Package geometry as plain data: part boxes, joint arrays, z-levels, designed volumes.

Pure (no Gmsh): the mesher draws exactly this layout, and the geometry checks
that refuse an impossible design live here, so `warp check` runs them too.
Coordinates in mm; origin at the package centre on the carrier bottom; z up,
towards the heat sink.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from warp.errors import InputError
from warp.study import Study

GAP_WINDOW_MM = (0.03, 0.2)
"""Die-to-heat-sink gap design window of this package family."""


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in mm."""

    x0: float
    y0: float
    z0: float
    x1: float
    y1: float
    z1: float

    @property
    def volume(self) -> float:
        return (self.x1 - self.x0) * (self.y1 - self.y0) * (self.z1 - self.z0)

    @property
    def thickness(self) -> float:
        return self.z1 - self.z0

    @classmethod
    def centred(cls, size: tuple[float, float], z0: float, z1: float) -> Box:
        return cls(-size[0] / 2, -size[1] / 2, z0, size[0] / 2, size[1] / 2, z1)


@dataclass(frozen=True, eq=False)
class JointArray:
    """Solder joints of one kind (bumps or balls) at given centres.

    `shape` is "cylinder" (bumps) or "truncated_sphere" (balls, cut flat at
    z0 and z1 from a sphere of `diameter`). `die` gives, for each joint, the
    1-based die it bonds (0 for balls).
    """

    name: str
    xy: np.ndarray
    diameter: float
    z0: float
    z1: float
    shape: str
    die: np.ndarray

    @property
    def count(self) -> int:
        return len(self.xy)

    @property
    def height(self) -> float:
        return self.z1 - self.z0

    @property
    def end_diameter(self) -> float:
        """Diameter of the flat end faces (the pads)."""
        if self.shape == "cylinder":
            return self.diameter
        r = self.diameter / 2
        return 2 * math.sqrt(r * r - (self.height / 2) ** 2)

    @property
    def joint_volume(self) -> float:
        h = self.height
        if self.shape == "cylinder":
            return math.pi * (self.diameter / 2) ** 2 * h
        r = self.diameter / 2
        return math.pi * (r * r * h - h**3 / 12)


@dataclass(frozen=True, eq=False)
class PackageLayout:
    """Everything the mesher needs to draw the single-chip package."""

    carrier: Box
    die: Box
    bump_gap: Box
    gap: Box
    heat_sink: Box
    body: Box
    bumps: JointArray
    balls: JointArray | None

    @property
    def mold_volume(self) -> float:
        solid = self.die.volume + self.heat_sink.volume + self.bumps.count * self.bumps.joint_volume
        above = Box(
            self.body.x0, self.body.y0, self.carrier.z1, self.body.x1, self.body.y1, self.body.z1
        )
        return above.volume - solid

    def part_volumes(self) -> dict[str, float]:
        """Designed volume of each part (full package) in mm^3."""
        out = {
            "carrier": self.carrier.volume,
            "die": self.die.volume,
            "bumps": self.bumps.count * self.bumps.joint_volume,
            "mold": self.mold_volume,
            "heat_sink": self.heat_sink.volume,
        }
        if self.balls is not None:
            out["balls"] = self.balls.count * self.balls.joint_volume
        return out


def grid_positions(
    size: tuple[float, float], pitch: float, margin: float, pattern: str, rows: int
) -> np.ndarray:
    """Centres of a centred array on a rectangle: full grid or `rows` perimeter rows."""
    counts = [int(math.floor((s - 2 * margin) / pitch + 1e-9)) + 1 for s in size]
    axes = [(np.arange(n) - (n - 1) / 2) * pitch for n in counts]
    ii, jj = np.meshgrid(np.arange(counts[0]), np.arange(counts[1]), indexing="ij")
    keep = np.ones_like(ii, dtype=bool)
    if pattern == "perimeter":
        ring = np.minimum.reduce([ii, jj, counts[0] - 1 - ii, counts[1] - 1 - jj])
        keep = ring < rows
    return np.column_stack([axes[0][ii[keep]], axes[1][jj[keep]]])


def build_layout(study: Study) -> PackageLayout:
    """Lay out the package and refuse designs that cannot be built (InputError)."""
    c, d, b, h = study.carrier, study.die, study.bumps, study.heat_sink
    for axis, name in enumerate("xy"):
        if d.size[axis] >= c.size[axis]:
            raise InputError(
                f"die.size = {list(d.size)}: the die {name}-size {d.size[axis]} mm must be "
                f"smaller than the carrier's {c.size[axis]} mm (carrier.size)"
            )
        if h.size[axis] > c.size[axis]:
            raise InputError(
                f"heat_sink.size = {list(h.size)}: the heat sink {name}-size {h.size[axis]} mm "
                f"must not exceed the package body's {c.size[axis]} mm (carrier.size)"
            )
        if h.size[axis] < d.size[axis]:
            raise InputError(
                f"heat_sink.size = {list(h.size)}: the heat sink must cover the die; its "
                f"{name}-size must be at least die.size {d.size[axis]} mm"
            )
    lo, hi = GAP_WINDOW_MM
    if not lo <= h.gap <= hi:
        raise InputError(
            f"heat_sink.gap = {h.gap}: the die-to-heat-sink gap must lie in the design "
            f"window {lo}-{hi} mm, which the mold compound can fill"
        )
    bump_margin = b.edge_margin if b.edge_margin is not None else b.pitch
    _check_joints("bumps", b.pitch, b.diameter, bump_margin, d.size, "die")
    bump_xy = grid_positions(d.size, b.pitch, bump_margin, b.pattern, b.rows)

    z_bump = c.thickness
    z_die = z_bump + b.height
    z_gap = z_die + d.thickness
    z_hs = z_gap + h.gap
    z_top = z_hs + h.thickness
    carrier = Box.centred(c.size, 0.0, c.thickness)
    bumps = JointArray(
        "bumps", bump_xy, b.diameter, z_bump, z_die, "cylinder", np.ones(len(bump_xy), int)
    )

    balls = None
    if study.balls.enabled:
        s = study.balls
        if s.height >= s.diameter:
            raise InputError(
                f"balls.height = {s.height}: the stand-off must be smaller than the ball "
                f"diameter {s.diameter} mm (balls.diameter), or the ball has no pad faces"
            )
        margin = s.edge_margin if s.edge_margin is not None else s.pitch
        _check_joints("balls", s.pitch, s.diameter, margin, c.size, "carrier")
        xy = grid_positions(c.size, s.pitch, margin, s.pattern, s.rows)
        balls = JointArray(
            "balls", xy, s.diameter, -s.height, 0.0, "truncated_sphere", np.zeros(len(xy), int)
        )

    return PackageLayout(
        carrier=carrier,
        die=Box.centred(d.size, z_die, z_gap),
        bump_gap=Box.centred(d.size, z_bump, z_die),
        gap=Box.centred(d.size, z_gap, z_hs),
        heat_sink=Box.centred(h.size, z_hs, z_top),
        body=Box.centred(c.size, 0.0, z_top),
        bumps=bumps,
        balls=balls,
    )


def _check_joints(
    name: str, pitch: float, diameter: float, margin: float, size: tuple, host: str
) -> None:
    if pitch <= diameter:
        raise InputError(
            f"{name}.pitch = {pitch}: neighbouring {name} overlap; the pitch must exceed "
            f"{name}.diameter = {diameter} mm"
        )
    if margin < diameter / 2:
        raise InputError(
            f"{name}.edge_margin = {margin}: the outer {name} stick out of the {host}; "
            f"the margin must be at least half the diameter, {diameter / 2} mm"
        )
    for axis in range(2):
        if size[axis] < 2 * margin:
            raise InputError(
                f"{name}: the {name} do not fit on the {host}: {host}.size {size[axis]} mm "
                f"leaves no room inside an edge margin of {margin} mm ({name}.edge_margin)"
            )


def model_symmetry(study: Study) -> str:
    """ "quarter" when the design is mirror-symmetric about x = 0 and y = 0, else "full".

    The layout is centred by construction, so only the materials can break the
    symmetry: a cubic crystal is mirror-symmetric about these planes only when
    its axes sit at a multiple of 45 degrees to the die edges.
    """
    from warp.materials import get_material

    requested = study.mesh.symmetry
    names = {
        "carrier.material": study.carrier.material,
        "die.material": study.die.material,
        "bumps.material": study.bumps.material,
        "heat_sink.material": study.heat_sink.material,
        "mold.material": study.mold.material,
        "balls.material": study.balls.material,
    }
    symmetric = True
    for field, name in names.items():
        mat = get_material(name, study.materials, field=field)
        if mat.elasticity == "cubic":
            angle = float(mat.values.get("crystal_angle", 0.0))
            symmetric &= math.isclose(math.remainder(angle, 45.0), 0.0, abs_tol=1e-9)
    if requested == "quarter" and not symmetric:
        raise InputError(
            "mesh.symmetry = 'quarter': the design is not mirror-symmetric (a cubic "
            "crystal_angle that is not a multiple of 45 deg); use 'auto' or 'full'"
        )
    if requested == "full":
        return "full"
    return "quarter" if symmetric else "full"
