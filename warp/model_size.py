"""How big a design's model will be, estimated from its layout before meshing; the refusal
of a design this machine cannot mesh and solve, or whose parts the mesh cannot resolve (pure).

Why: Gmsh fails slowly. A 1e-4 mm die, 32,364 bumps or 110,000 balls passed `warp check`
and then meshed for minutes to hours (the bumps alone would need ~500 GB), and an
out-of-memory kill comes only after the time is spent. From the layout the cells, DOFs
and peak memory are known in milliseconds, so `check` (called by `warp.design.resolve`)
refuses such a design first; `mesh.allow_large = true` (`--allow-large`) goes ahead.
Joint counts are taken by arithmetic and capped (MAX_JOINTS, `warp.geometry`) before
any position is built.

Cells are counted the way the mesher places them (`part_sizes` is the mesher's size
rule), as counts the cells grow with, times coefficients fitted to meshes:

- FREE: free parts at their element size h, one element layer through a part thinner
  than h, V / (h^2 min(h, t)); and one element layer of each neighbour on the faces of
  a swept layer, at the layer's floor size: A / h_floor^2;
- ZONE: the zone of the bump size h_b around each bump array (the mesher's Threshold
  field: h grows linearly from h_b at d0 to R h_b at d1; a density ~ 1 / h^3 integrated
  over that ramp reaches d0 + (d1 - d0)(1 - R^-2) / (2 (R - 1))), through the die above,
  the part below and the bump layer: A_zone depth / h_b^3;
- PER_BUMP, PER_BALL: a fixed count per joint, set by its 8-sided geometry (balls grow
  as (polygon side / h_ball)^2 once their elements are finer than a side); the bumps'
  own prisms are exact (BUMP_CELLS_PER_LAYER).
- The board (`board.enabled`), not yet calibrated: its pads as one swept layer of bump
  prisms each at the ball size; its laminate as a ZONE at the ball size under the ball
  array (the bumps' ramp, from the ball size up to `board.element_size`) and FREE at
  `board.element_size` elsewhere.

Calibration, Gmsh 4.15.2: `warp mesh` of the reference study and its variants (quarter
models unless stated); cells and peak RSS (`/usr/bin/time`) against the estimate.
Least-squares fit of the relative error: rms 14 %, worst -35 % (the lead frame, whose
leads and the mold between them are not counted).

| design                               |   cells | estimate | error | GB   | estimate |
|--------------------------------------|---------|----------|-------|------|----------|
| single-chip (reference)              |  43,344 |   39,301 |  -9 % | 0.18 | 0.18     |
|   mesh.refinement = 0.6              |  33,693 |   32,460 |  -4 % | 0.18 | 0.18     |
|   mesh.refinement = 1.5              |  69,339 |   66,212 |  -5 % | 0.20 | 0.19     |
|   mesh.refinement = 2.5              | 164,821 |  194,405 | +18 % | 0.24 | 0.25     |
|   mesh.symmetry = full               | 170,327 |  157,202 |  -8 % | 0.86 | 0.90     |
|   full bump array (1,224)            | 123,873 |  117,931 |  -5 % | 0.92 | 0.95     |
|   mesh.size.bumps = 0.06             |  73,808 |   80,741 |  +9 % | 0.19 | 0.20     |
|   mesh.size.balls = 0.1              |  52,715 |   57,827 | +10 % | 0.19 | 0.19     |
|   die 0.05 mm thick                  |  52,948 |   59,156 | +12 % | 0.19 | 0.19     |
|   heat sink 0.02 mm thick            |  43,683 |   39,334 | -10 % | 0.18 | 0.18     |
|   carrier 0.02 mm thick              |  43,414 |   36,300 | -16 % | 0.18 | 0.18     |
|   20 mm body, 1,521 balls at 0.5     | 107,325 |  114,169 |  +6 % | 0.72 | 0.71     |
|   4 mm body, full bumps at 0.25      |  13,123 |   11,813 | -10 % | 0.13 | 0.13     |
|   4 mm body, full bumps 0.05 at 0.1  |  66,706 |   73,218 | +10 % | 0.54 | 0.52     |
|   3 mm body, full bumps 0.03 at 0.05 |  54,780 |   68,464 | +25 % | 0.54 | 0.51     |
| stack-three-die                      |  62,784 |   56,173 | -11 % | 0.21 | 0.21     |
| stack-wirebond                       |  45,792 |   39,202 | -14 % | 0.18 | 0.17     |
| leadframe                            |  43,734 |   28,300 | -35 % | 0.16 | 0.14     |

A full array of 3,477 bumps at 0.15 mm (869 modelled) reached 6.3 GB (estimate 6.5) and
was still meshing after 28 min. DOFs per cell from the same meshes (nodes 0.18-0.30 per
cell): 4.5 for P2 displacement (196,554 at the reference), 0.65 for P1; 0.22 and 1.5
for P1 and P2 temperature. Solving (`warp run`, one process, peak RSS): MUMPS 1.80 GB
at 196,554 DOFs (the reference run) and 3.23 GB at 306,069 (refinement 1.5, DOFs^1.32);
CG + GAMG 0.66 GB at 196,554 and 0.88 GB at 306,396.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import NamedTuple

from warp.errors import InputError
from warp.layout import BoardLayout, Box, JointArray, PackageLayout
from warp.study import Study

THIN_PART_RATIO = 4.0
"""Largest element size of a free-meshed die, in die thicknesses: a thin die meshed
much coarser than it is thick grows slivers, so the mesher shrinks its elements."""

BUMP_CELLS_PER_LAYER = 24
"""Tetrahedra of one bump per element layer: its octagon floor is 8 triangles, each
swept prism 3 tetrahedra (exact while the bump size is at least the octagon side)."""

MIN_CELLS_PER_JOINT = 2 * BUMP_CELLS_PER_LAYER
"""The fewest cells a joint costs (a bump at the default two layers, nothing around it)."""

MAX_JOINTS = 1_000_000
"""Most joints in one array, refused before their positions are laid out so that
`warp check` stays fast: they alone are 5e7 cells (MIN_CELLS_PER_JOINT each), and
their OCC fragment would need ~5e5 GB on the one rank that meshes (MESH_GB_PER_JOINT_PAIR)."""

SIDE = math.sin(math.pi / 8) * math.sqrt(2 * math.pi / (8 * math.sin(math.pi / 4)))
"""Side of the equal-area octagon a joint is meshed as, per unit diameter
(`warp.mesh.model.JOINT_SIDES`)."""

FREE, ZONE, PER_BUMP, PER_BALL = 9.56, 5.52, 203.0, 218.0
"""Fitted coefficients of the cell count (module docstring)."""

DOFS_PER_CELL = {("displacement", 1): 0.65, ("displacement", 2): 4.5}
DOFS_PER_CELL |= {("temperature", 1): 0.22, ("temperature", 2): 1.5}

MESH_GB, MESH_GB_PER_CELL = 0.12, 0.46e-6
"""Peak RSS of `warp mesh`: Python, Gmsh and the layout, and per tetrahedron."""
MESH_GB_PER_JOINT_PAIR = {"bumps": 8.2e-6, "balls": 3.5e-6, "board_pads": 3.5e-6}
"""Peak RSS of `warp mesh` per pair of modelled joints of one array (OCC: the joints all
cut the faces of the same layer, and the memory grows with the square of their number);
the board pads, which cut the laminate top as the balls cut the carrier, taken as the balls."""
DIRECT_GB, DIRECT_DOFS, DIRECT_POWER = 1.8, 196_554, 4 / 3
"""MUMPS Cholesky: peak RSS of the reference run, growing as DOFs^(4/3) (the fill of a
nested-dissection factorisation of a 3-D mesh; measured 1.32)."""
ITERATIVE_GB, ITERATIVE_GB_PER_DOF = 0.27, 2.0e-6
"""CG with GAMG: peak RSS of a run, and per DOF."""
QUALITY_PER_ASPECT = {"carrier": 0.63, "heat_sink": 1.6, "balls": 0.16, "die": 0.34}
"""Worst element quality (minSIGE) of a free part per thickness / element size, the
lowest measured on the reference study: a carrier 0.02 mm thick at 0.6 mm elements
0.021 (0.63 t/h), 0.005 mm 0.0060 (0.72 t/h), finer where the ball pads and the bump
zone meet; a heat sink 0.02 mm at 0.8 mm 0.041 (1.6 t/h), 0.005 mm 0.0127 (2.0 t/h);
a die 0.05 mm thick on a bump-layer floor of 0.6 mm elements 0.084 (1.0 t/h), 0.02 mm
0.0112 (0.34 t/h); balls 0.01 mm high at 0.205 mm 0.0076 (0.16 t/h). The 0.005 mm
parts, the 0.02 mm die and the 0.01 mm balls failed mesh.min_quality = 0.02 after
meshing, in 50-170 s."""

SLIVER_QUALITY = 0.02
"""Highest quality QUALITY_PER_ASPECT predicts a refusal against: the calibrated failures
lie below it. A stricter mesh.min_quality is left to the mesher's own check."""

MEMORY_SHARE = 0.8
"""Share of the machine's memory a model may take (the rest: the OS, the estimate's error)."""


@dataclass(frozen=True)
class ModelSize:
    """Estimated size of a design's model: joints of the package; cells, DOFs and
    memory of the modelled region (a quarter or the full package)."""

    bumps: int
    balls: int
    cells: int
    dofs: int
    solver: str  # "direct" or "iterative": the largest solve's linear solver
    mesh_gb: float
    solve_gb: float

    @property
    def memory_gb(self) -> float:
        return max(self.mesh_gb, self.solve_gb)

    def describe(self) -> str:
        """One line: joints -> cells, DOFs and memory."""
        return (
            f"about {self.bumps:,} bumps and {self.balls:,} balls -> ~{_count(self.cells)} "
            f"cells, ~{_count(self.dofs)} DOFs, ~{_gb(self.memory_gb)} (meshing "
            f"{_gb(self.mesh_gb)}, solving {_gb(self.solve_gb)} with the {self.solver} solver)"
        )


def _count(n: float) -> str:
    for size, unit in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if n >= size:
            return f"{n / size:.3g}{unit}"
    return f"{n:.0f}"


def _gb(x: float) -> str:
    return f"{x:,.0f} GB" if x >= 10 else f"{x:.2g} GB"


def part_sizes(study: Study, layout: PackageLayout) -> dict[str, float]:
    """Target element size of each part of the layout in mm, after `mesh.refinement`.

    The mesher (`warp.mesh.model`) meshes each part at exactly this size.
    """
    s, lay = study.mesh.size, layout
    sizes = {"carrier": s.carrier, "mold": s.mold, "heat_sink": s.heat_sink, "die_attach": s.die}
    arrays = [d.bumps for d in lay.dies if d.bumps is not None]
    if arrays:
        sizes["bumps"] = s.bumps if s.bumps is not None else arrays[0].diameter
    sizes.update({d.name: s.die for d in lay.dies})
    if lay.balls is not None:
        sizes["balls"] = s.balls if s.balls is not None else lay.balls.diameter / 2
    if lay.passives:
        small = min(min(p.body.x1 - p.body.x0, p.body.y1 - p.body.y0) for p in lay.passives)
        size = s.passives if s.passives is not None else small / 2
        sizes.update(passives=size, terminations=size, passive_joints=size)
    if lay.board is not None:
        sizes.update(board=study.board.element_size, board_pads=sizes["balls"])
    scale = 1.0 / study.mesh.refinement
    sizes = {k: v * scale for k, v in sizes.items()}
    for d in lay.dies:
        sizes[d.name] = min(sizes[d.name], THIN_PART_RATIO * d.box.thickness)
    return sizes


def estimate(study: Study, layout: PackageLayout, symmetry: str) -> ModelSize:
    """Cells, DOFs and peak memory of the model of `layout` (module docstring)."""
    terms = _terms(study, layout)
    share = 0.25 if symmetry == "quarter" else 1.0
    cells = share * (
        terms["fixed"]
        + FREE * terms["free"]
        + ZONE * terms["zone"]
        + PER_BUMP * terms["bumps"]
        + PER_BALL * terms["balls"]
    )
    solves = []
    if study.mechanics:
        dofs = DOFS_PER_CELL["displacement", study.solver.element_degree] * cells
        method = study.solver.method
        if method == "auto":
            method = "direct" if dofs <= study.solver.direct_max_dofs else "iterative"
        solves.append((dofs, method))
    if study.thermal.enabled:  # the conduction solve is a MUMPS factorisation
        per_cell = DOFS_PER_CELL["temperature", study.thermal.element_degree]
        solves.append((per_cell * cells, "direct"))
    dofs, solver = max(solves, default=(0.0, "direct"))
    solve_gb = sum(_solve_gb(n, m) for n, m in solves)  # both models live in a coupled run
    bumps = sum(d.bumps.count for d in layout.dies if d.bumps is not None)
    balls = layout.balls.count if layout.balls is not None else 0
    arrays = [("bumps", d.bumps.count) for d in layout.dies if d.bumps is not None]
    arrays += [("balls", balls)]
    if layout.board is not None:
        arrays += [("board_pads", layout.board.pads.count)]
    pairs = sum(MESH_GB_PER_JOINT_PAIR[kind] * (share * n) ** 2 for kind, n in arrays)
    mesh_gb = MESH_GB + MESH_GB_PER_CELL * cells + pairs
    return ModelSize(bumps, balls, round(cells), round(dofs), solver, mesh_gb, solve_gb)


def _solve_gb(dofs: float, method: str) -> float:
    if method == "direct":
        return DIRECT_GB * (dofs / DIRECT_DOFS) ** DIRECT_POWER
    return ITERATIVE_GB + ITERATIVE_GB_PER_DOF * dofs


def machine_memory_gb() -> float:
    """Physical memory of this machine in GB (MemTotal of /proc/meminfo)."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9


def check(
    study: Study, layout: PackageLayout, symmetry: str, machine_gb: float | None = None
) -> ModelSize:
    """Refuse parts thinner than the mesh resolves, and a model beyond this machine's
    memory unless `mesh.allow_large` (InputError, with the estimate); return the estimate."""
    size = estimate(study, layout, symmetry)
    machine = machine_memory_gb() if machine_gb is None else machine_gb
    limit = MEMORY_SHARE * machine
    too_large = size.memory_gb > limit and not study.mesh.allow_large
    try:
        check_thin_parts(study, layout)
    except InputError as exc:
        if too_large:
            raise InputError(
                f"{exc}; the model would also be too large: {size.describe()}"
            ) from None
        raise
    if too_large:
        raise InputError(
            f"the model is too large for this machine: {size.describe()}; this machine has "
            f"{_gb(machine)} (refused above {_gb(limit)}); coarsen the mesh "
            "(mesh.refinement, mesh.size) or the joint arrays, or set mesh.allow_large = true "
            "(--allow-large) to go ahead"
        )
    return size


def check_thin_parts(study: Study, layout: PackageLayout) -> None:
    """Refuse a free-meshed part thinner than the elements of its faces resolve (InputError).

    Elements of size h on the faces of a free part t thick make slivers of quality about
    QUALITY_PER_ASPECT t / h, and the mesher refuses a mesh whose worst element is below
    `mesh.min_quality` only after meshing it; this refuses it first. A die's bottom face
    is the ceiling of the swept layer under it, a copy of that layer's floor, so the die
    is judged by the floor's size (its own shrinks with it, THIN_PART_RATIO). Swept
    layers (bump gaps, die attach, the heat-sink gap, passive solder) resolve any
    thickness.
    """
    sizes, q = part_sizes(study, layout), min(study.mesh.min_quality, SLIVER_QUALITY)
    hs_key, hs_value = "heat_sink.thickness", study.heat_sink.thickness
    if hs_value is None:  # the heat sink fills the mold cap above the stack
        hs_key, hs_value = "mold.cap_height", study.mold.cap_height
    t_c, t_hs = study.carrier.thickness, layout.heat_sink.thickness
    parts = [
        _Faces("carrier", "carrier.thickness", t_c, t_c, "carrier", sizes["carrier"]),
        _Faces("heat_sink", hs_key, hs_value, t_hs, "heat_sink", sizes["heat_sink"]),
    ]
    if layout.balls is not None:
        b = study.balls
        parts.append(_Faces("balls", "balls.height", b.height, b.height, "balls", sizes["balls"]))
    below = ("carrier", "carrier")  # size key, part of the face the next layer stands on
    for i, d in enumerate(layout.dies):
        own = ("mold", "mold") if d.bumps is not None else ("die", "die_attach")
        key, part = min(own, below, key=lambda k: sizes[k[1]])
        t = study.dies[i].thickness
        parts.append(_Faces("die", f"dies.{i}.thickness", t, t, key, sizes[part]))
        below = ("die", d.name)
    for f in parts:
        per_aspect, h = QUALITY_PER_ASPECT[f.part], f.size
        thinnest = q * h / per_aspect
        if f.thickness < thinnest:
            noun = {"heat_sink": "heat sink", "balls": "ball"}.get(f.part, f.part)
            whose = "the layer floor's" if f.part == "die" else "its"
            raise InputError(
                f"{f.field} = {f.value}: a {noun} {f.thickness:.3g} mm thick is thinner than "
                f"{whose} {h:.3g} mm elements (mesh.size.{f.size_key} / mesh.refinement) "
                f"resolve: at this size the thinnest is {thinnest:.3g} mm (element quality "
                f"~{per_aspect:g} x thickness / size, against {q:g}: mesh.min_quality, at "
                f"most {SLIVER_QUALITY:g}); make it thicker or set mesh.size.{f.size_key} <= "
                f"{f.thickness * per_aspect / q * study.mesh.refinement:.3g}"
            )


class _Faces(NamedTuple):
    """A free part's thickness against the element size on its faces (`mesh.size.<key>`)."""

    part: str
    field: str
    value: float
    thickness: float
    size_key: str
    size: float  # mm


def _area(box: Box) -> float:
    return (box.x1 - box.x0) * (box.y1 - box.y0)


def _free(volume: float, h: float, t: float) -> float:
    """Elements of a free part: isotropic at size h, one layer through a part thinner than h."""
    return volume / (h * h * min(h, t))


def _terms(study: Study, layout: PackageLayout) -> dict[str, float]:
    """The counts the cells of the full package grow with (module docstring)."""
    lay, sizes, layers = layout, part_sizes(study, layout), study.mesh.layers
    out = dict.fromkeys(("fixed", "free", "zone", "bumps", "balls"), 0.0)
    carrier = sum(b.volume for b in lay.copper) if lay.copper else lay.carrier.volume
    out["free"] += _free(carrier, sizes["carrier"], lay.carrier.thickness)
    out["free"] += _free(lay.heat_sink.volume, sizes["heat_sink"], lay.heat_sink.thickness)
    h_max = max(v for k, v in sizes.items() if k not in ("board", "board_pads"))
    pitch = min((d.bumps.pitch for d in study.dies if d.bumps is not None), default=0.0)
    swept = lay.gap.volume
    below_name, below = "carrier", lay.carrier
    for d in lay.dies:
        out["free"] += _free(d.box.volume, sizes[d.name], d.box.thickness)
        own = sizes["mold"] if d.bumps is not None else sizes["die_attach"]
        floor = min(own, sizes[d.name], sizes[below_name])
        out["free"] += 2 * _area(d.layer) / floor**2
        if d.bumps is not None:
            swept += d.layer.volume
            h_b = sizes["bumps"]
            grow = (SIDE * d.bumps.diameter / h_b) ** 2
            out["fixed"] += BUMP_CELLS_PER_LAYER * layers.bump_gap * d.bumps.count * max(1, grow)
            out["bumps"] += d.bumps.count
            ratio = max(h_max / h_b, 1 + 1e-9)
            d0, d1 = 0.5 * pitch, pitch + 4 * h_b
            reach = d0 + (d1 - d0) * (1 - ratio**-2) / (2 * (ratio - 1))
            depth = min(reach, d.box.thickness) + min(reach, below.thickness) + d.layer.thickness
            zone = _zone_area(d.bumps, study.dies[d.index - 1].bumps, d.bumps.diameter / 2 + reach)
            out["zone"] += zone * depth / h_b**3
        below_name, below = d.name, d.box
    floor = min(sizes["mold"], sizes["heat_sink"], sizes[lay.dies[-1].name])
    out["free"] += 2 * _area(lay.gap) / floor**2
    mold = max(lay.part_volumes()["mold"] - swept, 0.0)
    out["free"] += _free(mold, sizes["mold"], lay.body.z1 - lay.mold_floor)
    for p in lay.passives:
        h = sizes["passives"]
        out["free"] += sum(_free(b.volume, h, b.thickness) for b in (p.body, *p.terminations))
    if lay.balls is not None:
        grow = (SIDE * lay.balls.diameter / sizes["balls"]) ** 2
        out["balls"] += lay.balls.count * max(1, grow)
    if lay.board is not None:
        _board_terms(out, study, lay.board, sizes)
    return out


def _board_terms(out: dict[str, float], study: Study, board: BoardLayout, sizes: dict) -> None:
    """Add the board's counts to `out`: swept pads, the laminate's zone under the balls at
    the ball size and the rest at `board.element_size` (module docstring)."""
    pads, laminate = board.pads, board.laminate
    h_b, h_far = sizes["board_pads"], sizes["board"]
    grow = (SIDE * pads.diameter / h_b) ** 2
    out["fixed"] += BUMP_CELLS_PER_LAYER * pads.count * max(1, grow)
    ratio = max(h_far / h_b, 1 + 1e-9)
    d0, d1 = 0.5 * study.balls.pitch, study.balls.pitch + 4 * h_b
    reach = d0 + (d1 - d0) * (1 - ratio**-2) / (2 * (ratio - 1))
    area = min(_zone_area(pads, study.balls, pads.diameter / 2 + reach), _area(laminate))
    depth = min(reach, laminate.thickness)
    out["zone"] += area * depth / h_b**3
    out["free"] += _free(laminate.volume - area * depth, h_far, laminate.thickness)


def _zone_area(b: JointArray, spec, grow: float) -> float:
    """Plan area within `grow` mm of the joints of one array (mm^2): the union of discs,
    at most the array's outline (or ring) grown by `grow`."""
    discs = b.count * math.pi * grow * grow
    if spec.pattern not in ("full", "perimeter"):
        return discs
    lx, ly = (float(b.xy[:, k].max() - b.xy[:, k].min()) for k in (0, 1))
    outline = (lx + 2 * grow) * (ly + 2 * grow)
    if spec.pattern == "perimeter":
        ring = (spec.rows - 1) * spec.pitch
        outline -= max(lx - 2 * ring - 2 * grow, 0.0) * max(ly - 2 * ring - 2 * grow, 0.0)
    return min(discs, outline)
