#!/usr/bin/env bash
# Install what the test suite needs (only what is missing) and run all of
# it: format check, clippy, and the tests in release mode (release so that
# the guest programs run fast).
#
#   scripts/test.sh               on a Debian/Ubuntu x86-64 machine
#   scripts/test.sh --no-install  never install anything, only check and run
#
# Needs: cargo (https://rustup.rs); installs with apt-get when missing:
# a host C compiler, gcc-/g++-aarch64-linux-gnu, libc6-dev-arm64-cross (the
# guest cross toolchain and libraries) and qemu-user (qemu-aarch64, an
# optional oracle for the expected outputs; emu itself never uses it),
# golang-go (builds the Go guest programs for GOARCH=arm64),
# gdb-multiarch (tests/gdb.rs debugs a guest through emu-user -g) and
# python3 (writes the initramfs of tests/system_linux.rs); with
# rustup, the Rust target aarch64-unknown-linux-gnu (cargo as a cross test
# runner).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DEBIAN_FRONTEND=noninteractive
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

install=1
for arg in "$@"; do
    case "$arg" in
    --no-install) install=0 ;;
    -h | --help)
        sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "scripts/test.sh: unknown argument $arg" >&2
        exit 2
        ;;
    esac
done

section() {
    printf '\n==== %s ====\n' "$*"
}

# ---------------------------------------------------------------- install
section "Checking prerequisites"

sudo=()
if [[ "$(id -u)" != 0 ]]; then
    sudo=(sudo)
fi

# Each line: a command whose absence means the package is missing, and the
# package.  A "dpkg:" check looks for an installed package instead.
wanted="
cc                          gcc
aarch64-linux-gnu-gcc       gcc-aarch64-linux-gnu
aarch64-linux-gnu-g++       g++-aarch64-linux-gnu
dpkg:libc6-dev-arm64-cross  libc6-dev-arm64-cross
qemu-aarch64                qemu-user
go                          golang-go
gdb-multiarch               gdb-multiarch
python3                     python3
"

missing=()
while read -r check package; do
    [[ -z "$check" ]] && continue
    if [[ "$check" == dpkg:* ]]; then
        dpkg -s "${check#dpkg:}" >/dev/null 2>&1 && continue
    else
        command -v "$check" >/dev/null 2>&1 && continue
    fi
    missing+=("$package")
done <<<"$wanted"

if ((${#missing[@]} > 0)); then
    if ((install == 0)); then
        echo "missing packages (not installing, --no-install): ${missing[*]}" >&2
        exit 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "missing packages ${missing[*]} and no apt-get: install them by hand" >&2
        exit 1
    fi
    if ((${#sudo[@]} > 0)) && ! command -v sudo >/dev/null 2>&1; then
        echo "missing packages ${missing[*]}: run as root or install sudo" >&2
        exit 1
    fi
    section "Installing ${missing[*]}"
    "${sudo[@]}" apt-get update
    "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
else
    echo "system packages: all present"
fi

if ! command -v cargo >/dev/null 2>&1; then
    echo "cargo not found: install Rust with rustup (https://rustup.rs), then rerun" >&2
    exit 1
fi
components=()
cargo fmt --version >/dev/null 2>&1 || components+=(rustfmt)
cargo clippy --version >/dev/null 2>&1 || components+=(clippy)
if ((${#components[@]} > 0)); then
    if ((install == 1)) && command -v rustup >/dev/null 2>&1; then
        section "Installing Rust components ${components[*]}"
        rustup component add "${components[@]}"
    else
        echo "Rust components missing: ${components[*]} (rustup component add ${components[*]})" >&2
        exit 1
    fi
fi
# The arm64 Rust target for tests/cross_runner.rs (cargo as a cross test
# runner); without rustup that test says it is skipped.
if command -v rustup >/dev/null 2>&1 &&
    ! rustup target list --installed | grep -qx aarch64-unknown-linux-gnu; then
    if ((install == 1)); then
        section "Installing the Rust target aarch64-unknown-linux-gnu"
        rustup target add aarch64-unknown-linux-gnu
    fi
fi
cargo --version
aarch64-linux-gnu-gcc --version | head -n 1
qemu-aarch64 --version | head -n 1

# ------------------------------------------------------------------ build
section "Building guest programs (guest-bins/build.sh)"
bash guest-bins/build.sh

section "Building the Debian arm64 root (scripts/build-sysroot.sh)"
if [[ "${EMU_SKIP_DEBIAN:-}" != 1 ]]; then
    bash scripts/build-sysroot.sh
fi

# Debian's arm64 kernel and busybox for tests/system_linux.rs (fetched only
# when missing; without them that test says it is skipped).
section "Fetching the Linux images (scripts/fetch-system-images.sh)"
if [[ "${EMU_SKIP_DEBIAN:-}" != 1 ]]; then
    bash scripts/fetch-system-images.sh
fi

# ------------------------------------------------------------------ check
# Every check runs even if an earlier one failed; the summary says which.
failed=()
run_step() {
    local name="$1"
    shift
    section "$name: $*"
    local start=$SECONDS
    if "$@"; then
        echo "---- $name passed ($((SECONDS - start)) s)"
    else
        echo "---- $name FAILED ($((SECONDS - start)) s)"
        failed+=("$name")
    fi
}

run_step format cargo fmt --all -- --check
run_step clippy cargo clippy --workspace --all-targets -- -D warnings
run_step tests cargo test --workspace --release --no-fail-fast
# emu-user interprets each block's first runs; the guest programs once more
# with every block compiled before its first run, so the code they run only
# once is checked compiled too.
run_step guest-compiled env EMU_LOG=nointerp cargo test --release --test guest -- --skip qemu_oracle

section "Summary"
if ((${#failed[@]} > 0)); then
    echo "FAILED: ${failed[*]}"
    exit 1
fi
echo "all checks passed"
