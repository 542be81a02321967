"""The few numbers `warp run` prints: warpage at room and peak, worst bump, worst interface,
fatigue lives with what they rest on; and the material values `warp check` prints."""

from __future__ import annotations

import textwrap

import numpy as np
import xarray as xr

from warp import fatigue, jesd51, mismatch, results
from warp.history import REFLOW_PHASES
from warp.materials import PROPERTY_UNITS, Material, Table

SOLVES = (
    ("run_solves", "elastic solves"),
    ("run_substeps", "time-dependent substeps"),
    ("run_rejected_substeps", "rejected and retried"),
)
"""The run attributes that count the solves behind the load steps, and their names."""


def describe(ds: xr.Dataset) -> str:
    """A short plain-text summary of a results dataset."""
    # the progress bar counts the same load steps; the solves behind them in brackets
    effort = [f"{ds.attrs[k]} {name}" for k, name in SOLVES if k in ds.attrs]
    solved = f" ({', '.join(effort)})" if effort else ""
    lines = [f"study {ds.attrs.get('study_id', '?')}: {ds.sizes['step']} load steps{solved}"]
    if "warpage" in ds:
        lines += _mechanics(ds)
    if "junction_temperature" in ds:
        lines += _thermal(ds)
    if "bump_work_density" in ds:
        lines += _cycling(ds)
    return "\n".join(lines)


def _cycling(ds: xr.Dataset) -> list[str]:
    lines = []
    for kind in ("bump", "ball"):
        name = f"{kind}_work_density"
        if name in ds and "ball_fatigue_reason" in ds[name].attrs:
            lines.append(f"ball fatigue not reported: {ds[name].attrs['ball_fatigue_reason']}")
        elif name in ds:
            w = ds[name].values
            j = int(np.argmax(w[-1]))
            x, y = float(ds[f"{kind}_x"][j]), float(ds[f"{kind}_y"][j])
            lines.append(
                f"critical {kind}: #{j} at ({x:+.3f}, {y:+.3f}) mm, inelastic work density "
                f"{w[-1, j]:.4g} MPa in cycle {w.shape[0]} (averaging layer "
                f"{ds[name].attrs['averaging_layer_mm']} mm)"
            )
    stable = int(ds.attrs.get("loop_stabilised_cycle", -1))
    tol = ds.attrs.get("loop_stabilised_tolerance", 0.02)
    lines.append(
        f"hysteresis loop stabilised (work density within {100 * tol:g} % of the previous "
        f"cycle) in cycle {stable}"
        if stable > 0
        else f"WARNING: hysteresis loop not stabilised after {ds.sizes['cycle']} cycles "
        f"(criterion: {100 * tol:g} % change): every fatigue life below rests on the last "
        "cycle and is provisional; run more cycles"
    )
    for kind, name in (("bump", "fatigue_life"), ("ball", "ball_fatigue_life")):
        if name in ds:
            lines += _lives(ds[name], ds[f"{kind}_critical"], kind)
    return lines


def _lives(lives: xr.DataArray, critical: xr.DataArray, kind: str) -> list[str]:
    """One line per model with a life, its calibration caveat beside it; then the shortest,
    named with its model and flagged."""
    found = fatigue.shortest(lives)
    if found is None:
        return []
    attrs = lives.attrs
    provisional = "" if attrs["fatigue_life_stabilised"] else " (PROVISIONAL)"
    lines = [
        f"{kind} fatigue life{provisional}, test cycles at the critical {kind}, from the "
        f"{attrs['life_basis']}:"
    ]
    for m in map(str, lives["model"].values):
        if np.isfinite(lives.sel(model=m)).any():
            caveat = attrs.get(f"caveat_{m}", "")
            lines.append(
                f"  {m} {float(lives.sel(model=m).min()):.3g} (#{int(critical.sel(model=m))})"
                + (f" - outside calibration: {caveat}" if caveat else "")
            )
    model, life = found
    outside = " (outside its calibration)" if attrs.get(f"caveat_{model}") else ""
    lines.append(f"  shortest {kind} life{provisional}: {life:.3g} cycles by {model}{outside}")
    return lines


def _mechanics(ds: xr.Dataset) -> list[str]:
    lines = []
    room, room_text = results.room_step(ds)
    for text, i in (
        (room_text, room),
        ("at reflow peak", results.step_where(ds, REFLOW_PHASES, "T_p")),
        ("with the power on, ambient", results.step_where(ds, "power-on", "P_on")),
    ):
        if i is not None:
            t = float(ds.temperature[i])
            lines.append(
                f"warpage {text} {t:g} degC: {float(ds.warpage[i]):+.1f} um "
                f"(coplanarity {float(ds.coplanarity[i]):.1f} um)"
            )
    lines += [text] if (text := mismatch.describe(ds)) else []
    strain = ds.bump_strain_eq.values
    if np.isfinite(strain).any():
        s, b = np.unravel_index(np.nanargmax(strain), strain.shape)
        lines.append(
            f"most strained bump: #{b} at ({float(ds.bump_x[b]):+.3f}, {float(ds.bump_y[b]):+.3f})"
            f" mm, von Mises strain {strain[s, b]:.3e} at {float(ds.temperature[s]):g} degC "
            f"({ds.phase.values[s]})"
        )
    if "peel_stress_max" in ds and ds.sizes.get("interface", 0):
        peel = ds.peel_stress_max.values
        s, k = np.unravel_index(np.nanargmax(peel), peel.shape)
        lines.append(
            f"highest peel stress: {peel[s, k]:.1f} MPa on {ds.interface.values[k]} at "
            f"{float(ds.temperature[s]):g} degC ({ds.phase.values[s]})"
        )
    return lines


def _thermal(ds: xr.Dataset) -> list[str]:
    metrics = [f"{n} {float(ds[n]):.3f}" for n in jesd51.NAMES if n in ds]
    lines = ["thermal resistances (K/W): " + ", ".join(metrics)] if metrics else []
    if "theta_ja" in ds:
        lines.append(f"theta_ja set-up: {ds['theta_ja'].attrs.get('environment', '?')}")
    hottest = results.hottest_die(ds)
    if hottest is not None and ds.sizes["die"] > 1:
        lines.append(f"hottest die with the power on: {hottest[0]} at {hottest[1]:.1f} degC")
    powered = results.powered_steps(ds)
    if powered.any():
        tj = ds.junction_temperature.values[powered]
        lines.append(
            f"junction temperature with {ds.attrs.get('power_W', 0):g} W: {tj[0]:.1f} degC "
            f"steady, {tj.min():.1f}-{tj.max():.1f} degC over the powered steps"
        )
    return lines


def materials_at(materials: dict[str, Material], temp_degC: float) -> list[str]:
    """Each material of a design with every property at `temp_degC` and its unit, as TOML
    comment lines (`materials`: part -> Material, study overrides applied)."""
    parts: dict[str, list[str]] = {}
    for part, material in materials.items():
        parts.setdefault(material.name, []).append(part)
    by_name = {m.name: m for m in materials.values()}
    lines = [f"# materials at {temp_degC:g} degC (library values with the study's overrides)"]
    for name, used in parts.items():
        m = by_name[name]
        lines.append(f"#   {name}: {m.long_name} ({', '.join(used)}; {m.elasticity} elasticity)")
        values = [_property(prop, value, temp_degC) for prop, value in m.values.items()]
        wrapped = textwrap.wrap(
            "; ".join(values),
            96,
            initial_indent="#     ",
            subsequent_indent="#     ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines += [line.replace(NBSP, " ") for line in wrapped]
    return lines


NBSP = "\xa0"
"""Joins a value to its name and unit, so that a wrapped line never splits them."""


def _property(prop: str, value: float | Table, temp_degC: float) -> str:
    """`name value unit`, "(table)" when read off a table at `temp_degC`."""
    units = "" if PROPERTY_UNITS[prop] == "1" else f"{NBSP}{PROPERTY_UNITS[prop]}"
    if not isinstance(value, Table):
        return f"{prop}{NBSP}{value:.6g}{units}"
    if prop == "prony_shear":  # rows are (relaxation time, weight), not a function of T
        rows = zip(value.t, value.v, strict=True)
        return f"{prop} " + ", ".join(f"({t:.3g}{NBSP}s,{NBSP}{w:.4g})" for t, w in rows)
    return f"{prop}{NBSP}{float(value(temp_degC)):.6g}{units}{NBSP}(table)"
