#!/usr/bin/env bash
# Cross-check the expected outputs (NAME.stdout / NAME.status) against
# oracles: a native host build of each C program (portable programs print
# the same on x86-64) and qemu-aarch64 on the static and dynamic builds.
#
#   guest-bins/check-expected.sh               check every program
#   guest-bins/check-expected.sh --write NAME  write c/NAME.stdout and
#                                              c/NAME.status from the native run
#
# This is a maintenance helper for whoever adds a program; the test suite
# itself never runs QEMU except as an optional oracle (tests/guest.rs).
set -uo pipefail
shopt -s nullglob

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/build.sh" >/dev/null || exit 1
mkdir -p "$here/out/native"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# run DIR NAME CMD...: run CMD with NAME's args and env (clean environment);
# leaves stdout in $tmp/out and the status (N or signal:N) in $tmp/status.
run() {
    local dir="$1" name="$2"
    shift 2
    local -a args=() env=()
    [[ -f "$dir/$name.args" ]] && mapfile -t args <"$dir/$name.args"
    [[ -f "$dir/$name.env" ]] && mapfile -t env <"$dir/$name.env"
    # The subshell keeps bash's "Aborted"/"Segmentation fault" notes quiet.
    (
        timeout 60 env -i "${env[@]}" "$@" "${args[@]}" >"$tmp/out"
        exit $?
    ) 2>/dev/null
    local rc=$?
    if ((rc > 128 && rc < 160)); then
        echo "signal:$((rc - 128))" >"$tmp/status"
    else
        echo "$rc" >"$tmp/status"
    fi
}

# verdict LABEL DIR NAME: compare $tmp/out and $tmp/status with expectations.
# A native mismatch is only a note (e.g. __builtin_trap is SIGILL on
# x86-64, SIGTRAP on arm64); a qemu mismatch makes the script fail.
bad=0
verdict() {
    local label="$1" dir="$2" name="$3"
    if cmp -s "$tmp/out" "$dir/$name.stdout" && [[ "$(cat "$tmp/status")" == "$(tr -d ' \n' <"$dir/$name.status")" ]]; then
        echo "  ok    $label $name"
    else
        echo "  DIFF  $label $name (status $(cat "$tmp/status"), expected $(cat "$dir/$name.status"))"
        diff "$dir/$name.stdout" "$tmp/out" | head -5 | sed 's/^/        /'
        [[ "$label" == native ]] || bad=1
    fi
}

if [[ "${1:-}" == --write ]]; then
    name="$2"
    gcc -O2 -g0 -o "$here/out/native/$name" "$here/c/$name.c" || exit 1
    run "$here/c" "$name" "$here/out/native/$name"
    cp "$tmp/out" "$here/c/$name.stdout"
    cp "$tmp/status" "$here/c/$name.status"
    echo "wrote c/$name.stdout and c/$name.status (status $(cat "$tmp/status")); review them"
    exit 0
fi

for src in "$here"/c/*.c "$here"/asm/*.S; do
    dir="$(dirname "$src")"
    name="$(basename "${src%.*}")"
    if [[ ! -f "$dir/$name.stdout" ]]; then
        echo "  MISSING $dir/$name.stdout"
        bad=1
        continue
    fi
    if [[ "$src" == *.c ]] && gcc -O2 -g0 -o "$here/out/native/$name" "$src" 2>/dev/null; then
        run "$dir" "$name" "$here/out/native/$name"
        verdict native "$dir" "$name"
    fi
    if command -v qemu-aarch64 >/dev/null; then
        if [[ "$src" == *.S ]]; then
            run "$dir" "$name" qemu-aarch64 "$here/out/asm/$name"
            verdict qemu-asm "$dir" "$name"
            continue
        fi
        run "$dir" "$name" qemu-aarch64 "$here/out/static/$name"
        verdict qemu-static "$dir" "$name"
        if [[ -f "$here/out/dynamic/$name" ]]; then
            run "$dir" "$name" qemu-aarch64 -L /usr/aarch64-linux-gnu "$here/out/dynamic/$name"
            verdict qemu-dynamic "$dir" "$name"
        fi
    fi
done
exit "$bad"
