"""The few numbers `warp run` prints: warpage at room and peak, worst bump, worst interface."""

from __future__ import annotations

import numpy as np
import xarray as xr

from warp import results


def describe(ds: xr.Dataset) -> str:
    """A short plain-text summary of a results dataset."""
    lines = [f"study {ds.attrs.get('study_id', '?')}: {ds.sizes['step']} load steps"]
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
        if name in ds:
            w = ds[name].values
            j = int(np.argmax(w[-1]))
            x, y = float(ds[f"{kind}_x"][j]), float(ds[f"{kind}_y"][j])
            lines.append(
                f"critical {kind}: #{j} at ({x:+.3f}, {y:+.3f}) mm, inelastic work density "
                f"{w[-1, j]:.4g} MPa in cycle {w.shape[0]} (averaging layer "
                f"{ds[name].attrs['averaging_layer_mm']} mm)"
            )
    for kind, name in (("bump", "fatigue_life"), ("ball", "ball_fatigue_life")):
        if name in ds:
            lives, critical = ds[name], ds[f"{kind}_critical"]
            done = [
                f"{m} {float(lives.sel(model=m).min()):.3g} (#{int(critical.sel(model=m))})"
                for m in lives["model"].values
                if np.isfinite(lives.sel(model=m)).any()
            ]
            lines.append(f"{kind} fatigue life (test cycles, critical joint): " + ", ".join(done))
    stable = int(ds.attrs.get("loop_stabilised_cycle", -1))
    tol = ds.attrs.get("loop_stabilised_tolerance", 0.02)
    lines.append(
        f"hysteresis loop stabilised (work density within {100 * tol:g} % of the previous "
        f"cycle) in cycle {stable}"
        if stable > 0
        else f"hysteresis loop not yet stabilised after {ds.sizes['cycle']} cycles "
        f"(criterion: {100 * tol:g} % change)"
    )
    return lines


def _mechanics(ds: xr.Dataset) -> list[str]:
    lines = []
    for text, phase, label in (
        ("after mold cool-down at", "mold-cooldown", "T_room"),
        ("at reflow peak", "reflow", "T_p"),
        ("with the power on, ambient", "power-on", "P_on"),
    ):
        i = results.step_where(ds, phase, label)
        if i is not None:
            t = float(ds.temperature[i])
            lines.append(
                f"warpage {text} {t:g} degC: {float(ds.warpage[i]):+.1f} um "
                f"(coplanarity {float(ds.coplanarity[i]):.1f} um)"
            )
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
    metrics = [f"{n} {float(ds[n]):.3f}" for n in ("theta_jc", "theta_jb", "theta_ja") if n in ds]
    lines = ["thermal resistances (K/W): " + ", ".join(metrics)] if metrics else []
    powered = results.powered_steps(ds)
    if powered.any():
        tj = ds.junction_temperature.values[powered]
        lines.append(
            f"junction temperature with {ds.attrs.get('power_W', 0):g} W: {tj[0]:.1f} degC "
            f"steady, {tj.min():.1f}-{tj.max():.1f} degC over the powered steps"
        )
    return lines
