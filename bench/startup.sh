#!/usr/bin/env bash
# Start-up latency: a static hello world under emu-user and qemu-aarch64.
# Prints each mean time and the ratio qemu/emu. Needs hyperfine (apt), the
# aarch64 cross gcc and qemu-user; builds emu in release mode first.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench: hyperfine is required (apt-get install hyperfine)"; exit 1; }
cargo build --release -q
bash guest-bins/build.sh >/dev/null
prog=guest-bins/out/static/hello
out=$(mktemp -d)
hyperfine -N --warmup 5 --runs "${RUNS:-50}" \
    --export-json "$out/startup.json" \
    "target/release/emu-user $prog" "qemu-aarch64 $prog"
python3 - "$out/startup.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
emu, qemu = r[0]["mean"], r[1]["mean"]
print(f"static hello start-up: emu {emu*1e3:.2f} ms, qemu-aarch64 {qemu*1e3:.2f} ms, qemu/emu = {qemu/emu:.2f}x")
PY
