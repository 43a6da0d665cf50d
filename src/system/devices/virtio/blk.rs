//! virtio-blk (virtio 1.2 §5.2) over a raw image file: read, write, flush
//! and get-ID requests; the capacity (in 512-byte sectors, the image's size
//! rounded down) in the configuration space; read-only images announce
//! VIRTIO_BLK_F_RO and fail writes.

use super::queue::{Chain, Queue, MAX_SIZE};
use super::VirtioDevice;
use crate::system::dma::Dma;
use std::fs::File;
use std::os::unix::fs::FileExt;

/// Device ID of a block device.
const ID: u32 = 2;
const SECTOR: u64 = 512;
/// Feature bits: seg_max in the configuration, read-only, flush supported.
const F_SEG_MAX: u64 = 1 << 2;
const F_RO: u64 = 1 << 5;
const F_FLUSH: u64 = 1 << 9;
/// Request types.
const T_IN: u32 = 0;
const T_OUT: u32 = 1;
const T_FLUSH: u32 = 4;
const T_GET_ID: u32 = 8;
/// Status bytes.
const S_OK: u8 = 0;
const S_IOERR: u8 = 1;
const S_UNSUPP: u8 = 2;
/// Length of the ID string GET_ID returns.
const ID_BYTES: usize = 20;
/// Bytes moved per step between the file and guest RAM.
const CHUNK: u64 = 256 << 10;

pub struct Blk {
    file: File,
    readonly: bool,
    /// Size in sectors.
    capacity: u64,
    /// The serial number GET_ID returns (NUL-padded).
    serial: [u8; ID_BYTES],
}

impl Blk {
    /// A disk over `file`, whose size is read once now.
    pub fn new(file: File, readonly: bool, serial: &str) -> std::io::Result<Blk> {
        let capacity = file.metadata()?.len() / SECTOR;
        let mut id = [0u8; ID_BYTES];
        let n = serial.len().min(ID_BYTES);
        id[..n].copy_from_slice(&serial.as_bytes()[..n]);
        Ok(Blk {
            file,
            readonly,
            capacity,
            serial: id,
        })
    }

    /// Serves one request; returns the status byte and the number of data
    /// bytes written into the chain before it.
    fn request(&mut self, chain: &Chain, mem: &Dma) -> (u8, u32) {
        let mut hdr = [0u8; 16];
        if chain.read_at(mem, 0, &mut hdr) != hdr.len() {
            return (S_IOERR, 0);
        }
        let kind = u32::from_le_bytes(hdr[0..4].try_into().unwrap());
        let sector = u64::from_le_bytes(hdr[8..16].try_into().unwrap());
        // The last writable byte is the status; the rest is data.
        let data_in = chain.writable_len().saturating_sub(1);
        let data_out = chain.readable_len() - hdr.len() as u64;
        match kind {
            T_IN => {
                let Some(pos) = self.range(sector, data_in) else {
                    return (S_IOERR, 0);
                };
                let ok = self.chunks(data_in, |buf, off| {
                    self.file.read_exact_at(buf, pos + off).is_ok()
                        && chain.write_at(mem, off, buf) == buf.len()
                });
                if ok {
                    (S_OK, data_in as u32)
                } else {
                    (S_IOERR, 0)
                }
            }
            T_OUT => {
                if self.readonly {
                    return (S_IOERR, 0);
                }
                let Some(pos) = self.range(sector, data_out) else {
                    return (S_IOERR, 0);
                };
                let ok = self.chunks(data_out, |buf, off| {
                    chain.read_at(mem, hdr.len() as u64 + off, buf) == buf.len()
                        && self.file.write_all_at(buf, pos + off).is_ok()
                });
                if ok {
                    (S_OK, 0)
                } else {
                    (S_IOERR, 0)
                }
            }
            T_FLUSH => match self.file.sync_data() {
                Ok(()) => (S_OK, 0),
                Err(_) => (S_IOERR, 0),
            },
            T_GET_ID => {
                let n = (data_in as usize).min(ID_BYTES);
                let n = chain.write_at(mem, 0, &self.serial[..n]);
                (S_OK, n as u32)
            }
            _ => (S_UNSUPP, 0),
        }
    }

    /// Calls `step(buffer, offset)` for `len` bytes in pieces of at most
    /// `CHUNK`; false as soon as a step fails.
    fn chunks(&self, len: u64, mut step: impl FnMut(&mut [u8], u64) -> bool) -> bool {
        let mut buf = vec![0u8; len.min(CHUNK) as usize];
        let mut off = 0;
        while off < len {
            let n = (len - off).min(CHUNK) as usize;
            if !step(&mut buf[..n], off) {
                return false;
            }
            off += n as u64;
        }
        true
    }

    /// The byte offset of `len` bytes at `sector`, when they are whole
    /// sectors inside the disk.
    fn range(&self, sector: u64, len: u64) -> Option<u64> {
        let end = sector.checked_add(len.div_ceil(SECTOR))?;
        (len.is_multiple_of(SECTOR) && end <= self.capacity).then_some(sector * SECTOR)
    }
}

impl VirtioDevice for Blk {
    fn device_id(&self) -> u32 {
        ID
    }

    fn features(&self) -> u64 {
        F_SEG_MAX | F_FLUSH | if self.readonly { F_RO } else { 0 }
    }

    fn queues(&self) -> usize {
        1
    }

    /// `struct virtio_blk_config`: `capacity`, `size_max` (not offered:
    /// 0) and `seg_max` (room for the header and the status in a queue).
    fn config(&self) -> Vec<u8> {
        let mut c = self.capacity.to_le_bytes().to_vec();
        c.extend(0u32.to_le_bytes());
        c.extend((u32::from(MAX_SIZE) - 2).to_le_bytes());
        c
    }

    fn process(&mut self, q: usize, queues: &mut [Queue], mem: &Dma) -> bool {
        let queue = &mut queues[q];
        let mut irq = false;
        while let Some(chain) = queue.pop(mem) {
            let Ok(chain) = chain else {
                // A broken chain cannot be answered; drop it.
                continue;
            };
            let (status, data) = if chain.writable_len() == 0 {
                (S_IOERR, 0)
            } else {
                self.request(&chain, mem)
            };
            let at = chain.writable_len() - 1;
            chain.write_at(mem, at, &[status]);
            irq |= queue.push_used(mem, chain.head, data + 1);
        }
        irq
    }
}
