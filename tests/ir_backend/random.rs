//! The random-IR differential test: random well-formed blocks run under
//! the interpreter and as x86-64 code, before and after the IR passes.

use super::*;
use emu::cpu::state::{v_offset, x_offset};
use emu::ir::{BinOp, FlagsOp, FpOp, RmwOp, UnOp, Val, Width};
use std::mem::offset_of;
/// CPU-state fields random blocks may load and store as 64-bit words.
/// State fields random blocks load and store. Not FPSR: the IR reads and
/// writes it only through helpers, because `FBin` may leave its exception
/// flags pending in the host until the block ends (see `Op::FBin`).
fn state_offsets() -> Vec<usize> {
    let mut v = vec![
        offset_of!(CpuState, nzcv),
        offset_of!(CpuState, tpidr_el0),
        offset_of!(CpuState, exit_arg),
        offset_of!(CpuState, pc),
    ];
    v.extend((0..32).map(x_offset));
    v.extend([v_offset(0), v_offset(0) + 8, v_offset(31) + 8]);
    v
}

/// Generates one random well-formed block.
struct Gen<'a> {
    rng: &'a mut Rng,
    b: Builder,
    vals: Vec<Val>,
    buf: u64,
    offsets: Vec<usize>,
}

const BINOPS: [BinOp; 14] = [
    BinOp::Add,
    BinOp::Sub,
    BinOp::And,
    BinOp::Or,
    BinOp::Xor,
    BinOp::Shl,
    BinOp::Lshr,
    BinOp::Ashr,
    BinOp::Ror,
    BinOp::Mul,
    BinOp::UMulH,
    BinOp::SMulH,
    BinOp::UDiv,
    BinOp::SDiv,
];
const UNOPS: [UnOp; 12] = [
    UnOp::Not,
    UnOp::Neg,
    UnOp::Clz,
    UnOp::Ctz,
    UnOp::Rbit,
    UnOp::Bswap,
    UnOp::Rev16,
    UnOp::Rev32,
    UnOp::Popcnt,
    UnOp::Sext8,
    UnOp::Sext16,
    UnOp::Sext32,
];
const RMWOPS: [RmwOp; 9] = [
    RmwOp::Add,
    RmwOp::Clr,
    RmwOp::Eor,
    RmwOp::Set,
    RmwOp::Smax,
    RmwOp::Smin,
    RmwOp::Umax,
    RmwOp::Umin,
    RmwOp::Swp,
];
const WIDTHS: [Width; 4] = [Width::W8, Width::W16, Width::W32, Width::W64];
const REASONS: [ExitReason; 8] = [
    ExitReason::Lookup,
    ExitReason::Svc,
    ExitReason::Brk,
    ExitReason::Udf,
    ExitReason::Hlt,
    ExitReason::Invalidate,
    ExitReason::Alignment,
    ExitReason::FetchFault,
];

impl Gen<'_> {
    /// An existing value, biased towards recent ones.
    fn val(&mut self) -> Val {
        let n = self.vals.len() as u64;
        if self.rng.chance(2) {
            self.vals[(n - 1 - self.rng.below(n.min(4))) as usize]
        } else {
            self.vals[self.rng.below(n) as usize]
        }
    }

    fn def(&mut self, v: Val) {
        self.vals.push(v);
    }

    fn w(&mut self) -> Width {
        if self.rng.chance(2) {
            Width::W32
        } else {
            Width::W64
        }
    }

    /// Address of `size` bytes inside the buffer, aligned to `size` if asked.
    fn addr(&mut self, size: usize, aligned: bool) -> Val {
        let off = if aligned {
            self.rng.below((BUF_LEN / size) as u64) as usize * size
        } else {
            self.rng.below((BUF_LEN - size + 1) as u64) as usize
        };
        self.b.konst(self.buf + off as u64)
    }

    fn op(&mut self) {
        match self.rng.below(24) {
            0 => {
                let k = self.rng.value();
                let v = self.b.konst(k);
                self.def(v)
            }
            1 => {
                let r = self.rng.below(32) as u32;
                let v = self.b.get_reg(r);
                self.def(v)
            }
            2 => {
                let (r, s) = (self.rng.below(32) as u32, self.val());
                self.b.set_reg(r, s)
            }
            3..=6 => {
                let op = self.rng.pick(&BINOPS);
                let w = if matches!(op, BinOp::UMulH | BinOp::SMulH) {
                    Width::W64
                } else {
                    self.w()
                };
                let (x, y) = (self.val(), self.val());
                let v = self.b.bin(op, w, x, y);
                self.def(v)
            }
            7 | 8 => {
                let op = self.rng.pick(&UNOPS);
                let w = if op == UnOp::Rev32 {
                    Width::W64
                } else {
                    self.w()
                };
                let x = self.val();
                let v = self.b.un(op, w, x);
                self.def(v)
            }
            9 => {
                let op = self.rng.pick(&[FlagsOp::Add, FlagsOp::Sub, FlagsOp::Logic]);
                let w = self.w();
                let (x, y) = (self.val(), self.val());
                // Logic ignores a carry-in; give it one sometimes all the same.
                let c = self.rng.chance(2).then(|| self.val());
                let v = self.b.flags(op, w, x, y, c);
                self.def(v)
            }
            10 => {
                let op = self.rng.pick(&[FlagsOp::Add, FlagsOp::Sub]);
                let w = self.w();
                let (x, y, c) = (self.val(), self.val(), self.val());
                let v = self.b.carry(op, w, x, y, c);
                self.def(v)
            }
            11 => {
                let c = self.rng.below(16) as u32;
                let n = self.nzcv();
                let v = self.b.cond(c, n);
                self.def(v)
            }
            12 => {
                let (c, x, y) = (self.val(), self.val(), self.val());
                let v = self.b.select(c, x, y);
                self.def(v)
            }
            13 => {
                let w = self.rng.pick(&WIDTHS);
                let aligned = self.rng.chance(2);
                let a = self.addr(w.bytes() as usize, aligned);
                let signed = self.rng.chance(2);
                let v = self.b.load(w, signed, a);
                self.def(v)
            }
            14 => {
                let w = self.rng.pick(&WIDTHS);
                let aligned = self.rng.chance(2);
                let a = self.addr(w.bytes() as usize, aligned);
                let s = self.val();
                self.b.store(w, a, s)
            }
            15 => {
                let (op, w) = (self.rng.pick(&RMWOPS), self.rng.pick(&WIDTHS));
                let a = self.addr(w.bytes() as usize, true);
                let s = self.val();
                let v = self.b.rmw(op, w, a, s);
                self.def(v)
            }
            16 => {
                let w = self.rng.pick(&WIDTHS);
                let a = self.addr(w.bytes() as usize, true);
                // Half the time expect what memory holds, so the swap happens.
                let e = if self.rng.chance(2) {
                    self.b.load(w, false, a)
                } else {
                    self.val()
                };
                let n = self.val();
                let v = self.b.cas(w, a, e, n);
                self.def(v)
            }
            17 | 18 => {
                let off = self.rng.pick(&self.offsets);
                if self.rng.chance(2) {
                    let v = self.b.load_state(off);
                    self.def(v)
                } else {
                    let s = self.val();
                    self.b.store_state(off, s)
                }
            }
            19 => {
                let bytes = self.rng.pick(&[1u32, 2, 4, 8, 16]);
                let aligned = self.rng.chance(2);
                let a = self.addr(bytes as usize, aligned);
                // V0 half the time: the register random blocks also read
                // and write as state words, and whose loads FP operations
                // read. (One draw, as before, keeps the rest of the stream.)
                let vreg = match self.rng.below(32) as u32 {
                    v if v >= 16 => 0,
                    v => v,
                };
                if self.rng.chance(2) {
                    self.b.load_vec(bytes, vreg, a)
                } else {
                    self.b.store_vec(bytes, vreg, a)
                }
            }
            20 => {
                let n = self.rng.below(5) as usize;
                let args: Vec<Val> = (0..n).map(|_| self.val()).collect();
                let v = self.b.call(helper, &args);
                self.def(v)
            }
            21 => {
                let op = self.rng.pick(&[
                    FpOp::Add,
                    FpOp::Sub,
                    FpOp::Mul,
                    FpOp::Div,
                    FpOp::Sqrt,
                    FpOp::Cmp,
                    FpOp::CmpE,
                ]);
                let double = self.rng.chance(2);
                let (x, y) = (self.fp_val(double), self.fp_val(double));
                let size = emu::ir::FpSize::of(double);
                let (slow, c0, c1) = emu::frontend::fbin_args(op, size);
                let slow = clobbering(slow);
                let v = self.b.fbin(op, size, x, y, slow, c0, c1);
                self.def(v)
            }
            22 => {
                let double = self.rng.chance(2);
                let (neg_addend, neg_op1) = (self.rng.chance(2), self.rng.chance(2));
                let addend = self.fp_val(double);
                let (op1, op2) = (self.fp_val(double), self.fp_val(double));
                let size = emu::ir::FpSize::of(double);
                let (slow, ctl) = emu::frontend::fmuladd_args(size, neg_addend, neg_op1);
                let slow = clobbering(slow);
                let dst =
                    self.b
                        .fmuladd(size, (neg_addend, neg_op1), [addend, op1, op2], slow, ctl);
                self.def(dst)
            }
            _ => match self.rng.below(3) {
                0 => self.b.fence(emu::ir::Fence::Full),
                1 => self.b.fence(emu::ir::Fence::Weak),
                _ => {
                    let pc = self.rng.below(1 << 20) * 4;
                    self.b.insn_start(pc)
                }
            },
        }
    }

    /// A floating-point operand: an existing value, or a constant from the
    /// interesting corners (zeros, the smallest normal and neighbours,
    /// denormals, the largest finite, infinities, quiet and signalling NaNs).
    fn fp_val(&mut self, double: bool) -> Val {
        if self.rng.chance(3) {
            return self.val();
        }
        const D: [u64; 14] = [
            0,
            0x8000_0000_0000_0000,
            0x3ff0_0000_0000_0000,
            0x0010_0000_0000_0000,
            0x0010_0000_0000_0001,
            0x000f_ffff_ffff_ffff,
            0x0000_0000_0000_0001,
            0x7fef_ffff_ffff_ffff,
            0x7ff0_0000_0000_0000,
            0xfff0_0000_0000_0000,
            0x7ff8_0000_0000_0000,
            0x7ff0_0000_0000_0001,
            0x3fd5_5555_5555_5555,
            0x3ca0_0000_0000_0000,
        ];
        const S: [u64; 14] = [
            0,
            0x8000_0000,
            0x3f80_0000,
            0x0080_0000,
            0x0080_0001,
            0x007f_ffff,
            0x0000_0001,
            0x7f7f_ffff,
            0x7f80_0000,
            0xff80_0000,
            0x7fc0_0000,
            0x7f80_0001,
            0x3eaa_aaab,
            0x3380_0000,
        ];
        let k = if double {
            D[self.rng.below(14) as usize]
        } else {
            S[self.rng.below(14) as usize]
        };
        let v = self.b.konst(k);
        self.def(v);
        v
    }

    /// An NZCV operand for a condition: any value, or (half the time) fresh
    /// carry-less flags, which the flag pass turns into a compare.
    fn nzcv(&mut self) -> Val {
        if self.rng.chance(2) {
            return self.val();
        }
        let op = self.rng.pick(&[FlagsOp::Add, FlagsOp::Sub, FlagsOp::Logic]);
        let w = self.w();
        let (x, y) = (self.val(), self.val());
        let f = self.b.flags(op, w, x, y, None);
        self.def(f);
        f
    }

    fn terminal(&mut self) {
        let pc = |rng: &mut Rng| 0x40_0000 + rng.below(1 << 16) * 4;
        match self.rng.below(4) {
            0 => {
                let t = pc(self.rng);
                self.b.jump(t)
            }
            1 => {
                let c = if self.rng.chance(2) {
                    let k = self.rng.below(16) as u32;
                    let n = self.nzcv();
                    self.b.cond(k, n)
                } else {
                    self.val()
                };
                let (t, n) = (pc(self.rng), pc(self.rng));
                self.b.branch(c, t, n)
            }
            2 => {
                let t = self.val();
                self.b.indirect(t)
            }
            _ => {
                let reason = self.rng.pick(&REASONS);
                let arg = if self.rng.chance(3) {
                    0
                } else {
                    self.rng.value()
                };
                let p = self.rng.value();
                self.b.exit(reason, p, arg)
            }
        }
    }
}

fn random_block(rng: &mut Rng, buf: u64, offsets: &[usize]) -> Block {
    // Outside the range branch targets come from: a block that branches to
    // its own start loops inside translated code (see the backend's
    // self-loop handling), while this test runs every block once.
    let start = 0x80_0000 + rng.below(1 << 16) * 4;
    let mut g = Gen {
        rng,
        b: Builder::new(start),
        vals: Vec::new(),
        buf,
        offsets: offsets.to_vec(),
    };
    for _ in 0..3 {
        let r = g.rng.below(32) as u32;
        let v = g.b.get_reg(r);
        g.def(v);
        let k = g.rng.value();
        let v = g.b.konst(k);
        g.def(v);
    }
    let max = if g.rng.chance(8) { 200 } else { 40 };
    let n = 1 + g.rng.below(max);
    for _ in 0..n {
        g.op();
    }
    g.terminal();
    let end = start + 4 * (1 + g.rng.below(8));
    g.b.finish(end)
}

fn random_cpu(rng: &mut Rng) -> CpuState {
    let mut cpu = CpuState::default();
    for x in cpu.x.iter_mut() {
        *x = rng.value();
    }
    for v in cpu.v.iter_mut() {
        *v = (rng.value() as u128) << 64 | rng.value() as u128;
    }
    cpu.nzcv = if rng.chance(4) {
        rng.value()
    } else {
        rng.below(16) << 28
    };
    cpu.fpsr = if rng.chance(2) { 0 } else { rng.value() };
    cpu.fpcr = if rng.chance(2) {
        0
    } else {
        rng.below(32) << 22
    };
    cpu.tpidr_el0 = rng.value();
    cpu.exit_arg = rng.value();
    cpu.pc = rng.value();
    cpu
}

#[test]
fn random_ir_interp_vs_x64() {
    let iters = env_u64("EMU_IR_FUZZ_ITERS", 20_000);
    // A fresh seed each run unless one is given; a failure prints it.
    let fresh = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0x1234_5678, |d| d.as_nanos() as u64);
    let seed = env_u64("EMU_IR_FUZZ_SEED", fresh);
    eprintln!("random_ir_interp_vs_x64: EMU_IR_FUZZ_SEED={seed}");
    let mut rng = Rng(seed);
    let mut jit = Jit::new();
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let base = buf.0.as_ptr() as u64;
    let offsets = state_offsets();
    for i in 0..iters {
        let block = random_block(&mut rng, base, &offsets);
        let cpu0 = random_cpu(&mut rng);
        let mem0: Vec<u8> = (0..BUF_LEN).map(|_| rng.value() as u8).collect();
        let mut opt = block.clone();
        emu::ir::passes::optimize(&mut opt);

        let want = run_interp(&block, &cpu0, &mut *buf, &mem0);
        let checks = [
            (
                "x86-64 code",
                run_jit(&mut jit, &block, &cpu0, &mut *buf, &mem0),
                &block,
            ),
            (
                "quick-tier x86-64 code",
                run_jit_quick(&mut jit, &block, &cpu0, &mut *buf, &mem0),
                &block,
            ),
            (
                "optimised IR (interpreter)",
                run_interp(&opt, &cpu0, &mut *buf, &mem0),
                &opt,
            ),
            (
                "optimised IR (x86-64)",
                run_jit(&mut jit, &opt, &cpu0, &mut *buf, &mem0),
                &opt,
            ),
        ];
        for (what, got, shown) in &checks {
            if let Err(e) = compare(what, shown, &want, got) {
                let orig = if std::ptr::eq(*shown, &block) {
                    String::new()
                } else {
                    format!("\nbefore optimisation:\n{}", show(&block))
                };
                panic!("iteration {i} (seed {seed:#x}): {e}{orig}\ninitial state: {cpu0:x?}");
            }
        }
    }
}
