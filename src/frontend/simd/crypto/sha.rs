//! FEAT_SHA1, FEAT_SHA256 and FEAT_SHA512, per the Arm ARM pseudocode
//! (SHA1C/P/M, SHA1H, SHA1SU0/1, SHA256H/H2, SHA256SU0/1, SHA512H/H2,
//! SHA512SU0/1). Each takes the old Vd, Vn and Vm and returns the new Vd.

/// 32-bit element `e` of `v`.
fn w(v: u128, e: u32) -> u32 {
    (v >> (32 * e)) as u32
}

/// A vector from four 32-bit elements, element 0 first.
fn v4(e: [u32; 4]) -> u128 {
    e.iter().rev().fold(0u128, |acc, &x| acc << 32 | x as u128)
}

fn hi(v: u128) -> u64 {
    (v >> 64) as u64
}

fn lo(v: u128) -> u64 {
    v as u64
}

fn v2(h: u64, l: u64) -> u128 {
    (h as u128) << 64 | l as u128
}

fn choose(x: u32, y: u32, z: u32) -> u32 {
    ((y ^ z) & x) ^ z
}

fn parity(x: u32, y: u32, z: u32) -> u32 {
    x ^ y ^ z
}

fn majority(x: u32, y: u32, z: u32) -> u32 {
    (x & y) | ((x | y) & z)
}

/// The SHA1 hash-update kinds.
#[derive(Copy, Clone)]
pub enum Sha1 {
    C,
    P,
    M,
}

/// SHA1C/SHA1P/SHA1M: four rounds on hash abcd (Qd), e (Sn) and the
/// schedule words Vm; (Y:X) rotates left by 32 bits after each round.
pub fn sha1_hash(kind: Sha1, d: u128, n: u128, m: u128) -> u128 {
    let f = match kind {
        Sha1::C => choose,
        Sha1::P => parity,
        Sha1::M => majority,
    };
    let mut x = d;
    let mut y = w(n, 0);
    for e in 0..4 {
        let t = f(w(x, 1), w(x, 2), w(x, 3));
        y = y
            .wrapping_add(w(x, 0).rotate_left(5))
            .wrapping_add(t)
            .wrapping_add(w(m, e));
        x = v4([w(x, 0), w(x, 1).rotate_left(30), w(x, 2), w(x, 3)]);
        let top = w(x, 3);
        x = x << 32 | y as u128;
        y = top;
    }
    x
}

/// SHA1H: ROL(Sn, 30).
pub fn sha1h(n: u128) -> u128 {
    w(n, 0).rotate_left(30) as u128
}

/// SHA1SU0: (Vn<63:0> : Vd<127:64>) EOR Vd EOR Vm.
pub fn sha1su0(d: u128, n: u128, m: u128) -> u128 {
    ((n << 64) | (d >> 64)) ^ d ^ m
}

/// SHA1SU1: the schedule update, with W[3]'s dependence on the new W[0].
pub fn sha1su1(d: u128, n: u128) -> u128 {
    let t = d ^ (n >> 32);
    let w0 = w(t, 0).rotate_left(1);
    v4([
        w0,
        w(t, 1).rotate_left(1),
        w(t, 2).rotate_left(1),
        w(t, 3).rotate_left(1) ^ w(t, 0).rotate_left(2),
    ])
}

/// SHA256hash: four rounds; returns X for SHA256H (`part1`), else Y.
pub fn sha256_hash(mut x: u128, mut y: u128, m: u128, part1: bool) -> u128 {
    for e in 0..4 {
        let chs = choose(w(y, 0), w(y, 1), w(y, 2));
        let maj = majority(w(x, 0), w(x, 1), w(x, 2));
        let s1 = w(y, 0).rotate_right(6) ^ w(y, 0).rotate_right(11) ^ w(y, 0).rotate_right(25);
        let s0 = w(x, 0).rotate_right(2) ^ w(x, 0).rotate_right(13) ^ w(x, 0).rotate_right(22);
        let t = w(y, 3)
            .wrapping_add(s1)
            .wrapping_add(chs)
            .wrapping_add(w(m, e));
        let x3 = t.wrapping_add(w(x, 3));
        let y3 = t.wrapping_add(s0).wrapping_add(maj);
        // ROL(Y:X, 32) with the new tops.
        let (nx, ny) = (
            v4([y3, w(x, 0), w(x, 1), w(x, 2)]),
            v4([x3, w(y, 0), w(y, 1), w(y, 2)]),
        );
        x = nx;
        y = ny;
    }
    if part1 {
        x
    } else {
        y
    }
}

/// SHA256SU0: Vd + sigma0 of (Vn<31:0> : Vd<127:32>), per element.
pub fn sha256su0(d: u128, n: u128) -> u128 {
    let t = (n << 96) | (d >> 32);
    let mut r = [0u32; 4];
    for (e, out) in r.iter_mut().enumerate() {
        let x = w(t, e as u32);
        let s = x.rotate_right(7) ^ x.rotate_right(18) ^ (x >> 3);
        *out = s.wrapping_add(w(d, e as u32));
    }
    v4(r)
}

/// SHA256SU1: the second schedule update; elements 2 and 3 use the new
/// elements 0 and 1.
pub fn sha256su1(d: u128, n: u128, m: u128) -> u128 {
    let t0 = (m << 96) | (n >> 32);
    let sigma1 = |x: u32| x.rotate_right(17) ^ x.rotate_right(19) ^ (x >> 10);
    let mut r = [0u32; 4];
    for e in 0..4 {
        let src = if e < 2 { w(m, e as u32 + 2) } else { r[e - 2] };
        r[e] = sigma1(src)
            .wrapping_add(w(d, e as u32))
            .wrapping_add(w(t0, e as u32));
    }
    v4(r)
}

fn big_sigma1(x: u64) -> u64 {
    x.rotate_right(14) ^ x.rotate_right(18) ^ x.rotate_right(41)
}

fn big_sigma0(x: u64) -> u64 {
    x.rotate_right(28) ^ x.rotate_right(34) ^ x.rotate_right(39)
}

/// SHA512H: two rounds of the T1 computation (Qd = W, Qn = X, Vm = Y).
pub fn sha512h(d: u128, n: u128, m: u128) -> u128 {
    let (x, y, wv) = (n, m, d);
    let ch = (hi(y) & lo(x)) ^ (!hi(y) & hi(x));
    let h = ch.wrapping_add(big_sigma1(hi(y))).wrapping_add(hi(wv));
    let tmp = h.wrapping_add(lo(y));
    let ch2 = (tmp & hi(y)) ^ (!tmp & lo(x));
    let l = ch2.wrapping_add(big_sigma1(tmp)).wrapping_add(lo(wv));
    v2(h, l)
}

/// SHA512H2: two rounds of the T2 computation (Qd = W, Qn = X, Vm = Y).
pub fn sha512h2(d: u128, n: u128, m: u128) -> u128 {
    let (x, y, wv) = (n, m, d);
    let maj = (lo(x) & hi(y)) ^ (lo(x) & lo(y)) ^ (hi(y) & lo(y));
    let h = maj.wrapping_add(big_sigma0(lo(y))).wrapping_add(hi(wv));
    let maj2 = (h & lo(y)) ^ (h & hi(y)) ^ (hi(y) & lo(y));
    let l = maj2.wrapping_add(big_sigma0(h)).wrapping_add(lo(wv));
    v2(h, l)
}

fn small_sigma0(x: u64) -> u64 {
    x.rotate_right(1) ^ x.rotate_right(8) ^ (x >> 7)
}

fn small_sigma1(x: u64) -> u64 {
    x.rotate_right(19) ^ x.rotate_right(61) ^ (x >> 6)
}

/// SHA512SU0: Vd + sigma0 of (Vn<63:0> : Vd<127:64>), per element.
pub fn sha512su0(d: u128, n: u128) -> u128 {
    v2(
        hi(d).wrapping_add(small_sigma0(lo(n))),
        lo(d).wrapping_add(small_sigma0(hi(d))),
    )
}

/// SHA512SU1: Vd + sigma1(Vn) + Vm, per element.
pub fn sha512su1(d: u128, n: u128, m: u128) -> u128 {
    v2(
        hi(d).wrapping_add(small_sigma1(hi(n))).wrapping_add(hi(m)),
        lo(d).wrapping_add(small_sigma1(lo(n))).wrapping_add(lo(m)),
    )
}
