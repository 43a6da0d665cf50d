//! The cryptographic extension driven through the instructions with the
//! standards' known answers: AES-128 (FIPS-197 appendix C.1), SM4 (GB/T
//! 32907 example 1), PMULL products, and the SHA3 instructions' lane
//! definitions. The digests (FIPS-180, SM3) are in `crypto_sha`.
//! Words from aarch64-linux-gnu-as -march=armv8.4-a+crypto+sha3+sm4, with
//! d = v0, n = v1, m = v2, a = v3.

use super::*;
use emu::jit::testing::run_code_in;
use emu::jit::Jit;

pub const AESE: u32 = 0x4e284820; // aese v0.16b, v1.16b
pub const AESD: u32 = 0x4e285820; // aesd v0.16b, v1.16b
pub const AESMC: u32 = 0x4e286820; // aesmc v0.16b, v1.16b
pub const AESIMC: u32 = 0x4e287820; // aesimc v0.16b, v1.16b
pub const SM4E: u32 = 0xcec08420; // sm4e v0.4s, v1.4s
pub const SM4EKEY: u32 = 0xce62c820; // sm4ekey v0.4s, v1.4s, v2.4s
pub const PMULL_1Q: u32 = 0x0ee2e020; // pmull v0.1q, v1.1d, v2.1d
pub const PMULL2_1Q: u32 = 0x4ee2e020; // pmull2 v0.1q, v1.2d, v2.2d
pub const PMULL_8H: u32 = 0x0e22e020; // pmull v0.8h, v1.8b, v2.8b
pub const EOR3: u32 = 0xce020c20; // eor3 v0.16b, v1.16b, v2.16b, v3.16b
pub const BCAX: u32 = 0xce220c20; // bcax v0.16b, v1.16b, v2.16b, v3.16b
pub const RAX1: u32 = 0xce628c20; // rax1 v0.2d, v1.2d, v2.2d
pub const XAR_5: u32 = 0xce821420; // xar v0.2d, v1.2d, v2.2d, #5

/// Runs single crypto instructions on v0..v3 with one translator.
pub struct Machine {
    jit: Jit,
    pub cpu: CpuState,
}

impl Machine {
    pub fn new() -> Machine {
        Machine {
            jit: Jit::new().expect("code cache"),
            cpu: CpuState::default(),
        }
    }

    /// v0 = d, v1 = n, v2 = m, v3 = a; runs `word`; returns v0.
    pub fn op(&mut self, word: u32, d: u128, n: u128, m: u128, a: u128) -> u128 {
        self.cpu.v[..4].copy_from_slice(&[d, n, m, a]);
        let r = run_code_in(&mut self.jit, &[word], &mut self.cpu);
        assert_eq!(r, ExitReason::Lookup, "word {word:#010x}");
        self.cpu.v[0]
    }
}

/// A vector from 32-bit elements, element 0 first.
pub fn v4(e: [u32; 4]) -> u128 {
    vec_of(32, &e.map(u64::from))
}

/// The 32-bit elements of `v`.
pub fn w4(v: u128) -> [u32; 4] {
    [0, 1, 2, 3].map(|i| (v >> (32 * i)) as u32)
}

/// The bytes of a hex string as a vector (byte 0 in bits 7..0).
fn bytes(hex: &str) -> u128 {
    let b: Vec<u8> = (0..16)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    u128::from_le_bytes(b.try_into().unwrap())
}

/// AES-128 round keys, SubWord computed by AESE on a replicated word (with
/// equal columns ShiftRows moves nothing).
fn aes128_keys(mx: &mut Machine, key: u128) -> Vec<u128> {
    let mut w: Vec<u32> = w4(key).to_vec();
    let mut rcon = 1u32;
    for i in 4..44 {
        let mut t = w[i - 1];
        if i % 4 == 0 {
            let sub = w4(mx.op(AESE, v4([t.rotate_right(8); 4]), 0, 0, 0))[0];
            t = sub ^ rcon;
            rcon = if rcon & 0x80 != 0 {
                (rcon << 1) ^ 0x11b
            } else {
                rcon << 1
            };
        }
        w.push(w[i - 4] ^ t);
    }
    w.chunks(4).map(|c| v4(c.try_into().unwrap())).collect()
}

#[test]
fn aes128_fips197_c1() {
    let mut mx = Machine::new();
    let rk = aes128_keys(&mut mx, bytes("000102030405060708090a0b0c0d0e0f"));
    assert_eq!(rk[10], bytes("13111d7fe3944a17f307a78b4d2b30c5"));
    let plain = bytes("00112233445566778899aabbccddeeff");
    let cipher = bytes("69c4e0d86a7b0430d8cdb78070b4c55a");
    let mut s = plain;
    for k in &rk[..9] {
        s = mx.op(AESE, s, *k, 0, 0);
        s = mx.op(AESMC, 0, s, 0, 0);
    }
    s = mx.op(AESE, s, rk[9], 0, 0) ^ rk[10];
    assert_eq!(s, cipher);
    // The equivalent inverse cipher: AESD, then AESIMC with InvMixColumns'd
    // round keys.
    let mut s = mx.op(AESD, cipher, rk[10], 0, 0);
    for k in rk[1..10].iter().rev() {
        s = mx.op(AESIMC, 0, s, 0, 0);
        let ik = mx.op(AESIMC, 0, *k, 0, 0);
        s = mx.op(AESD, s, ik, 0, 0);
    }
    assert_eq!(s ^ rk[0], plain);
}

#[test]
fn aes_single_steps() {
    let mut mx = Machine::new();
    // FIPS-197 appendix B, round 1: start of round, after SubBytes+ShiftRows
    // (AESE with a zero key), after MixColumns.
    let start = bytes("193de3bea0f4e22b9ac68d2ae9f84808");
    let shifted = bytes("d4bf5d30e0b452aeb84111f11e2798e5");
    let mixed = bytes("046681e5e0cb199a48f8d37a2806264c");
    assert_eq!(mx.op(AESE, start, 0, 0, 0), shifted);
    assert_eq!(mx.op(AESE, start ^ 0x55, 0x55, 0, 0), shifted);
    assert_eq!(mx.op(AESMC, 0, shifted, 0, 0), mixed);
    assert_eq!(mx.op(AESIMC, 0, mixed, 0, 0), shifted);
    assert_eq!(mx.op(AESD, shifted, 0, 0, 0), start);
}

#[test]
fn sm4_standard_example() {
    let mut mx = Machine::new();
    let be = |hex: &str| {
        let v = bytes(hex);
        w4(v).map(u32::from_be)
    };
    let fk = [0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc];
    let ck = |i: u32| u32::from_be_bytes([0, 1, 2, 3].map(|j| ((4 * i + j) * 7) as u8));
    let mk = be("0123456789abcdeffedcba9876543210");
    let mut k = v4([0, 1, 2, 3].map(|i| mk[i] ^ fk[i]));
    let mut rks = Vec::new();
    for g in 0..8 {
        k = mx.op(SM4EKEY, 0, k, v4([0, 1, 2, 3].map(|j| ck(4 * g + j))), 0);
        rks.push(k);
    }
    assert_eq!(w4(rks[0])[0], 0xf12186f9);
    assert_eq!(w4(rks[7])[3], 0x9124a012);
    let mut x = v4(mk);
    for rk in &rks {
        x = mx.op(SM4E, x, *rk, 0, 0);
    }
    let [x32, x33, x34, x35] = w4(x);
    assert_eq!([x35, x34, x33, x32], be("681edf34d206965e86b3e94f536e4246"));
}

#[test]
fn pmull_known_products() {
    let mut mx = Machine::new();
    // (x^63 + 1) * (x^63 + x) = x^126 + x^64 + x^63 + x.
    let (a, b) = ((1u64 << 63) | 1, (1u64 << 63) | 2);
    let p = 1u128 << 126 | 1 << 64 | 1 << 63 | 2;
    assert_eq!(mx.op(PMULL_1Q, !0, a as u128, b as u128, 0), p);
    assert_eq!(
        mx.op(
            PMULL2_1Q,
            0,
            (a as u128) << 64 | 7,
            (b as u128) << 64 | 9,
            0
        ),
        p
    );
    // All ones squared: the even bits.
    let even = (0..64).fold(0u128, |acc, i| acc | 1 << (2 * i));
    assert_eq!(
        mx.op(PMULL_1Q, 0, u64::MAX as u128, u64::MAX as u128, 0),
        even
    );
    // GHASH's H * x^0 = H, and a known 64x64 product (0x87 * 0x87 = 0x4015).
    assert_eq!(mx.op(PMULL_1Q, 0, 0xdead_beef, 1, 0), 0xdead_beef);
    assert_eq!(mx.op(PMULL_1Q, 0, 0x87, 0x87, 0), 0x4015);
    // The 8-bit form: 0xff * 0xff = 0x5555 in every 16-bit lane.
    let r = mx.op(PMULL_8H, 0, u64::MAX as u128, u64::MAX as u128, 0);
    assert_eq!(r, vec_of(16, &[0x5555; 8]));
    let r = mx.op(PMULL_8H, 0, 0x0302, 0x0303, 0);
    assert_eq!(lanes(16, r)[..2], [0x6, 0x5]);
}

#[test]
fn sha3_lane_definitions() {
    let mut mx = Machine::new();
    let (n, m, a) = (N, M, D);
    assert_eq!(mx.op(EOR3, 0, n, m, a), n ^ m ^ a);
    assert_eq!(mx.op(BCAX, 0, n, m, a), n ^ (m & !a));
    let l = |v: u128| lanes(64, v);
    let r = mx.op(RAX1, 0, n, m, 0);
    for i in 0..2 {
        assert_eq!(l(r)[i], l(n)[i] ^ l(m)[i].rotate_left(1));
    }
    let r = mx.op(XAR_5, 0, n, m, 0);
    for i in 0..2 {
        assert_eq!(l(r)[i], (l(n)[i] ^ l(m)[i]).rotate_right(5));
    }
    // XAR #0 is a plain exclusive or; #63 rotates left by one.
    let xar = |imm: u32| XAR_5 & !(0x3f << 10) | imm << 10;
    assert_eq!(mx.op(xar(0), 0, n, m, 0), n ^ m);
    let r = mx.op(xar(63), 0, 1 << 64 | 1 << 63, 0, 0);
    assert_eq!(r, 2 << 64 | 1);
}
