//! Device models, one module each, all behind [`super::bus::BusDevice`].

pub mod gic;
pub mod pl011;
pub mod pl031;
pub mod pl061;
pub mod virtio;
