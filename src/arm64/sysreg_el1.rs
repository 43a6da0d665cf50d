//! System registers that only system mode (`emu-system`) implements: the
//! EL1 translation, exception and control registers, the special-purpose
//! registers of PSTATE, the timer and debug registers an EL1 program
//! touches. One row per register: name and encoding. The EL0 registers
//! (NZCV, FPCR, TPIDR_EL0, CNTVCT_EL0, ID registers, ...) are in
//! [`super::sysreg`]; the values system mode gives them live with the
//! system layer.

use super::sysreg::Enc;

macro_rules! el1_regs {
    ($( $name:ident = ($op0:literal, $op1:literal, $crn:literal, $crm:literal, $op2:literal); )*) => {
        /// A register of this table.
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        pub enum El1Reg { $( $name, )* }

        /// Every row: the register and its encoding.
        pub const EL1_REGS: &[(El1Reg, Enc)] = &[ $( (El1Reg::$name, Enc {
            op0: $op0, op1: $op1, crn: $crn, crm: $crm, op2: $op2,
        }), )* ];
    };
}

el1_regs! {
    // Special-purpose registers (PSTATE fields and banked state).
    SPSR_EL1 = (3, 0, 4, 0, 0);
    ELR_EL1 = (3, 0, 4, 0, 1);
    SP_EL0 = (3, 0, 4, 1, 0);
    SPSEL = (3, 0, 4, 2, 0);
    CURRENTEL = (3, 0, 4, 2, 2);
    DAIF = (3, 3, 4, 2, 1);
    // Control and translation.
    SCTLR_EL1 = (3, 0, 1, 0, 0);
    ACTLR_EL1 = (3, 0, 1, 0, 1);
    CPACR_EL1 = (3, 0, 1, 0, 2);
    TTBR0_EL1 = (3, 0, 2, 0, 0);
    TTBR1_EL1 = (3, 0, 2, 0, 1);
    TCR_EL1 = (3, 0, 2, 0, 2);
    MAIR_EL1 = (3, 0, 10, 2, 0);
    AMAIR_EL1 = (3, 0, 10, 3, 0);
    CONTEXTIDR_EL1 = (3, 0, 13, 0, 1);
    // Exceptions.
    AFSR0_EL1 = (3, 0, 5, 1, 0);
    AFSR1_EL1 = (3, 0, 5, 1, 1);
    ESR_EL1 = (3, 0, 5, 2, 0);
    FAR_EL1 = (3, 0, 6, 0, 0);
    PAR_EL1 = (3, 0, 7, 4, 0);
    VBAR_EL1 = (3, 0, 12, 0, 0);
    // Thread ID.
    TPIDR_EL1 = (3, 0, 13, 0, 4);
    // Cache identification.
    CCSIDR_EL1 = (3, 1, 0, 0, 0);
    CLIDR_EL1 = (3, 1, 0, 0, 1);
    CSSELR_EL1 = (3, 2, 0, 0, 0);
    // Generic timer.
    CNTKCTL_EL1 = (3, 0, 14, 1, 0);
    CNTPCT_EL0 = (3, 3, 14, 0, 1);
    CNTP_TVAL_EL0 = (3, 3, 14, 2, 0);
    CNTP_CTL_EL0 = (3, 3, 14, 2, 1);
    CNTP_CVAL_EL0 = (3, 3, 14, 2, 2);
    CNTV_TVAL_EL0 = (3, 3, 14, 3, 0);
    CNTV_CTL_EL0 = (3, 3, 14, 3, 1);
    CNTV_CVAL_EL0 = (3, 3, 14, 3, 2);
    // Debug (OS lock and monitor control).
    MDSCR_EL1 = (2, 0, 0, 2, 2);
    OSLAR_EL1 = (2, 0, 1, 0, 4);
    OSLSR_EL1 = (2, 0, 1, 1, 4);
    OSDLR_EL1 = (2, 0, 1, 3, 4);
    // The one breakpoint and one watchpoint ID_AA64DFR0_EL1 announces
    // (BRPs = WRPs = 0): their value and control registers hold what is
    // written; the debug events themselves are not generated.
    DBGBVR0_EL1 = (2, 0, 0, 0, 4);
    DBGBCR0_EL1 = (2, 0, 0, 0, 5);
    DBGWVR0_EL1 = (2, 0, 0, 0, 6);
    DBGWCR0_EL1 = (2, 0, 0, 0, 7);
}

/// The register with encoding `enc`, if it is in this table.
pub fn find(enc: Enc) -> Option<El1Reg> {
    EL1_REGS.iter().find(|(_, e)| *e == enc).map(|&(r, _)| r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_and_disjoint_from_el0_table() {
        for (i, (r, e)) in EL1_REGS.iter().enumerate() {
            assert_eq!(Enc::from_key(e.key()), *e, "{r:?}");
            assert!(
                super::super::sysreg::find(*e).is_none(),
                "{r:?} in both tables"
            );
            assert!(EL1_REGS[i + 1..].iter().all(|(_, o)| o != e), "{r:?}");
        }
        // `msr sctlr_el1, x0` is 0xd5181000: key = bits 19..5.
        let key = (0xd518_1000u32 >> 5) & 0x7fff;
        assert_eq!(find(Enc::from_key(key)), Some(El1Reg::SCTLR_EL1));
    }
}
