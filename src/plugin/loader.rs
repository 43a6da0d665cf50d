//! Loading plugins: `FILE[,key=value...]` specifications, dlopen, the ABI
//! version check and the install call.

use super::abi::{self, InstallFn};
use super::registry;
use std::ffi::{c_char, c_int, CStr, CString};

/// One `-plugin` argument: the shared library and its `key=value` items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub path: String,
    pub args: Vec<String>,
}

impl Spec {
    /// Parses `FILE[,key=value...]`.
    pub fn parse(text: &str) -> Result<Spec, String> {
        let mut items = text.split(',');
        let path = items.next().unwrap_or_default().to_string();
        if path.is_empty() {
            return Err(format!("plugin {text:?}: no file name"));
        }
        let args: Vec<String> = items.map(str::to_string).collect();
        if let Some(bad) = args.iter().find(|a| !a.contains('=')) {
            return Err(format!("plugin {path}: argument {bad:?} is not key=value"));
        }
        Ok(Spec { path, args })
    }
}

/// The last dlerror() text.
fn dl_error() -> String {
    // SAFETY: dlerror returns NULL or a NUL-terminated string valid until the
    // next dl call on this thread.
    let e = unsafe { libc::dlerror() };
    if e.is_null() {
        return "unknown error".into();
    }
    // SAFETY: non-null, NUL-terminated as above.
    unsafe { CStr::from_ptr(e) }.to_string_lossy().into_owned()
}

/// Loads the plugin `spec` as plugin number `id` and runs its install
/// function for the guest `program`. The error is one line for the user.
pub fn load(spec: &Spec, id: u64, program: &str) -> Result<(), String> {
    let fail = |what: String| format!("plugin {}: {what}", spec.path);
    let path = CString::new(spec.path.as_bytes()).map_err(|_| fail("bad file name".into()))?;
    // SAFETY: dlopen with a NUL-terminated path; the library stays loaded for
    // the life of the process (never closed), as its callbacks may run until
    // the end.
    let handle = unsafe { libc::dlopen(path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
    if handle.is_null() {
        return Err(fail(dl_error()));
    }
    // SAFETY: dlsym on a live handle with a NUL-terminated name.
    let version = unsafe { libc::dlsym(handle, abi::VERSION_SYMBOL.as_ptr()) };
    if version.is_null() {
        return Err(fail(format!(
            "no {} symbol (build it with EMU_PLUGIN_EXPORT_VERSION from emu-plugin.h)",
            abi::VERSION_SYMBOL.to_string_lossy()
        )));
    }
    // SAFETY: the symbol is the plugin's `const uint32_t emu_plugin_version`.
    let version = unsafe { *(version as *const u32) };
    if version != abi::VERSION {
        return Err(fail(format!(
            "built for plugin ABI version {version}, emu-user has version {}",
            abi::VERSION
        )));
    }
    // SAFETY: as for the version symbol.
    let install = unsafe { libc::dlsym(handle, abi::INSTALL_SYMBOL.as_ptr()) };
    if install.is_null() {
        return Err(fail(format!(
            "no {} function",
            abi::INSTALL_SYMBOL.to_string_lossy()
        )));
    }
    // SAFETY: the header declares emu_plugin_install with this type.
    let install: InstallFn =
        unsafe { std::mem::transmute::<*mut libc::c_void, InstallFn>(install) };
    let args: Vec<CString> = spec
        .args
        .iter()
        .map(|a| CString::new(a.as_bytes()).unwrap_or_default())
        .collect();
    let mut argv: Vec<*const c_char> = args.iter().map(|a| a.as_ptr()).collect();
    argv.push(std::ptr::null());
    let program = CString::new(program).unwrap_or_default();
    let info = abi::Info {
        version: abi::VERSION,
        reserved: 0,
        api: &super::api::API,
        target: c"aarch64".as_ptr(),
        program: program.as_ptr(),
    };
    registry::set_active();
    super::crash::set_name(id, &spec.path);
    let _in = super::crash::InPlugin::enter(super::crash::name(id));
    // SAFETY: the plugin's entry point with the arguments its type
    // promises; `info` and `argv` live until it returns (the header says
    // they are valid during the call only).
    let r = unsafe { install(id, &info, args.len() as c_int, argv.as_ptr()) };
    if r != 0 {
        return Err(fail(format!("emu_plugin_install failed ({r})")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_split_file_and_items() {
        assert_eq!(
            Spec::parse("./a.so,inline=off,n=5").unwrap(),
            Spec {
                path: "./a.so".into(),
                args: vec!["inline=off".into(), "n=5".into()]
            }
        );
        assert_eq!(Spec::parse("b.so").unwrap().args, Vec::<String>::new());
        assert!(Spec::parse("").is_err());
        assert!(Spec::parse(",x=1").is_err());
        assert!(Spec::parse("a.so,novalue").is_err());
    }
}
