#!/usr/bin/env bash
# Builds stack-harness/base:<codename> (a Debian minbase root file system) with
# debootstrap + docker import, unless that tag is already present.
# Usage: images/base/build.sh bookworm|trixie
set -euo pipefail

codename=${1:?usage: images/base/build.sh bookworm|trixie}
tag="stack-harness/base:${codename}"
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag: present, reused"
  exit 0
fi
if ! command -v debootstrap >/dev/null; then
  echo "$tag: debootstrap is missing; install it (apt-get install debootstrap)" >&2
  echo "  or build from a registry image instead: STACK_HARNESS_BASE_${codename^^}=debian:${codename}-slim" >&2
  exit 1
fi

rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
started=$SECONDS
debootstrap --variant=minbase "$codename" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
  tail -n 20 "$rootfs.log" >&2
  exit 1
}
rm -f "$rootfs.log"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | docker import - "$tag" >/dev/null
echo "$tag: built in $((SECONDS - started)) s"
