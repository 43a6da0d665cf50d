#!/usr/bin/env bash
# emu benchmark suite: the C kernels of bench/kernels/, a static and a
# dynamic hello world, and real Debian arm64 programs (xz, zstd, python3,
# lua, sqlite3), each run natively (x86-64), under qemu-aarch64 and under
# emu-user, interleaved: every round runs the three engines one after the
# other (the order rotates from round to round).  Every run's output is
# checked against the native output.
#
#   bench/run.sh [options] [name...]
#
#   name...        run only these rows (names as in --list, e.g.
#                  "fib qsort startup xz"); default: all
#   --runs N       timed rounds (default 3), after 1 verification round;
#                  the start-up rows get max(N, 20) rounds
#   --list         print the row names and exit
#   --lse          also run every kernel in its arm64 +LSE build (by
#                  default only the kernels that use atomics get a +LSE row)
#   --no-programs  skip the Debian program rows
#   --timeout S    limit of one run in seconds (default 300)
#   --slow S       an engine whose verification run took longer than S
#                  seconds gets 1 timed run (default 20)
#   --no-build     do not run cargo build --release first
#
# Environment: EMU overrides the emulator binary (default
# target/release/emu-user); CARGO_TARGET_DIR is honoured; EMU_SYSROOT is
# the Debian arm64 root (default target/arm64-sysroot, made by
# scripts/build-sysroot.sh, which run.sh calls when the root is missing and a
# program row is selected).
#
# Builds: native gcc -O2; arm64 aarch64-linux-gnu-gcc -O2 -static
# -mno-outline-atomics (ARMv8.0: atomics as LDXR/STXR); arm64 +LSE
# -march=armv8.1-a (LDADD).  All with -ffp-contract=off so that every
# engine rounds the same FP operations.  startup-dyn is the hello built
# dynamic (guest run with -L /usr/aarch64-linux-gnu).  Programs: the host's
# /usr/bin tools natively, the arm64 packages under -L ROOT on emu and qemu.
#
# Results: tables on stdout (medians, emu/native, qemu/emu, geometric
# means, peak RSS, emu's translation counters), target/bench/results.json
# and target/bench/results.csv.  Exit status 1 when any run crashed, timed
# out or printed something other than the native output.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
bench=$root/bench
script=$bench/run.sh

# ------------------------------------------------------------------- rows
# One line per kernel: its file name in bench/kernels/ (NAME.c).
kernels=(
    intmix    # list sort + int16 matrix + state machine + CRC-16
    crc32     # bitwise CRC-32
    listchase # dependent loads
    matmul    # int32 matrix multiply
    fsm       # switch state machine
    interp    # threaded bytecode interpreter: indirect branches
    fib       # recursion: BL/RET
    fnptr     # recursion through function pointers: BLR/RET
    nbody     # scalar double FP
    qsort     # libc qsort: indirect calls
    libc      # snprintf, strtoul, qsort+strcmp, strstr, memcpy, memmove
    memcpy    # libc memcpy bandwidth
    atomic    # 2 threads, atomic adds
    mutex     # 2 threads, contended mutex
    mutex4    # 4 threads, mutex + atomic add + CAS
    clock     # clock_gettime
    sha256    # SHA-256 in C
    neon      # NEON intrinsics
    fp16      # half precision: FMLA .8H axpy, scalar FSUB/FMUL
)
# Kernels that use atomics: they also get a +LSE row.
atomics=(atomic mutex mutex4)
# Start-up rows: guest-bins/c/hello.c, static and dynamic.
startups=(startup startup-dyn)
# One line per Debian program row: name, program (/usr/bin/NAME natively,
# ROOT/usr/bin/NAME on arm64), stdin file or -, arguments.  Inputs are in
# the data directory (the run's working directory): corpus.txt (1 MiB),
# corpus16.txt.xz and .zst (16 MiB compressed natively), bench/programs/*.
programs="
xz       xz          -          -T1 -1 -c corpus.txt
xz-d     xz          -          -dc corpus16.txt.xz
zstd     zstd        -          -q -T1 -9 -c corpus.txt
zstd-d   zstd        -          -q -dc corpus16.txt.zst
python3  python3.11  -          bench.py
lua      lua5.4      -          bench.lua
sqlite3  sqlite3     bench.sql  :memory:
"
program_names=$(awk 'NF { print $1 }' <<<"$programs")

command_line="bench/run.sh $*"
runs=3
all_lse=0
with_programs=1
run_timeout=300
slow=20
do_build=1
filter=()
while (($# > 0)); do
    case "$1" in
    --runs) runs="$2"; shift ;;
    --runs=*) runs="${1#*=}" ;;
    --lse) all_lse=1 ;;
    --no-programs) with_programs=0 ;;
    --timeout) run_timeout="$2"; shift ;;
    --timeout=*) run_timeout="${1#*=}" ;;
    --slow) slow="$2"; shift ;;
    --slow=*) slow="${1#*=}" ;;
    --no-build) do_build=0 ;;
    --list)
        echo "kernels:  ${kernels[*]}"
        echo "start-up: ${startups[*]}"
        echo "programs:" $program_names
        exit 0
        ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "$script" | sed '$d' | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    -*)
        echo "bench/run.sh: unknown option $1 (see --help)" >&2
        exit 2
        ;;
    *) filter+=("$1") ;;
    esac
    shift
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "bench/run.sh: --runs needs a positive integer" >&2; exit 2; }

in_list() {
    local x="$1"
    shift
    local y
    for y in "$@"; do [[ "$x" == "$y" ]] && return 0; done
    return 1
}

wanted_row() {
    ((${#filter[@]} == 0)) && return 0
    in_list "$1" "${filter[@]}"
}

# shellcheck disable=SC2086
for f in "${filter[@]}"; do
    in_list "$f" "${kernels[@]}" "${startups[@]}" $program_names || {
        echo "bench/run.sh: unknown benchmark $f (see --list)" >&2
        exit 2
    }
done

program_rows=()
if ((with_programs)); then
    for p in $program_names; do wanted_row "$p" && program_rows+=("$p"); done
fi

# ------------------------------------------------------------ prerequisites
# Each line: a command (or "file:PATH") whose absence means the package is
# missing, and the Debian/Ubuntu package that provides it.
wanted="
gcc                                     gcc
file:/usr/lib/x86_64-linux-gnu/libc.a   libc6-dev
aarch64-linux-gnu-gcc                   gcc-aarch64-linux-gnu
file:/usr/aarch64-linux-gnu/lib/libc.a  libc6-dev-arm64-cross
qemu-aarch64                            qemu-user
python3                                 python3
timeout                                 coreutils
sha256sum                               coreutils
git                                     git
"
if ((${#program_rows[@]} > 0)); then
    wanted+="
file:/usr/bin/xz                        xz-utils
file:/usr/bin/zstd                      zstd
file:/usr/bin/python3.11                python3.11
file:/usr/bin/lua5.4                    lua5.4
file:/usr/bin/sqlite3                   sqlite3
"
fi
missing=()
while read -r check package; do
    [[ -z "$check" ]] && continue
    if [[ "$check" == file:* ]]; then
        [[ -e "${check#file:}" ]] && continue
    else
        command -v "$check" >/dev/null 2>&1 && continue
    fi
    missing+=("$package")
done <<<"$wanted"
if ((${#missing[@]} > 0)); then
    echo "bench/run.sh: missing tools; install them with:" >&2
    echo "    apt-get install ${missing[*]}" >&2
    echo "(or leave out the Debian program rows with --no-programs)" >&2
    exit 1
fi
command -v cargo >/dev/null 2>&1 || { echo "bench/run.sh: cargo is required (https://rustup.rs)" >&2; exit 1; }

# ------------------------------------------------------------------ layout
target=${CARGO_TARGET_DIR:-$root/target}
out=$target/bench
bin=$out/bin
raw=$out/raw
data=$out/data
mkdir -p "$bin/native" "$bin/arm64" "$bin/arm64-lse" "$raw" "$data"
rm -f "$raw"/*.out "$raw"/*.err
records=$out/records.tsv
: >"$records"
emu=${EMU:-$target/release/emu-user}
debroot=${EMU_SYSROOT:-$target/arm64-sysroot}
cross_root=/usr/aarch64-linux-gnu

# ----------------------------------------------------------------- machine
git_commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || git_commit="$git_commit-dirty"
export BENCH_CPU BENCH_CORES BENCH_KERNEL BENCH_OS BENCH_QEMU BENCH_GCC BENCH_CROSS_GCC BENCH_COMMIT BENCH_DATE
export BENCH_RUNS BENCH_LOAD_START BENCH_LOAD_END BENCH_COMMAND
BENCH_CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
BENCH_CORES=$(nproc)
BENCH_KERNEL=$(uname -srm)
BENCH_OS=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown}" || echo unknown)
BENCH_QEMU=$(qemu-aarch64 --version | head -1)
BENCH_GCC=$(gcc --version | head -1)
BENCH_CROSS_GCC=$(aarch64-linux-gnu-gcc --version | head -1)
BENCH_COMMIT=$git_commit
BENCH_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
BENCH_RUNS=$runs
BENCH_LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
BENCH_COMMAND=$command_line

echo "== machine"
echo "cpu:       $BENCH_CPU"
echo "cores:     $BENCH_CORES"
echo "kernel:    $BENCH_KERNEL ($BENCH_OS)"
echo "load:      $BENCH_LOAD_START (1, 5, 15 min)"
echo "qemu:      $BENCH_QEMU"
echo "gcc:       $BENCH_GCC"
echo "cross gcc: $BENCH_CROSS_GCC"
echo "emu:       $BENCH_COMMIT"
echo "runs:      1 verification round + $runs timed rounds (native, qemu, emu interleaved; median reported)"

# ------------------------------------------------------------------- build
if ((do_build)); then
    echo "== cargo build --release"
    cargo build --release -q
fi
[[ -x "$emu" ]] || { echo "bench/run.sh: $emu not built (drop --no-build)" >&2; exit 1; }

timer=$bin/timer
if [[ ! -x "$timer" || "$bench/timer.c" -nt "$timer" ]]; then
    gcc -O2 -Wall -Wextra "$bench/timer.c" -o "$timer"
fi

common=(-O2 -g0 -ffp-contract=off -Wall -Wextra -pthread)
# build_one OUT SRC CC FLAGS...: compile unless OUT is newer than SRC, the
# kernels' header and this script.
build_one() {
    local o="$1" src="$2" cc="$3"
    shift 3
    if [[ -e "$o" && "$o" -nt "$src" && "$o" -nt "$bench/kernels/bench.h" && "$o" -nt "$script" ]]; then
        return 0
    fi
    "$cc" "$@" "$src" -o "$o" -lm
}

echo "== building kernels (native, arm64 v8.0, arm64 +LSE)"
for k in "${kernels[@]}"; do
    wanted_row "$k" || continue
    src=$bench/kernels/$k.c
    build_one "$bin/native/$k" "$src" gcc "${common[@]}" -static
    build_one "$bin/arm64/$k" "$src" aarch64-linux-gnu-gcc "${common[@]}" -static -mno-outline-atomics
    build_one "$bin/arm64-lse/$k" "$src" aarch64-linux-gnu-gcc "${common[@]}" -static -march=armv8.1-a
done
hello_src=$root/guest-bins/c/hello.c
if wanted_row startup; then
    build_one "$bin/native/startup" "$hello_src" gcc "${common[@]}" -static
    build_one "$bin/arm64/startup" "$hello_src" aarch64-linux-gnu-gcc "${common[@]}" -static -mno-outline-atomics
fi
if wanted_row startup-dyn; then
    build_one "$bin/native/startup-dyn" "$hello_src" gcc "${common[@]}"
    build_one "$bin/arm64/startup-dyn" "$hello_src" aarch64-linux-gnu-gcc "${common[@]}" -mno-outline-atomics
fi

# ------------------------------------------------------- program inputs
if ((${#program_rows[@]} > 0)); then
    if [[ ! -x "$debroot/usr/bin/xz" ]]; then
        echo "== building the Debian arm64 root (scripts/build-sysroot.sh)"
        bash "$root/scripts/build-sysroot.sh" "$debroot"
    fi
    echo "== program inputs in $data"
    gen=$bench/programs/corpus.py
    if [[ ! -e "$data/corpus16.txt.zst" || "$gen" -nt "$data/corpus16.txt.zst" ]]; then
        python3 "$gen" "$data/corpus.txt" $((1 << 20))
        python3 "$gen" "$data/corpus16.txt" $((16 << 20))
        xz -T1 -1 -c "$data/corpus16.txt" >"$data/corpus16.txt.xz"
        zstd -q -T1 -9 -c "$data/corpus16.txt" >"$data/corpus16.txt.zst"
        rm "$data/corpus16.txt"
    fi
    cp "$bench"/programs/bench.* "$data/"
    # The programs' versions: the host's packages and the arm64 .debs.
    export BENCH_TOOLS
    BENCH_TOOLS=$(dpkg-query -W -f='${Package}:${Architecture}=${Version} ' \
        xz-utils zstd python3.11-minimal lua5.4 sqlite3 2>/dev/null || true)
    for deb in xz-utils zstd python3.11-minimal lua5.4 sqlite3; do
        f=$(ls "$debroot".apt/debs/"${deb}"_*_arm64.deb 2>/dev/null | head -1 || true)
        [[ -n "$f" ]] && BENCH_TOOLS+="$(basename "$f" .deb) "
    done
    echo "tools:     $BENCH_TOOLS"
fi

# ----------------------------------------------------------------- measure
failures=()

# record ROW GROUP ENGINE ROUND STATUS WALL_MS RSS_KIB KERNEL_MS NOTE
record() {
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$records"
}

# first_line FILE: the printable characters of FILE's first line (at most
# 100; outputs may be binary).
first_line() {
    head -c 4096 "$1" | head -1 | tr -cd '[:print:]\t' | head -c 100
}

# describe FILE: its first line, or "binary", and its size.
describe() {
    if grep -qI '' "$1"; then
        echo "$(first_line "$1") [$(stat -c %s "$1") bytes]"
    else
        echo "binary [$(stat -c %s "$1") bytes]"
    fi
}

# digest FILE: what must agree between engines.  A kernel's report line
# without its kernel_ms= field; for anything else the SHA-256 of the output.
digest() {
    local line w sig=()
    line=$(first_line "$1")
    if [[ "$line" == *" checksum="*" kernel_ms="* ]]; then
        for w in $line; do [[ "$w" == kernel_ms=* ]] || sig+=("$w"); done
        echo "${sig[*]}"
    else
        echo "sha256:$(sha256sum <"$1" | cut -d' ' -f1)"
    fi
}

kernel_ms_of() {
    local w
    for w in $(first_line "$1"); do [[ "$w" == kernel_ms=* ]] && echo "${w#kernel_ms=}"; done
    return 0
}

# run_once ROW ENGINE ROUND STDIN CMD...: one timed run through bench/timer,
# its output in raw/ROW-ENGINE.out (round 0: .err too, kept for the
# translation counters).  Sets r_status (ok/timeout/crash/wrong), r_why,
# r_ms, r_rss, r_kms.
run_once() {
    local row="$1" engine="$2" round="$3" stdin="$4"
    shift 4
    local o="$raw/$row-$engine.out" e="$raw/$row-$engine.err" res status
    [[ "$round" == 0 ]] || e="$raw/$row-$engine.timed.err"
    res=$(cd "$data" && "$timer" -t "$run_timeout" -i "$stdin" -o "$o" -e "$e" -- "$@")
    read -r status r_ms r_rss <<<"$res"
    r_kms=$(kernel_ms_of "$o")
    r_why=""
    if [[ "$status" == timeout ]]; then
        r_status=timeout r_why="timed out after ${run_timeout}s"
    elif [[ "$status" != 0 ]]; then
        r_status=crash r_why="exit status $status"
    elif [[ "$engine" != native && "$(digest "$o")" != "${expected[$row]}" ]]; then
        r_status=wrong r_why="output $(digest "$o") differs from native ${expected[$row]}"
    else
        r_status=ok
    fi
}

declare -A expected

# bench_row ROW GROUP ROUNDS STDIN NATIVE_CMD -- GUEST_CMD...: the three
# engines on one row, interleaved.  GUEST_CMD is run as `emu-user
# GUEST_CMD` and `qemu-aarch64 GUEST_CMD`.
bench_row() {
    local row="$1" group="$2" rounds="$3" stdin="$4"
    shift 4
    local native=() guest=()
    while [[ "$1" != -- ]]; do native+=("$1"); shift; done
    shift
    guest=("$@")
    local -A dead=() slowpoke=()
    local engines=(native qemu emu) round i engine cmd
    echo "== $row"
    for ((round = 0; round <= rounds; round++)); do
        for ((i = 0; i < 3; i++)); do
            engine=${engines[(i + round) % 3]}
            [[ -n "${dead[$engine]:-}" ]] && continue
            ((round > 1)) && [[ -n "${slowpoke[$engine]:-}" ]] && continue
            case "$engine" in
            native) cmd=("${native[@]}") ;;
            qemu) cmd=(qemu-aarch64 "${guest[@]}") ;;
            emu)
                cmd=("$emu" "${guest[@]}")
                # The verification run also reports emu's translation
                # counters (--stats on stderr, read by report.py).
                ((round == 0)) && cmd=(env EMU_STATS=1 "${cmd[@]}")
                ;;
            esac
            if [[ "$engine" != native && -z "${expected[$row]:-}" ]]; then
                continue # the native run failed
            fi
            run_once "$row" "$engine" "$round" "$stdin" "${cmd[@]}"
            if [[ "$engine" == native && "$r_status" == ok && "$round" == 0 ]]; then
                expected[$row]=$(digest "$raw/$row-native.out")
            fi
            record "$row" "$group" "$engine" "$round" "$r_status" "$r_ms" "$r_rss" "$r_kms" "$r_why"
            if [[ "$r_status" != ok ]]; then
                echo "   $engine (round $round): FAILED: $r_why"
                echo "   ---- stdout:"
                head -c 1000 "$raw/$row-$engine.out" | tr -cd '[:print:]\t\n' | sed 's/^/   | /'
                echo "   ---- stderr:"
                local e="$raw/$row-$engine.err"
                ((round == 0)) || e="$raw/$row-$engine.timed.err"
                head -c 2000 "$e" | sed 's/^/   | /'
                failures+=("$row $engine (round $round): $r_why")
                dead[$engine]=1
                continue
            fi
            if ((round == 0)); then
                echo "   $engine: $(describe "$raw/$row-$engine.out") (${r_ms%.*} ms)"
                if ((${r_ms%.*} >= slow * 1000)); then
                    echo "   $engine: slow (verification run >= ${slow}s): 1 timed run"
                    slowpoke[$engine]=1
                fi
            fi
        done
    done
}

startup_rounds=$((runs > 20 ? runs : 20))
for k in "${kernels[@]}"; do
    wanted_row "$k" || continue
    bench_row "$k" kernel "$runs" /dev/null "$bin/native/$k" -- "$bin/arm64/$k"
    if ((all_lse)) || in_list "$k" "${atomics[@]}"; then
        bench_row "$k+lse" kernel "$runs" /dev/null "$bin/native/$k" -- "$bin/arm64-lse/$k"
    fi
done
if wanted_row startup; then
    bench_row startup startup "$startup_rounds" /dev/null "$bin/native/startup" -- "$bin/arm64/startup"
fi
if wanted_row startup-dyn; then
    bench_row startup-dyn startup "$startup_rounds" /dev/null "$bin/native/startup-dyn" -- \
        -L "$cross_root" "$bin/arm64/startup-dyn"
fi
export PYTHONHASHSEED=0
for p in "${program_rows[@]}"; do
    read -r _ prog stdin args < <(awk -v p="$p" '$1 == p' <<<"$programs")
    [[ "$stdin" == - ]] && stdin=/dev/null
    # shellcheck disable=SC2086
    bench_row "$p" program "$runs" "$stdin" "/usr/bin/$prog" $args -- \
        -L "$debroot" "$debroot/usr/bin/$prog" $args
done

# ------------------------------------------------------------------ report
BENCH_LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
echo
python3 "$bench/report.py" "$records" "$out/results.json" "$out/results.csv"
echo
echo "results: $out/results.json, $out/results.csv (outputs in $raw/)"

if ((${#failures[@]} > 0)); then
    echo
    echo "!!!! BENCHMARK FAILURES (${#failures[@]}):"
    printf '!!!!   %s\n' "${failures[@]}"
    exit 1
fi
