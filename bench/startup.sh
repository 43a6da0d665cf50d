#!/usr/bin/env bash
# Start-up latency: a static hello world natively, under emu-user and under
# qemu-aarch64 (the "startup" row of bench/run.sh, which does the work).
# RUNS sets the number of timed runs (default 50).
exec "$(dirname "$0")/run.sh" --runs "${RUNS:-50}" "$@" startup
