#!/usr/bin/env bash
# Build the bare-metal system-mode test programs: system/NAME.c, linked with
# boot.S and lib.c at 0x40080000 (kernel.ld) -> out/system/NAME.elf, and
# image.S, a raw arm64 Image -> out/system/image.bin.
# Called by guest-bins/build.sh; CROSS_CC overrides the compiler.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cc="${CROSS_CC:-aarch64-linux-gnu-gcc}"
out="$here/../out/system"
mkdir -p "$out"
flags=(-O2 -g0 -march=armv8.1-a -Wall -Wextra -Wno-unused-parameter -ffreestanding -fno-builtin -nostdlib -static
    -mgeneral-regs-only -mstrict-align -fno-pie -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T "$here/kernel.ld")
for src in "$here"/*.c; do
    name="$(basename "$src" .c)"
    [[ "$name" == lib ]] && continue
    elf="$out/$name.elf"
    if [[ -e "$elf" && "$elf" -nt "$src" && "$elf" -nt "$here/lib.c" && "$elf" -nt "$here/boot.S" \
        && "$elf" -nt "$here/lib.h" && "$elf" -nt "$here/kernel.ld" && "$elf" -nt "${BASH_SOURCE[0]}" ]]; then
        continue
    fi
    echo "  CC  system/$name.elf"
    "$cc" "${flags[@]}" -o "$elf.tmp" "$here/boot.S" "$here/lib.c" "$src"
    mv -f "$elf.tmp" "$elf"
done

bin="$out/image.bin"
if [[ ! -e "$bin" || "$bin" -ot "$here/image.S" || "$bin" -ot "${BASH_SOURCE[0]}" ]]; then
    echo "  AS  system/image.bin"
    "$cc" -c -o "$out/image.o" "$here/image.S"
    "${cc%gcc}objcopy" -O binary -j .text "$out/image.o" "$bin.tmp"
    mv -f "$bin.tmp" "$bin"
fi
