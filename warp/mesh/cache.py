"""The mesh cache: a design's Gmsh mesh reused by later runs of the same geometry (rank 0).

Runs, `warp mesh` and sweep cases that differ only in materials, loads or solver
settings skip Gmsh: their mesh folder is copied from the cache. The folder is
`$WARP_MESH_CACHE`, else `$XDG_CACHE_HOME/warp/meshes`, else `~/.cache/warp/meshes`;
`WARP_MESH_CACHE=off` (or `--no-mesh-cache`) turns it off. A per-user folder, not the
project's `meshes/`: warp runs from any folder and from read-only installs, and on a
cluster the home folder is shared by the nodes a sweep runs on.

An entry is `<folder>/<key>/` holding mesh.msh, markers.json, quality.json (as the
first run wrote them), wires.json for wire-bonded dies, and key.json (what the key
hashed). The key is the sha256 of everything that shapes the mesh (`key_inputs`); a
new study field or module that the mesher reads must be added there. An entry appears
only whole: a fill copies into a hidden `.fill-*` folder in the cache folder and
renames it to the key. When two runs fill one key at once, the second rename fails
and that run removes its copy; a killed fill leaves only its `.fill-*` folder, never
read, removed by a later fill after `STALE_FILL_S` or by `clear`. Not collective.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gmsh

from warp import atomic
from warp.design import Design
from warp.mesh.model import MeshInfo, MeshQuality, averaging_layers, generate, write_mesh
from warp.study import Study

ENV = "WARP_MESH_CACHE"
FILES = ("mesh.msh", "markers.json", "quality.json")
"""Files every entry holds; wires.json too when the dies are wire-bonded."""
OPTIONAL = ("wires.json",)
GEOMETRY = ("carrier", "dies", "heat_sink", "mold", "balls", "passives")
"""Study sections that place the parts; `board` too when it is enabled."""
NOT_SHAPING = {"allow_large"}
"""Fields of the key sections that never change the mesh (besides material names)."""
SOURCES = ("mesh/*.py", "geometry.py", "layout.py", "model_size.py", "parts.py", "board.py")
"""warp modules (globs under warp/) that draw the layout and the mesh; their source text is
in the key, so a code change never reuses a mesh the old code drew."""
STALE_FILL_S = 3600.0
"""A `.fill-*` folder older than this (s) belongs to a killed fill: a fill copies a few
files and takes seconds."""
_ENTRY = re.compile(r"[0-9a-f]{64}")
_SCRATCH = re.compile(r"\.(fill|gone)-.*")


@dataclass(frozen=True)
class CachedMesh:
    """A design's mesh written to a folder; `status` is "hit", "miss" or "off" (no cache)
    and `key` the sha256 (hex) of what shapes the mesh."""

    info: MeshInfo
    status: str
    key: str

    @property
    def short_key(self) -> str:
        return self.key[:12]


def folder(enabled: bool = True) -> Path | None:
    """The cache folder (module docstring), or None when the cache is off."""
    value = os.environ.get(ENV, "").strip()
    if not enabled or value.lower() in ("off", "0", "false", "no"):
        return None
    if value:
        return Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "warp" / "meshes"


def _without_materials(value):
    """The section without its material names: they pick a part's properties, not its
    shape, so a material swap reuses the mesh."""
    if isinstance(value, dict):
        return {
            k: _without_materials(v)
            for k, v in value.items()
            if k != "material" and not k.endswith("_material") and k not in NOT_SHAPING
        }
    if isinstance(value, list):
        return [_without_materials(v) for v in value]
    return value


def key_inputs(study: Study, symmetry: str) -> dict:
    """Everything that shapes the mesh, as JSON-ready data: the geometry sections (board
    when enabled) without material names, the mesh controls, the symmetry, the Darveaux
    averaging-layer settings, the Gmsh version and the sha256 of each mesher source file."""
    dump = study.model_dump(mode="json")
    sections = GEOMETRY + (("board",) if dump.get("board", {}).get("enabled") else ())
    root = Path(__file__).resolve().parents[1]
    files = sorted({p for pattern in SOURCES for p in root.glob(pattern)})
    return {
        "geometry": {name: _without_materials(dump[name]) for name in sections},
        "mesh": _without_materials(dump["mesh"]),
        "symmetry": symmetry,
        # (thickness mm, element layers) from process.time_dependent and cycling.interface_*,
        # as the mesher reads them; None for an elastic run, which draws no such layers
        "averaging_layer": averaging_layers(study),
        "gmsh_version": gmsh.__version__,
        "sources": {
            str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files
        },
    }


def digest(inputs: dict) -> str:
    """The cache key of `key_inputs`: their sha256, 64 hex digits."""
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def mesh_key(study: Study, symmetry: str) -> str:
    """The cache key of a study's mesh (`key_inputs`, `digest`)."""
    return digest(key_inputs(study, symmetry))


def lookup(root: Path, key: str) -> Path | None:
    """The entry of `key`, or None when there is none."""
    entry = root / key
    return entry if all((entry / name).is_file() for name in FILES) else None


def store(root: Path, key: str, source: Path, inputs: dict) -> bool:
    """Copy a mesh folder into the cache under `key` (write-then-rename); False when another
    run filled the key first (this copy is then removed)."""
    root.mkdir(parents=True, exist_ok=True)
    _remove_stale_fills(root)
    tmp = Path(tempfile.mkdtemp(prefix=f".fill-{key[:12]}-", dir=root))
    try:
        for name in FILES + OPTIONAL:
            if (source / name).is_file():
                shutil.copyfile(source / name, tmp / name)
        (tmp / "key.json").write_text(json.dumps(inputs, indent=2, sort_keys=True) + "\n")
        os.chmod(tmp, 0o777 & ~atomic.umask())
        os.rename(tmp, root / key)  # fails onto an existing (non-empty) entry
        return True
    except OSError:
        if not (root / key).exists():
            raise
        return False
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _remove_stale_fills(root: Path) -> None:
    now = time.time()
    for path in root.glob(".fill-*"):
        try:
            if now - path.stat().st_mtime > STALE_FILL_S:
                shutil.rmtree(path, ignore_errors=True)
        except FileNotFoundError:  # removed by another run meanwhile
            pass


def clear(root: Path) -> list[Path]:
    """Remove every entry and leftover fill from the cache folder; returns what was removed.
    Only names the cache makes are touched, whatever else the folder holds. An entry is
    renamed away before it is deleted, so a run never finds half of one."""
    removed = []
    if not root.is_dir():
        return removed
    for path in sorted(root.iterdir()):
        if not path.is_dir() or not (_ENTRY.fullmatch(path.name) or _SCRATCH.fullmatch(path.name)):
            continue
        gone = path
        if _ENTRY.fullmatch(path.name):
            gone = root / f".gone-{path.name[:12]}-{os.getpid()}-{time.monotonic_ns()}"
            try:
                os.rename(path, gone)
            except FileNotFoundError:
                continue
        shutil.rmtree(gone, ignore_errors=True)
        removed.append(path)
    return removed


def _copy_entry(entry: Path, out: Path) -> bool:
    """Copy an entry's mesh files into `out`; False when it vanished meanwhile (cleared)."""
    out.mkdir(parents=True, exist_ok=True)
    try:
        for name in FILES + OPTIONAL:
            if name in FILES or (entry / name).is_file():
                with atomic.replacing(out / name) as tmp:
                    shutil.copyfile(entry / name, tmp)
    except FileNotFoundError:
        return False
    return True


def _stamp(out: Path, study: Study, status: str, key: str) -> dict:
    """quality.json of this run: its study id and where the mesh came from."""
    summary = json.loads((out / "quality.json").read_text())
    summary.update(study_id=study.study_id, mesh_cache=status, mesh_key=key[:12])
    atomic.write_text(out / "quality.json", json.dumps(summary, indent=2) + "\n")
    return summary


def _info_from(out: Path, summary: dict, symmetry: str, seconds: float) -> MeshInfo:
    markers = json.loads((out / "markers.json").read_text())
    groups = {name: (int(g["dim"]), int(g["tag"])) for name, g in markers.items()}
    fields = MeshQuality.__dataclass_fields__
    quality = MeshQuality(**{k: v for k, v in summary.items() if k in fields})
    return MeshInfo(groups, symmetry, quality, seconds)


def mesh_into(
    design: Design, out: Path, root: Path | None, say: Callable[[str], None]
) -> CachedMesh:
    """Write the design's mesh folder into `out`: copied from the cache under `root` when it
    holds the key, else drawn by Gmsh in the current session (and stored when `root` is
    set). `say` gets one progress line. Rank 0, inside a Gmsh session."""
    st, start = design.study, time.perf_counter()
    inputs = key_inputs(st, design.symmetry)
    key = digest(inputs)
    entry = lookup(root, key) if root is not None else None
    if entry is not None and _copy_entry(entry, out):
        say(f"mesh from cache (key {key[:12]}, {entry})")
        summary = _stamp(out, st, "hit", key)
        info = _info_from(out, summary, design.symmetry, time.perf_counter() - start)
        return CachedMesh(info, "hit", key)
    status = "off" if root is None else "miss"
    note = "" if root is None else f" (not in the mesh cache: key {key[:12]})"
    say(f"meshing the {design.symmetry} model with Gmsh{note}")
    info = generate(st, design.layout, design.symmetry)
    write_mesh(info, st, design.layout, out)
    if root is not None:
        try:
            store(root, key, out, inputs)
        except OSError as exc:  # a full or read-only cache folder never fails the run
            say(f"mesh not stored in the cache {root}: {exc}")
    _stamp(out, st, status, key)
    return CachedMesh(info, status, key)


def reload(out: Path) -> None:
    """Replace the Gmsh model by the mesh read back from `out`/mesh.msh (rank 0).

    Every run solves on the file its mesh folder keeps, whether Gmsh drew it now or the
    cache held it: the ASCII file rounds coordinates at the 16th digit, so a model solved
    from memory would differ from a cached one in the last bit, and a rerun would not
    repeat its results exactly."""
    gmsh.option.setNumber("General.Terminal", 0)
    gmsh.clear()
    gmsh.open(str(out / "mesh.msh"))
