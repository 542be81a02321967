"""Write-then-rename for every product, so a reader sees the old product or the new one,
never half of one, and a failed write leaves the old one untouched.

Temporaries are hidden siblings (same folder, so the rename stays on one file system)
that keep the product's suffix (Gmsh and others choose a format by it). Products get
the user's normal permissions, 0o666 (files) or 0o777 (folders) less the umask. Pure
standard library; not collective: call on one MPI rank.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path


def umask() -> int:
    """The process umask, read without changing it where Linux shows it (/proc/self/status);
    elsewhere set to 0o077 for an instant and restored, so nothing is created more open."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _sibling(path: Path, tag: str) -> Path:
    return path.with_name(f".{path.stem}.{secrets.token_hex(4)}.{tag}{path.suffix}")


def _siblings(path: Path, tag: str) -> list[Path]:
    return sorted(path.parent.glob(f".{glob.escape(path.stem)}.{'?' * 8}.{tag}{path.suffix}"))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def replace(src: Path, dst: Path) -> None:
    """Rename `src` (file or folder) over `dst`. A folder on either side cannot be renamed
    over, so the old `dst` is first moved aside, put back if the rename fails and removed
    only after it succeeded: a failure never leaves neither."""
    src, dst = Path(src), Path(dst)
    if not (dst.is_dir() or src.is_dir()) or not (dst.exists() or dst.is_symlink()):
        os.replace(src, dst)
        return
    old = _sibling(dst, "old")
    os.replace(dst, old)
    try:
        os.replace(src, dst)
    except BaseException:
        os.replace(old, dst)
        raise
    _remove(old)


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary sibling of `path` to write a file or folder to; on success give it
    the umask's permissions and rename it over `path`, on failure remove it and re-raise.
    Creates the parent folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _sibling(path, "tmp")
    try:
        yield tmp
        os.chmod(tmp, (0o777 if tmp.is_dir() else 0o666) & ~umask())
        replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


def clean(path: Path) -> None:
    """Remove what a killed write-then-rename of `path` left beside it: its temporaries, and
    the old product moved aside, which is put back if the new one never arrived. Only while
    nothing else writes `path` (under its folder's lock)."""
    path = Path(path)
    old = _siblings(path, "old")
    if old and not (path.exists() or path.is_symlink()):
        os.replace(old.pop(), path)
    for leftover in old + _siblings(path, "tmp"):
        _remove(leftover)


def write_text(path: Path, text: str) -> None:
    """Write a UTF-8 text file by write-then-rename."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def publish(staging: Path, out_dir: Path, names: Iterable[str], last: str) -> None:
    """Move finished products from `staging` into `out_dir`, each over its predecessor.

    `last` (e.g. results.nc, whose presence marks a run complete) moves after the others
    and must exist. A name in `names` that staging lacks removes the old product from
    `out_dir`, so products of an earlier run never sit beside new ones.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        src, dst = staging / name, out_dir / name
        if src.exists():
            replace(src, dst)
        else:
            _remove(dst)
    replace(staging / last, out_dir / last)
