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

pub fn run(block: &mut Block) {
    let n = block.n_vals as usize;
    let mut konst: Vec<Option<u64>> = vec![None; n];
    // Whether every use seen so far reads only the low 32 bits.
    let mut low_only = vec![true; n];
    for op in &block.ops {
        if let Op::Const { dst, imm } = *op {
            konst[dst.0 as usize] = Some(imm);
        }
        op.for_each_use(|v| {
            if !reads_low32(op, v) {
                low_only[v.0 as usize] = false;
            }
        });
    }
    block.term.for_each_use(|v| low_only[v.0 as usize] = false);
    let mut subst: Vec<Option<Val>> = vec![None; n];
    for op in &block.ops {
        if let Op::Bin {
            op: BinOp::And,
            dst,
            a,
            b,
            ..
        } = *op
        {
            if low_only[dst.0 as usize] && konst[b.0 as usize] == Some(0xffff_ffff) {
                subst[dst.0 as usize] = Some(a);
            }
        }
    }
    for op in block.ops.iter_mut() {
        op.map_uses(|v| subst[v.0 as usize].unwrap_or(v));
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
