"""Package geometry as plain data: part boxes, joint arrays, wires, designed volumes (pure).

Coordinates in mm; origin at the package centre on the carrier bottom; z up,
towards the heat sink. `warp.geometry.build_layout` makes a `PackageLayout` from
a study; the mesher draws exactly this layout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


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
    def centred(cls, size: tuple[float, float], z0: float, z1: float, at=(0.0, 0.0)) -> Box:
        x, y = at
        return cls(x - size[0] / 2, y - size[1] / 2, z0, x + size[0] / 2, y + size[1] / 2, z1)

    def overlaps_xy(self, other: Box, clearance: float = 0.0) -> bool:
        return (
            self.x0 < other.x1 + clearance
            and other.x0 < self.x1 + clearance
            and self.y0 < other.y1 + clearance
            and other.y0 < self.y1 + clearance
        )

    def contains_xy(self, other: Box, margin: float = 0.0) -> bool:
        return (
            other.x0 >= self.x0 + margin - 1e-12
            and other.x1 <= self.x1 - margin + 1e-12
            and other.y0 >= self.y0 + margin - 1e-12
            and other.y1 <= self.y1 - margin + 1e-12
        )


@dataclass(frozen=True, eq=False)
class JointArray:
    """Solder joints of one kind at given centres, between z0 and z1.

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
    def joint_volume(self) -> float:
        h = self.height
        if self.shape == "cylinder":
            return math.pi * (self.diameter / 2) ** 2 * h
        r = self.diameter / 2
        return math.pi * (r * r * h - h**3 / 12)

    @property
    def pad_diameter(self) -> float:
        """Diameter of the bonded faces (mm): the crack length of a joint that fails."""
        if self.shape == "cylinder":
            return self.diameter
        r = self.diameter / 2
        return 2 * math.sqrt(r * r - (self.height / 2) ** 2)


@dataclass(frozen=True)
class Wire:
    """One bond wire: ball bond on the die pad, stitch on the carrier finger (mm)."""

    die: int
    start: tuple[float, float, float]
    end: tuple[float, float, float]
    apex_z: float
    diameter: float


@dataclass(frozen=True, eq=False)
class DieLayout:
    """One die, the layer it sits on (bump gap or die attach), its bumps and wires."""

    name: str
    index: int
    box: Box
    attach: str
    layer: Box
    bumps: JointArray | None
    wires: tuple[Wire, ...] = ()


@dataclass(frozen=True)
class PassiveLayout:
    """A two-terminal passive: ceramic body, metal end caps, solder under each cap."""

    body: Box
    terminations: tuple[Box, Box]
    joints: tuple[Box, Box]


@dataclass(frozen=True, eq=False)
class BoardLayout:
    """The printed circuit board under the balls: its laminate and the copper pad under
    every ball (`pads.xy` = the ball centres, z0..z1 = the pad)."""

    laminate: Box
    pads: JointArray


@dataclass(frozen=True, eq=False)
class PackageLayout:
    """Everything the mesher needs to draw the package."""

    carrier: Box
    copper: tuple[Box, ...]  # lead frame pad and leads; empty on an organic substrate
    dies: tuple[DieLayout, ...]
    gap: Box
    heat_sink: Box
    body: Box
    balls: JointArray | None
    passives: tuple[PassiveLayout, ...] = field(default=())
    board: BoardLayout | None = None

    @property
    def terminal_zone(self) -> tuple[float, float, float, float]:
        """(x0, x1, y0, y1) in mm over which warpage is measured (JESD22-B112, JEITA
        ED-7306): the rectangle through the outermost ball centres, or the body without balls."""
        if self.balls is None:
            c = self.carrier
            return c.x0, c.x1, c.y0, c.y1
        (x0, y0), (x1, y1) = self.balls.xy.min(axis=0), self.balls.xy.max(axis=0)
        return float(x0), float(x1), float(y0), float(y1)

    @property
    def mold_floor(self) -> float:
        """The mold starts on the carrier top, or at z = 0 between lead-frame copper."""
        return 0.0 if self.copper else self.carrier.z1

    @property
    def bumps(self) -> JointArray:
        """All flip-chip bumps of all dies, as one array (centres, die index)."""
        arrays = [d.bumps for d in self.dies if d.bumps is not None]
        xy = np.concatenate([a.xy for a in arrays])
        die = np.concatenate([a.die for a in arrays])
        first = arrays[0]
        return JointArray("bumps", xy, first.diameter, first.z0, first.z1, "cylinder", die)

    @property
    def bump_centres(self) -> np.ndarray:
        """(x, y, z) centre of every bump, in `bumps` order."""
        rows = [
            np.column_stack([d.bumps.xy, np.full(d.bumps.count, 0.5 * (d.bumps.z0 + d.bumps.z1))])
            for d in self.dies
            if d.bumps is not None
        ]
        return np.concatenate(rows)

    @property
    def wires(self) -> tuple[Wire, ...]:
        return tuple(w for d in self.dies for w in d.wires)

    def part_volumes(self) -> dict[str, float]:
        """Designed volume of each part (full package, and the board when there is one)
        in mm^3."""
        out: dict[str, float] = {}
        out["carrier"] = sum(b.volume for b in self.copper) if self.copper else self.carrier.volume
        for d in self.dies:
            out[d.name] = d.box.volume
            if d.attach == "die-attach":
                out["die_attach"] = out.get("die_attach", 0.0) + d.layer.volume
        out["bumps"] = sum(d.bumps.count * d.bumps.joint_volume for d in self.dies if d.bumps)
        out["heat_sink"] = self.heat_sink.volume
        if self.passives:
            out["passives"] = sum(p.body.volume for p in self.passives)
            out["terminations"] = sum(t.volume for p in self.passives for t in p.terminations)
            out["passive_joints"] = sum(j.volume for p in self.passives for j in p.joints)
        inside = sum(v for k, v in out.items() if not (k == "carrier" and not self.copper))
        moldable = Box(
            self.body.x0, self.body.y0, self.mold_floor, self.body.x1, self.body.y1, self.body.z1
        )
        out["mold"] = moldable.volume - inside
        if self.balls is not None:
            out["balls"] = self.balls.count * self.balls.joint_volume
        if self.board is not None:
            out["board_pads"] = self.board.pads.count * self.board.pads.joint_volume
            out["board"] = self.board.laminate.volume
        return out
