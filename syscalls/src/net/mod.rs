//! Sockets: the socket syscalls of the arm64 table, by concern: [`sock`] (creating,
//! naming, connecting), [`msg`] (sending and receiving), [`cmsg`] (control message
//! translation), [`opt`] (socket options).
//!
//! The guest ABI types and the constant tables that prove guest and host values agree
//! are in `abi::socket`. Families: AF_UNIX, AF_INET, AF_INET6 and AF_NETLINK (whose
//! messages are fixed-width and architecture-independent: they pass through) are
//! handled the same way; any other family the host supports works as far as its
//! addresses and options are fixed-width.

mod cmsg;
pub mod msg;
pub mod opt;
pub mod sock;
