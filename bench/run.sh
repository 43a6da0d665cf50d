#!/usr/bin/env bash
# emu benchmark suite: the kernels of bench/kernels/ and the static-hello
# start-up, each run natively (x86-64), under emu-user and under
# qemu-aarch64, timed by hyperfine; the outputs are checked against the
# native checksum.
#
#   bench/run.sh [options] [name...]
#
#   name...        run only these rows (kernel names as in bench/kernels/,
#                  e.g. "fib qsort"; "startup" for the static hello);
#                  default: all
#   --runs N       timed runs per engine (default 3), after 1 warm-up run
#   --lse          also run every kernel in its arm64 +LSE build (by
#                  default only the kernels that use atomics get a +LSE row)
#   --timeout S    limit of one verification run in seconds (default 300)
#   --slow S       an engine whose verification run took longer than S
#                  seconds gets 1 timed run and no warm-up (default 20)
#   --no-build     do not run cargo build --release first
#
# Environment: EMU overrides the emulator binary (default
# target/release/emu-user); CARGO_TARGET_DIR is honoured.
#
# Builds: native gcc -O2; arm64 aarch64-linux-gnu-gcc -O2 -static
# -mno-outline-atomics (ARMv8.0: atomics as LDXR/STXR); arm64 +LSE
# -march=armv8.1-a (LDADD).  All with -ffp-contract=off so that every
# engine rounds the same FP operations.
#
# Results: a table on stdout, target/bench/results.json and
# target/bench/results.csv.  Exit status 1 when any engine crashed, timed
# out or printed a wrong checksum.
# Installs nothing: a missing tool is reported with its apt-get package.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
bench=$root/bench
script=$bench/run.sh

runs=3
all_lse=0
verify_timeout=300
slow=20
do_build=1
filter=()
while (($# > 0)); do
    case "$1" in
    --runs) runs="$2"; shift ;;
    --runs=*) runs="${1#*=}" ;;
    --lse) all_lse=1 ;;
    --timeout) verify_timeout="$2"; shift ;;
    --timeout=*) verify_timeout="${1#*=}" ;;
    --slow) slow="$2"; shift ;;
    --slow=*) slow="${1#*=}" ;;
    --no-build) do_build=0 ;;
    -h | --help)
        sed -n '2,33p' "$script" | sed 's/^# \{0,1\}//'
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

# ------------------------------------------------------------ prerequisites
# Each line: a command (or "file:PATH") whose absence means the package is
# missing, and the Debian/Ubuntu package that provides it.
wanted="
gcc                                     gcc
file:/usr/lib/x86_64-linux-gnu/libc.a   libc6-dev
aarch64-linux-gnu-gcc                   gcc-aarch64-linux-gnu
file:/usr/aarch64-linux-gnu/lib/libc.a  libc6-dev-arm64-cross
qemu-aarch64                            qemu-user
hyperfine                               hyperfine
python3                                 python3
timeout                                 coreutils
git                                     git
"
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
    exit 1
fi
command -v cargo >/dev/null 2>&1 || { echo "bench/run.sh: cargo is required (https://rustup.rs)" >&2; exit 1; }

# ------------------------------------------------------------------ layout
target=${CARGO_TARGET_DIR:-$root/target}
out=$target/bench
bin=$out/bin
raw=$out/raw
mkdir -p "$bin/native" "$bin/arm64" "$bin/arm64-lse" "$raw"
rm -f "$raw"/*.json "$raw"/*.out "$raw"/*.err
records=$out/records.tsv
: >"$records"
emu=${EMU:-$target/release/emu-user}

# One table per fact: the rows of the suite, in order.  A kernel's name is
# its file name in bench/kernels/; "startup" is the static hello.
kernels=(crc32 listchase matmul fsm fib nbody qsort memcpy atomic mutex clock sha256 neon fp16)
# Kernels that use atomics: they also get a +LSE row.
atomics=(atomic mutex)

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

for f in "${filter[@]}"; do
    in_list "$f" "${kernels[@]}" startup || {
        echo "bench/run.sh: unknown benchmark $f (known: ${kernels[*]} startup)" >&2
        exit 2
    }
done

# ----------------------------------------------------------------- machine
git_commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || git_commit="$git_commit-dirty"
export BENCH_CPU BENCH_CORES BENCH_KERNEL BENCH_OS BENCH_QEMU BENCH_GCC BENCH_CROSS_GCC BENCH_HYPERFINE BENCH_COMMIT BENCH_DATE BENCH_RUNS
BENCH_CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
BENCH_CORES=$(nproc)
BENCH_KERNEL=$(uname -srm)
BENCH_OS=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown}" || echo unknown)
BENCH_QEMU=$(qemu-aarch64 --version | head -1)
BENCH_GCC=$(gcc --version | head -1)
BENCH_CROSS_GCC=$(aarch64-linux-gnu-gcc --version | head -1)
BENCH_HYPERFINE=$(hyperfine --version)
BENCH_COMMIT=$git_commit
BENCH_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
BENCH_RUNS=$runs

echo "== machine"
echo "cpu:       $BENCH_CPU"
echo "cores:     $BENCH_CORES"
echo "kernel:    $BENCH_KERNEL ($BENCH_OS)"
echo "qemu:      $BENCH_QEMU"
echo "gcc:       $BENCH_GCC"
echo "cross gcc: $BENCH_CROSS_GCC"
echo "hyperfine: $BENCH_HYPERFINE"
echo "emu:       $BENCH_COMMIT"
echo "runs:      $runs timed + 1 warm-up per engine (min reported)"

# ------------------------------------------------------------------- build
if ((do_build)); then
    echo "== cargo build --release"
    cargo build --release -q
fi
[[ -x "$emu" ]] || { echo "bench/run.sh: $emu not built (drop --no-build)" >&2; exit 1; }

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
hello_src=$root/guest-bins/c/hello.c
for k in "${kernels[@]}" startup; do
    wanted_row "$k" || continue
    src=$bench/kernels/$k.c
    [[ "$k" == startup ]] && src=$hello_src
    build_one "$bin/native/$k" "$src" gcc "${common[@]}" -static
    build_one "$bin/arm64/$k" "$src" aarch64-linux-gnu-gcc "${common[@]}" -static -mno-outline-atomics
    build_one "$bin/arm64-lse/$k" "$src" aarch64-linux-gnu-gcc "${common[@]}" -static -march=armv8.1-a
done

# ----------------------------------------------------------------- measure
# record ROW ENGINE STATUS JSON KERNEL_MS NOTE: one line of records.tsv.
record() {
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$records"
}

failures=()

# verify ROW ENGINE EXPECTED CMD...: run CMD once, check its output line
# against EXPECTED (the native output; empty for the native run itself).
# Sets v_status (ok/crash/timeout/wrong), v_line (the output line) and
# v_secs (wall time).
verify() {
    local row="$1" engine="$2" expected="$3"
    shift 3
    local o="$raw/$row-$engine.out" e="$raw/$row-$engine.err" rc=0 t0 t1
    t0=$(date +%s%N)
    timeout "$verify_timeout" "$@" >"$o" 2>"$e" || rc=$?
    t1=$(date +%s%N)
    v_secs=$(((t1 - t0) / 1000000000))
    v_line=$(head -1 "$o")
    if ((rc == 124)); then
        v_status=timeout
    elif ((rc != 0)); then
        v_status="crash"
        v_rc=$rc
    elif [[ -n "$expected" && "$(signature "$v_line")" != "$(signature "$expected")" ]]; then
        v_status=wrong
    else
        v_status=ok
    fi
}

# checksum_of LINE: the checksum field of a kernel's report line.
checksum_of() {
    local w
    for w in $1; do [[ "$w" == checksum=* ]] && echo "${w#checksum=}"; done
    return 0
}

# signature LINE: what must be equal on every engine (all but the time).
signature() {
    local w sig=()
    for w in $1; do [[ "$w" == kernel_ms=* ]] || sig+=("$w"); done
    echo "${sig[*]}"
}

kernel_ms_of() {
    local w
    for w in $1; do [[ "$w" == kernel_ms=* ]] && echo "${w#kernel_ms=}"; done
    return 0
}

# time_engine ROW ENGINE WARMUP RUNS CMD...: hyperfine CMD into raw/.
time_engine() {
    local row="$1" engine="$2" warm="$3" n="$4"
    shift 4
    hyperfine -N --style basic --warmup "$warm" --runs "$n" \
        --export-json "$raw/$row-$engine.json" "$*" >"$raw/$row-$engine.hyperfine" 2>&1
}

# bench_row ROW FLAVOUR NAME: verify and time one binary on the three engines.
bench_row() {
    local row="$1" flavour="$2" name="$3"
    local native=$bin/native/$name guest=$bin/$flavour/$name
    local warm n expected engine
    echo "== $row"
    if [[ "$name" == startup ]]; then
        # Start-up is short and noisy: more runs.
        warm=3
        n=$((runs > 20 ? runs : 20))
    else
        warm=1
        n=$runs
    fi

    verify "$row" native "" "$native"
    if [[ "$v_status" != ok ]]; then
        echo "   native: FAILED ($v_status), see $raw/$row-native.err"
        failures+=("$row native $v_status")
        record "$row" native "$v_status" "" "" "native run failed"
        return
    fi
    expected=$v_line
    echo "   native: $expected"
    time_engine "$row" native "$warm" "$n" "$native"
    record "$row" native ok "$raw/$row-native.json" "$(kernel_ms_of "$expected")" ""

    for engine in emu qemu; do
        local cmd=("$emu" "$guest")
        [[ "$engine" == qemu ]] && cmd=(qemu-aarch64 "$guest")
        # emu's verification run also reports its translation counters
        # (--stats on stderr, read by report.py); the timed runs do not.
        if [[ "$engine" == emu ]]; then
            verify "$row" "$engine" "$expected" env EMU_STATS=1 "${cmd[@]}"
        else
            verify "$row" "$engine" "$expected" "${cmd[@]}"
        fi
        case "$v_status" in
        ok)
            echo "   $engine: $v_line (${v_secs}s)"
            if ((v_secs >= slow)); then
                echo "   $engine: slow (verification run ${v_secs}s >= ${slow}s): 1 timed run, no warm-up"
                time_engine "$row" "$engine" 0 1 "${cmd[@]}"
                record "$row" "$engine" ok "$raw/$row-$engine.json" "$(kernel_ms_of "$v_line")" "1 run (slow)"
            else
                time_engine "$row" "$engine" "$warm" "$n" "${cmd[@]}"
                record "$row" "$engine" ok "$raw/$row-$engine.json" "$(kernel_ms_of "$v_line")" ""
            fi
            ;;
        *)
            local why="$v_status"
            [[ "$v_status" == crash ]] && why="exit status $v_rc"
            [[ "$v_status" == timeout ]] && why="timed out after ${verify_timeout}s"
            [[ "$v_status" == wrong ]] && why="wrong checksum $(checksum_of "$v_line"), expected $(checksum_of "$expected")"
            echo "   $engine: FAILED: $why"
            echo "   ---- stdout:"
            head -c 2000 "$raw/$row-$engine.out" | sed 's/^/   | /'
            echo "   ---- stderr:"
            head -c 2000 "$raw/$row-$engine.err" | sed 's/^/   | /'
            failures+=("$row $engine: $why")
            record "$row" "$engine" "$v_status" "" "" "$why"
            ;;
        esac
    done
}

for k in "${kernels[@]}"; do
    wanted_row "$k" || continue
    bench_row "$k" arm64 "$k"
    if ((all_lse)) || in_list "$k" "${atomics[@]}"; then
        bench_row "$k+lse" arm64-lse "$k"
    fi
done
if wanted_row startup; then
    bench_row startup arm64 startup
fi

# ------------------------------------------------------------------ report
echo
python3 "$bench/report.py" "$records" "$out/results.json" "$out/results.csv"
echo
echo "results: $out/results.json, $out/results.csv (raw hyperfine output in $raw/)"

if ((${#failures[@]} > 0)); then
    echo
    echo "!!!! BENCHMARK FAILURES (${#failures[@]}):"
    printf '!!!!   %s\n' "${failures[@]}"
    exit 1
fi
