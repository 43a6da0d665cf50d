//! Address folding (user mode): a guest memory access whose address is a
//! value plus constants (`LDR x0, [x1, #16]`, both halves of `LDP x2, x3,
//! [x1, #32]`) reads `[base + disp32]` directly, and one whose address is
//! the sum of two values, the second perhaps shifted left by 1 to 3
//! (`LDR w0, [x1, x2, LSL #2]`, `LDRB w0, [x1, x2]`), reads `[base +
//! index * scale + disp32]`, so the sums and the shift need neither an
//! instruction nor a register of their own. x86 computes the address
//! modulo 2^64, as the IR's 64-bit adds and shifts do.

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
    /// Each operation's index register operand and its shift (`None` for
    /// all but the accesses folded with an index). The access reads the
    /// index value: the allocator keeps it live up to there.
    pub index: Vec<Option<(Val, u8)>>,
    /// Which values something still reads.
    used: Vec<bool>,
    /// How many times each value is read other than as the address of a
    /// plain access.
    uses: Vec<u8>,
}

/// The block with folded accesses, their displacements in `s.disp` and
/// indexes in `s.index`, or `None` when no access can be folded. `keep`
/// are values the terminal's code reads besides the IR terminal's.
pub(super) fn fold(block: &Block, keep: &[Val], s: &mut Scratch) -> Option<Block> {
    if !block.ops.iter().any(|op| access_addr(op).is_some()) {
        return None;
    }
    s.defs.clear();
    s.defs.resize(block.n_vals as usize, Def::Other);
    let defs = &mut s.defs;
    let uses = &mut s.uses;
    uses.clear();
    uses.resize(block.n_vals as usize, 0);
    let mut count = |v: Val| uses[v.0 as usize] = uses[v.0 as usize].saturating_add(1);
    for op in &block.ops {
        let addr = access_addr(op);
        op.for_each_use(|v| {
            if Some(v) != addr {
                count(v)
            }
        });
    }
    block.term.for_each_use(&mut count);
    keep.iter().for_each(|&v| count(v));
    let mut folded = false;
    for (i, op) in block.ops.iter().enumerate() {
        match *op {
            Op::Const { dst, imm } => defs[dst.0 as usize] = Def::Const(imm),
            Op::Bin {
                op: BinOp::Shl,
                w: Width::W64,
                dst,
                a,
                b,
            } => {
                if let Def::Const(k @ 1..=3) = defs[b.0 as usize] {
                    defs[dst.0 as usize] = Def::Scaled(a, k as u8);
                }
            }
            Op::Bin {
                op: BinOp::Add,
                w: Width::W64,
                dst,
                a,
                b,
            } => {
                defs[dst.0 as usize] = add_def(defs, dst, a, b);
            }
            _ => {
                let Some(addr) = access_addr(op) else {
                    continue;
                };
                let (base, d, index) = match defs[addr.0 as usize] {
                    Def::Sum(base, d) => (base, d, None),
                    // Only when the sum (and the shift) is computed for
                    // accesses alone: otherwise the sum stays, and its
                    // operands would only live longer.
                    Def::Indexed(ix) if for_access_only(&s.uses, addr, ix) => {
                        (ix.base, ix.disp, Some((ix.index, ix.shift)))
                    }
                    // Then the sum plus the constants added to it.
                    Def::Indexed(ix) if addr != ix.root => {
                        match i32::try_from(ix.disp as i64 - ix.root_disp as i64) {
                            Ok(d) => (ix.root, d, None),
                            Err(_) => continue,
                        }
                    }
                    _ => continue,
                };
                if !folded {
                    folded = true;
                    s.ops.clear();
                    s.ops.extend_from_slice(&block.ops);
                    s.disp.clear();
                    s.disp.resize(block.ops.len(), 0);
                    s.index.clear();
                    s.index.resize(block.ops.len(), None);
                }
                set_access_addr(&mut s.ops[i], base);
                s.disp[i] = d;
                s.index[i] = index;
            }
        }
    }
    if !folded {
        return None;
    }
    // A sum or shift nothing else reads is dead now: it becomes a `Nop`,
    // so that what only it read is dead too; the allocator gives such
    // values no location.
    let used = &mut s.used;
    used.clear();
    used.resize(block.n_vals as usize, false);
    for v in keep {
        used[v.0 as usize] = true;
    }
    block.term.for_each_use(|v| used[v.0 as usize] = true);
    for i in (0..s.ops.len()).rev() {
        let op = &s.ops[i];
        if let Op::Bin {
            op: BinOp::Add | BinOp::Shl,
            w: Width::W64,
            dst,
            ..
        } = *op
        {
            if !used[dst.0 as usize] {
                s.ops[i] = Op::Nop;
                continue;
            }
        }
        op.for_each_use(|v| used[v.0 as usize] = true);
        if let Some((x, _)) = s.index[i] {
            used[x.0 as usize] = true;
        }
    }
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
    /// A value shifted left by 1 to 3.
    Scaled(Val, u8),
    /// A base plus an index shifted left by 0 to 3, plus a constant.
    Indexed(Indexed),
}

/// `base + (index << shift) + disp`.
#[derive(Copy, Clone, PartialEq, Eq)]
struct Indexed {
    base: Val,
    index: Val,
    shift: u8,
    disp: i32,
    /// The addition of the two values.
    root: Val,
    /// `disp` there.
    root_disp: i32,
    /// The shift of the index (`root` itself without one).
    scaled: Val,
}

/// Whether nothing but accesses reads address `addr` (`uses` counts
/// the other reads) and the sum and shift `ix` makes it of are read only
/// on the way to it.
fn for_access_only(uses: &[u8], addr: Val, ix: Indexed) -> bool {
    let once = |v: Val| v == addr || uses[v.0 as usize] == 1;
    uses[addr.0 as usize] == 0 && once(ix.root) && (ix.scaled == ix.root || once(ix.scaled))
}

/// What the folding knows of `a + b` (64 bits).
fn add_def(defs: &[Def], dst: Val, a: Val, b: Val) -> Def {
    let (da, db) = (defs[a.0 as usize], defs[b.0 as usize]);
    let konst = match (da, db) {
        (_, Def::Const(k)) => Some((a, da, k)),
        (Def::Const(k), _) => Some((b, db, k)),
        _ => None,
    };
    if let Some((v, dv, k)) = konst {
        let plus = |d0: i32| i32::try_from((d0 as i64).checked_add(k as i64)?).ok();
        return match dv {
            Def::Sum(base, d0) => plus(d0).map_or(Def::Other, |d| Def::Sum(base, d)),
            Def::Indexed(ix) => {
                plus(ix.disp).map_or(Def::Other, |disp| Def::Indexed(Indexed { disp, ..ix }))
            }
            _ => plus(0).map_or(Def::Other, |d| Def::Sum(v, d)),
        };
    }
    let (base, index, shift, scaled) = match (da, db) {
        (_, Def::Scaled(i, sh)) => (a, i, sh, b),
        (Def::Scaled(i, sh), _) => (b, i, sh, a),
        _ => (a, b, 0, dst),
    };
    let (base, disp) = match defs[base.0 as usize] {
        Def::Sum(b, d) => (b, d),
        _ => (base, 0),
    };
    Def::Indexed(Indexed {
        base,
        index,
        shift,
        disp,
        root: dst,
        root_disp: disp,
        scaled,
    })
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
        let folded = fold(&block, &[], &mut s).expect("folds");
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
        let folded = fold(&block, &[], &mut s).expect("folds");
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
        assert!(fold(&b.finish(4), &[], &mut s).is_none());
    }

    #[test]
    fn indexes_fold_when_only_accesses_read_the_sum() {
        // ldr w0, [x1, x2, lsl #2]: the shift and the sum are gone.
        let mut b = Builder::new(0);
        let (base, index) = (b.get_reg(1), b.get_reg(2));
        let two = b.konst(2);
        let scaled = b.bin(BinOp::Shl, Width::W64, index, two);
        let sum = b.add(Width::W64, base, scaled);
        let x = b.load(Width::W32, false, sum);
        b.set_reg(0, x);
        let block = b.finish(4);
        let mut s = Scratch::default();
        let folded = fold(&block, &[], &mut s).expect("folds");
        let i = (folded.ops.iter())
            .position(|o| matches!(o, Op::Load { addr, .. } if *addr == base))
            .expect("the load reads the base");
        assert_eq!((s.disp[i], s.index[i]), (0, Some((index, 2))));
        assert!(!folded.ops.iter().any(|o| matches!(o, Op::Bin { .. })));

        // add x19, x5, x4, lsl #2; ldr w19, [x19, #-4]: the sum is a
        // register's value too, so the load reads it plus -4.
        let mut b = Builder::new(0);
        let (base, index) = (b.get_reg(5), b.get_reg(4));
        let two = b.konst(2);
        let scaled = b.bin(BinOp::Shl, Width::W64, index, two);
        let sum = b.add(Width::W64, base, scaled);
        b.set_reg(19, sum);
        let a = b.add_imm(sum, (-4i64) as u64);
        let x = b.load(Width::W32, false, a);
        b.set_reg(19, x);
        let block = b.finish(4);
        let folded = fold(&block, &[], &mut s).expect("folds");
        let i = (folded.ops.iter())
            .position(|o| matches!(o, Op::Load { addr, .. } if *addr == sum))
            .expect("the load reads the sum");
        assert_eq!((s.disp[i], s.index[i]), (-4, None));
    }
}
