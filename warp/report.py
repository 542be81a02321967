"""`warp report`: one self-contained HTML file that compares runs, figures embedded.

Each run is a results.nc (or the folder holding it). Fatigue lives are computed
from the cycling data when a run lacks them (or predates their basis and
caveats); physics a run lacks is named in the report, never filled in. A life
from a loop that has not stabilised, or from a model used outside its
calibration, carries its caveat next to the number.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import xarray as xr

from warp import __version__, atomic, fatigue, figures, html_blocks, results
from warp.design import part_materials
from warp.errors import InputError
from warp.geometry import build_layout
from warp.history import REFLOW_PHASES
from warp.html_blocks import CSS, escape, image, number, section, table
from warp.hysteresis import cycle_bounds
from warp.measured import MeasuredWarpage, compare
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
                runs.append(replace(_run(name, file, case, reassess=True), settings=settings))
        else:
            runs.append(_run(None, file, ds))
    return _told_apart(runs)


def _told_apart(runs: list[Run]) -> list[Run]:
    """Runs sharing a name get their folder and the study settings that differ among them
    (up to two); the study id only if that is still not enough."""
    out = []
    for r in runs:
        twins = [o for o in runs if o.name == r.name]
        if len(twins) > 1:
            mine = _flat(r.study.model_dump(mode="json"))
            others = [_flat(o.study.model_dump(mode="json")) for o in twins if o is not r]
            differ = [f"{k}={v}" for k, v in mine.items() if any(o.get(k) != v for o in others)]
            more = [f"+{len(differ) - 2} more"] if len(differ) > 2 else []
            tags = [_folder(r.path, [o.path for o in twins]), *differ[:2], *more]
            label = ", ".join(t for t in tags if t)
            r = replace(r, name=f"{r.name} [{label}]") if label else r
        out.append(r)
    names = [r.name for r in out]
    return [
        replace(r, name=f"{r.name} [{r.ds.attrs['study_id'][:6]}]")
        if names.count(r.name) > 1
        else r
        for r in out
    ]


def _folder(path: Path, paths: list[Path]) -> str:
    """The shortest tail of a results path (without "results.nc") that no other path shares."""

    def parts(p: Path) -> tuple[str, ...]:
        return p.parts[:-1] if p.name == "results.nc" else p.parts

    mine = parts(path)
    for n in range(1, len(mine) + 1):
        if [parts(p)[-n:] for p in paths].count(mine[-n:]) == 1:
            return "/".join(mine[-n:])
    return ""


def _flat(tree, prefix: str = "") -> dict:
    """Dotted keys (list entries by index) to the leaf values of a study dump."""
    if isinstance(tree, dict):
        items = tree.items()
    elif isinstance(tree, list) and tree and all(isinstance(v, dict) for v in tree):
        items = enumerate(tree)
    else:
        return {prefix[:-1]: tree}
    out = {}
    for key, sub in items:
        out.update(_flat(sub, f"{prefix}{key}."))
    return out


def _results_file(path: Path) -> Path:
    if not path.is_dir():
        return path
    for name in ("results.nc", "sweep.nc"):
        if (path / name).exists():
            return path / name
    return path / "results.nc"  # read() names it as missing


def _run(name: str | None, file: Path, ds: xr.Dataset, reassess: bool = False) -> Run:
    """`reassess`: lives afresh (a combined sweep keeps only the attrs its cases share)."""
    try:
        study = validate_study(tomllib.loads(ds.attrs["study"]), source=f"{file} (study)")
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{file}: the embedded study is not TOML ({exc})") from None
    stored = ds["fatigue_life"].attrs if "fatigue_life" in ds else {}
    if "bump_work_density" in ds and (reassess or "life_basis" not in stored):  # or pre-caveats
        lives = fatigue.assess(ds, study)
        ds = ds.drop_vars(list(lives.data_vars), errors="ignore").merge(lives)
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
    elif not results.reflow_steps(ds).any():
        missing.append("reflow (no peak-reflow warpage)")
    if "junction_temperature" not in ds:
        missing.append("thermal (junction temperature, thermal resistances)")
    if "bump_work_density" not in ds:
        missing.append("thermal cycling with time-dependent materials (no fatigue life)")
    return missing


def write(runs: list[Run], out: Path, measured: MeasuredWarpage | None = None) -> None:
    """Write the report by write-then-rename (warp.atomic), readable as the umask allows;
    a measured warpage curve, when given, is overlaid and compared with every run."""
    text = build(runs, measured)  # a bad comparison is refused before anything is written
    atomic.write_text(out, text)


def build(runs: list[Run], measured: MeasuredWarpage | None = None) -> str:
    """The whole report as one HTML string."""
    sections = [
        _overview(runs),
        section("Packages", _cross_sections(runs)),
        section("Warpage against temperature", _warpage(runs, measured)),
        section("Warpage over the thermal cycles", _cycling_warpage(runs)),
        section("Package bottom at 25 degC and at peak reflow", _maps(runs)),
        section("Interface stresses (delamination risk)", _interfaces(runs)),
        section("Reflow gap (head-in-pillow risk)", html_blocks.reflow_gaps(_detailed(runs)[0])),
        section("Solder fatigue", _fatigue(runs)),
        section("Thermal", html_blocks.thermal_metrics(runs)),
        section("Provenance", _provenance(runs)),
    ]
    title = "warp report: " + (
        ", ".join(r.name for r in runs) if len(runs) <= 3 else f"{len(runs)} runs"
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1><p class='meta'>warp {__version__}, "
        f"{dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}</p>"
        + "".join(sections)
        + "</body></html>\n"
    )


def _room_step(ds: xr.Dataset) -> int | None:
    return results.room_step(ds)[0]


def _peak_step(ds: xr.Dataset) -> int | None:
    reflow = np.flatnonzero(results.reflow_steps(ds))
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
        "worst reflow gap (um)": float(ds["reflow_gap_max"]) if "reflow_gap_max" in ds else None,
    }


def _overview(runs: list[Run]) -> str:
    rows, notes, caveats = [], [], []
    for r in runs:
        cells = [number(v, ".4g") for v in metrics(r).values()]
        shortest = fatigue.shortest(r.ds["fatigue_life"]) if "fatigue_life" in r.ds else None
        if shortest is not None:
            model, life = shortest
            flags = fatigue.life_caveats(r.ds["fatigue_life"], model)
            cells[-1] = f"{life:.4g} ({model})" + (" *" if flags else "")
            if flags:
                caveats.append(
                    f"<li><b>{escape(r.name)}</b>: shortest bump life {life:.4g} "
                    f"({escape(model)}): {escape('; '.join(flags))}</li>"
                )
        rows.append([r.name, r.study.variant, number(jeita_allowance(r.study), "g"), *cells])
        for item in missing_physics(r.ds):
            notes.append(f"<li><b>{escape(r.name)}</b>: not computed: {escape(item)}</li>")
    header = ["run", "variant", "JEITA allowance (um)", *metrics(runs[0])]
    flagged = f"<p class='caveat'>* caveats</p><ul class='caveat'>{''.join(caveats)}</ul>"
    missing = f"<ul class='missing'>{''.join(notes)}</ul>" if notes else ""
    body = table(header, rows) + (flagged if caveats else "") + _trends(runs) + missing
    return section("Overview", body)


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
    return image(figures.trends(x_key, table), "sweep trends")


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
    parts = [note]
    for r in shown:
        layout = build_layout(r.study)
        materials = {part: name for part, (_, name) in part_materials(r.study, layout).items()}
        alt = f"cross-section of {r.name} with a colour legend by material"
        parts.append(image(figures.cross_section(layout, r.name, materials), alt))
    return "".join(parts)


def _warpage(runs: list[Run], measured: MeasuredWarpage | None = None) -> str:
    series = []
    for r in runs:
        ds = r.ds
        if "warpage" not in ds:
            continue
        phase = ds["phase"].values
        chosen = next((p for p in (*REFLOW_PHASES, "cycling") if p in set(phase)), None)
        steps = np.flatnonzero(phase == chosen) if chosen else np.arange(ds.sizes["step"])
        room = _room_step(ds)
        if chosen in REFLOW_PHASES and room is not None:
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
    if measured is None:
        return (
            image(figures.warpage_curves(series, allowance), "warpage against temperature") + note
        )
    zone = "over the terminal zone" if measured.zone == "terminal" else "over the whole body"
    label = f"measured: {measured.name} ({zone})"
    figure = figures.warpage_curves(
        series, allowance, (label, measured.temperature_degC, measured.warpage_um)
    )
    return image(figure, "warpage against temperature") + note + _measured_table(runs, measured)


def _measured_table(runs: list[Run], measured: MeasuredWarpage) -> str:
    """Computed minus measured at every measured temperature, for each run."""
    compared = [(r.name, compare(r.ds, measured)) for r in runs if "warpage" in r.ds]
    rows = []
    for k, temp in enumerate(measured.temperature_degC):
        cells = [f"{temp:g}", compared[0][1].branch[k], number(measured.warpage_um[k], ".1f")]
        for _, c in compared:
            cells += [number(c.computed_um[k], ".1f"), number(c.difference_um[k], "+.1f")]
        rows.append(cells)
    head = ["T (degC)", "branch", "measured (um)"]
    for name, _ in compared:
        head += [f"{name} computed (um)", f"{name} computed - measured (um)"]
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f"<h3>Computed against measured ({escape(measured.name)})</h3><table><tr>"
        + "".join(f"<th>{escape(h)}</th>" for h in head)
        + f"</tr>{body}</table><p class='note'>In warp's sign convention (positive = convex); "
        "each measured point is compared with the computed reflow profile's heating or "
        "cooling branch, interpolated in temperature.</p>"
    )


def _maps(runs: list[Run]) -> str:
    shown, note = _detailed(runs)
    parts = [note]
    for r in shown:
        if "surface_dz" not in r.ds:
            continue
        room = results.room_step(r.ds)[1].removesuffix(" at")
        steps = [
            (room or "at room temperature", _room_step(r.ds)),
            ("peak reflow", _peak_step(r.ds)),
        ]
        maps = figures.surface_maps(r.ds, steps)
        parts.append(
            f"<h3>{escape(r.name)}</h3>" + image(maps, f"maps of the {figures.BOTTOM_VIEW}")
        )
    if len(parts) == 1:
        return "<p class='missing'>No run computed mechanics.</p>"
    view = (
        f"<p class='note'>Each map shows the {figures.BOTTOM_VIEW}: x right and y up as in the "
        "layout, dz positive up (toward the heat-sink side).</p>"
    )
    return view + "".join(parts)


def _cycling_warpage(runs: list[Run]) -> str:
    """Warpage through the cycles, against the cycle count (cycle n ends at n)."""
    series = []
    for r in runs:
        ds = r.ds
        if "warpage" not in ds or "cycling" not in set(ds["phase"].values):
            continue
        bounds = cycle_bounds(ds)
        steps = np.arange(bounds[0], bounds[-1] + 1)
        time = ds["time"].values
        position = np.interp(time[steps], time[bounds], np.arange(len(bounds)))
        warpage, temperature = ds["warpage"].values[steps], ds["temperature"].values[steps]
        series.append((r.name, position, warpage, temperature))
    if not series:
        return "<p class='missing'>No run has thermal cycling.</p>"
    return image(figures.warpage_over_cycles(series), "warpage over the thermal cycles")


def _interfaces(runs: list[Run]) -> str:
    table = {r.name: r.ds for r in runs if "peel_stress_max" in r.ds}
    if not table:
        return "<p class='missing'>No run computed interface stresses.</p>"
    return (
        image(figures.interface_stresses(table), "interface stresses")
        + "<p class='note'>Peak over the load history. Free-edge corners are singular: "
        "compare designs meshed alike, not absolute values.</p>"
        + _mesh_warning([r for r in runs if r.name in table])
    )


def _mesh_warning(runs: list[Run]) -> str:
    """A warning when the runs were meshed with different controls or element degrees."""
    if len({(r.study.mesh, r.study.solver.element_degree) for r in runs}) < 2:
        return ""
    items = "".join(
        f"<li>{escape(r.name)}: {r.ds.attrs.get('mesh_cells', '?')} cells, refinement "
        f"{r.study.mesh.refinement:g}, P{r.study.solver.element_degree}</li>"
        for r in runs
    )
    return (
        "<p class='caveat'>Warning: these runs were meshed with different [mesh] controls or "
        "element degrees. Interface stresses peak at singular corners and grow as the mesh "
        "there is refined, so the differences above are partly mesh, not design.</p>"
        f"<ul class='caveat'>{items}</ul>"
    )


def _fatigue(runs: list[Run]) -> str:
    cycled = [r for r in runs if "fatigue_life" in r.ds]
    if not cycled:
        return "<p class='missing'>No run has thermal cycling with time-dependent materials.</p>"
    parts = [_ranking(cycled)]
    parts.append(
        image(
            figures.work_per_cycle({r.name: _critical_work(r.ds) for r in cycled}),
            "work density per cycle",
        )
    )
    shown, note = _detailed(cycled)
    parts.append(note)
    for r in shown:
        for kind, name in (("bump", "fatigue_life"), ("ball", "ball_fatigue_life")):
            if name not in r.ds or not np.isfinite(r.ds[name].values).any():
                parts.append(html_blocks.critical_ball(r.name, r.ds) if kind == "ball" else "")
                continue
            pitch = _joint_pitch(r.study, kind)
            x, y = r.ds[f"{kind}_x"].values, r.ds[f"{kind}_y"].values
            flags = {m: _short_flags(r.ds, name, str(m)) for m in r.ds["model"].values}
            parts.append(f"<h3>{escape(r.name)}: {kind} life map</h3>")
            board = html_blocks.board_outline(r.study) if kind == "ball" else None
            life_map = figures.life_map(x, y, r.ds[name], kind, pitch, flags, board)
            parts.append(image(life_map, f"{kind} lives"))
            parts.append(html_blocks.critical_ball(r.name, r.ds) if kind == "ball" else "")
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
            f"{number(v, '.3g')} (#{ranks[r.name, k]})"
            + (" *" if fatigue.life_caveats(r.ds["fatigue_life"], models[k]) else "")
            if v is not None
            else "n/a"
            for k, v in enumerate(life[r.name])
        ]
        rows.append([r.name, *cells, number(spread, ".2g"), number(af_value, ".3g")])
    header = ["run", *models, "spread (max/min)", "field cycles per test cycle"]
    unstable = "".join(
        f"<p class='caveat'>{escape(r.name)}: {escape(r.ds['fatigue_life'].attrs['life_basis'])}; "
        "every life of this run is provisional.</p>"
        for r in runs
        if not r.ds["fatigue_life"].attrs["fatigue_life_stabilised"]
    )
    return (
        "<p>Critical-bump life in test cycles under each model (rank among the runs, 1 = "
        "longest). n/a: the model has no published constants for the solder.</p>"
        + unstable
        + table(header, rows)
        + "<p class='caveat'>* provisional (the loop has not stabilised) or the model is "
        "used outside its calibration: the run's notes below say which.</p>"
    )


def _short_flags(ds: xr.Dataset, name: str, model: str) -> str:
    """The caveats of one life map panel, in a few words."""
    attrs = ds[name].attrs
    flags = [] if attrs["fatigue_life_stabilised"] else ["provisional: loop not stabilised"]
    flags += ["outside calibration"] if attrs.get(f"caveat_{model}") else []
    return "; ".join(flags)


def _model_notes(r: Run) -> str:
    attrs = r.ds["fatigue_life"].attrs
    stable = "" if attrs["fatigue_life_stabilised"] else " class='caveat'"
    items = [f"<li{stable}>lives from the {escape(attrs['life_basis'])}</li>"]
    items.append(f"<li>first cycle: {escape(attrs['first_cycle'])}</li>")
    items += [
        f"<li>{escape(k.removeprefix('model_'))}: {escape(v)}</li>"
        for k, v in attrs.items()
        if k.startswith("model_")
    ]
    for kind, name in (("bump", "fatigue_life"), ("ball", "ball_fatigue_life")):
        if name in r.ds:
            items += [
                f"<li class='caveat'>{escape(k.removeprefix('caveat_'))} on {kind}s, outside its "
                f"calibration: {escape(v)}</li>"
                for k, v in r.ds[name].attrs.items()
                if k.startswith("caveat_")
            ]
    items += [
        f"<li class='missing'>{escape(k.removeprefix('missing_'))}: {escape(v)}</li>"
        for k, v in attrs.items()
        if k.startswith("missing_")
    ]
    head = f"<p class='note'>{escape(r.name)}: models and constants</p>"
    return f"{head}<ul class='note'>{''.join(items)}</ul>"


def _provenance(runs: list[Run]) -> str:
    keys = ["study_id", "variant", "warp_version", "dolfinx_version", "created"]
    keys += ["mesh_cells", "dofs", "element", "solver", "laws"]
    parts = []
    for r in runs:
        rows = [["results", str(r.path)]]
        rows += [[k, str(r.ds.attrs[k])] for k in keys if k in r.ds.attrs]
        parts.append(
            f"<h3>{escape(r.name)}</h3>"
            + table(["item", "value"], rows)
            + f"<details><summary>study file</summary><pre>{escape(r.ds.attrs['study'])}</pre>"
            "</details>"
        )
    return "".join(parts)
