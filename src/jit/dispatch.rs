//! The dispatcher: finds or translates the block for the guest pc, runs it,
//! links direct branches, and returns to the caller on syscalls and traps.
//!
//! One [`Jit`] per guest thread; all the threads of a guest process share
//! one [`Shared`] translator and code cache. A thread looks blocks up in its
//! own map and indirect-branch table first, without a lock; on a miss it
//! takes the translator lock, which serialises translation, insertion and
//! emptying of the cache. Emptying bumps the generation, which makes every
//! thread drop its own maps before it runs code again.

use super::addr_map::AddrMap;
use super::code_cache::{CodeCache, Region, START_BLOCKS};
use super::exclusive::{Exclusive, InterruptWord};
use super::fetch::Fetcher;
use super::first_run::FirstRuns;
use super::log::Log;
use super::tbi::{self, Untag};
use super::tier::{Incoming, PROMOTE_AFTER, QUICK_TAG};
use crate::arm64::cpu_model::Cpu;
use crate::backend::x64::{compile, Env, Tier};
use crate::cpu::jump_table::JumpTable;
use crate::cpu::state::ALIGN_DATA;
use crate::cpu::{fpenv, CpuState, ExitReason};
use crate::frontend::{routine_block, translate_block_debug, translate_until, DebugShape, Fetch};
use crate::ir::passes::flags::{decides_nzcv, kills_nzcv, writes_nzcv};
use crate::ir::{Block, Terminal};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

thread_local! {
    /// Whether this thread is running translated code (or a helper called
    /// from it), as opposed to the dispatcher, translator or syscall layer.
    static IN_GUEST: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the current thread is executing guest code: a host fault now is a
/// guest fault, not a bug in emu. Async-signal-safe.
pub fn in_guest_code() -> bool {
    IN_GUEST.with(|g| g.get())
}

/// Counters printed by `--stats`.
#[derive(Default, Debug, Clone)]
pub struct Stats {
    pub blocks_translated: u64,
    pub guest_insns_translated: u64,
    /// Bytes of host code emitted (all blocks ever translated).
    pub host_code_bytes: u64,
    /// Time spent translating, in nanoseconds (decode to installed code),
    /// when asked for ([`Jit::time_translation`]).
    pub translate_ns: u64,
    /// Quick-tier blocks translated again at the full tier.
    pub blocks_promoted: u64,
    /// Blocks translated as superblocks, with side exits (see
    /// [`Jit::superblocks`]).
    pub superblocks: u64,
    /// Runs of blocks in the IR interpreter, before their compilation (see
    /// [`super::first_run`]).
    pub blocks_interpreted: u64,
    pub links: u64,
    pub dispatches: u64,
    /// Guest system calls made (counted by the caller of
    /// [`Jit::count_syscall`]).
    pub syscalls: u64,
}

/// One thread's dispatch counters: written by that thread alone (a plain
/// load and store, no locked instruction), read by whoever asks for the
/// process's totals ([`Jit::stats`]). On a cache line of its own, so that
/// threads counting do not slow each other.
#[derive(Default)]
#[repr(align(64))]
struct ThreadCounts {
    links: AtomicU64,
    dispatches: AtomicU64,
    syscalls: AtomicU64,
}

impl ThreadCounts {
    fn bump(c: &AtomicU64) {
        c.store(c.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    }
}

/// What the translator lock protects.
struct Translator {
    cache: CodeCache,
    /// Reads guest code. Its cached page is dropped on every invalidation:
    /// CTR_EL0 tells the guest that instruction fetch is not coherent with
    /// data writes (DIC = 0), so new code is announced with IC IVAU, and
    /// mapping changes arrive through the syscall layer.
    fetcher: Fetcher,
    /// Successor addresses known to overwrite NZCV before observing it.
    kills_nzcv: AddrMap<bool>,
    /// Guest code ranges that translated blocks dropped their last NZCV
    /// write for (their successors' first instructions): changing them
    /// must drop those blocks, like changing the blocks' own code.
    nzcv_lookahead: Vec<(u64, u64)>,
    log: Option<Log>,
    stats: Stats,
    /// Whether [`Stats::translate_ns`] is kept: reading the clock twice a
    /// block costs about 1% of a start-up.
    timed: bool,
    /// Guest addresses whose code is a host routine (the vDSO's functions):
    /// the block there calls the routine and returns to x30.
    routines: AddrMap<crate::ir::HelperFn>,
    /// Interrupt words of the threads sharing this cache.
    threads: Vec<Weak<AtomicU32>>,
    /// The counters of the running threads, and the sums of those of the
    /// threads that ended, for the process's totals.
    counts: Vec<Arc<ThreadCounts>>,
    ended: ThreadCounts,
    /// Guest code translated with address tag clearing.
    untag: Untag,
    /// The CPU model translated for.
    cpu: Cpu,
    /// Debugger breakpoints: blocks stop before these instructions.
    breakpoints: BTreeSet<u64>,
    /// A debugger is attached: every block leaves the exact state at its
    /// end (no NZCV write left to a successor), so a stop anywhere shows it.
    debugging: bool,
    /// The entry counters of quick-tier blocks.
    counters: super::tier::Counters,
    /// Whether promotions translate superblocks (see [`Jit::superblocks`]).
    superblocks: bool,
    /// The address of each quick-tier block's counter, by guest pc, until
    /// the cache is emptied (see [`entries`]).
    counter_of: AddrMap<u64>,
    /// Blocks still to be run by the interpreter before being compiled.
    first_runs: FirstRuns,
}

/// What the dispatcher runs for a block key.
enum Found {
    /// Compiled code: its host address (with [`QUICK_TAG`] for a
    /// quick-tier block), and whether it was compiled just now.
    Code(u64, bool),
    /// The block's IR, to be interpreted (one of its first runs), and the IR
    /// epoch it was built in (see [`FirstRuns::keep`]).
    Ir(Block, u64),
}

/// Added to a guest pc (always a multiple of 4), the key of the
/// one-instruction block that single-steps it, which never stops at a
/// breakpoint.
const STEP_KEY: u64 = 1;

/// The translator and code cache of one guest address space.
pub struct Shared {
    tr: Mutex<Translator>,
    region: Arc<Region>,
    excl: Exclusive,
    /// Bumped each time the cache is emptied.
    generation: AtomicU64,
}

/// One guest thread's handle on the shared translator.
pub struct Jit {
    shared: Arc<Shared>,
    /// Blocks this thread has looked up in the current generation: host
    /// address, with [`QUICK_TAG`] for a quick-tier block.
    local: AddrMap<u64>,
    /// Link sites this thread pointed at quick-tier blocks.
    incoming: Incoming,
    generation: u64,
    /// This thread's indirect-branch table, probed inline by translated code.
    jump_table: JumpTable,
    /// Set by signal handlers and by threads emptying the cache.
    interrupt: InterruptWord,
    /// Link site of the last exit, the generation it belongs to and
    /// whether it lies in a quick-tier block.
    link: Option<(u64, u64, bool)>,
    /// `-d nochain`: never link blocks or fill the indirect-branch table.
    nochain: bool,
    /// `-d exec`: log every dispatch.
    log_exec: bool,
    /// This thread's dispatch counters (also in [`Translator::counts`]).
    counts: Arc<ThreadCounts>,
}

impl Jit {
    pub fn new() -> std::io::Result<Jit> {
        Self::with_cache(CodeCache::new()?)
    }

    /// A translator using `cache` (tests use small caches to exercise
    /// flushing).
    pub fn with_cache(cache: CodeCache) -> std::io::Result<Jit> {
        let region = cache.region().clone();
        let shared = Arc::new(Shared {
            tr: Mutex::new(Translator {
                cache,
                fetcher: Fetcher::default(),
                kills_nzcv: AddrMap::default(),
                nzcv_lookahead: Vec::new(),
                log: None,
                stats: Stats::default(),
                timed: false,
                threads: Vec::new(),
                counts: Vec::new(),
                ended: ThreadCounts::default(),
                untag: Untag::default(),
                routines: AddrMap::default(),
                cpu: Cpu::MAX,
                breakpoints: BTreeSet::new(),
                debugging: false,
                counters: Default::default(),
                counter_of: AddrMap::default(),
                superblocks: true,
                first_runs: FirstRuns::default(),
            }),
            region,
            excl: Exclusive::default(),
            generation: AtomicU64::new(0),
        });
        Ok(Self::on(shared))
    }

    /// A handle for another thread of the same guest process.
    /// Makes the code at guest `pc` a host routine: a call there runs `f`
    /// (with x0 and x1, its result becomes x0) and returns to x30, without
    /// leaving translated code. Used for the vDSO's functions.
    pub fn add_routine(&self, pc: u64, f: crate::ir::HelperFn) {
        lock(&self.shared.tr).routines.insert(pc, f);
    }

    pub fn new_thread(&self) -> Jit {
        let mut j = Self::on(self.shared.clone());
        j.nochain = self.nochain;
        j.log_exec = self.log_exec;
        j
    }

    fn on(shared: Arc<Shared>) -> Jit {
        let interrupt: InterruptWord = Arc::new(AtomicU32::new(0));
        let counts = Arc::new(ThreadCounts::default());
        {
            let mut tr = lock(&shared.tr);
            tr.threads.push(Arc::downgrade(&interrupt));
            tr.counts.push(counts.clone());
        }
        Jit {
            generation: shared.generation.load(Ordering::Acquire),
            shared,
            local: AddrMap::with_capacity_and_hasher(START_BLOCKS, Default::default()),
            incoming: Incoming::default(),
            jump_table: JumpTable::default(),
            interrupt,
            link: None,
            nochain: false,
            log_exec: false,
            counts,
        }
    }

    /// This thread's interrupt word: setting it makes translated code
    /// return with [`ExitReason::Interrupt`] at the next block entry.
    pub fn interrupt_word(&self) -> &InterruptWord {
        &self.interrupt
    }

    /// The shared executable mapping (for the host fault handler).
    pub fn region(&self) -> &Arc<Region> {
        &self.shared.region
    }

    /// Translates for `cpu` from now on (set before running any code: it
    /// does not drop blocks already translated).
    pub fn set_cpu(&self, cpu: Cpu) {
        lock(&self.shared.tr).cpu = cpu;
    }

    /// The CPU model translated for.
    pub fn cpu(&self) -> Cpu {
        lock(&self.shared.tr).cpu
    }

    /// Runs each block in the IR interpreter the first few times it is
    /// reached, and compiles only blocks reached more often (see
    /// [`super::first_run`]).
    pub fn interpret_first_runs(&self, on: bool) {
        lock(&self.shared.tr).first_runs.on = on;
    }

    /// Translates hot blocks again as superblocks, which go on past forward
    /// branches along the way execution has mostly gone (see
    /// `SIDE_EXITS`): on by default.
    pub fn superblocks(&self, on: bool) {
        lock(&self.shared.tr).superblocks = on;
    }

    /// Keeps the time spent translating ([`Stats::translate_ns`]).
    pub fn time_translation(&self) {
        lock(&self.shared.tr).timed = true;
    }

    /// Installs the translation log (`-d`).
    pub fn set_log(&mut self, log: Log) {
        self.nochain = log.items.nochain;
        self.log_exec = log.items.exec;
        let mut tr = lock(&self.shared.tr);
        tr.superblocks &= !log.items.nosuper;
        tr.log = Some(log);
    }

    /// The counters of the whole process: translation, and the dispatches,
    /// links and system calls of every thread that ran.
    pub fn stats(&self) -> Stats {
        let tr = lock(&self.shared.tr);
        let sum = |f: fn(&ThreadCounts) -> &AtomicU64| {
            let live: u64 = tr.counts.iter().map(|c| f(c).load(Ordering::Relaxed)).sum();
            live + f(&tr.ended).load(Ordering::Relaxed)
        };
        Stats {
            links: sum(|c| &c.links),
            dispatches: sum(|c| &c.dispatches),
            syscalls: sum(|c| &c.syscalls),
            ..tr.stats.clone()
        }
    }

    /// Counts a guest system call of this thread (see [`Stats::syscalls`]).
    pub fn count_syscall(&self) {
        ThreadCounts::bump(&self.counts.syscalls);
    }

    /// Times the cache was emptied.
    pub fn flushes(&self) -> u64 {
        lock(&self.shared.tr).cache.flushes
    }

    /// Takes the translator lock for a fork: the child must not inherit it
    /// held by a thread that does not exist there. Call
    /// [`Jit::after_fork_child`] in the child before the guard is dropped.
    pub fn fork_guard(&self) -> ForkGuard<'_> {
        ForkGuard(lock(&self.shared.tr))
    }

    /// Host code for guest `pc`, translating it if needed.
    pub fn block_for(&mut self, pc: u64) -> u64 {
        match self.block_keyed(pc, false) {
            Found::Code(h, _) => h & !QUICK_TAG,
            Found::Ir(..) => unreachable!("no interpretation asked for"),
        }
    }

    /// What to run for a block key: a guest pc, or a pc + [`STEP_KEY`] for
    /// its single-step block. Host code, with [`QUICK_TAG`] for a
    /// quick-tier block; or, when `interpret` allows, the IR of a block
    /// not compiled yet that is to be interpreted.
    fn block_keyed(&mut self, key: u64, interpret: bool) -> Found {
        loop {
            self.sync_generation();
            if let Some(&h) = self.local.get(&key) {
                return Found::Code(h, false);
            }
            let generation = self.generation;
            let mut tr = lock(&self.shared.tr);
            let (h, fresh) = match tr.block_for(key, &self.shared, interpret) {
                Found::Code(h, fresh) => (h, fresh),
                ir => return ir,
            };
            drop(tr);
            self.sync_generation();
            // Emptied since the lookup (by another thread once the lock
            // was released, or by the translation itself): `h` may be
            // gone, look up again.
            if self.generation == generation {
                // A block just translated is mostly linked to from now on,
                // not looked up again: only a block looked up twice is kept
                // in this thread's map (a start-up translates thousands,
                // each a write to a page of the map).
                if !fresh {
                    self.local.insert(key, h);
                }
                return Found::Code(h, fresh);
            }
        }
    }

    /// Translates the quick-tier block at `pc`, which counted out its
    /// entries, at the full tier (unless another thread did already), and
    /// points this thread's links to the old block and its
    /// indirect-branch table entry at the new one.
    fn promote(&mut self, pc: u64) {
        let (local, generation) = (self.local.get(&pc).copied(), self.generation);
        let mut tr = lock(&self.shared.tr);
        let promoted = tr.promote(pc, &self.shared);
        drop(tr);
        self.sync_generation();
        let Some((h, old)) = promoted else { return };
        if self.generation != generation {
            // Emptied since: the lookup that follows finds what is there.
            return;
        }
        self.local.insert(pc, h);
        // The quick-tier block: the one just promoted, or the one this
        // thread knew if another thread promoted it first.
        let local = local.filter(|o| o & QUICK_TAG != 0).map(|o| o & !QUICK_TAG);
        let Some(old) = old.or(local) else {
            return;
        };
        // Counted as running code, so that the cache is not emptied (and
        // the sites' blocks overwritten) while the links are patched.
        self.shared.excl.enter();
        if self.shared.generation.load(Ordering::Acquire) == generation {
            for site in self.incoming.take(old) {
                self.shared.region.link(site, h);
            }
            self.jump_table.retarget(pc, old, h);
        }
        self.shared.excl.leave();
    }

    /// A handle through which a debugger sets breakpoints and drops
    /// translations from another host thread.
    pub fn debug_handle(&self) -> DebugHandle {
        DebugHandle(self.shared.clone())
    }

    /// Drops this thread's maps if the cache was emptied since they were made.
    fn sync_generation(&mut self) {
        let g = self.shared.generation.load(Ordering::Acquire);
        if g != self.generation {
            self.generation = g;
            self.local.clear();
            self.incoming.clear();
            self.jump_table.clear();
            self.link = None;
        }
    }

    /// Drops translations of guest code in `[start, end)`. Blocks are linked
    /// to each other directly, so the whole cache is emptied.
    pub fn invalidate(&mut self, start: u64, end: u64) {
        let mut tr = lock(&self.shared.tr);
        tr.forget_code(start, end);
        let relied_on = tr.nzcv_lookahead.iter().any(|&(s, e)| s < end && start < e);
        if relied_on || tr.cache.overlaps(start, end) {
            tr.flush(&self.shared);
        }
        drop(tr);
        self.sync_generation();
    }

    /// Runs guest code from `cpu.pc` until an exit the caller must handle
    /// (anything but a block lookup or an instruction-cache invalidation).
    pub fn run(&mut self, cpu: &mut CpuState) -> ExitReason {
        self.run_mode(cpu, false)
    }

    /// Runs the one instruction at `cpu.pc`, ignoring breakpoints:
    /// [`ExitReason::Lookup`] when it completed (`pc` is the next one),
    /// else the exit the caller must handle as after [`Jit::run`] (an
    /// [`ExitReason::Interrupt`] before the instruction ran, an SVC after
    /// it, a fault at it).
    pub fn step(&mut self, cpu: &mut CpuState) -> ExitReason {
        self.run_mode(cpu, true)
    }

    /// [`Jit::run`] for a thread no debugger controls, in a process where
    /// one sets breakpoints (a vfork child): each breakpoint's instruction
    /// is stepped over.
    pub fn run_past_breakpoints(&mut self, cpu: &mut CpuState) -> ExitReason {
        loop {
            match self.run(cpu) {
                ExitReason::Debug => match self.step(cpu) {
                    ExitReason::Lookup => {}
                    other => return other,
                },
                other => return other,
            }
        }
    }

    fn run_mode(&mut self, cpu: &mut CpuState, step: bool) -> ExitReason {
        cpu.jump_table = self.jump_table.as_ptr();
        cpu.interrupt = self.interrupt.as_ptr() as u64;
        // Whether the last exit was a lookup (not the caller starting us)
        // that the indirect-branch table may learn from.
        let mut after_lookup = false;
        loop {
            // A branch to a tagged address continues at the untagged one.
            cpu.pc = tbi::branch_addr(cpu.pc);
            if cpu.pc & 3 != 0 {
                cpu.exit_arg = cpu.pc;
                cpu.fault = 0;
                return ExitReason::Alignment;
            }
            let reason = match self.block_keyed(cpu.pc | if step { STEP_KEY } else { 0 }, !step) {
                Found::Ir(block, epoch) => {
                    let (reason, indirect) = self.interpret(cpu, block, epoch);
                    // A direct branch's target is not for the table (see
                    // `run_code`).
                    after_lookup = reason == ExitReason::Lookup && indirect;
                    reason
                }
                Found::Code(tagged, _) => match self.run_code(cpu, tagged, step, after_lookup) {
                    Some(reason) => {
                        after_lookup = reason == ExitReason::Lookup;
                        reason
                    }
                    // Emptied between the lookup and now: look up again.
                    None => continue,
                },
            };
            match reason {
                ExitReason::Lookup if step => return ExitReason::Lookup,
                ExitReason::Lookup => {}
                // Single-step blocks are never of the quick tier.
                ExitReason::Promote => self.promote(cpu.pc),
                ExitReason::Invalidate => {
                    // IC IVAU takes a virtual address: its tag is ignored.
                    let line = tbi::untagged(cpu.exit_arg) & !63;
                    self.invalidate(line, line + 64);
                    if step {
                        return ExitReason::Lookup;
                    }
                }
                ExitReason::Fault if self.tagged_access(cpu) => {}
                ExitReason::Alignment if cpu.fault & ALIGN_DATA != 0 => {
                    if lock(&self.shared.tr).untag.covers(cpu.pc) {
                        tbi::retag(cpu);
                    }
                    return ExitReason::Alignment;
                }
                ExitReason::Interrupt => {
                    // Whoever set the word has been served by this exit: a
                    // signal handler left its signal pending for the caller,
                    // a thread emptying the cache is done or waits no more.
                    self.interrupt.store(0, Ordering::SeqCst);
                    return ExitReason::Interrupt;
                }
                other => return other,
            }
        }
    }
}

impl Jit {
    /// Runs the compiled block `tagged` (see [`Jit::block_keyed`]) after
    /// linking the last exit's site to it, and returns the exit reason;
    /// `None` if the cache was emptied since the lookup (nothing ran).
    fn run_code(
        &mut self,
        cpu: &mut CpuState,
        tagged: u64,
        step: bool,
        after_lookup: bool,
    ) -> Option<ExitReason> {
        let (host, quick) = (tagged & !QUICK_TAG, tagged & QUICK_TAG != 0);
        self.shared.excl.enter();
        if self.shared.generation.load(Ordering::Acquire) != self.generation {
            self.shared.excl.leave();
            return None;
        }
        // A single-step block is neither linked to nor from.
        let chain = !self.nochain && !step;
        let link = self.link.take();
        if let Some((site, generation, from_quick)) = link {
            // Safe from emptying: this thread counts as running code.
            if chain && generation == self.generation && self.shared.region.link(site, host) {
                ThreadCounts::bump(&self.counts.links);
                // A site in a quick-tier block need not follow the
                // target's promotion: if that block runs often, it is
                // promoted itself, and its new code links anew.
                if quick && !from_quick {
                    self.incoming.note(host, site);
                }
            }
        }
        // The target of a direct branch is linked to instead: only the
        // targets of indirect branches that missed the table go there
        // (not where the guest resumes after a syscall, a signal or a
        // promotion), as its pages are touched (page faults) only for
        // what it holds: a dynamic hello world touched 98 before.
        if chain && link.is_none() && after_lookup {
            self.jump_table.insert(cpu.pc, host);
        }
        ThreadCounts::bump(&self.counts.dispatches);
        if self.log_exec {
            if let Some(log) = lock(&self.shared.tr).log.as_mut() {
                log.exec(cpu.pc, host);
            }
        }
        // Helpers report guest memory faults here (see CheckFault).
        cpu.fault = 0;
        IN_GUEST.with(|g| g.set(true));
        fpenv::clear_pending();
        self.shared.region.enter(cpu, host);
        cpu.fpsr |= fpenv::take_pending();
        IN_GUEST.with(|g| g.set(false));
        // Whether the exit is from the quick-tier block entered (not
        // from one it went on to through links: those count as full).
        let from_quick = quick
            && cpu.link_site != 0
            && self.shared.region.index.block_start(cpu.link_site) == Some(host);
        self.shared.excl.leave();
        let reason = ExitReason::from_u32(cpu.exit_reason);
        if reason == ExitReason::Lookup && cpu.link_site != 0 && !step {
            self.link = Some((cpu.link_site, self.generation, from_quick));
        }
        cpu.link_site = 0;
        Some(reason)
    }

    /// Runs `block` in the IR interpreter (one of its first runs, see
    /// [`super::first_run`]) and returns the exit reason and whether the
    /// block ended in an indirect branch. Nothing links to or from it.
    fn interpret(&mut self, cpu: &mut CpuState, block: Block, epoch: u64) -> (ExitReason, bool) {
        self.link = None;
        // Helpers report guest memory faults here (see CheckFault).
        cpu.fault = 0;
        fpenv::clear_pending();
        crate::backend::interp::run_block(&block, cpu);
        cpu.fpsr |= fpenv::take_pending();
        let indirect = matches!(block.term, Terminal::Indirect { .. });
        // Kept for the block's next run, interpreted or compiled.
        if let Some(dropped) = lock(&self.shared.tr).first_runs.keep(block, epoch) {
            crate::ir::recycle(dropped);
        }
        (ExitReason::from_u32(cpu.exit_reason), indirect)
    }
}

impl Jit {
    /// Handles a fault exit for TBI (see [`tbi`]): true when the access met
    /// a tagged address for the first time and its code was dropped to be
    /// translated again with tag clearing (the instruction runs again),
    /// false for a guest fault, completed with its tagged address.
    fn tagged_access(&mut self, cpu: &mut CpuState) -> bool {
        let mut tr = lock(&self.shared.tr);
        if tbi::non_canonical(cpu) {
            if let Some((start, end)) = tr.untag.add(cpu.pc) {
                tr.code_changed();
                if tr.cache.overlaps(start, end) {
                    tr.flush(&self.shared);
                }
                drop(tr);
                self.sync_generation();
                return true;
            }
        }
        if tr.untag.covers(cpu.pc) {
            tbi::complete_fault(cpu);
        }
        false
    }
}

impl Drop for Jit {
    fn drop(&mut self) {
        let me = Arc::downgrade(&self.interrupt);
        let mut tr = lock(&self.shared.tr);
        tr.threads
            .retain(|w| w.strong_count() > 0 && !w.ptr_eq(&me));
        // This thread's counts go into the sums of the ended threads.
        let c = &self.counts;
        for (sum, n) in [
            (&tr.ended.links, &c.links),
            (&tr.ended.dispatches, &c.dispatches),
            (&tr.ended.syscalls, &c.syscalls),
        ] {
            sum.fetch_add(n.load(Ordering::Relaxed), Ordering::Relaxed);
        }
        tr.counts.retain(|o| !Arc::ptr_eq(o, c));
    }
}

/// The translator lock held across a fork.
pub struct ForkGuard<'a>(MutexGuard<'a, Translator>);

impl ForkGuard<'_> {
    /// In the forked child: the other threads are gone, and this thread is
    /// the only one sharing the cache.
    pub fn after_fork_child(&mut self, jit: &Jit) {
        jit.shared.excl.reset_after_fork();
        let me = Arc::downgrade(&jit.interrupt);
        self.0.threads.retain(|w| w.ptr_eq(&me));
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while translating aborts the process (panic = "abort"), so a
    // poisoned lock still holds consistent data.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Translator {
    fn env(&self) -> Env {
        Env {
            exit: self.cache.exit_addr(),
            tlb: None,
            tier: Tier::Full,
        }
    }

    /// Forgets what was read of the guest code in `[start, end)`: its words
    /// and what the first instructions of successors there do to NZCV.
    fn forget_code(&mut self, start: u64, end: u64) {
        self.code_changed();
        self.fetcher.forget(start, end);
        let reach = 4 * LOOKAHEAD as u64;
        self.kills_nzcv
            .retain(|&t, _| t.saturating_add(reach) <= start || end <= t);
    }

    /// Empties the cache while no thread runs translated code.
    /// Drops the IR kept of interpreted blocks (see [`FirstRuns::keep`]).
    fn code_changed(&mut self) {
        self.first_runs.code_changed().for_each(crate::ir::recycle);
    }

    fn flush(&mut self, shared: &Shared) {
        self.threads.retain(|w| w.strong_count() > 0);
        self.nzcv_lookahead.clear();
        self.counters.reset();
        self.counter_of.clear();
        let Translator { cache, threads, .. } = self;
        shared.excl.run_alone(threads, || {
            cache.flush();
            crate::plugin::forget_translations();
            shared.generation.fetch_add(1, Ordering::AcqRel);
        });
    }

    /// The block for `key`: a guest pc, or pc + [`STEP_KEY`] for the
    /// single-step block of the instruction there; and whether it was
    /// translated just now.
    fn block_for(&mut self, key: u64, shared: &Shared, interpret: bool) -> Found {
        if let Some(h) = self.cache.get_tagged(key) {
            return Found::Code(h, false);
        }
        if interpret && self.interprets(key) {
            self.stats.blocks_interpreted += 1;
            let block = match self.first_runs.take_kept(key) {
                Some(block) => block,
                None => self.build(key, 0).0,
            };
            return Found::Ir(block, self.first_runs.epoch());
        }
        Found::Code(self.translate(key, shared, true), true)
    }

    /// Whether the block for `key`, not compiled, is to be interpreted
    /// this time (see [`super::first_run`]): never for a single step, a
    /// debugger, a plugin (which sees each block translated once), the
    /// vDSO's routines, or a log of blocks or entries.
    fn interprets(&mut self, key: u64) -> bool {
        !self.full_tier_only(key)
            && !self.log.as_ref().is_some_and(|l| l.items.compile_first())
            && self.first_runs.take(key)
    }

    /// Whether the block for `key` is translated at the full tier at once,
    /// with neither an interpreted first run nor a quick-tier translation:
    /// a single step, a debugger, a plugin (which sees each block
    /// translated once), the vDSO's routines.
    fn full_tier_only(&self, key: u64) -> bool {
        key & STEP_KEY != 0
            || self.debugging
            || crate::plugin::instruments()
            || self.routines.contains_key(&(key & !STEP_KEY))
    }

    /// Translates the quick-tier block at `pc` again at the full tier and
    /// points the old block's entry at the new one. Returns the full-tier
    /// block, which another thread may have made already, and the
    /// quick-tier block if this call promoted it.
    fn promote(&mut self, pc: u64, shared: &Shared) -> Option<(u64, Option<u64>)> {
        let Some(site) = self.cache.take_promote_site(pc) else {
            return self.cache.get(pc).map(|h| (h, None));
        };
        let old = self.cache.get(pc);
        let flushes = self.cache.flushes;
        let host = self.translate(pc, shared, false);
        // Both blocks stay until the cache is emptied, which happens only
        // while no thread runs translated code.
        if self.cache.flushes == flushes {
            self.cache.link(site, host);
        }
        self.stats.blocks_promoted += 1;
        Some((host, old))
    }

    /// Translates the block for `key` (see [`Translator::block_for`]),
    /// at the quick tier if `quick` allows and nothing needs the full one.
    /// Returns its host address, with [`QUICK_TAG`] for a quick-tier block.
    fn translate(&mut self, key: u64, shared: &Shared, quick: bool) -> u64 {
        let (pc, step) = (key & !STEP_KEY, key & STEP_KEY != 0);
        let started = self.timed.then(std::time::Instant::now);
        // The IR the block's interpreted runs left, if still good (kept
        // only where no words are wanted, see `interprets`).
        let kept = (!step && !self.debugging)
            .then(|| self.first_runs.take_kept(pc))
            .flatten();
        // A hot block's full-tier translation (a promotion) is a superblock
        // (see `SIDE_EXITS`), unless something looks at blocks one by one.
        let side_exits = if quick || !self.superblocks || self.full_tier_only(key) {
            0
        } else {
            SIDE_EXITS
        };
        let (mut block, words) = match kept {
            Some(block) => (block, Vec::new()),
            None => self.build(key, side_exits),
        };
        if side_exits > 0
            && block
                .ops
                .iter()
                .any(|o| matches!(o, crate::ir::Op::ExitIf { .. }))
        {
            self.stats.superblocks += 1;
        }
        // What `full_tier_only` names and `-d fulltier` get the full tier.
        let quick = quick
            && !self.full_tier_only(key)
            && !self.log.as_ref().is_some_and(|l| l.items.fulltier);
        let mut env = self.env();
        if quick {
            if let Some(counter) = self.counters.take() {
                env.tier = Tier::Quick { counter };
            }
        }
        // Side-exit targets that overwrite NZCV first (see `Op::ExitIf`).
        let mut dead_exits: Vec<u64> = Vec::new();
        if env.tier == Tier::Full {
            block.nzcv_dead_at_end = writes_nzcv(&block) && self.successors_kill_nzcv(&block.term);
            for op in block.ops.iter_mut() {
                if let crate::ir::Op::ExitIf { pc, nzcv_dead, .. } = op {
                    *nzcv_dead = self.successors_kill_nzcv(&Terminal::Jump { pc: *pc });
                    if *nzcv_dead {
                        dead_exits.push(*pc);
                    }
                }
            }
            crate::ir::passes::optimize(&mut block);
        }
        let mut c = compile(&block, self.cache.next_addr(), &env);
        if !self.cache.has_room(&c) {
            self.flush(shared);
            if let Tier::Quick { counter } = &mut env.tier {
                // The flush made every counter free again.
                *counter = self.counters.take().expect("counters free after a flush");
            }
            c = compile(&block, self.cache.next_addr(), &env);
        }
        self.stats.blocks_translated += 1;
        self.stats.guest_insns_translated += block.end_pc.saturating_sub(block.start_pc) / 4;
        let logged = match &self.log {
            Some(l) if l.items.any_translation() => Some(c.code.clone()),
            _ => None,
        };
        let size = c.code.len();
        let quick_tag = if c.promote_site.is_some() {
            QUICK_TAG
        } else {
            0
        };
        let host = self.cache.insert(key, block.end_pc, c);
        if let Tier::Quick { counter } = env.tier {
            self.counter_of.insert(pc, counter);
        }
        self.stats.host_code_bytes += size as u64;
        if let Some(t) = started {
            self.stats.translate_ns += t.elapsed().as_nanos() as u64;
        }
        if let Some(log) = self.log.as_mut() {
            log.perf_map(host, size, block.start_pc);
        }
        // After any flush above, which forgets the ranges.
        let bytes = 4 * LOOKAHEAD as u64;
        if block.nzcv_dead_at_end {
            let targets = direct_targets(&block.term);
            let ranges = targets.iter().map(|&t| (t, t.saturating_add(bytes)));
            self.nzcv_lookahead.extend(ranges);
        }
        let ranges = dead_exits.iter().map(|&t| (t, t.saturating_add(bytes)));
        self.nzcv_lookahead.extend(ranges);
        if let (Some(log), Some(code)) = (self.log.as_mut(), logged) {
            log.block(&block, &words, host, &code, env.tier != Tier::Full);
        }
        crate::ir::recycle(block);
        host | quick_tag
    }

    /// The IR of the block for `key` (see [`Translator::block_for`]), and
    /// its instruction words when the log or a plugin wants them.
    fn build(&mut self, key: u64, side_exits: usize) -> (Block, Vec<u32>) {
        let (pc, step) = (key & !STEP_KEY, key & STEP_KEY != 0);
        self.fetcher.start();
        // The instruction words, for plugins and the log only.
        let mut words = Vec::new();
        let keep_words = self.log.is_some() || crate::plugin::instruments();
        let (fetcher, untag, bps) = (&mut self.fetcher, &self.untag, &self.breakpoints);
        let has_bp = |a| bps.contains(&a);
        let (cache, counter_of, first_runs) = (&self.cache, &self.counter_of, &self.first_runs);
        let entries = |pc: u64| entries(cache, counter_of, first_runs, pc);
        let likely = |target: u64, next: u64| {
            let (t, n) = (entries(target), entries(next));
            let mostly = |a: u32, b: u32| a >= LIKELY_MIN && a >= LIKELY_RATIO * b;
            match (mostly(t, n), mostly(n, t)) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            }
        };
        let shape = DebugShape {
            max_insns: if step {
                1
            } else {
                crate::frontend::MAX_BLOCK_INSNS
            },
            breakpoint: (!step && !bps.is_empty()).then_some(&has_bp),
            side_exits,
            likely: Some(&likely),
        };
        let mut block = match self.routines.get(&pc) {
            Some(&f) if !shape.breakpoint.is_some_and(|b| b(pc)) => routine_block(pc, f),
            // A breakpoint on a routine stops before it like any other.
            _ => {
                // Words are read a run at a time, or one by one when they
                // are kept.
                let mut keeper;
                let fetch: &mut dyn Fetch = if keep_words {
                    keeper = |a| {
                        let w = fetcher.word(a);
                        words.extend(w);
                        w
                    };
                    &mut keeper
                } else {
                    fetcher
                };
                let covers = |a| untag.covers(a);
                let untag = (!untag.is_empty()).then_some(&covers as &dyn Fn(u64) -> bool);
                let mut block = translate_block_debug(&self.cpu, pc, fetch, untag, shape);
                if crate::plugin::instruments() {
                    crate::plugin::instrument(&mut block, &words);
                }
                block
            }
        };
        if !step {
            crate::ir::passes::poll::drop_forward_poll(&mut block);
        }
        (block, words)
    }

    /// Whether every successor of a block ending in `term` overwrites NZCV
    /// before anything could observe it (decided from the first few
    /// instructions of each, remembered per address).
    fn successors_kill_nzcv(&mut self, term: &Terminal) -> bool {
        let targets = direct_targets(term);
        !self.debugging
            && !targets.is_empty()
            && targets.iter().all(|&t| {
                if let Some(&k) = self.kills_nzcv.get(&t) {
                    return k;
                }
                let fetcher = &mut self.fetcher;
                let fetch = &mut |a| fetcher.word(a);
                let succ = translate_until(&self.cpu, t, fetch, LOOKAHEAD, &decides_nzcv);
                let k = kills_nzcv(&succ);
                crate::ir::recycle(succ);
                self.kills_nzcv.insert(t, k);
                k
            })
    }
}

/// Instructions of each successor read to decide whether it kills NZCV.
const LOOKAHEAD: usize = 8;

/// A forward conditional branch is a side exit when the block one way was
/// entered at least this often so far...
const LIKELY_MIN: u32 = 8;
/// ... and at least this many times as often as the block the other way:
/// the superblock goes on that way.
/// Measured on bench/ (`bench/run.sh` rows, interleaved runs): with 1 or
/// 2, python3 took 6 to 10% less CPU time, lua and sqlite3 10 to 12%,
/// qsort 6%, fsm 4%, with no row slower; with 4, a little less; with 0
/// (every forward branch), fib took 3% more.
const LIKELY_RATIO: u32 = 2;

/// About how many times the block at `pc` has been entered so far, for
/// the choice of a superblock's path: a quick-tier block's count is in its
/// entry counter, a full-tier block has had at least as many entries as
/// promotion takes, and a block not compiled has its interpreted runs.
fn entries(cache: &CodeCache, counter_of: &AddrMap<u64>, first_runs: &FirstRuns, pc: u64) -> u32 {
    // Every compiled block was interpreted first this many times.
    const RUNS: u32 = super::first_run::INTERPRETED_RUNS as u32;
    match (cache.get_tagged(pc), counter_of.get(&pc)) {
        (Some(_), Some(&c)) => {
            // SAFETY: a counter handed out stays valid until the cache is
            // emptied, which also empties `counter_of`.
            let left =
                unsafe { (*(c as *const std::sync::atomic::AtomicI32)).load(Ordering::Relaxed) };
            (PROMOTE_AFTER - left.clamp(0, PROMOTE_AFTER)) as u32 + RUNS
        }
        (Some(_), None) => (PROMOTE_AFTER + 1) as u32 + RUNS,
        (None, _) => first_runs.runs(pc),
    }
}

/// Forward conditional branches a hot block's full-tier translation goes
/// past as side exits ([`crate::ir::Op::ExitIf`]), translating on along
/// the way the guest has mostly gone (see [`LIKELY_RATIO`]), which then
/// runs without block boundaries (NZCV and values stay in host registers,
/// and a loop whose body has such branches becomes a self-loop).
const SIDE_EXITS: usize = 8;

/// The successors of a block ending in `term` that are known at translation
/// time (a slice of a local array: asked twice per block, not worth an
/// allocation).
fn direct_targets(term: &Terminal) -> impl std::ops::Deref<Target = [u64]> {
    struct Targets([u64; 2], usize);
    impl std::ops::Deref for Targets {
        type Target = [u64];
        fn deref(&self) -> &[u64] {
            &self.0[..self.1]
        }
    }
    match *term {
        Terminal::Jump { pc } => Targets([pc, 0], 1),
        Terminal::Branch {
            taken, not_taken, ..
        } => Targets([taken, not_taken], 2),
        _ => Targets([0; 2], 0),
    }
}

/// A debugger's hold on the translator of a guest process (see
/// [`Jit::debug_handle`]): usable from a host thread that runs no guest code.
#[derive(Clone)]
pub struct DebugHandle(Arc<Shared>);

impl DebugHandle {
    /// Turns on debugging: from now on every block leaves the exact
    /// architectural state wherever it stops.
    pub fn start(&self) {
        let mut tr = lock(&self.0.tr);
        tr.debugging = true;
        tr.kills_nzcv.clear();
        tr.flush(&self.0);
    }

    /// Sets (`on`) or clears a breakpoint at guest `pc`; translations are
    /// dropped so that blocks are made again with or without the stop.
    pub fn set_breakpoint(&self, pc: u64, on: bool) {
        let mut tr = lock(&self.0.tr);
        let changed = if on {
            tr.breakpoints.insert(pc)
        } else {
            tr.breakpoints.remove(&pc)
        };
        if changed {
            tr.flush(&self.0);
        }
    }

    /// Clears every breakpoint and ends debugging (the debugger left, or
    /// this is a forked child that no debugger follows).
    pub fn stop(&self) {
        let mut tr = lock(&self.0.tr);
        tr.breakpoints.clear();
        tr.debugging = false;
        tr.flush(&self.0);
    }

    /// Drops translations of guest code in `[start, end)` (the debugger
    /// wrote guest memory).
    pub fn invalidate(&self, start: u64, end: u64) {
        let mut tr = lock(&self.0.tr);
        tr.forget_code(start, end);
        if tr.cache.overlaps(start, end) {
            tr.flush(&self.0);
        }
    }
}
