/* crc32 bitwise (ALU): bit-at-a-time CRC-32, reflected polynomial
 * 0xEDB88320, over 1 MiB of LCG bytes, 8 passes (each pass continues the
 * previous CRC). */
#include "bench.h"

enum { LEN = 1 << 20, PASSES = 8 };

KERNEL static uint32_t crc32_bitwise(const uint8_t *p, size_t n, uint32_t crc)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    }
    return ~crc;
}

int main(void)
{
    uint8_t *buf = xmalloc(LEN);
    for (size_t i = 0; i < LEN; i++)
        buf[i] = (uint8_t)lcg_next();
    uint64_t t0 = now_ns();
    uint32_t crc = 0;
    for (int pass = 0; pass < PASSES; pass++)
        crc = crc32_bitwise(buf, LEN, crc);
    uint64_t t1 = now_ns();
    report("crc32", crc, t0, t1);
    return 0;
}
