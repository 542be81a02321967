"""warp: warpage and reliability analysis of molded flip-chip packages.

The Python API for notebooks and scripts, the same pipeline as the `warp` command:
`load_study` -> `run_study` -> `read` -> `write_report`. Importing warp is light:
DOLFINx, Gmsh, PETSc, MPI and Dask load only inside the function that needs them.
The names avoid `run` and `report`: importing the submodules warp.run and warp.report
would replace such functions on the package.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import xarray as xr

    from warp.study import Study

__version__ = "0.1.0"
__all__ = ["load_study", "read", "run_study", "write_report"]


def load_study(
    path: str | Path, overrides: Sequence[str] = (), settings: Mapping[str, Any] | None = None
) -> Study:
    """Read and validate a study file without its [sweep] table, as `warp check` does.

    `overrides` are "dotted.key=value" strings parsed like `--set` (the value as TOML),
    e.g. "heat_sink.gap=0.05"; `settings` maps dotted keys to Python values, e.g.
    {"dies.0.size": [2.0, 2.0]}, applied after them. Values in study units (mm, degC,
    MPa, ...). InputError names a bad field, its value and what is allowed.
    """
    from warp import study_file

    return study_file.load_study(path, overrides, settings)


def run_study(
    study: Study | str | Path, out: str | Path, *, fields: bool = False, quiet: bool = True
) -> xr.Dataset:
    """Solve a study (or study file) as `warp run` does and return its results Dataset.

    Writes `out`/results.nc, `out`/mesh/ and, with `fields`, the ParaView fields in
    `out`/fields/; a failed run keeps an earlier good result. Input is checked before
    anything is written (InputError). Collective: under mpiexec every rank calls it.
    """
    from warp.design import resolve

    if isinstance(study, str | os.PathLike):
        study = load_study(study)
    design = resolve(study)
    from warp.fem.backend import MPI  # the heavy stack, only once the input is valid
    from warp.progress import Progress
    from warp.run import execute

    progress = Progress(MPI.COMM_WORLD.rank, quiet=quiet)
    return execute(design, Path(out), progress, write_fields=fields).dataset


def read(path: str | Path) -> xr.Dataset:
    """Open a run's results (its folder or its results.nc), checked against the contract."""
    from warp import results

    path = Path(path)
    return results.read(path / "results.nc" if path.is_dir() else path)


def write_report(runs: Iterable[str | Path], out: str | Path) -> Path:
    """Write the HTML report comparing runs (results files or run folders), as `warp report`
    does; returns the report's path."""
    from warp import report

    out = Path(out)
    report.write(report.load_runs([Path(r) for r in runs]), out)
    return out
