//! The Linux user-mode layer.
