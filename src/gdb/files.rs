//! What gdb reads besides registers and memory: the auxiliary vector, the
//! executable's path, and files through host I/O (`vFile:`), which gdb uses
//! for `info proc` (/proc/PID/maps and friends) and to read the program and
//! its libraries. Files are opened as the guest would open them: /proc files
//! that describe the emulator are the guest's rendering, absolute paths are
//! looked up in the sysroot first. Host I/O here is read-only.

use super::target::EmuTarget;
use gdbstub::common::Pid;
use gdbstub::target::ext::auxv::Auxv;
use gdbstub::target::ext::exec_file::ExecFile;
use gdbstub::target::ext::host_io::{
    FsKind, HostIo, HostIoClose, HostIoCloseOps, HostIoErrno, HostIoError, HostIoFstat,
    HostIoFstatOps, HostIoOpen, HostIoOpenFlags, HostIoOpenMode, HostIoOpenOps, HostIoPread,
    HostIoPreadOps, HostIoResult, HostIoSetfs, HostIoSetfsOps, HostIoStat,
};
use gdbstub::target::TargetResult;
use std::collections::BTreeMap;
use std::fs::File;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, MetadataExt};

/// A file gdb opened.
enum Open {
    /// Contents rendered for the guest.
    Data(Vec<u8>),
    File(File),
}

/// The files gdb has open, by descriptor.
#[derive(Default)]
pub struct Files {
    open: BTreeMap<u32, Open>,
    next: u32,
}

/// Copies the part of `data` at `offset` into `buf`.
fn copy_out(data: &[u8], offset: u64, buf: &mut [u8]) -> usize {
    let start = (offset as usize).min(data.len());
    let n = buf.len().min(data.len() - start);
    buf[..n].copy_from_slice(&data[start..start + n]);
    n
}

impl Auxv for EmuTarget {
    fn get_auxv(&self, offset: u64, length: usize, buf: &mut [u8]) -> TargetResult<usize, Self> {
        let n = length.min(buf.len());
        Ok(copy_out(&self.ctl.process.auxv, offset, &mut buf[..n]))
    }
}

impl ExecFile for EmuTarget {
    fn get_exec_file(
        &self,
        _pid: Option<Pid>,
        offset: u64,
        length: usize,
        buf: &mut [u8],
    ) -> TargetResult<usize, Self> {
        let path = self.ctl.process.exe_path.as_os_str().as_bytes();
        let n = length.min(buf.len());
        Ok(copy_out(path, offset, &mut buf[..n]))
    }
}

impl HostIo for EmuTarget {
    fn support_open(&mut self) -> Option<HostIoOpenOps<'_, Self>> {
        Some(self)
    }

    fn support_close(&mut self) -> Option<HostIoCloseOps<'_, Self>> {
        Some(self)
    }

    fn support_pread(&mut self) -> Option<HostIoPreadOps<'_, Self>> {
        Some(self)
    }

    fn support_fstat(&mut self) -> Option<HostIoFstatOps<'_, Self>> {
        Some(self)
    }

    fn support_setfs(&mut self) -> Option<HostIoSetfsOps<'_, Self>> {
        Some(self)
    }
}

impl HostIoOpen for EmuTarget {
    fn open(
        &mut self,
        filename: &[u8],
        flags: HostIoOpenFlags,
        _mode: HostIoOpenMode,
    ) -> HostIoResult<u32, Self> {
        if flags != HostIoOpenFlags::O_RDONLY {
            return Err(HostIoError::Errno(HostIoErrno::EACCES));
        }
        let file = match emu_syscalls::guest_file(&self.ctl.process, filename) {
            Ok(emu_syscalls::GuestFile::Contents(data)) => Open::Data(data),
            Ok(emu_syscalls::GuestFile::Host(path)) => {
                let path = std::ffi::OsStr::from_bytes(path.as_bytes());
                let f = File::open(path)?;
                if f.metadata()?.is_dir() {
                    return Err(HostIoError::Errno(HostIoErrno::EISDIR));
                }
                Open::File(f)
            }
            Err(_) => return Err(HostIoError::Errno(HostIoErrno::ENOENT)),
        };
        let files = &mut self.files;
        let fd = files.next;
        files.next += 1;
        files.open.insert(fd, file);
        Ok(fd)
    }
}

impl HostIoPread for EmuTarget {
    fn pread(
        &mut self,
        fd: u32,
        count: usize,
        offset: u64,
        buf: &mut [u8],
    ) -> HostIoResult<usize, Self> {
        let n = count.min(buf.len());
        match self.files.open.get(&fd) {
            Some(Open::Data(d)) => Ok(copy_out(d, offset, &mut buf[..n])),
            Some(Open::File(f)) => Ok(f.read_at(&mut buf[..n], offset)?),
            None => Err(HostIoError::Errno(HostIoErrno::EBADF)),
        }
    }
}

impl HostIoClose for EmuTarget {
    fn close(&mut self, fd: u32) -> HostIoResult<(), Self> {
        match self.files.open.remove(&fd) {
            Some(_) => Ok(()),
            None => Err(HostIoError::Errno(HostIoErrno::EBADF)),
        }
    }
}

impl HostIoFstat for EmuTarget {
    fn fstat(&mut self, fd: u32) -> HostIoResult<HostIoStat, Self> {
        let mode = |m: u32| HostIoOpenMode::from_bits_truncate(m);
        let st = match self.files.open.get(&fd) {
            Some(Open::Data(d)) => HostIoStat {
                st_dev: 0,
                st_ino: 0,
                st_mode: mode(0o100444),
                st_nlink: 1,
                st_uid: 0,
                st_gid: 0,
                st_rdev: 0,
                st_size: d.len() as u64,
                st_blksize: 4096,
                st_blocks: 0,
                st_atime: 0,
                st_mtime: 0,
                st_ctime: 0,
            },
            Some(Open::File(f)) => {
                let m = f.metadata()?;
                HostIoStat {
                    st_dev: m.dev() as u32,
                    st_ino: m.ino() as u32,
                    st_mode: mode(m.mode()),
                    st_nlink: m.nlink() as u32,
                    st_uid: m.uid(),
                    st_gid: m.gid(),
                    st_rdev: m.rdev() as u32,
                    st_size: m.size(),
                    st_blksize: m.blksize(),
                    st_blocks: m.blocks(),
                    st_atime: m.atime() as u32,
                    st_mtime: m.mtime() as u32,
                    st_ctime: m.ctime() as u32,
                }
            }
            None => return Err(HostIoError::Errno(HostIoErrno::EBADF)),
        };
        Ok(st)
    }
}

impl HostIoSetfs for EmuTarget {
    fn setfs(&mut self, fs: FsKind) -> HostIoResult<(), Self> {
        // One guest process: its file system view is the stub's.
        match fs {
            FsKind::Stub => Ok(()),
            FsKind::Pid(p) if p.get() == self.ctl.pid as usize => Ok(()),
            FsKind::Pid(_) => Err(HostIoError::Errno(HostIoErrno::ENOENT)),
        }
    }
}
