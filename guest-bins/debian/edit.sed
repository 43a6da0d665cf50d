# Run by tests/debian_programs.rs: sed -f edit.sed words.txt
s/\([aeiou]\)\([a-z]*\)/\2\1/
/^[bcd]/ {
  y/abcdefghij/ABCDEFGHIJ/
  s/$/ <bcd>/
}
/zz/d
10~7 s/^/# /
$ a\
end of file
