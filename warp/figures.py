"""Report figures (matplotlib, headless): each function returns a PNG as base64 text.

Inputs are plain data: results datasets and package layouts. Lengths in mm,
warpage in um, stresses in MPa, lives in cycles.
"""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402
from matplotlib.patches import Circle, Polygon, Rectangle  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from warp.layout import Box, PackageLayout  # noqa: E402

DPI = 110

SOLDER = "#3f6fb5"
COLOURS = {
    "carrier": "#5b8c3a",
    "die": "#6c7a89",
    "bumps": SOLDER,
    "balls": SOLDER,
    "passive_joints": SOLDER,
    "die_attach": "#e0c060",
    "heat_sink": "#d08a4a",
    "mold": "#2d2d2d",
    "passives": "#8a6d5c",
    "terminations": "#c0c0c0",
    "wire": "#e8c100",
    "board": "#a89a52",
    "board_pads": "#b87333",
}
"""Colour of each part (design.part_materials names; every die is "die"). Solder is blue
so that bumps stand out against the mold they sit in."""
MOLD_ALPHA = 0.35  # the mold body is drawn first, light, under the parts it embeds


def png(fig) -> str:
    """Render and close a figure; base64 PNG text for an <img> data URI."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


EXAGGERATE = 4.0
"""Heights are drawn this many times their width scale, so thin layers stay visible."""
MIN_JOINT_PX = 8.0
"""Below this drawn width (PNG pixels) the bumps get a detail panel at the outermost bump."""
BOARD_DRAWN_MM = 0.4
"""Depth of the board drawn under the pads: its full thickness would dwarf the package."""


def cross_section(layout: PackageLayout, title: str, materials: dict[str, str]) -> str:
    """The package cut in the x-z plane through the bump row nearest the centre, coloured
    by part, with a legend naming each part's material (`materials`: part -> material, as
    `design.part_materials` names them)."""
    y_cut = _cut_plane(layout)
    body = layout.body
    z_lo = layout.balls.z0 if layout.balls is not None else layout.carrier.z0
    board = layout.board
    if board is not None:
        z_lo = max(board.laminate.z0, board.pads.z0 - BOARD_DRAWN_MM)
        title += f" on a {board.laminate.thickness:g} mm board (top {board.pads.z1 - z_lo:.2g} mm)"
    x_span, z_span = body.x1 - body.x0 + 0.6, (body.z1 - z_lo + 0.1) * EXAGGERATE
    width_in = 8.5  # the drawing, without the axis labels
    detail = layout.bumps.diameter / x_span * width_in * DPI < MIN_JOINT_PX
    rows = [width_in * z_span / x_span] + ([1.4] if detail else [])
    fig, axes = plt.subplots(
        len(rows), 1, figsize=(10, sum(rows) + 1.9), height_ratios=rows, layout="constrained"
    )
    ax, *rest = np.atleast_1d(axes)
    legend = _draw_section(ax, layout, y_cut, materials)
    ticks = np.arange(np.ceil(z_lo * 2) / 2, body.z1 + 0.01, 0.5)
    ax.set_yticks(ticks * EXAGGERATE, [f"{t + 0.0:g}" for t in ticks])
    ax.set_xlim(body.x0 - 0.3, body.x1 + 0.3)
    ax.set_ylim((z_lo - 0.05) * EXAGGERATE, (body.z1 + 0.05) * EXAGGERATE)
    ax.set_title(
        f"{title}: cross-section at y = {y_cut:.2f} mm (heights drawn x{EXAGGERATE:g})",
        fontsize=10,
    )
    for a in (ax, *rest):
        a.set_aspect("equal")
        a.set_xlabel("x (mm)")
        a.set_ylabel("z (mm)")
    if rest:  # a large body: the bumps at the die edge, up close
        zoom = rest[0]
        _draw_section(zoom, layout, y_cut, materials)
        arrays = [d.bumps for d in layout.dies if d.bumps is not None]
        edge, span = layout.bumps.xy[:, 0].max(), 40 * layout.bumps.diameter
        zoom.set_xlim(edge - 0.7 * span, edge + 0.3 * span)
        z0, z1 = min(a.z0 for a in arrays) - 0.1, max(a.z1 for a in arrays) + 0.2
        zoom.set_ylim(z0 * EXAGGERATE, z1 * EXAGGERATE)
        zoom.set_yticks([])
        zoom.set_title("detail at the outermost bump (same scales)", fontsize=9)
    handles = [Rectangle((0, 0), 1, 1, facecolor=c, edgecolor="k", lw=0.4) for c, _ in legend]
    handles[0].set_alpha(MOLD_ALPHA)  # the mold body is drawn first, see-through
    labels = [f"{m} ({', '.join(p)})" if m else ", ".join(p) for (_, m), p in legend.items()]
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncol=3,
        fontsize=8,
        frameon=False,
        title="material (parts)",
        title_fontsize=8,
    )
    return png(fig)


def _draw_section(ax, layout: PackageLayout, y_cut: float, materials: dict[str, str]) -> dict:
    """Draw every part the plane y = y_cut cuts; returns {(colour, material): [parts]}."""
    legend: dict[tuple[str, str], list[str]] = {}

    def seen(key: str, part: str, label: str) -> str:
        parts = legend.setdefault((COLOURS[key], materials.get(part, "")), [])
        if label not in parts:
            parts.append(label)
        return COLOURS[key]

    def box(b, part, label=None, key=None, **kw):
        if b.y0 <= y_cut <= b.y1:
            colour = seen(key or part, part, label or part.replace("_", " "))
            z0, height = b.z0 * EXAGGERATE, (b.z1 - b.z0) * EXAGGERATE
            ax.add_patch(
                Rectangle((b.x0, z0), b.x1 - b.x0, height, fc=colour, ec="k", lw=0.4, **kw)
            )

    box(layout.body, "mold", alpha=MOLD_ALPHA)
    if not layout.copper:  # a lead frame is its copper; the mold fills between the leads
        box(layout.carrier, "carrier")
    for b in layout.copper:
        box(b, "carrier", "lead frame")
    for die in layout.dies:
        box(die.box, die.name, key="die")
        if die.attach == "die-attach":
            box(die.layer, "die_attach")
        for w in die.wires:
            if abs(w.start[1] - y_cut) < 0.3 or abs(w.end[1] - y_cut) < 0.3:
                xs = [w.start[0], 0.5 * (w.start[0] + w.end[0]), w.end[0]]
                zs = [w.start[2], w.apex_z, w.end[2]]
                seen("wire", "wire", "bond wires, geometry only")
                ax.plot(xs, np.array(zs) * EXAGGERATE, color=COLOURS["wire"], lw=0.8)
    box(layout.heat_sink, "heat_sink", "heat sink")
    for p in layout.passives:
        box(p.body, "passives")
        for t in p.terminations:
            box(t, "terminations")
        for j in p.joints:
            box(j, "passive_joints", "passive joints")
    if layout.board is not None:
        box(layout.board.laminate, "board")
        pads = layout.board.pads
        row = pads.xy[:, 1][np.argmin(np.abs(pads.xy[:, 1] - y_cut))]
        r = pads.diameter / 2
        for x in pads.xy[np.isclose(pads.xy[:, 1], row), 0]:  # drawn in the cut, as balls are
            box(Box(x - r, y_cut, pads.z0, x + r, y_cut, pads.z1), "board_pads", "board pads")
    joints = [("bumps", d.bumps) for d in layout.dies if d.bumps is not None]
    joints += [("balls", layout.balls)] if layout.balls is not None else []
    for part, j in joints:  # each array's row nearest the cut, drawn through the joint centres
        row = j.xy[:, 1][np.argmin(np.abs(j.xy[:, 1] - y_cut))]
        seen(part, part, part)
        for x in j.xy[np.isclose(j.xy[:, 1], row), 0]:
            ax.add_patch(_joint_outline(x, j.diameter / 2, j, EXAGGERATE))
    return legend


def _cut_plane(layout: PackageLayout) -> float:
    ys = layout.bumps.xy[:, 1]
    return float(ys[np.argmin(np.abs(ys))])


def _joint_outline(x: float, half: float, joint, scale: float):
    z0, z1 = joint.z0 * scale, joint.z1 * scale
    if joint.shape == "cylinder":
        return Rectangle(
            (x - half, z0), 2 * half, z1 - z0, facecolor=COLOURS["bumps"], edgecolor="k", lw=0.3
        )
    pad = joint.pad_diameter / 2 * half / (joint.diameter / 2)
    zm = 0.5 * (z0 + z1)
    pts = [
        (x - pad, z0),
        (x - half, zm),
        (x - pad, z1),
        (x + pad, z1),
        (x + half, zm),
        (x + pad, z0),
    ]
    return Polygon(pts, closed=True, facecolor=COLOURS["balls"], edgecolor="k", lw=0.3)


def warpage_curves(
    series: list[tuple[str, np.ndarray, np.ndarray]], allowance_um, measured=None
) -> str:
    """Warpage (um) against temperature for each run; the JEITA allowance as a band; a
    measured curve (label, temperatures, warpage) as black crosses when given."""
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    if allowance_um is not None:
        ax.axhspan(-allowance_um, allowance_um, color="tab:green", alpha=0.08)
        for sign in (-1, 1):
            ax.axhline(sign * allowance_um, color="tab:green", lw=0.8, ls="--")
        ax.text(
            0.01,
            0.97,
            f"JEITA ED-7306 allowance +/-{allowance_um:g} um",
            transform=ax.transAxes,
            va="top",
            color="tab:green",
            fontsize=8,
        )
    for name, temps, warpage in series:
        ax.plot(temps, warpage, marker="o", ms=3, label=name)
    if measured is not None:
        label, temps, warpage = measured
        ax.plot(temps, warpage, "kx--", ms=6, lw=0.8, label=label)
    ax.axhline(0.0, color="k", lw=0.5)
    ax.set_xlabel("temperature (degC)")
    ax.set_ylabel("warpage (um), + convex / - concave")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return png(fig)


BOTTOM_VIEW = "package bottom (carrier side), seen from above through the package"
"""How the surface maps are drawn: x right, y up, as in the layout; dz + is up."""


def surface_maps(ds: xr.Dataset, steps: list[tuple[str, int | None]]) -> str:
    """Contour maps of the package-bottom displacement (um) at the named steps, each titled
    with its step, its temperature and the side it is seen from (`BOTTOM_VIEW`)."""
    fig, axes = plt.subplots(
        1, len(steps), figsize=(4.8 * len(steps), 4.0), squeeze=False, layout="constrained"
    )
    x, y = ds["x"].values, ds["y"].values
    for ax, (title, step) in zip(axes[0], steps, strict=True):
        if step is None:
            ax.text(0.5, 0.5, f"{title}:\nnot in this run", ha="center", va="center")
            ax.set_axis_off()
            continue
        dz = ds["surface_dz"].values[step].T  # (y, x)
        cs = ax.contourf(x, y, dz, levels=20, cmap="coolwarm")
        ax.contour(x, y, dz, levels=10, colors="k", linewidths=0.3)
        fig.colorbar(cs, ax=ax, shrink=0.85, label="dz (um), + up (heat-sink side)")
        temp = float(ds["temperature"].values[step])
        warpage = float(ds["warpage"].values[step])
        ax.set_title(
            f"{title}, {temp:g} degC: warpage {warpage:+.1f} um\n{BOTTOM_VIEW}", fontsize=9
        )
        ax.set_aspect("equal")
        ax.set_xlabel("x (mm)")
        ax.set_ylabel("y (mm)")
    return png(fig)


def interface_stresses(table: dict[str, xr.Dataset]) -> str:
    """Largest peel and shear traction (MPa) over the history on each interface, per run."""
    interfaces = sorted({str(i) for ds in table.values() for i in ds["interface"].values})
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.35 * len(interfaces) + 1.6), sharey=True)
    height = 0.8 / max(len(table), 1)
    pos = np.arange(len(interfaces))
    for k, (name, ds) in enumerate(table.items()):
        for ax, var in zip(axes, ("peel_stress_max", "shear_stress_max"), strict=True):
            peak = ds[var].max("step")
            values = [
                float(peak.sel(interface=i)) if i in ds["interface"].values else np.nan
                for i in interfaces
            ]
            ax.barh(pos + k * height, values, height, label=name)
    for ax, title in zip(
        axes, ("peak peel (tensile normal) stress", "peak shear stress"), strict=True
    ):
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("MPa")
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(pos + 0.4 - height / 2, interfaces, fontsize=8)
    axes[0].invert_yaxis()
    axes[1].legend(fontsize=8)
    return png(fig)


def life_map(x, y, lives: xr.DataArray, kind: str, pitch_mm: float, flags: dict, board=None) -> str:
    """Joint-by-joint life (log colour) for each model with a result; the critical joint
    of each model is ringed; `flags[model]` is a caveat line shown in red under its title.
    `board` (laminate, package body), when given, outlines the package in each panel and
    adds a last panel with the package and its critical joints on the board."""
    models = [str(m) for m in lives["model"].values if np.isfinite(lives.sel(model=m)).any()]
    widths = [4.4] * len(models) + ([3.2] if board else [])
    fig, axes = plt.subplots(
        1,
        len(widths),
        figsize=(sum(widths), 4.0),
        squeeze=False,
        width_ratios=widths,
        layout="constrained",
    )
    if board:
        critical = [int(np.nanargmin(lives.sel(model=m).values)) for m in models]
        _on_board(axes[0][-1], *board, x[critical], y[critical])
    for ax, model in zip(axes[0], models, strict=False):
        life = lives.sel(model=model).values
        sc = ax.scatter(x, y, c=np.log10(life), cmap="viridis_r", s=14, marker="o")
        j = int(np.nanargmin(life))
        ax.add_patch(Circle((x[j], y[j]), 0.6 * pitch_mm, fill=False, ec="red", lw=2))
        flag = flags.get(model, "")
        title = f"{model}\ncritical {kind} #{j}: {life[j]:.3g} cycles"
        ax.set_title(title, fontsize=9, pad=14 if flag else 6)
        ax.text(
            0.5,
            1.01,
            flag,
            transform=ax.transAxes,
            ha="center",
            va="bottom",
            color="#a33",
            fontsize=7,
        )
        fig.colorbar(sc, ax=ax, shrink=0.85, label="log10 cycles")
        _outline(ax, board[1] if board else None)
        ax.set_aspect("equal")
        ax.set_xlabel("x (mm)")
        ax.set_ylabel("y (mm)")
    return png(fig)


def _outline(ax, package: Box | None) -> None:
    """The package body's outline, dashed."""
    if package is not None:
        size = (package.x1 - package.x0, package.y1 - package.y0)
        ax.add_patch(Rectangle((package.x0, package.y0), *size, fill=False, ls="--", lw=0.8))


def _on_board(ax, laminate: Box, package: Box, x, y) -> None:
    """The board with the package on it and the critical joints (red), to scale."""
    for b, colour in ((laminate, COLOURS["board"]), (package, COLOURS["mold"])):
        ax.add_patch(Rectangle((b.x0, b.y0), b.x1 - b.x0, b.y1 - b.y0, fc=colour, ec="k", lw=0.6))
    ax.plot(x, y, "r.", ms=4)
    ax.set_xlim(laminate.x0, laminate.x1)
    ax.set_ylim(laminate.y0, laminate.y1)
    w, h = laminate.x1 - laminate.x0, laminate.y1 - laminate.y0
    ax.set_title(f"on the {w:g} x {h:g} mm board\n(critical joints red)", fontsize=9)
    ax.set_aspect("equal")
    ax.set_xlabel("x (mm)")


def gap_map(x, y, gap_um, worst: int, pitch_mm: float, title: str, package=None) -> str:
    """The reflow gap (um) at each ball at one step, the worst ball ringed, inside the
    package outline (`package`, a Box) when given."""
    fig, ax = plt.subplots(figsize=(5.2, 4.4), layout="constrained")
    sc = ax.scatter(x, y, c=gap_um, cmap="magma_r", s=18, marker="o")
    ax.add_patch(Circle((x[worst], y[worst]), 0.6 * pitch_mm, fill=False, ec="red", lw=2))
    fig.colorbar(sc, ax=ax, shrink=0.85, label="package-to-board gap (um)")
    _outline(ax, package)
    ax.set_title(title, fontsize=9)
    ax.set_aspect("equal")
    ax.set_xlabel("x (mm)")
    ax.set_ylabel("y (mm)")
    return png(fig)


def work_per_cycle(table: dict[str, np.ndarray]) -> str:
    """Work density of the critical bump in each cycle: the loop settling."""
    fig, ax = plt.subplots(figsize=(6, 3.2))
    for name, w in table.items():
        ax.plot(np.arange(1, len(w) + 1), w, marker="o", label=name)
    ax.set_xlabel("cycle")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("work density (MPa)")
    ax.set_title("critical bump: inelastic work per cycle", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return png(fig)


def warpage_over_cycles(series: list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]) -> str:
    """Warpage (um) through the thermal cycles of each run: (name, cycle position, warpage,
    temperature degC) per run, the position counting cycles from the start of cycling."""
    fig, (ax, temp) = plt.subplots(
        2, 1, figsize=(7.5, 4.8), sharex=True, height_ratios=[3, 1], layout="constrained"
    )
    for name, position, warpage, temperature in series:
        ax.plot(position, warpage, marker="o", ms=2.5, label=name)
        temp.plot(position, temperature, lw=0.8)
    ax.axhline(0.0, color="k", lw=0.5)
    ax.set_ylabel("warpage (um)")
    ax.set_title("warpage over the thermal cycles", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    temp.set_ylabel("degC")
    temp.set_xlabel("cycle (cycle n ends at n)")
    temp.xaxis.set_major_locator(MaxNLocator(integer=True))
    temp.grid(alpha=0.3)
    return png(fig)


def trends(x_name: str, table: dict[str, list[tuple[str, float, float]]]) -> str:
    """Each metric (panel) against a swept setting, one line per group of other settings."""
    fig, axes = plt.subplots(
        1, len(table), figsize=(4.6 * len(table), 3.6), squeeze=False, layout="constrained"
    )
    for ax, (metric, points) in zip(axes[0], table.items(), strict=True):
        for group in dict.fromkeys(g for g, _, _ in points):
            xy = sorted((x, y) for g, x, y in points if g == group)
            ax.plot(*zip(*xy, strict=True), marker="o", label=group)
        ax.set_xlabel(x_name)
        ax.set_title(metric, fontsize=9)
        ax.grid(alpha=0.3)
    axes[0][-1].legend(fontsize=7)
    return png(fig)
