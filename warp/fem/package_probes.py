"""Everything read from the mechanical model after a solve, by package name (collective).

The bottom-surface grids (the whole body for the surface map and `warpage_body`, the
terminal zone for `warpage`, JESD22-B112), the bumps and balls (volume
averages and Darveaux layers), the ball tips, the package pads and the board top at
each ball (the reflow gap, `warp.mismatch`) and the interface tractions, each
reported for the whole package: a quarter model reads every joint and grid point
at its mirror image.
"""

from __future__ import annotations

import numpy as np

from warp import warpage
from warp.design import Design
from warp.fem.meshdata import PackageMesh
from warp.fem.probes import InterfaceTractions, JointAverages, PointProbe
from warp.hysteresis import LAYER_KEYS
from warp.symmetry import joint_ends, joint_map, mirror, tensor_signs


class PackageProbes:
    """The probes of one mechanical model (ThermoElasticModel or InelasticModel)."""

    def __init__(self, design: Design, pm: PackageMesh, model):
        lay, sym = design.layout, design.symmetry
        self.design = design
        self.model = model
        n = design.study.output.surface_grid
        self.gx = np.linspace(lay.carrier.x0, lay.carrier.x1, n)
        self.gy = np.linspace(lay.carrier.y0, lay.carrier.y1, n)
        xx, yy = np.meshgrid(self.gx, self.gy, indexing="ij")
        grid = np.column_stack([xx.ravel(), yy.ravel(), np.zeros(xx.size)])
        self.bottom = PointProbe(pm.mesh, mirror(grid, sym))
        x0, x1, y0, y1 = lay.terminal_zone
        self.zx, self.zy = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
        zxx, zyy = np.meshgrid(self.zx, self.zy, indexing="ij")
        zone = np.column_stack([zxx.ravel(), zyy.ravel(), np.zeros(zxx.size)])
        self.zone = PointProbe(pm.mesh, mirror(zone, sym))
        centres, self.bump_of = joint_map(lay.bump_centres, sym)
        self.bumps = JointAverages(model, "bumps", centres, joint_ends(lay, "bumps"))
        self.balls = self.tips = self.pads = self.board_pads = None
        if lay.balls is not None:
            zc = 0.5 * (lay.balls.z0 + lay.balls.z1)
            centres, self.ball_of = joint_map(
                np.column_stack([lay.balls.xy, np.full(lay.balls.count, zc)]), sym
            )
            self.balls = JointAverages(model, "balls", centres, joint_ends(lay, "balls"))
            tip_points = np.column_stack([lay.balls.xy, np.full(lay.balls.count, lay.balls.z0)])
            self.tips = PointProbe(pm.mesh, mirror(tip_points, sym))
            self.pads = _at_balls(pm, lay.balls.xy, lay.balls.z1, sym)  # package pads
            if lay.board is not None:  # the board top under each ball: its pad's base
                self.board_pads = _at_balls(pm, lay.board.pads.xy, lay.board.pads.z0, sym)
        self.tractions = InterfaceTractions(model)

    @property
    def interfaces(self) -> list[str]:
        return list(self.tractions.names)

    def read(self, hottest: float) -> dict:
        """The step's results-schema values from the current displacement and stress; joint
        strains are NaN while their solder is molten at `hottest` (degC)."""
        m, lay, n = self.model, self.design.layout, len(self.gx)
        materials = self.design.materials
        dz = self.bottom(m.u, 2).reshape(n, n) * 1e3
        peel, shear = self.tractions.maxima()
        row = {
            "surface_dz": warpage.flatten(self.gx, self.gy, dz),
            "warpage": warpage.signed_warpage(
                self.zx, self.zy, self.zone(m.u, 2).reshape(n, n) * 1e3
            ),
            "warpage_body": warpage.signed_warpage(self.gx, self.gy, dz),
            "bump_strain_eq": self.bumps.strain_eq()[self.bump_of],
            "peel_stress_max": peel,
            "shear_stress_max": shear,
        }
        if self.balls is not None:
            row["ball_strain_eq"] = self.balls.strain_eq()[self.ball_of]
            row["coplanarity"] = warpage.coplanarity(*lay.balls.xy.T, self.tips(m.u, 2) * 1e3)
            row["ball_pad_dz"] = self.pads(m.u, 2) * 1e3
            if self.board_pads is not None:
                row["board_pad_dz"] = self.board_pads(m.u, 2) * 1e3
            if materials["balls"].is_molten(hottest):
                row["ball_strain_eq"] = np.full_like(row["ball_strain_eq"], np.nan)
        else:
            row["coplanarity"] = abs(row["warpage"])
        if materials["bumps"].is_molten(hottest):
            row["bump_strain_eq"] = np.full_like(row["bump_strain_eq"], np.nan)
        return row

    @property
    def functions(self) -> dict:
        """The displacement and stress functions the ParaView output writes."""
        return {"displacement": self.model.u, "stress": self.tractions.sigma}

    def fields(self) -> dict[str, np.ndarray]:
        """Copies of the displacement and stress arrays now, for the ParaView output."""
        return {name: f.x.array.copy() for name, f in self.functions.items()}

    def inelastic(self) -> dict:
        """Volume-averaged accumulated inelastic strain of every bump and ball."""
        p = self.model.cell_values
        row = {"bump_inelastic_strain": self.bumps.average(p("bumps", "p"))[self.bump_of]}
        if self.balls is not None:
            row["ball_inelastic_strain"] = self.balls.average(p("balls", "p"))[self.ball_of]
        return row

    def joint_layers(self, layer: float) -> dict[str, dict[str, np.ndarray]]:
        """Darveaux-layer averages (`layer` mm) at both bonded faces of every joint, now:
        kind -> key (`LAYER_KEYS`) -> (joint, face, ...); tensors as the package joint's own
        (`warp.symmetry.tensor_signs`)."""
        lay, sym = self.design.layout, self.design.symmetry
        out = {}
        for kind, probe, order, joints in (
            ("bump", self.bumps, self.bump_of, lay.bump_centres),
            ("ball", self.balls, getattr(self, "ball_of", None), getattr(lay.balls, "xy", None)),
        ):
            if probe is not None:
                signs = tensor_signs(joints, sym)[:, None, :]
                out[kind] = {}
                for key in LAYER_KEYS:
                    mean = probe.face_averages(self.model.cell_values(f"{kind}s", key), layer)
                    out[kind][key] = mean[order] * signs if mean.ndim == 3 else mean[order]
        return out


def _at_balls(pm: PackageMesh, xy: np.ndarray, z: float, symmetry: str) -> PointProbe:
    """A probe at height `z` (mm) under or over every ball centre `xy`, read at the mirror
    image in a quarter model."""
    points = np.column_stack([xy, np.full(len(xy), z)])
    return PointProbe(pm.mesh, mirror(points, symmetry))
