"""An output folder: checked before any work, locked while a command writes to it, and
cleared of the staging folders that killed runs left behind.

`check` refuses (InputError) a folder warp could not write. `locked` holds the folder's
lock for a block: an `fcntl.flock` on `.warp.lock` inside it, whose text names the holder
(host, pid, command, start time) so that a second run into the same folder is refused with
that name. Only the holder removes `.staging-*` debris, so a live run's staging is never
touched. Pure standard library (POSIX). Collective where a `comm` (any object with `rank`
and `bcast`, e.g. an mpi4py communicator) is given: rank 0 does the file work and every
rank raises the same refusal.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import os
import shlex
import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from warp.errors import InputError, RunError

LOCK = ".warp.lock"
STAGING = ".staging-"
"""Prefix of the hidden folders a command stages its products in."""


def check(out: Path, option: str = "--out") -> None:
    """InputError unless `out` is a folder warp can write to, or can create: not a file,
    no name longer than the file system allows, and the nearest existing folder on a
    writable mount and writable by this user. Reads only; not collective."""
    out = Path(out)
    where = f"{option} {out}"
    existing = out
    while not os.path.exists(existing) and existing != existing.parent:  # os.path: no raising
        if os.path.islink(existing):
            raise InputError(f"{where}: {existing} is a broken symbolic link")
        existing = existing.parent
    try:
        name_max = os.pathconf(existing, "PC_NAME_MAX")
    except (OSError, ValueError):
        name_max = 255
    for part in out.parts:
        if len(os.fsencode(part)) > name_max:
            raise InputError(
                f"{where}: the name {part[:20]}... is {len(os.fsencode(part))} bytes long; "
                f"the file system allows at most {name_max}"
            )
    if not existing.is_dir():
        what = "is a file" if existing == out else f"lies inside {existing}, which is a file"
        raise InputError(f"{where}: {what}; the output is a folder, choose another --out")
    if os.statvfs(existing).f_flag & os.ST_RDONLY:
        raise InputError(f"{where}: {existing} is on a read-only file system")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"{where}: no permission to write in {existing}")


@contextlib.contextmanager
def locked(out: Path, comm: Any = None) -> Iterator[None]:
    """Hold the lock of output folder `out` (created if missing) for the block, after
    removing the staging folders of earlier runs. InputError (nothing written) when another
    warp command holds it, naming that command. Collective with `comm`."""
    fd, refusal = None, None
    if comm is None or comm.rank == 0:
        try:
            fd = _acquire(Path(out))
        except InputError as exc:
            refusal = exc
        except OSError as exc:  # e.g. a file system without locks
            refusal = RunError(f"{out}: cannot lock the output folder ({exc.strerror})")
    if comm is not None:
        refusal = comm.bcast(refusal, root=0)
    if refusal is not None:
        raise refusal
    try:
        yield
    finally:
        if fd is not None:
            (Path(out) / LOCK).unlink(missing_ok=True)  # while held: see _acquire's samestat
            os.close(fd)


@contextlib.contextmanager
def staged(out: Path, name: str, comm: Any = None) -> Iterator[Path]:
    """Lock `out` (see `locked`) and yield a fresh, empty staging folder `out/.staging-<name>`
    for the products, removed when the block ends however it ends (publish inside the
    block). Collective with `comm`: rank 0 creates and removes it."""
    staging = Path(out) / f"{STAGING}{name}"
    with locked(out, comm):
        rank0 = comm is None or comm.rank == 0
        if rank0:
            staging.mkdir()
        if comm is not None:
            comm.barrier()
        try:
            yield staging
        finally:
            if rank0:
                shutil.rmtree(staging, ignore_errors=True)


def _acquire(out: Path) -> int:
    """The locked file descriptor of `out`/.warp.lock with this process written in it."""
    check(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _describe(os.read(fd, 4096))
            os.close(fd)
            raise InputError(
                f"output folder {out} is in use by another warp command ({holder}); "
                "let it finish or choose another --out"
            ) from None
        with contextlib.suppress(FileNotFoundError):
            if os.path.samestat(os.fstat(fd), os.stat(path)):
                break  # else the holder removed the file while releasing: lock the new one
        os.close(fd)
    started = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    command = shlex.join([Path(sys.argv[0]).name, *sys.argv[1:]])
    holder = {"host": socket.gethostname(), "pid": os.getpid(), "command": command}
    os.ftruncate(fd, 0)
    os.write(fd, json.dumps({**holder, "started": started}).encode())
    for debris in out.glob(f"{STAGING}*"):
        shutil.rmtree(debris, ignore_errors=True)
    return fd


def _describe(text: bytes) -> str:
    try:
        h = json.loads(text)
        return f"`{h['command']}`, pid {h['pid']} on {h['host']}, started {h['started']}"
    except (ValueError, KeyError, TypeError):
        return "holder not yet recorded"
