"""HTML building blocks of the reports: the style sheet, escaping, images, tables (pure)."""

from __future__ import annotations

import html

import numpy as np

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
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def number(value, spec: str = ".4g") -> str:
    """A number formatted, or "-" where it is missing or not finite."""
    return "-" if value is None or not np.isfinite(value) else format(value, spec)
