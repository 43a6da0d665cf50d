//! userfaultfd's ioctls (the fd itself comes from `pass_sys::userfaultfd`): the
//! requests and structs are the same on both ABIs (abi::uffd) and the ranges are
//! guest addresses, so they pass through. Requests that place or move page contents
//! drop the translations of the ranges they change.

use crate::abi::uffd::{
    REQUESTS, UFFDIO_CONTINUE, UFFDIO_COPY, UFFDIO_MOVE, UFFDIO_POISON, UFFDIO_ZEROPAGE,
};
use crate::guest_mem;
use crate::host::{check, int};
use crate::thread::Task;
use crate::SysResult;

/// Whether guest ioctl request `req` is a userfaultfd one.
pub fn is_uffd_request(req: u64) -> bool {
    REQUESTS.contains(&req)
}

/// A UFFDIO ioctl on `fd` (the guest's ioctl arguments).
pub fn ioctl(p: &mut Task, a: [u64; 6]) -> SysResult {
    let req = a[1];
    // SAFETY: a guest pointer to a struct of u64 fields the kernel checks.
    let r = check(unsafe { libc::ioctl(int(a[0]), req, a[2]) } as i64)?;
    // struct uffdio_copy / _move: dst, src, len; _zeropage / _continue / _poison:
    // range {start, len} first.
    let words = |n: usize| -> Option<Vec<u64>> {
        let mut v = vec![0u64; n];
        for (i, w) in v.iter_mut().enumerate() {
            *w = guest_mem::read_val(a[2] + 8 * i as u64).ok()?;
        }
        Some(v)
    };
    match req {
        UFFDIO_COPY | UFFDIO_MOVE => {
            if let Some(w) = words(3) {
                p.invalidate(w[0], w[2]);
                if req == UFFDIO_MOVE {
                    p.invalidate(w[1], w[2]);
                }
            }
        }
        UFFDIO_ZEROPAGE | UFFDIO_CONTINUE | UFFDIO_POISON => {
            if let Some(w) = words(2) {
                p.invalidate(w[0], w[1]);
            }
        }
        _ => {}
    }
    Ok(r)
}
