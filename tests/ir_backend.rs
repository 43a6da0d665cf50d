//! The IR interpreter (`backend::interp`) as an oracle for the x86-64 backend.
//!
//! * A random-IR differential test: random well-formed blocks run under the
//!   interpreter and as compiled x86-64 code (the full tier before and after
//!   the IR passes, the quick tier before them, as the dispatcher uses it);
//!   the CPU state, the next pc and a scratch memory buffer must agree.
//! * Directed tests of each operation's edge cases, with expected values
//!   from the Arm ARM definitions (AddWithCarry, ConditionHolds, ...), each
//!   checked on both executors.
//! * Frontend blocks run by the interpreter versus the whole JIT.
//!
//! Knobs: EMU_IR_FUZZ_ITERS (default 3000), EMU_IR_FUZZ_SEED.

use emu::backend::interp::{self, Next};
use emu::backend::x64::{compile, Env, Tier};
use emu::cpu::{CpuState, ExitReason};
use emu::ir::{Block, Builder};
use emu::jit::code_cache::CodeCache;

#[path = "ir_backend/addr_index.rs"]
mod addr_index;
#[path = "ir_backend/bf16.rs"]
mod bf16;
#[path = "ir_backend/crc.rs"]
mod crc;
#[path = "ir_backend/crypto.rs"]
mod crypto;
#[path = "ir_backend/directed.rs"]
mod directed;
#[path = "ir_backend/dot.rs"]
mod dot;
#[path = "ir_backend/excl.rs"]
mod excl;
#[path = "ir_backend/exits.rs"]
mod exits;
#[path = "ir_backend/fcache.rs"]
mod fcache;
#[path = "ir_backend/fccmp.rs"]
mod fccmp;
#[path = "ir_backend/fhm.rs"]
mod fhm;
#[path = "ir_backend/fjcvtzs.rs"]
mod fjcvtzs;
#[path = "ir_backend/flagm.rs"]
mod flagm;
#[path = "ir_backend/fmla.rs"]
mod fmla;
#[path = "ir_backend/fp_cvt.rs"]
mod fp_cvt;
#[path = "ir_backend/fp_pairs.rs"]
mod fp_pairs;
#[path = "ir_backend/fp_round.rs"]
mod fp_round;
#[path = "ir_backend/fp_tiny.rs"]
mod fp_tiny;
#[path = "ir_backend/frontend.rs"]
mod frontend;
#[path = "ir_backend/half.rs"]
mod half;
#[path = "ir_backend/half_arith.rs"]
mod half_arith;
#[path = "ir_backend/half_cvt.rs"]
mod half_cvt;
#[path = "ir_backend/helper_audit.rs"]
mod helper_audit;
#[path = "ir_backend/qdmulh.rs"]
mod qdmulh;
#[path = "ir_backend/qdmull.rs"]
mod qdmull;
#[path = "ir_backend/random.rs"]
mod random;
#[path = "ir_backend/select.rs"]
mod select;
#[path = "ir_backend/st_lane.rs"]
mod st_lane;
#[path = "ir_backend/table.rs"]
mod table;
#[path = "ir_backend/vec_avx.rs"]
mod vec_avx;
#[path = "ir_backend/vec_est.rs"]
mod vec_est;
#[path = "ir_backend/vec_fixed.rs"]
mod vec_fixed;
#[path = "ir_backend/vec_fmulx_elem.rs"]
mod vec_fmulx_elem;
#[path = "ir_backend/vec_fp.rs"]
mod vec_fp;
#[path = "ir_backend/vec_int.rs"]
mod vec_int;
#[path = "ir_backend/vec_misc.rs"]
mod vec_misc;
#[path = "ir_backend/vec_ops.rs"]
mod vec_ops;
#[path = "ir_backend/vec_perm.rs"]
mod vec_perm;
#[path = "ir_backend/vec_round.rs"]
mod vec_round;
#[path = "ir_backend/vec_sat.rs"]
mod vec_sat;
#[path = "ir_backend/vec_shl.rs"]
mod vec_shl;
#[path = "ir_backend/vec_struct.rs"]
mod vec_struct;
#[path = "ir_backend/vec_widen.rs"]
mod vec_widen;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }

    fn chance(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    /// A value biased towards the edge cases of 8..64-bit arithmetic.
    fn value(&mut self) -> u64 {
        const SPECIAL: [u64; 20] = [
            0,
            1,
            2,
            u64::MAX,
            i64::MIN as u64,
            i64::MAX as u64,
            0x8000_0000,
            0x7fff_ffff,
            0xffff_ffff,
            0x1_0000_0000,
            0xffff_ffff_8000_0000,
            0xffff_ffff_ffff_fffe,
            31,
            32,
            63,
            64,
            0x80,
            0x7f,
            0xff,
            0x8000,
        ];
        match self.below(5) {
            0 | 1 => self.pick(&SPECIAL),
            2 => self.below(130),
            3 => self.next() as u32 as u64,
            _ => self.next(),
        }
    }
}

/// Non-default FPCR values the FP tests draw: each rounding mode (RMode),
/// FZ, DN, AHP, FZ and DN together, FZ16, and RMode with DN.
const FPCR_SPECIAL: [u64; 9] = [
    1 << 22,
    2 << 22,
    3 << 22,
    1 << 24,
    1 << 25,
    1 << 26,
    1 << 24 | 1 << 25,
    1 << 19,
    2 << 22 | 1 << 25,
];

const BUF_LEN: usize = 256;

/// Scratch memory the random blocks load from and store to.
#[repr(C, align(64))]
struct Scratch([u8; BUF_LEN]);

/// Compiles blocks into a code cache and runs them once each.
struct Jit {
    cache: CodeCache,
    /// The entry counter of the quick-tier blocks it compiles.
    counter: Box<std::sync::atomic::AtomicI32>,
}

impl Jit {
    fn new() -> Jit {
        Jit {
            cache: CodeCache::new().expect("code cache"),
            counter: Box::default(),
        }
    }

    fn run(&mut self, block: &Block, cpu: &mut CpuState) {
        self.run_tier(block, cpu, Tier::Full);
    }

    /// Runs `block` compiled at the quick tier with its entry counter at
    /// `count`; returns the counter afterwards.
    fn run_quick(&mut self, block: &Block, cpu: &mut CpuState, count: i32) -> i32 {
        use std::sync::atomic::Ordering;
        self.counter.store(count, Ordering::SeqCst);
        let counter = self.counter.as_ptr() as u64;
        self.run_tier(block, cpu, Tier::Quick { counter });
        self.counter.load(Ordering::SeqCst)
    }

    fn run_tier(&mut self, block: &Block, cpu: &mut CpuState, tier: Tier) {
        let env = Env {
            exit: self.cache.exit_addr(),
            tlb: None,
            tier,
        };
        let mut c = compile(block, self.cache.next_addr(), &env);
        if !self.cache.has_room(&c) {
            self.cache.flush();
            c = compile(block, self.cache.next_addr(), &env);
        }
        let host = self.cache.insert(block.start_pc, block.end_pc, c);
        // As the dispatcher does: exception flags translated code leaves
        // pending in the host belong in FPSR.
        emu::cpu::fpenv::clear_pending();
        self.cache.enter(cpu, host);
        cpu.fpsr |= emu::cpu::fpenv::take_pending();
    }
}

/// A named CPU-state field.
type Field = (&'static str, fn(&CpuState) -> u64);

/// Differences between two CPU states (all guest-visible fields and the
/// exit fields; `link_site` is the JIT's own business).
fn diff_cpu(want: &CpuState, got: &CpuState) -> Vec<String> {
    let mut d = Vec::new();
    let mut cmp = |name: String, w: u128, g: u128| {
        if w != g {
            d.push(format!("{name}: want {w:#x} got {g:#x}"));
        }
    };
    for i in 0..32 {
        cmp(format!("x{i}"), want.x[i] as u128, got.x[i] as u128);
        cmp(format!("v{i}"), want.v[i], got.v[i]);
    }
    let fields: [Field; 10] = [
        ("pc", |c| c.pc),
        ("nzcv", |c| c.nzcv),
        ("fpcr", |c| c.fpcr),
        ("fpsr", |c| c.fpsr),
        ("tpidr_el0", |c| c.tpidr_el0),
        ("tpidrro_el0", |c| c.tpidrro_el0),
        ("excl_addr", |c| c.excl_addr),
        ("excl_val", |c| c.excl_val),
        ("exit_reason", |c| c.exit_reason as u64),
        ("exit_arg", |c| c.exit_arg),
    ];
    for (name, f) in fields {
        cmp(name.to_string(), f(want) as u128, f(got) as u128);
    }
    d
}

fn diff_mem(want: &[u8], got: &[u8]) -> Vec<String> {
    (0..want.len())
        .filter(|&i| want[i] != got[i])
        .map(|i| format!("mem[{i}]: want {:#04x} got {:#04x}", want[i], got[i]))
        .collect()
}

/// Result of running one block: final state, scratch memory, next pc.
struct Outcome {
    cpu: CpuState,
    mem: Vec<u8>,
    next: u64,
}

// The scratch buffer is passed as a raw pointer: translated code writes it
// through an address baked into the block, which a `&mut` parameter would
// let the compiler assume cannot happen during the call.
fn run_interp(block: &Block, cpu0: &CpuState, buf: *mut Scratch, mem0: &[u8]) -> Outcome {
    // SAFETY: `buf` points to a live Scratch owned by the caller; no other
    // reference to it exists during this call.
    unsafe { (*buf).0.copy_from_slice(mem0) };
    let mut cpu = cpu0.clone();
    // As for translated code (`Jit::run_tier`): flags the test's own Rust
    // code left pending in MXCSR are not the guest's (a helper in the
    // default environment reports the pending flags with its own).
    emu::cpu::fpenv::clear_pending();
    let next = interp::run_block(block, &mut cpu);
    cpu.fpsr |= emu::cpu::fpenv::take_pending();
    let pc = match next {
        Next::Jump(pc) | Next::Exit(_, pc, _) => pc,
    };
    assert_eq!(pc, cpu.pc, "Next agrees with cpu.pc");
    Outcome {
        cpu,
        // SAFETY: as above.
        mem: unsafe { (*buf).0.to_vec() },
        next: pc,
    }
}

fn run_jit(
    jit: &mut Jit,
    block: &Block,
    cpu0: &CpuState,
    buf: *mut Scratch,
    mem0: &[u8],
) -> Outcome {
    run_native(cpu0, buf, mem0, |cpu| jit.run(block, cpu))
}

/// [`run_jit`] for the block compiled at the quick tier, entered with a
/// count that does not run out (the block runs); checks that it counted
/// its entry.
fn run_jit_quick(
    jit: &mut Jit,
    block: &Block,
    cpu0: &CpuState,
    buf: *mut Scratch,
    mem0: &[u8],
) -> Outcome {
    run_native(cpu0, buf, mem0, |cpu| {
        let left = jit.run_quick(block, cpu, 2);
        assert_eq!(left, 1, "the quick-tier block counts its entry");
    })
}

/// Runs `run` on a copy of `cpu0` with the scratch buffer `buf` holding
/// `mem0`.
fn run_native(
    cpu0: &CpuState,
    buf: *mut Scratch,
    mem0: &[u8],
    run: impl FnOnce(&mut CpuState),
) -> Outcome {
    // SAFETY: `buf` points to a live Scratch owned by the caller; no other
    // reference to it exists during this call.
    unsafe { (*buf).0.copy_from_slice(mem0) };
    let mut cpu = cpu0.clone();
    run(&mut cpu);
    Outcome {
        next: cpu.pc,
        // SAFETY: as above; translated code has finished writing it.
        mem: unsafe { (*buf).0.to_vec() },
        cpu,
    }
}

fn compare(what: &str, block: &Block, want: &Outcome, got: &Outcome) -> Result<(), String> {
    let mut d = diff_cpu(&want.cpu, &got.cpu);
    d.extend(diff_mem(&want.mem, &got.mem));
    if want.next != got.next {
        d.push(format!("next: want {:#x} got {:#x}", want.next, got.next));
    }
    if d.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{what} differs from the interpreter:\n  {}\nblock:\n{}",
            d.join("\n  "),
            show(block)
        ))
    }
}

/// One operation per line.
fn show(block: &Block) -> String {
    let mut s = format!("  start {:#x} end {:#x}\n", block.start_pc, block.end_pc);
    for (i, op) in block.ops.iter().enumerate() {
        s += &format!("  {i:3}: {op:?}\n");
    }
    s + &format!("  term: {:?}", block.term)
}

/// Overwrites xmm0–xmm15 with a normal double (1.5 in every lane), as any
/// host function may (the SysV ABI saves none of them): translated code
/// that kept something in an xmm register across a call would compute
/// with it, and a NaN would only send it to its exact slow path.
fn clobber_xmm() {
    // SAFETY: writes only the registers listed as outputs.
    unsafe {
        std::arch::asm!(
            "mov {t}, 0x3ff8000000000000",
            "movq xmm0, {t}",
            "pshufd xmm0, xmm0, 0x44",
            "movdqa xmm1, xmm0", "movdqa xmm2, xmm0", "movdqa xmm3, xmm0",
            "movdqa xmm4, xmm0", "movdqa xmm5, xmm0", "movdqa xmm6, xmm0",
            "movdqa xmm7, xmm0", "movdqa xmm8, xmm0", "movdqa xmm9, xmm0",
            "movdqa xmm10, xmm0", "movdqa xmm11, xmm0", "movdqa xmm12, xmm0",
            "movdqa xmm13, xmm0", "movdqa xmm14, xmm0", "movdqa xmm15, xmm0",
            t = out(reg) _,
            out("xmm0") _, out("xmm1") _, out("xmm2") _, out("xmm3") _,
            out("xmm4") _, out("xmm5") _, out("xmm6") _, out("xmm7") _,
            out("xmm8") _, out("xmm9") _, out("xmm10") _, out("xmm11") _,
            out("xmm12") _, out("xmm13") _, out("xmm14") _, out("xmm15") _,
        );
    }
}

/// The real helpers behind [`clobbering`] wrappers.
static WRAPPED: [std::sync::atomic::AtomicUsize; 8] =
    [const { std::sync::atomic::AtomicUsize::new(0) }; 8];

/// Calls wrapped helper `K` after clobbering every xmm register.
unsafe extern "C" fn clobbering_k<const K: usize>(
    cpu: *mut CpuState,
    a: u64,
    b: u64,
    c: u64,
    d: u64,
) -> u64 {
    clobber_xmm();
    let f = WRAPPED[K].load(std::sync::atomic::Ordering::Relaxed);
    // SAFETY: WRAPPED[K] was set from a HelperFn by `clobbering`.
    let f: emu::ir::HelperFn = unsafe { std::mem::transmute::<usize, emu::ir::HelperFn>(f) };
    // SAFETY: forwarded caller contract.
    unsafe { f(cpu, a, b, c, d) }
}

/// `f` behind a wrapper that clobbers every xmm register first.
fn clobbering(f: emu::ir::HelperFn) -> emu::ir::HelperFn {
    use std::sync::atomic::Ordering;
    let wrappers: [emu::ir::HelperFn; 8] = [
        clobbering_k::<0>,
        clobbering_k::<1>,
        clobbering_k::<2>,
        clobbering_k::<3>,
        clobbering_k::<4>,
        clobbering_k::<5>,
        clobbering_k::<6>,
        clobbering_k::<7>,
    ];
    for (k, slot) in WRAPPED.iter().enumerate() {
        match slot.compare_exchange(0, f as usize, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return wrappers[k],
            Err(old) if old == f as usize => return wrappers[k],
            Err(_) => {}
        }
    }
    panic!("more than {} wrapped helpers", WRAPPED.len())
}

/// A test helper: reads and writes guest state (registers and TPIDR_EL0;
/// not NZCV or FPSR, see `Op::Call`), returns a mix of its inputs.
unsafe extern "C" fn helper(cpu: *mut CpuState, a: u64, b: u64, c: u64, d: u64) -> u64 {
    clobber_xmm();
    // SAFETY: called by translated code or the interpreter with the running
    // thread's CPU state, which nothing else accesses during the call.
    let cpu = unsafe { &mut *cpu };
    let r = a.rotate_left(7)
        ^ b.wrapping_mul(0x9e37_79b9)
        ^ c.wrapping_add(d)
        ^ cpu.x[(a & 31) as usize];
    // NZCV and FPSR are not the helpers' to touch (see `Op::Call`).
    cpu.x[(b & 31) as usize] = r ^ cpu.tpidr_el0;
    cpu.tpidr_el0 = r.rotate_right(3);
    r
}

/// A numeric knob from the environment.
fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}
