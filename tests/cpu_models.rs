//! CPU models (`-cpu`, `EMU_CPU`): what a guest sees (AT_HWCAP/AT_HWCAP2,
//! MIDR_EL1, /proc/cpuinfo) and what it may execute, through the guest
//! program `guest-bins/c/cpu_features.c` (built by `guest-bins/build.sh`;
//! `EMU_SKIP_GUEST_BINS=1` skips those cases), plus the CLI: `-cpu help`
//! and bad model names.

mod common;

use common::{guest_bins, run_with_timeout, Status};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

const EMU: &str = env!("CARGO_BIN_EXE_emu-user");

/// The probes of cpu_features.c, in its order.
const PROBES: &[&str] = &[
    "lse", "lse-cas", "crc", "aes", "pmull", "sha1", "sha2", "sha512", "sha3", "rdm", "dotprod",
    "lrcpc", "lrcpc2", "lor", "dpb", "jscvt", "flagm", "sb", "fp16", "fp16-vec", "fcvt-h", "fhm",
    "dit", "ssbs",
];

fn program() -> Option<PathBuf> {
    if std::env::var("EMU_SKIP_GUEST_BINS").is_ok_and(|v| v == "1") {
        return None;
    }
    let p = guest_bins().join("out/static/cpu_features");
    assert!(
        p.exists(),
        "{} missing: run guest-bins/build.sh (or EMU_SKIP_GUEST_BINS=1)",
        p.display()
    );
    Some(p)
}

fn emu(args: &[&str], env_cpu: Option<&str>) -> (Status, String, String) {
    let mut cmd = Command::new(EMU);
    cmd.args(args).env_remove("EMU_CPU");
    if let Some(c) = env_cpu {
        cmd.env("EMU_CPU", c);
    }
    let out = run_with_timeout(cmd, Duration::from_secs(60)).expect("run emu-user");
    (
        out.status.expect("emu-user timed out"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// cpu_features under `cpu` (as `-cpu`), with its arguments: stdout.
fn features_under(cpu: &str, args: &[&str]) -> Option<(Status, String, String)> {
    let prog = program()?;
    let mut all = vec!["-cpu", cpu, prog.to_str().unwrap()];
    all.extend(args);
    Some(emu(&all, None))
}

/// The output cpu_features prints for a CPU with these hwcap names, MIDR
/// and the probes in `runs` succeeding (every other probe gets SIGILL).
fn expected(hwcap: &str, hwcap2: &str, midr: u32, runs: &[&str]) -> String {
    let part = midr >> 4 & 0xfff;
    let mut s = format!(
        "hwcap: {hwcap}\nhwcap2: {hwcap2}\nmidr: 0x{midr:08x} (part 0x{part:03x})\n\
         cpuinfo: part 0x{part:03x}, features as hwcap\n"
    );
    for p in PROBES {
        let r = if runs.contains(p) { "ok" } else { "SIGILL" };
        s.push_str(&format!("{p:<9} {r}\n"));
    }
    s
}

/// What an Armv8.0 core with the cryptographic extension runs (FCVT to
/// and from half precision is Armv8.0).
const ARMV80_CRYPTO: &[&str] = &["crc", "aes", "pmull", "sha1", "sha2", "fcvt-h"];
const ARMV80_HWCAP: &str = "fp asimd aes pmull sha1 sha2 crc32 cpuid";

#[test]
fn cortex_a53_is_armv8_0_with_crypto() {
    let Some((status, out, err)) = features_under("cortex-a53", &[]) else {
        return;
    };
    assert_eq!(status, Status::Exit(0), "{err}");
    assert_eq!(out, expected(ARMV80_HWCAP, "", 0x410f_d034, ARMV80_CRYPTO));
    // The refusal names the missing feature.
    assert!(
        err.contains("(LDOP) at pc")
            && err.contains("needs lse (FEAT_LSE), which CPU cortex-a53 lacks"),
        "{err}"
    );
}

#[test]
fn cortex_a72_differs_in_midr_only() {
    let Some((status, out, _)) = features_under("cortex-a72", &[]) else {
        return;
    };
    assert_eq!(status, Status::Exit(0));
    assert_eq!(out, expected(ARMV80_HWCAP, "", 0x410f_d083, ARMV80_CRYPTO));
}

#[test]
fn neoverse_n1_is_armv8_2_with_ssbs() {
    let Some((status, out, _)) = features_under("neoverse-n1", &[]) else {
        return;
    };
    assert_eq!(status, Status::Exit(0));
    // SSBS (FEAT_SSBS2) but not DIT.
    let hwcap = "fp asimd aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc \
                 dcpop asimddp ssbs";
    let runs = [
        ARMV80_CRYPTO,
        &[
            "lse", "lse-cas", "rdm", "dotprod", "lrcpc", "lor", "dpb", "fp16", "fp16-vec", "ssbs",
        ],
    ]
    .concat();
    assert_eq!(out, expected(hwcap, "", 0x413f_d0c1, &runs));
}

/// `max` without some features: cpu_features under `spec` prints max's
/// expected output without the hwcap `names` and with `sigill` probes
/// refused.
fn max_without(spec: &str, names: &[&str], sigill: &[&str]) {
    let Some((status, out, _)) = features_under(spec, &[]) else {
        return;
    };
    assert_eq!(status, Status::Exit(0));
    let max = std::fs::read_to_string(guest_bins().join("c/cpu_features.stdout")).unwrap();
    let mut want = max.clone();
    for n in names {
        want = want
            .replace(&format!(" {n} "), " ")
            .replace(&format!(" {n}\n"), "\n");
    }
    for p in sigill {
        want = want.replace(&format!("{p:<9} ok"), &format!("{p:<9} SIGILL"));
    }
    assert_ne!(want, max);
    assert_eq!(out, want);
}

#[test]
fn max_without_lse() {
    max_without("max,-lse", &["atomics"], &["lse", "lse-cas"]);
}

/// FHM requires FP16: both go; FCVT to half precision is Armv8.0 and stays.
#[test]
fn max_without_fp16_takes_fhm() {
    max_without(
        "max,-fp16",
        &["fphp", "asimdhp", "asimdfhm"],
        &["fp16", "fp16-vec", "fhm"],
    );
}

#[test]
fn max_without_dit_or_ssbs() {
    max_without("max,-dit", &["dit"], &["dit"]);
    max_without("max,ssbs=off", &["ssbs"], &["ssbs"]);
}

/// pstate_bits.c (its expected output is max's) under `cpu`.
fn pstate_bits_under(cpu: &str) -> Option<String> {
    program()?;
    let prog = guest_bins().join("out/static/pstate_bits");
    let (status, out, err) = emu(&["-cpu", cpu, prog.to_str().unwrap()], None);
    assert_eq!(status, Status::Exit(0), "{err}");
    Some(out)
}

#[test]
fn pstate_bits_follow_the_model() {
    let Some(max) = pstate_bits_under("max") else {
        return;
    };
    let want = std::fs::read_to_string(guest_bins().join("c/pstate_bits.stdout")).unwrap();
    assert_eq!(max, want);
    // Without a feature every access to its bit is undefined (ILL_ILLOPC),
    // the frame's bit stays clear and sigreturn cannot set it; the other
    // bit works as on max.
    let a53 = pstate_bits_under("cortex-a53").unwrap();
    assert!(a53.starts_with(
        "initial                dit SIGILL ssbs SIGILL\nhwcap dit 0 ssbs 0\n\
         ID_AA64PFR0_EL1.DIT 0 ID_AA64PFR1_EL1.SSBS 0\n\
         msr dit, #1            SIGILL (si_code 1)\nmsr ssbs, #0           SIGILL (si_code 1)\n"
    ));
    assert!(a53.contains("frame flipped  handler dit 0xffffffffffffffff ssbs 0xffffffffffffffff frame pstate 0x60000000\n"));
    assert!(a53.ends_with("  after sigreturn      dit SIGILL ssbs SIGILL\nbad pstate: SIGSEGV\n"));
    for (cpu, off, on) in [
        ("max,-dit", "dit", "ssbs"),
        ("max,-ssbs", "ssbs", "dit"),
        ("neoverse-n1", "dit", "ssbs"),
    ] {
        let out = pstate_bits_under(cpu).unwrap();
        let sigill = out.lines().filter(|l| l.contains("SIGILL")).count();
        // initial, 6 writes of the missing bit, 6 reads of it after the
        // other's writes, nzcv (DIT) or none, after msr nzcv, 3 after sigreturn.
        assert!(
            out.contains(&format!(
                "hwcap {}\n",
                if off == "dit" {
                    "dit 0 ssbs 1"
                } else {
                    "dit 1 ssbs 0"
                }
            )),
            "{cpu}: {out}"
        );
        assert!(out.contains(&format!("msr {off}, #1")) && out.contains(&format!("msr {on}, #1")));
        assert!(sigill >= 16, "{cpu}: {out}");
        for l in out.lines().filter(|l| l.starts_with(&format!("msr {on},"))) {
            assert!(
                !l.contains(&format!("{on} SIGILL")) && !l.ends_with(")"),
                "{cpu}: {l}"
            );
        }
        for l in out
            .lines()
            .filter(|l| l.starts_with(&format!("msr {off},")))
        {
            assert!(l.ends_with("SIGILL (si_code 1)"), "{cpu}: {l}");
        }
    }
}

#[test]
fn features_turn_on_with_what_they_require() {
    // QEMU-style feature=on; +lrcpc2 brings lrcpc; -aes takes pmull.
    let Some((status, out, _)) = features_under("cortex-a72,lse=on,+lrcpc2,-aes", &[]) else {
        return;
    };
    assert_eq!(status, Status::Exit(0));
    let hwcap = "fp asimd sha1 sha2 crc32 atomics cpuid lrcpc ilrcpc";
    let runs = [
        "crc", "sha1", "sha2", "lse", "lse-cas", "lrcpc", "lrcpc2", "fcvt-h",
    ];
    assert_eq!(out, expected(hwcap, "", 0x410f_d083, &runs));
}

#[test]
fn lse_without_a_handler_kills_with_sigill() {
    let Some(prog) = program() else {
        return;
    };
    let (status, out, _) = features_under("cortex-a53", &["raw-lse"]).unwrap();
    assert_eq!(status, Status::Signal(libc::SIGILL));
    assert_eq!(out, "");
    let (status, out, _) = features_under("max", &["raw-lse"]).unwrap();
    assert_eq!((status, out.as_str()), (Status::Exit(0), "ldadd ran\n"));
    // As the shell sees it: 128 + SIGILL.
    let shell = format!(
        "{EMU} -cpu cortex-a53 {} raw-lse 2>/dev/null; echo $?",
        prog.display()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(&shell)
        .env_remove("EMU_CPU")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "132\n");
}

#[test]
fn emu_cpu_environment_and_exec_keep_the_model() {
    let Some(prog) = program() else {
        return;
    };
    let p = prog.to_str().unwrap();
    let a53 = expected(ARMV80_HWCAP, "", 0x410f_d034, ARMV80_CRYPTO);
    let (status, out, _) = emu(&[p], Some("cortex-a53"));
    assert_eq!((status, out.as_str()), (Status::Exit(0), a53.as_str()));
    // An empty EMU_CPU is the default.
    let (_, out, _) = emu(&[p], Some(""));
    assert!(out.contains("midr: 0x000f0000"), "{out}");
    // -cpu wins over EMU_CPU.
    let (_, out, _) = emu(&["-cpu", "cortex-a72", p], Some("cortex-a53"));
    assert!(out.contains("midr: 0x410fd083"), "{out}");
    // A program the guest execs runs on the same CPU, toggles included.
    let (status, out, _) = emu(&["-cpu", "cortex-a53", p, "exec"], None);
    assert_eq!((status, out.as_str()), (Status::Exit(0), a53.as_str()));
    let (_, out, _) = emu(&["--cpu=max,-lse", p, "exec"], None);
    assert!(
        out.contains("lse       SIGILL\n") && !out.contains("atomics"),
        "{out}"
    );
}

#[test]
fn help_lists_models_and_features() {
    let (status, out, err) = emu(&["-cpu", "help"], None);
    assert_eq!(status, Status::Exit(0), "{err}");
    for model in ["max", "cortex-a53", "cortex-a72", "neoverse-n1"] {
        assert!(
            out.contains(&format!("\n  {model:<12} MIDR_EL1 0x")),
            "{model}: {out}"
        );
    }
    assert!(out.contains("MIDR_EL1 0x410fd034"));
    for feature in [
        "lse", "crc", "rdm", "dotprod", "lrcpc", "aes", "sha3", "fp16",
    ] {
        assert!(
            out.contains(&format!("\n  {feature:<9} FEAT_")),
            "{feature}: {out}"
        );
    }
    assert!(out.contains("\n  ssbs      FEAT_SSBS2\n") && out.contains("\n  dit       FEAT_DIT\n"));
    // Every feature of the real cores is implemented.
    assert!(!out.contains("not implemented by emu"), "{out}");
    // The environment variable works too.
    let (status, env_out, _) = emu(&[], Some("help"));
    assert_eq!((status, env_out), (Status::Exit(0), out));
}

#[test]
fn bad_models_and_features_are_one_line_and_status_2() {
    for (spec, needle) in [
        ("cortex-a99", "unknown CPU model \"cortex-a99\""),
        ("max,-nope", "unknown CPU feature \"nope\""),
        ("max,lse", "bad CPU feature item \"lse\""),
    ] {
        let (status, out, err) = emu(&["-cpu", spec, "/bin/true"], None);
        assert_eq!(status, Status::Exit(2), "{spec}: {err}");
        assert_eq!(out, "");
        assert_eq!(err.lines().count(), 1, "{err:?}");
        assert!(
            err.starts_with(&format!("emu-user: -cpu {spec}: ")),
            "{err}"
        );
        assert!(err.contains(needle), "{err}");
    }
}
