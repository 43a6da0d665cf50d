# Run by tests/debian_programs.rs: gawk -f report.awk words.txt
{
    n[$1]++
    len += length($0)
    for (i = 1; i <= NF; i++) total += length($i)
}
NR % 97 == 0 { printf "%5d %-12s %8.3f\n", NR, toupper($1), NR / 7 }
END {
    k = 0
    for (w in n) k++
    printf "lines=%d distinct=%d chars=%d fieldchars=%d\n", NR, k, len, total
    printf "%.10g %.10g %d %s\n", sqrt(2), exp(1), int(-3.7), substr("arm64-emulator", 7)
    printf "%e %x %o %c\n", 12345.678, 48879, 8, 65
    s = "the quick brown fox"
    gsub(/o/, "0", s); print s, index(s, "q"), split(s, parts, " "), parts[3]
    print sprintf("%10.4f|%-6d|%06.2f", atan2(1, 1) * 4, 42, 3.14159)
}
