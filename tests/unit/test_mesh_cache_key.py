"""The mesh cache key (what shapes the mesh and nothing else) and its entries' fill rules."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time

import pytest
from support import ROOT, STUDY

pytest.importorskip("gmsh", reason="Gmsh is not installed")
from warp.mesh import cache  # noqa: E402
from warp.study_file import load_study  # noqa: E402

BASE = cache.mesh_key(load_study(STUDY), "quarter")


def key(*overrides: str, symmetry: str = "quarter") -> str:
    return cache.mesh_key(load_study(STUDY, list(overrides)), symmetry)


@pytest.mark.parametrize(
    "override",
    [
        "materials.emc_muf_high_k.tg=150",  # a property override
        'carrier.material="fr4_board"',  # a material swap: a part's properties, not its shape
        'mold.material="emc_muf"',
        "reflow.enabled=false",  # loads
        "process.cooldown_step=75",
        "process.molding_temperature=165",
        'solver.method="iterative"',
        "output.surface_grid=21",
        "mesh.allow_large=true",
        "board.size=[80.0, 80.0]",  # no board in the model: its section shapes nothing
        "cycling.interface_layer=0.01",  # no averaging layers drawn: an elastic run
    ],
)
def test_what_does_not_shape_the_mesh_keeps_the_key(override):
    assert key(override) == BASE


@pytest.mark.parametrize(
    "override",
    [
        "heat_sink.gap=0.05",
        "carrier.thickness=0.3",
        "dies.0.bumps.pitch=0.3",
        "balls.pitch=1.0",
        "mesh.refinement=1.2",
        "mesh.size.mold=0.6",
        "mesh.layers.gap=3",
        "mesh.min_quality=0.05",
        "process.time_dependent=true",
    ],
)
def test_what_shapes_the_mesh_changes_the_key(override):
    assert key(override) != BASE


def test_symmetry_and_averaging_layers_change_the_key():
    assert key(symmetry="full") != BASE
    timed = key("process.time_dependent=true")
    assert key("process.time_dependent=true", "cycling.interface_layer=0.01") != timed
    assert key("process.time_dependent=true", "cycling.interface_elements=3") != timed


def test_the_key_holds_the_gmsh_version_and_the_mesher_sources(monkeypatch):
    inputs = cache.key_inputs(load_study(STUDY), "quarter")
    for name in ("mesh/model.py", "mesh/layers.py", "geometry.py", "layout.py", "model_size.py"):
        text = (ROOT / "warp" / name).read_bytes()
        assert inputs["sources"][name] == hashlib.sha256(text).hexdigest()
    assert "study.py" not in inputs["sources"]  # its defaults arrive as resolved values
    monkeypatch.setattr(cache.gmsh, "__version__", "0.0.0")
    assert key() != BASE


def test_folder_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(cache.ENV, str(tmp_path / "c"))
    assert cache.folder() == tmp_path / "c"
    assert cache.folder(enabled=False) is None
    monkeypatch.setenv(cache.ENV, "off")
    assert cache.folder() is None
    monkeypatch.delenv(cache.ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.folder() == tmp_path / "warp" / "meshes"


def _mesh_folder(path, text: str):
    path.mkdir(parents=True)
    for name in cache.FILES:
        (path / name).write_text(text * 10000)
    return path


def _fill(args) -> bool:
    root, src = args
    return cache.store(root, "a" * 64, src, {"who": str(src)})


def test_two_fills_of_one_key_leave_one_whole_entry(tmp_path):
    root = tmp_path / "cache"
    sources = [_mesh_folder(tmp_path / n, n) for n in ("first", "second")]
    with multiprocessing.get_context("fork").Pool(2) as pool:
        won = pool.map(_fill, [(root, s) for s in sources])
    assert sorted(won) == [False, True]
    assert [p.name for p in root.iterdir()] == ["a" * 64]  # the loser's copy is gone
    winner = sources[won.index(True)].name
    entry = cache.lookup(root, "a" * 64)
    assert all((entry / n).read_text() == winner * 10000 for n in cache.FILES)


def test_a_killed_fill_is_never_an_entry_and_is_removed_when_stale(tmp_path):
    root = tmp_path / "cache"
    dead = _mesh_folder(root / f".fill-{'b' * 12}-dead", "half")
    (dead / "mesh.msh").write_text("$MeshFormat\n4.1")  # cut off mid-write
    young = _mesh_folder(root / f".fill-{'c' * 12}-live", "x")  # another run's fill, under way
    old = time.time() - 2 * cache.STALE_FILL_S
    os.utime(dead, (old, old))
    assert cache.lookup(root, "b" * 64) is None
    assert cache.store(root, "b" * 64, _mesh_folder(tmp_path / "src", "whole"), {})
    assert sorted(p.name for p in root.iterdir()) == [young.name, "b" * 64]


def test_clear_removes_entries_and_fills_and_nothing_else(tmp_path):
    root = tmp_path / "cache"
    cache.store(root, "d" * 64, _mesh_folder(tmp_path / "src", "m"), {})
    _mesh_folder(root / ".fill-x", "x")
    (root / "notes.txt").write_text("the user's")
    (root / "mine").mkdir()
    removed = cache.clear(root)
    assert sorted(p.name for p in removed) == [".fill-x", "d" * 64]
    assert sorted(p.name for p in root.iterdir()) == ["mine", "notes.txt"]


def test_an_enabled_board_shapes_the_mesh():
    board = key("board.enabled=true")
    assert board != BASE
    assert key("board.enabled=true", "board.size=[80.0, 80.0]") != board
    assert key("board.enabled=true", 'board.material="bt_substrate"') == board
