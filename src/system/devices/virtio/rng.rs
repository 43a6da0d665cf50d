//! virtio-rng, the entropy device (virtio 1.2 §5.4): every writable buffer
//! the driver offers is filled from the host's `getrandom`.

use super::queue::Queue;
use super::VirtioDevice;
use crate::system::dma::Dma;

/// Device ID of an entropy source.
const ID: u32 = 4;

#[derive(Default)]
pub struct Rng;

/// Fills `buf` with random bytes from the host kernel.
fn host_random(buf: &mut [u8]) -> bool {
    let mut done = 0;
    while done < buf.len() {
        let rest = &mut buf[done..];
        // SAFETY: getrandom writes at most `rest.len()` bytes to `rest`.
        let n = unsafe { libc::getrandom(rest.as_mut_ptr().cast(), rest.len(), 0) };
        if n <= 0 {
            if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return false;
        }
        done += n as usize;
    }
    true
}

impl VirtioDevice for Rng {
    fn device_id(&self) -> u32 {
        ID
    }

    fn features(&self) -> u64 {
        0
    }

    fn queues(&self) -> usize {
        1
    }

    fn process(&mut self, q: usize, queues: &mut [Queue], mem: &Dma) -> bool {
        let queue = &mut queues[q];
        let mut irq = false;
        while let Some(chain) = queue.pop(mem) {
            let Ok(chain) = chain else { continue };
            // Linux asks for at most a page or so at a time.
            let mut buf = vec![0u8; chain.writable_len().min(1 << 16) as usize];
            let n = if host_random(&mut buf) {
                chain.write_at(mem, 0, &buf)
            } else {
                0
            };
            irq |= queue.push_used(mem, chain.head, n as u32);
        }
        irq
    }
}
