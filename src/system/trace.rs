//! Optional tracing of machine events on stderr (`emu-system -d LIST`):
//! `int` (exceptions and interrupts taken, ERET), `mmio` (device register
//! accesses), `timer` (generic timer register writes), `unimp` (system
//! instructions and registers that raise an undefined exception).

use std::sync::atomic::{AtomicU32, Ordering};

/// The trace classes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Class {
    Int = 1,
    Mmio = 2,
    Timer = 4,
    Unimp = 8,
}

const NAMES: [(&str, Class); 4] = [
    ("int", Class::Int),
    ("mmio", Class::Mmio),
    ("timer", Class::Timer),
    ("unimp", Class::Unimp),
];

static ON: AtomicU32 = AtomicU32::new(0);

/// Whether `class` is traced.
#[inline]
pub fn on(class: Class) -> bool {
    ON.load(Ordering::Relaxed) & class as u32 != 0
}

/// Turns on the comma-separated classes of `list` ("help" lists them).
pub fn enable(list: &str) -> Result<(), String> {
    let mut bits = 0;
    for item in list.split(',').filter(|s| !s.is_empty()) {
        let Some(&(_, c)) = NAMES.iter().find(|(n, _)| *n == item) else {
            let all: Vec<&str> = NAMES.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "unknown trace class '{item}' (known: {})",
                all.join(",")
            ));
        };
        bits |= c as u32;
    }
    ON.fetch_or(bits, Ordering::Relaxed);
    Ok(())
}

/// Prints one trace line.
pub fn line(args: std::fmt::Arguments) {
    eprintln!("emu-system: {args}");
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_class_lists() {
        assert!(super::enable("int,mmio").is_ok());
        assert!(super::enable("bogus").is_err());
    }
}
