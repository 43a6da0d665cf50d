// The case table of tests/debian_programs.rs (included there).
//
// `name: [guest argv] => oracle, stdin = FILE, prep = "native sh", gap = REASON;`

cases! {
    // busybox-static applets.
    bb_echo: ["busybox", "echo", "-e", "a\\tb\\n", "hello", "world"] =>
        Native(&["/usr/bin/echo", "-e", "a\\tb\\n", "hello", "world"]);
    bb_printf: ["busybox", "printf", "%5d|%-5s|%x|%o|%e|%.3f|%g\\n", "42", "ab", "255", "8",
        "1234.5", "3.14159", "0.0001"] =>
        Native(&["/usr/bin/printf", "%5d|%-5s|%x|%o|%e|%.3f|%g\\n", "42", "ab", "255", "8",
            "1234.5", "3.14159", "0.0001"]);
    bb_seq: ["busybox", "seq", "1", "7", "100000"] => Native(&["seq", "1", "7", "100000"]);
    bb_sort: ["busybox", "sort", "words.txt"] => Native(&["sort", "words.txt"]);
    bb_sort_n: ["busybox", "sort", "-n", "-r", "nums.txt"] => Qemu;
    bb_sort_k: ["busybox", "sort", "-t", " ", "-k2,2", "-k1,1r", "-s", "words.txt"] => Qemu;
    bb_uniq_c: ["busybox", "uniq", "-c", "sorted.txt"] => Native(&["uniq", "-c", "sorted.txt"]),
        prep = "sort words.txt > sorted.txt";
    bb_wc: ["busybox", "wc", "big.txt"] => Qemu;
    bb_md5sum: ["busybox", "md5sum", "big.txt", "data.bin"] =>
        Native(&["md5sum", "big.txt", "data.bin"]);
    bb_sha1sum: ["busybox", "sha1sum", "big.txt", "data.bin"] =>
        Native(&["sha1sum", "big.txt", "data.bin"]);
    bb_sha256sum: ["busybox", "sha256sum", "big.txt", "data.bin", "seq.txt"] =>
        Native(&["sha256sum", "big.txt", "data.bin", "seq.txt"]);
    bb_sha512sum: ["busybox", "sha512sum", "big.txt", "data.bin"] =>
        Native(&["sha512sum", "big.txt", "data.bin"]);
    bb_tr: ["busybox", "tr", "a-z", "A-Z"] => Native(&["tr", "a-z", "A-Z"]), stdin = "words.txt";
    bb_tr_d: ["busybox", "tr", "-d", "aeiou "] => Native(&["tr", "-d", "aeiou "]),
        stdin = "words.txt";
    // busybox 1.35 keeps a trailing delimiter where coreutils does not.
    bb_cut: ["busybox", "cut", "-d", " ", "-f", "2,3", "words.txt"] => Qemu;
    bb_cut_c: ["busybox", "cut", "-c", "2-5", "words.txt"] => Native(&["cut", "-c", "2-5", "words.txt"]);
    bb_expr_mul: ["busybox", "expr", "123456789", "*", "1000", "+", "7"] =>
        Native(&["expr", "123456789", "*", "1000", "+", "7"]);
    bb_expr_div: ["busybox", "expr", "-100", "/", "7", "%", "5"] =>
        Native(&["expr", "-100", "/", "7", "%", "5"]);
    bb_expr_zero: ["busybox", "expr", "5", "-", "5"] => Native(&["expr", "5", "-", "5"]);
    bb_expr_match: ["busybox", "expr", "emulator", ":", "emu\\(.*\\)or"] =>
        Native(&["expr", "emulator", ":", "emu\\(.*\\)or"]);
    bb_od: ["busybox", "od", "-A", "x", "-t", "x1", "-N", "512", "data.bin"] =>
        Native(&["od", "-A", "x", "-t", "x1", "-N", "512", "data.bin"]);
    bb_base64: ["busybox", "base64", "data.bin"] => Native(&["base64", "data.bin"]);
    bb_base64_d: ["busybox", "base64", "-d", "data.b64"] => Native(&["base64", "-d", "data.b64"]),
        prep = "base64 data.bin > data.b64";
    bb_head_tail: ["busybox", "tail", "-n", "3", "big.txt"] => Native(&["tail", "-n", "3", "big.txt"]);
    bb_cat: ["busybox", "cat", "data.bin", "words.txt"] => Native(&["cat", "data.bin", "words.txt"]);
    bb_cmp: ["busybox", "cmp", "words.txt", "words2.txt"] => Qemu;
    bb_grep: ["busybox", "grep", "-c", "-E", "fizz|buzz", "big.txt"] =>
        Native(&["grep", "-c", "-E", "fizz|buzz", "big.txt"]);
    bb_sed: ["busybox", "sed", "-e", "s/\\([a-z]*\\) \\([a-z]*\\)/\\2 \\1/", "-e", "/zulu/d",
        "words.txt"] =>
        Native(&["sed", "-e", "s/\\([a-z]*\\) \\([a-z]*\\)/\\2 \\1/", "-e", "/zulu/d", "words.txt"]);
    bb_awk: ["busybox", "awk", "{ n[$1]++; s += NF } END { for (w in n) c++; \
        printf \"%d %d %.4f %s\\n\", c, s, s / NR, toupper(substr($0, 1, 3)) }", "words.txt"] => Qemu;
    bb_gzip: ["busybox", "gzip", "-c", "big.txt"] => Qemu;
    bb_gunzip: ["busybox", "gzip", "-dc", "big.txt.gz"] => Native(&["gzip", "-dc", "big.txt.gz"]),
        prep = "gzip -9 -n -c big.txt > big.txt.gz";
    bb_bunzip2: ["busybox", "bzip2", "-dc", "big.txt.bz2"] =>
        Native(&["bzip2", "-dc", "big.txt.bz2"]), prep = "bzip2 -c big.txt > big.txt.bz2";
    bb_unxz: ["busybox", "xz", "-dc", "big.txt.xz"] => Native(&["xz", "-dc", "big.txt.xz"]),
        prep = "xz -c big.txt > big.txt.xz";
    bb_sh_builtins: ["busybox", "sh", "-c",
        "x=abcdef; i=0; while [ $i -lt 2000 ]; do i=$((i + 3)); done; \
         echo $i ${#x} ${x#abc} ${x%ef} $((1 << 40)) $((-7 / 2)) $((0x7fffffffffffffff)); \
         for w in a b c; do printf '%s-' $w; done; echo; test -f words.txt && echo yes"] =>
        Native(&["sh", "-c",
        "x=abcdef; i=0; while [ $i -lt 2000 ]; do i=$((i + 3)); done; \
         echo $i ${#x} ${x#abc} ${x%ef} $((1 << 40)) $((-7 / 2)) $((0x7fffffffffffffff)); \
         for w in a b c; do printf '%s-' $w; done; echo; test -f words.txt && echo yes"]);
    bb_sh_pipeline: ["busybox", "sh", "-c", "seq 1 100000 | sha256sum"] =>
        Native(&["sh", "-c", "seq 1 100000 | sha256sum"]);
    bb_sh_subst: ["busybox", "sh", "-c", "echo $(echo inner) $(busybox expr 6 '*' 7)"] =>
        Native(&["sh", "-c", "echo $(echo inner) $(expr 6 '*' 7)"]);
    bb_sh_script: ["busybox", "sh", "script.sh", "one", "two words"] =>
        Native(&["sh", "script.sh", "one", "two words"]);
    bb_sh_status: ["busybox", "sh", "-c", "(exit 3); echo $?; false | true; echo $?; \
        sh -c 'exit 7'; echo $?; ! true; echo $?"] =>
        Native(&["sh", "-c", "(exit 3); echo $?; false | true; echo $?; \
        sh -c 'exit 7'; echo $?; ! true; echo $?"]);
    bb_sh_wait: ["busybox", "sh", "-c", "sleep 0.01 & wait $!; echo waited $?"] =>
        Native(&["sh", "-c", "sleep 0.01 & wait $!; echo waited $?"]);
    bb_xargs: ["busybox", "xargs", "-n", "3", "echo"] => Native(&["xargs", "-n", "3", "echo"]),
        stdin = "words.txt";
    xargs: ["xargs", "-n", "5", "echo"] => Same, stdin = "words.txt";
    env_exec: ["env", "-i", "A=1", "printenv", "A"] => Same;
    timeout_cmd: ["timeout", "5", "seq", "3"] => Same;

    // coreutils.
    ls_la: ["ls", "-la", "--time-style=full-iso", "lsdir", "lsdir/sub"] => Same;
    ls_lrn: ["ls", "-lRn", "--time-style=+%s", "lsdir"] => Same;
    stat_c: ["stat", "-c", "%n %s %a %F %Y %h", "lsdir/a.txt", "lsdir/sub", "lsdir/link"] => Same;
    stat_f: ["stat", "-f", "-c", "%T %s %S %l %b", "lsdir"] => Same;
    sort_n: ["sort", "-n", "nums.txt"] => Same;
    sort_g: ["sort", "-g", "-r", "nums.txt"] => Same;
    sort_k: ["sort", "-t", " ", "-k2,2", "-k1,1r", "-s", "words.txt"] => Same;
    sort_u: ["sort", "-u", "big.txt"] => Same;
    uniq_c: ["uniq", "-c", "-d", "sorted.txt"] => Same, prep = "sort words.txt > sorted.txt";
    seq_big: ["seq", "1", "100000"] => Same;
    seq_float: ["seq", "-f", "%.3e", "0.5", "0.25", "30"] => Same;
    sha256sum: ["sha256sum", "big.txt", "data.bin", "seq.txt"] => Same;
    md5sum: ["md5sum", "big.txt", "data.bin"] => Same;
    b2sum: ["b2sum", "big.txt", "data.bin"] => Same;
    cksum: ["cksum", "big.txt", "data.bin"] => Same;
    wc: ["wc", "big.txt", "words.txt", "data.bin"] => Same;
    factor: ["factor", "1234567890123", "600851475143", "18446744073709551557", "4294967297"] => Same;
    date_u: ["date", "-u", "-d", "@1700000000", "+%Y-%m-%d %H:%M:%S %j %a %s"] => Same;
    printf_float: ["printf", "%.10f %g %a %e %'d\\n", "3.14159", "1e-5", "1.5", "-0.000123", "1234567"] => Qemu; // %a of a 128-bit long double
    od_x1z: ["od", "-A", "x", "-t", "x1z", "-N", "1024", "data.bin"] => Same;
    od_float: ["od", "-t", "f8", "-N", "256", "data.bin"] => Same;
    tr_s: ["tr", "-s", "a-z", "A-Z"] => Same, stdin = "words.txt";
    cut_f: ["cut", "-d", " ", "-f", "1,3-", "words.txt"] => Same;
    paste: ["paste", "-d", ",", "words.txt", "words2.txt"] => Same;
    join: ["join", "s1.txt", "s2.txt"] => Same,
        prep = "sort -u words.txt > s1.txt; sort -u words2.txt > s2.txt";
    comm: ["comm", "-3", "s1.txt", "s2.txt"] => Same,
        prep = "sort -u words.txt > s1.txt; sort -u words2.txt > s2.txt";
    tac: ["tac", "words.txt"] => Same;
    nl_fold: ["fold", "-w", "13", "words.txt"] => Same;
    head_c: ["head", "-c", "1000", "data.bin"] => Same;
    tail_n: ["tail", "-n", "+99990", "seq.txt"] => Same;
    base32: ["base32", "data.bin"] => Same;
    numfmt: ["numfmt", "--to=iec-i", "--suffix=B", "123456789", "1023", "1099511627776"] => Same;
    shuf_src: ["shuf", "-n", "20", "--random-source=data.bin", "words.txt"] => Same;
    expr_len: ["expr", "length", "emulator", "+", "2"] => Same;
    test_false: ["test", "-d", "lsdir/a.txt"] => Same;
    env_list: ["env"] => Same;
    pwd: ["pwd"] => Same;
    realpath: ["realpath", "lsdir/link", "lsdir/sub/../c.dat"] => Same;
    dd_skip: ["dd", "if=data.bin", "bs=4096", "skip=2", "count=3", "status=none"] => Same;
    sleep: ["sleep", "0.05"] => Same;
    id: ["id"] => Same;
    du: ["du", "-ab", "lsdir"] => Same;

    // grep, sed, gawk.
    grep_n: ["grep", "-n", "-E", "fo+x|ba[rz]|^zulu", "words.txt"] => Same;
    grep_c_i: ["grep", "-c", "-i", "-w", "ECHO", "big.txt"] => Same;
    grep_v: ["grep", "-v", "-e", "a", "-e", "e", "words.txt"] => Same;
    grep_o_pcre: ["grep", "-o", "-P", "\\b\\w{7}\\b(?= \\w)", "words.txt"] => Same;
    grep_f: ["grep", "-F", "-c", "-f", "pat.txt", "big.txt"] => Same,
        prep = "printf 'zulu kilo\\nfizz\\narm arm\\n' > pat.txt";
    grep_none: ["grep", "nosuchword", "words.txt"] => Same;
    sed_script: ["sed", "-f", "edit.sed", "words.txt"] => Same;
    sed_n: ["sed", "-n", "-E", "/^(b|c)/{s/([a-z]+) ([a-z]+)/\\2 \\1/gp};$=", "words.txt"] => Same;
    gawk_report: ["gawk", "-f", "report.awk", "words.txt"] => Qemu;
    gawk_math: ["gawk", "BEGIN { for (i = 1; i <= 20; i++) printf \"%.12g %.6e %d\\n\", \
        sin(i) * exp(i / 3), 1 / i, 2 ^ i }"] => Qemu;
    gawk_fields: ["gawk", "-F", " ", "{ c[NF]++; t += length($NF) } END { \
        PROCINFO[\"sorted_in\"] = \"@ind_num_asc\"; for (k in c) print k, c[k]; print t }",
        "big.txt"] => Qemu;

    // Compressors: output bytes equal native ones, and decompression.
    gzip_9: ["gzip", "-9", "-n", "-c", "big.txt"] => Same;
    gzip_1_bin: ["gzip", "-1", "-n", "-c", "data.bin"] => Same;
    gunzip: ["gzip", "-dc", "big.txt.gz"] => Same, prep = "gzip -n -c big.txt > big.txt.gz";
    bzip2_9: ["bzip2", "-9", "-c", "big.txt"] => Same;
    bzip2_bin: ["bzip2", "-c", "data.bin"] => Same;
    bunzip2: ["bzip2", "-dc", "big.txt.bz2"] => Same, prep = "bzip2 -c big.txt > big.txt.bz2";
    xz_6: ["xz", "-6", "-c", "big.txt"] => Same;
    xz_bin: ["xz", "-c", "--check=sha256", "data.bin"] => Same;
    unxz: ["xz", "-dc", "big.txt.xz"] => Same, prep = "xz -c big.txt > big.txt.xz";
    xz_t2: ["xz", "-T2", "-c", "big.txt"] => Same;
    xz_t0: ["xz", "-T0", "-c", "big.txt"] => Same;
    zstd_t0_19: ["zstd", "-T0", "-19", "-q", "-c", "big.txt"] => Same;
    // zstd 1.5.4 always starts an I/O thread pool.
    zstd_19: ["zstd", "-19", "-q", "-c", "big.txt"] => Same;
    zstd_bin: ["zstd", "-3", "-q", "-c", "data.bin"] => Same;
    unzstd: ["zstd", "-dc", "-q", "big.txt.zst"] => Same, prep = "zstd -q -c big.txt > big.txt.zst";

    // diffutils, findutils.
    diff_u: ["diff", "-u", "words.txt", "words2.txt"] => Same;
    diff_same: ["diff", "words.txt", "words.txt"] => Same;
    cmp_l: ["cmp", "-l", "words.txt", "words2.txt"] => Same;
    find_printf: ["find", "lsdir", "-printf", "%p %y %s %m %TY\\n"] => Same;
    find_name: ["find", ".", "-name", "*.txt", "-type", "f", "-size", "-2k"] => Same;
    find_exec: ["find", "lsdir", "-name", "*.txt", "-exec", "wc", "-c", "{}", "+"] => Same;

    // bash, tar and pipelines of guest tools under the guest's bash.
    bash_features: ["bash", "bash_features.sh"] => Same;
    bash_pipeline: ["bash", "-c", "set -o pipefail; seq 1 200000 | awk '{ print $1 % 97 }' | \
        sort -n | uniq -c | sort -k1,1nr -k2,2n | head -n 5 | xz -c | xz -dc | gzip -c | \
        gzip -dc | zstd -q -c | zstd -q -dc | bzip2 -c | bzip2 -dc | sha256sum"] => Same;
    tar_roundtrip: ["bash", "-c", "tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
        -cf - lsdir | sha256sum && tar -czf t.tgz lsdir && tar -tzvf t.tgz --numeric-owner | \
        awk '{ print $1, $3, $6 }' && rm -rf x && mkdir x && tar -C x -xJf t.txz && diff -r lsdir x/lsdir && \
        echo extracted"] => Same, prep = "tar -cJf t.txz lsdir";

    // perl.
    perl_script: ["perl", "script.pl"] => Same;
    perl_oneliner: ["perl", "-lane", "$c{$F[1]} += length; END { print \"$_ $c{$_}\" for sort keys %c }",
        "words.txt"] => Same;

    // nodejs: V8 writes and patches arm64 code at run time.
    node_jit: ["node", "node_jit.js"] => Same;
    node_child: ["node", "-e", "const { execFileSync } = require('child_process'); \
        console.log(execFileSync('sh', ['-c', 'echo child $((6 * 7))']).toString().trim()); \
        const w = new (require('worker_threads').Worker)('const { parentPort } = \
        require(\"worker_threads\"); let s = 0; for (let i = 0; i < 1e6; i++) s += i; \
        parentPort.postMessage(s)', { eval: true }); w.on('message', (m) => console.log('worker', m));"]
        => Same;

    // lua5.4.
    lua_tables: ["lua5.4", "tables.lua"] => Qemu;
    lua_strings: ["lua5.4", "-e", "local s = ('Emulated ARM64 '):rep(3); \
        print(s:len(), s:lower(), s:reverse()); \
        print(('%q'):format('a\\0b\\n'), ('x'):byte(), string.char(65, 66)); \
        for k, v in ('a=1, b=22, c=333'):gmatch('(%w+)=(%w+)') do io.write(k, v * 2, ';') end print()"] => Qemu;
    lua_float: ["lua5.4", "-e", "local x = 0 for i = 1, 200 do x = x + math.sin(i) * math.sqrt(i) end \
        print(string.format('%.14g %.14g %.14g', x, math.atan(1, 2), 2^0.5)); \
        print(0.1 + 0.2, 1e15 + 0.3, -0.0, 7 // 0.0, math.abs(-2^63), math.ult(1, -1))"] => Qemu;

    // sqlite3 (same version on the host).
    sqlite_script: ["sqlite3", ":memory:", ".read script.sql"] => Same;
    sqlite_modes: ["sqlite3", "-header", "-column", ":memory:",
        "CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 'x'), (2.5, NULL), (-3, 'long text'); \
         SELECT a, b, a * 2 AS dbl, typeof(b) FROM t ORDER BY a;"] => Same;
    sqlite_json: ["sqlite3", "-json", ":memory:",
        "SELECT json_object('k', 1, 'v', json_array(1, 2.5, 'x')) AS j, 22 / 7.0 AS pi;"] => Same;

    // python3.11 with its standard library; the oracle is the host's python3
    // (the scripts print nothing version- or architecture-specific).
    py_threads: ["python3.11", "py_threads.py"] => Native(&["python3", "py_threads.py"]);
    py_process: ["python3.11", "py_process.py"] => Native(&["python3", "py_process.py"]);
    py_stdlib: ["python3.11", "py_stdlib.py"] => Native(&["python3", "py_stdlib.py"]);
    py_asyncio: ["python3.11", "py_asyncio.py"] => Native(&["python3", "py_asyncio.py"]);
}
