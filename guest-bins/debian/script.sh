# Run by tests/debian_programs.rs: busybox sh script.sh one "two words"
set -e
echo "args: $# [$1] [$2]"
total=0
for f in words.txt words2.txt; do
    n=$(wc -l < "$f")
    total=$((total + n))
    echo "$f $(grep -c zulu "$f") $(sort -u "$f" | head -n 2 | tr '\n' ,)"
done
echo "total $total"
seq 1 2000 | sort -r | sed -n '1p;$p'
sort words.txt | uniq -c | sort -k1,1nr -k2 | head -n 5
cat words.txt words2.txt | gzip -c -n | gzip -dc | md5sum
printf 'x=%s\n' "$(echo nested $(echo deeper))"
f() { echo "function $1"; return 3; }
f arg || echo "status $?"
case "$2" in two*) echo matched ;; *) echo nope ;; esac
i=0; while read -r a b; do i=$((i + 1)); [ $i -ge 3 ] && break; echo "$b|$a"; done < words.txt
echo done > out.tmp; cat out.tmp; rm out.tmp
exit 5
