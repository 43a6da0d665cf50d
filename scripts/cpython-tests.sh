#!/usr/bin/env bash
# CPython's own regression tests under emu-user, over the broad module list
# of issue 11, including the long modules that tests/debian_programs.rs
# leaves out of CI (test_asyncio, test_socket, test_multiprocessing_fork,
# test_concurrent_futures: 3 to 20 minutes each on a 2-core machine).
#
#   scripts/cpython-tests.sh [-jN] [MODULE...]
#
# Uses target/release/emu-user (EMU overrides) and the root of
# scripts/build-sysroot.sh (EMU_SYSROOT overrides; built when missing).
# Exclusion, for a reason outside the guest:
# - test_socket's VSOCK stream tests: they need vsock loopback in the host
#   kernel, and hang natively on a VM without it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
emu=${EMU:-$here/target/release/emu-user}
root=${EMU_SYSROOT:-$here/target/arm64-sysroot}
jobs=-j2
if [[ "${1:-}" == -j* ]]; then jobs=$1; shift; fi
modules=("$@")
if [[ ${#modules[@]} == 0 ]]; then
    modules=(
        test_json test_re test_math test_struct test_float test_decimal test_zlib
        test_hashlib test_threading test_time test_os test_signal test_subprocess
        test_socket test_mmap test_select test_fcntl test_tempfile test_shutil
        test_itertools test_collections test_datetime test_unicode test_bytes
        test_pickle test_io test_posix test_pty test_asyncio
        test_concurrent_futures test_multiprocessing_fork test_ctypes
        test_exceptions test_gc test_sys
    )
fi
[[ -x "$emu" ]] || (cd "$here" && cargo build --release)
[[ -f "$root/.emu-sysroot" ]] || bash "$here/scripts/build-sysroot.sh" "$root"
cd "$(mktemp -d)"
exec "$emu" -L "$root" "$root/usr/bin/python3" -m test "$jobs" \
    -i '*VSOCK*' "${modules[@]}"
