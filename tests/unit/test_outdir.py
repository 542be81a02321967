"""The output folder (warp.outdir): refused before any work when unwritable, locked for a run,
cleared of earlier runs' staging only by the lock's holder."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

from warp import outdir
from warp.errors import InputError


def refusal(out, **kw) -> str:
    with pytest.raises(InputError) as info:
        outdir.check(out, **kw)
    return str(info.value)


def test_a_writable_folder_or_one_that_can_be_created_passes(tmp_path):
    outdir.check(tmp_path)
    outdir.check(tmp_path / "new" / "deeper")
    assert not (tmp_path / "new").exists()  # checking writes nothing


def test_a_file_or_a_folder_inside_a_file_is_refused(tmp_path):
    (tmp_path / "f").write_text("x")
    assert "is a file; the output is a folder" in refusal(tmp_path / "f")
    assert "inside" in refusal(tmp_path / "f" / "sub") and "which is a file" in refusal(
        tmp_path / "f" / "sub"
    )


def test_a_name_longer_than_the_file_system_allows_is_refused(tmp_path):
    message = refusal(tmp_path / ("x" * 256) / "run")
    assert "256 bytes long" in message and "at most 255" in message
    outdir.check(tmp_path / ("x" * 255))


def test_a_broken_link_is_refused(tmp_path):
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    assert "broken symbolic link" in refusal(tmp_path / "link" / "run")


def test_a_read_only_file_system_is_refused(tmp_path, monkeypatch):
    """The EROFS branch (a read-only mount is tested end to end in tests/cli)."""
    real = os.statvfs(tmp_path)
    fake = os.statvfs_result((*real[:8], real.f_flag | os.ST_RDONLY, real.f_namemax))
    monkeypatch.setattr(os, "statvfs", lambda path: fake)
    assert "read-only file system" in refusal(tmp_path / "run")


@pytest.mark.skipif(os.geteuid() != 0, reason="drops to user nobody, which needs root")
def test_a_folder_without_write_permission_is_refused_for_an_ordinary_user():
    """Root may write anywhere: the check runs in a child process as user nobody."""
    base = Path(tempfile.mkdtemp())
    try:
        base.chmod(0o755)
        (base / "closed").mkdir(mode=0o555)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: nobody, no groups
            try:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
                for out in (base / "closed" / "run", base / "open"):
                    try:
                        outdir.check(out)
                        os.write(write, b"passed\n")
                    except InputError as exc:
                        os.write(write, f"{exc}\n".encode())
            finally:
                os._exit(0)
        os.close(write)
        os.waitpid(pid, 0)
        closed, opened = os.fdopen(read).read().splitlines()
        assert closed == f"--out {base / 'closed' / 'run'}: no permission to write in {base}/closed"
        assert "no permission to write" in opened  # base is root's 0755
        outdir.check(base / "closed" / "run")  # root itself may
    finally:
        shutil.rmtree(base)


def test_a_second_holder_is_refused_with_the_first_named(tmp_path):
    out = tmp_path / "run"
    with outdir.locked(out):
        lock = (out / outdir.LOCK).read_text()
        assert str(os.getpid()) in lock and socket.gethostname() in lock
        with pytest.raises(InputError) as info, outdir.locked(out):
            pass
        message = str(info.value)
        assert f"output folder {out} is in use" in message
        assert f"pid {os.getpid()} on {socket.gethostname()}" in message
    assert not (out / outdir.LOCK).exists()
    with outdir.locked(out):  # released: the next run takes it
        pass


def test_staging_debris_is_removed_only_by_the_holder(tmp_path):
    out = tmp_path / "run"
    (out / ".staging-old").mkdir(parents=True)
    (out / "results.nc").write_text("old result")
    with outdir.staged(out, "new") as staging:
        assert staging == out / ".staging-new" and staging.is_dir()
        assert not (out / ".staging-old").exists()
        (out / ".staging-live").mkdir()  # as if the holder had made it
        with pytest.raises(InputError):
            with outdir.staged(out, "other"):
                pass
        assert (out / ".staging-live").exists() and staging.exists()
    assert not staging.exists()
    assert (out / "results.nc").read_text() == "old result"


class FakeComm:
    """The two-rank protocol seen from one rank: bcast hands out what rank 0 sent."""

    def __init__(self, rank: int, sent=None):
        self.rank, self.sent, self.barriers = rank, sent, 0

    def bcast(self, value, root=0):
        return value if self.rank == root else self.sent

    def barrier(self):
        self.barriers += 1


def test_collective_lock_only_rank_0_touches_the_folder_and_all_raise_its_refusal(tmp_path):
    out = tmp_path / "run"
    with outdir.staged(out, "x", FakeComm(1)) as staging:
        assert not out.exists() and staging == out / ".staging-x"
    refused = InputError("output folder busy")
    with pytest.raises(InputError, match="busy"), outdir.locked(out, FakeComm(1, refused)):
        pass
    with outdir.locked(out):  # a holder: rank 0 of another run is refused, and says so
        rank0 = FakeComm(0)
        with pytest.raises(InputError, match="in use"), outdir.locked(out, rank0):
            pass
