//! Code cache and dispatcher.
