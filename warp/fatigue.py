"""Solder-joint fatigue life from the stabilised loop of a cycling results dataset.

Darveaux (work density, crack initiation and growth across the pad), Engelmaier
(cyclic shear strain range), Coffin-Manson (inelastic shear strain range) and
Syed (accumulated creep energy and strain), all fed by the same `warp.hysteresis.Loop`;
Norris-Landzberg converts test cycles to field cycles. Constants live in
fatigue.toml with their sources and calibration scope; a model without constants
for a solder is not applied (NaN), a model applied outside its calibration or to
a loop that has not stabilised is flagged, and the reasons travel with the
results. Ball lives need the package on a board: without one they are NaN, with the
reason (`warp.hysteresis.ball_fatigue_reason`). Pure numpy/xarray.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import xarray as xr

from warp import results
from warp.geometry import build_layout
from warp.history import CYCLING_PRESETS
from warp.hysteresis import FIRST_CYCLE, Loop, ball_fatigue_reason, stabilised_loop
from warp.study import Study

CONSTANTS = tomllib.loads((Path(__file__).parent / "fatigue.toml").read_text())
MODELS = ("darveaux", "engelmaier", "coffin_manson", "syed_energy", "syed_strain")
PSI_PER_MPA = 1.0 / 6.894757e-3
MM_PER_INCH = 25.4
KELVIN = 273.15


# ---------------------------------------------------------------- the formulas


def darveaux_life(work, pad, K1, K2, K3, K4) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Darveaux: initiation N0 = K1 W^K2, growth da/dN = K3 W^K4, life N0 + pad / (da/dN).

    Units follow the constants (psi and inches for Darveaux's tables, MPa and mm for
    calibrated sets). Returns (N0, da/dN, life).
    """
    work = np.asarray(work, dtype=float)
    n0 = K1 * work**K2
    growth = K3 * work**K4
    return n0, growth, n0 + pad / growth


def engelmaier_life(shear_range, t_mean_degC, dwell_min, eps_f, c0, c1, c2, t0_min):
    """Engelmaier: N_f(50 %) = 1/2 (d_gamma / (2 eps_f))^(1/c),
    c = c0 + c1 T_SJ + c2 ln(1 + t0 / t_D)."""
    c = c0 + c1 * t_mean_degC + c2 * math.log(1.0 + t0_min / dwell_min)
    return 0.5 * (np.asarray(shear_range, dtype=float) / (2.0 * eps_f)) ** (1.0 / c)


def coffin_manson_life(inelastic_range, C, k):
    """Coffin-Manson: d_gamma_p = C N_f^-k, so N_f = (d_gamma_p / C)^(-1/k)."""
    return (np.asarray(inelastic_range, dtype=float) / C) ** (-1.0 / k)


def syed_life(per_cycle, coefficient):
    """Syed: N_f = (coefficient x accumulated energy density or strain per cycle)^-1."""
    return 1.0 / (coefficient * np.asarray(per_cycle, dtype=float))


def norris_landzberg(test, field, n, m, Ea_k) -> float:
    """Acceleration factor N_field / N_test, frequency form; `test` and `field` are (T_min
    degC, T_max degC, cycles per day). Slower field cycling lowers it: life rises with
    frequency."""
    (t_lo, t_hi, f_t), (f_lo, f_hi, f_f) = test, field
    return (
        ((t_hi - t_lo) / (f_hi - f_lo)) ** n
        * (f_f / f_t) ** m
        * math.exp(Ea_k * (1.0 / (f_hi + KELVIN) - 1.0 / (t_hi + KELVIN)))
    )


def norris_landzberg_dwell(test, field, n, m, Ea_k) -> float:
    """Acceleration factor N_field / N_test, dwell form (Pan et al.); `test` and `field` are
    (T_min degC, T_max degC, hot dwell min). A longer field dwell lowers it."""
    (t_lo, t_hi, d_t), (f_lo, f_hi, d_f) = test, field
    return norris_landzberg((t_lo, t_hi, 1.0 / d_t), (f_lo, f_hi, 1.0 / d_f), n, m, Ea_k)


def acceleration_factor(alloy: str, form: str, loop: Loop, study: Study) -> tuple[float, dict]:
    """Norris-Landzberg factor of a solder in the study's `fatigue.acceleration` form, and the
    attrs that say which constants and which test and field cycles it rests on (NaN where
    the form has no constants for the solder)."""
    key = alloy if form == "frequency" else f"{alloy}_dwell"
    c = CONSTANTS["norris_landzberg"].get(key)
    if c is None:
        return math.nan, {
            "acceleration_missing": f"no {form}-form Norris-Landzberg constants "
            f"for {alloy} in fatigue.toml"
        }
    cold, hot = CYCLING_PRESETS[study.cycling.preset]
    low, high = study.fatigue.field_temperatures
    attrs = {
        "acceleration_form": form,
        "acceleration_constants": f"{key}: n {c['n']}, m "
        f"{c['m']}, Ea/k {c['Ea_k']} K; {c['source']} [{c['level']}]",
    }
    if form == "frequency":
        field = (low, high, study.fatigue.field_cycles_per_day)
        return norris_landzberg(
            (cold, hot, loop.cycles_per_day), field, c["n"], c["m"], c["Ea_k"]
        ), attrs
    field = (low, high, study.fatigue.field_dwell)
    return norris_landzberg_dwell(
        (cold, hot, loop.dwell_min), field, c["n"], c["m"], c["Ea_k"]
    ), attrs


# ---------------------------------------------------------------- calibration scope

LAYER_TOLERANCE = 0.05
"""Relative difference of averaging layers that still counts as the fitted one (1 mil = 0.0254
mm against warp's 0.025 mm default)."""
_JOINTS = {"bump": "flip-chip bumps", "ball": "board-level balls"}
_LAWS = {"anand": "Anand viscoplastic", "garofalo": "sinh (Garofalo) creep"}


def calibration_caveat(
    constants: dict, alloy: str, kind: str, solder_law: str, layer_mm: float
) -> str:
    """Where a run lies outside the calibration of one constant set, in words ("" inside).

    `constants` is a fatigue.toml set with its `calibration` table; the run's joints are
    `kind` ("bump" or "ball") of solder `alloy`, solved with `solder_law` ("anand" or
    "garofalo") and averaged over `layer_mm` mm.
    """
    scope = constants.get("calibration", {})
    reasons = []
    if constants.get("level") == "illustrative":
        reasons.append("illustrative constants")
    if scope.get("solder", alloy) != alloy:
        reasons.append(f"constants fitted on {scope['solder']}, applied to {alloy}")
    if "joints" in scope and kind not in scope["joints"]:
        fitted = " and ".join(_JOINTS[j] for j in scope["joints"]) or "test specimens"
        reasons.append(f"fitted on {fitted}, applied to {_JOINTS[kind]}")
    if scope.get("creep_law", solder_law) != solder_law:
        fitted, run = (_LAWS.get(x, x) for x in (scope["creep_law"], solder_law))
        reasons.append(f"fitted with the {fitted} law, run with the {run} law")
    reasons.append(layer_caveat(scope.get("layer_mm", []), layer_mm))
    return "; ".join(x for x in reasons if x)


def layer_caveat(fitted_mm: list[float], layer_mm: float) -> str:
    """A caveat when the run's averaging layer (mm) is none of the fitted ones ("" if it is)."""
    if not fitted_mm or min(abs(x - layer_mm) for x in fitted_mm) <= LAYER_TOLERANCE * layer_mm:
        return ""
    fitted = ", ".join(f"{x:g}" for x in fitted_mm)
    return f"fitted with {fitted} mm averaging layers, run with {layer_mm:g} mm"


def solder_law(ds: xr.Dataset, study: Study, kind: str) -> str:
    """The law the run solved the joints of `kind` with: ds.attrs["laws"] ("part: law, ..."),
    else the study's `process.solder_law`."""
    laws = dict(item.split(": ", 1) for item in ds.attrs.get("laws", "").split(", ") if item)
    return laws.get(f"{kind}s", study.process.solder_law)


def life_caveats(lives: xr.DataArray, model: str) -> list[str]:
    """What the lives of `model` in `fatigue_life` or `ball_fatigue_life` rest on that a
    reader must be told next to the number: a loop that has not stabilised, a model used
    outside its calibration (empty: neither)."""
    attrs = lives.attrs
    flags = [] if attrs["fatigue_life_stabilised"] else [f"{attrs['life_basis']}: provisional"]
    if attrs.get(f"caveat_{model}"):
        flags.append(f"{model} outside its calibration: {attrs[f'caveat_{model}']}")
    return flags


def shortest(lives: xr.DataArray) -> tuple[str, float] | None:
    """The model giving the shortest life of any joint, and that life (cycles); None if no
    model has one."""
    by_model = lives.min(lives.dims[1])
    if not np.isfinite(by_model.values).any():
        return None
    model = str(by_model["model"].values[int(np.nanargmin(by_model.values))])
    return model, float(by_model.sel(model=model))


@dataclass(frozen=True)
class CriticalJoint:
    """The shortest-lived joint of one kind by any model (cycles), where it is (mm) and its
    distance to the neutral point: the package centre, the layout's origin, about which a
    symmetric package and board expand."""

    kind: str
    index: int
    x_mm: float
    y_mm: float
    dnp_mm: float
    life: float
    model: str


def critical_joint(ds: xr.Dataset, kind: str) -> CriticalJoint | None:
    """The critical "bump" or "ball" of a run's lives; None without a finite life."""
    name = "fatigue_life" if kind == "bump" else "ball_fatigue_life"
    found = shortest(ds[name]) if name in ds else None
    if found is None:
        return None
    model, life = found
    j = int(np.nanargmin(ds[name].sel(model=model).values))
    x, y = float(ds[f"{kind}_x"].values[j]), float(ds[f"{kind}_y"].values[j])
    return CriticalJoint(kind, j, x, y, math.hypot(x, y), life, model)


# ---------------------------------------------------------------- per model


def _darveaux(loop: Loop, c: dict, pad_mm: np.ndarray, layer_mm: float) -> tuple:
    row = int(np.argmin(np.abs(np.array(c["layer_mm"]) - layer_mm)))
    k = [c[name][row] for name in ("K1", "K2", "K3", "K4")]
    _, _, life = darveaux_life(loop.work_density_MPa * PSI_PER_MPA, pad_mm / MM_PER_INCH, *k)
    note = f"row for a {c['layer_mm'][row]} mm layer (run: {layer_mm} mm)"
    return life, note


def _calibrated_darveaux(loop: Loop, c, pad_mm: np.ndarray) -> tuple:
    _, _, life = darveaux_life(loop.work_density_MPa, pad_mm, c.K1, c.K2, c.K3, c.K4)
    return life, f"calibrated: {c.source} (layer {c.layer} mm)"


def _model_life(model: str, loop: Loop, c: dict, pad_mm, layer_mm) -> tuple:
    if model == "darveaux":
        return _darveaux(loop, c, pad_mm, layer_mm)
    if model == "engelmaier":
        keys = ("eps_f", "c0", "c1", "c2", "t0_min")
        life = engelmaier_life(
            loop.shear_range, loop.t_mean_degC, loop.dwell_min, *(c[k] for k in keys)
        )
        return life, f"FE shear strain range, T_SJ {loop.t_mean_degC:g} degC"
    if model == "coffin_manson":
        return coffin_manson_life(loop.inelastic_shear_range, c["C"], c["k"]), ""
    if model == "syed_energy":
        return syed_life(loop.work_density_MPa, c["W"]), ""
    return syed_life(loop.accumulated_strain, c["C"]), ""


def _joints(ds: xr.Dataset, study: Study, kind: str) -> tuple[list[str], np.ndarray]:
    """Solder material and pad diameter (mm) of each joint."""
    if kind == "ball":
        balls = build_layout(study).balls
        return [study.balls.material] * balls.count, np.full(balls.count, balls.pad_diameter)
    dies = ds["bump_die"].values.astype(int)
    materials = [study.dies[d - 1].bumps.material for d in dies]
    return materials, np.array([study.dies[d - 1].bumps.diameter for d in dies])


def assess(ds: xr.Dataset, study: Study) -> xr.Dataset:
    """Fatigue lives (test cycles) of every bump and ball by every model, the critical
    joint of each model and the Norris-Landzberg factor to the study's field cycle.

    Returns a Dataset to merge into the results: `fatigue_life` (model, bump),
    `ball_fatigue_life` (model, ball), `bump_critical` / `ball_critical` (model),
    `bump_acceleration_factor` / `ball_acceleration_factor` (joint). The lives' attrs
    say what they rest on: `loop_cycle`, `fatigue_life_stabilised` (1 or 0; netCDF has no
    boolean), `life_basis` and `first_cycle` in words, `model_<m>` (constants and source),
    `caveat_<m>` (outside the calibration) and `missing_<m>.<solder>` (not applied).
    Without a board every ball result is NaN and says why in `ball_fatigue_reason`.
    """
    out = xr.Dataset(coords={"model": results.coordinate("model", list(MODELS))})
    layer = study.cycling.interface_layer
    for kind in ("bump", "ball"):
        if f"{kind}_work_density" not in ds:
            continue
        loop = stabilised_loop(ds, kind, study.cycling)
        materials, pad_mm = _joints(ds, study, kind)
        lives = np.full((len(MODELS), len(pad_mm)), np.nan)
        notes, missing, caveats = {}, {}, {}
        law = solder_law(ds, study, kind)
        af, af_attrs = np.full(len(pad_mm), np.nan), {}
        for alloy in sorted(set(materials)):
            mask = np.array([m == alloy for m in materials])
            part = _subset(loop, mask)
            for i, model in enumerate(MODELS):
                c = CONSTANTS.get(model, {}).get(alloy)
                if model == "darveaux" and study.fatigue.darveaux is not None:
                    lives[i, mask], notes[model] = _calibrated_darveaux(
                        part, study.fatigue.darveaux, pad_mm[mask]
                    )
                    caveats[model] = layer_caveat([study.fatigue.darveaux.layer], layer)
                elif c is None:
                    missing[f"{model}.{alloy}"] = CONSTANTS["missing"].get(
                        f"{model}.{alloy}", f"no {model} constants for {alloy} in fatigue.toml"
                    )
                else:
                    lives[i, mask], note = _model_life(model, part, c, pad_mm[mask], layer)
                    notes[model] = "; ".join(
                        x for x in (c["life"], note, f"{c['source']} [{c['level']}]") if x
                    )
                    if "calibration" in c:
                        notes[model] += f"; calibrated on {c['calibration']['fit']}"
                    caveats[model] = calibration_caveat(c, alloy, kind, law, layer)
            af[mask], af_attrs = acceleration_factor(alloy, study.fatigue.acceleration, loop, study)
        name = "fatigue_life" if kind == "bump" else "ball_fatigue_life"
        basis = {
            "loop_cycle": loop.cycle,
            "fatigue_life_stabilised": int(loop.stabilised),
            "life_basis": loop.basis,
        }
        reason = ball_fatigue_reason(study) if kind == "ball" else ""
        if reason:  # no constants, caveats or notes: nothing was assessed
            lives[:], af[:] = np.nan, np.nan
            notes, caveats, missing = {}, {}, {}
            basis["ball_fatigue_reason"] = reason
            af_attrs = {**af_attrs, "ball_fatigue_reason": reason}
        out[name] = xr.Variable(
            ("model", kind),
            lives,
            {
                "units": "cycles",
                "long_name": f"{kind} cycles to failure under the test cycle, by model",
                **basis,
                "first_cycle": FIRST_CYCLE,
                **{f"model_{k}": v for k, v in notes.items()},
                **{f"caveat_{k}": v for k, v in caveats.items() if v},
                **{f"missing_{k}": v for k, v in missing.items()},
            },
        )
        critical = [float(np.nanargmin(row)) if np.isfinite(row).any() else np.nan for row in lives]
        out[f"{kind}_critical"] = xr.Variable(
            ("model",),
            np.array(critical),
            {"units": "1", "long_name": f"index of the shortest-lived {kind}, by model", **basis},
        )
        out[f"{kind}_acceleration_factor"] = xr.Variable(
            (kind,),
            af,
            {
                "units": "1",
                "long_name": "Norris-Landzberg factor: field cycles per test cycle to failure",
                "field_temperatures_degC": list(study.fatigue.field_temperatures),
                "field_cycles_per_day": study.fatigue.field_cycles_per_day,
                "test_cycles_per_day": loop.cycles_per_day,
                "field_dwell_min": study.fatigue.field_dwell,
                "test_dwell_min": loop.dwell_min,
                **af_attrs,
            },
        )
    return out


def _subset(loop: Loop, mask: np.ndarray) -> Loop:
    return replace(
        loop,
        work_density_MPa=loop.work_density_MPa[mask],
        accumulated_strain=loop.accumulated_strain[mask],
        inelastic_shear_range=loop.inelastic_shear_range[mask],
        shear_range=loop.shear_range[mask],
    )
