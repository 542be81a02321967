"""Where and with what a run was made: versions, the checkout, the host, the command and
the data libraries (pure: no heavy stack is imported to read a version).

`attrs()` goes into every results.nc (warp.dataset.build) and from there into a sweep
case's run.json (`recorded`); `library_hash()` is also part of every study id, so a
changed material or fatigue constant never passes for a finished case. Not collective.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import platform
import shlex
import socket
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent

KEYS = (
    "python_version",
    "gmsh_version",
    "petsc_version",
    "dolfinx_version",
    "git_commit",
    "git_dirty",
    "host",
    "command_line",
    "library_hash",
)
"""The provenance attributes of a results file; the FE side adds petsc_version and
dolfinx_version (warp.run), since PETSc has no package metadata in the PyPI wheel."""


def library_files() -> list[Path]:
    """The data a run reads besides its study: the material library and the fatigue
    constants."""
    return sorted((PACKAGE / "materials").glob("*.toml")) + [PACKAGE / "fatigue.toml"]


def library_hash() -> str:
    """Content hash of the library files (12 hex digits); read once per process, as the
    libraries themselves are."""
    return _digest(tuple(library_files()))


@functools.cache
def _digest(files: tuple[Path, ...]) -> str:
    h = hashlib.sha256()
    for path in files:
        data = path.read_bytes()
        h.update(f"{path.name}\0{len(data)}\0".encode() + data)
    return h.hexdigest()[:12]


def package_version(name: str) -> str:
    """An installed distribution's version, or "unknown" (e.g. a conda build without
    metadata)."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@functools.cache
def git_state(folder: Path = PACKAGE) -> dict[str, str | int]:
    """{git_commit, git_dirty (1 when tracked files differ from the commit)} when `folder`
    is the warp package of a git checkout; empty elsewhere (an installed package)."""

    def git(*args: str) -> str:
        cmd = ["git", "--no-optional-locks", "-C", str(folder), *args]  # concurrent runs
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10, check=True).stdout

    try:
        top = Path(git("rev-parse", "--show-toplevel").strip())
        if top.resolve() / folder.name != folder.resolve():
            return {}
        commit = git("rev-parse", "HEAD").strip()
        dirty = git("status", "--porcelain", "--untracked-files=no").strip() != ""
    except (OSError, subprocess.SubprocessError):
        return {}
    return {"git_commit": commit, "git_dirty": int(dirty)}


def attrs() -> dict[str, str | int]:
    """The pure side's provenance attributes of a run made by this process."""
    return {
        "python_version": platform.python_version(),
        "gmsh_version": package_version("gmsh"),
        **git_state(),
        "host": socket.gethostname(),
        "command_line": shlex.join(sys.argv),
        "library_hash": library_hash(),
    }


def recorded(results_path: Path) -> dict[str, str | int]:
    """The provenance attributes a results file carries, as JSON values (for run.json)."""
    import xarray as xr  # not needed to hash a study

    with xr.open_dataset(results_path, engine="h5netcdf") as ds:
        found = {k: ds.attrs[k] for k in KEYS if k in ds.attrs}
    return {k: v.item() if hasattr(v, "item") else v for k, v in found.items()}
