"""The results Dataset, built in one place from what the FE side hands over (pure).

The FE time loops (`warp.fem.elastic_history`, `warp.fem.process_history`) fill a
`StepTable`: one row per load-history step, keyed by the results-schema names of
`warp.results`, plus the scalars and attributes of the run. `build` turns it and
the design into the Dataset that `results.write` checks against the contract.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from warp import __version__, mismatch, provenance, results
from warp.design import Design
from warp.history import JSTD020_REVISION, REFLOW_PHASES
from warp.hysteresis import ball_fatigue_reason

WIRE_NOTE = (
    "bond wires are part of the geometry and of the reports but carry no stiffness in the "
    "mechanical model: see warp.geometry.wire_stiffness_share for the estimate"
)


@dataclass
class StepTable:
    """Per-step results of one run, keyed by results-schema names.

    `rows[name]` holds one value (scalar or array) per step of the design's history;
    `theta` the thermal resistances (K/W) with the heat leaving the package in each
    (`heat_out_W`) and their set-ups (`theta_attrs`); `die_junction_temperature` each die's
    power-on temperature (degC) by die name; `joint_layers[kind][key]` the Darveaux-layer
    series of each joint kind (step, joint, face, ...) that `warp.hysteresis` reads per
    cycle, with the steps that bound each cycle in `cycle_bounds`; `attrs` the run's
    provenance (DOFs, element, solver, timings as `run_*`).
    """

    rows: dict[str, list] = field(default_factory=dict)
    grid_x: np.ndarray | None = None
    grid_y: np.ndarray | None = None
    interfaces: list[str] = field(default_factory=list)
    theta: dict[str, float] = field(default_factory=dict)
    heat_out_W: dict[str, float] = field(default_factory=dict)
    theta_attrs: dict[str, dict] = field(default_factory=dict)
    die_junction_temperature: dict[str, float] = field(default_factory=dict)
    joint_layers: dict[str, dict[str, list]] = field(default_factory=dict)
    cycle_bounds: list[int] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)

    def append(self, **values) -> None:
        """Add one step's values (schema name -> value)."""
        for name, value in values.items():
            self.rows.setdefault(name, []).append(value)


def build(design: Design, table: StepTable) -> xr.Dataset:
    """The results Dataset of a run: coordinates from the design, variables from the table."""
    st, lay, steps = design.study, design.layout, design.steps
    coords = {
        "time": results.coordinate("time", [s.time for s in steps]),
        "temperature": results.coordinate("temperature", [s.temperature for s in steps]),
        "phase": results.coordinate("phase", [s.phase for s in steps]),
        "label": results.coordinate("label", [s.label for s in steps]),
        "bump_x": results.coordinate("bump_x", lay.bumps.xy[:, 0]),
        "bump_y": results.coordinate("bump_y", lay.bumps.xy[:, 1]),
        "bump_die": results.coordinate("bump_die", lay.bumps.die),
        "bump_z": results.coordinate("bump_z", lay.bump_centres[:, 2]),
    }
    if lay.wires:
        coords["wire_die"] = results.coordinate("wire_die", [w.die for w in lay.wires])
        coords["wire_start"] = results.coordinate("wire_start", [w.start for w in lay.wires])
        coords["wire_end"] = results.coordinate("wire_end", [w.end for w in lay.wires])
        coords["wire_apex_z"] = results.coordinate("wire_apex_z", [w.apex_z for w in lay.wires])
    if lay.balls is not None:
        coords["ball_x"] = results.coordinate("ball_x", lay.balls.xy[:, 0])
        coords["ball_y"] = results.coordinate("ball_y", lay.balls.xy[:, 1])
    if table.grid_x is not None:
        coords["x"] = results.coordinate("x", table.grid_x)
        coords["y"] = results.coordinate("y", table.grid_y)
        coords["interface"] = results.coordinate("interface", table.interfaces)
    data = {name: results.variable(name, rows) for name, rows in table.rows.items()}
    for name, value in table.theta.items():
        data[name] = results.variable(name, value)
        data[name].attrs.update(table.theta_attrs.get(name, {}), heat_out_W=table.heat_out_W[name])
    if table.die_junction_temperature:
        dies = table.die_junction_temperature
        coords["die"] = results.coordinate("die", list(dies))
        data["die_junction_temperature"] = results.variable(
            "die_junction_temperature", list(dies.values())
        )
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update(
        warp_version=__version__,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        study=st.to_toml(),
        study_id=st.study_id,
        variant=st.variant,
        passives=len(st.passives),
        mesh_symmetry=design.symmetry,
        schema_version=results.SCHEMA_VERSION,
        warpage_convention=results.WARPAGE_CONVENTION,
        **provenance.attrs(),
        **table.attrs,
    )
    if any(step.phase in REFLOW_PHASES for step in steps):
        peak = max(step.temperature for step in steps if step.phase in REFLOW_PHASES)
        ds.attrs["reflow_profile"] = f"{st.reflow.profile}, {JSTD020_REVISION}, peak {peak:g} degC"
    if "warpage" in ds:
        ds["warpage"].attrs["zone_mm"] = list(lay.terminal_zone)  # x0, x1, y0, y1
    if "bump_strain_eq" in ds:
        ds["bump_strain_eq"].attrs["note"] = (
            "NaN while the solder is above its solidus (molten joint); quarter models "
            "report every bump by mirror symmetry"
        )
        ds["peel_stress_max"].attrs["note"] = (
            "facet traction from the cell-average stress on both sides; free-edge corners "
            "are singular, so the peak grows with mesh refinement: compare designs on one mesh"
        )
    if lay.wires:
        ds["wire_die"].attrs["note"] = WIRE_NOTE
    if lay.balls is not None:
        if ball_fatigue_reason(st):
            ds.attrs["ball_fatigue_reason"] = ball_fatigue_reason(st)
        balls = design.materials["balls"]
        solidus = balls.scalar("solidus") if balls.has("solidus") else None
        mismatch.add_reflow_gap(ds, solidus)
    return ds
