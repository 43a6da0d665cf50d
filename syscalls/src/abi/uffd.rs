//! userfaultfd ioctls (include/uapi/linux/userfaultfd.h). Their request numbers use
//! the generic `_IOC` encoding on both arm64 and x86-64, and every argument struct
//! is made of u64 fields (`uffdio_api`, `uffdio_range`, `uffdio_register`,
//! `uffdio_copy`, ...), so guest requests are host requests.

/// The ioctl type byte of every UFFDIO_* request.
pub const UFFDIO: u64 = 0xAA;

/// `_IOC(dir, UFFDIO, nr, size)` (asm-generic/ioctl.h: nr bits 0-7, type 8-15, size
/// 16-29, direction 30-31; read = 2, write = 1).
const fn ioc(dir: u64, nr: u64, size: u64) -> u64 {
    (dir << 30) | (size << 16) | (UFFDIO << 8) | nr
}

const RW: u64 = 3;
const R: u64 = 2;

pub const UFFDIO_REGISTER: u64 = ioc(RW, 0x00, 32);
pub const UFFDIO_UNREGISTER: u64 = ioc(R, 0x01, 16);
pub const UFFDIO_WAKE: u64 = ioc(R, 0x02, 16);
pub const UFFDIO_COPY: u64 = ioc(RW, 0x03, 40);
pub const UFFDIO_ZEROPAGE: u64 = ioc(RW, 0x04, 32);
pub const UFFDIO_MOVE: u64 = ioc(RW, 0x05, 40);
pub const UFFDIO_WRITEPROTECT: u64 = ioc(RW, 0x06, 24);
pub const UFFDIO_CONTINUE: u64 = ioc(RW, 0x07, 32);
pub const UFFDIO_POISON: u64 = ioc(RW, 0x08, 32);
pub const UFFDIO_API: u64 = ioc(RW, 0x3F, 24);

/// Every UFFDIO request.
pub const REQUESTS: [u64; 10] = [
    UFFDIO_REGISTER,
    UFFDIO_UNREGISTER,
    UFFDIO_WAKE,
    UFFDIO_COPY,
    UFFDIO_ZEROPAGE,
    UFFDIO_MOVE,
    UFFDIO_WRITEPROTECT,
    UFFDIO_CONTINUE,
    UFFDIO_POISON,
    UFFDIO_API,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_numbers() {
        // Values from the kernel header as the C compilers (arm64 and x86-64 alike)
        // compute them.
        assert_eq!(UFFDIO_API, 0xc018_aa3f);
        assert_eq!(UFFDIO_REGISTER, 0xc020_aa00);
        assert_eq!(UFFDIO_UNREGISTER, 0x8010_aa01);
        assert_eq!(UFFDIO_WAKE, 0x8010_aa02);
        assert_eq!(UFFDIO_COPY, 0xc028_aa03);
        assert_eq!(UFFDIO_ZEROPAGE, 0xc020_aa04);
        assert_eq!(UFFDIO_MOVE, 0xc028_aa05);
        assert_eq!(UFFDIO_WRITEPROTECT, 0xc018_aa06);
        assert_eq!(UFFDIO_CONTINUE, 0xc020_aa07);
        assert_eq!(UFFDIO_POISON, 0xc020_aa08);
    }
}
