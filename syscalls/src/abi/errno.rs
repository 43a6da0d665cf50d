//! Guest errno values and the single host→guest errno helper.
//!
//! arm64 uses the asm-generic errno numbering (include/uapi/asm-generic/errno-base.h
//! and errno.h). The x86-64 host uses the same numbering, so [`Errno::from_host`] is an
//! identity map today, but every host error goes through it so that a host with a
//! different numbering needs only this one function changed.

/// A guest errno value (positive). Syscalls return it to the guest as `-errno`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Errno(pub i32);

macro_rules! errnos {
    ($($name:ident = $val:expr;)*) => {
        impl Errno {
            $(pub const $name: Errno = Errno($val);)*
        }
        /// Every named guest errno, for tests and diagnostics.
        pub const ALL: &[(&str, Errno)] = &[$((stringify!($name), Errno($val)),)*];
    };
}

errnos! {
    EPERM = 1;
    ENOENT = 2;
    ESRCH = 3;
    EINTR = 4;
    EIO = 5;
    ENXIO = 6;
    E2BIG = 7;
    ENOEXEC = 8;
    EBADF = 9;
    ECHILD = 10;
    EAGAIN = 11;
    ENOMEM = 12;
    EACCES = 13;
    EFAULT = 14;
    ENOTBLK = 15;
    EBUSY = 16;
    EEXIST = 17;
    EXDEV = 18;
    ENODEV = 19;
    ENOTDIR = 20;
    EISDIR = 21;
    EINVAL = 22;
    ENFILE = 23;
    EMFILE = 24;
    ENOTTY = 25;
    ETXTBSY = 26;
    EFBIG = 27;
    ENOSPC = 28;
    ESPIPE = 29;
    EROFS = 30;
    EMLINK = 31;
    EPIPE = 32;
    EDOM = 33;
    ERANGE = 34;
    EDEADLK = 35;
    ENAMETOOLONG = 36;
    ENOLCK = 37;
    ENOSYS = 38;
    ENOTEMPTY = 39;
    ELOOP = 40;
    ENOMSG = 42;
    EIDRM = 43;
    ECHRNG = 44;
    EL2NSYNC = 45;
    EL3HLT = 46;
    EL3RST = 47;
    ELNRNG = 48;
    EUNATCH = 49;
    ENOCSI = 50;
    EL2HLT = 51;
    EBADE = 52;
    EBADR = 53;
    EXFULL = 54;
    ENOANO = 55;
    EBADRQC = 56;
    EBADSLT = 57;
    EBFONT = 59;
    ENOSTR = 60;
    ENODATA = 61;
    ETIME = 62;
    ENOSR = 63;
    ENONET = 64;
    ENOPKG = 65;
    EREMOTE = 66;
    ENOLINK = 67;
    EADV = 68;
    ESRMNT = 69;
    ECOMM = 70;
    EPROTO = 71;
    EMULTIHOP = 72;
    EDOTDOT = 73;
    EBADMSG = 74;
    EOVERFLOW = 75;
    ENOTUNIQ = 76;
    EBADFD = 77;
    EREMCHG = 78;
    ELIBACC = 79;
    ELIBBAD = 80;
    ELIBSCN = 81;
    ELIBMAX = 82;
    ELIBEXEC = 83;
    EILSEQ = 84;
    ERESTART = 85;
    ESTRPIPE = 86;
    EUSERS = 87;
    ENOTSOCK = 88;
    EDESTADDRREQ = 89;
    EMSGSIZE = 90;
    EPROTOTYPE = 91;
    ENOPROTOOPT = 92;
    EPROTONOSUPPORT = 93;
    ESOCKTNOSUPPORT = 94;
    EOPNOTSUPP = 95;
    EPFNOSUPPORT = 96;
    EAFNOSUPPORT = 97;
    EADDRINUSE = 98;
    EADDRNOTAVAIL = 99;
    ENETDOWN = 100;
    ENETUNREACH = 101;
    ENETRESET = 102;
    ECONNABORTED = 103;
    ECONNRESET = 104;
    ENOBUFS = 105;
    EISCONN = 106;
    ENOTCONN = 107;
    ESHUTDOWN = 108;
    ETOOMANYREFS = 109;
    ETIMEDOUT = 110;
    ECONNREFUSED = 111;
    EHOSTDOWN = 112;
    EHOSTUNREACH = 113;
    EALREADY = 114;
    EINPROGRESS = 115;
    ESTALE = 116;
    EUCLEAN = 117;
    ENOTNAM = 118;
    ENAVAIL = 119;
    EISNAM = 120;
    EREMOTEIO = 121;
    EDQUOT = 122;
    ENOMEDIUM = 123;
    EMEDIUMTYPE = 124;
    ECANCELED = 125;
    ENOKEY = 126;
    EKEYEXPIRED = 127;
    EKEYREVOKED = 128;
    EKEYREJECTED = 129;
    EOWNERDEAD = 130;
    ENOTRECOVERABLE = 131;
    ERFKILL = 132;
    EHWPOISON = 133;
}

impl Errno {
    /// Converts a host errno (as read from `errno` after a failed host call) to the guest's.
    pub fn from_host(host: i32) -> Errno {
        // asm-generic numbering on both sides: identity.
        Errno(host)
    }

    /// The errno of the last failed host libc call, converted to the guest's numbering.
    pub fn last() -> Errno {
        Errno::from_host(std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
    }

    /// The value placed in the guest's x0: `-errno` as u64.
    pub fn to_ret(self) -> u64 {
        (-(self.0 as i64)) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_values_match_host_on_this_host() {
        // The identity in from_host is only valid while these agree.
        let host = [
            (Errno::EPERM, libc::EPERM),
            (Errno::ENOENT, libc::ENOENT),
            (Errno::EBADF, libc::EBADF),
            (Errno::EAGAIN, libc::EAGAIN),
            (Errno::EFAULT, libc::EFAULT),
            (Errno::EINVAL, libc::EINVAL),
            (Errno::ENOTTY, libc::ENOTTY),
            (Errno::ENOSYS, libc::ENOSYS),
            (Errno::ELOOP, libc::ELOOP),
            (Errno::EOPNOTSUPP, libc::EOPNOTSUPP),
            (Errno::ETIMEDOUT, libc::ETIMEDOUT),
            (Errno::ENOTSOCK, libc::ENOTSOCK),
            (Errno::EDESTADDRREQ, libc::EDESTADDRREQ),
            (Errno::EMSGSIZE, libc::EMSGSIZE),
            (Errno::EPROTOTYPE, libc::EPROTOTYPE),
            (Errno::ENOPROTOOPT, libc::ENOPROTOOPT),
            (Errno::EPROTONOSUPPORT, libc::EPROTONOSUPPORT),
            (Errno::ESOCKTNOSUPPORT, libc::ESOCKTNOSUPPORT),
            (Errno::EPFNOSUPPORT, libc::EPFNOSUPPORT),
            (Errno::EAFNOSUPPORT, libc::EAFNOSUPPORT),
            (Errno::EADDRINUSE, libc::EADDRINUSE),
            (Errno::EADDRNOTAVAIL, libc::EADDRNOTAVAIL),
            (Errno::ENETDOWN, libc::ENETDOWN),
            (Errno::ENETUNREACH, libc::ENETUNREACH),
            (Errno::ECONNABORTED, libc::ECONNABORTED),
            (Errno::ECONNRESET, libc::ECONNRESET),
            (Errno::ENOBUFS, libc::ENOBUFS),
            (Errno::EISCONN, libc::EISCONN),
            (Errno::ENOTCONN, libc::ENOTCONN),
            (Errno::ESHUTDOWN, libc::ESHUTDOWN),
            (Errno::ECONNREFUSED, libc::ECONNREFUSED),
            (Errno::EHOSTUNREACH, libc::EHOSTUNREACH),
            (Errno::EALREADY, libc::EALREADY),
            (Errno::EINPROGRESS, libc::EINPROGRESS),
        ];
        for (g, h) in host {
            assert_eq!(g.0, h);
        }
    }

    #[test]
    fn to_ret_is_negative_errno() {
        assert_eq!(Errno::ENOSYS.to_ret() as i64, -38);
        assert_eq!(Errno::EFAULT.to_ret(), u64::MAX - 13);
    }

    #[test]
    fn names_unique() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert_ne!(a.0, b.0);
                assert_ne!(a.1, b.1);
            }
        }
    }
}
