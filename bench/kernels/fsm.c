/* switch FSM: a 4-state number scanner (space, digits, '.', other) written
 * as a switch, over a 1 MiB LCG string, 64 passes.  It counts integers,
 * decimals and the sum of the integer parts. */
#include "bench.h"

enum { LEN = 1 << 20, PASSES = 64 };

enum state { SPACE, INT, FRAC, WORD };

KERNEL static uint64_t scan(const char *s, size_t n)
{
    enum state st = SPACE;
    uint64_t ints = 0, decimals = 0, sum = 0, cur = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        switch (st) {
        case SPACE:
            if (c >= '0' && c <= '9') {
                st = INT;
                cur = (uint64_t)(c - '0');
            } else if (c != ' ') {
                st = WORD;
            }
            break;
        case INT:
            if (c >= '0' && c <= '9') {
                cur = cur * 10 + (uint64_t)(c - '0');
            } else if (c == '.') {
                st = FRAC;
            } else if (c == ' ') {
                ints++;
                sum += cur;
                st = SPACE;
            } else {
                st = WORD;
            }
            break;
        case FRAC:
            if (c == ' ') {
                decimals++;
                sum += cur;
                st = SPACE;
            } else if (c < '0' || c > '9') {
                st = WORD;
            }
            break;
        case WORD:
            if (c == ' ')
                st = SPACE;
            break;
        }
    }
    return ints * 0x100000001ULL + decimals * 0x10001ULL + sum;
}

int main(void)
{
    /* Mostly digits and spaces, some dots and letters. */
    static const char alphabet[16] = "0123456789  .  a";
    char *s = xmalloc(LEN);
    for (size_t i = 0; i < LEN; i++)
        s[i] = alphabet[lcg_next() & 15];
    uint64_t t0 = now_ns();
    uint64_t sum = 0;
    for (int p = 0; p < PASSES; p++)
        sum = sum * 7 + scan(s, LEN);
    uint64_t t1 = now_ns();
    report("fsm", sum, t0, t1);
    return 0;
}
