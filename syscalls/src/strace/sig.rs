//! Signal structs as strace prints them: sigaction, sigset arguments, the siginfo of a
//! delivered signal (`--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, ...} ---`) and
//! the frame rt_sigreturn restores (`rt_sigreturn({mask=[]}) = 0`).

use super::flags::{sa_flags, signal, sigset};
use super::structs::with;
use crate::abi::sigframe::{RtSigframe, Sigcontext, Ucontext};
use crate::abi::signal::{self as sg, Sigaction, Siginfo, SA_RESTORER, SIG_DFL, SIG_IGN};
use std::mem::offset_of;

/// `{sa_handler=0x400604, sa_mask=[TERM], sa_flags=SA_RESTORER|SA_RESTART,
/// sa_restorer=0x...}` (sa_restorer only with SA_RESTORER, as strace does).
pub fn sigaction(addr: u64) -> String {
    with::<Sigaction>(addr, |a| {
        let handler = match a.handler {
            SIG_DFL => "SIG_DFL".to_string(),
            SIG_IGN => "SIG_IGN".to_string(),
            h => format!("{h:#x}"),
        };
        let mut s = format!(
            "{{sa_handler={handler}, sa_mask={}, sa_flags={}",
            sigset(a.mask),
            sa_flags(a.flags)
        );
        if a.flags & SA_RESTORER != 0 {
            s.push_str(&format!(", sa_restorer={:#x}", a.restorer));
        }
        s.push('}');
        s
    })
}

/// A guest sigset argument (8 bytes).
pub fn sigset_at(addr: u64) -> String {
    with::<u64>(addr, |&m| sigset(m))
}

/// The name of `si_code` for signal `sig`.
fn si_code(sig: u32, code: i32) -> String {
    const GENERIC: &[(&str, i32)] = &[
        ("SI_USER", sg::SI_USER),
        ("SI_KERNEL", 0x80),
        ("SI_QUEUE", -1),
        ("SI_TIMER", -2),
        ("SI_MESGQ", -3),
        ("SI_ASYNCIO", -4),
        ("SI_SIGIO", -5),
        ("SI_TKILL", sg::SI_TKILL),
    ];
    let specific: &[&str] = match sig {
        sg::SIGSEGV => &["SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR"],
        sg::SIGBUS => &["BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR"],
        sg::SIGILL => &[
            "ILL_ILLOPC",
            "ILL_ILLOPN",
            "ILL_ILLADR",
            "ILL_ILLTRP",
            "ILL_PRVOPC",
            "ILL_PRVREG",
            "ILL_COPROC",
            "ILL_BADSTK",
        ],
        sg::SIGFPE => &[
            "FPE_INTDIV",
            "FPE_INTOVF",
            "FPE_FLTDIV",
            "FPE_FLTOVF",
            "FPE_FLTUND",
            "FPE_FLTRES",
            "FPE_FLTINV",
            "FPE_FLTSUB",
        ],
        sg::SIGTRAP => &["TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH", "TRAP_HWBKPT"],
        sg::SIGCHLD => &[
            "CLD_EXITED",
            "CLD_KILLED",
            "CLD_DUMPED",
            "CLD_TRAPPED",
            "CLD_STOPPED",
            "CLD_CONTINUED",
        ],
        sg::SIGIO => &[
            "POLL_IN", "POLL_OUT", "POLL_MSG", "POLL_ERR", "POLL_PRI", "POLL_HUP",
        ],
        _ => &[],
    };
    if let Some(g) = GENERIC.iter().find(|g| g.1 == code) {
        return g.0.to_string();
    }
    match usize::try_from(code)
        .ok()
        .and_then(|c| specific.get(c.wrapping_sub(1)))
    {
        Some(n) => n.to_string(),
        None => code.to_string(),
    }
}

fn ptr(v: u64) -> String {
    if v == 0 {
        "NULL".to_string()
    } else {
        format!("{v:#x}")
    }
}

/// `{si_signo=SIGUSR1, si_code=SI_USER, si_pid=12, si_uid=0}` and the other forms.
pub fn siginfo(i: &Siginfo) -> String {
    let sig = i.signo as u32;
    let code = i.code;
    let f = &i.fields;
    let lo = |w: u64| w as u32 as i32;
    let hi = |w: u64| (w >> 32) as u32;
    let mut s = format!(
        "{{si_signo={}, si_code={}",
        signal(sig as u64),
        si_code(sig, code)
    );
    let value = |w: u64| format!("si_int={}, si_ptr={}", w as u32 as i32, ptr(w));
    let faults = [sg::SIGSEGV, sg::SIGBUS, sg::SIGILL, sg::SIGFPE, sg::SIGTRAP];
    let extra = if code == sg::SI_USER || code == sg::SI_TKILL {
        format!("si_pid={}, si_uid={}", lo(f[0]), hi(f[0]))
    } else if code == -1 || code == -3 {
        format!("si_pid={}, si_uid={}, {}", lo(f[0]), hi(f[0]), value(f[1]))
    } else if code == -2 {
        format!(
            "si_timerid={:#x}, si_overrun={}, {}",
            lo(f[0]),
            hi(f[0]),
            value(f[1])
        )
    } else if sig == sg::SIGCHLD && code > 0 {
        let status = lo(f[1]);
        let status = if code == 1 {
            status.to_string()
        } else {
            signal(status as u64)
        };
        format!(
            "si_pid={}, si_uid={}, si_status={status}, si_utime={}, si_stime={}",
            lo(f[0]),
            hi(f[0]),
            f[2],
            f[3]
        )
    } else if faults.contains(&sig) && code > 0 {
        format!("si_addr={}", ptr(f[0]))
    } else {
        String::new()
    };
    if !extra.is_empty() {
        s.push_str(", ");
        s.push_str(&extra);
    }
    s.push('}');
    s
}

/// A siginfo the guest passes (rt_sigqueueinfo).
pub fn siginfo_at(addr: u64) -> String {
    with::<Siginfo>(addr, siginfo)
}

/// `--- SIGUSR1 {...} ---`: a signal delivered to the guest.
pub fn delivered(i: &Siginfo) -> String {
    format!("--- {} {} ---", signal(i.signo as u64), siginfo(i))
}

/// rt_sigreturn's argument and result from the frame at `sp`: (`{mask=[...]}`, x0).
pub fn sigreturn_frame(sp: u64) -> (String, Option<u64>) {
    let uc = offset_of!(RtSigframe, uc) as u64;
    let mask = uc + offset_of!(Ucontext, sigmask) as u64;
    let x0 = uc + offset_of!(Ucontext, mcontext) as u64 + offset_of!(Sigcontext, regs) as u64;
    let arg = with::<u64>(sp + mask, |&m| format!("{{mask={}}}", sigset(m)));
    let ret = crate::guest_mem::read_val::<u64>(sp + x0).ok();
    (arg, ret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigaction_forms() {
        let a = Sigaction {
            handler: 0x400604,
            flags: sg::SA_RESTART | SA_RESTORER | sg::SA_SIGINFO,
            restorer: 0x400700,
            mask: sg::sig_bit(sg::SIGUSR1) | sg::sig_bit(sg::SIGTERM),
        };
        assert_eq!(
            sigaction(&a as *const _ as u64),
            "{sa_handler=0x400604, sa_mask=[USR1 TERM], sa_flags=SA_RESTORER|SA_RESTART|SA_SIGINFO, sa_restorer=0x400700}"
        );
        let a = Sigaction {
            handler: SIG_IGN,
            ..Sigaction::default()
        };
        assert_eq!(
            sigaction(&a as *const _ as u64),
            "{sa_handler=SIG_IGN, sa_mask=[], sa_flags=0}"
        );
        assert_eq!(sigaction(0), "NULL");
    }

    #[test]
    fn siginfo_forms() {
        let mut i = Siginfo {
            signo: sg::SIGUSR1 as i32,
            code: sg::SI_USER,
            ..Siginfo::default()
        };
        i.fields[0] = (1000u64 << 32) | 42;
        assert_eq!(
            delivered(&i),
            "--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=42, si_uid=1000} ---"
        );
        let i = Siginfo::fault(sg::SIGSEGV, sg::SEGV_MAPERR, 0);
        assert_eq!(
            siginfo(&i),
            "{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL}"
        );
        let i = Siginfo::fault(sg::SIGBUS, sg::BUS_ADRALN, 0x1001);
        assert_eq!(
            siginfo(&i),
            "{si_signo=SIGBUS, si_code=BUS_ADRALN, si_addr=0x1001}"
        );
        let mut i = Siginfo {
            signo: sg::SIGCHLD as i32,
            code: 1,
            ..Siginfo::default()
        };
        i.fields[0] = 7;
        i.fields[1] = 3;
        assert_eq!(
            siginfo(&i),
            "{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=7, si_uid=0, si_status=3, si_utime=0, si_stime=0}"
        );
    }
}
