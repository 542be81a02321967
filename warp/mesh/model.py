"""Gmsh model of the package: OCC solids, one conformal fragment, named physical groups.

Thin layers (the bump gap and the die-to-heat-sink gap) are swept with a
fixed number of element layers, so a 0.03 mm gap costs layers, not millions
of isotropic tetrahedra; the thick parts are meshed freely with a size per
part. When the run takes Darveaux averages (time-dependent), each joint end
is swept with element layers that make up exactly the averaging layer: the
bump gap is graded, and each ball gets a swept slab at each pad. On a board,
each ball wets the whole of its NSMD copper pad (a swept prism of the same
section on the laminate), and the laminate is meshed at `board.element_size`
far away, graded to the ball size under the balls. Part tags come from the
fragment bookkeeping; surfaces and interfaces from face adjacency. Everything
here runs on one MPI rank.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import gmsh
import numpy as np

from warp import model_size
from warp.errors import RunError
from warp.layout import Box, JointArray, PackageLayout
from warp.mesh import layers as swept
from warp.parts import PART_ORDER, interface_name
from warp.study import Study


@dataclass
class MeshQuality:
    """Element quality; both Gmsh measures are 1 for an ideal element and 0 when flat.

    SIGE (inverse gradient error) is the acceptance measure: it goes to zero for
    slivers and needles, which spoil the strains. Swept layers are judged by
    their floor triangles (their prisms are valid however thin the layer), free
    volumes by their tetrahedra. SICN (scaled Jacobian) of all tetrahedra is
    reported too; it is low in thin swept layers by design.
    """

    cells: int
    nodes: int
    min_sige: float
    p01_sige: float
    mean_sige: float
    min_sicn: float
    worst_part: str
    worst_location_mm: list[float]
    cells_by_part: dict[str, int] = field(default_factory=dict)
    volume_by_part_mm3: dict[str, float] = field(default_factory=dict)


@dataclass
class MeshInfo:
    """What the mesher made: groups by name, the model symmetry and its quality."""

    groups: dict[str, tuple[int, int]]  # name -> (dim, tag)
    symmetry: str
    quality: MeshQuality
    seconds: float


class PackageModel:
    """Builds the Gmsh model of a layout in the current Gmsh session (rank 0 only)."""

    def __init__(self, study: Study, layout: PackageLayout, symmetry: str):
        self.study, self.layout, self.symmetry = study, layout, symmetry
        body = layout.body
        outline = layout.board.laminate if layout.board is not None else body
        self.x0 = 0.0 if symmetry == "quarter" else min(body.x0, outline.x0)
        self.y0 = 0.0 if symmetry == "quarter" else min(body.y0, outline.y0)
        self.ends = averaging_layers(study)
        self.part_of: dict[int, str] = {}  # volume tag -> part name

    # ------------------------------------------------------------ geometry

    def _clip(self, box: Box) -> Box:
        return Box(max(box.x0, self.x0), max(box.y0, self.y0), box.z0, box.x1, box.y1, box.z1)

    def _add_box(self, box: Box) -> int:
        b = self._clip(box)
        return gmsh.model.occ.addBox(b.x0, b.y0, b.z0, b.x1 - b.x0, b.y1 - b.y0, b.z1 - b.z0)

    def _in_region(self, xy: np.ndarray, radius: float) -> np.ndarray:
        return (xy[:, 0] + radius > self.x0 + 1e-9) & (xy[:, 1] + radius > self.y0 + 1e-9)

    def _bump(self, x: float, y: float, bumps: JointArray) -> int:
        r = bumps.diameter / 2
        levels = [(bumps.z0, r * _AREA), (bumps.z1, r * _AREA)]
        return self._clip_joint(x, y, r, bumps, _prism(x, y, levels, JOINT_SIDES))

    def _ball(self, x: float, y: float, balls: JointArray) -> list[tuple[int, tuple]]:
        """(OCC volume, levels or free) of the ball's solids: one free ruled solid, or with
        averaging layers a swept slab of the pad's section at each end of a free middle."""
        board = self.layout.board
        foot = board.pads.diameter / 2 if board is not None else None
        r = max(balls.diameter, board.pads.diameter if board else 0.0) / 2
        thickness, count = self.ends or (0.0, 0)
        sections = ball_sections(balls, thickness, foot)
        pieces = [(sections, ())]
        if self.ends:
            pieces = [
                (sections[:2], swept.levels(balls.z0, sections[1][0], count)),
                (sections[1:-1], ()),
                (sections[-2:], swept.levels(sections[-2][0], balls.z1, count)),
            ]
        return [
            (self._clip_joint(x, y, r, balls, _prism(x, y, part, JOINT_SIDES)), levels)
            for part, levels in pieces
        ]

    def _pad(self, x: float, y: float, pads: JointArray) -> int:
        """A board pad: a swept prism of the section the ball's foot wets."""
        r = pads.diameter / 2
        levels = [(pads.z0, r * _AREA), (pads.z1, r * _AREA)]
        return self._clip_joint(x, y, r, pads, _prism(x, y, levels, JOINT_SIDES))

    def _clip_joint(self, x: float, y: float, r: float, joint: JointArray, tag: int) -> int:
        """Cut a joint on a symmetry plane down to its part inside the model region."""
        if x - r >= self.x0 and y - r >= self.y0:
            return tag
        box = self._add_box(Box(x - 2 * r, y - 2 * r, joint.z0, x + 2 * r, y + 2 * r, joint.z1))
        out, _ = gmsh.model.occ.intersect([(3, tag)], [(3, box)])
        return out[0][1]

    def _joints(self, joints: JointArray | None, make) -> list[int]:
        if joints is None:
            return []
        keep = np.flatnonzero(self._in_region(joints.xy, joints.diameter / 2))
        return [make(*joints.xy[i], joints) for i in keep]

    def _inputs(self) -> list[tuple[str, int, tuple]]:
        """(part, OCC volume, swept levels or () for free) for every solid, in claim order.

        Fragment pieces shared by several inputs go to the last one: the copper and
        the solids inside the package claim theirs from the mold body, and the bumps
        claim their cylinders from the bump-gap box.
        """
        lay, layers = self.layout, self.study.mesh.layers
        free = ()
        mold_body = Box(lay.body.x0, lay.body.y0, lay.mold_floor, *_top(lay.body))
        inputs = [("mold", self._add_box(mold_body), free)]
        carrier = lay.copper if lay.copper else (lay.carrier,)
        inputs += [("carrier", self._add_box(b), free) for b in self._visible(carrier)]
        bumps = []
        for die in lay.dies:
            if die.attach == "flip-chip":
                span = swept.levels(die.layer.z0, die.layer.z1, layers.bump_gap, self.ends)
                inputs.append(("mold", self._add_box(die.layer), span))
                if die.layer.z0 == lay.carrier.z1:  # prisms over each lead-frame floor piece
                    inputs += [
                        ("mold", self._add_box(b), span)
                        for b in self._visible(_imprints(die.layer, lay.copper))
                    ]
                bumps += [("bumps", t, span) for t in self._joints(die.bumps, self._bump)]
            else:
                span = swept.levels(die.layer.z0, die.layer.z1, layers.die_attach)
                inputs.append(("die_attach", self._add_box(die.layer), span))
            inputs.append((die.name, self._add_box(die.box), free))
        gap = swept.levels(lay.gap.z0, lay.gap.z1, layers.gap)
        inputs.append(("mold", self._add_box(lay.gap), gap))
        inputs.append(("heat_sink", self._add_box(lay.heat_sink), free))
        for p in lay.passives:
            if not self._visible([p.body]):
                continue
            joint_span = swept.levels(p.joints[0].z0, p.joints[0].z1, layers.passive_joints)
            inputs += [
                ("passive_joints", self._add_box(b), joint_span) for b in self._visible(p.joints)
            ]
            inputs += [
                ("terminations", self._add_box(b), free) for b in self._visible(p.terminations)
            ]
            inputs.append(("passives", self._add_box(p.body), free))
        inputs += bumps
        balls = self._joints(lay.balls, self._ball)
        inputs += [("balls", t, levels) for ball in balls for t, levels in ball]
        if lay.board is not None:
            pads = lay.board.pads
            span = swept.levels(pads.z0, pads.z1, PAD_LAYERS)
            inputs += [("board_pads", t, span) for t in self._joints(pads, self._pad)]
            inputs.append(("board", self._add_box(lay.board.laminate), free))
        return inputs

    def _visible(self, boxes) -> list[Box]:
        """The boxes that reach into the modelled region (all of them for a full model)."""
        return [b for b in boxes if b.x1 > self.x0 + 1e-9 and b.y1 > self.y0 + 1e-9]

    def build(self) -> None:
        """Create and fragment all solids; fill `part_of` and the swept (layered) volumes."""
        occ = gmsh.model.occ
        inputs = self._inputs()
        volumes = [(3, t) for _, t, _ in inputs]
        _, out_map = occ.fragment(volumes[:1], volumes[1:])
        occ.synchronize()
        claimed: dict[int, tuple[str, tuple]] = {}
        for (part, _, span), pieces in zip(inputs, out_map, strict=True):
            for _, tag in pieces:
                claimed[tag] = (part, span)
        missing = {t for _, t in gmsh.model.getEntities(3)} - set(claimed)
        if missing:
            raise RunError(f"geometry: volumes {sorted(missing)} belong to no part")
        self.part_of = {tag: part for tag, (part, _) in claimed.items()}
        self.swept = [swept.classify(tag, lv) for tag, (_, lv) in sorted(claimed.items()) if lv]

    # ------------------------------------------------------------ groups

    def name_groups(self) -> dict[str, tuple[int, int]]:
        """Physical groups: one per part, per named outer surface and per interface."""
        model = gmsh.model
        by_part: dict[str, list[int]] = {}
        for tag, part in self.part_of.items():
            by_part.setdefault(part, []).append(tag)
        surfaces: dict[str, list[int]] = {}
        z_top = self.layout.body.z1
        for _, face in model.getEntities(2):
            vols = [v for v in model.getAdjacencies(2, face)[0]]
            parts = sorted({self.part_of[v] for v in vols})
            if len(vols) == 2 and len(parts) == 2:
                surfaces.setdefault(interface_name(*parts), []).append(face)
            elif len(vols) == 1:
                bb = model.getBoundingBox(2, face)
                name = self._outer_name(parts[0], bb, z_top)
                if name:
                    surfaces.setdefault(name, []).append(face)
        groups: dict[str, tuple[int, int]] = {}
        tag = 1
        for part in PART_ORDER:
            if part in by_part:
                model.addPhysicalGroup(3, sorted(by_part[part]), tag, name=part)
                groups[part] = (3, tag)
                tag += 1
        for name in sorted(surfaces):
            model.addPhysicalGroup(2, sorted(surfaces[name]), tag, name=name)
            groups[name] = (2, tag)
            tag += 1
        return groups

    def _outer_name(self, part: str, bb: list[float], z_top: float) -> str:
        """Name of an exterior face: where heat leaves, where the package is measured."""
        tol = 1e-6
        flat = [abs(bb[k] - bb[k + 3]) < tol for k in range(3)]
        body = self.layout.body
        if flat[2] and abs(bb[2]) < tol:
            return "carrier_bottom" if part == "carrier" else "mold_bottom"
        if flat[2] and abs(bb[2] - z_top) < tol:
            return "heat_sink_top" if part == "heat_sink" else "mold_top"
        if self.symmetry == "quarter" and flat[0] and abs(bb[0] - self.x0) < tol:
            return "symmetry_x"
        if self.symmetry == "quarter" and flat[1] and abs(bb[1] - self.y0) < tol:
            return "symmetry_y"
        if part in BOARD_PARTS:  # the pads' rims face the air above the laminate
            laminate = self.layout.board.laminate
            if part == "board_pads" or (flat[2] and abs(bb[2] - laminate.z1) < tol):
                return "board_top"
            return "board_bottom" if flat[2] else "board_sides"
        if part == "balls":
            on_tip = flat[2] and abs(bb[2] - self.layout.balls.z0) < tol
            return "ball_tips" if on_tip else "ball_sides"
        if (flat[0] and min(abs(bb[0] - body.x0), abs(bb[0] - body.x1)) < tol) or (
            flat[1] and min(abs(bb[1] - body.y0), abs(bb[1] - body.y1)) < tol
        ):
            return "package_sides"
        return "outer"

    # ------------------------------------------------------------ sizes

    def part_sizes(self) -> dict[str, float]:
        """Target element size of each part present, in mm (`warp.model_size.part_sizes`)."""
        present = set(self.part_of.values())
        sizes = model_size.part_sizes(self.study, self.layout)
        return {k: v for k, v in sizes.items() if k in present}

    def _board_grading(self, sizes: dict[str, float]) -> int:
        """Gmsh field of the laminate's size: the ball size (at most half the board's
        thickness, two elements through it) within one pitch of a pad edge, growing by
        BOARD_GRADING to the far-field size; only in the board and its pads."""
        fields = gmsh.model.mesh.field
        pads = [t for t, p in self.part_of.items() if p == "board_pads"]
        faces = gmsh.model.getBoundary([(3, t) for t in pads], combined=False, oriented=False)
        curves = gmsh.model.getBoundary(faces, combined=False, oriented=False)
        dist = fields.add("Distance")
        fields.setNumbers(dist, "CurvesList", sorted({abs(c) for _, c in curves}))
        fields.setNumber(dist, "Sampling", 12)
        near = min(sizes["board_pads"], self.layout.board.laminate.thickness / 2)
        far = max(sizes["board"], near)
        pitch = self.study.balls.pitch
        grade = fields.add("Threshold")
        fields.setNumber(grade, "InField", dist)
        fields.setNumber(grade, "SizeMin", near)
        fields.setNumber(grade, "SizeMax", far)
        fields.setNumber(grade, "DistMin", pitch)
        fields.setNumber(grade, "DistMax", pitch + (far - near) / BOARD_GRADING)
        board = fields.add("Restrict")
        fields.setNumber(board, "InField", grade)
        fields.setNumbers(
            board, "VolumesList", [t for t, p in self.part_of.items() if p in BOARD_PARTS]
        )
        fields.setNumber(board, "IncludeBoundary", 1)
        return board

    def set_sizes(self) -> None:
        """Constant size per part, graded from the bump size around the bump array and
        from the ball size around the board pads."""
        fields = gmsh.model.mesh.field
        sizes = self.part_sizes()
        package = [v for k, v in sizes.items() if k not in BOARD_PARTS]
        ids = [self._board_grading(sizes)] if "board" in sizes else []
        for part, size in sizes.items():
            vols = [t for t, p in self.part_of.items() if p == part]
            fid = fields.add("Constant")
            fields.setNumber(fid, "VIn", size)
            fields.setNumbers(fid, "VolumesList", vols)
            fields.setNumber(fid, "IncludeBoundary", 1)
            ids.append(fid)
        bump_curves = []
        for tag, part in self.part_of.items():
            if part == "bumps":
                faces = gmsh.model.getBoundary([(3, tag)], oriented=False)
                curves = gmsh.model.getBoundary(faces, combined=False, oriented=False)
                bump_curves += [abs(c) for _, c in curves]
        if bump_curves:
            dist = fields.add("Distance")
            fields.setNumbers(dist, "CurvesList", sorted(set(bump_curves)))
            fields.setNumber(dist, "Sampling", 12)
            grade = fields.add("Threshold")
            pitch = min(d.bumps.pitch for d in self.study.dies if d.bumps is not None)
            fields.setNumber(grade, "InField", dist)
            fields.setNumber(grade, "SizeMin", sizes["bumps"])
            fields.setNumber(grade, "SizeMax", max(package))
            fields.setNumber(grade, "DistMin", 0.5 * pitch)
            fields.setNumber(grade, "DistMax", pitch + 4 * sizes["bumps"])
            ids.append(grade)
        smallest = fields.add("Min")
        fields.setNumbers(smallest, "FieldsList", ids)
        fields.setAsBackgroundMesh(smallest)
        gmsh.option.setNumber("Mesh.MeshSizeExtendFromBoundary", 0)
        gmsh.option.setNumber("Mesh.MeshSizeFromPoints", 0)
        gmsh.option.setNumber("Mesh.MeshSizeFromCurvature", 0)

    # ------------------------------------------------------------ quality

    def quality(self) -> MeshQuality:
        """Quality of the generated elements, worst element located by part.

        A swept prism is an exact extrusion of its floor triangle, valid however
        thin the layer, so swept volumes are judged by their floor triangles and
        free volumes by their tetrahedra.
        """
        model = gmsh.model
        swept_floors = {v.tag: v.floors for v in self.swept}
        sicn_all, sige_all, parts, centres = [], [], [], []
        cells_by_part: dict[str, int] = {}
        volume_by_part: dict[str, float] = {}
        for tag, part in self.part_of.items():
            types, elem_tags, _ = model.mesh.getElements(3, tag)
            etags = np.concatenate(elem_tags)
            sicn_all.append(model.mesh.getElementQualities(etags, "minSICN"))
            vol = model.mesh.getElementQualities(etags, "volume")
            cells_by_part[part] = cells_by_part.get(part, 0) + len(etags)
            volume_by_part[part] = volume_by_part.get(part, 0.0) + float(np.sum(vol))
            judged = [(tag, types[0], etags)]
            if tag in swept_floors:
                judged = []
                for face in swept_floors[tag]:
                    ftypes, ftags, _ = model.mesh.getElements(2, face)
                    judged.append((face, ftypes[0], ftags[0]))
            for ent, etype, elems in judged:
                sige_all.append(model.mesh.getElementQualities(elems, "minSIGE"))
                parts += [part] * len(elems)
                centres.append(
                    np.reshape(model.mesh.getBarycenters(etype, ent, False, True), (-1, 3))
                )
        sicn = np.concatenate(sicn_all)
        sige = np.concatenate(sige_all)
        centre = np.concatenate(centres)
        worst = int(np.argmin(sige))
        nodes = len(model.mesh.getNodes()[0])
        return MeshQuality(
            cells=int(sicn.size),
            nodes=nodes,
            min_sige=float(sige.min()),
            p01_sige=float(np.percentile(sige, 1)),
            mean_sige=float(sige.mean()),
            min_sicn=float(sicn.min()),
            worst_part=parts[worst],
            worst_location_mm=[round(float(c), 4) for c in centre[worst]],
            cells_by_part=cells_by_part,
            volume_by_part_mm3=volume_by_part,
        )


JOINT_SIDES = 8
"""Joints are meshed as regular polygonal (ruled) solids of this many sides, with
cross-sections of the same area as the round design, so meshed and designed
volumes agree exactly and a bump costs a handful of elements."""

_AREA = np.sqrt(2 * np.pi / (JOINT_SIDES * np.sin(2 * np.pi / JOINT_SIDES)))
"""Circumradius of the equal-area polygon per unit circle radius."""

BOARD_PARTS = ("board", "board_pads")

PAD_LAYERS = 1
"""Element layers through a board pad (35 um of copper between solder and laminate,
far stiffer than both: one P2 layer carries its stretch)."""

BOARD_GRADING = 0.5
"""Growth of the laminate's element size per mm of distance from the nearest pad edge
(size grows linearly from the ball size at one ball pitch to `board.element_size`)."""


def averaging_layers(study: Study) -> tuple[float, int] | None:
    """(thickness in mm, element layers) of the Darveaux averaging layer swept at each joint
    end, when the run takes Darveaux averages (time-dependent); None otherwise."""
    if not study.process.time_dependent:
        return None
    return study.cycling.interface_layer, study.cycling.interface_elements


def ball_sections(
    balls: JointArray, end: float = 0.0, foot: float | None = None
) -> list[tuple[float, float]]:
    """(z, polygon circumradius) sections of a ball whose ruled volume equals the design.

    The pads keep the equal-area radius of the round pads; on a board the lower end wets
    the whole NSMD pad of radius `foot` (mm) instead. With `end` > 0 (mm) a prism of the
    pad's section rises that far from each pad (the swept averaging layers). The middle
    section follows the sphere, scaled by the one factor that restores the truncated
    sphere's volume lost to the straight (ruled) profile between sections.
    """
    r = balls.diameter / 2
    z0, z1 = balls.z0, balls.z1
    zc = 0.5 * (z0 + z1)
    pad, middle = (np.sqrt(r * r - (z - zc) ** 2) * _AREA for z in (z0, zc))
    low = pad if foot is None else foot * _AREA
    zs, radii = np.array([z0, zc, z1]), np.array([low, middle, pad])
    if end:
        zs = np.array([z0, z0 + end, zc, z1 - end, z1])
        radii = np.array([low, low, middle, pad, pad])
    inner = zs == zc
    k = JOINT_SIDES / 2 * np.sin(2 * np.pi / JOINT_SIDES)
    # volume(s) = sum dz/3 * k * (a^2 + ab + b^2) with inner radii scaled by s: quadratic in s
    coef = np.zeros(3)
    for a_i in range(len(zs) - 1):
        a, b = radii[a_i], radii[a_i + 1]
        pa, pb = inner[a_i], inner[a_i + 1]
        dz = zs[a_i + 1] - zs[a_i]
        for (u, pu), (v, pv) in (((a, pa), (a, pa)), ((a, pa), (b, pb)), ((b, pb), (b, pb))):
            coef[int(pu) + int(pv)] += k * dz / 3 * u * v
    coef[0] -= balls.joint_volume
    s = max(np.roots(coef[::-1]).real)
    radii[inner] *= s
    return list(zip(zs.tolist(), radii.tolist(), strict=True))


def _prism(x: float, y: float, sections: list[tuple[float, float]], sides: int) -> int:
    """A ruled solid through regular polygons (z, circumradius) centred on (x, y)."""
    occ = gmsh.model.occ
    wires = []
    for z, radius in sections:
        angles = np.pi / sides + 2 * np.pi * np.arange(sides) / sides
        pts = [occ.addPoint(x + radius * np.cos(a), y + radius * np.sin(a), z) for a in angles]
        lines = [occ.addLine(pts[i], pts[(i + 1) % sides]) for i in range(sides)]
        wires.append(occ.addWire(lines))
    out = occ.addThruSections(wires, makeSolid=True, makeRuled=True)
    return next(t for d, t in out if d == 3)


def _imprints(layer: Box, copper: tuple[Box, ...]) -> list[Box]:
    """Copper footprints inside a swept layer, so the layer is cut into prisms over each
    piece of its floor (a swept volume's ceiling must repeat its floor's pattern)."""
    out = []
    for c in copper:
        x0, y0, x1, y1 = (
            max(c.x0, layer.x0),
            max(c.y0, layer.y0),
            min(c.x1, layer.x1),
            min(c.y1, layer.y1),
        )
        if x1 > x0 + 1e-9 and y1 > y0 + 1e-9:
            out.append(Box(x0, y0, layer.z0, x1, y1, layer.z1))
    return out


def _top(body: Box) -> tuple[float, float, float]:
    return body.x1, body.y1, body.z1


def generate(study: Study, layout: PackageLayout, symmetry: str) -> MeshInfo:
    """Build, mesh and name the package in the current Gmsh session; check quality.

    The caller owns gmsh.initialize()/finalize(). Raises RunError when the worst
    element stays below `mesh.min_quality` after optimisation.
    """
    start = time.perf_counter()
    gmsh.model.add("package")
    gmsh.option.setNumber("General.Terminal", 0)
    gmsh.option.setNumber("Geometry.OCCParallel", 1)
    model = PackageModel(study, layout, symmetry)
    model.build()
    groups = model.name_groups()
    model.set_sizes()
    swept.constrain(model.swept)
    gmsh.option.setNumber("Mesh.Algorithm", 6)
    gmsh.option.setNumber("Mesh.Algorithm3D", 1)
    if any(v.graded for v in model.swept):  # their edge nodes move before the 2D mesh
        gmsh.model.mesh.generate(1)
        swept.place(model.swept)
    gmsh.model.mesh.generate(2)
    swept.fill(model.swept)
    gmsh.option.setNumber("Mesh.MeshOnlyEmpty", 1)
    gmsh.model.mesh.generate(3)  # with Gmsh's optimiser: it may nudge layer nodes, validly
    quality = model.quality()
    free = [(3, t) for t in model.part_of if t not in {v.tag for v in model.swept}]
    if quality.min_sige < study.mesh.min_quality:
        gmsh.model.mesh.optimize("", dimTags=free)
        quality = model.quality()
    if quality.min_sige < study.mesh.min_quality:
        # Delaunay can leave flat tetrahedra on a column of thin swept layers (three nodes
        # in a line); HXT meshes the free volumes again against the same faces
        gmsh.model.mesh.clear(free)
        gmsh.option.setNumber("Mesh.Algorithm3D", 10)
        gmsh.model.mesh.generate(3)
        quality = model.quality()
    if quality.min_sige < study.mesh.min_quality:
        raise RunError(
            f"mesh: worst element quality {quality.min_sige:.3g} (minSIGE) in the "
            f"{quality.worst_part} at {quality.worst_location_mm} mm stays below "
            f"mesh.min_quality = {study.mesh.min_quality} after optimisation; "
            "change the part sizes or mesh.refinement"
        )
    return MeshInfo(groups, symmetry, quality, time.perf_counter() - start)


def write_mesh(info: MeshInfo, study: Study, layout: PackageLayout, out_dir: Path) -> None:
    """Write mesh.msh, markers.json (name -> dim, tag), quality.json and, for wire-bonded
    dies, wires.json (the bond wires: geometry that the solid mesh leaves out), each by
    write-then-rename."""
    from warp import __version__, atomic

    out_dir.mkdir(parents=True, exist_ok=True)
    with atomic.replacing(out_dir / "mesh.msh") as tmp:
        gmsh.write(str(tmp))
    markers = {name: {"dim": d, "tag": t} for name, (d, t) in info.groups.items()}
    atomic.write_text(out_dir / "markers.json", json.dumps(markers, indent=2) + "\n")
    summary = {
        "warp_version": __version__,
        "study_id": study.study_id,
        "symmetry": info.symmetry,
        "mesh_seconds": round(info.seconds, 3),
        **asdict(info.quality),
    }
    atomic.write_text(out_dir / "quality.json", json.dumps(summary, indent=2) + "\n")
    if layout.wires:
        wires = [asdict(w) for w in layout.wires]
        text = json.dumps({"units": "mm", "wires": wires}) + "\n"
        atomic.write_text(out_dir / "wires.json", text)
