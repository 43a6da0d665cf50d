//! The system-mode dispatcher: blocks looked up by virtual PC, the CPUs
//! taking turns on one host thread (see [`super::smp`]).
//! A direct branch is linked to its target only within the virtual page of
//! the block it leaves (same page, same fetch permission); every other
//! block boundary comes back here, where instruction fetch permission is
//! checked and exceptions and interrupts are taken.
//!
//! Translations are keyed by virtual pc and physical page, and end at the
//! end of their page: a changed mapping (after TLBI or a new TTBR) finds
//! other translations, and TLB maintenance drops no code. Code changes are
//! announced with IC IVAU, which drops the translations of the line's
//! physical page, or IC IALLU, which drops them all.

use super::devices::pl061::POWER_LINE;
use super::exception::{ec, esr, DFSC_ALIGNMENT};
use super::memory::tlb_config;
use super::mmu::Access;
use super::monitor::Action;
use super::smp::Power;
use super::sysinsn::Outcome;
use super::timer::Waker;
use super::vcpu::{Exception, Stop};
use crate::backend::x64::{compile, Env, Tier};
use crate::cpu::state::{ALIGN_DATA, ALIGN_WRITE};
use crate::cpu::{fpenv, ExitReason};
use crate::frontend::translate_block_system;
use crate::jit::addr_map::{AddrHasher, AddrMap};
use crate::jit::code_cache::CodeCache;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// PSTATE.I in DAIF.
const DAIF_I: u64 = 1 << 7;
const YIELD: u32 = 0xd503_203f;
const WFE: u32 = 0xd503_205f;
const WFI: u32 = 0xd503_207f;
const SEV: u32 = 0xd503_209f;
const SEVL: u32 = 0xd503_20bf;
/// How long a CPU runs while another could: a timer rings the interrupt
/// word at the end of its slice.
const SLICE: Duration = Duration::from_millis(1);

pub struct Machine {
    pub vcpu: Box<super::vcpu::Vcpu>,
    cache: CodeCache,
    env: Env,
    /// The vector the last exception went to, until a block runs: an
    /// instruction abort there is an exception loop.
    vector: Option<u64>,
    /// The branch to patch after a block exit (host site, guest pc of the
    /// block that left, cache flush count then).
    link: Option<(u64, u64, u64)>,
    /// Guest pc of the block being run.
    running: u64,
    /// Translations by virtual pc and physical page.
    blocks: HashMap<(u64, u64), u64, BuildHasherDefault<AddrHasher>>,
    /// The virtual pcs translated in each physical page.
    by_page: AddrMap<Vec<u64>>,
    /// A direct-mapped cache in front of `blocks`: (virtual pc, physical
    /// page, host code) by pc bits; pc 1 (never a block's) marks a free
    /// slot.
    jump_cache: Box<[(u64, u64, u64)]>,
    /// Whether the IRQ input must be looked at before the next block: after
    /// any exit but a plain block lookup (a system instruction may have
    /// unmasked PSTATE.I or changed the timers, the doorbell may have
    /// rung, an exception or ERET changed PSTATE).
    check_irq: bool,
    /// Ends time slices, with more than one CPU.
    slice: Option<Waker>,
    /// When the current slice ends, if the timer runs.
    slice_end: Option<Instant>,
}

const JUMP_CACHE: usize = 1 << 12;
const FREE: (u64, u64, u64) = (1, 0, 0);

fn jump_slot(pc: u64) -> usize {
    (pc >> 2) as usize & (JUMP_CACHE - 1)
}

impl Machine {
    pub fn new(vcpu: Box<super::vcpu::Vcpu>) -> std::io::Result<Machine> {
        let cache = CodeCache::new()?;
        let vcpu_cpus = vcpu.smp.cpus();
        let bell = vcpu.board.bell.clone();
        let env = Env {
            exit: cache.exit_addr(),
            tlb: Some(tlb_config()),
            tier: Tier::Full,
        };
        Ok(Machine {
            vcpu,
            cache,
            env,
            vector: None,
            link: None,
            running: 0,
            blocks: HashMap::default(),
            by_page: AddrMap::default(),
            jump_cache: vec![FREE; JUMP_CACHE].into_boxed_slice(),
            check_irq: true,
            slice: (vcpu_cpus > 1).then(|| Waker::new(bell)),
            slice_end: None,
        })
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

    /// Host code for the block at `pc`.
    /// Host code for the block at virtual `pc` in physical page `page`.
    /// A block ends at the end of its page (the next page's fetch is
    /// checked by the dispatcher), so it depends on one mapping only.
    fn block(&mut self, pc: u64, page: u64) -> u64 {
        let slot = jump_slot(pc);
        let (cpc, cpage, chost) = self.jump_cache[slot];
        if cpc == pc && cpage == page {
            return chost;
        }
        if let Some(&h) = self.blocks.get(&(pc, page)) {
            self.jump_cache[slot] = (pc, page, h);
            return h;
        }
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
        let mut c = compile(&block, self.cache.next_addr(), &self.env);
        if !self.cache.has_room(&c) {
            self.flush_code();
            c = compile(&block, self.cache.next_addr(), &self.env);
        }
        let host = self.cache.insert(block.start_pc, block.end_pc, c);
        // Translation may have used the host FPU (constant folding): its
        // flags are not the guest's.
        fpenv::clear_pending();
        self.blocks.insert((pc, page), host);
        self.jump_cache[slot] = (pc, page, host);
        self.by_page.entry(page).or_default().push(pc);
        host
    }

    fn flush_code(&mut self) {
        self.cache.flush();
        self.blocks.clear();
        self.by_page.clear();
        self.jump_cache.fill(FREE);
    }

    /// Forgets the translations of physical page `page`. Their host code
    /// stays until the cache is emptied, unreachable: blocks are only
    /// linked within their own page, so only the dispatcher enters one.
    fn drop_page(&mut self, page: u64) {
        for va in self.by_page.remove(&page).unwrap_or_default() {
            self.blocks.remove(&(va, page));
            let slot = &mut self.jump_cache[jump_slot(va)];
            if slot.1 == page {
                *slot = FREE;
            }
        }
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

    /// Serves the monitor's requests, if any; returns how the machine
    /// stops when it does.
    fn monitor(&mut self) -> Option<Stop> {
        let m = self.vcpu.board.monitor.clone().filter(|m| m.pending())?;
        self.vcpu.cpu.fpsr |= fpenv::take_pending();
        let gpio = &self.vcpu.board.gpio;
        let mut press = || gpio.pulse(POWER_LINE, Duration::from_millis(100));
        match m.service(&mut press) {
            Action::Continue => {
                self.check_irq = true;
                None
            }
            Action::Quit => Some(Stop::Quit),
            Action::Reset => Some(Stop::HostReset),
        }
    }

    /// Whether CPU `i` can run: on, starting, or waiting with its IRQ line
    /// asserted.
    fn runnable(&mut self, i: usize) -> bool {
        match self.vcpu.smp.power[i] {
            Power::Off => false,
            Power::On | Power::Starting { .. } => true,
            Power::Waiting | Power::Suspended { .. } => self.vcpu.irq_line_of(i),
        }
    }

    /// Puts the next CPU that can run (round-robin from the one running,
    /// which comes last) on the `Vcpu`; while none can, sleeps until a
    /// timer deadline or the doorbell. Returns how the machine stops when
    /// every CPU is off, or the monitor ends it.
    fn schedule(&mut self) -> Result<Option<Stop>, String> {
        let n = self.vcpu.smp.cpus();
        loop {
            let cur = self.vcpu.smp.current;
            if let Some(i) = (1..=n).map(|k| (cur + k) % n).find(|&i| self.runnable(i)) {
                if i != cur {
                    self.vcpu.switch_to(i);
                    self.link = None;
                    self.vector = None;
                }
                match self.vcpu.smp.power[i] {
                    Power::Starting { entry, arg } | Power::Suspended { entry, arg } => {
                        self.vcpu.boot_reset(entry, arg)
                    }
                    _ => {}
                }
                self.vcpu.smp.power[i] = Power::On;
                self.check_irq = true;
                if let Some(w) = &self.slice {
                    // The slice timer runs while another CPU could run; a
                    // CPU switched in before the end of the slice gets
                    // the rest of it (re-arming costs a host wake-up).
                    let others = (0..n).any(|j| {
                        j != i
                            && matches!(self.vcpu.smp.power[j], Power::On | Power::Starting { .. })
                    });
                    let now = Instant::now();
                    let end = match self.slice_end {
                        Some(t) if others && t > now => Some(t),
                        _ => others.then(|| now + SLICE),
                    };
                    if end != self.slice_end {
                        w.set(end);
                        self.slice_end = end;
                    }
                }
                return Ok(None);
            }
            if self.vcpu.smp.power.iter().all(|&p| p == Power::Off) {
                return Ok(Some(Stop::CpuOff));
            }
            if let Some(s) = self.monitor() {
                return Ok(Some(s));
            }
            // Every CPU waits for an interrupt.
            let v = &mut *self.vcpu;
            let at = match (v.next_timer(), v.board.bus.deadline()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if at.is_none() && !v.board.bus.may_interrupt() && v.board.monitor.is_none() {
                return Err(format!(
                    "WFI at {:#x} with no interrupt pending, no timer armed and no device \
                     that could interrupt",
                    v.cpu.pc.wrapping_sub(4)
                ));
            }
            v.board.bell.wait(at);
        }
    }

    /// Runs until the machine stops.
    pub fn run(&mut self) -> Result<Stop, String> {
        loop {
            if let Some(s) = self.vcpu.stop {
                return Ok(s);
            }
            if let Some(s) = self.monitor() {
                return Ok(s);
            }
            if std::mem::take(&mut self.vcpu.smp.resched) {
                if let Some(s) = self.schedule()? {
                    return Ok(s);
                }
            }
            if self.vcpu.flush_code {
                self.vcpu.flush_code = false;
                self.flush_code();
            }
            for page in std::mem::take(&mut self.vcpu.code_inval) {
                self.drop_page(page);
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
            let host = self.block(pc, page);
            if let Some((site, from, flushes)) = self.link.take() {
                if flushes == self.cache.flushes && (from ^ pc) & !0xfff == 0 {
                    self.cache.link(site, host);
                }
            }
            self.running = pc;
            let cpu = &mut self.vcpu.cpu;
            cpu.fault = 0;
            // MXCSR holds only guest flags here: translation cleared its own.
            self.cache.enter(cpu, host);
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
                self.link = Some((cpu.link_site, self.running, self.cache.flushes));
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
                // A timer deadline passed, an SGI went to another CPU or a
                // time slice ended: the loop looks at the GIC, and the
                // next CPU may run.
                v.board.bell.word().store(0, Ordering::SeqCst);
                v.smp.resched |= v.smp.cpus() > 1;
                return Ok(());
            }
            ExitReason::Udf if matches!(arg as u32, YIELD | WFE | WFI | SEV | SEVL) => {
                v.cpu.pc = pc + 4;
                let smp = v.smp.cpus() > 1;
                match arg as u32 {
                    // WFI returns at once when the IRQ line is asserted
                    // (masked or not), else the CPU waits for it.
                    WFI => {
                        v.board.bus.idle();
                        if !v.irq_line() {
                            let me = v.smp.current;
                            v.smp.power[me] = Power::Waiting;
                            v.smp.resched = true;
                        }
                    }
                    // WFE with the event register set clears it; without,
                    // it gives way to the other CPUs (whose stores and
                    // SEVs are the events it waits for). With one CPU
                    // nothing else could send an event: a NOP, like YIELD.
                    WFE if v.event => v.event = false,
                    WFE | YIELD => v.smp.resched |= smp,
                    SEV => v.send_event(),
                    _ => v.event = true,
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
