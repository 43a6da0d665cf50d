//! The system-mode dispatcher: each CPU's host thread runs one [`Machine`]
//! (see [`super::smp`]), looking blocks up by virtual PC in a code cache
//! all CPUs share ([`Code`]).
//! A direct branch is linked to its target only within the virtual page of
//! the block it leaves (same page, same fetch permission); every other
//! block boundary comes back here, where instruction fetch permission is
//! checked and exceptions and interrupts are taken.
//!
//! Translations are keyed by virtual pc and physical page, and end at the
//! end of their page: a changed mapping (after TLBI or a new TTBR) finds
//! other translations, and TLB maintenance drops no code. Code changes are
//! announced with IC IVAU, which drops the translations of the line's
//! physical page (every CPU forgets them before the IC completes), or IC
//! IALLU, which drops them all.
//!
//! Sharing the cache is done as for user-mode threads: lookups go to a
//! per-CPU direct-mapped cache without a lock; translation and insertion
//! take the translations' lock; link patches are single aligned 4-byte
//! stores; the cache is emptied only inside an exclusive section
//! (`jit::exclusive`) that waits until no CPU runs translated code, and
//! bumps the generation, which makes each CPU drop its lookup cache before
//! it runs code again. With one CPU no other thread runs code, and the
//! exclusive section's counting is skipped.

use super::devices::pl061::POWER_LINE;
use super::exception::{ec, esr, DFSC_ALIGNMENT};
use super::memory::tlb_config;
use super::mmu::Access;
use super::monitor::Action;
use super::smp::{lock, Power, DROP_CODE, FLUSH_TLB};
use super::sysinsn::Outcome;
use super::timer::Waker;
use super::vcpu::{Exception, Stop, Vcpu, Wait};
use crate::backend::x64::{compile, Env, Tier};
use crate::cpu::state::{ALIGN_DATA, ALIGN_WRITE};
use crate::cpu::{fpenv, ExitReason};
use crate::frontend::translate_block_system;
use crate::jit::addr_map::{AddrHasher, AddrMap};
use crate::jit::code_cache::{CodeCache, Region};
use crate::jit::exclusive::Exclusive;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

/// PSTATE.I in DAIF.
const DAIF_I: u64 = 1 << 7;
const YIELD: u32 = 0xd503_203f;
const WFE: u32 = 0xd503_205f;
const WFI: u32 = 0xd503_207f;
const SEV: u32 = 0xd503_209f;
const SEVL: u32 = 0xd503_20bf;
/// The longest a WFE sleeps: the period of the event stream Linux asks
/// for (10 kHz).
const EVENT_WAIT: Duration = Duration::from_micros(100);

/// What the translations' lock protects.
struct Translations {
    cache: CodeCache,
    /// Translations by virtual pc and physical page.
    blocks: HashMap<(u64, u64), u64, BuildHasherDefault<AddrHasher>>,
    /// The virtual pcs translated in each physical page.
    by_page: AddrMap<Vec<u64>>,
}

/// The translations every CPU shares.
pub struct Code {
    tr: Mutex<Translations>,
    region: Arc<Region>,
    excl: Exclusive,
    /// Bumped each time the cache is emptied.
    generation: AtomicU64,
    /// The interrupt words of the CPUs running code (none with one CPU).
    words: Vec<Weak<AtomicU32>>,
}

impl Code {
    /// The code cache of the CPUs of `board`.
    pub fn new(board: &super::vcpu::Board) -> std::io::Result<Arc<Code>> {
        let cache = CodeCache::new()?;
        let cpus = &board.smp.cpus;
        let words = if cpus.len() > 1 {
            cpus.iter().map(|c| Arc::downgrade(c.bell.word())).collect()
        } else {
            Vec::new()
        };
        Ok(Arc::new(Code {
            region: cache.region().clone(),
            tr: Mutex::new(Translations {
                cache,
                blocks: HashMap::default(),
                by_page: AddrMap::default(),
            }),
            excl: Exclusive::default(),
            generation: AtomicU64::new(0),
            words,
        }))
    }

    /// Empties the cache while no CPU runs translated code.
    fn flush(&self, tr: &mut Translations) {
        self.excl.run_alone(&self.words, || {
            tr.cache.flush();
            tr.blocks.clear();
            tr.by_page.clear();
            self.generation.fetch_add(1, Ordering::AcqRel);
        });
    }
}

pub struct Machine {
    pub vcpu: Box<Vcpu>,
    code: Arc<Code>,
    env: Env,
    /// More than one CPU: other threads run code too.
    shared: bool,
    /// The vector the last exception went to, until a block runs: an
    /// instruction abort there is an exception loop.
    vector: Option<u64>,
    /// The branch to patch after a block exit (host site, guest pc of the
    /// block that left, cache generation then).
    link: Option<(u64, u64, u64)>,
    /// Guest pc of the block being run.
    running: u64,
    /// A direct-mapped cache in front of the shared translations: (virtual
    /// pc, physical page, host code) by pc bits; pc 1 (never a block's)
    /// marks a free slot. Valid for cache generation `generation`.
    jump_cache: Box<[(u64, u64, u64)]>,
    generation: u64,
    /// Whether the IRQ input must be looked at before the next block: after
    /// any exit but a plain block lookup (a system instruction may have
    /// unmasked PSTATE.I or changed the timers, the doorbell may have
    /// rung, an exception or ERET changed PSTATE).
    check_irq: bool,
    /// The monitor's request count this CPU has served.
    monitor_seen: u64,
}

const JUMP_CACHE: usize = 1 << 12;
const FREE: (u64, u64, u64) = (1, 0, 0);

fn jump_slot(pc: u64) -> usize {
    (pc >> 2) as usize & (JUMP_CACHE - 1)
}

impl Machine {
    pub fn new(vcpu: Box<Vcpu>, code: Arc<Code>) -> Machine {
        let env = Env {
            exit: code.region.exit_addr(),
            tlb: Some(tlb_config()),
            tier: Tier::Full,
        };
        Machine {
            shared: vcpu.board.smp.count() > 1,
            generation: code.generation.load(Ordering::Acquire),
            vcpu,
            code,
            env,
            vector: None,
            link: None,
            running: 0,
            jump_cache: vec![FREE; JUMP_CACHE].into_boxed_slice(),
            check_irq: true,
            monitor_seen: 0,
        }
    }

    fn take(&mut self, e: Exception) -> Result<(), String> {
        let pc = self.vcpu.cpu.pc;
        if self.vector == Some(pc) && e.elr == pc {
            return Err(format!(
                "guest exception loop: exception vector {pc:#x} cannot be run (ESR {:#x})",
                e.esr
            ));
        }
        self.vcpu.take(e);
        self.vector = Some(self.vcpu.cpu.pc);
        Ok(())
    }

    /// Drops this CPU's lookup cache if the code cache was emptied since.
    fn sync_generation(&mut self) {
        let g = self.code.generation.load(Ordering::Acquire);
        if g != self.generation {
            self.generation = g;
            self.jump_cache.fill(FREE);
            self.link = None;
        }
    }

    /// Host code for the block at virtual `pc` in physical page `page`,
    /// and the cache generation it belongs to.
    /// A block ends at the end of its page (the next page's fetch is
    /// checked by the dispatcher), so it depends on one mapping only.
    fn block(&mut self, pc: u64, page: u64) -> (u64, u64) {
        self.sync_generation();
        let slot = jump_slot(pc);
        let (cpc, cpage, chost) = self.jump_cache[slot];
        if cpc == pc && cpage == page {
            return (chost, self.generation);
        }
        let code = self.code.clone();
        let mut tr = lock(&code.tr);
        let host = match tr.blocks.get(&(pc, page)) {
            Some(&h) => h,
            None => self.translate(&mut tr, pc, page),
        };
        // Stable while the lock is held: only emptying bumps it.
        let generation = code.generation.load(Ordering::Acquire);
        drop(tr);
        self.sync_generation();
        if generation == self.generation {
            self.jump_cache[slot] = (pc, page, host);
        }
        (host, generation)
    }

    fn translate(&mut self, tr: &mut Translations, pc: u64, page: u64) -> u64 {
        // The dispatcher checked the fetch of `pc`: the block reads its
        // words from that physical page without walking the tables again.
        let ram = &self.vcpu.board.ram;
        let mut fetch = |a: u64| {
            if (a ^ pc) & !0xfff != 0 {
                return None;
            }
            ram.read_u32(page | (a & 0xfff))
        };
        // Translation may use the host FPU: the guest's pending flags go to
        // FPSR first.
        self.vcpu.cpu.fpsr |= fpenv::take_pending();
        let mut block = translate_block_system(pc, &mut fetch, super::sysinsn::sys_inline);
        crate::ir::passes::optimize(&mut block);
        let mut c = compile(&block, tr.cache.next_addr(), &self.env);
        if !tr.cache.has_room(&c) {
            self.code.flush(tr);
            c = compile(&block, tr.cache.next_addr(), &self.env);
        }
        let host = tr.cache.insert(block.start_pc, block.end_pc, c);
        // Translation may have used the host FPU (constant folding): its
        // flags are not the guest's.
        fpenv::clear_pending();
        tr.blocks.insert((pc, page), host);
        tr.by_page.entry(page).or_default().push(pc);
        crate::ir::recycle(block);
        host
    }

    /// IC IALLU: every translation goes.
    fn flush_code(&mut self) {
        let code = self.code.clone();
        code.flush(&mut lock(&code.tr));
        self.sync_generation();
    }

    /// Forgets the translations of physical pages `pages` (IC IVAU). Their
    /// host code stays until the cache is emptied, unreachable: blocks are
    /// only linked within their own page, so only a dispatcher enters one.
    /// The other CPUs forget them from their lookup caches before this
    /// returns (see `smp`).
    fn drop_pages(&mut self, pages: Vec<u64>) {
        let mut dropped = Vec::new();
        let mut tr = lock(&self.code.tr);
        for page in pages {
            for va in tr.by_page.remove(&page).unwrap_or_default() {
                tr.blocks.remove(&(va, page));
                dropped.push((va, page));
            }
        }
        drop(tr);
        self.forget(&dropped);
        if self.shared && !dropped.is_empty() {
            let smp = &self.vcpu.board.smp;
            for (j, c) in smp.cpus.iter().enumerate() {
                if j != self.vcpu.me {
                    lock(&c.dropped).extend_from_slice(&dropped);
                }
            }
            self.broadcast(DROP_CODE);
        }
    }

    /// Removes dropped translations from the lookup cache.
    fn forget(&mut self, dropped: &[(u64, u64)]) {
        for &(va, page) in dropped {
            let slot = &mut self.jump_cache[jump_slot(va)];
            if slot.0 == va && slot.1 == page {
                *slot = FREE;
            }
        }
        if !dropped.is_empty() {
            self.link = None;
        }
    }

    /// Serves the other CPUs' requests: a TLB flush, dropped translations.
    /// Done before this CPU touches guest memory or code again (see `smp`).
    fn serve(&mut self) {
        let me = self.vcpu.me;
        let r = self.vcpu.board.smp.cpus[me]
            .requests
            .swap(0, Ordering::SeqCst);
        if r & FLUSH_TLB != 0 {
            self.vcpu.flush_tlb();
        }
        if r & DROP_CODE != 0 {
            let dropped = std::mem::take(&mut *lock(&self.vcpu.board.smp.cpus[me].dropped));
            self.forget(&dropped);
        }
    }

    /// Posts `request` to the other CPUs and waits until they served it.
    fn broadcast(&mut self, request: u32) {
        let board = self.vcpu.board.clone();
        board.smp.broadcast(self.vcpu.me, request, || self.serve());
    }

    /// Sleeps on the CPU's doorbell until it rings or `until` passes;
    /// meanwhile the CPU counts as asleep for the other CPUs' requests,
    /// which it serves when it wakes.
    fn sleep(&mut self, until: Option<Instant>) {
        let board = self.vcpu.board.clone();
        let link = &board.smp.cpus[self.vcpu.me];
        link.awake.store(false, Ordering::SeqCst);
        self.vcpu.bell.wait(until);
        link.awake.store(true, Ordering::SeqCst);
        self.serve();
    }

    /// Checks that the current EL may fetch from `pc` (through the
    /// soft-TLB's code comparator, filled on a miss); returns the physical
    /// page.
    fn check_fetch(&mut self, pc: u64) -> Result<u64, Exception> {
        let v = &mut *self.vcpu;
        let el = usize::from(v.sys.el);
        let e = *v.tlbs[el].entry(pc);
        if e.code == pc & !0xfff {
            let host = pc.wrapping_add(e.addend) & !0xfff;
            return Ok(v.board.ram.pa_of_host(host).expect("TLB entries map RAM"));
        }
        let t = v
            .translate(pc, Access::Fetch)
            .map_err(|f| v.insn_abort(pc, f))?;
        if let Some(host) = v.board.ram.host(t.pa & !0xfff, 0x1000) {
            v.tlbs[el].fill(pc, host, t.read, t.write, t.exec);
        }
        Ok(t.pa & !0xfff)
    }

    /// Serves the monitor's requests this CPU has not seen; sets how the
    /// machine stops when it does. A pause parks the thread here (asleep
    /// for the other CPUs' requests).
    fn monitor(&mut self) {
        let Some(m) = &self.vcpu.board.monitor else {
            return;
        };
        let seen = m.requests();
        if seen == self.monitor_seen {
            return;
        }
        self.monitor_seen = seen;
        let m = m.clone();
        self.vcpu.cpu.fpsr |= fpenv::take_pending();
        let board = self.vcpu.board.clone();
        let link = &board.smp.cpus[self.vcpu.me];
        let mut press = || board.gpio.pulse(POWER_LINE, Duration::from_millis(100));
        link.awake.store(false, Ordering::SeqCst);
        let action = m.service(&mut press);
        link.awake.store(true, Ordering::SeqCst);
        self.serve();
        match action {
            Action::Continue => self.check_irq = true,
            Action::Quit => self.vcpu.stop = Some(Stop::Quit),
            Action::Reset => self.vcpu.stop = Some(Stop::HostReset),
        }
    }

    /// Whether the thread must return: the machine stops.
    fn stopping(&self) -> bool {
        self.vcpu.stop.is_some() || self.vcpu.board.smp.stopping()
    }

    /// Waits until the CPU's IRQ line is asserted (WFI, CPU_SUSPEND), or
    /// the machine stops.
    fn wait_irq(&mut self) -> Result<(), String> {
        loop {
            self.monitor();
            if self.stopping() || self.vcpu.irq_line() {
                return Ok(());
            }
            let v = &mut *self.vcpu;
            let at = {
                let bus = lock(&v.board.bus);
                match (Waker::next_instant(&v.timers), bus.deadline()) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                }
            };
            let alone = v.board.smp.count() == 1;
            if alone
                && at.is_none()
                && !lock(&v.board.bus).may_interrupt()
                && v.board.monitor.is_none()
            {
                return Err(format!(
                    "WFI at {:#x} with no interrupt pending, no timer armed and no device \
                     that could interrupt",
                    v.cpu.pc.wrapping_sub(4)
                ));
            }
            self.sleep(at);
        }
    }

    /// WFE with the event register clear, with other CPUs. The CPU sleeps
    /// on its doorbell until an event (another CPU's SEV rings it), its
    /// IRQ line, or at most [`EVENT_WAIT`]: the wake-up events emu does not
    /// model — the event stream, and a store by another CPU clearing this
    /// one's exclusive reservation — are taken as having come then (WFE
    /// may complete without an event). Waiting on a reservation (the
    /// LDXR; WFE of Linux's `smp_cond_load`) only gives the host CPU away
    /// once: the store that ends that wait must be seen at once.
    fn wait_event(&mut self) -> Result<(), String> {
        if self.vcpu.cpu.excl_addr != u64::MAX {
            std::thread::yield_now();
            return Ok(());
        }
        if self.stopping() || self.vcpu.irq_line() {
            return Ok(());
        }
        self.sleep(Some(Instant::now() + EVENT_WAIT));
        Ok(())
    }

    /// Waits while the CPU is off, until a CPU_ON starts it (or the
    /// machine stops).
    fn wait_cpu_on(&mut self) {
        loop {
            self.monitor();
            if self.stopping() {
                return;
            }
            let board = self.vcpu.board.clone();
            let mut power = lock(&board.smp.power);
            if let Power::Starting { entry, arg } = power[self.vcpu.me] {
                power[self.vcpu.me] = Power::On;
                drop(power);
                self.vcpu.boot_reset(entry, arg);
                self.link = None;
                self.vector = None;
                self.check_irq = true;
                return;
            }
            drop(power);
            self.sleep(None);
        }
    }

    /// Acts on PSCI CPU_OFF or CPU_SUSPEND.
    fn power_wait(&mut self, w: Wait) -> Result<(), String> {
        match w {
            Wait::Off => {
                let smp = &self.vcpu.board.smp;
                let mut power = lock(&smp.power);
                power[self.vcpu.me] = Power::Off;
                if power.iter().all(|&p| p == Power::Off) {
                    self.vcpu.stop = Some(Stop::CpuOff);
                    return Ok(());
                }
                drop(power);
                self.wait_cpu_on();
            }
            Wait::Standby => self.wait_irq()?,
            Wait::PowerDown { entry, arg } => {
                self.wait_irq()?;
                self.vcpu.boot_reset(entry, arg);
                self.link = None;
            }
        }
        self.check_irq = true;
        Ok(())
    }

    /// Runs the CPU until the machine stops; whatever ends it stops every
    /// CPU. Returns why the machine stopped.
    pub fn run(&mut self) -> Result<Stop, String> {
        if let Some(m) = &self.vcpu.board.monitor {
            m.set_vcpu_thread(self.vcpu.me);
        }
        let r = self.run_cpu();
        let smp = &self.vcpu.board.smp;
        smp.stop(r);
        smp.stopped()
    }

    fn run_cpu(&mut self) -> Result<Stop, String> {
        // A secondary waits for CPU_ON (which may have come already).
        if lock(&self.vcpu.board.smp.power)[self.vcpu.me] != Power::On {
            self.wait_cpu_on();
        }
        loop {
            self.monitor();
            if let Some(s) = self.vcpu.stop {
                return Ok(s);
            }
            if self.vcpu.board.smp.stopping() {
                return self.vcpu.board.smp.stopped();
            }
            if self.shared {
                self.serve();
                let b = std::mem::take(&mut self.vcpu.broadcast);
                if b != 0 {
                    self.broadcast(b);
                }
            }
            if let Some(w) = self.vcpu.wait.take() {
                self.power_wait(w)?;
                continue;
            }
            if self.vcpu.flush_code {
                self.vcpu.flush_code = false;
                self.flush_code();
            }
            if !self.vcpu.code_inval.is_empty() {
                let pages = std::mem::take(&mut self.vcpu.code_inval);
                self.drop_pages(pages);
            }
            if std::mem::take(&mut self.check_irq)
                && self.vcpu.sys.daif & DAIF_I == 0
                && self.vcpu.irq_line()
            {
                self.vcpu.take_irq();
            }
            let pc = self.vcpu.cpu.pc;
            if pc & 3 != 0 {
                let e = Exception {
                    esr: esr(ec::PC_ALIGN, 0),
                    far: Some(pc),
                    elr: pc,
                };
                self.take(e)?;
                continue;
            }
            let page = match self.check_fetch(pc) {
                Ok(page) => page,
                Err(e) => {
                    self.take(e)?;
                    continue;
                }
            };
            let (host, generation) = self.block(pc, page);
            if self.shared {
                self.code.excl.enter();
                if self.code.generation.load(Ordering::Acquire) != generation {
                    // Emptied between the lookup and now: look up again.
                    self.code.excl.leave();
                    continue;
                }
            }
            if let Some((site, from, g)) = self.link.take() {
                // Safe from emptying: this CPU counts as running code.
                if g == generation && (from ^ pc) & !0xfff == 0 {
                    self.code.region.link(site, host);
                }
            }
            self.running = pc;
            let cpu = &mut self.vcpu.cpu;
            cpu.fault = 0;
            // MXCSR holds only guest flags here: translation cleared its own.
            self.code.region.enter(cpu, host);
            if self.shared {
                self.code.excl.leave();
            }
            let cpu = &mut self.vcpu.cpu;
            let mut reason = ExitReason::from_u32(cpu.exit_reason);
            // A block that ran into the next page asks for that page's
            // fetch check, which the loop does for every block anyway.
            if reason == ExitReason::FetchFault && (cpu.pc ^ self.running) & !0xfff != 0 {
                reason = ExitReason::Lookup;
            }
            // Reading MXCSR costs as much as a short block: between blocks
            // the guest's flags stay pending in MXCSR (translated code's
            // MRS/MSR FPSR takes them), and only exits into Rust that may
            // read FPSR or use the host FPU move them into FPSR.
            if reason != ExitReason::Lookup {
                cpu.fpsr |= fpenv::take_pending();
            }
            if cpu.link_site != 0 && cpu.exit_reason == ExitReason::Lookup as u32 {
                self.link = Some((cpu.link_site, self.running, generation));
            }
            cpu.link_site = 0;
            self.vector = None;
            self.check_irq = reason != ExitReason::Lookup;
            self.exit(reason)?;
        }
    }

    fn exit(&mut self, reason: ExitReason) -> Result<(), String> {
        let v = &mut *self.vcpu;
        let (pc, arg) = (v.cpu.pc, v.cpu.exit_arg);
        let e = match reason {
            ExitReason::Lookup => return Ok(()),
            ExitReason::Interrupt => {
                // The doorbell rang (a timer deadline, an SGI, device
                // input, a request of another CPU or of the monitor): the
                // loop looks at the GIC and the requests.
                v.bell.word().store(0, Ordering::SeqCst);
                return Ok(());
            }
            ExitReason::Udf if matches!(arg as u32, YIELD | WFE | WFI | SEV | SEVL) => {
                v.cpu.pc = pc + 4;
                let event = &v.board.smp.cpus[v.me].event;
                match arg as u32 {
                    // WFI returns at once when the IRQ line is asserted
                    // (masked or not), else the CPU waits for it.
                    WFI => {
                        lock(&v.board.bus).idle();
                        return self.wait_irq();
                    }
                    // WFE with the event register set clears it; without,
                    // the CPU waits for an event (see `wait_event`). With
                    // one CPU nothing else could send an event: a NOP,
                    // like YIELD.
                    WFE if event.swap(false, Ordering::SeqCst) => {}
                    WFE if self.shared => return self.wait_event(),
                    WFE | YIELD => {}
                    SEV => v.board.smp.send_event(v.me),
                    _ => event.store(true, Ordering::SeqCst),
                }
                return Ok(());
            }
            ExitReason::Invalidate => {
                v.flush_code = true;
                return Ok(());
            }
            // `pc` is already the next instruction, the preferred return.
            ExitReason::Svc => Exception {
                esr: esr(ec::SVC, arg & 0xffff),
                far: None,
                elr: pc,
            },
            ExitReason::Brk => Exception {
                esr: esr(ec::BRK, arg & 0xffff),
                far: None,
                elr: pc,
            },
            ExitReason::Hlt => v.undefined(pc),
            ExitReason::Udf => match v.exec_system(arg as u32, pc) {
                Outcome::Next => {
                    v.cpu.pc = pc + 4;
                    return Ok(());
                }
                Outcome::Jumped => return Ok(()),
                Outcome::Raise(e) => e,
            },
            ExitReason::Alignment if v.cpu.fault & ALIGN_DATA != 0 => {
                v.data_abort(pc, arg, DFSC_ALIGNMENT, v.cpu.fault & ALIGN_WRITE != 0)
            }
            ExitReason::Alignment => Exception {
                esr: esr(ec::PC_ALIGN, 0),
                far: Some(pc),
                elr: pc,
            },
            ExitReason::FetchFault => match v.translate(pc, Access::Fetch) {
                Err(f) => v.insn_abort(pc, f),
                // Mapped meanwhile, or fetchable but not RAM.
                Ok(_) if v.fetch_word(pc).is_some() => return Ok(()),
                Ok(_) => Exception {
                    esr: esr(
                        if v.sys.el == 0 {
                            ec::INSN_ABORT_LOWER
                        } else {
                            ec::INSN_ABORT_SAME
                        },
                        super::exception::DFSC_EXTERNAL,
                    ),
                    far: Some(pc),
                    elr: pc,
                },
            },
            // Only a debugger's breakpoints stop blocks this way; system
            // mode has none.
            ExitReason::Debug => return Err(format!("unexpected debug stop at pc {pc:#x}")),
            // System mode translates every block at the full tier.
            ExitReason::Promote => return Err(format!("unexpected promotion at pc {pc:#x}")),
            ExitReason::Fault => match v.pending.take() {
                Some(e) => Exception { elr: pc, ..e },
                None => {
                    return Err(format!(
                        "host fault at guest pc {pc:#x}, address {arg:#x} (signal word {:#x})",
                        v.cpu.fault
                    ))
                }
            },
        };
        self.take(e)
    }
}
