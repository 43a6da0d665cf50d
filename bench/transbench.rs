//! Translation throughput: maps an arm64 ELF as emu-user would, finds up to
//! N blocks by following the direct branches from its entry (and the
//! instruction after each block, where calls return), then translates them
//! all ROUNDS times with a fresh translator each round and prints the time
//! per block and per guest instruction (thread CPU time, the minimum over rounds).
//!
//! `cargo run --release --example transbench -- PROGRAM [BLOCKS [ROUNDS]]`

use emu::frontend::translate_block;
use emu::ir::Terminal;
use emu::jit::fetch::Fetcher;
use emu::jit::Jit;
use emu::linux::loader::{load, LoadOptions};
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};

/// The system allocator, counting allocations and reallocations.
struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call goes to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is System's.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .expect("usage: transbench PROGRAM [BLOCKS [ROUNDS]]");
    let max_blocks: usize = args.get(2).map_or(2000, |s| s.parse().unwrap());
    let rounds: usize = args.get(3).map_or(20, |s| s.parse().unwrap());
    let opts = LoadOptions {
        path: path.into(),
        argv: vec![path.into()],
        envp: Vec::new(),
        sysroot: std::env::var_os("EMU_LD_PREFIX").map(Into::into),
        stack_size: 8 << 20,
        exec_fd: None,
    };
    let loaded = load(&opts).expect("load");
    let mut fetcher = Fetcher::default();
    let mut seen = HashSet::new();
    let mut queue = VecDeque::from([loaded.entry]);
    let mut pcs = Vec::new();
    let (mut ops, mut vals) = (0usize, 0usize);
    while let Some(pc) = queue.pop_front() {
        if pcs.len() >= max_blocks || !seen.insert(pc) {
            continue;
        }
        let b = translate_block(pc, &mut |a| fetcher.word(a));
        if matches!(
            b.term,
            Terminal::Exit {
                reason: emu::cpu::ExitReason::FetchFault,
                ..
            }
        ) {
            continue;
        }
        pcs.push(pc);
        ops += b.ops.len();
        vals += b.n_vals as usize;
        match b.term {
            Terminal::Jump { pc } => queue.push_back(pc),
            Terminal::Branch {
                taken, not_taken, ..
            } => {
                queue.push_back(taken);
                queue.push_back(not_taken);
            }
            _ => {}
        }
        queue.push_back(b.end_pc);
    }
    println!(
        "IR before passes: {ops} ops, {vals} values, op size {} bytes",
        std::mem::size_of::<emu::ir::Op>()
    );
    let mut best = u128::MAX;
    let mut last = None;
    let mut allocs = 0;
    for _ in 0..rounds {
        let mut jit = Jit::new().expect("jit");
        let a = ALLOCS.load(Ordering::Relaxed);
        let t = cpu_ns();
        for &pc in &pcs {
            std::hint::black_box(jit.block_for(pc));
        }
        best = best.min(cpu_ns() - t);
        allocs = ALLOCS.load(Ordering::Relaxed) - a;
        last = Some(jit.stats());
    }
    let s = last.unwrap();
    phases(&pcs, rounds);
    println!(
        "{} blocks, {} guest insns, {} host bytes ({:.1}/insn): best {:.3} ms, {:.0} ns/block, {:.1} ns/insn, {:.2} M insns/s, {:.1} allocations/block",
        s.blocks_translated,
        s.guest_insns_translated,
        s.host_code_bytes,
        s.host_code_bytes as f64 / s.guest_insns_translated as f64,
        best as f64 / 1e6,
        best as f64 / s.blocks_translated as f64,
        best as f64 / s.guest_insns_translated as f64,
        s.guest_insns_translated as f64 * 1e3 / best as f64,
        allocs as f64 / s.blocks_translated as f64
    );
}

/// The three stages on their own: decoding into IR, the passes, code
/// generation (at a fixed address, not installed).
fn phases(pcs: &[u64], rounds: usize) {
    let mut fetcher = Fetcher::default();
    let mut fetch = |a| fetcher.word(a);
    let n = pcs.len() as f64;
    let (mut t_front, mut t_opt, mut t_back) = (u128::MAX, u128::MAX, u128::MAX);
    let (mut a_front, mut a_opt, mut a_back) = (0, 0, 0);
    // TRANSBENCH_DUMP=FILE: the disassembly of every block (after the
    // passes) goes to FILE, to compare the code of two builds.
    let mut want_dump = std::env::var_os("TRANSBENCH_DUMP").is_some();
    let env = emu::backend::x64::Env {
        exit: 0x1000,
        tlb: None,
        tier: emu::backend::x64::Tier::Full,
    };
    for _ in 0..rounds {
        let (a, t) = (ALLOCS.load(Ordering::Relaxed), cpu_ns());
        let mut blocks: Vec<_> = pcs
            .iter()
            .map(|&pc| translate_block(pc, &mut fetch))
            .collect();
        t_front = t_front.min(cpu_ns() - t);
        a_front = ALLOCS.load(Ordering::Relaxed) - a - 1;
        let (a, t) = (ALLOCS.load(Ordering::Relaxed), cpu_ns());
        for b in blocks.iter_mut() {
            emu::ir::passes::optimize(b);
        }
        t_opt = t_opt.min(cpu_ns() - t);
        a_opt = ALLOCS.load(Ordering::Relaxed) - a;
        let (a, t) = (ALLOCS.load(Ordering::Relaxed), cpu_ns());
        let mut dump = String::new();
        for b in &blocks {
            let c = emu::backend::x64::compile(b, 0x10_0000, &env);
            if want_dump {
                dump += &format!("block {:#x}\n", b.start_pc);
                dump += &emu::backend::x64::disasm::host_disasm(&c.code, 0x10_0000);
            }
        }
        if want_dump {
            // Host addresses (helpers) differ from build to build.
            let words = dump.split_inclusive(|c: char| !c.is_ascii_hexdigit());
            let text: String = words
                .map(|w| {
                    let hex = w.trim_end_matches(|c: char| !c.is_ascii_hexdigit());
                    if hex.len() >= 10 && w[hex.len()..].starts_with('h') {
                        format!("ADDR{}", &w[hex.len()..])
                    } else {
                        w.to_string()
                    }
                })
                .collect();
            std::fs::write(std::env::var("TRANSBENCH_DUMP").unwrap(), text).unwrap();
            want_dump = false;
        }
        t_back = t_back.min(cpu_ns() - t);
        a_back = ALLOCS.load(Ordering::Relaxed) - a;
    }
    let f = |t: u128, a: u64| format!("{:.0} ns, {:.1} allocations", t as f64 / n, a as f64 / n);
    println!(
        "per block: frontend {}; passes {}; backend {}",
        f(t_front, a_front),
        f(t_opt, a_opt),
        f(t_back, a_back)
    );
}

/// CPU time of this thread in nanoseconds (the machine may be shared).
fn cpu_ns() -> u128 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as u128 * 1_000_000_000 + ts.tv_nsec as u128
}
