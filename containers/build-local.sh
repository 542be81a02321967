#!/usr/bin/env bash
# Build the warp OCI image on a machine without Docker or registry access (run as root).
#
#   containers/build-local.sh            # -> localhost/warp:test
#
# What it does (see /work/shared/containers/README.md for why each step is needed):
#   1. installs podman, buildah, debootstrap and runc with apt if one is missing;
#   2. writes a private containers.conf (runc, default_ulimits) and storage.conf under $WORK;
#   3. debootstraps Debian trixie (minbase) once into $WORK/rootfs-trixie and imports it as
#      $BASE_IMAGE (only when that image is missing);
#   4. stages a small build context (pyproject.toml, README.md, warp/, studies/,
#      containers/) in $WORK/ctx and builds $IMAGE from containers/Containerfile with
#      --build-arg BASE=$BASE_IMAGE, the host CA bundle bind-mounted for pip (build only).
# Re-runs reuse the rootfs, the base image and podman's layer cache.
#
# Environment: WORK (default /tmp/warp-image), IMAGE (localhost/warp:test),
# BASE_IMAGE (localhost/debian:trixie-local), SUITE (trixie), MIRROR (apt's mirror).
# Use the same CONTAINERS_CONF / CONTAINERS_STORAGE_CONF to run the image afterwards:
#   export CONTAINERS_CONF=$WORK/containers.conf CONTAINERS_STORAGE_CONF=$WORK/storage.conf
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
WORK=${WORK:-/tmp/warp-image}
IMAGE=${IMAGE:-localhost/warp:test}
BASE_IMAGE=${BASE_IMAGE:-localhost/debian:trixie-local}
SUITE=${SUITE:-trixie}
CA=/etc/ssl/certs/ca-certificates.crt
T0=$SECONDS
step() { local s=$SECONDS; echo "== $*" >&2; "$@"; echo "[time] $((SECONDS - s))s: $1" >&2; }

[ "$(id -u)" = 0 ] || { echo "build-local.sh: must run as root" >&2; exit 1; }
mkdir -p "$WORK"

# 1. tools (crun cannot start containers on hybrid cgroup hosts: runc is used instead)
missing=()
for tool in podman buildah debootstrap runc; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  step apt-get update -qq
  step apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 2. private podman settings: runc, and rlimits no higher than this host allows
NOFILE=$(ulimit -Hn); NPROC=$(ulimit -Hu)
if [ "$NOFILE" = unlimited ] || [ "$NOFILE" -gt 1048576 ]; then NOFILE=1048576; fi
if [ "$NPROC" = unlimited ] || [ "$NPROC" -gt 32768 ]; then NPROC=32768; fi
cat > "$WORK/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$NOFILE:$NOFILE", "nproc=$NPROC:$NPROC"]
[engine]
runtime = "runc"
EOF
cat > "$WORK/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$WORK/storage"
runroot = "$WORK/runroot"
EOF
export CONTAINERS_CONF="$WORK/containers.conf" CONTAINERS_STORAGE_CONF="$WORK/storage.conf"

# 3. base image: Debian minbase from the mirror apt already uses, bootstrapped once
if [ -z "${MIRROR:-}" ]; then
  MIRROR=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$MIRROR" ] || MIRROR=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  MIRROR=${MIRROR:-http://deb.debian.org/debian}
fi
ROOTFS="$WORK/rootfs-$SUITE"
if [ ! -x "$ROOTFS/usr/bin/apt-get" ]; then
  rm -rf "$ROOTFS" "$ROOTFS.tmp"
  step debootstrap --variant=minbase "$SUITE" "$ROOTFS.tmp" "$MIRROR" >"$WORK/debootstrap.log"
  rm -rf "$ROOTFS.tmp/var/cache/apt/archives/"*.deb "$ROOTFS.tmp/var/lib/apt/lists/"*
  mv "$ROOTFS.tmp" "$ROOTFS"
  podman image rm -f "$BASE_IMAGE" >/dev/null 2>&1 || true
fi
if ! podman image exists "$BASE_IMAGE"; then
  step sh -c "tar -C '$ROOTFS' -c . | podman import -q - '$BASE_IMAGE' >/dev/null"
fi

# 4. build context: only what `pip install .[fem]` and the image need (no .venv, results, .git)
CTX="$WORK/ctx"
rm -rf "$CTX"; mkdir -p "$CTX/containers"
tar -C "$ROOT" -cf - --exclude=__pycache__ --exclude='*.pyc' --exclude='*.egg-info' \
  pyproject.toml README.md warp studies | tar -C "$CTX" -xf -
cp -p "$HERE/Containerfile" "$HERE/requirements.txt" "$CTX/containers/"
echo "== context: $(du -sh "$CTX" | cut -f1)" >&2

# 5. build; the host CA bundle is mounted for the build only (PyPI behind a TLS proxy)
ca_args=()
if [ -f "$CA" ]; then
  ca_args=(-v "$CA:/run/host-ca.crt:ro" --build-arg PIP_CERT=/run/host-ca.crt)
fi
step podman build --layers "${ca_args[@]}" --build-arg BASE="$BASE_IMAGE" \
  -f "$CTX/containers/Containerfile" -t "$IMAGE" "$CTX"
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' "$IMAGE"
echo "[time] $((SECONDS - T0))s: build-local.sh total" >&2
