//! The assembler of translated blocks: dynasmrt's label and relocation
//! registries over a byte buffer, like its `VecAssembler`, but kept per
//! thread and reset for each block at the block's own base address, so
//! that its buffers are allocated once rather than per block. Blocks use
//! dynamic labels only.

use dynasmrt::components::{LabelRegistry, PatchLoc, RelocRegistry};
use dynasmrt::x64::X64Relocation;
use dynasmrt::{AssemblyOffset, DynamicLabel, DynasmApi, DynasmError, DynasmLabelApi};
use dynasmrt::{LabelKind, TargetKind};

/// Assembles one block at a time for a fixed base address.
#[derive(Debug)]
pub struct BlockAsm {
    ops: Vec<u8>,
    base: usize,
    labels: LabelRegistry,
    relocs: RelocRegistry<X64Relocation>,
    error: Option<DynasmError>,
}

impl Default for BlockAsm {
    fn default() -> Self {
        BlockAsm {
            ops: Vec::new(),
            base: 0,
            labels: LabelRegistry::new(),
            relocs: RelocRegistry::new(),
            error: None,
        }
    }
}

impl BlockAsm {
    /// Starts a block at host address `base`, assembling into `ops`
    /// (emptied first; its capacity is kept).
    pub fn reset(&mut self, base: u64, mut ops: Vec<u8>) {
        ops.clear();
        self.ops = ops;
        self.base = base as usize;
        self.labels.clear();
        // `finish` drains the relocations; those of a block that did not
        // finish (an error, a panic while emitting) go here.
        self.relocs.take_dynamics().for_each(drop);
        self.error = None;
    }

    /// Block code names its labels dynamically only (`=>label`): a local
    /// or global label is refused, and [`BlockAsm::finish`] reports it.
    fn static_label(&mut self, kind: LabelKind) {
        self.error = Some(DynasmError::UnknownLabel(kind));
    }

    pub fn new_dynamic_label(&mut self) -> DynamicLabel {
        self.labels.new_dynamic_label()
    }

    /// Resolves every relocation and hands out the code; the registries
    /// stay for the next block.
    pub fn finish(&mut self) -> Result<Vec<u8>, DynasmError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        for (loc, id) in self.relocs.take_dynamics() {
            let target = self.labels.resolve_dynamic(id)?;
            let buf = &mut self.ops[loc.range(0)];
            if loc.patch(buf, self.base, target.0).is_err() {
                return Err(DynasmError::ImpossibleRelocation(TargetKind::Dynamic(id)));
            }
        }
        Ok(std::mem::take(&mut self.ops))
    }
}

impl DynasmApi for BlockAsm {
    fn offset(&self) -> AssemblyOffset {
        AssemblyOffset(self.ops.len())
    }

    fn push(&mut self, byte: u8) {
        self.ops.push(byte);
    }

    fn align(&mut self, alignment: usize, with: u8) {
        let offset = self.ops.len() % alignment;
        if offset != 0 {
            self.ops.resize(self.ops.len() + alignment - offset, with);
        }
    }
}

impl Extend<u8> for BlockAsm {
    fn extend<T: IntoIterator<Item = u8>>(&mut self, iter: T) {
        self.ops.extend(iter)
    }
}

impl<'a> Extend<&'a u8> for BlockAsm {
    fn extend<T: IntoIterator<Item = &'a u8>>(&mut self, iter: T) {
        self.ops.extend(iter)
    }
}

/// Relocations against local or global labels, which block code does not
/// use (see [`BlockAsm::static_label`]).
macro_rules! refuse_static_relocations {
    ($($f:ident => $kind:ident,)*) => {$(
        fn $f(&mut self, name: &'static str, _: isize, _: u8, _: u8, _: X64Relocation) {
            self.static_label(LabelKind::$kind(name));
        }
    )*};
}

impl DynasmLabelApi for BlockAsm {
    type Relocation = X64Relocation;

    fn local_label(&mut self, name: &'static str) {
        self.static_label(LabelKind::Local(name));
    }

    fn global_label(&mut self, name: &'static str) {
        self.static_label(LabelKind::Global(name));
    }

    fn dynamic_label(&mut self, id: DynamicLabel) {
        let offset = self.offset();
        if let Err(e) = self.labels.define_dynamic(id, offset) {
            self.error = Some(e)
        }
    }

    refuse_static_relocations! {
        global_relocation => Global,
        forward_relocation => Local,
        backward_relocation => Local,
    }

    fn dynamic_relocation(
        &mut self,
        id: DynamicLabel,
        target_offset: isize,
        field_offset: u8,
        ref_offset: u8,
        kind: X64Relocation,
    ) {
        let loc = PatchLoc::new(self.offset(), target_offset, field_offset, ref_offset, kind);
        self.relocs.add_dynamic(id, loc);
    }

    fn value_relocation(
        &mut self,
        value: usize,
        field_offset: u8,
        ref_offset: u8,
        kind: X64Relocation,
    ) {
        let loc = PatchLoc::new(self.offset(), 0, field_offset, ref_offset, kind);
        let buf = &mut self.ops[loc.range(0)];
        if loc.patch(buf, self.base, value).is_err() {
            self.error = Some(DynasmError::ImpossibleRelocation(TargetKind::Value(value)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynasmrt::{dynasm, VecAssembler};

    /// A loop with a forward exit and a jump to a fixed host address.
    macro_rules! sample {
        ($a:ident, $target:expr) => {{
            let top = $a.new_dynamic_label();
            let out = $a.new_dynamic_label();
            dynasm!($a
                ; .arch x64
                ; =>top
                ; dec eax
                ; jz =>out
                ; jmp =>top
                ; =>out
                ; lea rcx, [=>top]
                ; jmp extern $target
            );
        }};
    }

    #[test]
    fn reused_assembler_matches_a_fresh_one_at_each_base() {
        let mut a = BlockAsm::default();
        let mut buf = Vec::new();
        for base in [0x7000_0000u64, 0x7000_1234, 0x6fff_0000] {
            let target = 0x7000_8000usize;
            a.reset(base, buf);
            sample!(a, target);
            let code = a.finish().unwrap();
            let mut v: VecAssembler<X64Relocation> = VecAssembler::new(base as usize);
            sample!(v, target);
            assert_eq!(code, v.finalize().unwrap(), "base {base:#x}");
            buf = code;
        }
    }

    #[test]
    fn static_labels_are_refused() {
        let mut a = BlockAsm::default();
        a.reset(0x1000, Vec::new());
        dynasm!(a ; .arch x64 ; l: ; jmp <l);
        assert!(a.finish().is_err());
        // The next block starts clean.
        a.reset(0x1000, Vec::new());
        dynasm!(a ; .arch x64 ; ret);
        assert_eq!(a.finish().unwrap(), [0xc3]);
    }
}
