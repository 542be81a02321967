"""The results contract (../shared/results-schema.md): build, check, write and read.

Pure xarray; no DOLFINx. The tables below are the single source of each
variable's dims, units and long name, so writing and checking cannot drift.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import xarray as xr

from warp import atomic
from warp.errors import InputError
from warp.history import REFLOW_PHASES

SCHEMA_VERSION = "1"

VARIABLES = {
    "warpage": (
        ("step",),
        "um",
        "signed warpage of the package bottom over the terminal zone (JESD22-B112, JEITA ED-7306)",
    ),
    "warpage_body": (("step",), "um", "signed warpage of the whole package bottom surface"),
    "coplanarity": (("step",), "um", "peak-to-valley of the seating surface about its plane"),
    "surface_dz": (("step", "x", "y"), "um", "out-of-plane displacement of the package bottom"),
    "bump_strain_eq": (("step", "bump"), "1", "volume-averaged von Mises mechanical strain"),
    "ball_strain_eq": (("step", "ball"), "1", "volume-averaged von Mises mechanical strain"),
    "bump_inelastic_strain": (
        ("step", "bump"),
        "1",
        "volume-averaged accumulated inelastic strain",
    ),
    "ball_inelastic_strain": (
        ("step", "ball"),
        "1",
        "volume-averaged accumulated inelastic strain",
    ),
    "bump_work_density": (("cycle", "bump"), "MPa", "inelastic strain energy density per cycle"),
    "ball_work_density": (("cycle", "ball"), "MPa", "inelastic strain energy density per cycle"),
    "bump_inelastic_strain_per_cycle": (
        ("cycle", "bump"),
        "1",
        "equivalent inelastic strain accumulated in the cycle, averaged over the layer",
    ),
    "ball_inelastic_strain_per_cycle": (
        ("cycle", "ball"),
        "1",
        "equivalent inelastic strain accumulated in the cycle, averaged over the layer",
    ),
    "bump_layer_strain": (
        ("step", "bump", "component"),
        "1",
        "mechanical strain tensor averaged over the critical near-interface layer",
    ),
    "ball_layer_strain": (
        ("step", "ball", "component"),
        "1",
        "mechanical strain tensor averaged over the critical near-interface layer",
    ),
    "bump_layer_inelastic_strain": (
        ("step", "bump", "component"),
        "1",
        "inelastic strain tensor averaged over the critical near-interface layer",
    ),
    "ball_layer_inelastic_strain": (
        ("step", "ball", "component"),
        "1",
        "inelastic strain tensor averaged over the critical near-interface layer",
    ),
    "bump_critical_face": (
        ("bump",),
        "1",
        "bonded face of the averaging layer: 0 lower (carrier pad), 1 upper (die pad)",
    ),
    "ball_critical_face": (
        ("ball",),
        "1",
        "bonded face of the averaging layer: 0 lower (board side), 1 upper (carrier pad)",
    ),
    "fatigue_life": (("model", "bump"), "cycles", "bump cycles to failure, by model"),
    "ball_fatigue_life": (("model", "ball"), "cycles", "ball cycles to failure, by model"),
    "ball_pad_dz": (
        ("step", "ball"),
        "um",
        "out-of-plane displacement of the package pad (carrier bottom) at each ball centre",
    ),
    "board_pad_dz": (
        ("step", "ball"),
        "um",
        "out-of-plane displacement of the board top under each ball (its pad's base)",
    ),
    "reflow_gap": (
        ("step", "ball"),
        "um",
        "package-pad to board-pad gap at each ball in reflow, rigid tilt removed, 0 at the "
        "closest ball (warp.mismatch)",
    ),
    "reflow_gap_max": (
        (),
        "um",
        "largest reflow gap at a ball while the balls are molten (head-in-pillow window)",
    ),
    "peel_stress_max": (("step", "interface"), "MPa", "maximum tensile normal traction"),
    "shear_stress_max": (("step", "interface"), "MPa", "maximum shear traction magnitude"),
    "junction_temperature": (("step",), "degC", "maximum die temperature"),
    "die_junction_temperature": (
        ("die",),
        "degC",
        "highest temperature of each die at the power-on point (operating environment)",
    ),
    "theta_jc": ((), "K/W", "theta_JC(top): heat-sink top held isothermal"),
    "theta_jb": ((), "K/W", "JESD51-8 junction-to-board: ring cold plate, board temperature T_B"),
    "theta_jb_two_resistor": (
        (),
        "K/W",
        "two-resistor junction-to-board value: board side (ball ends) held isothermal",
    ),
    "theta_ja": ((), "K/W", "junction-to-ambient thermal resistance (set-up in 'environment')"),
    "newton_iterations": (("step",), "1", "Newton iterations to reach the step"),
    "step_seconds": (("step",), "s", "wall time of the step's solves, rejected attempts included"),
    "substeps": (("step",), "1", "adaptive substeps taken to reach the step"),
    "rejected_substeps": (
        ("step",),
        "1",
        "substeps tried and rejected (diverged, or over the inelastic increment), then retried",
    ),
    "rejected_seconds": (("step",), "s", "wall time of the rejected substeps"),
    "inelastic_increment_max": (
        ("step",),
        "1",
        "largest equivalent inelastic strain increment of a substep at a material point",
    ),
}
COORDS = {
    "time": (("step",), "s", "time in the load history"),
    "temperature": (("step",), "degC", "prescribed (oven or chamber) temperature"),
    "phase": (("step",), "-", "load-history segment"),
    "label": (("step",), "-", "profile corner name"),
    "x": (("x",), "mm", "package x coordinate"),
    "y": (("y",), "mm", "package y coordinate"),
    "bump_x": (("bump",), "mm", "bump centre x"),
    "bump_y": (("bump",), "mm", "bump centre y"),
    "bump_die": (("bump",), "-", "die the bump belongs to"),
    "bump_z": (("bump",), "mm", "bump centre height above the carrier bottom"),
    "wire_die": (("wire",), "-", "die the bond wire starts on"),
    "wire_start": (("wire", "xyz"), "mm", "ball bond on the die pad"),
    "wire_end": (("wire", "xyz"), "mm", "stitch bond on the carrier finger"),
    "wire_apex_z": (("wire",), "mm", "loop apex height"),
    "ball_x": (("ball",), "mm", "ball centre x"),
    "ball_y": (("ball",), "mm", "ball centre y"),
    "die": (("die",), "-", "die name (die, or die1, die2, ... in a stack)"),
    "interface": (("interface",), "-", "material interface name"),
    "cycle": (("cycle",), "-", "thermal cycle number"),
    "model": (("model",), "-", "fatigue model"),
    "component": (("component",), "-", "strain tensor component (tensor, not engineering, shear)"),
}
COMPONENTS = ("xx", "yy", "zz", "yz", "xz", "xy")

REQUIRED = {
    "mechanics": ("warpage", "coplanarity", "surface_dz", "bump_strain_eq"),
    "thermal": ("junction_temperature",),
}
"""Variables each kind of physics must write; a run has at least one kind."""

REQUIRED_ATTRS = (
    "warp_version",
    "dolfinx_version",
    "created",
    "study",
    "study_id",
    "variant",
    "mesh_cells",
    "dofs",
    "element",
    "solver",
)
WARPAGE_CONVENTION = (
    "peak-to-valley of the package bottom (carrier side) after removing the least-squares "
    "plane, over the terminal zone (the rectangle through the outermost ball centres, or the "
    "body without balls; the whole body is warpage_body); positive = convex (centre higher "
    "than corners seen from the top, heat-sink side up), negative = concave; sign from the "
    "JEITA ED-7306 diagonal rule"
)


def variable(name: str, data) -> xr.Variable:
    """A schema variable with its dims, units and long name."""
    dims, units, long_name = VARIABLES[name]
    return xr.Variable(
        dims, np.asarray(data, dtype=np.float64), {"units": units, "long_name": long_name}
    )


def coordinate(name: str, data) -> xr.Variable:
    dims, units, long_name = COORDS[name]
    arr = np.asarray(data)
    if arr.dtype.kind in "iuf":
        arr = arr.astype(np.float64) if arr.dtype.kind == "f" else arr
    return xr.Variable(dims, arr, {"units": units, "long_name": long_name})


def check(ds: xr.Dataset) -> list[str]:
    """Problems that make a dataset break the contract (empty list: it conforms)."""
    problems = []
    for attr in REQUIRED_ATTRS:
        if attr not in ds.attrs:
            problems.append(f"missing dataset attribute '{attr}'")
    present = [kind for kind, names in REQUIRED.items() if any(n in ds for n in names)]
    if not present:
        problems.append("no physics: neither warpage nor junction temperature")
    for kind in present:
        for name in REQUIRED[kind]:
            if name not in ds:
                problems.append(f"missing variable '{name}' ({kind})")
    if "warpage" in ds and "warpage_convention" not in ds.attrs:
        problems.append("missing dataset attribute 'warpage_convention'")
    for name, var in ds.data_vars.items():
        if name in VARIABLES:
            dims = VARIABLES[name][0]
            if var.dims[len(var.dims) - len(dims) :] != dims:
                problems.append(f"{name} has dims {var.dims}, expected {dims}")
            if var.attrs.get("units") != VARIABLES[name][1]:
                problems.append(f"{name} has units {var.attrs.get('units')!r}")
        for key in ("units", "long_name"):
            if key not in var.attrs:
                problems.append(f"{name} lacks attribute '{key}'")
        if var.dtype != np.float64:
            problems.append(f"{name} is {var.dtype}, expected float64")
    for name in COORDS:
        if name in ds.coords and "units" not in ds[name].attrs:
            problems.append(f"coordinate {name} lacks units")
    for name in ("time", "temperature", "phase"):
        if name not in ds.coords:
            problems.append(f"missing coordinate '{name}'")
    return problems


def write(ds: xr.Dataset, path: Path) -> None:
    """Check against the contract, then write by write-then-rename (warp.atomic)."""
    problems = check(ds)
    if problems:
        raise ValueError("results break the contract: " + "; ".join(problems))
    with atomic.replacing(path) as tmp:
        ds.to_netcdf(tmp, engine="h5netcdf")


def write_zarr(ds: xr.Dataset, path: Path) -> None:
    """Write a Zarr store beside the netCDF: into a temporary folder, then swapped in."""
    with atomic.replacing(path) as tmp:
        ds.to_zarr(tmp, mode="w", consolidated=False)


def read(path: str | Path) -> xr.Dataset:
    """Open a results file and check it against the contract (InputError if it breaks it)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such results file")
    try:
        ds = xr.load_dataset(path, engine="h5netcdf")
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable results file ({exc})") from None
    problems = check(ds)
    if problems:
        raise InputError(f"{path}: breaks the results contract: {'; '.join(problems)}")
    return ds


POWERED_PHASES = ("power-on", "power-cycling")


def powered_steps(ds: xr.Dataset) -> np.ndarray:
    """Boolean mask of the steps with die power (elsewhere the junction follows the oven)."""
    return np.isin(ds["phase"].values, POWERED_PHASES)


def reflow_steps(ds: xr.Dataset) -> np.ndarray:
    """Boolean mask of the steps of the study's reflow (`history.REFLOW_PHASES`: the
    package alone, or the board assembly with a board)."""
    return np.isin(ds["phase"].values, REFLOW_PHASES)


def hottest_die(ds: xr.Dataset) -> tuple[str, float] | None:
    """The die with the highest power-on junction temperature and that temperature (degC),
    or None when the run has no per-die temperatures."""
    if "die_junction_temperature" not in ds:
        return None
    temps = ds["die_junction_temperature"]
    i = int(np.argmax(temps.values))
    return str(temps["die"].values[i]), float(temps.values[i])


def step_where(ds: xr.Dataset, phase: str | tuple[str, ...], label: str) -> int | None:
    """Index of the first step of a phase (or of any of several) with a corner label, or None."""
    hits = np.flatnonzero(np.isin(ds["phase"].values, phase) & (ds["label"].values == label))
    return int(hits[0]) if len(hits) else None


ROOM_STEPS = (("ball-attach", "after ball attach at"), ("mold-cooldown", "after mold cool-down at"))
"""Where the finished package first sits at room temperature: after ball attach in a
time-dependent run, after the mold cool-down otherwise."""


def room_step(ds: xr.Dataset) -> tuple[int | None, str]:
    """Index of the finished package's room-temperature step and its description."""
    for phase, text in ROOM_STEPS:
        i = step_where(ds, phase, "T_room")
        if i is not None:
            return i, text
    return None, ""


def split_sweep(ds: xr.Dataset) -> list[tuple[dict, xr.Dataset]]:
    """The finished cases of a combined sweep dataset, padding removed, each with its
    settings and its study restored as attributes."""
    dims = json.loads(ds.attrs["sweep_dims"])
    flat = ds if dims == ["case"] else ds.stack(case=dims).reset_index("case", drop=True)
    out = []
    for i in range(flat.sizes["case"]):
        one = flat.isel(case=i)
        if str(one["case_status"].values) != "done":
            continue
        one = one.drop_vars([d for d in dims if d in one.coords] + ["case"], errors="ignore")
        trim = {
            "step": one["phase"].values != "",
            "bump": np.isfinite(one["bump_x"].values) if "bump_x" in one else None,
            "ball": np.isfinite(one["ball_x"].values) if "ball_x" in one else None,
            "x": np.isfinite(one["x"].values) if "x" in one else None,
            "y": np.isfinite(one["y"].values) if "y" in one else None,
        }
        one = one.isel(
            {d: np.flatnonzero(m) for d, m in trim.items() if m is not None and d in one.dims}
        )
        one = (
            one.dropna("cycle", how="all", subset=[v for v in ("bump_work_density",) if v in one])
            if "cycle" in one.dims
            else one
        )
        one.attrs.update(
            {
                name.removeprefix("case_attr_"): str(one[name].values)
                for name in list(one.coords)
                if name.startswith("case_attr_")
            }
        )
        out.append((json.loads(str(one["case_settings"].values)), one))
    return out
