"""Write-then-rename (warp.atomic): old products survive failures, modes follow the umask."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest
import xarray as xr

from warp import atomic, results


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_umask_is_read_without_changing_it(umask_022):
    assert atomic.umask() == 0o022
    os.umask(0o027)
    assert atomic.umask() == 0o027
    assert os.umask(0o022) == 0o027


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "study.toml"
    path.write_text("old")
    with pytest.raises(RuntimeError, match="disk on fire"), atomic.replacing(path) as tmp:
        tmp.write_text("half")
        raise RuntimeError("disk on fire")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["study.toml"]


def test_write_text_replaces_and_keeps_the_suffix(tmp_path):
    path = tmp_path / "sub" / "mesh.msh"
    seen = []
    with atomic.replacing(path) as tmp:
        seen.append(tmp)
        tmp.write_text("new")
    assert seen[0].suffix == ".msh" and seen[0].name.startswith(".")
    assert seen[0].parent == path.parent
    atomic.write_text(path, "newer")
    assert path.read_text() == "newer"
    assert [p.name for p in path.parent.iterdir()] == ["mesh.msh"]


@pytest.mark.parametrize(
    "umask, file_mode, dir_mode", [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700)]
)
def test_modes_follow_the_umask(tmp_path, umask, file_mode, dir_mode):
    old = os.umask(umask)
    try:
        with atomic.replacing(tmp_path / "a.txt") as tmp:
            fd = os.open(tmp, os.O_CREAT | os.O_WRONLY, 0o600)  # a writer that makes it private
            os.close(fd)
        with atomic.replacing(tmp_path / "store") as tmp:
            tmp.mkdir(mode=0o700)
    finally:
        os.umask(old)
    assert mode(tmp_path / "a.txt") == file_mode
    assert mode(tmp_path / "store") == dir_mode


def test_folder_replaces_folder_and_a_failure_keeps_the_old_one(tmp_path):
    path = tmp_path / "fields"
    path.mkdir()
    (path / "old.bp").write_text("old")
    with atomic.replacing(path) as tmp:
        tmp.mkdir()
        (tmp / "new.bp").write_text("new")
    assert [p.name for p in path.iterdir()] == ["new.bp"]
    with pytest.raises(OSError), atomic.replacing(path) as tmp:
        tmp.mkdir()
        raise OSError("full")
    assert [p.name for p in path.iterdir()] == ["new.bp"]
    assert [p.name for p in tmp_path.iterdir()] == ["fields"]


def test_replace_puts_the_old_folder_back_when_the_rename_fails(tmp_path, monkeypatch):
    src, dst = tmp_path / "new", tmp_path / "mesh"
    src.mkdir()
    dst.mkdir()
    (dst / "mesh.msh").write_text("old")
    real = os.replace

    def refuse_new(a, b):
        if a == src:
            raise OSError("refused")
        real(a, b)

    monkeypatch.setattr(atomic.os, "replace", refuse_new)
    with pytest.raises(OSError, match="refused"):
        atomic.replace(src, dst)
    assert (dst / "mesh.msh").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mesh", "new"]


def test_publish_moves_the_marker_last_and_drops_stale_products(tmp_path, monkeypatch):
    staging, out = tmp_path / ".staging", tmp_path / "run"
    (staging / "mesh").mkdir(parents=True)
    (staging / "mesh" / "mesh.msh").write_text("new")
    (staging / "results.nc").write_text("new")
    (out / "fields").mkdir(parents=True)
    (out / "mesh").mkdir()
    (out / "results.nc").write_text("old")
    order = []
    real = atomic.replace
    monkeypatch.setattr(atomic, "replace", lambda s, d: (order.append(d.name), real(s, d)))
    atomic.publish(staging, out, ["mesh", "fields"], last="results.nc")
    assert order == ["mesh", "results.nc"]
    assert sorted(p.name for p in out.iterdir()) == ["mesh", "results.nc"]
    assert (out / "mesh" / "mesh.msh").read_text() == "new"
    assert (out / "results.nc").read_text() == "new"


def test_results_file_gets_the_umask_mode(tmp_path, umask_022):
    ds = xr.Dataset(
        {"junction_temperature": results.variable("junction_temperature", [25.0, 80.0])},
        coords={
            "time": results.coordinate("time", [0.0, 10.0]),
            "temperature": results.coordinate("temperature", [25.0, 25.0]),
            "phase": results.coordinate("phase", ["power-on", "power-on"]),
        },
        attrs={name: "x" for name in results.REQUIRED_ATTRS},
    )
    path = tmp_path / "results.nc"
    results.write(ds, path)
    assert mode(path) == 0o644  # the mkstemp-based writer made it 0600
    assert np.allclose(results.read(path)["junction_temperature"], [25.0, 80.0])
    assert [p.name for p in tmp_path.iterdir()] == ["results.nc"]
