#!/usr/bin/env bash
# Builds a self-contained arm64 Debian bookworm root from Debian's package
# archive, for `emu-user -L ROOT` (a chroot-like overlay: the guest's opens of
# absolute paths look in ROOT first, and execve of /bin/sh and friends
# resolves there).
#
#   scripts/build-sysroot.sh [--force] [DIR] [-- EXTRA-PACKAGE...]
#
# DIR defaults to target/arm64-sysroot.  The packages are those of a small
# working system: dash (the guest's /bin/sh), bash, coreutils, findutils,
# grep, sed, gawk, diffutils, tar, gzip, bzip2, xz-utils, zstd, perl, python3
# with CPython's test suite, lua5.4, sqlite3, busybox-static and nodejs,
# plus every package they depend on (Depends and Pre-Depends, recursively,
# including Debian's own arm64 libc6: the root does not rely on the host's
# cross toolchain).
#
# Only apt and dpkg-deb are used: apt runs unprivileged-style with a private
# list directory, cache and sources (the host's own bookworm mirrors, see
# scripts/lib/arm64-apt.sh), and the packages are extracted with
# `dpkg-deb -x`; no maintainer scripts run, so the links that Debian's
# maintainer scripts would make (update-alternatives for awk, ...) are made
# here.
#
# Idempotent: does nothing when DIR holds a complete root of the same
# package list (stamp file); --force rebuilds.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build-sysroot: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=lib/arm64-apt.sh
source "$here/scripts/lib/arm64-apt.sh"

PACKAGES=(
    dash bash coreutils findutils grep sed gawk diffutils tar gzip bzip2
    xz-utils zstd perl python3 python3.11 libpython3.11-testsuite lua5.4
    sqlite3 busybox-static nodejs
)

force=0
root=""
while [[ $# -gt 0 ]]; do
    case "$1" in
    --force) force=1 ;;
    --) shift; PACKAGES+=("$@"); break ;;
    -h | --help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [[ -z "$root" ]] || die "one DIR only"; root=$1 ;;
    esac
    shift
done
root=$(realpath -m "${root:-$here/target/arm64-sysroot}")
work="$root.apt"
stamp="$root/.emu-sysroot"
want="sysroot 1: ${PACKAGES[*]}"

if [[ $force == 0 ]] && stamp_matches "$stamp" "$want"; then
    log "already built in $root (rerun with --force to rebuild)"
    exit 0
fi
need_apt_tools

mkdir -p "$work/debs"
arm64_apt_setup "$work/apt"

# The closure over Depends and Pre-Depends.  Virtual packages (printed in
# <angle brackets>) are left out: a real package providing each is in the
# list as one of the alternatives.
log "resolving dependencies"
all=$(apt-cache "${APT[@]}" depends --recurse --no-recommends --no-suggests \
    --no-conflicts --no-breaks --no-replaces --no-enhances "${PACKAGES[@]}" |
    awk '/^[a-z0-9]/ { print $1 }' | sed 's/:arm64$//' | sort -u) ||
    die "apt-cache depends failed"
# shellcheck disable=SC2086
set -- $all
log "$# packages"

log "downloading into $work/debs"
(cd "$work/debs" && apt-get "${APT[@]}" -q download "$@" >&2) ||
    die "apt-get download failed"

rm -rf "$root"
mkdir -p "$root"
for p in "$@"; do
    deb=$(ls -t "$work/debs/${p}_"*_arm64.deb "$work/debs/${p}_"*_all.deb 2>/dev/null |
        head -n1) || true
    [[ -n "$deb" ]] || die "no .deb downloaded for $p"
    dpkg-deb -x "$deb" "$root" || die "dpkg-deb -x $deb failed"
done
usr_merge "$root"

# What maintainer scripts would have linked.
link() { [[ -e "$root/$2" || -L "$root/$2" ]] || ln -s "$1" "$root/$2"; }
link dash usr/bin/sh
link gawk usr/bin/awk
link python3.11 usr/bin/python3
link lua5.4 usr/bin/lua
mkdir -p "$root/tmp" "$root/etc"
chmod 1777 "$root/tmp"
for f in usr/bin/sh usr/bin/bash usr/bin/python3 usr/bin/perl usr/bin/node \
    usr/bin/lua usr/bin/sqlite3 usr/bin/busybox usr/bin/awk usr/bin/tar; do
    [[ -e "$root/$f" ]] || die "$f is missing from the root"
done

printf '%s\n%s\n' "$want" "$*" >"$stamp"
log "done: $root ($(du -sh "$root" | cut -f1)); run e.g."
log "  emu-user -L $root $root/usr/bin/python3 -c 'print(1)'"
