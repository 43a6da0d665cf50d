#!/usr/bin/env python3
"""Writes the deterministic input of the compression workloads: SIZE bytes
(default 2 MiB) of text-like lines (words from a small vocabulary with a
skewed distribution, numbers, punctuation) from a fixed-seed LCG, so that
it compresses like prose/logs rather than like noise or like zeros.

usage: corpus.py OUT [SIZE]
"""

import sys

WORDS = (
    "the of and to in is that for it as was with be by on not he this are or his from at which but have an they "
    "you were her all she there would their we him been has when who will more no if out so said what up its "
    "about into than them can only other new some could time these two may then do first any my now such like "
    "emulator guest host block translate register memory branch syscall thread signal futex cache"
).split()


def main():
    out = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 2 << 20
    state = 0x2545F4914F6CDD1D
    parts = []
    total = 0
    line = []
    while total < size:
        state = (state * 6364136223846793005 + 1442695040888963407) & (2**64 - 1)
        r = state >> 33
        if r % 11 == 0:
            word = str(r % 100000)
        else:
            # Skewed: low indices much more frequent.
            word = WORDS[(r % len(WORDS)) * (r >> 20 & 7) // 8]
        line.append(word)
        if r % 13 == 0 or len(line) > 14:
            text = " ".join(line) + (".\n" if r % 3 else ",\n")
            parts.append(text)
            total += len(text)
            line = []
    data = "".join(parts).encode()[:size]
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
