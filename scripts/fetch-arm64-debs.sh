#!/usr/bin/env bash
# Downloads the arm64 Debian packages that tests/debian_programs.rs runs under
# emu-user and extracts them into a sysroot: target/arm64-debs/root.
#
# The host's dpkg architectures are left alone: apt runs with a private list
# directory, cache and sources file (target/arm64-debs/apt) and
# APT::Architecture=arm64.  The mirrors are read from the host's own apt
# sources (/etc/apt/sources.list and /etc/apt/sources.list.d/*), keeping only
# the `bookworm` and `bookworm-security` suites, component `main`.
#
# Library dependencies are resolved with `apt-cache depends --recurse` in the
# private configuration; only `lib*`/`zlib1g` packages are kept, and a package
# whose `NAME-arm64-cross` twin is installed on the host (libc6, libgcc-s1,
# libstdc++6, ...) is skipped: the cross sysroot /usr/aarch64-linux-gnu has it.
#
# The root is usr-merged like an installed bookworm system (/bin, /sbin, /lib
# are symlinks into /usr), and made self-contained with absolute symlinks
# into the cross sysroot: lib/ld-linux-aarch64.so.1 and
# lib/aarch64-linux-gnu/<lib>
# for each shared library of /usr/aarch64-linux-gnu/lib that the packages do
# not ship.  `emu-user -L target/arm64-debs/root root/usr/bin/PROG` then finds
# the dynamic linker, the cross libc and the packages' own libraries (the
# guest's opens of absolute paths are redirected into the -L root, and the
# host kernel follows the absolute symlinks to the cross sysroot).
#
# Idempotent: does nothing when the root is complete (stamp file); pass
# --force to download and extract again.  Exits non-zero on any failure.
set -euo pipefail

# The packages the tests run (their library dependencies are added below).
PACKAGES=(
    busybox-static coreutils grep sed gawk gzip bzip2 xz-utils zstd dash
    diffutils findutils lua5.4 liblua5.4-0 sqlite3 libsqlite3-0
    python3.11 python3.11-minimal libpython3.11-minimal libpython3.11-stdlib
    libpython3.11-testsuite
)
SUITES_RE='^(bookworm|bookworm-security)$'
CROSS=/usr/aarch64-linux-gnu

here=$(cd "$(dirname "$0")/.." && pwd)
out="${EMU_ARM64_DEBS:-$here/target/arm64-debs}"
root="$out/root"
apt_dir="$out/apt"
stamp="$root/.fetched"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'fetch-arm64-debs: error: %s\n' "$*" >&2; exit 1; }

if [[ "${1:-}" == "--force" ]]; then
    rm -f "$stamp"
elif [[ $# -gt 0 ]]; then
    die "usage: $0 [--force]"
fi

# Bump the layout number when the extracted layout changes.
want="layout 3: ${PACKAGES[*]}"
if [[ -f "$stamp" && "$(head -n1 "$stamp")" == "$want" ]]; then
    log "already extracted in $root (rerun with --force to refetch)"
    exit 0
fi

command -v apt-get >/dev/null || die "apt-get not found (needs a Debian/Ubuntu host)"
command -v dpkg-deb >/dev/null || die "dpkg-deb not found"
[[ -e "$CROSS/lib/ld-linux-aarch64.so.1" ]] ||
    die "$CROSS has no ld-linux-aarch64.so.1: install libc6-arm64-cross"

# One-line `deb` entries for the wanted suites, from the host's sources in
# both formats (deb822 *.sources and one-line *.list).
host_sources() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -e "$f" ]] || continue
        awk -v re="$SUITES_RE" '
            function flush(   i, j, n, m, s, u) {
                if (types ~ /(^| )deb( |$)/ && uris != "" && comps ~ /(^| )main( |$)/) {
                    n = split(uris, u, " "); m = split(suites, s, " ")
                    for (i = 1; i <= n; i++) for (j = 1; j <= m; j++)
                        if (s[j] ~ re) print "deb [signed-by=" key "] " u[i] " " s[j] " main"
                }
                types = uris = suites = comps = ""; key = "/usr/share/keyrings/debian-archive-keyring.gpg"
            }
            BEGIN { flush() }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            { k = tolower($1); sub(/:$/, "", k); $1 = ""; sub(/^ /, "")
              if (k == "types") types = $0; else if (k == "uris") uris = $0
              else if (k == "suites") suites = $0; else if (k == "components") comps = $0
              else if (k == "signed-by" && $0 ~ /^\//) key = $0 }
            END { flush() }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -e "$f" ]] || continue
        awk -v re="$SUITES_RE" '
            $1 != "deb" { next }
            { i = 2; opts = ""
              if ($2 ~ /^\[/) { while ($i !~ /\]$/) { opts = opts " " $i; i++ } opts = opts " " $i; i++ }
              uri = $i; suite = $(i + 1); main = 0
              for (j = i + 2; j <= NF; j++) if ($j == "main") main = 1
              if (suite ~ re && main) {
                  key = "/usr/share/keyrings/debian-archive-keyring.gpg"
                  if (match(opts, /signed-by=[^] ]+/)) key = substr(opts, RSTART + 10, RLENGTH - 10)
                  print "deb [signed-by=" key "] " uri " " suite " main"
              } }' "$f"
    done
}

mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$out/debs"
host_sources | sort -u >"$apt_dir/sources.list"
[[ -s "$apt_dir/sources.list" ]] ||
    die "no bookworm/bookworm-security 'main' entries in the host's apt sources"
log "apt sources (from the host's):"
sed 's/^/    /' "$apt_dir/sources.list" >&2

APT=(
    -o APT::Architecture=arm64 -o APT::Architectures::=arm64
    -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
    -o Dir::State::status=/dev/null -o Debug::NoLocking=1
)
# As root, apt would drop to the _apt user, who cannot write the private dirs.
[[ $(id -u) == 0 ]] && APT+=(-o APT::Sandbox::User=root)

log "apt-get update (private lists in $apt_dir)"
apt-get "${APT[@]}" -q update >&2 || die "apt-get update failed"

# The wanted packages plus their library dependencies that the cross sysroot
# does not provide.
log "resolving library dependencies"
deps=$(apt-cache "${APT[@]}" depends --recurse --no-recommends --no-suggests \
    --no-conflicts --no-breaks --no-replaces --no-enhances "${PACKAGES[@]}" |
    awk '/^[a-z0-9]/ { print $1 }' | sed 's/:arm64$//' | sort -u) ||
    die "apt-cache depends failed"
all=("${PACKAGES[@]}")
for d in $deps; do
    [[ " ${PACKAGES[*]} " == *" $d "* ]] && continue
    [[ "$d" =~ ^(lib|zlib1g$) ]] || continue
    if dpkg-query -W -f='${Status}' "$d-arm64-cross" 2>/dev/null | grep -q 'ok installed'; then
        log "  $d: provided by $CROSS ($d-arm64-cross)"
        continue
    fi
    all+=("$d")
done
log "packages: ${all[*]}"

log "downloading into $out/debs"
(cd "$out/debs" && apt-get "${APT[@]}" -q download "${all[@]}" >&2) ||
    die "apt-get download failed"

rm -rf "$root"
mkdir -p "$root"
for p in "${all[@]}"; do
    deb=$(ls -t "$out/debs/${p}_"*_arm64.deb "$out/debs/${p}_"*_all.deb 2>/dev/null | head -n1) ||
        true
    [[ -n "$deb" ]] || die "no .deb downloaded for $p"
    log "extracting $(basename "$deb")"
    dpkg-deb -x "$deb" "$root" || die "dpkg-deb -x $deb failed"
done

# Merge /bin, /sbin and /lib into /usr as on an installed bookworm system
# (usrmerge), so that both /bin/X and /usr/bin/X name every program.
for d in bin sbin lib; do
    if [[ -d "$root/$d" && ! -L "$root/$d" ]]; then
        mkdir -p "$root/usr/$d"
        cp -a "$root/$d/." "$root/usr/$d/"
        rm -rf "${root:?}/$d"
    fi
    mkdir -p "$root/usr/$d"
    ln -sfn "usr/$d" "$root/$d"
done

# Link the cross sysroot's dynamic linker and shared libraries into the root
# where a Debian arm64 system has them.
log "linking $CROSS/lib into $root/usr/lib/aarch64-linux-gnu"
mkdir -p "$root/usr/lib/aarch64-linux-gnu"
[[ -e "$root/usr/lib/ld-linux-aarch64.so.1" ]] ||
    ln -s "$CROSS/lib/ld-linux-aarch64.so.1" "$root/usr/lib/ld-linux-aarch64.so.1"
for lib in "$CROSS"/lib/*.so*; do
    name=$(basename "$lib")
    [[ -e "$root/usr/lib/aarch64-linux-gnu/$name" ]] && continue
    ln -s "$lib" "$root/usr/lib/aarch64-linux-gnu/$name"
done

printf '%s\n%s\n' "$want" "${all[*]}" >"$stamp"
log "done: $root"
