//! Drops zero extensions whose consumers read only the low 32 bits: a value
//! `x & 0xffff_ffff` used only by 32-bit operations (and narrow stores)
//! is replaced by `x` itself in those uses.

use crate::ir::{BinOp, Block, Op, Val, Width};

/// Whether `op` reads only the low 32 bits of `v` (for every use of `v`).
fn reads_low32(op: &Op, v: Val) -> bool {
    match *op {
        Op::Bin { w: Width::W32, .. } | Op::Un { w: Width::W32, .. } => true,
        Op::Flags {
            w: Width::W32,
            a,
            b,
            ..
        }
        | Op::Carry {
            w: Width::W32,
            a,
            b,
            ..
        } => {
            // The carry-in is an NZCV value: its high bits matter.
            let mut only_ab = true;
            op.for_each_use(|u| only_ab &= u != v || u == a || u == b);
            only_ab
        }
        Op::Store { w, addr, .. } => w != Width::W64 && addr != v,
        _ => false,
    }
}

/// A zero extension `dst = a & 0xffff_ffff`, and whether every use of `dst`
/// seen so far reads only the low 32 bits.
struct Zext {
    dst: Val,
    a: Val,
    low_only: bool,
}

/// The zero extension defining `v`, if any. `seen` has bit `v % 64` set for
/// every extension's value, so most lookups end without a search.
fn find(zexts: &mut [Zext], seen: u64, v: Val) -> Option<&mut Zext> {
    if seen & (1 << (v.0 % 64)) == 0 {
        return None;
    }
    zexts.iter_mut().find(|z| z.dst == v)
}

thread_local! {
    /// [`run`]'s buffers, reused from block to block.
    static SCRATCH: std::cell::RefCell<Scratch> = Default::default();
}

pub fn run(block: &mut Block) {
    SCRATCH.with(|s| run_with(block, &mut s.borrow_mut()));
}

type Scratch = (Vec<Val>, Vec<Zext>);

fn run_with(block: &mut Block, (masks, zexts): &mut Scratch) {
    // Values of the constant 0xffff_ffff, then the extensions using them.
    masks.clear();
    zexts.clear();
    let mut seen = 0u64;
    for op in &block.ops {
        if !zexts.is_empty() {
            op.for_each_use(|v| {
                if let Some(z) = find(zexts, seen, v) {
                    z.low_only &= reads_low32(op, v);
                }
            });
        }
        match *op {
            Op::Const {
                dst,
                imm: 0xffff_ffff,
            } => masks.push(dst),
            Op::Bin {
                op: BinOp::And,
                dst,
                a,
                b,
                ..
            } if masks.contains(&b) => {
                zexts.push(Zext {
                    dst,
                    a,
                    low_only: true,
                });
                seen |= 1 << (dst.0 % 64);
            }
            _ => {}
        }
    }
    if zexts.is_empty() {
        return;
    }
    block.term.for_each_use(|v| {
        if let Some(z) = find(zexts, seen, v) {
            z.low_only = false;
        }
    });
    zexts.retain(|z| z.low_only);
    if zexts.is_empty() {
        return;
    }
    seen = zexts.iter().fold(0, |m, z| m | 1 << (z.dst.0 % 64));
    for op in block.ops.iter_mut() {
        op.map_uses(|v| find(zexts, seen, v).map_or(v, |z| z.a));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Builder;

    #[test]
    fn zero_extension_feeding_32_bit_ops_is_bypassed() {
        let mut b = Builder::new(0);
        let x = b.get_reg(0);
        let z = b.zext(x, 32);
        let one = b.konst(1);
        let r = b.sub(Width::W32, z, one);
        let wide = b.add(Width::W64, z, one);
        b.set_reg(1, r);
        b.set_reg(2, wide);
        let mut block = b.finish(4);
        run(&mut block);
        // Used by a 64-bit add as well: kept.
        assert!(matches!(block.ops[4], Op::Bin { a, .. } if a == z));

        let mut b = Builder::new(0);
        let x = b.get_reg(0);
        let z = b.zext(x, 32);
        let one = b.konst(1);
        let r = b.sub(Width::W32, z, one);
        b.set_reg(1, r);
        let mut block = b.finish(4);
        run(&mut block);
        assert!(matches!(block.ops[4], Op::Bin { a, .. } if a == x));
    }
}
