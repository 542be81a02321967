"""The mesh cache end to end: reruns and material variants skip Gmsh and repeat their results
bit for bit; geometry changes mesh again; fills that race or die leave one whole entry."""

from __future__ import annotations

import json
import os
import subprocess
import time

import numpy as np
import pytest
import xarray as xr
from support import ROOT, SMALL_PACKAGE, STUDY, run_warp, sets, warp_command

from warp.mesh import cache

TINY = [  # a 4 x 4 mm package, one cool-down: a run in seconds
    *SMALL_PACKAGE,
    "reflow.enabled=false",
    "process.cooldown_step=75",
    "output.surface_grid=21",
    "mesh.refinement=0.7",
]


@pytest.fixture
def cache_root(tmp_path, monkeypatch):
    root = tmp_path / "mesh-cache"
    monkeypatch.setenv(cache.ENV, str(root))  # the warp subprocesses inherit it
    return root


def _run(out, *extra: str) -> tuple[xr.Dataset, str]:
    proc = run_warp("run", str(STUDY), "--out", str(out), "--no-fields", *sets(TINY), *extra)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return xr.load_dataset(out / "results.nc", engine="h5netcdf"), proc.stderr


def _entries(root) -> list[str]:
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def _assert_bitwise_equal(a: xr.Dataset, b: xr.Dataset) -> None:
    assert sorted(a.data_vars) == sorted(b.data_vars)
    for name in a.data_vars:
        equal_nan = a[name].dtype.kind == "f"
        assert np.array_equal(a[name].values, b[name].values, equal_nan=equal_nan), name


def test_reruns_and_material_variants_take_the_mesh_from_the_cache(tmp_path, cache_root):
    first, said = _run(tmp_path / "first")
    assert first.attrs["mesh_cache"] == "miss" and "not in the mesh cache" in said
    key = first.attrs["mesh_key"]
    [entry] = _entries(cache_root)
    assert entry.startswith(key) and len(entry) == 64

    again, said = _run(tmp_path / "again")
    assert again.attrs["mesh_cache"] == "hit" and f"mesh from cache (key {key}" in said
    assert "meshing the" not in said
    _assert_bitwise_equal(first, again)
    mesh = tmp_path / "again" / "mesh"
    assert (mesh / "mesh.msh").read_bytes() == (tmp_path / "first/mesh/mesh.msh").read_bytes()
    quality = json.loads((mesh / "quality.json").read_text())
    assert quality["mesh_cache"] == "hit" and quality["study_id"] == again.attrs["study_id"]

    # a softer heat sink: the same mesh, another answer
    variant, _ = _run(tmp_path / "variant", "--set", "materials.copper.E=60000")
    assert variant.attrs["mesh_cache"] == "hit" and variant.attrs["mesh_key"] == key
    assert variant.attrs["study_id"] != first.attrs["study_id"]
    assert not np.array_equal(variant.warpage.values, first.warpage.values)

    # without the cache the run solves on its mesh file read back too: the same bits
    off, said = _run(tmp_path / "off", "--no-mesh-cache")
    assert off.attrs["mesh_cache"] == "off" and "mesh cache" not in said
    _assert_bitwise_equal(first, off)
    assert _entries(cache_root) == [entry]


def _mesh(out, *extra: str) -> subprocess.Popen:
    cmd = warp_command() + ["mesh", str(STUDY), "--out", str(out), *sets(TINY), *extra]
    pipe = subprocess.PIPE
    return subprocess.Popen(cmd, cwd=ROOT, stdout=pipe, stderr=pipe, text=True)


def test_racing_and_killed_fills_leave_one_whole_entry_and_clear_empties(tmp_path, cache_root):
    dead = cache_root / ".fill-0123456789ab-killed"  # what a fill killed midway leaves
    dead.mkdir(parents=True)
    (dead / "mesh.msh").write_text("$MeshFormat\n4.1 0 8\n")
    old = time.time() - 2 * cache.STALE_FILL_S
    os.utime(dead, (old, old))

    gap = ("--set", "heat_sink.gap=0.05")  # a geometry of its own: a new key
    racers = [_mesh(tmp_path / f"m{i}", *gap) for i in range(2)]
    outputs = [p.communicate(timeout=300) for p in racers]
    assert [p.returncode for p in racers] == [0, 0], outputs
    [entry] = _entries(cache_root)  # the loser's copy and the killed fill are gone
    assert len(entry) == 64
    for name in ("mesh.msh", "markers.json"):
        made = [(tmp_path / f"m{i}" / name).read_bytes() for i in range(2)]
        assert made[0] == made[1] == (cache_root / entry / name).read_bytes()
    assert json.loads((cache_root / entry / "quality.json").read_text())["cells"] > 0

    third = run_warp("mesh", str(STUDY), "--out", str(tmp_path / "m2"), *sets(TINY), *gap)
    assert third.returncode == 0 and f"mesh cache, key {entry[:12]}" in third.stdout
    other = run_warp("mesh", str(STUDY), "--out", str(tmp_path / "m3"), *sets(TINY))
    assert other.returncode == 0 and "Gmsh" in other.stdout  # the gap changed: a miss
    assert len(_entries(cache_root)) == 2

    cleared = run_warp("mesh", "--clear-cache")
    assert cleared.returncode == 0, cleared.stderr
    assert "removed 2 entries" in cleared.stdout and entry in cleared.stdout
    assert _entries(cache_root) == []
