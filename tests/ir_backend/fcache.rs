//! The backend's FP cache (scalar FP values kept in xmm registers within a
//! block): values read back after a V register is overwritten, after a
//! helper call and after an exact slow path, and a single-precision result
//! read as a double, on both executors and against the expected numbers.

use super::*;
use emu::cpu::state::v_offset;
use emu::ir::{FpOp, FpSize};

fn fbin(b: &mut Builder, op: FpOp, size: FpSize, x: Val, y: Val) -> Val {
    let (slow, c0, c1) = emu::frontend::fbin_args(op, size);
    b.fbin(op, size, x, y, clobbering(slow), c0, c1)
}

use emu::ir::Val;

#[test]
fn fp_cache_entries_follow_writes_calls_and_slow_paths() {
    const D: FpSize = FpSize::Double;
    let mut jit = Jit::new();
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mut mem0 = vec![0u8; BUF_LEN];
    mem0[..8].copy_from_slice(&2.0f64.to_bits().to_le_bytes());
    let mut b = Builder::new(0x1000);
    let addr = b.konst(buf.0.as_ptr() as u64);
    let v3 = v_offset(3);
    // LDR d3 fills V3; its low half read twice around an overwrite.
    b.load_vec(8, 3, addr);
    let a = b.load_state(v3);
    let s = fbin(&mut b, FpOp::Add, D, a, a); // 4
    let three = b.konst(3.0f64.to_bits());
    let zero = b.konst(0);
    b.store_state(v3, three);
    b.store_state(v3 + 8, zero);
    let c = b.load_state(v3); // 3, not the loaded 2
    let p = fbin(&mut b, FpOp::Mul, D, c, s); // 12
                                              // A helper call (which clobbers every xmm register) between a result
                                              // and its next use; it also writes X registers, so the results are
                                              // written after it.
    let _ = b.call(helper, &[p, s]);
    let q = fbin(&mut b, FpOp::Add, D, s, c); // 7
                                              // A NaN operand takes the exact slow path; a result computed before
                                              // it (so cached) is read after it.
    let six = fbin(&mut b, FpOp::Add, D, c, c);
    let nan = b.konst(0x7ff8_0000_0000_0001);
    let n = fbin(&mut b, FpOp::Add, D, nan, c);
    let t = fbin(&mut b, FpOp::Add, D, six, six); // 12
                                                  // A single-precision result (zero-extended to 64 bits) read as a double.
    let f = b.konst(u64::from(1.5f32.to_bits()));
    let y = fbin(&mut b, FpOp::Add, FpSize::Single, f, f); // 3.0f
    let z = fbin(&mut b, FpOp::Add, D, y, y);
    for (i, v) in [p, q, n, t, z].into_iter().enumerate() {
        b.set_reg(i as u32, v);
    }
    b.jump(0x2000);
    let block = b.finish(0x1004);

    let cpu0 = CpuState::default();
    let want = run_interp(&block, &cpu0, &mut *buf, &mem0);
    let got = run_jit(&mut jit, &block, &cpu0, &mut *buf, &mem0);
    compare("x86-64 code", &block, &want, &got).unwrap_or_else(|e| panic!("{e}"));
    let single_as_double = 2.0 * f64::from_bits(u64::from(3.0f32.to_bits()));
    let x = &got.cpu.x;
    assert_eq!(x[0], 12.0f64.to_bits());
    assert_eq!(x[1], 7.0f64.to_bits());
    assert_eq!(x[2], 0x7ff8_0000_0000_0001, "the NaN operand, propagated");
    assert_eq!(x[3], 12.0f64.to_bits());
    assert_eq!(x[4], single_as_double.to_bits());
}
