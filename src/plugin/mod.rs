//! Instrumentation plugins: shared libraries with the C interface of
//! `c/emu-plugin.h`, loaded with `-plugin FILE[,key=value...]`.
//!
//! [`loader`] opens them and calls their install function, which registers
//! callbacks through the function table of [`api`] into [`registry`]. The
//! translator hands each new block to [`instrument`], which runs the
//! block-translation callbacks and adds the instrumentation they ask for to
//! the block's IR; the run loop calls the [`registry`] hooks at syscalls,
//! thread starts and exits, and the end of the process. Without a plugin
//! nothing of this runs and translated code is unchanged.

pub mod abi;
pub mod api;
pub mod crash;
pub mod instrument;
pub mod loader;
pub mod registry;

pub use crash::{die_of_plugin_crash, running as running_plugin};
pub use instrument::{forget_translations, instrument};
pub use registry::{
    instruments, process_exit, syscall_entry, syscall_exit, thread_exit, thread_start,
};

/// Loads every plugin of `specs` (`FILE[,key=value...]`; empty ones, as
/// from `EMU_PLUGIN=` or a trailing `;`, are none) in order for the guest
/// `program`; the first failure as one line.
pub fn load_all(specs: &[String], program: &str) -> Result<(), String> {
    for (id, text) in specs.iter().filter(|s| !s.is_empty()).enumerate() {
        let spec = loader::Spec::parse(text)?;
        loader::load(&spec, id as u64, program)?;
    }
    Ok(())
}

/// The options that load the same plugins into the emulator of a program
/// the guest execs: `--plugin SPEC` each, with the file made absolute (the
/// guest may have changed directory).
pub fn exec_args(specs: &[String]) -> Vec<std::ffi::OsString> {
    let mut v = Vec::new();
    for text in specs {
        let Ok(spec) = loader::Spec::parse(text) else {
            continue;
        };
        let path = std::path::absolute(&spec.path).unwrap_or_else(|_| spec.path.clone().into());
        let mut arg = path.into_os_string();
        for a in &spec.args {
            arg.push(",");
            arg.push(a);
        }
        v.push("--plugin".into());
        v.push(arg);
    }
    v
}
