//! SHA-1, SHA-256, SHA-512 (FIPS 180-4) and SM3 (GB/T 32905) digests
//! computed with the hash instructions alone (the schedule updates included),
//! checked against the standards' example digests of "abc" and of the
//! two-block "abcdbcde...nopq" message.

use super::crypto::{v4, w4, Machine};

const SHA1C: u32 = 0x5e020020; // sha1c q0, s1, v2.4s
const SHA1P: u32 = 0x5e021020; // sha1p q0, s1, v2.4s
const SHA1M: u32 = 0x5e022020; // sha1m q0, s1, v2.4s
const SHA1SU0: u32 = 0x5e023020; // sha1su0 v0.4s, v1.4s, v2.4s
const SHA1H: u32 = 0x5e280820; // sha1h s0, s1
const SHA1SU1: u32 = 0x5e281820; // sha1su1 v0.4s, v1.4s
const SHA256H: u32 = 0x5e024020; // sha256h q0, q1, v2.4s
const SHA256H2: u32 = 0x5e025020; // sha256h2 q0, q1, v2.4s
const SHA256SU0: u32 = 0x5e282820; // sha256su0 v0.4s, v1.4s
const SHA256SU1: u32 = 0x5e026020; // sha256su1 v0.4s, v1.4s, v2.4s
const SHA512H: u32 = 0xce628020; // sha512h q0, q1, v2.2d
const SHA512H2: u32 = 0xce628420; // sha512h2 q0, q1, v2.2d
const SHA512SU0: u32 = 0xcec08020; // sha512su0 v0.2d, v1.2d
const SHA512SU1: u32 = 0xce628820; // sha512su1 v0.2d, v1.2d, v2.2d
const SM3SS1: u32 = 0xce420c20; // sm3ss1 v0.4s, v1.4s, v2.4s, v3.4s
const SM3TT1A: u32 = 0xce428020; // sm3tt1a v0.4s, v1.4s, v2.s[0]
const SM3TT1B: u32 = 0xce428420; // sm3tt1b v0.4s, v1.4s, v2.s[0]
const SM3TT2A: u32 = 0xce428820; // sm3tt2a v0.4s, v1.4s, v2.s[0]
const SM3TT2B: u32 = 0xce428c20; // sm3tt2b v0.4s, v1.4s, v2.s[0]
const SM3PARTW1: u32 = 0xce62c020; // sm3partw1 v0.4s, v1.4s, v2.4s
const SM3PARTW2: u32 = 0xce62c420; // sm3partw2 v0.4s, v1.4s, v2.4s

const ABC: &[u8] = b"abc";
const LONG: &[u8] = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

/// SHA-256 K: the first 32 bits of the fractional parts of the cube roots
/// of the first 64 primes.
#[rustfmt::skip]
const K256: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,];

/// The first `n` primes.
fn primes(n: usize) -> Vec<u64> {
    let mut ps: Vec<u64> = Vec::new();
    let mut x = 2;
    while ps.len() < n {
        if ps.iter().all(|p| x % p != 0) {
            ps.push(x);
        }
        x += 1;
    }
    ps
}

/// Little-endian 64-bit limb product.
fn mul(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut r = vec![0u64; a.len() + b.len()];
    for (i, &x) in a.iter().enumerate() {
        let mut carry = 0u128;
        for (j, &y) in b.iter().enumerate() {
            let t = r[i + j] as u128 + x as u128 * y as u128 + carry;
            r[i + j] = t as u64;
            carry = t >> 64;
        }
        r[i + b.len()] = carry as u64;
    }
    r
}

/// SHA-512 K: the first 64 bits of the fractional parts of the cube roots
/// of the first 80 primes, floor(cbrt(p * 2^192)) by bisection.
fn k512() -> Vec<u64> {
    primes(80)
        .iter()
        .map(|&p| {
            let fits = |x: u128| {
                let x = [x as u64, (x >> 64) as u64];
                let cube = mul(&mul(&x, &x), &x);
                // cube <= p * 2^192 (never equal: cbrt(p) is irrational).
                let high = cube[3] as u128 | (cube[4] as u128) << 64;
                cube[5] == 0 && high < p as u128
            };
            let (mut lo, mut hi) = (0u128, 1u128 << 68);
            while hi - lo > 1 {
                let mid = (lo + hi) / 2;
                if fits(mid) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            lo as u64
        })
        .collect()
}

/// The message padded to whole blocks of `block` bytes with a `lenbytes`
/// big-endian bit length (FIPS 180-4 5.1; SM3 pads the same way).
fn pad(msg: &[u8], block: usize, lenbytes: usize) -> Vec<u8> {
    let mut p = msg.to_vec();
    p.push(0x80);
    while p.len() % block != block - lenbytes {
        p.push(0);
    }
    let bits = (msg.len() as u128 * 8).to_be_bytes();
    p.extend_from_slice(&bits[16 - lenbytes..]);
    p
}

/// Big-endian 32-bit words of a block, four per vector.
fn words32(block: &[u8]) -> Vec<u128> {
    let w: Vec<u32> = block
        .chunks(4)
        .map(|c| u32::from_be_bytes(c.try_into().unwrap()))
        .collect();
    w.chunks(4).map(|c| v4(c.try_into().unwrap())).collect()
}

fn hex32(h: &[u32]) -> String {
    h.iter().map(|x| format!("{x:08x}")).collect()
}

fn add4(a: u128, b: u128) -> u128 {
    let (a, b) = (w4(a), w4(b));
    v4([0, 1, 2, 3].map(|i| a[i].wrapping_add(b[i])))
}

fn add2(a: u128, b: u128) -> u128 {
    let (h, l) = ((a >> 64) as u64, a as u64);
    ((h.wrapping_add((b >> 64) as u64) as u128) << 64) | l.wrapping_add(b as u64) as u128
}

/// EXT #8 of two vectors: the high half of `a` then the low half of `b`.
fn ext8(a: u128, b: u128) -> u128 {
    (a >> 64) | (b << 64)
}

fn sha1(mx: &mut Machine, msg: &[u8]) -> String {
    let mut abcd = v4([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
    let mut e = 0xc3d2e1f0u32;
    let k = [0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6];
    for block in pad(msg, 64, 8).chunks(64) {
        let mut w = words32(block);
        let (abcd0, e0) = (abcd, e);
        for g in 0..20 {
            let wk = add4(w[g % 4], v4([k[g / 5]; 4]));
            let next_e = mx.op(SHA1H, 0, abcd, 0, 0) as u32;
            let f = [SHA1C, SHA1P, SHA1M, SHA1P][g / 5];
            abcd = mx.op(f, abcd, e as u128, wk, 0);
            e = next_e;
            let su0 = mx.op(SHA1SU0, w[g % 4], w[(g + 1) % 4], w[(g + 2) % 4], 0);
            w[g % 4] = mx.op(SHA1SU1, su0, w[(g + 3) % 4], 0, 0);
        }
        abcd = add4(abcd, abcd0);
        e = e.wrapping_add(e0);
    }
    let mut h = w4(abcd).to_vec();
    h.push(e);
    hex32(&h)
}

fn sha256(mx: &mut Machine, msg: &[u8]) -> String {
    let mut abcd = v4([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a]);
    let mut efgh = v4([0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    for block in pad(msg, 64, 8).chunks(64) {
        let mut w = words32(block);
        let (abcd0, efgh0) = (abcd, efgh);
        for g in 0..16 {
            let kv = v4(K256[4 * g..4 * g + 4].try_into().unwrap());
            let wk = add4(w[g % 4], kv);
            let old = abcd;
            abcd = mx.op(SHA256H, abcd, efgh, wk, 0);
            efgh = mx.op(SHA256H2, efgh, old, wk, 0);
            let su0 = mx.op(SHA256SU0, w[g % 4], w[(g + 1) % 4], 0, 0);
            w[g % 4] = mx.op(SHA256SU1, su0, w[(g + 2) % 4], w[(g + 3) % 4], 0);
        }
        abcd = add4(abcd, abcd0);
        efgh = add4(efgh, efgh0);
    }
    hex32(&[w4(abcd), w4(efgh)].concat())
}

fn sha512(mx: &mut Machine, msg: &[u8]) -> String {
    let iv: [u64; 8] = [
        0x6a09e667f3bcc908,
        0xbb67ae8584caa73b,
        0x3c6ef372fe94f82b,
        0xa54ff53a5f1d36f1,
        0x510e527fade682d1,
        0x9b05688c2b3e6c1f,
        0x1f83d9abfb41bd6b,
        0x5be0cd19137e2179,
    ];
    let pair = |lo: u64, hi: u64| (hi as u128) << 64 | lo as u128;
    // (a, b), (c, d), (e, f), (g, h) with the first in the low half.
    let k = k512();
    let mut s: Vec<u128> = iv.chunks(2).map(|c| pair(c[0], c[1])).collect();
    for block in pad(msg, 128, 16).chunks(128) {
        let mut w: Vec<u128> = block
            .chunks(16)
            .map(|c| {
                let x = |i: usize| u64::from_be_bytes(c[i..i + 8].try_into().unwrap());
                pair(x(0), x(8))
            })
            .collect();
        let s0 = s.clone();
        for t in 0..40 {
            let j = t % 8;
            let kw = add2(w[j], pair(k[2 * t], k[2 * t + 1]));
            let [ab, cd, ef, gh] = [s[0], s[1], s[2], s[3]];
            let win = add2(gh, ext8(kw, kw));
            let p = mx.op(SHA512H, win, ext8(ef, gh), ext8(cd, ef), 0);
            let new_ab = mx.op(SHA512H2, p, cd, ab, 0);
            s = vec![new_ab, ab, add2(cd, p), ef];
            let su0 = mx.op(SHA512SU0, w[j], w[(j + 1) % 8], 0, 0);
            let m = ext8(w[(j + 4) % 8], w[(j + 5) % 8]);
            w[j] = mx.op(SHA512SU1, su0, w[(j + 7) % 8], m, 0);
        }
        for (x, x0) in s.iter_mut().zip(&s0) {
            *x = add2(*x, *x0);
        }
    }
    s.iter()
        .map(|v| format!("{:016x}{:016x}", *v as u64, (v >> 64) as u64))
        .collect()
}

/// SM3 with the state as (D, C, B, A) and (H, G, F, E) vectors (A and E in
/// element 3, where the instructions read them).
fn sm3(mx: &mut Machine, msg: &[u8]) -> String {
    let iv = [
        0x7380166fu32,
        0x4914b2b9,
        0x172442d7,
        0xda8a0600,
        0xa96f30bc,
        0x163138aa,
        0xe38dee4d,
        0xb0fb0e4e,
    ];
    let mut abcd = v4([iv[3], iv[2], iv[1], iv[0]]);
    let mut efgh = v4([iv[7], iv[6], iv[5], iv[4]]);
    for block in pad(msg, 64, 8).chunks(64) {
        let mut w = words32(block);
        // W16..W67 four at a time from W[j-16..], W[j-9..], W[j-3..] etc.
        for j in (16..68).step_by(4) {
            let word = |i: usize| w4(w[i / 4])[i % 4];
            let vec_at = |i: usize| v4([i, i + 1, i + 2, i + 3].map(word));
            let p1 = mx.op(SM3PARTW1, vec_at(j - 16), vec_at(j - 9), vec_at(j - 4), 0);
            let p2 = mx.op(SM3PARTW2, p1, vec_at(j - 6), vec_at(j - 13), 0);
            w.push(p2);
        }
        let (abcd0, efgh0) = (abcd, efgh);
        for j in 0..64 {
            let wv = w[j / 4];
            let wpv = wv ^ w[j / 4 + 1];
            let t: u32 = if j < 16 { 0x79cc4519 } else { 0x7a879d8a };
            let tj = (t.rotate_left(j as u32 % 32) as u128) << 96;
            let ss1 = mx.op(SM3SS1, 0, abcd, efgh, tj);
            let lane = (j as u32 % 4) << 12;
            let (tt1, tt2) = if j < 16 {
                (SM3TT1A, SM3TT2A)
            } else {
                (SM3TT1B, SM3TT2B)
            };
            abcd = mx.op(tt1 | lane, abcd, ss1, wpv, 0);
            efgh = mx.op(tt2 | lane, efgh, ss1, wv, 0);
        }
        abcd ^= abcd0;
        efgh ^= efgh0;
    }
    let (a, e) = (w4(abcd), w4(efgh));
    hex32(&[a[3], a[2], a[1], a[0], e[3], e[2], e[1], e[0]])
}

/// The standards' example digests.
#[test]
fn digests_of_the_standard_examples() {
    type Digest = fn(&mut Machine, &[u8]) -> String;
    let cases: [(Digest, &[u8], &str); 6] = [
        (sha1, ABC, "a9993e364706816aba3e25717850c26c9cd0d89d"),
        (sha1, LONG, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        (
            sha256,
            ABC,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        (
            sha256,
            LONG,
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        ),
        (
            sha512,
            ABC,
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        ),
        (
            sm3,
            ABC,
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
        ),
    ];
    let mut mx = Machine::new();
    for (digest, msg, want) in cases {
        assert_eq!(digest(&mut mx, msg), want, "{:?}", std::str::from_utf8(msg));
    }
}
