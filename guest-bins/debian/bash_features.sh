# bash features beyond POSIX sh: arrays, associative arrays, [[ ]], regex
# matches, brace and parameter expansion, process substitution, here-strings,
# arithmetic, functions with locals, traps, coprocesses and pipelines of
# guest tools.
set -o pipefail
declare -A count
while read -r a b; do
    count[$a]=$(( ${count[$a]:-0} + 1 ))
done < words.txt
for k in $(printf '%s\n' "${!count[@]}" | sort); do
    printf '%s=%d ' "$k" "${count[$k]}"
done
echo
arr=(zero one two three four)
echo "${#arr[@]} ${arr[@]:1:3} ${arr[-1]^^} ${arr[2]/t/T}"
s="emulated-arm64-binary"
[[ $s =~ ^([a-z]+)-(arm[0-9]+)- ]] && echo "match ${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
echo {a..e}{1..2} "${s%%-*}" "${s##*-}" "${#s}"
diff <(seq 1 5) <(seq 1 5 | sed 's/3/three/') || echo "diff status $?"
read -r x y <<< "forty two"; echo "$y $x"
echo $(( (7 ** 5) % 1000 + (1 << 20) / 3 ))
f() { local v=$1; (( v <= 1 )) && { echo 1; return; }; echo $(( v * $(f $((v - 1))) )); }
echo "fact $(f 10)"
trap 'echo "trapped USR1"' USR1
kill -USR1 $$
coproc bc_like { while read -r n; do echo $(( n * n )); done; }
for n in 3 4 5; do echo "$n" >&"${bc_like[1]}"; read -r sq <&"${bc_like[0]}"; echo "sq $sq"; done
exec {bc_like[1]}>&-
wait
seq 1 20000 | grep 7 | sort -r | head -n 3 | tr '\n' ' '; echo
false | true; echo "pipefail status $?"
