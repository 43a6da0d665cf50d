//! Event-descriptor structs: `struct epoll_event`.

use super::guest_pod;

/// arm64 `struct epoll_event`, 16 bytes: the kernel declares it `__packed` only on
/// x86-64 (`EPOLL_PACKED`), so on arm64 `data` is 8-aligned after 4 bytes of padding.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct EpollEvent {
    pub events: u32,
    pub _pad: u32,
    pub data: u64,
}

guest_pod!(EpollEvent);

/// The x86-64 host's packed `struct epoll_event` (12 bytes), as the host kernel reads
/// and writes it.
#[repr(C, packed)]
#[derive(Clone, Copy, Default)]
pub struct HostEpollEvent {
    pub events: u32,
    pub data: u64,
}

impl From<EpollEvent> for HostEpollEvent {
    fn from(g: EpollEvent) -> Self {
        HostEpollEvent {
            events: g.events,
            data: g.data,
        }
    }
}

impl From<HostEpollEvent> for EpollEvent {
    fn from(h: HostEpollEvent) -> Self {
        EpollEvent {
            events: h.events,
            _pad: 0,
            data: h.data,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::assert_layout;

    #[test]
    fn epoll_event_layout() {
        assert_layout!(EpollEvent, 16, { events: 0, data: 8 });
        assert_eq!(std::mem::size_of::<HostEpollEvent>(), 12);
        assert_eq!(
            std::mem::size_of::<HostEpollEvent>(),
            std::mem::size_of::<libc::epoll_event>()
        );
    }

    #[test]
    fn epoll_event_round_trip() {
        let g = EpollEvent {
            events: 0x8000_0019,
            _pad: 0,
            data: 0x1122_3344_5566_7788,
        };
        assert_eq!(EpollEvent::from(HostEpollEvent::from(g)), g);
    }
}
