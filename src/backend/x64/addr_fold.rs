//! Address folding (user mode): a guest memory access whose address is a
//! value plus constants (`LDR x0, [x1, #16]`, both halves of `LDP x2, x3,
//! [x1, #32]`) reads `[base + disp32]` directly, so the sums need neither
//! an instruction nor a register of their own. x86 computes `base +
//! sign-extended disp32` modulo 2^64, as the IR's 64-bit add does.

use crate::ir::{BinOp, Block, Op, Val, Width};

/// The block with folded accesses and each op's displacement (0 for all but
/// the folded accesses), or `None` when no access can be folded.
/// `keep` are values the terminal's code reads besides the IR terminal's.
pub(super) fn fold(block: &Block, keep: &[Val]) -> Option<(Block, Vec<i32>)> {
    if !block.ops.iter().any(|op| access_addr(op).is_some()) {
        return None;
    }
    let n = block.n_vals as usize;
    let mut konst: Vec<Option<u64>> = vec![None; n];
    // For a value defined as a sum with constants: (base, total constant).
    let mut sum: Vec<Option<(Val, i32)>> = vec![None; n];
    let mut ops = block.ops.clone();
    let mut disp = Vec::new();
    for (i, op) in ops.iter_mut().enumerate() {
        match *op {
            Op::Const { dst, imm } => konst[dst.0 as usize] = Some(imm),
            Op::Bin {
                op: BinOp::Add,
                w: Width::W64,
                dst,
                a,
                b,
            } => {
                let (x, k) = match (konst[a.0 as usize], konst[b.0 as usize]) {
                    (_, Some(k)) => (a, k),
                    (Some(k), None) => (b, k),
                    (None, None) => continue,
                };
                let (base, k0) = sum[x.0 as usize].unwrap_or((x, 0));
                let total = (k0 as i64).checked_add(k as i64);
                if let Some(d) = total.and_then(|t| i32::try_from(t).ok()) {
                    sum[dst.0 as usize] = Some((base, d));
                }
            }
            _ => {
                let Some(addr) = access_addr(op) else {
                    continue;
                };
                if let Some((base, d)) = sum[addr.0 as usize] {
                    set_access_addr(op, base);
                    if disp.is_empty() {
                        disp = vec![0; block.ops.len()];
                    }
                    disp[i] = d;
                }
            }
        }
    }
    if disp.is_empty() {
        return None;
    }
    // Drop the sums nothing reads any more (defs come before their uses,
    // so one backward sweep also drops chains of them).
    let mut used = vec![false; n];
    block.term.for_each_use(|v| used[v.0 as usize] = true);
    for v in keep {
        used[v.0 as usize] = true;
    }
    for op in ops.iter_mut().rev() {
        if let Op::Bin {
            op: BinOp::Add,
            w: Width::W64,
            dst,
            ..
        } = *op
        {
            if !used[dst.0 as usize] {
                *op = Op::Nop;
                continue;
            }
        }
        op.for_each_use(|v| used[v.0 as usize] = true);
    }
    Some((
        Block {
            ops,
            ..block.clone()
        },
        disp,
    ))
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
        // ldp x2, x3, [x1, #32]
        let mut b = Builder::new(0);
        let base = b.get_reg(1);
        let a = b.add_imm(base, 32);
        let second = b.add_imm(a, 8);
        let x = b.load(Width::W64, false, a);
        let y = b.load(Width::W64, false, second);
        b.set_reg(2, x);
        b.set_reg(3, y);
        let block = b.finish(4);
        let (folded, disp) = fold(&block, &[]).expect("folds");
        let loads: Vec<(usize, Val)> = (folded.ops.iter().enumerate())
            .filter_map(|(i, o)| match *o {
                Op::Load { addr, .. } => Some((i, addr)),
                _ => None,
            })
            .collect();
        assert_eq!(loads.len(), 2);
        assert_eq!(loads[0].1, base);
        assert_eq!(loads[1].1, base);
        assert_eq!((disp[loads[0].0], disp[loads[1].0]), (32, 40));
        // Both sums are gone.
        assert!(!folded.ops.iter().any(|o| matches!(o, Op::Bin { .. })));
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
        let (folded, _) = fold(&block, &[]).expect("folds");
        assert!(folded.ops.iter().any(|o| matches!(o, Op::Bin { .. })));

        let mut b = Builder::new(0);
        let base = b.get_reg(1);
        let a = b.add_imm(base, 1 << 40);
        let x = b.load(Width::W64, false, a);
        b.set_reg(2, x);
        assert!(fold(&b.finish(4), &[]).is_none());
    }
}
