//! A thread's indirect-branch table, which translated code probes inline
//! (see [`crate::cpu::CpuState::jump_table`]): `[guest_pc, host_addr]`
//! pairs indexed by `(pc >> 2) & (JUMP_TABLE_ENTRIES - 1)`.
//!
//! Its pages are touched only where the dispatcher fills entries (about one
//! page per branch target, as the index spreads them). A table that starts
//! small and grows was tried: translated code then reads the table's size
//! from the CPU state, and that load made the threaded interpreter kernel
//! (`bench/kernels/interp.c`) 3% slower, for about 130 page faults fewer
//! in a dynamic hello world.

use crate::cpu::state::{empty_jump_entry, empty_jump_table, JUMP_TABLE_ENTRIES};
use crate::cpu::CpuState;

pub struct JumpTable {
    slots: Box<[[u64; 2]]>,
}

impl Default for JumpTable {
    fn default() -> Self {
        JumpTable {
            slots: empty_jump_table(),
        }
    }
}

impl JumpTable {
    /// Points `cpu`'s translated code at this table.
    pub fn install(&self, cpu: &mut CpuState) {
        cpu.jump_table = self.slots.as_ptr() as u64;
    }

    /// Index of the slot of `pc`.
    fn slot(pc: u64) -> usize {
        (pc >> 2) as usize & (JUMP_TABLE_ENTRIES - 1)
    }

    /// Makes indirect branches to `pc` go to `host`.
    pub fn fill(&mut self, pc: u64, host: u64) {
        self.slots[Self::slot(pc)] = [pc, host];
    }

    /// Points the entry of `pc`, if it goes to `old`, at `new`.
    pub fn retarget(&mut self, pc: u64, old: u64, new: u64) {
        let i = Self::slot(pc);
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_retargets_and_clears() {
        let mut t = JumpTable::default();
        let pc = |k: u64| 0x40_0000 + 4 * k;
        for k in 0..8 {
            t.fill(pc(k), 0x1000 + k);
        }
        let mut cpu = CpuState::default();
        t.install(&mut cpu);
        assert_eq!(cpu.jump_table, t.slots.as_ptr() as u64);
        for k in 0..8 {
            assert_eq!(t.slots[JumpTable::slot(pc(k))], [pc(k), 0x1000 + k]);
        }
        t.retarget(pc(3), 0x1003, 0x9999);
        t.retarget(pc(4), 0x1003, 0x9999);
        assert_eq!(t.slots[JumpTable::slot(pc(3))][1], 0x9999);
        assert_eq!(t.slots[JumpTable::slot(pc(4))][1], 0x1004);
        t.clear();
        for (i, e) in t.slots.iter().enumerate() {
            assert_eq!(*e, empty_jump_entry(i));
        }
    }
}
