#!/usr/bin/env bash
# Builds a statically linked emu-user (glibc, crt-static) for binfmt_misc's F
# flag: the kernel opens the interpreter once at registration and runs it in
# containers and chroots that have neither emu-user nor its shared libraries.
#
#   scripts/build-static.sh        -> target/x86_64-unknown-linux-gnu/release/emu-user
#   then: sudo target/x86_64-unknown-linux-gnu/release/emu-user --binfmt install
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" \
    cargo build --release --target x86_64-unknown-linux-gnu --bin emu-user
out=target/x86_64-unknown-linux-gnu/release/emu-user
if ldd "$out" 2>&1 | grep -q 'not a dynamic executable\|statically linked'; then
    echo "static emu-user: $out"
else
    echo "build-static: $out is not statically linked" >&2
    exit 1
fi
