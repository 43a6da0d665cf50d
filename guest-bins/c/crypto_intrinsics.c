/* The Armv8 cryptographic extension through arm_neon.h: AES-128 (FIPS-197
 * C.1) encryption and decryption, AES-GCM test case 2 (AES with a zero key,
 * GHASH with PMULL), SHA-1/SHA-256/SHA-512 (FIPS 180-4 examples), SHA3-256
 * with Keccak-f[1600] built from EOR3/RAX1/XAR/BCAX, SM3("abc") and the SM4
 * standard example. Prints each result in hex and whether it is the known
 * answer; first checks AT_HWCAP announces every feature used.
 * With the arguments "bench aes|sha256|sha512|sm3|sm4 MB" it instead runs
 * AES-128 (ECB), SHA-256, SHA-512, SM3 or SM4 (ECB) over MB mebibytes and prints
 * a checksum (for timing; any other kernel name only fills the buffer, the
 * baseline). */
#ifndef __aarch64__
#error "arm64 only: no portable equivalent (check-expected.sh skips the native build)"
#endif
#pragma GCC target("arch=armv8.2-a+crypto+sha3+sm4")
#include <arm_neon.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>


static int failures;

static void hex(char *out, const uint8_t *b, size_t n) {
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

static void report(const char *name, const uint8_t *b, size_t n, const char *want) {
    char got[260];
    hex(got, b, n);
    int ok = strcmp(got, want) == 0;
    failures += !ok;
    printf("%-22s %s %s\n", name, got, ok ? "ok" : "WRONG");
}

static void put_be32(uint8_t *p, uint32_t x) {
    for (int i = 0; i < 4; i++)
        p[i] = x >> (24 - 8 * i);
}

static void put_be64(uint8_t *p, uint64_t x) {
    for (int i = 0; i < 8; i++)
        p[i] = x >> (56 - 8 * i);
}

static void unhex(uint8_t *b, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(s + 2 * i, "%2x", &v);
        b[i] = v;
    }
}

/* ---- AES-128 ---- */

/* Round keys; SubWord is AESE with a zero key on a replicated word (equal
 * columns make ShiftRows a no-op). */
static void aes128_expand(const uint8_t key[16], uint8x16_t rk[11]) {
    uint32_t w[44];
    memcpy(w, key, 16);
    uint32_t rcon = 1;
    for (int i = 4; i < 44; i++) {
        uint32_t t = w[i - 1];
        if (i % 4 == 0) {
            uint8x16_t v = vreinterpretq_u8_u32(vdupq_n_u32((t >> 8) | (t << 24)));
            t = vgetq_lane_u32(vreinterpretq_u32_u8(vaeseq_u8(v, vdupq_n_u8(0))), 0) ^ rcon;
            rcon = (rcon << 1) ^ ((rcon & 0x80) ? 0x11b : 0);
        }
        w[i] = w[i - 4] ^ t;
    }
    for (int i = 0; i < 11; i++)
        rk[i] = vld1q_u8((const uint8_t *)&w[4 * i]);
}

static uint8x16_t aes128_encrypt(const uint8x16_t rk[11], uint8x16_t s) {
    for (int i = 0; i < 9; i++)
        s = vaesmcq_u8(vaeseq_u8(s, rk[i]));
    return veorq_u8(vaeseq_u8(s, rk[9]), rk[10]);
}

static uint8x16_t aes128_decrypt(const uint8x16_t rk[11], uint8x16_t s) {
    s = vaesdq_u8(s, rk[10]);
    for (int i = 9; i >= 1; i--)
        s = vaesdq_u8(vaesimcq_u8(s), vaesimcq_u8(rk[i]));
    return veorq_u8(s, rk[0]);
}

static void test_aes(void) {
    uint8_t key[16], pt[16], out[16];
    unhex(key, "000102030405060708090a0b0c0d0e0f", 16);
    unhex(pt, "00112233445566778899aabbccddeeff", 16);
    uint8x16_t rk[11];
    aes128_expand(key, rk);
    uint8x16_t ct = aes128_encrypt(rk, vld1q_u8(pt));
    vst1q_u8(out, ct);
    report("AES-128 encrypt", out, 16, "69c4e0d86a7b0430d8cdb78070b4c55a");
    vst1q_u8(out, aes128_decrypt(rk, ct));
    report("AES-128 decrypt", out, 16, "00112233445566778899aabbccddeeff");
}

/* ---- GHASH with PMULL (bit-reflected bytes, x^128 = x^7 + x^2 + x + 1) ---- */

static uint64x2_t clmul(uint64_t a, uint64_t b) {
    return vreinterpretq_u64_p128(vmull_p64(a, b));
}

/* The GF(2^128) product of two GCM blocks. */
static uint8x16_t gf128_mul(uint8x16_t x, uint8x16_t y) {
    uint64x2_t a = vreinterpretq_u64_u8(vrbitq_u8(x)), b = vreinterpretq_u64_u8(vrbitq_u8(y));
    uint64_t a0 = vgetq_lane_u64(a, 0), a1 = vgetq_lane_u64(a, 1);
    uint64_t b0 = vgetq_lane_u64(b, 0), b1 = vgetq_lane_u64(b, 1);
    uint64x2_t lo = clmul(a0, b0), hi = clmul(a1, b1);
    uint64x2_t mid = veorq_u64(clmul(a0, b1), clmul(a1, b0));
    uint64_t p0 = vgetq_lane_u64(lo, 0), p1 = vgetq_lane_u64(lo, 1) ^ vgetq_lane_u64(mid, 0);
    uint64_t p2 = vgetq_lane_u64(hi, 0) ^ vgetq_lane_u64(mid, 1), p3 = vgetq_lane_u64(hi, 1);
    uint64x2_t r = clmul(p3, 0x87);
    p1 ^= vgetq_lane_u64(r, 0);
    p2 ^= vgetq_lane_u64(r, 1);
    r = clmul(p2, 0x87);
    p0 ^= vgetq_lane_u64(r, 0);
    p1 ^= vgetq_lane_u64(r, 1);
    uint64x2_t p = vcombine_u64(vcreate_u64(p0), vcreate_u64(p1));
    return vrbitq_u8(vreinterpretq_u8_u64(p));
}

static void test_gcm(void) {
    uint8_t zero[16] = {0}, ctr[16] = {0}, len[16] = {0}, out[16];
    uint8x16_t rk[11];
    aes128_expand(zero, rk);
    uint8x16_t h = aes128_encrypt(rk, vdupq_n_u8(0));
    vst1q_u8(out, h);
    report("GCM H = AES(0, 0)", out, 16, "66e94bd4ef8a2c3b884cfa59ca342b2e");
    ctr[15] = 2;
    uint8x16_t c = aes128_encrypt(rk, vld1q_u8(ctr)); /* plaintext 0 */
    vst1q_u8(out, c);
    report("GCM ciphertext", out, 16, "0388dace60b6a392f328c2b971b2fe78");
    len[15] = 0x80; /* len(A) = 0, len(C) = 128 bits */
    uint8x16_t x = gf128_mul(c, h);
    x = gf128_mul(veorq_u8(x, vld1q_u8(len)), h);
    vst1q_u8(out, x);
    report("GHASH (PMULL)", out, 16, "f38cbb1ad69223dcc3457ae5b6b0f885");
    ctr[15] = 1;
    vst1q_u8(out, veorq_u8(x, aes128_encrypt(rk, vld1q_u8(ctr))));
    report("GCM tag", out, 16, "ab6e47d42cec13bdf53a67b21257bddf");
}

/* ---- Merkle-Damgard padding (SHA-1/256/512, SM3) ---- */

/* Pads msg into buf (blocks of `block` bytes, `lenbytes`-byte big-endian bit
 * length); returns the padded length. */
static size_t md_pad(uint8_t *buf, const char *msg, size_t block, size_t lenbytes) {
    size_t n = strlen(msg), p = n;
    memcpy(buf, msg, n);
    buf[p++] = 0x80;
    while (p % block != block - lenbytes)
        buf[p++] = 0;
    memset(buf + p, 0, lenbytes - 8);
    put_be64(buf + p + lenbytes - 8, (uint64_t)n * 8);
    return p + lenbytes;
}

static uint32x4_t load_be32(const uint8_t *p) {
    return vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p)));
}

static uint64x2_t load_be64(const uint8_t *p) {
    return vreinterpretq_u64_u8(vrev64q_u8(vld1q_u8(p)));
}

/* ---- SHA-1 ---- */

static void sha1_blocks(uint32_t h[5], const uint8_t *p, size_t n) {
    static const uint32_t k[4] = {0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6};
    uint32x4_t abcd = vld1q_u32(h);
    uint32_t e = h[4];
    for (; n >= 64; n -= 64, p += 64) {
        uint32x4_t w[4], abcd0 = abcd;
        uint32_t e0 = e;
        for (int i = 0; i < 4; i++)
            w[i] = load_be32(p + 16 * i);
        for (int g = 0; g < 20; g++) {
            uint32x4_t wk = vaddq_u32(w[g % 4], vdupq_n_u32(k[g / 5]));
            uint32_t next_e = vsha1h_u32(vgetq_lane_u32(abcd, 0));
            if (g < 5)
                abcd = vsha1cq_u32(abcd, e, wk);
            else if (g < 10 || g >= 15)
                abcd = vsha1pq_u32(abcd, e, wk);
            else
                abcd = vsha1mq_u32(abcd, e, wk);
            e = next_e;
            w[g % 4] = vsha1su1q_u32(vsha1su0q_u32(w[g % 4], w[(g + 1) % 4], w[(g + 2) % 4]),
                                     w[(g + 3) % 4]);
        }
        abcd = vaddq_u32(abcd, abcd0);
        e += e0;
    }
    vst1q_u32(h, abcd);
    h[4] = e;
}

static void sha1(const char *msg, uint8_t out[20]) {
    static uint8_t buf[256];
    uint32_t h[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    sha1_blocks(h, buf, md_pad(buf, msg, 64, 8));
    for (int i = 0; i < 5; i++)
        put_be32(out + 4 * i, h[i]);
}

/* ---- SHA-256 ---- */

static uint32_t k256[64];

/* K: 32 fractional bits of the cube roots of the first 64 primes. */
static void sha256_constants(void) {
    static const uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2};
    memcpy(k256, k, sizeof k);
}

static void sha256_blocks(uint32_t h[8], const uint8_t *p, size_t n) {
    uint32x4_t abcd = vld1q_u32(h), efgh = vld1q_u32(h + 4);
    for (; n >= 64; n -= 64, p += 64) {
        uint32x4_t w[4], abcd0 = abcd, efgh0 = efgh;
        for (int i = 0; i < 4; i++)
            w[i] = load_be32(p + 16 * i);
        for (int g = 0; g < 16; g++) {
            uint32x4_t wk = vaddq_u32(w[g % 4], vld1q_u32(k256 + 4 * g));
            uint32x4_t old = abcd;
            abcd = vsha256hq_u32(abcd, efgh, wk);
            efgh = vsha256h2q_u32(efgh, old, wk);
            w[g % 4] = vsha256su1q_u32(vsha256su0q_u32(w[g % 4], w[(g + 1) % 4]), w[(g + 2) % 4],
                                       w[(g + 3) % 4]);
        }
        abcd = vaddq_u32(abcd, abcd0);
        efgh = vaddq_u32(efgh, efgh0);
    }
    vst1q_u32(h, abcd);
    vst1q_u32(h + 4, efgh);
}

static const uint32_t sha256_iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

static void sha256(const char *msg, uint8_t out[32]) {
    static uint8_t buf[256];
    uint32_t h[8];
    memcpy(h, sha256_iv, sizeof h);
    sha256_blocks(h, buf, md_pad(buf, msg, 64, 8));
    for (int i = 0; i < 8; i++)
        put_be32(out + 4 * i, h[i]);
}

/* ---- SHA-512 ---- */

/* K: 64 fractional bits of the cube roots of the first 80 primes. */
static const uint64_t k512[80] = {
    0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
    0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
    0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
    0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
    0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
    0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
    0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
    0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
    0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
    0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
    0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
    0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
    0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
    0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
    0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
    0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
    0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
    0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
    0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
    0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
};

/* State pairs (a,b) (c,d) (e,f) (g,h), the first in lane 0; two rounds per
 * SHA512H/SHA512H2 pair. */
static void sha512_blocks(uint64_t h[8], const uint8_t *p, size_t n) {
    uint64x2_t s[4];
    for (int i = 0; i < 4; i++)
        s[i] = vld1q_u64(h + 2 * i);
    for (; n >= 128; n -= 128, p += 128) {
        uint64x2_t w[8], s0[4];
        memcpy(s0, s, sizeof s);
        for (int i = 0; i < 8; i++)
            w[i] = load_be64(p + 16 * i);
        for (int t = 0; t < 40; t++) {
            int j = t % 8;
            uint64x2_t kw = vaddq_u64(w[j], vld1q_u64(k512 + 2 * t));
            uint64x2_t ab = s[0], cd = s[1], ef = s[2], gh = s[3];
            uint64x2_t win = vaddq_u64(gh, vextq_u64(kw, kw, 1));
            uint64x2_t t1 = vsha512hq_u64(win, vextq_u64(ef, gh, 1), vextq_u64(cd, ef, 1));
            s[0] = vsha512h2q_u64(t1, cd, ab);
            s[1] = ab;
            s[2] = vaddq_u64(cd, t1);
            s[3] = ef;
            w[j] = vsha512su1q_u64(vsha512su0q_u64(w[j], w[(j + 1) % 8]), w[(j + 7) % 8],
                                   vextq_u64(w[(j + 4) % 8], w[(j + 5) % 8], 1));
        }
        for (int i = 0; i < 4; i++)
            s[i] = vaddq_u64(s[i], s0[i]);
    }
    for (int i = 0; i < 4; i++)
        vst1q_u64(h + 2 * i, s[i]);
}

static const uint64_t sha512_iv[8] = {
    0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
    0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179};

static void sha512(const char *msg, uint8_t out[64]) {
    static uint8_t buf[512];
    uint64_t h[8];
    memcpy(h, sha512_iv, sizeof h);
    sha512_blocks(h, buf, md_pad(buf, msg, 128, 16));
    for (int i = 0; i < 8; i++)
        put_be64(out + 8 * i, h[i]);
}

/* ---- SHA3-256: Keccak-f[1600] from EOR3, RAX1, XAR and BCAX ---- */

/* Both lanes of each vector carry the same state. */
static void keccak_f1600(uint64_t st[25]) {
    uint64x2_t a[25], b[25], c[5], d[5];
    for (int i = 0; i < 25; i++)
        a[i] = vdupq_n_u64(st[i]);
    uint8_t lfsr = 1;
    for (int round = 0; round < 24; round++) {
        for (int x = 0; x < 5; x++)
            c[x] = veor3q_u64(veor3q_u64(a[x], a[x + 5], a[x + 10]), a[x + 15], a[x + 20]);
        for (int x = 0; x < 5; x++)
            d[x] = vrax1q_u64(c[(x + 4) % 5], c[(x + 1) % 5]);
        /* rho and pi: b[y + 5 * ((2x + 3y) % 5)] = ROL(a[x + 5y] ^ d[x], r),
         * XAR rotating right by 64 - r. */
#define RP(x, y, r) b[(y) + 5 * ((2 * (x) + 3 * (y)) % 5)] = vxarq_u64(a[(x) + 5 * (y)], d[x], (64 - (r)) % 64)
        RP(0, 0, 0); RP(1, 0, 1); RP(2, 0, 62); RP(3, 0, 28); RP(4, 0, 27);
        RP(0, 1, 36); RP(1, 1, 44); RP(2, 1, 6); RP(3, 1, 55); RP(4, 1, 20);
        RP(0, 2, 3); RP(1, 2, 10); RP(2, 2, 43); RP(3, 2, 25); RP(4, 2, 39);
        RP(0, 3, 41); RP(1, 3, 45); RP(2, 3, 15); RP(3, 3, 21); RP(4, 3, 8);
        RP(0, 4, 18); RP(1, 4, 2); RP(2, 4, 61); RP(3, 4, 56); RP(4, 4, 14);
#undef RP
        /* chi: a = b ^ (~b[x+1] & b[x+2]) = BCAX(b, b[x+2], b[x+1]). */
        for (int y = 0; y < 25; y += 5)
            for (int x = 0; x < 5; x++)
                a[y + x] = vbcaxq_u64(b[y + x], b[y + (x + 2) % 5], b[y + (x + 1) % 5]);
        /* iota, with the round constants from the LFSR x^8+x^6+x^5+x^4+1. */
        uint64_t rc = 0;
        for (int j = 0; j < 7; j++) {
            if (lfsr & 1)
                rc |= 1ULL << ((1 << j) - 1);
            lfsr = (lfsr << 1) ^ ((lfsr & 0x80) ? 0x71 : 0);
        }
        a[0] = veorq_u64(a[0], vdupq_n_u64(rc));
    }
    for (int i = 0; i < 25; i++) {
        st[i] = vgetq_lane_u64(a[i], 0);
        failures += st[i] != vgetq_lane_u64(a[i], 1);
    }
}

static void sha3_256(const char *msg, uint8_t out[32]) {
    uint8_t block[136] = {0};
    uint64_t st[25] = {0};
    size_t n = strlen(msg); /* one block: n < 136 */
    memcpy(block, msg, n);
    block[n] ^= 0x06;
    block[135] ^= 0x80;
    for (int i = 0; i < 17; i++) {
        uint64_t lane;
        memcpy(&lane, block + 8 * i, 8);
        st[i] ^= lane;
    }
    keccak_f1600(st);
    memcpy(out, st, 32);
}

/* ---- SM3 ---- */

/* State as (D,C,B,A) and (H,G,F,E), A and E in lane 3; W[j] and W'[j] by
 * lane, one SM3SS1/SM3TT1/SM3TT2 triple per round. */
#define SM3_ROUND(lane, tt1, tt2)                                                          \
    do {                                                                                   \
        uint32_t t = j < 16 ? 0x79cc4519 : 0x7a879d8a;                                      \
        t = (t << (j % 32)) | (t >> ((32 - j % 32) % 32));                                 \
        uint32x4_t ss1 = vsm3ss1q_u32(abcd, efgh, vsetq_lane_u32(t, vdupq_n_u32(0), 3));   \
        abcd = tt1(abcd, ss1, wp, lane);                                                   \
        efgh = tt2(efgh, ss1, wv, lane);                                                   \
        j++;                                                                               \
    } while (0)

static void sm3_blocks(uint32_t h[8], const uint8_t *p, size_t n) {
    uint32x4_t abcd = {h[3], h[2], h[1], h[0]}, efgh = {h[7], h[6], h[5], h[4]};
    for (; n >= 64; n -= 64, p += 64) {
        uint32x4_t w[17], abcd0 = abcd, efgh0 = efgh;
        for (int i = 0; i < 4; i++)
            w[i] = load_be32(p + 16 * i);
        /* W[j..j+3] from W[j-16..], W[j-9..], W[j-3..] (PARTW1) and W[j-13..],
         * W[j-6..] (PARTW2); EXT builds the unaligned quadruples. */
        for (int q = 4; q < 17; q++) {
            uint32x4_t w16 = w[q - 4], w12 = w[q - 3], w8 = w[q - 2], w4 = w[q - 1];
            uint32x4_t w9 = vextq_u32(w12, w8, 3), w13 = vextq_u32(w16, w12, 3);
            uint32x4_t w6 = vextq_u32(w8, w4, 2);
            w[q] = vsm3partw2q_u32(vsm3partw1q_u32(w16, w9, w4), w6, w13);
        }
        int j = 0;
        for (int q = 0; q < 16; q++) {
            uint32x4_t wv = w[q], wp = veorq_u32(w[q], w[q + 1]);
            if (q < 4) {
                SM3_ROUND(0, vsm3tt1aq_u32, vsm3tt2aq_u32);
                SM3_ROUND(1, vsm3tt1aq_u32, vsm3tt2aq_u32);
                SM3_ROUND(2, vsm3tt1aq_u32, vsm3tt2aq_u32);
                SM3_ROUND(3, vsm3tt1aq_u32, vsm3tt2aq_u32);
            } else {
                SM3_ROUND(0, vsm3tt1bq_u32, vsm3tt2bq_u32);
                SM3_ROUND(1, vsm3tt1bq_u32, vsm3tt2bq_u32);
                SM3_ROUND(2, vsm3tt1bq_u32, vsm3tt2bq_u32);
                SM3_ROUND(3, vsm3tt1bq_u32, vsm3tt2bq_u32);
            }
        }
        abcd = veorq_u32(abcd, abcd0);
        efgh = veorq_u32(efgh, efgh0);
    }
    for (int i = 0; i < 4; i++) {
        h[i] = abcd[3 - i];
        h[4 + i] = efgh[3 - i];
    }
}

static const uint32_t sm3_iv[8] = {0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600,
                                   0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e};

static void sm3(const char *msg, uint8_t out[32]) {
    static uint8_t buf[256];
    uint32_t h[8];
    memcpy(h, sm3_iv, sizeof h);
    sm3_blocks(h, buf, md_pad(buf, msg, 64, 8));
    for (int i = 0; i < 8; i++)
        put_be32(out + 4 * i, h[i]);
}

/* ---- SM4 ---- */

static void sm4_expand(const uint8_t key[16], uint32x4_t rk[8]) {
    static const uint32_t fk[4] = {0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc};
    uint32x4_t k = veorq_u32(load_be32(key), vld1q_u32(fk));
    for (int g = 0; g < 8; g++) {
        uint32_t ck[4];
        for (int j = 0; j < 4; j++) {
            uint8_t b[4];
            for (int i = 0; i < 4; i++)
                b[i] = (uint8_t)((4 * (4 * g + j) + i) * 7);
            ck[j] = (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
        }
        k = vsm4ekeyq_u32(k, vld1q_u32(ck));
        rk[g] = k;
    }
}

/* Encrypts (or, with the round keys reversed, decrypts) one block. */
static void sm4_crypt(const uint32x4_t rk[8], int decrypt, const uint8_t in[16], uint8_t out[16]) {
    uint32x4_t x = load_be32(in);
    for (int g = 0; g < 8; g++) {
        uint32x4_t k = rk[g];
        if (decrypt) {
            k = rk[7 - g];
            k = vcombine_u32(vrev64_u32(vget_high_u32(k)), vrev64_u32(vget_low_u32(k)));
        }
        x = vsm4eq_u32(x, k);
    }
    uint32_t w[4]; /* X35, X34, X33, X32 */
    vst1q_u32(w, vrev64q_u32(vextq_u32(x, x, 2)));
    for (int i = 0; i < 4; i++)
        put_be32(out + 4 * i, w[i]);
}

static void test_sm4(void) {
    uint8_t key[16], ct[16], pt[16];
    uint32x4_t rk[8];
    unhex(key, "0123456789abcdeffedcba9876543210", 16);
    sm4_expand(key, rk);
    sm4_crypt(rk, 0, key, ct);
    report("SM4 encrypt", ct, 16, "681edf34d206965e86b3e94f536e4246");
    sm4_crypt(rk, 1, ct, pt);
    report("SM4 decrypt", pt, 16, "0123456789abcdeffedcba9876543210");
}

/* ---- Timing kernels: AES-128 or SM4 (ECB, checksum = xor of the
 * ciphertext blocks), SHA-256, SHA-512 or SM3 (the state after the blocks,
 * no padding) over `mb` MiB of xorshift bytes ---- */

static int bench(const char *what, long mb) {
    size_t n = (size_t)mb << 20;
    uint8_t *buf = malloc(n), out[32];
    char text[65] = "-";
    if (!buf)
        return 1;
    uint64_t x = 88172645463325252ULL;
    for (size_t i = 0; i < n; i += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        memcpy(buf + i, &x, 8);
    }
    if (strcmp(what, "aes") == 0) {
        uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        uint8x16_t rk[11], acc = vdupq_n_u8(0);
        aes128_expand(key, rk);
        for (size_t i = 0; i < n; i += 16)
            acc = veorq_u8(acc, aes128_encrypt(rk, vld1q_u8(buf + i)));
        vst1q_u8(out, acc);
        hex(text, out, 16);
    } else if (strcmp(what, "sha256") == 0) {
        uint32_t h[8];
        memcpy(h, sha256_iv, sizeof h);
        sha256_blocks(h, buf, n);
        for (int i = 0; i < 8; i++)
            put_be32(out + 4 * i, h[i]);
        hex(text, out, 32);
    } else if (strcmp(what, "sha512") == 0) {
        uint64_t h[8];
        memcpy(h, sha512_iv, sizeof h);
        sha512_blocks(h, buf, n);
        for (int i = 0; i < 4; i++)
            put_be64(out + 8 * i, h[i]);
        hex(text, out, 32);
    } else if (strcmp(what, "sm3") == 0) {
        uint32_t h[8];
        memcpy(h, sm3_iv, sizeof h);
        sm3_blocks(h, buf, n);
        for (int i = 0; i < 8; i++)
            put_be32(out + 4 * i, h[i]);
        hex(text, out, 32);
    } else if (strcmp(what, "sm4") == 0) {
        uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, ct[16];
        uint32x4_t rk[8];
        memset(out, 0, 16);
        sm4_expand(key, rk);
        for (size_t i = 0; i < n; i += 16) {
            sm4_crypt(rk, 0, buf + i, ct);
            for (int j = 0; j < 16; j++)
                out[j] ^= ct[j];
        }
        hex(text, out, 16);
    }
    printf("%s of %ld MiB: %s\n", what, mb, text);
    free(buf);
    return 0;
}

int main(int argc, char **argv) {
    sha256_constants();
    if (argc == 4 && strcmp(argv[1], "bench") == 0)
        return bench(argv[2], atol(argv[3]));

    unsigned long hw = getauxval(AT_HWCAP);
    static const struct {
        unsigned long bit;
        const char *name;
    } caps[] = {{HWCAP_AES, "aes"},   {HWCAP_PMULL, "pmull"},   {HWCAP_SHA1, "sha1"},
                {HWCAP_SHA2, "sha2"}, {HWCAP_SHA512, "sha512"}, {HWCAP_SHA3, "sha3"},
                {HWCAP_SM3, "sm3"},   {HWCAP_SM4, "sm4"}};
    printf("AT_HWCAP:");
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        printf(" %s=%d", caps[i].name, (hw & caps[i].bit) != 0);
    printf("\n");

    static const char long1[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    static const char long2[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                                "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    uint8_t d[64];
    test_aes();
    test_gcm();
    sha1("abc", d);
    report("SHA-1(abc)", d, 20, "a9993e364706816aba3e25717850c26c9cd0d89d");
    sha1(long1, d);
    report("SHA-1(448 bits)", d, 20, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    sha256("abc", d);
    report("SHA-256(abc)", d, 32,
           "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256(long1, d);
    report("SHA-256(448 bits)", d, 32,
           "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    sha512("abc", d);
    report("SHA-512(abc)", d, 64,
           "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
           "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    sha512(long2, d);
    report("SHA-512(896 bits)", d, 64,
           "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
           "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
    sha3_256("abc", d);
    report("SHA3-256(abc)", d, 32,
           "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
    sha3_256("", d);
    report("SHA3-256()", d, 32,
           "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
    sm3("abc", d);
    report("SM3(abc)", d, 32,
           "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    test_sm4();
    int all = (hw & (HWCAP_AES | HWCAP_PMULL | HWCAP_SHA1 | HWCAP_SHA2 | HWCAP_SHA512 |
                     HWCAP_SHA3 | HWCAP_SM3 | HWCAP_SM4)) ==
              (HWCAP_AES | HWCAP_PMULL | HWCAP_SHA1 | HWCAP_SHA2 | HWCAP_SHA512 | HWCAP_SHA3 |
               HWCAP_SM3 | HWCAP_SM4);
    printf("%s\n", failures == 0 && all ? "all known answers match" : "FAILED");
    return failures == 0 && all ? 0 : 1;
}
