//! Address folding (user mode): a guest memory access whose address is a
//! value plus constants (`LDR x0, [x1, #16]`, both halves of `LDP x2, x3,
//! [x1, #32]`) reads `[base + disp32]` directly, so the sums need neither
//! an instruction nor a register of their own. x86 computes `base +
//! sign-extended disp32` modulo 2^64, as the IR's 64-bit add does.

use crate::ir::{BinOp, Block, Op, Val, Width};

/// Buffers kept from block to block (a copy of a block's operations is
/// too big for the allocator's fast path).
#[derive(Default)]
pub(super) struct Scratch {
    defs: Vec<Def>,
    /// The operations of the last folded block, for reuse.
    pub ops: Vec<Op>,
    /// Each operation's displacement (0 for all but the folded accesses).
    pub disp: Vec<i32>,
}

/// The block with folded accesses, their displacements in `s.disp`, or
/// `None` when no access can be folded.
pub(super) fn fold(block: &Block, s: &mut Scratch) -> Option<Block> {
    if !block.ops.iter().any(|op| access_addr(op).is_some()) {
        return None;
    }
    s.defs.clear();
    s.defs.resize(block.n_vals as usize, Def::Other);
    let defs = &mut s.defs;
    let mut folded = false;
    for (i, op) in block.ops.iter().enumerate() {
        match *op {
            Op::Const { dst, imm } => defs[dst.0 as usize] = Def::Const(imm),
            Op::Bin {
                op: BinOp::Add,
                w: Width::W64,
                dst,
                a,
                b,
            } => {
                let (x, k) = match (defs[a.0 as usize], defs[b.0 as usize]) {
                    (_, Def::Const(k)) => (a, k),
                    (Def::Const(k), _) => (b, k),
                    _ => continue,
                };
                let (base, k0) = match defs[x.0 as usize] {
                    Def::Sum(base, k0) => (base, k0),
                    _ => (x, 0),
                };
                let total = (k0 as i64).checked_add(k as i64);
                if let Some(d) = total.and_then(|t| i32::try_from(t).ok()) {
                    defs[dst.0 as usize] = Def::Sum(base, d);
                }
            }
            _ => {
                let Some(addr) = access_addr(op) else {
                    continue;
                };
                if let Def::Sum(base, d) = defs[addr.0 as usize] {
                    if !folded {
                        folded = true;
                        s.ops.clear();
                        s.ops.extend_from_slice(&block.ops);
                        s.disp.clear();
                        s.disp.resize(block.ops.len(), 0);
                    }
                    set_access_addr(&mut s.ops[i], base);
                    s.disp[i] = d;
                }
            }
        }
    }
    if !folded {
        return None;
    }
    // A sum nothing else reads is dead now: the allocator gives it no
    // location and the emitter drops it.
    Some(Block {
        start_pc: block.start_pc,
        end_pc: block.end_pc,
        ops: std::mem::take(&mut s.ops),
        term: block.term.clone(),
        n_vals: block.n_vals,
        nzcv_dead_at_end: block.nzcv_dead_at_end,
        flow: block.flow,
    })
}

/// What the folding knows of a value.
#[derive(Copy, Clone, PartialEq, Eq)]
enum Def {
    Other,
    Const(u64),
    /// A base plus a constant.
    Sum(Val, i32),
}

/// The address of a plain guest load or store.
fn access_addr(op: &Op) -> Option<Val> {
    match *op {
        Op::Load { addr, .. }
        | Op::Store { addr, .. }
        | Op::LoadVec { addr, .. }
        | Op::StoreVec { addr, .. } => Some(addr),
        _ => None,
    }
}

fn set_access_addr(op: &mut Op, base: Val) {
    match op {
        Op::Load { addr, .. }
        | Op::Store { addr, .. }
        | Op::LoadVec { addr, .. }
        | Op::StoreVec { addr, .. } => *addr = base,
        _ => unreachable!("not a plain access"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Builder;

    #[test]
    fn pair_addresses_fold_into_displacements() {
        // ldp x2, x3, [x1, #32], both addresses made from the base (as the
        // frontend does), and a chained sum.
        let mut b = Builder::new(0);
        let base = b.get_reg(1);
        let a = b.add_imm(base, 32);
        let second = b.add_imm(base, 40);
        let third = b.add_imm(second, 8);
        let x = b.load(Width::W64, false, a);
        let y = b.load(Width::W64, false, second);
        let z = b.load(Width::W64, false, third);
        b.set_reg(2, x);
        b.set_reg(3, y);
        b.set_reg(4, z);
        let block = b.finish(4);
        let mut s = Scratch::default();
        let folded = fold(&block, &mut s).expect("folds");
        let disp = &s.disp;
        let loads: Vec<(usize, Val)> = (folded.ops.iter().enumerate())
            .filter_map(|(i, o)| match *o {
                Op::Load { addr, .. } => Some((i, addr)),
                _ => None,
            })
            .collect();
        assert_eq!(loads.len(), 3);
        assert!(loads.iter().all(|&(_, addr)| addr == base));
        let d: Vec<i32> = loads.iter().map(|&(i, _)| disp[i]).collect();
        assert_eq!(d, [32, 40, 48]);
        // The loads no longer read the sums.
        let mut read = Vec::new();
        for o in folded.ops.iter().filter(|o| matches!(o, Op::Load { .. })) {
            o.for_each_use(|v| read.push(v));
        }
        assert!(![a, second, third].iter().any(|v| read.contains(v)));
    }

    #[test]
    fn sums_read_elsewhere_stay_and_big_offsets_do_not_fold() {
        // ldr x2, [x1, #16]! keeps the sum for the writeback.
        let mut b = Builder::new(0);
        let base = b.get_reg(1);
        let a = b.add_imm(base, 16);
        let x = b.load(Width::W64, false, a);
        b.set_reg(2, x);
        b.set_reg(1, a);
        let block = b.finish(4);
        let mut s = Scratch::default();
        let folded = fold(&block, &mut s).expect("folds");
        let disp = &s.disp;
        let i = (folded.ops.iter())
            .position(|o| matches!(o, Op::Load { addr, .. } if *addr == base))
            .expect("the load reads the base");
        assert_eq!(disp[i], 16);
        assert!(folded
            .ops
            .iter()
            .any(|o| matches!(o, Op::Bin { dst, .. } if *dst == a)));

        let mut b = Builder::new(0);
        let base = b.get_reg(1);
        let a = b.add_imm(base, 1 << 40);
        let x = b.load(Width::W64, false, a);
        b.set_reg(2, x);
        assert!(fold(&b.finish(4), &mut s).is_none());
    }
}
