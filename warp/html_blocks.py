"""HTML building blocks of the reports: the style sheet, escaping, images, tables, the
ball blocks: reflow gap, critical ball, the board a ball life map is drawn on, and the
thermal metrics with their set-ups (pure)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from warp import fatigue, figures, jesd51, mismatch, results
from warp.geometry import build_layout
from warp.layout import Box
from warp.study import Study

if TYPE_CHECKING:
    from warp.report import Run

CSS = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222}
h1{font-size:1.5em} h2{border-bottom:2px solid #ccc;margin-top:2em}
table{border-collapse:collapse;margin:0.8em 0} td,th{border:1px solid #ccc;padding:3px 8px;
text-align:right;font-size:0.9em} th{background:#f2f2f2} td:first-child{text-align:left}
td{vertical-align:top}
img{max-width:100%;display:block;margin:0.5em 0} .meta{color:#777} .missing{color:#a33}
pre{background:#f6f6f6;padding:0.6em;font-size:0.8em;overflow:auto;max-height:30em}
.note{color:#555;font-size:0.9em} .caveat{color:#a50;font-weight:600}
"""


def escape(text) -> str:
    """Any value as escaped HTML text."""
    return html.escape(str(text))


def image(b64: str, alt: str) -> str:
    """An embedded PNG (base64)."""
    return f"<img alt='{escape(alt)}' src='data:image/png;base64,{b64}'>"


def section(title: str, body: str) -> str:
    return f"<h2>{escape(title)}</h2>{body}"


def table(header: list[str], rows: list[list]) -> str:
    """A table of escaped cells."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def number(value, spec: str = ".4g") -> str:
    """A number formatted, or "-" where it is missing or not finite."""
    return "-" if value is None or not np.isfinite(value) else format(value, spec)


def board_outline(study: Study) -> tuple[Box, Box] | None:
    """The board laminate and the package body a ball life map is drawn on (None: no
    board)."""
    layout = build_layout(study)
    return None if layout.board is None else (layout.board.laminate, layout.body)


def reflow_gaps(runs: list[Run]) -> str:
    """The worst reflow gap of each run in words, and the gap over its balls at that step
    (`warp.mismatch`)."""
    parts = []
    for name, ds, study in ((r.name, r.ds, r.study) for r in runs):
        text, worst = mismatch.describe(ds), mismatch.worst_gap(ds)
        parts.append(f"<p>{escape(name)}: {escape(text)}</p>" if text else "")
        if worst is not None:
            title = f"{name}: reflow gap at {worst.temperature_degC:g} degC (step {worst.step})"
            x, y, gap = ds["ball_x"].values, ds["ball_y"].values, ds["reflow_gap"].values
            body, pitch = build_layout(study).body, study.balls.pitch
            figure = figures.gap_map(x, y, gap[worst.step], worst.ball, pitch, title, body)
            parts.append(image(figure, f"reflow gap over the balls of {name}"))
    if not any(parts):
        return "<p class='missing'>No run has balls through a reflow.</p>"
    note = f"<p class='note'>Package-to-board gap at each ball: {escape(mismatch.RISK)}.</p>"
    return note + "".join(parts)


def critical_ball(name: str, ds: xr.Dataset) -> str:
    """The shortest-lived ball of a run with its distance to the neutral point, or why the
    run reports no ball fatigue ("" without ball lives)."""
    if "ball_fatigue_life" not in ds:
        return ""
    reason = ds["ball_fatigue_life"].attrs.get("ball_fatigue_reason")
    if reason:
        why = f"{name}: ball fatigue not reported: {reason}."
        return f"<p class='missing'>{escape(why)}</p>"
    c = fatigue.critical_joint(ds, "ball")
    if c is None:
        return ""
    text = (
        f"{name}: critical ball #{c.index} at ({c.x_mm:+.3f}, {c.y_mm:+.3f}) mm, "
        f"{c.dnp_mm:.3f} mm from the neutral point (package centre): {c.life:.3g} test "
        f"cycles by {c.model}."
    )
    return f"<p>{escape(text)}</p>"


def thermal_metrics(runs: list[Run]) -> str:
    """Tj, the hottest die and the thermal resistances of each run, then what each
    resistance's set-up is (its `environment` attribute, caveats included)."""
    shown = [r for r in runs if "junction_temperature" in r.ds]
    if not shown:
        return "<p class='missing'>No run computed thermal physics.</p>"
    names = [n for n in jesd51.NAMES if any(n in r.ds for r in shown)]
    rows = []
    for r in shown:
        powered = results.powered_steps(r.ds)
        tj = r.ds["junction_temperature"].values[powered].max() if powered.any() else None
        hottest = results.hottest_die(r.ds)
        die = f"{hottest[0]} ({hottest[1]:.1f} degC)" if hottest else "-"
        rows.append(
            [r.name, number(tj, ".1f"), f"{r.ds.attrs.get('power_W', '-')}", die]
            + [number(float(r.ds[n]) if n in r.ds else None, ".3g") for n in names]
        )
    header = ["run", "Tj powered (degC)", "power (W)", "hottest die (power-on)"]
    header += [f"{n} (K/W)" for n in names]
    first = shown[0].ds
    setups = [
        f"<li><b>{n}</b>: {escape(first[n].attrs.get('environment', ''))}"
        + "".join(
            f" <span class='caveat'>{escape(v)}</span>"
            for k, v in first[n].attrs.items()
            if k.startswith("caveat_")
        )
        + "</li>"
        for n in names
        if n in first
    ]
    note = f"<p class='note'>Set-ups ({escape(shown[0].name)}):</p><ul class='note'>"
    return table(header, rows) + note + "".join(setups) + "</ul>"
