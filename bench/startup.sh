#!/usr/bin/env bash
# Start-up latency: a static and a dynamic hello world natively, under
# emu-user and under qemu-aarch64 (the "startup" and "startup-dyn" rows of
# bench/run.sh, which does the work).  RUNS sets the number of timed rounds
# (default 50).
exec "$(dirname "$0")/run.sh" --runs "${RUNS:-50}" "$@" startup startup-dyn
