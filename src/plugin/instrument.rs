//! Instrumentation of a translated block: the block-translation callbacks
//! see the block's instructions and ask for callbacks and inline counters,
//! which become IR operations around the instructions' own.
//!
//! Execution callbacks and inline adds go right after an instruction's
//! `InsnStart` (a block's before its first instruction's), memory callbacks
//! right after the access. A callback is one `Call` of a helper with a
//! record of the plugins' functions; an inline add is a load, an add and a
//! store of the counter's host address (user mode: guest addresses are host
//! addresses), with no call.

use super::abi::{self, ExecCb, MemCb};
use super::crash::{current, name, InPlugin};
use super::registry::{self, Udata};
use crate::cpu::fpenv::HelperScope;
use crate::cpu::CpuState;
use crate::ir::{self, BinOp, HelperFn, Op, Val, Width};
use std::cell::RefCell;
use std::ffi::CString;
use std::sync::Mutex;

/// A plugin's name (for crash reports).
type Name = &'static str;

/// The execution callbacks of one block or instruction.
pub struct ExecRecord {
    cbs: Vec<(ExecCb, Udata, Name)>,
}

/// The memory callbacks that want one access.
pub struct MemRecord {
    cbs: Vec<(MemCb, Udata, Name)>,
}

/// What one block or instruction asked for (each callback with the name of
/// the plugin that asked).
#[derive(Default)]
pub(super) struct Wants {
    exec: Vec<(ExecCb, Udata, Name)>,
    inline: Vec<(u64, u64)>,
    mem: Vec<(MemCb, u32, Udata, Name)>,
}

/// The requests of the block-translation callbacks of the block being
/// translated on this thread.
struct Pending {
    block: *const abi::Block,
    insns: *const abi::Insn,
    block_wants: Wants,
    insn_wants: Vec<Wants>,
}

thread_local! {
    static PENDING: RefCell<Option<Pending>> = const { RefCell::new(None) };
}

/// Records referred to by translated code, freed when the code cache is
/// emptied (no thread runs translated code then).
enum Record {
    Exec(#[allow(dead_code)] Box<ExecRecord>),
    Mem(#[allow(dead_code)] Box<MemRecord>),
}

/// The records of earlier blocks, and those of the block translated last,
/// which the cache may be emptied for before its code goes in (it is
/// compiled again then, with the same records). Translation is serialised,
/// so one set serves every thread.
struct Records {
    earlier: Vec<Record>,
    last: Vec<Record>,
}

static RECORDS: Mutex<Records> = Mutex::new(Records {
    earlier: Vec::new(),
    last: Vec::new(),
});

fn records() -> std::sync::MutexGuard<'static, Records> {
    RECORDS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Frees the records of the translations the emptied code cache held (all
/// but the block being translated, if any).
pub fn forget_translations() {
    records().earlier.clear();
}

/// A new block is being translated: the last one's records become earlier.
fn next_block() {
    let mut r = records();
    let last = std::mem::take(&mut r.last);
    r.earlier.extend(last);
}

/// Adds to the request list of `block` (a pointer a translation callback
/// was given); false when it is not the block being translated here.
pub(super) fn with_block(block: *const abi::Block, f: impl FnOnce(&mut Wants)) -> bool {
    PENDING.with(|p| match p.borrow_mut().as_mut() {
        Some(p) if std::ptr::eq(p.block, block) => {
            f(&mut p.block_wants);
            true
        }
        _ => false,
    })
}

/// Adds to the request list of `insn`, one of the instructions of the block
/// being translated here; false when it is not.
pub(super) fn with_insn(insn: *const abi::Insn, f: impl FnOnce(&mut Wants)) -> bool {
    PENDING.with(|p| match p.borrow_mut().as_mut() {
        Some(p) => {
            let size = std::mem::size_of::<abi::Insn>();
            let off = (insn as usize).wrapping_sub(p.insns as usize);
            let i = off / size;
            if !off.is_multiple_of(size) || i >= p.insn_wants.len() {
                return false;
            }
            f(&mut p.insn_wants[i]);
            true
        }
        None => false,
    })
}

impl Wants {
    pub(super) fn add_exec(&mut self, cb: ExecCb, udata: Udata) {
        self.exec.push((cb, udata, current()));
    }
    pub(super) fn add_inline(&mut self, counter: u64, n: u64) {
        self.inline.push((counter, n));
    }
    pub(super) fn add_mem(&mut self, cb: MemCb, rw: u32, udata: Udata) {
        self.mem.push((cb, rw, udata, current()));
    }
    fn is_empty(&self) -> bool {
        self.exec.is_empty() && self.inline.is_empty() && self.mem.is_empty()
    }
}

/// Runs the block-translation callbacks on `block` (whose instruction words,
/// from its first on, are `words`) and adds what they ask for.
pub fn instrument(block: &mut ir::Block, words: &[u32]) {
    let cbs = registry::callbacks().block_trans.clone();
    if cbs.is_empty() {
        return;
    }
    next_block();
    let pcs: Vec<u64> = block
        .ops
        .iter()
        .filter_map(|op| match *op {
            Op::InsnStart { pc } => Some(pc),
            _ => None,
        })
        .filter(|&pc| pc >= block.start_pc && ((pc - block.start_pc) / 4) < words.len() as u64)
        .collect();
    let disas: Vec<CString> = pcs
        .iter()
        .map(|&pc| {
            let word = words[((pc - block.start_pc) / 4) as usize];
            CString::new(crate::arm64::disasm::name(word)).unwrap_or_default()
        })
        .collect();
    let mut insns: Vec<abi::Insn> = pcs
        .iter()
        .zip(&disas)
        .enumerate()
        .map(|(i, (&pc, d))| abi::Insn {
            pc,
            encoding: words[((pc - block.start_pc) / 4) as usize],
            index: i as u32,
            disas: d.as_ptr(),
        })
        .collect();
    let mut cblock = abi::Block {
        pc: block.start_pc,
        n_insns: insns.len() as u64,
        insns: insns.as_mut_ptr(),
    };
    PENDING.with(|p| {
        *p.borrow_mut() = Some(Pending {
            block: &cblock,
            insns: insns.as_ptr(),
            block_wants: Wants::default(),
            insn_wants: (0..insns.len()).map(|_| Wants::default()).collect(),
        })
    });
    for (id, cb) in cbs {
        let _in = InPlugin::enter(name(id));
        // SAFETY: a callback the plugin registered; the block and its
        // instructions stay valid until it returns.
        unsafe { cb(id, &mut cblock) };
    }
    let Some(pending) = PENDING.with(|p| p.borrow_mut().take()) else {
        return;
    };
    if pending.block_wants.is_empty() && pending.insn_wants.iter().all(Wants::is_empty) {
        return;
    }
    rewrite(block, &pcs, &pending);
}

/// Appends operations defining fresh values of a block.
struct Emit<'a> {
    ops: &'a mut Vec<Op>,
    n_vals: &'a mut u32,
}

impl Emit<'_> {
    fn fresh(&mut self) -> Val {
        let v = Val(*self.n_vals);
        *self.n_vals += 1;
        v
    }

    fn konst(&mut self, imm: u64) -> Val {
        let dst = self.fresh();
        self.ops.push(Op::Const { dst, imm });
        dst
    }

    fn call(&mut self, f: HelperFn, a0: Val, a1: Val, a2: Val) {
        let zero = self.konst(0);
        self.call4(f, [a0, a1, a2, zero]);
    }

    fn call4(&mut self, f: HelperFn, args: [Val; 4]) {
        let dst = self.fresh();
        self.ops.push(Op::Call { f, dst, args });
    }

    /// `*counter += n`, inline.
    fn inline_add(&mut self, counter: u64, n: u64) {
        let addr = self.konst(counter);
        let old = self.fresh();
        self.ops.push(Op::Load {
            w: Width::W64,
            signed: false,
            dst: old,
            addr,
        });
        let k = self.konst(n);
        let new = self.fresh();
        self.ops.push(Op::Bin {
            op: BinOp::Add,
            w: Width::W64,
            dst: new,
            a: old,
            b: k,
        });
        self.ops.push(Op::Store {
            w: Width::W64,
            addr,
            src: new,
        });
    }

    /// The execution callbacks and inline adds of `wants`.
    fn exec(&mut self, wants: &Wants) {
        for &(counter, n) in &wants.inline {
            self.inline_add(counter, n);
        }
        if !wants.exec.is_empty() {
            let rec = Box::new(ExecRecord {
                cbs: wants.exec.clone(),
            });
            let k = self.konst(&*rec as *const ExecRecord as u64);
            records().last.push(Record::Exec(rec));
            let z = self.konst(0);
            self.call(exec_helper, k, z, z);
        }
    }

    /// The memory callbacks of `wants` that want an access `info` at `addr`
    /// (none when `unless` is given and non-zero at run time).
    fn mem(&mut self, wants: &Wants, addr: Val, info: u32, unless: Option<Val>) {
        let cbs: Vec<(MemCb, Udata, Name)> = wants
            .mem
            .iter()
            .filter(|(_, rw, _, _)| {
                (rw & abi::MEM_R != 0 && info & abi::MEM_LOAD != 0)
                    || (rw & abi::MEM_W != 0 && info & abi::MEM_STORE != 0)
            })
            .map(|&(cb, _, u, n)| (cb, u, n))
            .collect();
        if cbs.is_empty() {
            return;
        }
        let rec = Box::new(MemRecord { cbs });
        let k = self.konst(&*rec as *const MemRecord as u64);
        records().last.push(Record::Mem(rec));
        let i = self.konst(info as u64);
        let unless = match unless {
            Some(u) => u,
            None => self.konst(0),
        };
        self.call4(mem_helper, [addr, i, k, unless]);
    }
}

/// The address and `emu_meminfo_t` of a guest memory access, and the value
/// that cancels it when non-zero (a store-exclusive's status).
type Access = (Val, u32, Option<Val>);

/// The [`Access`] `op` makes, if any.
fn access(op: &Op) -> Option<Access> {
    if let Op::Accessed {
        addr,
        bytes,
        load,
        store,
        vector,
        unless,
        ..
    } = *op
    {
        let flags = if load { abi::MEM_LOAD } else { 0 }
            | if store { abi::MEM_STORE } else { 0 }
            | if vector { abi::MEM_VECTOR } else { 0 };
        return Some((addr, bytes | flags, unless));
    }
    let (addr, bytes, flags) = match *op {
        Op::Load {
            w, signed, addr, ..
        } => (
            addr,
            w.bytes(),
            abi::MEM_LOAD | if signed { abi::MEM_SIGNED } else { 0 },
        ),
        Op::Store { w, addr, .. } => (addr, w.bytes(), abi::MEM_STORE),
        Op::LoadVec { bytes, addr, .. } => (addr, bytes as u32, abi::MEM_LOAD | abi::MEM_VECTOR),
        Op::StoreVec { bytes, addr, .. } => (addr, bytes as u32, abi::MEM_STORE | abi::MEM_VECTOR),
        Op::Structs {
            load,
            q,
            esize,
            regs,
            lane,
            addr,
            ..
        } => {
            let kind = if load { abi::MEM_LOAD } else { abi::MEM_STORE };
            let bytes = Op::structs_bytes(q, esize, regs, lane);
            (addr, u32::from(bytes), kind | abi::MEM_VECTOR)
        }
        Op::Rmw { w, addr, .. } | Op::Cas { w, addr, .. } => {
            (addr, w.bytes(), abi::MEM_LOAD | abi::MEM_STORE)
        }
        _ => return None,
    };
    Some((addr, bytes | flags, None))
}

/// Rebuilds the block's operations with the requested instrumentation.
fn rewrite(block: &mut ir::Block, pcs: &[u64], pending: &Pending) {
    let old = std::mem::take(&mut block.ops);
    let mut ops = Vec::with_capacity(old.len() * 2);
    let mut e = Emit {
        ops: &mut ops,
        n_vals: &mut block.n_vals,
    };
    let mut current: Option<&Wants> = None;
    let mut block_done = false;
    // An access made of the parts that follow it: reported after the last
    // part, which is not reported itself (nor are the others).
    let mut whole: Option<(Access, u8)> = None;
    for op in old {
        e.ops.push(op);
        if let Op::Accessed { parts, .. } = op {
            if parts > 0 {
                whole = access(&op).map(|a| (a, parts));
                continue;
            }
        }
        let part = match (&mut whole, access(&op)) {
            (Some((a, left)), Some(_)) => {
                *left -= 1;
                Some((*left == 0).then_some(*a))
            }
            _ => None,
        };
        if let Some(done) = part {
            if let (Some(w), Some((addr, info, unless))) = (current, done) {
                if !w.mem.is_empty() {
                    e.mem(w, addr, info, unless);
                }
            }
            if done.is_some() {
                whole = None;
            }
            continue;
        }
        if let Op::InsnStart { pc } = op {
            current = pcs
                .iter()
                .position(|&p| p == pc)
                .map(|i| &pending.insn_wants[i]);
            if current.is_some() && !block_done {
                block_done = true;
                e.exec(&pending.block_wants);
            }
            if let Some(w) = current {
                e.exec(w);
            }
        } else if let (Some(w), Some((addr, info, unless))) = (current, access(&op)) {
            if !w.mem.is_empty() {
                e.mem(w, addr, info, unless);
            }
        }
    }
    block.ops = ops;
}

/// Calls an [`ExecRecord`]'s functions.
///
/// # Safety
/// `rec` is the address of a live [`ExecRecord`].
unsafe extern "C" fn exec_helper(_cpu: *mut CpuState, rec: u64, _: u64, _: u64, _: u64) -> u64 {
    // SAFETY: translated code passes the record its block was made with;
    // records live until the cache holding that code is emptied.
    let rec = unsafe { &*(rec as *const ExecRecord) };
    let vcpu = registry::vcpu();
    let scope = HelperScope::enter();
    for &(cb, udata, name) in &rec.cbs {
        let _in = InPlugin::enter(name);
        // SAFETY: a callback the plugin registered, with its own udata.
        unsafe { cb(vcpu, udata.0) };
    }
    scope.finish(0);
    0
}

/// Calls a [`MemRecord`]'s functions for an access `info` at `addr`, unless
/// `unless` is non-zero (the access did not happen).
///
/// # Safety
/// `rec` is the address of a live [`MemRecord`].
unsafe extern "C" fn mem_helper(
    _cpu: *mut CpuState,
    addr: u64,
    info: u64,
    rec: u64,
    unless: u64,
) -> u64 {
    if unless != 0 {
        return 0;
    }
    // SAFETY: as in exec_helper.
    let rec = unsafe { &*(rec as *const MemRecord) };
    let vcpu = registry::vcpu();
    let scope = HelperScope::enter();
    for &(cb, udata, name) in &rec.cbs {
        let _in = InPlugin::enter(name);
        // SAFETY: a callback the plugin registered, with its own udata.
        unsafe { cb(vcpu, info as u32, addr, udata.0) };
    }
    scope.finish(0);
    0
}
