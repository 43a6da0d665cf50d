//! A thread's indirect-branch table, which translated code probes inline
//! (see [`crate::cpu::CpuState::jump_table`]): `[guest_pc, host_addr]`
//! pairs indexed by `(pc >> 2) & (entries - 1)`.
//!
//! Its pages are touched only where the dispatcher fills entries, but the
//! index spreads a program's branch targets over the whole table, about
//! one page each (and a probe of a page never written faults in the zero
//! page first). So the table starts small ([`JUMP_TABLE_START`] entries,
//! 16 pages) and grows to [`JUMP_TABLE_ENTRIES`] once it holds an eighth
//! of that: a short run touches few pages, a long one gets the large table
//! within its first few hundred indirect targets. The size only changes
//! which entries collide: a probe compares the whole pc, so a table of any
//! size gives correct targets (translated code reads the size from the CPU
//! state, [`crate::cpu::CpuState::jump_offsets`]).

use crate::cpu::state::{empty_jump_entry, empty_jump_table, JUMP_TABLE_ENTRIES, JUMP_TABLE_START};
use crate::cpu::CpuState;

pub struct JumpTable {
    slots: Box<[[u64; 2]]>,
    /// Entries filled since the table was made or grown.
    fills: usize,
}

impl Default for JumpTable {
    fn default() -> Self {
        JumpTable {
            slots: empty_jump_table(JUMP_TABLE_START),
            fills: 0,
        }
    }
}

impl JumpTable {
    /// Points `cpu`'s translated code at this table.
    pub fn install(&self, cpu: &mut CpuState) {
        cpu.jump_table = self.slots.as_ptr() as u64;
        cpu.jump_offsets = crate::cpu::state::jump_offsets(self.slots.len());
    }

    /// Index of the slot of `pc`.
    fn slot(&self, pc: u64) -> usize {
        (pc >> 2) as usize & (self.slots.len() - 1)
    }

    /// Makes indirect branches to `pc` go to `host`. Returns true when the
    /// table grew (the caller installs it again).
    pub fn fill(&mut self, pc: u64, host: u64) -> bool {
        let i = self.slot(pc);
        self.slots[i] = [pc, host];
        self.fills += 1;
        if self.slots.len() >= JUMP_TABLE_ENTRIES || self.fills < self.slots.len() / 8 {
            return false;
        }
        let mut grown = empty_jump_table(JUMP_TABLE_ENTRIES);
        let mask = JUMP_TABLE_ENTRIES - 1;
        for (i, e) in self.slots.iter().enumerate() {
            // An empty entry's tag belongs to another slot.
            if self.slot(e[0]) == i {
                grown[(e[0] >> 2) as usize & mask] = *e;
            }
        }
        self.slots = grown;
        self.fills = 0;
        true
    }

    /// Points the entry of `pc`, if it goes to `old`, at `new`.
    pub fn retarget(&mut self, pc: u64, old: u64, new: u64) {
        let i = self.slot(pc);
        if self.slots[i] == [pc, old] {
            self.slots[i][1] = new;
        }
    }

    /// Empties every entry (the cache was emptied).
    pub fn clear(&mut self) {
        for (i, e) in self.slots.iter_mut().enumerate() {
            *e = empty_jump_entry(i);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.slots.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_keeping_its_entries() {
        let mut t = JumpTable::default();
        assert_eq!(t.len(), JUMP_TABLE_START);
        let n = JUMP_TABLE_START as u64 / 8;
        let pc = |k: u64| 0x40_0000 + 4 * k;
        for k in 0..n - 1 {
            assert!(!t.fill(pc(k), 0x1000 + k));
        }
        assert!(t.fill(pc(n - 1), 0x1000 + n - 1));
        assert_eq!(t.len(), JUMP_TABLE_ENTRIES);
        for k in 0..n {
            let i = (pc(k) >> 2) as usize & (JUMP_TABLE_ENTRIES - 1);
            assert_eq!(t.slots[i], [pc(k), 0x1000 + k]);
        }
        let filled = t
            .slots
            .iter()
            .enumerate()
            .filter(|(i, e)| **e != empty_jump_entry(*i));
        assert_eq!(filled.count() as u64, n);
        let mut cpu = CpuState::default();
        t.install(&mut cpu);
        assert_eq!(cpu.jump_table, t.slots.as_ptr() as u64);
        assert_eq!(cpu.jump_offsets, ((JUMP_TABLE_ENTRIES - 1) << 4) as u64);
        t.retarget(pc(3), 0x1003, 0x9999);
        t.retarget(pc(4), 0x1003, 0x9999);
        assert_eq!(
            t.slots[(pc(3) >> 2) as usize & (JUMP_TABLE_ENTRIES - 1)][1],
            0x9999
        );
        assert_eq!(
            t.slots[(pc(4) >> 2) as usize & (JUMP_TABLE_ENTRIES - 1)][1],
            0x1004
        );
        t.clear();
        for (i, e) in t.slots.iter().enumerate() {
            assert_eq!(*e, empty_jump_entry(i));
        }
    }

    #[test]
    fn a_short_run_keeps_the_small_table() {
        let mut t = JumpTable::default();
        for k in 0..(JUMP_TABLE_START / 8 - 1) as u64 {
            assert!(!t.fill(0x40_0000 + 4 * k, 0x2000));
        }
        assert_eq!(t.len(), JUMP_TABLE_START);
    }
}
