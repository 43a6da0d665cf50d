//! Code whose tests exercise what a cross test runner must get right: the
//! target architecture, threads, floating point, panics and the exit status.

/// CRC-32 (IEEE), bit by bit.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Sum of 1..=n split over `threads` threads.
pub fn parallel_sum(n: u64, threads: u64) -> u64 {
    let chunk = n / threads;
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let lo = t * chunk + 1;
            let hi = if t == threads - 1 { n } else { (t + 1) * chunk };
            std::thread::spawn(move || (lo..=hi).sum::<u64>())
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_on_aarch64() {
        assert!(cfg!(target_arch = "aarch64"));
        assert_eq!(std::env::consts::ARCH, "aarch64");
    }

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }

    #[test]
    fn threads_add_up() {
        assert_eq!(parallel_sum(1_000_000, 4), 500_000_500_000);
    }

    #[test]
    fn float_formatting() {
        assert_eq!(format!("{:.6}", std::f64::consts::PI.sqrt()), "1.772454");
        assert_eq!((0.1f32 + 0.2f32).to_bits(), 0x3e99_999a);
    }

    #[test]
    #[should_panic(expected = "index out of bounds")]
    fn panics_are_caught() {
        let v: Vec<u8> = Vec::new();
        let i = std::hint::black_box(3);
        let _ = v[i];
    }

    /// Fails when asked to, so the runner's failure path is tested too.
    #[test]
    fn fails_when_asked() {
        assert!(std::env::var_os("CROSSCHECK_FAIL").is_none(), "asked to fail");
    }

    /// Dies by SIGABRT when asked to: the runner must see the signal.
    #[test]
    fn aborts_when_asked() {
        if std::env::var_os("CROSSCHECK_ABORT").is_some() {
            std::process::abort();
        }
    }
}
