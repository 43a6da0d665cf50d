//! Device models, one module each, all behind [`super::bus::BusDevice`].

pub mod pl011;
