#!/usr/bin/env bash
# Fetches what emu-system needs to boot Linux to a busybox shell: Debian
# bookworm's arm64 kernel and busybox-static, from Debian's archive with
# apt alone (a private arm64 apt state built from the host's own mirrors,
# see scripts/lib/arm64-apt.sh), and builds an initramfs around busybox.
#
#   scripts/fetch-system-images.sh [--force] [DIR]
#
# DIR defaults to target/system-images and ends up holding:
#   Image          the kernel (an arm64 Image; a gzip-compressed vmlinuz is
#                  unpacked)
#   busybox        the static arm64 busybox
#   modules/       the kernel's virtio modules (virtio-mmio transport,
#                  virtio-blk, virtio-rng, virtio-console, virtio-net and
#                  what they need) that the flavour builds as modules, and
#                  gpio_keys and evdev when it has them (linux-image-arm64)
#   initramfs.cpio a newc archive: /bin/busybox, its applet links in /bin
#                  and /sbin, /dev/console, the modules in /lib/modules,
#                  and an /init that mounts proc, sysfs and devtmpfs, loads
#                  the modules and runs a shell on the console
#
# EMU_LINUX_PACKAGE picks the kernel metapackage (default
# linux-image-cloud-arm64, Debian's kernel for virtual machines: the same
# built-in drivers for this board as linux-image-arm64, a third of the size).
# Idempotent: does nothing when DIR is complete for the same packages
# (stamp file); --force fetches again.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'fetch-system-images: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=lib/arm64-apt.sh
source "$here/scripts/lib/arm64-apt.sh"

meta=${EMU_LINUX_PACKAGE:-linux-image-cloud-arm64}
force=0
dir=""
while [[ $# -gt 0 ]]; do
    case "$1" in
    --force) force=1 ;;
    -h | --help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [[ -z "$dir" ]] || die "one DIR only"; dir=$1 ;;
    esac
    shift
done
dir=$(realpath -m "${dir:-$here/target/system-images}")
stamp="$dir/.emu-system-images"
want="system-images 4: $meta busybox-static"
if [[ $force == 0 ]] && stamp_matches "$stamp" "$want"; then
    log "already fetched in $dir (rerun with --force to fetch again)"
    exit 0
fi
need_apt_tools
command -v python3 >/dev/null || die "python3 not found (writes the cpio archive)"

work="$dir/apt"
mkdir -p "$work/debs"
arm64_apt_setup "$work/state"

# The metapackage names the current ABI package (linux-image-6.1.0-N-...).
kpkg=$(apt-cache "${APT[@]}" depends "$meta" | awk '/Depends: linux-image-/ { print $2; exit }')
[[ -n "$kpkg" ]] || die "cannot resolve $meta to a kernel package"
log "kernel package: $kpkg"
rm -f "$work/debs/"*.deb
(cd "$work/debs" && apt-get "${APT[@]}" -q download "$kpkg" busybox-static >&2) ||
    die "apt-get download failed"

x="$work/x"
rm -rf "$x"
mkdir -p "$x"
for deb in "$work/debs/"*.deb; do
    dpkg-deb -x "$deb" "$x" || die "dpkg-deb -x $deb failed"
done
vmlinuz=""
for f in "$x"/boot/vmlinuz-*; do
    [[ -f "$f" ]] && vmlinuz=$f
done
[[ -n "$vmlinuz" ]] || die "no /boot/vmlinuz-* in $kpkg"
# Debian's arm64 vmlinuz is the Image itself on bookworm; unpack it if it
# is gzip-compressed.
if [[ "$(head -c2 "$vmlinuz" | od -An -tx1 | tr -d ' ')" == 1f8b ]]; then
    gzip -dc "$vmlinuz" >"$dir/Image.tmp"
else
    cp "$vmlinuz" "$dir/Image.tmp"
fi
[[ "$(dd if="$dir/Image.tmp" bs=1 skip=56 count=4 2>/dev/null | od -An -tx1 | tr -d ' ')" == 41524d64 ]] ||
    die "$vmlinuz is not an arm64 Image (no ARM\\x64 magic)"
mv -f "$dir/Image.tmp" "$dir/Image"
bb=""
for f in "$x/bin/busybox" "$x/usr/bin/busybox"; do
    [[ -f "$f" ]] && bb=$f
done
[[ -n "$bb" ]] || die "no busybox in busybox-static"
cp "$bb" "$dir/busybox"
chmod 755 "$dir/busybox"

rm -rf "$dir/modules"
mkdir -p "$dir/modules"
# copy_module PATH: kernel/PATH.ko* into modules/ (decompressed); false
# when the package has no such module.
copy_module() {
    local f
    f=$(find "$x/lib/modules" -path "*/kernel/$1.ko*" | head -n1)
    [[ -n "$f" ]] || return 1
    case "$f" in
    *.ko) cp "$f" "$dir/modules/" ;;
    *.ko.xz) xz -dc "$f" >"$dir/modules/$(basename "$f" .xz)" ;;
    *) die "$f: unknown module compression" ;;
    esac
}
# Built into some flavours (linux-image-arm64 has the virtio transport,
# ring and net built in): modules.builtin lists them.
builtin=$(cat "$x"/lib/modules/*/modules.builtin 2>/dev/null || true)
for m in drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_mmio \
    drivers/block/virtio_blk drivers/char/hw_random/virtio-rng drivers/char/virtio_console \
    net/core/failover drivers/net/net_failover drivers/net/virtio_net; do
    copy_module "$m" || grep -qx "kernel/$m.ko" <<<"$builtin" || die "no $m.ko in $kpkg"
done
# The power button's input device: gpio_keys (and evdev for
# /dev/input/event*), modules of linux-image-arm64; the cloud flavour has
# no gpio_keys driver at all.
if copy_module drivers/input/keyboard/gpio_keys; then
    copy_module drivers/input/evdev || true
fi

log "writing $dir/initramfs.cpio"
python3 "$here/scripts/lib/initramfs.py" "$dir/busybox" "$dir/initramfs.cpio.tmp" - "$dir/modules/"*.ko
mv -f "$dir/initramfs.cpio.tmp" "$dir/initramfs.cpio"
rm -rf "$x"

printf '%s\n%s\n' "$want" "$kpkg" >"$stamp"
log "done: $dir"
log "  emu-system -kernel $dir/Image -initrd $dir/initramfs.cpio -append 'console=ttyAMA0'"
