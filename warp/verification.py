"""The verification table of `warp verify` (pure): its row, its files and its HTML report.

Each check of the verification set (closed forms, convergence rates, published
benchmarks, CalculiX cross-checks; the FE side is in warp/fem/) yields `Row`s:
a quantity with its target, the result, and the relative tolerance the source
(or a measured convergence rate) allows. Here they become verification.csv,
verification.json and a self-contained verification.html with the installation's
versions, and the exit status: 1 when any row fails. Not collective: rank 0 only.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from warp import atomic

COLUMNS = (
    "case",
    "source",
    "quantity",
    "target",
    "result",
    "relative_error",
    "tolerance",
    "pass",
)
"""Columns of verification.csv, in order; `pass` is yes, no or skipped."""


@dataclass(frozen=True)
class Row:
    """One verified quantity: `target` from the source, `result` from warp (same units,
    named in `quantity`), `tolerance` relative. `error` is the relative error where it is not
    |result - target| / |target| (a field compared node by node, whose target and result
    are then its largest values). A skipped check has no result and says why in `note`;
    `series` holds (element size mm, relative error) points of a convergence row."""

    case: str
    source: str
    quantity: str
    target: float
    result: float
    tolerance: float
    note: str = ""
    skipped: bool = False
    error: float | None = None
    series: tuple[tuple[float, float], ...] = field(default=())

    @property
    def relative_error(self) -> float:
        if self.skipped:
            return math.nan
        if self.error is not None:
            return self.error
        if self.target == 0:
            return abs(self.result)
        return abs(self.result - self.target) / abs(self.target)

    @property
    def passed(self) -> bool:
        """Within tolerance (a NaN result never is); a skipped row neither passes nor fails."""
        return not self.skipped and self.relative_error <= self.tolerance

    @property
    def verdict(self) -> str:
        return "skipped" if self.skipped else "yes" if self.passed else "no"


def skipped(case: str, source: str, quantity: str, note: str) -> Row:
    """A check that could not run here (e.g. no `ccx` on the PATH), with the reason."""
    return Row(case, source, quantity, math.nan, math.nan, math.nan, note, skipped=True)


def failed(case: str, source: str, error: Exception) -> Row:
    """A check that raised instead of answering: a failing row naming the error."""
    return Row(case, source, "(did not run)", math.nan, math.nan, 0.0, f"error: {error}")


def exit_code(rows: list[Row]) -> int:
    """0 when every row that ran passed and at least one ran, else 1."""
    ran = [r for r in rows if not r.skipped]
    return 0 if ran and all(r.passed for r in ran) else 1


@dataclass(frozen=True)
class Environment:
    """What the table was produced with: versions (name -> version text), the set run
    (quick or full) and its wall time in s."""

    versions: dict[str, str]
    subset: str
    seconds: float
    when: str = field(default_factory=lambda: dt.datetime.now().isoformat(timespec="seconds"))


def _cells(row: Row) -> list[str]:
    def num(x: float) -> str:
        return "" if math.isnan(x) else f"{x:.6g}"

    return [
        row.case,
        row.source,
        row.quantity,
        num(row.target),
        num(row.result),
        num(row.relative_error),
        num(row.tolerance),
        row.verdict,
    ]


def to_csv(rows: list[Row]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(_cells(r) for r in rows)
    return buf.getvalue()


def to_json(rows: list[Row], env: Environment) -> str:
    def record(row: Row) -> dict:
        out = asdict(row)
        out.update(relative_error=row.relative_error, verdict=row.verdict)
        out["series"] = [list(p) for p in row.series]
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in out.items()}

    return json.dumps({**asdict(env), "rows": [record(r) for r in rows]}, indent=2) + "\n"


def write(rows: list[Row], env: Environment, out_dir: Path) -> list[Path]:
    """Write verification.csv, .json and .html into `out_dir` (each by write-then-rename)."""
    out_dir = Path(out_dir)
    products = {
        "verification.csv": to_csv(rows),
        "verification.json": to_json(rows, env),
        "verification.html": to_html(rows, env),
    }
    for name, text in products.items():
        atomic.write_text(out_dir / name, text)
    return [out_dir / name for name in products]


# ------------------------------------------------------------------ HTML

_STYLE = """
body { font-family: sans-serif; margin: 2em; max-width: 1150px; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.yes td.verdict { background: #d6f5d6; }
tr.no td.verdict { background: #f7c6c6; font-weight: bold; }
tr.skipped td.verdict { background: #eeeeee; color: #666; }
.summary { font-size: 1.2em; margin: 0.5em 0 1em 0; }
.note { color: #555; font-size: 0.85em; }
"""


def _convergence_png(rows: list[Row]) -> str | None:
    """Log-log plot of relative error against element size for rows with a series."""
    with_series = [r for r in rows if r.series]
    if not with_series:
        return None
    import matplotlib.pyplot as plt

    from warp.figures import png

    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    for row in with_series:
        h, err = zip(*row.series, strict=True)
        ax.loglog(h, err, "o-", label=f"{row.case}: order {row.result:.2f}")
        ref = [err[-1] * (x / h[-1]) ** row.target for x in h]
        ax.loglog(h, ref, ":", color="grey", lw=0.8)
    ax.set_xlabel("element size (mm)")
    ax.set_ylabel("relative error")
    ax.set_title("Observed convergence (dotted: expected order)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return png(fig)


def to_html(rows: list[Row], env: Environment) -> str:
    """The report: summary, versions, the convergence plot and the pass/fail table."""
    e = html.escape
    ran = [r for r in rows if not r.skipped]
    n_pass = sum(r.passed for r in ran)
    verdict = "PASSED" if exit_code(rows) == 0 else "FAILED"
    head = ["case", "source", "quantity", "target", "result", "rel. error", "tolerance", "pass"]
    lines = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>warp verification: {verdict}</title><style>{_STYLE}</style></head><body>",
        f"<h1>warp verification: {verdict}</h1>",
        f"<p class='summary'>{n_pass} of {len(ran)} checks pass"
        f"{f', {len(rows) - len(ran)} skipped' if len(rows) > len(ran) else ''}"
        f" ({e(env.subset)} set, {env.seconds:.0f} s, {e(env.when)}).</p>",
        "<table><tr><th>software</th><th>version</th></tr>",
        *(f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in env.versions.items()),
        "</table>",
    ]
    figure = _convergence_png(rows)
    if figure is not None:
        lines += [
            "<h2>Convergence</h2>",
            f"<img alt='convergence plot' src='data:image/png;base64,{figure}'>",
        ]
    lines.append("<h2>Checks</h2><table><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>")
    for row in rows:
        cells = _cells(row)
        tds = [f"<td>{e(c)}</td>" for c in cells[:3]]
        tds += [f"<td class='num'>{e(c)}</td>" for c in cells[3:7]]
        tds.append(f"<td class='verdict'>{e(cells[7])}</td>")
        lines.append(f"<tr class='{row.verdict}'>{''.join(tds)}</tr>")
        if row.note:
            lines.append(f"<tr><td></td><td colspan='7' class='note'>{e(row.note)}</td></tr>")
    lines.append("</table>")
    lines.append(
        "<p class='note'>Relative error = |result - target| / |target|; a check passes when it "
        "is at most the tolerance. Targets, sources and tolerances are stated with each case "
        "in warp/fem/closed_forms.py and warp/fem/benchmarks.py.</p></body></html>"
    )
    return "\n".join(lines) + "\n"
