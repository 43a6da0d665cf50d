#!/usr/bin/env python3
"""Writes a newc cpio initramfs around a static busybox.

    initramfs.py BUSYBOX OUT [INIT [MODULE.ko | /DEST=SRC ...]]

The archive holds /bin/busybox, a link for each applet of a fixed list
(the arm64 binary never runs on the host), /dev/console, the usual mount
points, /init (the file INIT, or a default that mounts proc, sysfs and
devtmpfs, loads the virtio modules and runs an interactive shell on the
console, and powers off when the power button's GPIO line rises; INIT
may be "-" for the default) and each MODULE.ko given as
/lib/modules/MODULE.ko; /DEST=SRC adds the file SRC as the executable
/DEST (its directory one of the usual ones).
"""
import os
import sys

DEFAULT_INIT = """#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
for m in $VIRTIO_MODULES; do
    [ -f /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko
done
# The power button (QMP system_powerdown): line 3 of the board's PL061.
# Busybox has no daemon for the key, and Debian's cloud kernel no gpio-keys
# driver: a watcher powers off when the kernel counts an interrupt of the
# line in /proc/interrupts (armed here through sysfs for the rising edge,
# or by gpio_keys when it is loaded and owns the line).
for c in /sys/class/gpio/gpiochip*; do
    [ "$(cat $c/label 2>/dev/null)" = 9030000.pl061 ] || continue
    n=$(( $(cat $c/base) + 3 ))
    echo $n > /sys/class/gpio/export 2>/dev/null && echo rising > /sys/class/gpio/gpio$n/edge
    # The count before the line below tells the button is watched.
    idle=$(grep pl061 /proc/interrupts) || continue
    (
        while [ "$(grep pl061 /proc/interrupts)" = "$idle" ]; do sleep 1; done
        echo "power button pressed: powering off"
        sync
        poweroff -f
    ) &
    echo "power button: line 3 of $(cat $c/label) powers off"
done
echo "busybox initramfs: type poweroff -f to leave"
exec setsid cttyhack sh
"""

APPLETS = (
    "sh ash cat cp dd df dmesg echo env free grep head hostname kill ln ls "
    "mkdir mknod more mount mv ps pwd rm rmdir sed sleep sort stat sync tail "
    "tee test time top touch tr true false uname umount uptime vi wc yes "
    "date seq expr which setsid cttyhack poweroff reboot halt "
    "insmod hexdump od md5sum blockdev cmp "
    "ip ifconfig route udhcpc ping wget nc nslookup"
).split()
SBIN = {"poweroff", "reboot", "halt", "insmod", "blockdev", "ifconfig", "route", "udhcpc"}
# The virtio modules of Debian's kernel, in load order (each needs the
# ones before it), then the power button's input device (modules of
# linux-image-arm64; loaded when present).
VIRTIO_MODULES = (
    "virtio_ring virtio virtio_mmio virtio_blk virtio-rng virtio_console "
    "failover net_failover virtio_net evdev gpio_keys"
)


class Cpio:
    def __init__(self):
        self.data = bytearray()
        self.ino = 1

    def _pad(self):
        self.data += b"\0" * (-len(self.data) % 4)

    def entry(self, name, mode, body=b"", rdev=(0, 0)):
        name_b = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, 1, 0, len(body), 0, 0, rdev[0], rdev[1], len(name_b), 0]
        self.ino += 1
        self.data += b"070701" + b"".join(b"%08X" % f for f in fields)
        self.data += name_b
        self._pad()
        self.data += body
        self._pad()

    def finish(self):
        self.entry("TRAILER!!!", 0)
        return bytes(self.data)


def main():
    busybox, out = sys.argv[1], sys.argv[2]
    if len(sys.argv) > 3 and sys.argv[3] != "-":
        init = open(sys.argv[3], "rb").read()
    else:
        init = DEFAULT_INIT.replace("$VIRTIO_MODULES", VIRTIO_MODULES).encode()
    modules = [a for a in sys.argv[4:] if "=" not in a]
    extra = [a[1:].split("=", 1) for a in sys.argv[4:] if "=" in a]
    c = Cpio()
    for d in ("bin", "sbin", "dev", "proc", "sys", "tmp", "root", "etc", "lib", "lib/modules"):
        c.entry(d, 0o040755)
    for m in modules:
        c.entry("lib/modules/" + os.path.basename(m), 0o100644, open(m, "rb").read())
    c.entry("dev/console", 0o020600, rdev=(5, 1))
    c.entry("bin/busybox", 0o100755, open(busybox, "rb").read())
    for a in APPLETS:
        where = "sbin" if a in SBIN else "bin"
        target = "../bin/busybox" if where == "sbin" else "busybox"
        c.entry(f"{where}/{a}", 0o120777, target.encode())
    c.entry("init", 0o100755, init)
    for dest, src in extra:
        c.entry(dest, 0o100755, open(src, "rb").read())
    open(out, "wb").write(c.finish())


if __name__ == "__main__":
    main()
