//! The machine's physical memory map (the layout of the arm64 `virt` board
//! that Linux and firmware expect) and boot addresses.

/// Start of RAM.
pub const RAM_BASE: u64 = 0x4000_0000;
/// Default RAM size (`-m`).
pub const DEFAULT_RAM: u64 = 128 << 20;
/// Most RAM accepted: up to the end of the 32-bit-addressable window the
/// board reserves for it (255 GiB above `RAM_BASE`).
pub const MAX_RAM: u64 = 255 << 30;
/// The GICv2: distributor, then the CPU interface 64 KiB above.
pub const GIC_BASE: u64 = 0x0800_0000;
/// Distributor and CPU interface windows.
pub const GIC_SIZE: u64 = 0x2_0000;
/// GIC interrupt ID of SPI 0.
pub const SPI_BASE: usize = 32;
/// The PL011's interrupt: SPI 1.
pub const PL011_SPI: u32 = 1;
/// The PL011 UART.
pub const PL011_BASE: u64 = 0x0900_0000;
/// Size of the PL011's register window.
pub const PL011_SIZE: u64 = 0x1000;
/// The PL031 real-time clock and its interrupt (SPI 2).
pub const PL031_BASE: u64 = 0x0901_0000;
pub const PL031_SIZE: u64 = 0x1000;
pub const PL031_SPI: u32 = 2;
/// Where a raw arm64 `Image` is loaded (plus its `text_offset`): 2 MiB into
/// RAM, as booting.rst suggests.
pub const IMAGE_BASE: u64 = RAM_BASE + 0x20_0000;
/// Largest device tree accepted (booting.rst: at most 2 MiB).
pub const DTB_MAX: u64 = 2 << 20;
/// virtio-mmio transports: slot `n` at `VIRTIO_BASE + n * VIRTIO_STRIDE`
/// with interrupt SPI `VIRTIO_SPI + n`, up to `VIRTIO_SLOTS` of them.
pub const VIRTIO_BASE: u64 = 0x0a00_0000;
pub const VIRTIO_STRIDE: u64 = 0x200;
pub const VIRTIO_SPI: u32 = 16;
pub const VIRTIO_SLOTS: usize = 32;
/// The PL061 GPIO (power button on line 3) and its interrupt (SPI 7).
pub const PL061_BASE: u64 = 0x0903_0000;
pub const PL061_SIZE: u64 = 0x1000;
pub const PL061_SPI: u32 = 7;
