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

from warp.layout import PackageLayout  # noqa: E402

COLOURS = {
    "carrier": "#5b8c3a",
    "copper": "#c27c3a",
    "die": "#6c7a89",
    "bumps": "#b0b0b0",
    "balls": "#b0b0b0",
    "die_attach": "#e0c060",
    "heat_sink": "#d08a4a",
    "mold": "#2d2d2d",
    "passive": "#8a6d5c",
    "wire": "#e8c100",
}


def png(fig) -> str:
    """Render and close a figure; base64 PNG text for an <img> data URI."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def cross_section(layout: PackageLayout, title: str) -> str:
    """The package cut in the x-z plane through the bump row nearest the centre."""
    y_cut = _cut_plane(layout)
    exaggerate = 4.0  # thin layers stay visible: z is drawn 4x
    fig, ax = plt.subplots(figsize=(10, 3.2))

    def box(b, colour, z_scale=exaggerate, **kw):
        if b.y0 <= y_cut <= b.y1:
            ax.add_patch(
                Rectangle(
                    (b.x0, b.z0 * z_scale),
                    b.x1 - b.x0,
                    (b.z1 - b.z0) * z_scale,
                    facecolor=colour,
                    edgecolor="k",
                    lw=0.4,
                    **kw,
                )
            )

    box(layout.body, COLOURS["mold"], alpha=0.35)
    box(layout.carrier, COLOURS["carrier"])
    for b in layout.copper:
        box(b, COLOURS["copper"])
    for die in layout.dies:
        box(die.box, COLOURS["die"])
        if die.attach == "die-attach":
            box(die.layer, COLOURS["die_attach"])
        for w in die.wires:
            if abs(w.start[1] - y_cut) < 0.3 or abs(w.end[1] - y_cut) < 0.3:
                xs = [w.start[0], 0.5 * (w.start[0] + w.end[0]), w.end[0]]
                zs = [w.start[2], w.apex_z, w.end[2]]
                ax.plot(xs, np.array(zs) * exaggerate, color=COLOURS["wire"], lw=0.8)
    box(layout.heat_sink, COLOURS["heat_sink"])
    for p in layout.passives:
        box(p.body, COLOURS["passive"])
        for t in (*p.terminations, *p.joints):
            box(t, COLOURS["bumps"])
    joints = [layout.bumps] + ([layout.balls] if layout.balls is not None else [])
    for j in joints:  # each array's row nearest the cut, drawn through the joint centres
        row = j.xy[:, 1][np.argmin(np.abs(j.xy[:, 1] - y_cut))]
        for x in j.xy[np.isclose(j.xy[:, 1], row), 0]:
            ax.add_patch(_joint_outline(x, j.diameter / 2, j, exaggerate))
    z_lo = layout.balls.z0 if layout.balls is not None else layout.carrier.z0
    ticks = np.arange(np.ceil(z_lo * 2) / 2, layout.body.z1 + 0.01, 0.5)
    ax.set_yticks(ticks * exaggerate, [f"{t + 0.0:g}" for t in ticks])
    ax.set_xlim(layout.body.x0 - 0.3, layout.body.x1 + 0.3)
    ax.set_ylim((z_lo - 0.05) * exaggerate, (layout.body.z1 + 0.05) * exaggerate)
    ax.set_aspect("equal")
    ax.set_xlabel("x (mm)")
    ax.set_ylabel("z (mm)")
    ax.set_title(f"{title}: cross-section at y = {y_cut:.2f} mm (heights drawn x4)", fontsize=10)
    return png(fig)


def _cut_plane(layout: PackageLayout) -> float:
    ys = layout.bumps.xy[:, 1]
    return float(ys[np.argmin(np.abs(ys))])


def _joint_outline(x: float, half: float, joint, scale: float):
    z0, z1 = joint.z0 * scale, joint.z1 * scale
    if joint.shape == "cylinder":
        return Rectangle((x - half, z0), 2 * half, z1 - z0, facecolor=COLOURS["bumps"], lw=0.3)
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


def warpage_curves(series: list[tuple[str, np.ndarray, np.ndarray]], allowance_um) -> str:
    """Warpage (um) against temperature for each run; the JEITA allowance as a band."""
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
    ax.axhline(0.0, color="k", lw=0.5)
    ax.set_xlabel("temperature (degC)")
    ax.set_ylabel("warpage (um), + convex / - concave")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return png(fig)


def surface_maps(ds: xr.Dataset, steps: list[tuple[str, int | None]]) -> str:
    """Contour maps of the package-bottom displacement (um) at the named steps."""
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
        fig.colorbar(cs, ax=ax, shrink=0.85, label="dz (um)")
        temp = float(ds["temperature"].values[step])
        warpage = float(ds["warpage"].values[step])
        ax.set_title(f"{title}, {temp:g} degC: warpage {warpage:+.1f} um", fontsize=9)
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


def life_map(x, y, lives: xr.DataArray, kind: str, pitch_mm: float) -> str:
    """Joint-by-joint life (log colour) for each model with a result; the critical joint
    of each model is ringed."""
    models = [str(m) for m in lives["model"].values if np.isfinite(lives.sel(model=m)).any()]
    fig, axes = plt.subplots(
        1, len(models), figsize=(4.4 * len(models), 4.0), squeeze=False, layout="constrained"
    )
    for ax, model in zip(axes[0], models, strict=True):
        life = lives.sel(model=model).values
        sc = ax.scatter(x, y, c=np.log10(life), cmap="viridis_r", s=14, marker="o")
        j = int(np.nanargmin(life))
        ax.add_patch(Circle((x[j], y[j]), 0.6 * pitch_mm, fill=False, ec="red", lw=2))
        ax.set_title(f"{model}\ncritical {kind} #{j}: {life[j]:.3g} cycles", fontsize=9)
        fig.colorbar(sc, ax=ax, shrink=0.85, label="log10 cycles")
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
    ax.set_ylabel("work density (MPa)")
    ax.set_title("critical bump: inelastic work per cycle", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
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
