"""A measured warpage curve (shadow moire, DIC) read from CSV, and computed minus measured.

The CSV has two columns, temperature (degC) and warpage (um), and says how it was
measured in `#` header lines (or the `warp report` options): `# sign = jeita` (positive =
convex, as warp reports; `inverted` for the opposite) and `# zone = terminal` (over the
outermost ball centres, as `warpage`) or `zone = body` (the whole body, `warpage_body`).
Pure: csv and numpy.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from warp import results
from warp.errors import InputError

SIGNS = {"jeita": 1.0, "inverted": -1.0}
ZONES = {"terminal": "warpage", "body": "warpage_body"}


@dataclass(frozen=True)
class MeasuredWarpage:
    """Measured points in warp's sign convention, with the zone they cover."""

    name: str
    temperature_degC: np.ndarray
    warpage_um: np.ndarray
    zone: str  # "terminal" or "body"


@dataclass(frozen=True)
class Comparison:
    """At each measured temperature: measured, computed and computed minus measured (um)."""

    temperature_degC: np.ndarray
    measured_um: np.ndarray
    computed_um: np.ndarray
    branch: list[str]  # "heating" or "cooling": the computed branch compared

    @property
    def difference_um(self) -> np.ndarray:
        return self.computed_um - self.measured_um


def read(path: Path, sign: str | None = None, zone: str | None = None) -> MeasuredWarpage:
    """Read a measured curve; `sign` and `zone` override the file's header (InputError on a
    missing or unreadable file, bad rows, or a convention stated nowhere)."""
    try:
        text = Path(path).read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"--measured {path}: cannot read it ({exc.__class__.__name__})") from None
    header = {}
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("#"):
            key, sep, value = stripped.lstrip("#").partition("=")
            if sep:
                header[key.strip().lower()] = value.strip().strip("\"'").lower()
            continue
        if not stripped:
            continue
        cells = next(csv.reader([stripped]))
        try:
            values = [float(c) for c in cells]
        except ValueError:
            if not rows and number == _first_data_line(text):
                continue  # a column-name row
            raise InputError(
                f"--measured {path}: line {number} {stripped!r} is not two numbers"
            ) from None
        if len(values) != 2 or not np.all(np.isfinite(values)):
            raise InputError(
                f"--measured {path}: line {number} {stripped!r}: need two finite numbers, "
                "temperature (degC) and warpage (um)"
            )
        rows.append(values)
    if len(rows) < 2:
        raise InputError(f"--measured {path}: need at least two rows of temperature, warpage")
    sign = sign or header.get("sign")
    zone = zone or header.get("zone")
    if sign not in SIGNS:
        raise InputError(
            f"--measured {path}: sign = {sign!r}; state it as '# sign = jeita' (positive = "
            "convex) or 'inverted' in the file, or give --measured-sign"
        )
    if zone not in ZONES:
        raise InputError(
            f"--measured {path}: zone = {zone!r}; state it as '# zone = terminal' (outermost "
            "ball centres) or 'body' in the file, or give --measured-zone"
        )
    data = np.array(rows)
    return MeasuredWarpage(Path(path).stem, data[:, 0], SIGNS[sign] * data[:, 1], zone)


def _first_data_line(text: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.strip().startswith("#"):
            return number
    return 0


def compare(ds: xr.Dataset, measured: MeasuredWarpage) -> Comparison:
    """Computed minus measured at each measured temperature, on the computed reflow profile
    (its heating branch for points measured while the temperature rose, else its cooling
    branch), over the zone the measurement covers."""
    name = ZONES[measured.zone]
    if name not in ds:
        raise InputError(f"--measured: the results have no {name} to compare with")
    reflow = np.flatnonzero(results.reflow_steps(ds))
    if len(reflow) < 3:
        raise InputError("--measured: the run has no reflow profile to compare with")
    if reflow[0] > 0:  # the profile starts from the room-temperature step before it
        reflow = np.concatenate([[reflow[0] - 1], reflow])
    temps, warpage = ds["temperature"].values[reflow], ds[name].values[reflow]
    peak = int(np.argmax(temps))
    branches = {
        "heating": (temps[: peak + 1], warpage[: peak + 1]),
        "cooling": (temps[peak:][::-1], warpage[peak:][::-1]),
    }
    t = measured.temperature_degC
    rising = np.concatenate([[True], np.diff(t) >= 0])
    computed, branch = [], []
    for temp, up in zip(t, rising, strict=True):
        key = "heating" if up else "cooling"
        bt, bw = branches[key]
        if not bt.min() - 1e-9 <= temp <= bt.max() + 1e-9:
            raise InputError(
                f"--measured: {temp:g} degC lies outside the computed reflow profile "
                f"({bt.min():g}-{bt.max():g} degC)"
            )
        computed.append(float(np.interp(temp, bt, bw)))
        branch.append(key)
    return Comparison(t, measured.warpage_um, np.array(computed), branch)
