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
# cxx/NAME.cc -> out/static/NAME, out/dynamic/NAME (C++, as for C; names
#                                  must not clash with c/)
# system/NAME.c -> out/system/NAME.elf (bare metal for emu-system, see
#                                  system/build.sh)
# go/NAME/     -> out/go/NAME     (a Go module, GOARCH=arm64 CGO_ENABLED=0,
#                                  static; `go build` when it has package
#                                  main, otherwise its `go test -c` binary)
#
# Outputs newer than their source (and than this script) are left alone.
# Environment: CROSS_CC overrides the compiler (default aarch64-linux-gnu-gcc),
# CROSS_CXX the C++ compiler (default aarch64-linux-gnu-g++), GO the Go
# toolchain (default go: Debian's golang-go).
set -euo pipefail
shopt -s nullglob

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cc="${CROSS_CC:-aarch64-linux-gnu-gcc}"
cxx="${CROSS_CXX:-aarch64-linux-gnu-g++}"
cflags=(-O2 -g0 -Wall -Wextra -Wno-unused-parameter)
libs=(-lm) # after the source, so that static links find libm's functions
asmflags=(-nostdlib -static -g0 -Wl,--build-id=none)

if ! command -v "$cc" >/dev/null 2>&1; then
    echo "build.sh: $cc not found (Debian/Ubuntu: apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross)" >&2
    exit 1
fi

# up_to_date OUT SRC: OUT exists and is newer than SRC, this script and the
# headers next to SRC.
up_to_date() {
    [[ -e "$1" && "$1" -nt "$2" && "$1" -nt "${BASH_SOURCE[0]}" ]] || return 1
    local h
    for h in "$(dirname "$2")"/*.h; do
        [[ "$1" -nt "$h" ]] || return 1
    done
}

# build_with COMPILER OUT SRC ARGS...: compile SRC into OUT unless it is up
# to date.
build_with() {
    local compiler="$1" out="$2" src="$3"
    shift 3
    if up_to_date "$out" "$src"; then
        return 0
    fi
    echo "  CC  ${out#"$here"/}"
    "$compiler" "$@" -o "$out.tmp" "$src" "${libs[@]}"
    mv -f "$out.tmp" "$out"
}

build() {
    build_with "$cc" "$@"
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

cxx_sources=("$here"/cxx/*.cc)
if ((${#cxx_sources[@]} > 0)) && ! command -v "$cxx" >/dev/null 2>&1; then
    echo "build.sh: $cxx not found (Debian/Ubuntu: apt-get install g++-aarch64-linux-gnu)" >&2
    exit 1
fi
for src in "${cxx_sources[@]}"; do
    name="$(basename "$src" .cc)"
    build_with "$cxx" "$here/out/static/$name" "$src" "${cflags[@]}" -static
    build_with "$cxx" "$here/out/dynamic/$name" "$src" "${cflags[@]}"
done

go="${GO:-go}"
go_modules=("$here"/go/*/)
if ((${#go_modules[@]} > 0)) && ! command -v "$go" >/dev/null 2>&1; then
    echo "build.sh: $go not found (Debian/Ubuntu: apt-get install golang-go)" >&2
    exit 1
fi
mkdir -p "$here/out/go"
for dir in "${go_modules[@]}"; do
    dir="${dir%/}"
    name="$(basename "$dir")"
    out="$here/out/go/$name"
    fresh=1
    for src in "$dir"/*.go "$dir"/go.mod; do
        [[ -e "$out" && "$out" -nt "$src" && "$out" -nt "${BASH_SOURCE[0]}" ]] || fresh=0
    done
    ((fresh)) && continue
    echo "  GO  ${out#"$here"/}"
    if grep -q '^package main$' "$dir"/*.go; then
        (cd "$dir" && GOARCH=arm64 CGO_ENABLED=0 "$go" build -buildvcs=false -o "$out.tmp" .)
    else
        (cd "$dir" && GOARCH=arm64 CGO_ENABLED=0 "$go" test -buildvcs=false -c -o "$out.tmp" .)
    fi
    mv -f "$out.tmp" "$out"
done

libs=() # freestanding: no libraries
for src in "$here"/asm/*.S; do
    name="$(basename "$src" .S)"
    build "$here/out/asm/$name" "$src" "${asmflags[@]}"
done

# Bare-metal programs for emu-system (system/NAME.c -> out/system/NAME.elf).
CROSS_CC="$cc" "$here/system/build.sh"

echo "guest-bins: up to date in ${here}/out"
