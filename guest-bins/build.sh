#!/usr/bin/env bash
# Build the guest test programs with the arm64 cross compiler.
#
#   guest-bins/build.sh            build every program into guest-bins/out/
#   guest-bins/build.sh prebuilt   rebuild the committed guest-bins/prebuilt/hello
#
# c/NAME.c   -> out/static/NAME   (-static -O2)
#               out/dynamic/NAME  (-O2, dynamic against /usr/aarch64-linux-gnu)
# asm/NAME.S -> out/asm/NAME      (-nostdlib -static; own directory, as
#                                  asm/hello and c/hello share a name)
#
# Outputs newer than their source (and than this script) are left alone.
# Environment: CROSS_CC overrides the compiler (default aarch64-linux-gnu-gcc).
set -euo pipefail
shopt -s nullglob

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cc="${CROSS_CC:-aarch64-linux-gnu-gcc}"
cflags=(-O2 -g0 -Wall -Wextra -Wno-unused-parameter)
asmflags=(-nostdlib -static -g0 -Wl,--build-id=none)

if ! command -v "$cc" >/dev/null 2>&1; then
    echo "build.sh: $cc not found (Debian/Ubuntu: apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross)" >&2
    exit 1
fi

# up_to_date OUT SRC: OUT exists and is newer than SRC and this script.
up_to_date() {
    [[ -e "$1" && "$1" -nt "$2" && "$1" -nt "${BASH_SOURCE[0]}" ]]
}

# build OUT SRC ARGS...: compile SRC into OUT unless it is up to date.
build() {
    local out="$1" src="$2"
    shift 2
    if up_to_date "$out" "$src"; then
        return 0
    fi
    echo "  CC  ${out#"$here"/}"
    "$cc" "$@" -o "$out.tmp" "$src"
    mv -f "$out.tmp" "$out"
}

if [[ "${1:-}" == prebuilt ]]; then
    # The newcomer demo: stripped, one 4 KiB-aligned segment, a few hundred bytes.
    "$cc" "${asmflags[@]}" -s -Wl,-z,max-page-size=4096 -o "$here/prebuilt/hello" "$here/asm/hello.S"
    ls -l "$here/prebuilt/hello"
    exit 0
fi

mkdir -p "$here/out/static" "$here/out/dynamic" "$here/out/asm"

for src in "$here"/c/*.c; do
    name="$(basename "$src" .c)"
    build "$here/out/static/$name" "$src" "${cflags[@]}" -static
    build "$here/out/dynamic/$name" "$src" "${cflags[@]}"
done

for src in "$here"/asm/*.S; do
    name="$(basename "$src" .S)"
    build "$here/out/asm/$name" "$src" "${asmflags[@]}"
done

echo "guest-bins: up to date in ${here}/out"
