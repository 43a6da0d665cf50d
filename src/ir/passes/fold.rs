//! Constant folding and algebraic identities: operations on constants
//! become constants (evaluated with [`crate::ir::eval`], the same semantics
//! the interpreter uses), and operations that leave a 64-bit operand
//! unchanged (`x + 0`, `x & !0`, `x << 0`, ...) are replaced by it, as is
//! a zero extension (`x & 0xffff_ffff`) of a value whose upper half is
//! known to be zero (a 32-bit operation's result, a zero-extending load, a
//! condition or store-exclusive status).

use crate::ir::eval::{bin, flags, un};
use crate::ir::{BinOp, Block, Op, UnOp, Val, Width};

thread_local! {
    /// [`run`]'s buffers, reused from block to block.
    static SCRATCH: std::cell::RefCell<Scratch> = Default::default();
}

pub fn run(block: &mut Block) {
    SCRATCH.with(|s| run_with(block, &mut s.borrow_mut()));
}

type Scratch = (Vec<Option<u64>>, Vec<Option<Val>>, Vec<bool>, Vec<bool>);

fn run_with(block: &mut Block, (konst, subst, boolean, narrow): &mut Scratch) {
    let n = block.n_vals as usize;
    super::refill(konst, n, None);
    super::refill(subst, n, None);
    // Values known to be 0 or 1 (conditions).
    super::refill(boolean, n, false);
    // Values whose upper 32 bits are known to be zero.
    super::refill(narrow, n, false);
    // Whether `subst` holds anything yet (until then, uses stay as they are).
    let mut substituted = false;
    // The latest RBIT: (result, operand, width).
    let mut last_rbit: Option<(Val, Val, Width)> = None;
    for op in block.ops.iter_mut() {
        if substituted {
            op.map_uses(|v| subst[v.0 as usize].unwrap_or(v));
        }
        let k = |v: Val| konst[v.0 as usize];
        let folded = match *op {
            Op::Const { dst, imm } => {
                konst[dst.0 as usize] = Some(imm);
                None
            }
            Op::Bin {
                op: bop,
                w,
                dst,
                a,
                b,
            } => match (k(a), k(b)) {
                (Some(x), Some(y)) => Some((dst, bin(bop, w, x, y))),
                (_, Some(y))
                    if w == Width::W64
                        && (is_right_identity(bop, y)
                            || (bop, y, narrow[a.0 as usize])
                                == (BinOp::And, 0xffff_ffff, true)) =>
                {
                    subst[dst.0 as usize] = Some(a);
                    substituted = true;
                    *op = Op::Nop;
                    None
                }
                (Some(x), _) if w == Width::W64 && is_left_identity(bop, x) => {
                    subst[dst.0 as usize] = Some(b);
                    substituted = true;
                    *op = Op::Nop;
                    None
                }
                (Some(0), _) | (_, Some(0)) if matches!(bop, BinOp::And | BinOp::Mul) => {
                    Some((dst, 0))
                }
                _ if w != Width::W64 => {
                    narrow[dst.0 as usize] = true;
                    None
                }
                (_, Some(m)) | (Some(m), _) if bop == BinOp::And && m <= u32::MAX as u64 => {
                    narrow[dst.0 as usize] = true;
                    None
                }
                _ => None,
            },
            Op::Un { op: uop, w, dst, a } if k(a).is_some() => k(a).map(|x| (dst, un(uop, w, x))),
            // CLZ of an RBIT (how arm64 counts trailing zeros) is one CTZ
            // of the RBIT's operand; the RBIT dies if nothing else reads it.
            Op::Un {
                op: UnOp::Clz,
                w,
                dst,
                a,
            } => {
                if let Some((_, src, _)) = last_rbit.filter(|r| (r.0, r.2) == (a, w)) {
                    *op = Op::Un {
                        op: UnOp::Ctz,
                        w,
                        dst,
                        a: src,
                    };
                }
                None
            }
            Op::Un {
                op: UnOp::Rbit,
                w,
                dst,
                a,
            } => {
                last_rbit = Some((dst, a, w));
                None
            }
            Op::Flags {
                op: fop,
                w,
                dst,
                a,
                b,
                c,
            } => match (k(a), k(b), c.map(k)) {
                (Some(x), Some(y), None) => Some((dst, flags(fop, w, x, y, None))),
                (Some(x), Some(y), Some(Some(z))) => Some((dst, flags(fop, w, x, y, Some(z)))),
                _ => None,
            },
            Op::Select { dst, c, a, b } => {
                if let Some(cv) = k(c) {
                    subst[dst.0 as usize] = Some(if cv != 0 { a } else { b });
                    substituted = true;
                    *op = Op::Nop;
                } else if let (true, Some((1, 0))) = (boolean[c.0 as usize], k(a).zip(k(b))) {
                    subst[dst.0 as usize] = Some(c);
                    substituted = true;
                    *op = Op::Nop;
                } else if let (true, Some((x, y))) = (boolean[c.0 as usize], k(a).zip(k(b))) {
                    if let Some(o) = select_of_constants(dst, c, x, b, y) {
                        *op = o;
                    }
                }
                None
            }
            Op::Cond { dst, .. } | Op::CondCmp { dst, .. } | Op::StoreExcl { dst, .. } => {
                boolean[dst.0 as usize] = true;
                narrow[dst.0 as usize] = true;
                None
            }
            Op::Un { w, dst, .. } if w != Width::W64 => {
                narrow[dst.0 as usize] = true;
                None
            }
            Op::Load {
                w,
                signed: false,
                dst,
                ..
            } if w != Width::W64 => {
                narrow[dst.0 as usize] = true;
                None
            }
            _ => None,
        };
        if let Some((dst, imm)) = folded {
            *op = Op::Const { dst, imm };
            konst[dst.0 as usize] = Some(imm);
        }
    }
    if substituted {
        block.term.map_uses(|v| subst[v.0 as usize].unwrap_or(v));
    }
}

/// `dst = c ? x : y` for a condition `c` (0 or 1) and constants `x` and
/// `y` (the value `yv`) as one operation when the constants are one apart
/// in the width that holds both, as CSETM, CINC and CINV of constants make
/// them: `y + c` or `y - c` (`None` for other constants).
fn select_of_constants(dst: Val, c: Val, x: u64, yv: Val, y: u64) -> Option<Op> {
    let (w, mask) = if (x | y) <= u64::from(u32::MAX) {
        (Width::W32, u64::from(u32::MAX))
    } else {
        (Width::W64, u64::MAX)
    };
    let op = match x.wrapping_sub(y) & mask {
        1 => BinOp::Add,
        d if d == mask => BinOp::Sub,
        _ => return None,
    };
    Some(Op::Bin {
        op,
        w,
        dst,
        a: yv,
        b: c,
    })
}

/// `x op y == x` for every 64-bit x.
pub(crate) fn is_right_identity(op: BinOp, y: u64) -> bool {
    match op {
        BinOp::Add | BinOp::Sub | BinOp::Or | BinOp::Xor => y == 0,
        BinOp::Shl | BinOp::Lshr | BinOp::Ashr | BinOp::Ror => y.is_multiple_of(64),
        BinOp::And => y == u64::MAX,
        BinOp::Mul | BinOp::UDiv | BinOp::SDiv => y == 1,
        BinOp::UMulH | BinOp::SMulH | BinOp::Crc { .. } => false,
    }
}

/// `x op y == y` for every 64-bit y.
pub(crate) fn is_left_identity(op: BinOp, x: u64) -> bool {
    match op {
        BinOp::Add | BinOp::Or | BinOp::Xor => x == 0,
        BinOp::And => x == u64::MAX,
        BinOp::Mul => x == 1,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Builder;

    #[test]
    fn clz_of_rbit_is_ctz() {
        for (w, other) in [(Width::W64, Width::W32), (Width::W32, Width::W64)] {
            let mut b = Builder::new(0);
            let x = b.get_reg(0);
            let r = b.un(UnOp::Rbit, w, x);
            let z = b.un(UnOp::Clz, w, r);
            let z2 = b.un(UnOp::Clz, other, r);
            b.set_reg(1, z);
            b.set_reg(2, z2);
            let mut block = b.finish(4);
            run(&mut block);
            assert!(
                matches!(block.ops[2], Op::Un { op: UnOp::Ctz, w: ww, a, .. } if ww == w && a == x),
                "{:?}",
                block.ops
            );
            // A CLZ of another width keeps reading the RBIT.
            assert!(
                matches!(block.ops[3], Op::Un { op: UnOp::Clz, a, .. } if a == r),
                "{:?}",
                block.ops
            );
        }
    }

    #[test]
    fn folds_constants_and_identities() {
        let mut b = Builder::new(0);
        let x = b.get_reg(0);
        let two = b.konst(2);
        let three = b.konst(3);
        let five = b.add(Width::W64, two, three);
        let zero = b.konst(0);
        // Pushed raw: the builder itself leaves out an identity it sees.
        let same = b.fresh();
        b.push(Op::Bin {
            op: BinOp::Add,
            w: Width::W64,
            dst: same,
            a: x,
            b: zero,
        });
        let r = b.add(Width::W64, same, five);
        b.set_reg(1, r);
        let mut block = b.finish(4);
        run(&mut block);
        assert!(
            matches!(block.ops[3], Op::Const { imm: 5, .. }),
            "{:?}",
            block.ops
        );
        assert!(matches!(block.ops[5], Op::Nop), "{:?}", block.ops);
        match block.ops[6] {
            Op::Bin { a, .. } => assert_eq!(a, x),
            ref o => panic!("{o:?}"),
        }
    }

    #[test]
    fn narrow_identities_are_kept() {
        // A 32-bit add of 0 zero-extends: not an identity.
        let mut b = Builder::new(0);
        let x = b.get_reg(0);
        let zero = b.konst(0);
        let r = b.add(Width::W32, x, zero);
        b.set_reg(1, r);
        let mut block = b.finish(4);
        run(&mut block);
        assert!(matches!(block.ops[2], Op::Bin { .. }));
    }

    #[test]
    fn zero_extensions_of_narrow_values_are_dropped() {
        // `w1 = w0 + w0; x2 = uxtw(w1)`, `x3 = uxtw(ldr w)`: both
        // extensions go; that of a register (upper half unknown) and of a
        // sign-extending load stay.
        let mut b = Builder::new(0);
        let x = b.get_reg(0);
        let sum = b.add(Width::W32, x, x);
        let m = b.konst(0xffff_ffff);
        let e1 = b.and(Width::W64, sum, m);
        b.set_reg(2, e1);
        let word = b.load(Width::W32, false, x);
        let e2 = b.and(Width::W64, word, m);
        b.set_reg(3, e2);
        let e3 = b.and(Width::W64, x, m);
        b.set_reg(4, e3);
        let sword = b.load(Width::W32, true, x);
        let e4 = b.and(Width::W64, sword, m);
        b.set_reg(5, e4);
        let mut block = b.finish(4);
        run(&mut block);
        let set = |r: u32| {
            block.ops.iter().find_map(|o| match *o {
                Op::SetReg { reg, src } if u32::from(reg) == r => Some(src),
                _ => None,
            })
        };
        assert_eq!(set(2), Some(sum), "{:?}", block.ops);
        assert_eq!(set(3), Some(word), "{:?}", block.ops);
        assert_eq!(set(4), Some(e3), "{:?}", block.ops);
        assert_eq!(set(5), Some(e4), "{:?}", block.ops);
    }
}
