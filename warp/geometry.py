"""The package layout built from a study, and the checks that refuse an impossible design.

Pure (no Gmsh): the mesher draws exactly this layout (`warp.layout`), and the checks that
refuse an impossible design live here, so `warp check` runs them too.
Coordinates in mm; origin at the package centre on the carrier bottom; z up,
towards the heat sink. Dies are stacked from the carrier up: each sits on a
bump layer (flip-chip, face down) or a die-attach layer (face up).
"""

from __future__ import annotations

import math

import numpy as np

from warp import board as pcb
from warp.errors import InputError
from warp.layout import Box, DieLayout, JointArray, PackageLayout, PassiveLayout, Wire
from warp.model_size import MAX_JOINTS, MIN_CELLS_PER_JOINT
from warp.study import BumpArray, Die, DieAttach, Passive, Study

GAP_WINDOW_MM = (0.03, 0.2)
"""Die-to-heat-sink gap design window of this package family."""

MIN_HEAT_SINK_MM = 0.05
"""Thinnest heat sink the mold cap may leave when mold.cap_height is given."""

CLEARANCE_MM = 0.02
"""Smallest mold-filled clearance between parts that must not touch."""

PASSIVE_SIZES = {  # EIA code: length, width, thickness, termination band (mm)
    "0201": (0.6, 0.3, 0.3, 0.15),
    "0402": (1.0, 0.5, 0.5, 0.25),
}
"""Nominal MLCC dimensions (EIA/IEC 60384 case sizes; see studies/SOURCES.md)."""


def grid_shape(size: tuple[float, float], pitch: float, margin: float) -> tuple[int, int]:
    """Columns and rows of a centred array at `pitch` inside an edge `margin` (mm)."""
    nx, ny = (int(math.floor((s - 2 * margin) / pitch + 1e-9)) + 1 for s in size)
    return nx, ny


def grid_count(
    size: tuple[float, float], pitch: float, margin: float, pattern: str, rows: int
) -> int:
    """Number of joints `grid_positions` places, by arithmetic (no positions are built)."""
    nx, ny = grid_shape(size, pitch, margin)
    if pattern != "perimeter":
        return nx * ny
    return nx * ny - max(nx - 2 * rows, 0) * max(ny - 2 * rows, 0)


def grid_positions(
    size: tuple[float, float], pitch: float, margin: float, pattern: str, rows: int
) -> np.ndarray:
    """Centres of a centred array on a rectangle: full grid or `rows` perimeter rows.

    Ordered by column (x), then row (y). A perimeter array builds its ring only, so
    its cost follows the joint count, not the area it encloses.
    """
    nx, ny = grid_shape(size, pitch, margin)
    if pattern == "perimeter" and nx > 2 * rows and ny > 2 * rows:
        edge_cols = np.r_[0:rows, nx - rows : nx]
        edge_rows = np.r_[0:rows, ny - rows : ny]
        inner = np.arange(rows, nx - rows)
        ii = np.concatenate([np.repeat(edge_cols, ny), np.repeat(inner, 2 * rows)])
        jj = np.concatenate([np.tile(np.arange(ny), 2 * rows), np.tile(edge_rows, len(inner))])
        order = np.lexsort((jj, ii))
        ii, jj = ii[order], jj[order]
    else:
        ii, jj = (a.ravel() for a in np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij"))
    return np.column_stack([(ii - (nx - 1) / 2) * pitch, (jj - (ny - 1) / 2) * pitch])


def die_names(study: Study) -> list[str]:
    """`die` for a single-die package, `die1`, `die2`, ... (bottom up) for a stack."""
    n = len(study.dies)
    return ["die"] if n == 1 else [f"die{i + 1}" for i in range(n)]


def build_layout(study: Study) -> PackageLayout:
    """Lay out the package and refuse designs that cannot be built (InputError)."""
    c, h = study.carrier, study.heat_sink
    body_size = c.size
    carrier = Box.centred(c.size, 0.0, c.thickness)
    copper = _leadframe(study) if c.kind == "leadframe" else ()

    dies: list[DieLayout] = []
    z = c.thickness
    names = die_names(study)
    for i, die in enumerate(study.dies):
        key = f"dies.{i}" if len(study.dies) > 1 else "dies.0"
        base = dies[-1] if dies else None
        _check_die_footprint(die, key, base, body_size)
        if die.attach == "flip-chip":
            if base is not None and base.attach == "flip-chip":
                raise InputError(
                    f"{key}.attach = 'flip-chip': a flip-chip die needs the carrier or a "
                    f"face-up (die-attach) die below it, not the back of {base.name}"
                )
            layer = Box.centred(die.size, z, z + die.bumps.height)
            bumps = _bumps(study, i, die, layer, copper, key)
            z_top = layer.z1 + die.thickness
            dl = DieLayout(
                names[i], i + 1, Box.centred(die.size, layer.z1, z_top), die.attach, layer, bumps
            )
        else:
            da = die.die_attach or DieAttach()
            layer = Box.centred(die.size, z, z + da.thickness)
            z_top = layer.z1 + die.thickness
            box = Box.centred(die.size, layer.z1, z_top)
            dl = DieLayout(names[i], i + 1, box, die.attach, layer, None)
        dies.append(dl)
        z = z_top
    dies = _add_wires(study, dies, carrier)

    top = dies[-1]
    lo, hi = GAP_WINDOW_MM
    if not lo <= h.gap <= hi:
        raise InputError(
            f"heat_sink.gap = {h.gap}: the die-to-heat-sink gap must lie in the design "
            f"window {lo}-{hi} mm, which the mold compound can fill"
        )
    for axis, name in enumerate("xy"):
        if h.size[axis] > body_size[axis]:
            raise InputError(
                f"heat_sink.size = {list(h.size)}: the heat sink {name}-size {h.size[axis]} mm "
                f"must not exceed the package body's {body_size[axis]} mm (carrier.size)"
            )
        top_size = top.box.x1 - top.box.x0 if axis == 0 else top.box.y1 - top.box.y0
        if h.size[axis] < top_size - 1e-12:
            raise InputError(
                f"heat_sink.size = {list(h.size)}: the heat sink must cover the top die; its "
                f"{name}-size must be at least {top_size:g} mm"
            )
    z_hs = top.box.z1 + h.gap
    if study.mold.cap_height is not None:
        hs_thickness = c.thickness + study.mold.cap_height - z_hs
        if hs_thickness < MIN_HEAT_SINK_MM:
            raise InputError(
                f"mold.cap_height = {study.mold.cap_height}: the stack is too tall for the body; "
                f"the top die ends {top.box.z1 - c.thickness:.3f} mm above the carrier and the "
                f"{h.gap} mm gap (heat_sink.gap) leaves {hs_thickness:.3f} mm for the heat sink, "
                f"below the {MIN_HEAT_SINK_MM} mm minimum"
            )
    else:
        hs_thickness = h.thickness
    heat_sink = Box.centred(h.size, z_hs, z_hs + hs_thickness)
    for wire in (w for d in dies for w in d.wires):
        if wire.apex_z + wire.diameter / 2 > heat_sink.z0 - CLEARANCE_MM:
            raise InputError(
                f"dies.{wire.die - 1}.wire_bonds.loop_height: the wire loops reach "
                f"z = {wire.apex_z:.3f} mm, into the heat sink at {heat_sink.z0:.3f} mm; lower "
                "the loops or raise the heat sink (heat_sink.gap, mold.cap_height)"
            )

    balls = None
    if study.balls.enabled:
        if copper:
            raise InputError(
                "balls.enabled = true: a lead-frame package has no BGA balls (its leads and "
                "pad are the exposed terminals); set balls.enabled = false"
            )
        s = study.balls
        if s.height >= s.diameter:
            raise InputError(
                f"balls.height = {s.height}: the stand-off must be smaller than the ball "
                f"diameter {s.diameter} mm (balls.diameter), or the ball has no pad faces"
            )
        margin = s.edge_margin if s.edge_margin is not None else s.pitch
        _check_joints("balls", s.pitch, s.diameter, margin, c.size, "carrier", s.pattern, s.rows)
        xy = grid_positions(c.size, s.pitch, margin, s.pattern, s.rows)
        balls = JointArray(
            "balls", xy, s.diameter, -s.height, 0.0, "truncated_sphere", np.zeros(len(xy), int)
        )

    passives = tuple(
        _passive(study, i, p, carrier, copper, dies, heat_sink)
        for i, p in enumerate(study.passives)
    )
    for i, a in enumerate(passives):
        for j in range(i):
            if a.body.overlaps_xy(passives[j].body, CLEARANCE_MM):
                raise InputError(
                    f"passives.{i}.position = {list(study.passives[i].position)}: the "
                    f"component collides with passives.{j}"
                )
    return PackageLayout(
        carrier=carrier,
        copper=copper,
        dies=tuple(dies),
        gap=Box.centred((top.box.x1 - top.box.x0, top.box.y1 - top.box.y0), top.box.z1, z_hs),
        heat_sink=heat_sink,
        body=Box.centred(c.size, 0.0, heat_sink.z1),
        balls=balls,
        passives=passives,
        board=pcb.layout(study, balls, CLEARANCE_MM) if study.board.enabled else None,
    )


def _check_die_footprint(die: Die, key: str, base: DieLayout | None, body: tuple) -> None:
    for axis, name in enumerate("xy"):
        if base is None and die.size[axis] >= body[axis]:
            raise InputError(
                f"{key}.size = {list(die.size)}: the die {name}-size {die.size[axis]} mm must "
                f"be smaller than the carrier's {body[axis]} mm (carrier.size)"
            )
        if base is not None:
            base_size = (base.box.x1 - base.box.x0, base.box.y1 - base.box.y0)[axis]
            if die.size[axis] > base_size + 1e-12:
                raise InputError(
                    f"{key}.size = {list(die.size)}: the die {name}-size {die.size[axis]} mm "
                    f"exceeds its base die {base.name}'s {base_size:g} mm; a stacked die must "
                    "fit on the die below it"
                )


def _bumps(study: Study, i: int, die: Die, layer: Box, copper, key: str) -> JointArray:
    b: BumpArray = die.bumps
    on_leadframe = i == 0 and study.carrier.kind == "leadframe"
    lead_patterns = ("leads", "leads+pad")
    if on_leadframe != (b.pattern in lead_patterns):
        allowed = lead_patterns if on_leadframe else ("perimeter", "full")
        where = "on a lead frame bumps land on leads and pad" if on_leadframe else "on pads"
        raise InputError(
            f"{key}.bumps.pattern = {b.pattern!r}: allowed here are {', '.join(allowed)} ({where})"
        )
    margin = b.edge_margin if b.edge_margin is not None else b.pitch
    if b.pattern in lead_patterns:
        xy = _lead_bumps(study, b, margin)
        if b.pattern == "leads+pad":
            lf = study.carrier.leadframe
            inner = (min(lf.pad_size[0], die.size[0]), min(lf.pad_size[1], die.size[1]))
            _check_joints(f"{key}.bumps", b.pitch, b.diameter, margin, inner, "die pad", "full", 1)
            xy = np.concatenate([xy, grid_positions(inner, b.pitch, margin, "full", 1)])
        half = np.array(die.size) / 2 - b.diameter / 2
        outside = np.any(np.abs(xy) > half + 1e-12, axis=1)
        if outside.any():
            raise InputError(
                f"{key}.size = {list(die.size)}: the die does not reach the bumps on the lead "
                f"tips (one at {xy[outside][0].round(3).tolist()} mm); enlarge the die or "
                "lengthen carrier.leadframe.lead_length"
            )
    else:
        where = (die.size, "die", b.pattern, b.rows)
        _check_joints(f"{key}.bumps", b.pitch, b.diameter, margin, *where)
        xy = grid_positions(die.size, b.pitch, margin, b.pattern, b.rows)
    return JointArray(
        "bumps", xy, b.diameter, layer.z0, layer.z1, "cylinder", np.full(len(xy), i + 1)
    )


def _leadframe(study: Study) -> tuple[Box, ...]:
    """Die pad and leads of a lead frame, checked for overlaps."""
    c = study.carrier
    lf = c.leadframe
    key = "carrier.leadframe"
    if lf.lead_pitch <= lf.lead_width:
        raise InputError(
            f"{key}.lead_pitch = {lf.lead_pitch}: the leads overlap; the pitch must exceed "
            f"{key}.lead_width = {lf.lead_width} mm"
        )
    half = np.array(c.size) / 2
    span = (lf.lead_count - 1) / 2 * lf.lead_pitch + lf.lead_width / 2
    if span + CLEARANCE_MM > min(half) - lf.lead_length:
        raise InputError(
            f"{key}.lead_count = {lf.lead_count}: the leads overlap at the corners; "
            f"{lf.lead_count} leads at {lf.lead_pitch} mm span {2 * span:.3f} mm but only "
            f"{2 * (min(half) - lf.lead_length):.3f} mm lies between the leads of the "
            "neighbouring sides"
        )
    pad_half = np.array(lf.pad_size) / 2
    if np.any(pad_half + CLEARANCE_MM > half - lf.lead_length):
        raise InputError(
            f"{key}.pad_size = {list(lf.pad_size)}: the die pad overlaps the leads, which "
            f"reach {min(half) - lf.lead_length:.3f} mm from the centre"
        )
    boxes = [Box.centred(lf.pad_size, 0.0, c.thickness)]
    offsets = (np.arange(lf.lead_count) - (lf.lead_count - 1) / 2) * lf.lead_pitch
    for s in offsets:
        w, L = lf.lead_width, lf.lead_length
        boxes += [
            Box(half[0] - L, s - w / 2, 0.0, half[0], s + w / 2, c.thickness),
            Box(-half[0], s - w / 2, 0.0, -half[0] + L, s + w / 2, c.thickness),
            Box(s - w / 2, half[1] - L, 0.0, s + w / 2, half[1], c.thickness),
            Box(s - w / 2, -half[1], 0.0, s + w / 2, -half[1] + L, c.thickness),
        ]
    return tuple(boxes)


def _lead_bumps(study: Study, b: BumpArray, margin: float) -> np.ndarray:
    """One bump per lead, centred on the lead, `margin` in from its inner tip."""
    c = study.carrier
    lf = c.leadframe
    if b.diameter > lf.lead_width:
        raise InputError(
            f"dies.0.bumps.diameter = {b.diameter}: a bump on a lead must fit its width "
            f"(carrier.leadframe.lead_width = {lf.lead_width} mm)"
        )
    if margin < b.diameter / 2 or margin > lf.lead_length - b.diameter / 2:
        raise InputError(
            f"dies.0.bumps.edge_margin = {margin}: the bump must sit on the lead, between "
            f"{b.diameter / 2} and {lf.lead_length - b.diameter / 2} mm from its inner tip"
        )
    half = np.array(c.size) / 2
    offsets = (np.arange(lf.lead_count) - (lf.lead_count - 1) / 2) * lf.lead_pitch
    tip_x, tip_y = half[0] - lf.lead_length + margin, half[1] - lf.lead_length + margin
    pts = []
    for s in offsets:
        pts += [(tip_x, s), (-tip_x, s), (s, tip_y), (s, -tip_y)]
    return np.array(pts)


def _add_wires(study: Study, dies: list[DieLayout], carrier: Box) -> list[DieLayout]:
    out = []
    for i, (die, spec) in enumerate(zip(dies, study.dies, strict=True)):
        wb = spec.wire_bonds
        if wb is None:
            out.append(die)
            continue
        key = f"dies.{i}.wire_bonds"
        if study.carrier.kind == "leadframe":
            raise InputError(
                f"{key}: wire-bonded dies on a lead frame are not supported; use an organic "
                "carrier (carrier.kind = 'organic')"
            )
        above = dies[i + 1].box if i + 1 < len(dies) else None
        b = die.box
        pad_ring = Box(
            b.x0 + wb.pad_inset,
            b.y0 + wb.pad_inset,
            b.z0,
            b.x1 - wb.pad_inset,
            b.y1 - wb.pad_inset,
            b.z1,
        )
        if above is not None and not pad_ring.contains_xy(above, -1e-12):
            raise InputError(
                f"{key}.pad_inset = {wb.pad_inset}: the die above ({dies[i + 1].name}) covers "
                f"the bond pads of {die.name}; it must fit inside the pad ring"
            )
        if above is not None and (
            above.x0 < pad_ring.x0 + wb.diameter or above.y0 < pad_ring.y0 + wb.diameter
        ):
            raise InputError(
                f"{key}.pad_inset = {wb.pad_inset}: the die above ({dies[i + 1].name}) leaves "
                f"no room for the ball bonds of {die.name}"
            )
        lower = [d.box for d in dies[:i]]
        reach = max([abs(v) for lb in lower for v in (lb.x0, lb.x1, lb.y0, lb.y1)] + [0.0])
        wires = []
        length = (b.x1 - b.x0, b.y1 - b.y0)
        for axis, sign in ((0, 1), (0, -1), (1, 1), (1, -1)):
            along = 1 - axis
            span = (wb.per_side - 1) * wb.pitch
            if span > length[along] - 2 * wb.pad_inset + 1e-12:
                raise InputError(
                    f"{key}.per_side = {wb.per_side}: {wb.per_side} pads at {wb.pitch} mm need "
                    f"{span:.3f} mm but the edge of {die.name} offers "
                    f"{length[along] - 2 * wb.pad_inset:.3f} mm"
                )
            edge = (b.x1 if sign > 0 else b.x0) if axis == 0 else (b.y1 if sign > 0 else b.y0)
            finger = edge + sign * wb.finger_offset
            if abs(finger) < reach + CLEARANCE_MM:
                raise InputError(
                    f"{key}.finger_offset = {wb.finger_offset}: the bond fingers of {die.name} "
                    f"fall under the die below it; they must lie beyond {reach:.3f} mm"
                )
            if abs(finger) > min(carrier.x1, carrier.y1) - wb.diameter:
                raise InputError(
                    f"{key}.finger_offset = {wb.finger_offset}: the bond fingers of {die.name} "
                    "fall off the carrier"
                )
            for s in (np.arange(wb.per_side) - (wb.per_side - 1) / 2) * wb.pitch:
                pad = [0.0, 0.0]
                pad[axis] = edge - sign * wb.pad_inset
                pad[along] = s
                end = [0.0, 0.0]
                end[axis] = finger
                end[along] = s
                wires.append(
                    Wire(
                        i + 1,
                        (pad[0], pad[1], b.z1),
                        (end[0], end[1], carrier.z1),
                        b.z1 + wb.loop_height,
                        wb.diameter,
                    )
                )
        out.append(
            DieLayout(die.name, die.index, die.box, die.attach, die.layer, die.bumps, tuple(wires))
        )
    return out


def _passive(study, i, p: Passive, carrier: Box, copper, dies, heat_sink: Box) -> PassiveLayout:
    key = f"passives.{i}"
    length, width, height, band = PASSIVE_SIZES[p.size]
    if p.rotation == 90:
        length_x, width_y = width, length
    else:
        length_x, width_y = length, width
    x, y = p.position
    z0 = carrier.z1
    zb = z0 + p.standoff
    body_box = Box.centred((length_x, width_y), zb, zb + height, at=(x, y))
    if not carrier.contains_xy(body_box, CLEARANCE_MM):
        raise InputError(
            f"{key}.position = {list(p.position)}: the {p.size} component lies off the "
            f"carrier (carrier.size = {list(study.carrier.size)})"
        )
    for d in dies:
        if d.box.z0 < body_box.z1 and body_box.overlaps_xy(d.layer, CLEARANCE_MM):
            raise InputError(
                f"{key}.position = {list(p.position)}: the {p.size} component collides with "
                f"{d.name} (its footprint reaches the die's)"
            )
    if body_box.z1 > heat_sink.z1 - CLEARANCE_MM:
        raise InputError(
            f"{key}.size = {p.size!r}: the component ({body_box.z1 - carrier.z1:.3f} mm tall with "
            f"its solder) does not fit under the mold top, {heat_sink.z1 - carrier.z1:.3f} mm "
            "above the carrier"
        )
    if body_box.z1 > heat_sink.z0 - CLEARANCE_MM and body_box.overlaps_xy(heat_sink):
        raise InputError(
            f"{key}.position = {list(p.position)}: the {p.size} component "
            f"({body_box.z1 - carrier.z1:.3f} mm tall with its solder) collides with the heat "
            f"sink, whose bottom is {heat_sink.z0 - carrier.z1:.3f} mm above the carrier"
        )
    along = 0 if p.rotation == 0 else 1
    caps, joints = [], []
    for sign in (-1, 1):
        lo = [body_box.x0, body_box.y0]
        hi = [body_box.x1, body_box.y1]
        if sign < 0:
            hi[along] = lo[along] + band
        else:
            lo[along] = hi[along] - band
        caps.append(Box(lo[0], lo[1], zb, hi[0], hi[1], zb + height))
        joints.append(Box(lo[0], lo[1], z0, hi[0], hi[1], zb))
    core = [body_box.x0, body_box.y0, body_box.x1, body_box.y1]
    core[along] += band
    core[along + 2] -= band
    if copper:
        for j, joint in enumerate(joints):
            if not any(cu.contains_xy(joint) for cu in copper):
                raise InputError(
                    f"{key}.position = {list(p.position)}: solder joint {j + 1} of the "
                    f"{p.size} component does not land on lead-frame copper (a lead or the pad)"
                )
    body = Box(core[0], core[1], zb, core[2], core[3], zb + height)
    return PassiveLayout(body, (caps[0], caps[1]), (joints[0], joints[1]))


def _check_joints(
    name: str,
    pitch: float,
    diameter: float,
    margin: float,
    size: tuple,
    host: str,
    pattern: str,
    rows: int,
) -> None:
    """Refuse joints that touch, stick out of their host, or are too many to lay out.

    Neighbours must keep CLEARANCE_MM between them: between bumps the mold (molded
    underfill) has to flow, and a reflowed ball collapses wider than the free ball
    the model draws, so balls drawn closer bridge. A narrower gap would also force
    elements of its width into the bump-layer floor between every pair of bumps.
    The count is taken by arithmetic, before any position is built.
    """
    gap = pitch - diameter
    if gap < CLEARANCE_MM - 1e-9:
        um = 1000 * abs(gap)
        apart = f"leave {um:.3g} um between" if gap > 0 else f"overlap by {um:.3g} um"
        raise InputError(
            f"{name}.pitch = {pitch}: joints {diameter} mm across ({name}.diameter) {apart} "
            "neighbours; the pitch must be at least "
            f"{diameter + CLEARANCE_MM:.6g} mm, for the {1000 * CLEARANCE_MM:g} um smallest "
            "clearance between joints"
        )
    if margin < diameter / 2:
        raise InputError(
            f"{name}.edge_margin = {margin}: the outer joints stick out of the {host}; "
            f"the margin must be at least half the diameter, {diameter / 2} mm"
        )
    for axis in range(2):
        if size[axis] < 2 * margin:
            raise InputError(
                f"{name}: the joints do not fit on the {host}: its size {size[axis]} mm "
                f"leaves no room inside an edge margin of {margin} mm ({name}.edge_margin)"
            )
    count = grid_count(size, pitch, margin, pattern, rows)
    if count > MAX_JOINTS:
        raise InputError(
            f"{name}.pitch = {pitch}: about {count:,} joints on the {host}, more than the "
            f"{MAX_JOINTS:,} of one array warp can mesh (at least {MIN_CELLS_PER_JOINT} cells "
            "each); enlarge the pitch or use a perimeter pattern"
        )


def model_symmetry(study: Study) -> str:
    """ "quarter" when the design is mirror-symmetric about x = 0 and y = 0, else "full".

    The chipset and arrays are centred by construction; passives break the
    symmetry unless they come in mirror images, and a cubic crystal is
    mirror-symmetric about these planes only at a multiple of 45 degrees.
    """
    from warp.materials import get_material

    requested = study.mesh.symmetry
    fields = {f"dies.{i}.material": d.material for i, d in enumerate(study.dies)}
    symmetric = True
    reason = ""
    for field_name, name in fields.items():
        mat = get_material(name, study.materials, field=field_name)
        if mat.elasticity == "cubic":
            angle = float(mat.values.get("crystal_angle", 0.0))
            if not math.isclose(math.remainder(angle, 45.0), 0.0, abs_tol=1e-9):
                symmetric, reason = False, "a cubic crystal_angle that is not a multiple of 45 deg"
    spots = {
        (p.size, p.rotation, round(p.position[0], 9), round(p.position[1], 9))
        for p in study.passives
    }
    for size, rot, x, y in spots:
        for mx, my in ((-x, y), (x, -y)):
            if (size, rot, round(mx, 9), round(my, 9)) not in spots:
                symmetric, reason = False, "passives without mirror images"
    if requested == "quarter" and not symmetric:
        raise InputError(
            f"mesh.symmetry = 'quarter': the design is not mirror-symmetric ({reason}); "
            "use 'auto' or 'full'"
        )
    if requested == "full":
        return "full"
    return "quarter" if symmetric else "full"


def wire_stiffness_share(layout: PackageLayout, e_wire: float, e_mold: float) -> float:
    """Bond wires' share of the mold's stiffness, E_wire V_wire / (E_mold V_mold).

    Why the mechanical model may leave the wires out: 25 um gold wires are a
    tiny volume of a stiff metal inside the mold, so even counted as if they
    were fully aligned with the bending strain they add this fraction to the
    stiffness of the mold around them, which is itself only part of the package.
    """
    volume = sum(
        math.pi
        * (w.diameter / 2) ** 2
        * (
            math.dist(w.start, (w.start[0], w.start[1], w.apex_z))
            + math.dist((w.start[0], w.start[1], w.apex_z), w.end)
        )
        for w in layout.wires
    )
    return e_wire * volume / (e_mold * layout.part_volumes()["mold"])
