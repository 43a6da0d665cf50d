# Shared by the scripts that fetch Debian arm64 packages from Debian's archive
# (build-sysroot.sh): a private apt configuration for arm64 built from the
# host's own bookworm mirrors, and the usrmerge of an extracted root.
# Source it after defining log() and die().

SUITES_RE='^(bookworm|bookworm-security)$'

# stamp_matches STAMP WANT: whether STAMP's first line is WANT (the output
# is up to date).
stamp_matches() {
    [[ -f "$1" && "$(head -n1 "$1")" == "$2" ]]
}

# need_apt_tools: dies unless apt-get and dpkg-deb are there.
need_apt_tools() {
    command -v apt-get >/dev/null || die "apt-get not found (needs a Debian/Ubuntu host)"
    command -v dpkg-deb >/dev/null || die "dpkg-deb not found"
}

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

# arm64_apt_setup DIR: a private apt state in DIR (lists, cache, sources
# from the host's mirrors), updated; sets the array APT of apt options.
arm64_apt_setup() {
    local apt_dir=$1
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
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
}

# usr_merge ROOT: /bin, /sbin and /lib become symlinks into /usr as on an
# installed bookworm system, so both /bin/X and /usr/bin/X name every program.
usr_merge() {
    local root=$1 d
    for d in bin sbin lib; do
        if [[ -d "$root/$d" && ! -L "$root/$d" ]]; then
            mkdir -p "$root/usr/$d"
            cp -a "$root/$d/." "$root/usr/$d/"
            rm -rf "${root:?}/$d"
        fi
        mkdir -p "$root/usr/$d"
        ln -sfn "usr/$d" "$root/$d"
    done
}
