#!/usr/bin/env bash
# The long mode of the random differential tester (tests/diff_random):
# 10 million random instructions over every class (500 batches of 20000
# cases on two workers), compared between emu-user and qemu-aarch64 -cpu
# max. Prints the seed, executions per class, expected differences, known
# failures and mismatches, and the wall time.
#
#   scripts/diff-long.sh                   a fresh seed
#   EMU_DIFF_SEED=0x... scripts/diff-long.sh   replay a run
#
# Other knobs (EMU_DIFF_BATCHES, EMU_DIFF_CASES, EMU_DIFF_JOBS,
# EMU_DIFF_CLASSES, EMU_DIFF_NAMES) are described in README.md, Testing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export EMU_DIFF_LONG=1
start=$SECONDS
cargo test --release --test diff_random -- --nocapture
echo "diff-long: $((SECONDS - start)) s"
