//! Lane access on 128-bit vector values, saturation, and the element loops
//! shared by the Advanced SIMD helpers. Elements are held in the low `esize`
//! bits of a `u64`.

use super::Args;
use crate::cpu::CpuState;

/// FPSR.QC, the cumulative saturation bit.
pub const FPSR_QC: u64 = 1 << 27;

/// All-ones in the low `esize` bits.
pub fn mask(esize: u32) -> u64 {
    if esize >= 64 {
        u64::MAX
    } else {
        (1u64 << esize) - 1
    }
}

/// Element `i` of size `esize` bits.
pub fn get(v: u128, esize: u32, i: usize) -> u64 {
    (v >> (i as u32 * esize)) as u64 & mask(esize)
}

/// Replaces element `i` of size `esize` bits.
pub fn set(v: &mut u128, esize: u32, i: usize, x: u64) {
    let sh = i as u32 * esize;
    let m = (mask(esize) as u128) << sh;
    *v = (*v & !m) | (((x & mask(esize)) as u128) << sh);
}

/// Sign-extends an element.
pub fn sx(x: u64, esize: u32) -> i64 {
    ((x << (64 - esize)) as i64) >> (64 - esize)
}

/// The low `bits` bits of `v` (64 or 128 for vectors, the element size for
/// scalars); the rest is zeroed, as every SIMD&FP register write does.
pub fn trunc(v: u128, bits: u32) -> u128 {
    if bits >= 128 {
        v
    } else {
        v & ((1u128 << bits) - 1)
    }
}

/// Number of result bits a write of `a` keeps.
pub fn width(a: &Args) -> u32 {
    if a.scalar {
        a.esize()
    } else if a.q {
        128
    } else {
        64
    }
}

/// Signed saturation of `v` to `esize` bits: (value, saturated).
pub fn sat_s(v: i128, esize: u32) -> (u64, bool) {
    let max = (1i128 << (esize - 1)) - 1;
    let min = -(1i128 << (esize - 1));
    let c = v.clamp(min, max);
    (c as u64 & mask(esize), c != v)
}

/// Unsigned saturation of `v` to `esize` bits: (value, saturated).
pub fn sat_u(v: i128, esize: u32) -> (u64, bool) {
    let max = mask(esize) as i128;
    let c = v.clamp(0, max);
    (c as u64, c != v)
}

/// Sets FPSR.QC when `sat`.
pub fn qc(cpu: &mut CpuState, sat: bool) {
    if sat {
        cpu.fpsr |= FPSR_QC;
    }
}

/// `d[i] = f(n[i], m[i], d[i])` for each element of `a`, then writes Vd
/// with the upper part zeroed.
/// `m` is the second operand vector (normally Vm).
pub fn map3(cpu: &mut CpuState, a: &Args, m: u128, mut f: impl FnMut(u64, u64, u64) -> u64) {
    let es = a.esize();
    let el = a.elements();
    let (n, d) = (cpu.v[a.n as usize], cpu.v[a.d as usize]);
    // Element loops over typed arrays, one per element size, so the
    // compiler sees fixed-size lanes instead of 128-bit shifts.
    macro_rules! typed {
        ($t:ty, $bytes:expr) => {{
            let split = |v: u128| -> [$t; 16 / $bytes] {
                let b = v.to_le_bytes();
                std::array::from_fn(|i| {
                    <$t>::from_le_bytes(b[i * $bytes..(i + 1) * $bytes].try_into().unwrap())
                })
            };
            let (nn, mm, dd) = (split(n), split(m), split(d));
            let mut out = [0 as $t; 16 / $bytes];
            for i in 0..el {
                out[i] = f(nn[i] as u64, mm[i] as u64, dd[i] as u64) as $t;
            }
            let mut b = [0u8; 16];
            for (i, x) in out.iter().enumerate() {
                b[i * $bytes..(i + 1) * $bytes].copy_from_slice(&x.to_le_bytes());
            }
            u128::from_le_bytes(b)
        }};
    }
    let r = match es {
        8 => typed!(u8, 1),
        16 => typed!(u16, 2),
        32 => typed!(u32, 4),
        _ => typed!(u64, 8),
    };
    cpu.v[a.d as usize] = trunc(r, width(a));
}

/// A vector with every `esize`-bit element equal to `x`.
pub fn broadcast(x: u64, esize: u32) -> u128 {
    let x = (x & mask(esize)) as u128;
    let mut v = 0u128;
    let mut sh = 0;
    while sh < 128 {
        v |= x << sh;
        sh += esize;
    }
    v
}

/// `d[i] = f(n[i], d[i])` for each element.
pub fn map1(cpu: &mut CpuState, a: &Args, mut f: impl FnMut(u64, u64) -> u64) {
    map3(cpu, a, 0, |n, _, d| f(n, d))
}

/// Element `i` of the concatenation Vm:Vn (Vn first) of `el`-element
/// vectors of `esize`-bit elements.
pub fn concat_elem(n: u128, m: u128, esize: u32, el: usize, i: usize) -> u64 {
    if i < el {
        get(n, esize, i)
    } else {
        get(m, esize, i - el)
    }
}

/// Pairwise: the elements of the concatenation Vm:Vn taken two at a time,
/// `d[i] = f(pair[2i], pair[2i+1])`.
pub fn pairwise(cpu: &mut CpuState, a: &Args, mut f: impl FnMut(u64, u64) -> u64) {
    let es = a.esize();
    let el = a.elements();
    let (n, m) = (cpu.v[a.n as usize], cpu.v[a.m as usize]);
    let cat = |i: usize| concat_elem(n, m, es, el, i);
    let mut r = 0u128;
    for i in 0..el {
        set(&mut r, es, i, f(cat(2 * i), cat(2 * i + 1)));
    }
    cpu.v[a.d as usize] = trunc(r, width(a));
}

/// Narrowing: each `2 * esize` element of Vn becomes `f(element)` of
/// `esize` bits, written to the lower half of Vd (upper zeroed), or for the
/// "2" forms (Q=1) to the upper half (lower kept). Scalar forms write one
/// element and zero the rest.
pub fn narrow(cpu: &mut CpuState, a: &Args, mut f: impl FnMut(u64) -> u64) {
    let es = a.esize();
    let n = cpu.v[a.n as usize];
    let el = if a.scalar { 1 } else { (64 / es) as usize };
    let mut r = 0u128;
    for i in 0..el {
        set(&mut r, es, i, f(get(n, 2 * es, i)));
    }
    let d = &mut cpu.v[a.d as usize];
    *d = if a.scalar {
        r
    } else if a.q {
        trunc(*d, 64) | r << 64
    } else {
        r
    };
}

/// Lengthening: each `esize` element of the lower (Q=0) or upper (Q=1)
/// half of Vn becomes `f(element)` of `2 * esize` bits in Vd.
pub fn widen(cpu: &mut CpuState, a: &Args, mut f: impl FnMut(u64) -> u64) {
    let es = a.esize();
    let n = cpu.v[a.n as usize];
    let src = if a.q { n >> 64 } else { n };
    let mut r = 0u128;
    for i in 0..(64 / es) as usize {
        set(&mut r, 2 * es, i, f(get(src, es, i)));
    }
    cpu.v[a.d as usize] = r;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_and_saturation() {
        let mut v = 0u128;
        set(&mut v, 16, 3, 0x1_abcd);
        assert_eq!(v, 0xabcd << 48);
        assert_eq!(get(v, 8, 6), 0xcd);
        assert_eq!(sx(0x80, 8), -128);
        assert_eq!(sat_s(200, 8), (0x7f, true));
        assert_eq!(sat_s(-129, 8), (0x80, true));
        assert_eq!(sat_s(-5, 8), (0xfb, false));
        assert_eq!(sat_u(-1, 16), (0, true));
        assert_eq!(sat_u(0x1_0000, 16), (0xffff, true));
        assert_eq!(trunc(u128::MAX, 64), u64::MAX as u128);
    }
}
