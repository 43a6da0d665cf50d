//! The dispatcher: finds or translates the block for the guest pc, runs it,
//! links direct branches, and returns to the caller on syscalls and traps.

use super::code_cache::{CodeCache, JUMP_CACHE_ENTRIES};
use super::fetch::Fetcher;
use super::log::Log;
use crate::backend::x64::{compile, Env};
use crate::cpu::{fpenv, CpuState, ExitReason};
use crate::frontend::{translate_block, translate_prefix};
use crate::ir::passes::flags::kills_nzcv;
use crate::ir::Terminal;
use std::collections::HashMap;

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
    pub links: u64,
    pub dispatches: u64,
}

/// The translator for one guest address space.
pub struct Jit {
    pub cache: CodeCache,
    pub stats: Stats,
    /// Translation logging (`-d`), if enabled.
    pub log: Option<Log>,
    /// Reads guest code. Its cached page is dropped on every invalidation:
    /// CTR_EL0 tells the guest that instruction fetch is not coherent with
    /// data writes (DIC = 0), so new code is announced with IC IVAU, and
    /// mapping changes arrive through the syscall layer.
    fetcher: Fetcher,
    /// Successor addresses known to overwrite NZCV before observing it.
    kills_nzcv: HashMap<u64, bool>,
}

impl Jit {
    pub fn new() -> std::io::Result<Jit> {
        Self::with_cache(CodeCache::new()?)
    }

    /// A translator using `cache` (tests use small caches to exercise
    /// flushing).
    pub fn with_cache(cache: CodeCache) -> std::io::Result<Jit> {
        Ok(Jit {
            cache,
            stats: Stats::default(),
            log: None,
            fetcher: Fetcher::default(),
            kills_nzcv: HashMap::new(),
        })
    }

    fn env(&self) -> Env {
        Env {
            exit: self.cache.exit_addr(),
            jump_cache: self.cache.jump_cache_addr(),
            jump_cache_mask: (JUMP_CACHE_ENTRIES - 1) as u64,
        }
    }

    /// Host code for guest `pc`, translating it if needed. Returns `None`
    /// only if the block could not be placed even in an empty cache.
    pub fn block_for(&mut self, pc: u64) -> u64 {
        if let Some(h) = self.cache.get(pc) {
            return h;
        }
        let mut words = Vec::new();
        let fetcher = &mut self.fetcher;
        let mut block = translate_block(pc, &mut |a| {
            let w = fetcher.word(a);
            words.extend(w);
            w
        });
        block.nzcv_dead_at_end = self.successors_kill_nzcv(&block.term);
        crate::ir::passes::optimize(&mut block);
        let env = self.env();
        let mut c = compile(&block, self.cache.next_addr(), &env);
        if !self.cache.has_room(c.code.len()) {
            self.cache.flush();
            c = compile(&block, self.cache.next_addr(), &env);
        }
        self.stats.blocks_translated += 1;
        self.stats.guest_insns_translated += block.end_pc.saturating_sub(block.start_pc) / 4;
        let logged = match &self.log {
            Some(l) if l.items.any_translation() => Some(c.code.clone()),
            _ => None,
        };
        let host = self.cache.insert(block.start_pc, block.end_pc, c);
        if let (Some(log), Some(code)) = (self.log.as_mut(), logged) {
            log.block(&block, &words, host, &code);
        }
        host
    }

    /// Whether every successor of a block ending in `term` overwrites NZCV
    /// before anything could observe it (decided from the first few
    /// instructions of each, remembered per address).
    fn successors_kill_nzcv(&mut self, term: &Terminal) -> bool {
        const LOOKAHEAD: usize = 8;
        let targets: &[u64] = match *term {
            Terminal::Jump { pc } => &[pc],
            Terminal::Branch {
                taken, not_taken, ..
            } => &[taken, not_taken],
            _ => return false,
        };
        targets.iter().all(|&t| {
            if let Some(&k) = self.kills_nzcv.get(&t) {
                return k;
            }
            let fetcher = &mut self.fetcher;
            let succ = translate_prefix(t, &mut |a| fetcher.word(a), LOOKAHEAD);
            let k = kills_nzcv(&succ);
            self.kills_nzcv.insert(t, k);
            k
        })
    }

    /// Drops translations of guest code in `[start, end)`. Blocks are linked
    /// to each other directly, so the whole cache is emptied.
    pub fn invalidate(&mut self, start: u64, end: u64) {
        self.fetcher.forget();
        self.kills_nzcv.clear();
        if self.cache.overlaps(start, end) {
            self.cache.flush();
        }
    }

    /// Runs guest code from `cpu.pc` until an exit the caller must handle
    /// (anything but a block lookup or an instruction-cache invalidation).
    pub fn run(&mut self, cpu: &mut CpuState) -> ExitReason {
        loop {
            if cpu.pc & 3 != 0 {
                cpu.exit_arg = cpu.pc;
                return ExitReason::Alignment;
            }
            let flushes = self.cache.flushes;
            let host = self.block_for(cpu.pc);
            let chain = !self.log.as_ref().is_some_and(|l| l.items.nochain);
            if chain {
                if cpu.link_site != 0 && self.cache.flushes == flushes {
                    self.cache.link(cpu.link_site, host);
                    self.stats.links += 1;
                }
                self.cache.remember_indirect(cpu.pc, host);
            }
            cpu.link_site = 0;
            if let Some(log) = self.log.as_mut().filter(|l| l.items.exec) {
                log.exec(cpu.pc, host);
            }
            self.stats.dispatches += 1;
            IN_GUEST.with(|g| g.set(true));
            fpenv::clear_pending();
            self.cache.enter(cpu, host);
            cpu.fpsr |= fpenv::take_pending();
            IN_GUEST.with(|g| g.set(false));
            match exit_reason(cpu.exit_reason) {
                ExitReason::Lookup => {}
                ExitReason::Invalidate => {
                    let line = cpu.exit_arg & !63;
                    self.invalidate(line, line + 64);
                }
                other => return other,
            }
        }
    }
}

fn exit_reason(r: u32) -> ExitReason {
    match r {
        0 => ExitReason::Lookup,
        1 => ExitReason::Svc,
        2 => ExitReason::Brk,
        3 => ExitReason::Udf,
        4 => ExitReason::Hlt,
        5 => ExitReason::Invalidate,
        6 => ExitReason::Alignment,
        _ => ExitReason::FetchFault,
    }
}
