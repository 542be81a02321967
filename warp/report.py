"""`warp report`: one self-contained HTML file that compares runs, figures embedded.

Each run is a results.nc (or the folder holding it). Fatigue lives are computed
from the cycling data when a run lacks them; physics a run lacks is named in
the report, never filled in.
"""

from __future__ import annotations

import datetime as dt
import html
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import xarray as xr

from warp import __version__, atomic, fatigue, figures, results
from warp.errors import InputError
from warp.geometry import build_layout
from warp.study import Study
from warp.study_file import validate_study

JEITA_ALLOWANCE_UM = {0.4: 100, 0.5: 110, 0.65: 140, 0.8: 170, 1.0: 220, 1.27: 250}
"""JEITA ED-7306 (2007) Table 1: largest warpage at elevated temperature by ball pitch (mm)
(reference-data-gaps.md section 6, two secondary copies agree; V2)."""


@dataclass(frozen=True)
class Run:
    """One results dataset with the study that produced it."""

    name: str
    path: Path
    ds: xr.Dataset
    study: Study
    settings: dict = field(default_factory=dict)  # swept settings, for a case of a sweep


def load_runs(paths: list[Path]) -> list[Run]:
    """Read and check each results file (or folder with results.nc); InputError names a bad one."""
    runs = []
    for path in paths:
        path = Path(path)
        file = _results_file(path)
        ds = results.read(file)
        if "sweep_dims" in ds.attrs:
            for settings, case in results.split_sweep(ds):
                name = ", ".join(f"{k}={v}" for k, v in settings.items())
                runs.append(replace(_run(name, file, case), settings=settings))
        else:
            runs.append(_run(None, file, ds))
    names = [r.name for r in runs]
    return [
        Run(f"{r.name} [{r.ds.attrs['study_id'][:6]}]", r.path, r.ds, r.study)
        if names.count(r.name) > 1
        else r
        for r in runs
    ]


def _results_file(path: Path) -> Path:
    if not path.is_dir():
        return path
    for name in ("results.nc", "sweep.nc"):
        if (path / name).exists():
            return path / name
    return path / "results.nc"  # read() names it as missing


def _run(name: str | None, file: Path, ds: xr.Dataset) -> Run:
    try:
        study = validate_study(tomllib.loads(ds.attrs["study"]), source=f"{file} (study)")
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{file}: the embedded study is not TOML ({exc})") from None
    if "fatigue_life" not in ds and "bump_work_density" in ds:
        ds = ds.merge(fatigue.assess(ds, study))
    return Run(name or study.study.name, file, ds, study)


def jeita_allowance(study: Study) -> float | None:
    """Warpage allowance (um) for the ball pitch: the entry at or below it; None without balls."""
    if not study.balls.enabled:
        return None
    fits = [a for p, a in JEITA_ALLOWANCE_UM.items() if p <= study.balls.pitch + 1e-9]
    return float(fits[-1]) if fits else float(min(JEITA_ALLOWANCE_UM.values()))


def missing_physics(ds: xr.Dataset) -> list[str]:
    """What a run did not compute, in words."""
    missing = []
    if "warpage" not in ds:
        missing.append("mechanics (warpage, joint strains, interface stresses)")
    elif "reflow" not in set(ds["phase"].values):
        missing.append("reflow (no peak-reflow warpage)")
    if "junction_temperature" not in ds:
        missing.append("thermal (junction temperature, thermal resistances)")
    if "bump_work_density" not in ds:
        missing.append("thermal cycling with time-dependent materials (no fatigue life)")
    return missing


def write(runs: list[Run], out: Path) -> None:
    """Write the report by write-then-rename (warp.atomic), readable as the umask allows."""
    atomic.write_text(out, build(runs))


def build(runs: list[Run]) -> str:
    """The whole report as one HTML string."""
    sections = [
        _overview(runs),
        _section("Packages", _cross_sections(runs)),
        _section("Warpage against temperature", _warpage(runs)),
        _section("Package bottom at 25 degC and at peak reflow", _maps(runs)),
        _section("Interface stresses (delamination risk)", _interfaces(runs)),
        _section("Solder fatigue", _fatigue(runs)),
        _section("Thermal", _thermal(runs)),
        _section("Provenance", _provenance(runs)),
    ]
    title = "warp report: " + (
        ", ".join(r.name for r in runs) if len(runs) <= 3 else f"{len(runs)} runs"
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1><p class='meta'>warp {__version__}, "
        f"{dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}</p>"
        + "".join(sections)
        + "</body></html>\n"
    )


CSS = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222}
h1{font-size:1.5em} h2{border-bottom:2px solid #ccc;margin-top:2em}
table{border-collapse:collapse;margin:0.8em 0} td,th{border:1px solid #ccc;padding:3px 8px;
text-align:right;font-size:0.9em} th{background:#f2f2f2} td:first-child{text-align:left}
td{vertical-align:top}
img{max-width:100%;display:block;margin:0.5em 0} .meta{color:#777} .missing{color:#a33}
pre{background:#f6f6f6;padding:0.6em;font-size:0.8em;overflow:auto;max-height:30em}
.note{color:#555;font-size:0.9em}
"""


def _e(text) -> str:
    return html.escape(str(text))


def _img(b64: str, alt: str) -> str:
    return f"<img alt='{_e(alt)}' src='data:image/png;base64,{b64}'>"


def _section(title: str, body: str) -> str:
    return f"<h2>{_e(title)}</h2>{body}"


def _table(header: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _fmt(value, spec: str = ".4g") -> str:
    return "-" if value is None or not np.isfinite(value) else format(value, spec)


def _room_step(ds: xr.Dataset) -> int | None:
    return results.step_where(ds, "mold-cooldown", "T_room")


def _peak_step(ds: xr.Dataset) -> int | None:
    reflow = np.flatnonzero(ds["phase"].values == "reflow")
    if len(reflow) == 0:
        return None
    return int(reflow[np.argmax(ds["temperature"].values[reflow])])


def _warpage_at(ds: xr.Dataset, step: int | None) -> float | None:
    return None if step is None or "warpage" not in ds else float(ds["warpage"].values[step])


def metrics(r: Run) -> dict[str, float | None]:
    """The headline numbers of a run, by label with units."""
    ds = r.ds
    return {
        "warpage 25 degC (um)": _warpage_at(ds, _room_step(ds)),
        "warpage peak reflow (um)": _warpage_at(ds, _peak_step(ds)),
        "Tj powered (degC)": _powered_tj(ds),
        "theta_jc (K/W)": float(ds["theta_jc"]) if "theta_jc" in ds else None,
        "shortest bump life (cycles, any model)": _critical_life(ds, "fatigue_life"),
    }


def _overview(runs: list[Run]) -> str:
    rows, notes = [], []
    for r in runs:
        values = metrics(r)
        rows.append(
            [r.name, r.study.variant, _fmt(jeita_allowance(r.study), "g")]
            + [_fmt(v, ".4g") for v in values.values()]
        )
        for item in missing_physics(r.ds):
            notes.append(f"<li><b>{_e(r.name)}</b>: not computed: {_e(item)}</li>")
    header = ["run", "variant", "JEITA allowance (um)", *metrics(runs[0])]
    missing = f"<ul class='missing'>{''.join(notes)}</ul>" if notes else ""
    return _section("Overview", _table(header, rows) + _trends(runs) + missing)


def _trends(runs: list[Run]) -> str:
    """For sweep cases: each headline number against the first numeric swept setting,
    one line per combination of the others."""
    cases = [r for r in runs if r.settings]
    keys = list(cases[0].settings) if cases else []
    numeric = [
        k
        for k in keys
        if all(isinstance(r.settings.get(k), int | float) for r in cases)
        and len({r.settings[k] for r in cases}) > 1
    ]
    if not numeric:
        return ""
    x_key = numeric[0]
    table = {name: [] for name in metrics(cases[0])}
    for r in cases:
        group = ", ".join(f"{k}={v}" for k, v in r.settings.items() if k != x_key) or x_key
        for name, value in metrics(r).items():
            if value is not None:
                table[name].append((group, r.settings[x_key], value))
    table = {k: v for k, v in table.items() if v}
    if not table:
        return ""
    return _img(figures.trends(x_key, table), "sweep trends")


def _powered_tj(ds: xr.Dataset) -> float | None:
    """Highest junction temperature with the die powered (None: no power in the run)."""
    if "junction_temperature" not in ds or not results.powered_steps(ds).any():
        return None
    return float(ds["junction_temperature"].values[results.powered_steps(ds)].max())


def _critical_life(ds: xr.Dataset, name: str) -> float | None:
    if name not in ds or not np.isfinite(ds[name].values).any():
        return None
    return float(np.nanmin(ds[name].values))


MAX_DETAILED = 12
"""Runs that get their own figures (cross-section, maps, life maps); a sweep's other
runs appear in the tables and the overlaid curves."""


def _detailed(runs: list[Run]) -> tuple[list[Run], str]:
    if len(runs) <= MAX_DETAILED:
        return runs, ""
    note = (
        f"<p class='note'>Figures for the first {MAX_DETAILED} of {len(runs)} runs; "
        "all runs are in the tables.</p>"
    )
    return runs[:MAX_DETAILED], note


def _cross_sections(runs: list[Run]) -> str:
    shown, note = _detailed(runs)
    return note + "".join(
        _img(figures.cross_section(build_layout(r.study), r.name), f"cross-section of {r.name}")
        for r in shown
    )


def _warpage(runs: list[Run]) -> str:
    series = []
    for r in runs:
        ds = r.ds
        if "warpage" not in ds:
            continue
        phase = ds["phase"].values
        chosen = (
            "reflow" if "reflow" in set(phase) else "cycling" if "cycling" in set(phase) else None
        )
        steps = np.flatnonzero(phase == chosen) if chosen else np.arange(ds.sizes["step"])
        room = _room_step(ds)
        if chosen == "reflow" and room is not None:
            steps = np.concatenate([[room], steps])
        series.append(
            (
                f"{r.name} ({chosen or 'all steps'})",
                ds["temperature"].values[steps],
                ds["warpage"].values[steps],
            )
        )
    if not series:
        return "<p class='missing'>No run computed mechanics.</p>"
    allowances = {jeita_allowance(r.study) for r in runs} - {None}
    allowance = min(allowances) if allowances else None
    note = (
        f"<p class='note'>Band: JEITA ED-7306 allowance for the tightest ball pitch "
        f"among the runs ({allowance:g} um).</p>"
        if allowance
        else "<p class='note'>No BGA balls: no JEITA allowance applies.</p>"
    )
    return _img(figures.warpage_curves(series, allowance), "warpage against temperature") + note


def _maps(runs: list[Run]) -> str:
    shown, note = _detailed(runs)
    parts = [note]
    for r in shown:
        if "surface_dz" not in r.ds:
            continue
        steps = [("25 degC", _room_step(r.ds)), ("peak reflow", _peak_step(r.ds))]
        parts.append(f"<h3>{_e(r.name)}</h3>" + _img(figures.surface_maps(r.ds, steps), "maps"))
    if len(parts) == 1:
        return "<p class='missing'>No run computed mechanics.</p>"
    return "".join(parts)


def _interfaces(runs: list[Run]) -> str:
    table = {r.name: r.ds for r in runs if "peel_stress_max" in r.ds}
    if not table:
        return "<p class='missing'>No run computed interface stresses.</p>"
    return _img(figures.interface_stresses(table), "interface stresses") + (
        "<p class='note'>Peak over the load history. Free-edge corners are singular: "
        "compare designs meshed alike, not absolute values.</p>"
    )


def _fatigue(runs: list[Run]) -> str:
    cycled = [r for r in runs if "fatigue_life" in r.ds]
    if not cycled:
        return "<p class='missing'>No run has thermal cycling with time-dependent materials.</p>"
    parts = [_ranking(cycled)]
    parts.append(
        _img(
            figures.work_per_cycle({r.name: _critical_work(r.ds) for r in cycled}),
            "work density per cycle",
        )
    )
    shown, note = _detailed(cycled)
    parts.append(note)
    for r in shown:
        for kind, name in (("bump", "fatigue_life"), ("ball", "ball_fatigue_life")):
            if name not in r.ds or not np.isfinite(r.ds[name].values).any():
                continue
            pitch = _joint_pitch(r.study, kind)
            x, y = r.ds[f"{kind}_x"].values, r.ds[f"{kind}_y"].values
            parts.append(f"<h3>{_e(r.name)}: {kind} life map</h3>")
            parts.append(_img(figures.life_map(x, y, r.ds[name], kind, pitch), f"{kind} lives"))
        parts.append(_model_notes(r))
    return "".join(parts)


def _critical_work(ds: xr.Dataset) -> np.ndarray:
    w = ds["bump_work_density"].values
    return w[:, int(np.argmax(w[-1]))]


def _joint_pitch(study: Study, kind: str) -> float:
    if kind == "ball":
        return study.balls.pitch
    return min(d.bumps.pitch for d in study.dies if d.bumps is not None)


def _ranking(runs: list[Run]) -> str:
    """Runs ranked by the life of their critical bump under each model, and the spread."""
    models = list(fatigue.MODELS)
    life = {
        r.name: [
            _critical_life(r.ds.sel(model=m), "fatigue_life") if m in r.ds["model"] else None
            for m in models
        ]
        for r in runs
    }
    ranks = {}
    for k in range(len(models)):
        ordered = sorted((v[k], name) for name, v in life.items() if v[k] is not None)[::-1]
        for rank, (_, name) in enumerate(ordered, start=1):
            ranks[name, k] = rank
    rows = []
    for r in runs:
        values = [v for v in life[r.name] if v is not None]
        spread = max(values) / min(values) if len(values) > 1 else None
        af = r.ds.get("bump_acceleration_factor")
        af_value = float(np.nanmin(af.values)) if af is not None and np.isfinite(af).any() else None
        cells = [
            f"{_fmt(v, '.3g')} (#{ranks[r.name, k]})" if v is not None else "n/a"
            for k, v in enumerate(life[r.name])
        ]
        rows.append([r.name, *cells, _fmt(spread, ".2g"), _fmt(af_value, ".3g")])
    header = ["run", *models, "spread (max/min)", "field cycles per test cycle"]
    return (
        "<p>Critical-bump life in test cycles under each model (rank among the runs, 1 = "
        "longest). n/a: the model has no published constants for the solder.</p>"
        + _table(header, rows)
    )


def _model_notes(r: Run) -> str:
    attrs = r.ds["fatigue_life"].attrs
    loop = int(attrs.get("loop_cycle", -1))
    stable = "stabilised" if int(attrs.get("loop_stabilised", 0)) else "NOT yet stabilised"
    items = [f"<li>loop: cycle {loop} ({stable})</li>"]
    items += [
        f"<li>{_e(k.removeprefix('model_'))}: {_e(v)}</li>"
        for k, v in attrs.items()
        if k.startswith("model_")
    ]
    items += [
        f"<li class='missing'>{_e(k.removeprefix('missing_'))}: {_e(v)}</li>"
        for k, v in attrs.items()
        if k.startswith("missing_")
    ]
    head = f"<p class='note'>{_e(r.name)}: models and constants</p>"
    return f"{head}<ul class='note'>{''.join(items)}</ul>"


def _thermal(runs: list[Run]) -> str:
    rows = []
    for r in runs:
        ds = r.ds
        if "junction_temperature" not in ds:
            continue
        rows.append(
            [
                r.name,
                _fmt(_powered_tj(ds), ".1f"),
                f"{ds.attrs.get('power_W', '-')}",
                *(
                    _fmt(float(ds[n]) if n in ds else None, ".3g")
                    for n in ("theta_jc", "theta_jb", "theta_ja")
                ),
            ]
        )
    if not rows:
        return "<p class='missing'>No run computed thermal physics.</p>"
    return _table(
        [
            "run",
            "Tj powered (degC)",
            "power (W)",
            "theta_jc (K/W)",
            "theta_jb (K/W)",
            "theta_ja (K/W)",
        ],
        rows,
    )


def _provenance(runs: list[Run]) -> str:
    keys = ["study_id", "variant", "warp_version", "dolfinx_version", "created"]
    keys += ["mesh_cells", "dofs", "element", "solver", "laws"]
    parts = []
    for r in runs:
        rows = [["results", str(r.path)]]
        rows += [[k, str(r.ds.attrs[k])] for k in keys if k in r.ds.attrs]
        parts.append(
            f"<h3>{_e(r.name)}</h3>"
            + _table(["item", "value"], rows)
            + f"<details><summary>study file</summary><pre>{_e(r.ds.attrs['study'])}</pre>"
            "</details>"
        )
    return "".join(parts)
