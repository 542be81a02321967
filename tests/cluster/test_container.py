"""The OCI image: build it with podman (containers/build-local.sh) and run warp inside it.

Needs root and podman (installed with apt-get when missing); skips otherwise, unless
WARP_REQUIRE_CONTAINER=1, which turns every skip into a failure. The first build takes a
few minutes (debootstrap + the FE stack from PyPI); re-runs reuse the rootfs and podman's
layer cache under $WARP_CONTAINER_WORK (default /tmp/warp-image) and take seconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from support import ROOT

from warp import results

pytestmark = pytest.mark.container

IMAGE = "localhost/warp:test"
WORK = Path(os.environ.get("WARP_CONTAINER_WORK", "/tmp/warp-image"))
TOOLS = ("podman", "buildah", "debootstrap", "runc")
REQUIRED = os.environ.get("WARP_REQUIRE_CONTAINER") == "1"

# A coarse run of a shipped study, shrunk to a 4 x 4 mm package: mesh, DOLFINx JIT,
# the whole process history and results.nc in a few seconds.
SHIPPED_STUDY = "/opt/warp/studies/single-chip.toml"
COARSE_SMALL = [
    "--set", "mesh.refinement=0.5",
    "--set", "reflow.sample_step=60",
    "--set", "process.cooldown_step=75",
    "--set", "carrier.size=[4.0, 4.0]",
    "--set", "dies.0.size=[2.0, 2.0]",
    "--set", "heat_sink.size=[3.0, 3.0]",
    "--set", "balls.pitch=1.0",
    "--no-fields",
]  # fmt: skip


def unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"container test required (WARP_REQUIRE_CONTAINER=1) but {reason}")
    pytest.skip(reason)


def timed(label: str, cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    start = time.monotonic()
    proc = subprocess.run(cmd, **kwargs)
    print(f"[time] {time.monotonic() - start:6.1f} s  {label}", flush=True)
    return proc


def ensure_tools() -> None:
    if os.geteuid() != 0:
        unavailable("building images with podman needs root")
    if all(shutil.which(tool) for tool in TOOLS):
        return
    if shutil.which("apt-get") is None:
        unavailable("podman is missing and apt-get is not available to install it")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *TOOLS]):
        proc = timed(" ".join(cmd[:2]), cmd, env=env, capture_output=True, text=True, timeout=900)
        if proc.returncode != 0:
            unavailable(f"`{' '.join(cmd)}` failed: {(proc.stderr or proc.stdout)[-500:]}")


def build_image() -> dict[str, str]:
    """Build localhost/warp:test (cached) and return the environment that runs it."""
    ensure_tools()
    env = dict(os.environ, WORK=str(WORK), IMAGE=IMAGE)
    # the build script's output goes straight to the terminal (-s) or pytest's capture
    proc = timed("containers/build-local.sh", [str(ROOT / "containers" / "build-local.sh")],
                 env=env, timeout=3600)  # fmt: skip
    assert proc.returncode == 0, "containers/build-local.sh failed (see its output above)"
    env["CONTAINERS_CONF"] = str(WORK / "containers.conf")
    env["CONTAINERS_STORAGE_CONF"] = str(WORK / "storage.conf")
    return env


def podman_run(env, label: str, *args: str, volume: Path | None = None, entrypoint=None):
    # conmon stops the container itself after --timeout: a hung run leaves nothing behind
    cmd = ["podman", "run", "--rm", "--net=none", "--timeout", "600"]
    if volume is not None:
        cmd += ["-v", f"{volume}:/work:Z"]
    if entrypoint is not None:
        cmd += ["--entrypoint", entrypoint]
    return timed(label, [*cmd, IMAGE, *args], env=env, capture_output=True, text=True,
                 timeout=660)  # fmt: skip


def test_image_checks_and_runs_a_shipped_study_as_non_root(tmp_path):
    podman_env = build_image()
    proc = podman_run(podman_env, "podman run: id -u", "-u", entrypoint="id")
    assert proc.returncode == 0, proc.stderr
    uid = int(proc.stdout.strip())
    assert uid != 0, "the image must not run as root"

    # the default working directory /work holds the shipped studies (studies/ -> /opt/warp)
    proc = podman_run(podman_env, "podman run: warp check", "check", "studies/single-chip.toml")
    assert proc.returncode == 0, proc.stderr + proc.stdout

    # a host folder mounted over /work: the results land there, owned by the image's user
    work = tmp_path / "work"
    work.mkdir()
    os.chown(work, uid, uid)
    proc = podman_run(
        podman_env, "podman run: warp run (coarse)",
        "run", SHIPPED_STUDY, "--out", "results/coarse", "--quiet", *COARSE_SMALL,
        volume=work,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    out = work / "results" / "coarse" / "results.nc"
    assert out.is_file(), sorted(str(p.relative_to(work)) for p in work.rglob("*"))
    assert out.stat().st_uid == uid != 0
    ds = results.read(out)
    assert results.check(ds) == []
    assert ds.sizes["step"] > 1
