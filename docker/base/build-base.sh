#!/usr/bin/env bash
# Builds the LOCAL base image of the worker from Debian packages, without a Docker daemon or a registry:
# debootstrap (bookworm, minbase) with openjdk-17-jre-headless, a non-root user `shop` (uid/gid 10001),
# packed as a `docker save`-format tarball that Jib layers the worker onto (`tar://`).
#
#   docker/base/build-base.sh [CACHE_DIR]     prints the path of the base tarball
#
# The tarball is cached in CACHE_DIR (default .image-cache/ at the repository root, git-ignored) under a
# key made of this script's content and the candidate versions of the packages that matter (from the
# host's apt lists): a rebuild happens only when one of them changes. Needs root (debootstrap), network
# to deb.debian.org, and debootstrap itself (Debian package `debootstrap`).
# The production image uses eclipse-temurin by digest instead (pipeline/pom.xml, -Pimage,production).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CACHE="${1:-$ROOT/.image-cache}"
SUITE=bookworm
MIRROR="${SHOP_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PACKAGES=openjdk-17-jre-headless

fail() { echo "error: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || fail "building the local base image needs root (debootstrap and chroot)"
command -v debootstrap >/dev/null || fail "debootstrap not found: install the Debian package 'debootstrap' (apt-get install debootstrap)"

versions() {
  for package in $PACKAGES libc6 ca-certificates-java; do
    printf '%s=%s\n' "$package" "$(apt-cache policy "$package" 2>/dev/null | sed -n 's/^ *Candidate: //p')"
  done
  printf 'debootstrap=%s\n' "$(dpkg-query -W -f='${Version}' debootstrap 2>/dev/null || echo unknown)"
}
KEY="$( { cat "$0"; echo "$SUITE $MIRROR"; versions; } | sha256sum | cut -c1-16)"
TARBALL="$CACHE/debian-$SUITE-jre17-$KEY.tar"
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9
if [ ! -s "$TARBALL" ]; then
  WORK="$(mktemp -d "$CACHE/build.XXXXXX")"
  trap 'rm -rf "$WORK"' EXIT
  ROOTFS="$WORK/rootfs"
  echo "building the local base image (debootstrap $SUITE + $PACKAGES, a few minutes; cached as $TARBALL)..." >&2
  debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$ROOTFS" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; fail "debootstrap failed (log above)"; }
  echo "shop:x:10001:" >> "$ROOTFS/etc/group"
  echo "shop:x:10001:10001:shop-stream worker:/app:/usr/sbin/nologin" >> "$ROOTFS/etc/passwd"
  echo "shop:!:19000::::::" >> "$ROOTFS/etc/shadow"
  mkdir -p "$ROOTFS/app"
  chroot "$ROOTFS" dpkg-query -W -f='${Package}=${Version}\n' > "$ROOTFS/etc/shop-stream-base-packages.txt"
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/usr/share/doc/* \
    "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/locale/* "$ROOTFS"/var/log/* "$ROOTFS"/dev/* "$ROOTFS"/proc/* \
    "$ROOTFS"/sys/* "$ROOTFS"/tmp/* "$ROOTFS"/run/*
  chmod 1777 "$ROOTFS/tmp"
  # one layer, reproducible: sorted names, numeric owners, fixed times
  tar --sort=name --numeric-owner --mtime=@0 --xattrs-exclude='*' -C "$ROOTFS" -cf "$WORK/layer.tar" .
  DIFF_ID="sha256:$(sha256sum "$WORK/layer.tar" | cut -d' ' -f1)"
  JAVA_HOME_DIR="$(cd "$ROOTFS" && ls -d usr/lib/jvm/java-17-openjdk-* | head -1)"
  cat > "$WORK/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/$JAVA_HOME_DIR","LANG=C.UTF-8"]},"rootfs":{"type":"layers","diff_ids":["$DIFF_ID"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"docker/base/build-base.sh: debootstrap $SUITE $PACKAGES"}]}
JSON
  echo '[{"Config":"config.json","RepoTags":["shop-stream-base:local"],"Layers":["layer.tar"]}]' > "$WORK/manifest.json"
  cp "$ROOTFS/etc/shop-stream-base-packages.txt" "$WORK/packages.txt"
  tar --sort=name --mtime=@0 -C "$WORK" -cf "$TARBALL.partial" manifest.json config.json layer.tar
  mv "$TARBALL.partial" "$TARBALL"
  cp "$WORK/packages.txt" "${TARBALL%.tar}.packages.txt"
fi
ln -sfn "$(basename "$TARBALL")" "$CACHE/base.tar"
echo "$CACHE/base.tar"
