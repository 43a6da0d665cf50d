//! The arm64 Linux syscall layer.
