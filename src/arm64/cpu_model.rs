//! CPU models: what the guest CPU announces (MIDR_EL1, ID registers, hence
//! AT_HWCAP and /proc/cpuinfo) and executes. A model is a core from
//! [`CORES`] with features of [`super::features`] turned on or off:
//! `max` (every feature emu implements; the default) or a real core, then
//! `+feat` / `-feat` (or `feat=on` / `feat=off`) items, as in
//! `-cpu cortex-a53,+lse` or `-cpu max,-lse`.
//!
//! The translator refuses the encodings of disabled features as undefined
//! (SIGILL), the way the core itself does.

use super::encodings::{rows, Insn};
use super::features::{by_name, Enc, Feat, Feature, FeatureSet, IdReg, IdRegs, FEATURES};
use super::sysreg;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A processor emu can present.
#[derive(Debug, PartialEq, Eq)]
pub struct Core {
    pub name: &'static str,
    /// What it is.
    pub about: &'static str,
    /// MIDR_EL1 (implementer, variant, part, revision).
    pub midr: u64,
    /// Its features, `None` for every feature emu implements.
    pub features: Option<&'static [Feat]>,
}

use Feat::*;

/// The models `-cpu` accepts.
pub const CORES: &[Core] = &[
    Core {
        name: "max",
        about: "every feature emu implements (default)",
        midr: sysreg::MIDR,
        features: None,
    },
    // Cortex-A53 r0p4: Armv8.0-A with the cryptographic extension and CRC32.
    Core {
        name: "cortex-a53",
        about: "Arm Cortex-A53 r0p4, Armv8.0-A",
        midr: 0x410f_d034,
        features: Some(&[Crc, Aes, Pmull, Sha1, Sha2]),
    },
    // Cortex-A72 r0p3: the same features (without the cryptographic
    // extension, as on a Raspberry Pi 4: cortex-a72,-aes,-sha1).
    Core {
        name: "cortex-a72",
        about: "Arm Cortex-A72 r0p3, Armv8.0-A",
        midr: 0x410f_d083,
        features: Some(&[Crc, Aes, Pmull, Sha1, Sha2]),
    },
    // Neoverse N1 r3p1: Armv8.2-A. ID_AA64ISAR0_EL1 = 0x0000100010211120,
    // ID_AA64ISAR1_EL1 = 0x00100001, ID_AA64PFR0_EL1.FP/AdvSIMD = 1 (FP16)
    // and DIT = 0 (no FEAT_DIT), ID_AA64PFR1_EL1.SSBS = 2 (FEAT_SSBS2),
    // ID_AA64MMFR1_EL1.LO = 1.
    Core {
        name: "neoverse-n1",
        about: "Arm Neoverse N1 r3p1, Armv8.2-A",
        midr: 0x413f_d0c1,
        features: Some(&[
            Crc, Lse, Rdm, Lor, Dpb, Lrcpc, Aes, Pmull, Sha1, Sha2, DotProd, Fp16, Ssbs,
        ]),
    },
];

impl Core {
    /// The features the real core has (every one emu implements for `max`).
    pub fn all_features(&self) -> FeatureSet {
        self.features
            .map_or(FeatureSet::IMPLEMENTED, FeatureSet::of)
    }

    /// The core's features emu does not implement.
    pub fn missing(&self) -> impl Iterator<Item = &'static Feature> {
        let have = self.all_features();
        FEATURES
            .iter()
            .filter(move |f| have.has(f.feat) && !f.implemented)
    }
}

/// The ID register fields every model shares (Linux's EL0 view):
/// ID_AA64PFR0_EL1 EL0 = EL1 = 1 (AArch64 only; Linux shows these hidden
/// fields as their safe value), FP = AdvSIMD = 0 (implemented).
const BASE_IDS: IdRegs = IdRegs {
    pfr0: 0x11,
    pfr1: 0,
    isar0: 0,
    isar1: 0,
};

/// The guest CPU: a core and the features it has enabled.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Cpu {
    core: &'static Core,
    features: FeatureSet,
}

impl Default for Cpu {
    fn default() -> Cpu {
        Cpu::MAX
    }
}

impl Cpu {
    /// The `max` model.
    pub const MAX: Cpu = Cpu {
        core: &CORES[0],
        features: FeatureSet::IMPLEMENTED,
    };

    /// The ID registers of `max`.
    pub const MAX_IDS: IdRegs = IdRegs::announcing(BASE_IDS, FeatureSet::IMPLEMENTED);

    /// Parses `NAME[,ITEM]...`, each ITEM `+feat`, `-feat`, `feat=on` or
    /// `feat=off`, applied left to right. Turning a feature on turns on the
    /// implemented features it requires; turning it off turns off the
    /// features that require it.
    pub fn parse(spec: &str) -> Result<Cpu, String> {
        let mut items = spec.split(',');
        let name = items.next().unwrap_or("").trim();
        let core = CORES
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| format!("unknown CPU model {name:?} (-cpu help lists the models)"))?;
        let mut features = core.all_features().0 & FeatureSet::IMPLEMENTED.0;
        for item in items.map(str::trim).filter(|i| !i.is_empty()) {
            let (fname, on) = parse_item(item)?;
            let f = by_name(fname).ok_or_else(|| {
                format!("unknown CPU feature {fname:?} in {item:?} (-cpu help lists the features)")
            })?;
            if on && !f.implemented {
                return Err(format!(
                    "cannot turn on {} ({}): emu does not implement it",
                    f.name, f.arm
                ));
            }
            features = if on {
                with_requirements(FeatureSet(features), f.feat).0
            } else {
                without_dependents(FeatureSet(features), f.feat).0
            };
        }
        Ok(Cpu {
            core,
            features: FeatureSet(features),
        })
    }

    pub fn core(&self) -> &'static Core {
        self.core
    }

    /// The enabled (executed) features.
    pub fn features(&self) -> FeatureSet {
        self.features
    }

    pub fn has(&self, f: Feat) -> bool {
        self.features.has(f)
    }

    pub fn midr(&self) -> u64 {
        self.core.midr
    }

    /// The PSTATE bits besides NZCV that this CPU has (FEAT_DIT's DIT,
    /// FEAT_SSBS's SSBS): on a CPU without them they are RES0, so
    /// rt_sigreturn cannot set them.
    pub fn pstate_mask(&self) -> u64 {
        let bit = |f: Feat, b: u64| if self.has(f) { b } else { 0 };
        bit(Dit, sysreg::PSTATE_DIT) | bit(Ssbs, sysreg::PSTATE_SSBS)
    }

    /// PSTATE as a new program starts: DIT clear, and SSBS set (Linux's
    /// default, dynamic Spectre-v4 mitigation lets a task that has not
    /// asked for it via prctl or seccomp bypass stores speculatively:
    /// spectre_v4_enable_task_mitigation at exec).
    pub fn initial_pstate(&self) -> u64 {
        self.pstate_mask() & sysreg::PSTATE_SSBS
    }

    /// The ID registers the guest reads.
    pub fn id_regs(&self) -> IdRegs {
        IdRegs::announcing(BASE_IDS, self.features)
    }

    /// The value of an ID register.
    pub fn id_reg(&self, reg: IdReg) -> u64 {
        self.id_regs().get(reg)
    }

    /// The model as a `-cpu` argument that gives it back: the core, then
    /// the differences from its features.
    pub fn spec(&self) -> String {
        let base = self.core.all_features().0 & FeatureSet::IMPLEMENTED.0;
        let mut s = self.core.name.to_string();
        for f in FEATURES {
            let bit = 1 << f.feat as u32;
            if (base ^ self.features.0) & bit != 0 {
                let sign = if self.features.0 & bit != 0 { '+' } else { '-' };
                s.push_str(&format!(",{sign}{}", f.name));
            }
        }
        s
    }

    /// Whether this CPU executes `word`, decoded as `insn`: false when it
    /// belongs to a disabled feature (the translator then makes it undefined).
    pub fn allows(&self, insn: Insn, word: u32) -> bool {
        self.features == FeatureSet::IMPLEMENTED || self.missing_feature(insn, word).is_none()
    }

    /// The first disabled feature `word` (decoded as `insn`) needs, if any.
    /// A word may need several: FCMLA on half-precision lanes is FEAT_FCMA
    /// and FEAT_FP16.
    pub fn missing_feature(&self, insn: Insn, word: u32) -> Option<Feat> {
        owners()
            .get(&insn)?
            .iter()
            .filter(|(_, pred)| pred.is_none_or(|p| p(word)))
            .map(|(f, _)| *f)
            .find(|f| !self.has(*f))
    }
}

/// `+name`, `-name`, `name=on`, `name=off`: (name, on).
fn parse_item(item: &str) -> Result<(&str, bool), String> {
    if let Some(n) = item.strip_prefix('+') {
        return Ok((n, true));
    }
    if let Some(n) = item.strip_prefix('-') {
        return Ok((n, false));
    }
    match item.split_once('=') {
        Some((n, "on" | "true" | "yes")) => Ok((n, true)),
        Some((n, "off" | "false" | "no")) => Ok((n, false)),
        _ => Err(format!(
            "bad CPU feature item {item:?} (expected +feat, -feat, feat=on or feat=off)"
        )),
    }
}

/// `set` with `f` and, transitively, the implemented features it requires.
fn with_requirements(set: FeatureSet, f: Feat) -> FeatureSet {
    let row = &FEATURES[f as usize];
    if !row.implemented || set.has(f) {
        return set;
    }
    row.requires
        .iter()
        .fold(set.with(f), |s, &r| with_requirements(s, r))
}

/// `set` without `f` and, transitively, the features that require it.
fn without_dependents(set: FeatureSet, f: Feat) -> FeatureSet {
    FEATURES
        .iter()
        .filter(|g| g.requires.contains(&f) && set.has(g.feat))
        .fold(set.without(f), |s, g| without_dependents(s, g.feat))
}

type Owners = HashMap<Insn, Vec<(Feat, Option<fn(u32) -> bool>)>>;

/// For each encoding that belongs to features, the features (with the
/// predicate selecting their words), from the feature table by row name.
fn owners() -> &'static Owners {
    static OWNERS: OnceLock<Owners> = OnceLock::new();
    OWNERS.get_or_init(|| {
        let mut map = Owners::new();
        for row in rows() {
            for f in FEATURES {
                for e in f.encodings.iter().filter(|e| e.row() == row.name) {
                    let pred = match *e {
                        Enc::Row(_) => None,
                        Enc::Where(_, p) => Some(p),
                    };
                    map.entry(row.insn).or_default().push((f.feat, pred));
                }
            }
        }
        map
    })
}

/// The text of `-cpu help`.
pub fn help() -> String {
    let mut out =
        String::from("CPU models (-cpu NAME[,+FEAT|-FEAT|FEAT=on|FEAT=off]...; env EMU_CPU):\n");
    for c in CORES {
        out.push_str(&format!(
            "  {:<12} MIDR_EL1 0x{:08x}  {}\n",
            c.name, c.midr, c.about
        ));
        let has: Vec<&str> = c
            .all_features()
            .iter()
            .filter(|f| f.implemented)
            .map(|f| f.name)
            .collect();
        out.push_str(&format!("               features: {}\n", has.join(" ")));
        let missing: Vec<String> = c
            .missing()
            .map(|f| format!("{} ({})", f.name, f.arm))
            .collect();
        if !missing.is_empty() {
            out.push_str(&format!(
                "               not implemented by emu, left out and not announced: {}\n",
                missing.join(", ")
            ));
        }
    }
    out.push_str(
        "Features (FP and Advanced SIMD are always present; turning a feature on\n\
         turns on what it requires, turning it off turns off what requires it):\n",
    );
    for f in FEATURES {
        let mut notes = Vec::new();
        if !f.aliases.is_empty() {
            notes.push(format!("also {}", f.aliases.join(", ")));
        }
        if !f.requires.is_empty() {
            let req: Vec<&str> = f
                .requires
                .iter()
                .map(|r| FEATURES[*r as usize].name)
                .collect();
            notes.push(format!("requires {}", req.join(", ")));
        }
        if !f.implemented {
            notes.push("not implemented by emu".into());
        } else if f.id.is_empty() {
            notes.push("executed but not announced".into());
        } else if f
            .requires
            .iter()
            .any(|r| !FEATURES[*r as usize].implemented)
        {
            notes.push("executed, announced only with what it requires".into());
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join("; "))
        };
        out.push_str(&format!("  {:<9} {}{notes}\n", f.name, f.arm));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_is_every_implemented_feature() {
        let max = Cpu::parse("max").unwrap();
        assert_eq!(max, Cpu::MAX);
        assert_eq!(max.spec(), "max");
        assert_eq!(max.id_regs(), Cpu::MAX_IDS);
        assert_eq!(max.midr(), sysreg::MIDR);
    }

    #[test]
    fn real_cores_announce_their_id_registers() {
        let a53 = Cpu::parse("cortex-a53").unwrap();
        assert_eq!(a53.midr(), 0x410f_d034);
        assert_eq!(a53.id_regs().isar0, 0x0001_1120);
        assert_eq!(a53.id_regs().isar1, 0);
        assert_eq!(a53.id_regs().pfr0, 0x11);
        let n1 = Cpu::parse("neoverse-n1").unwrap();
        assert_eq!(n1.id_regs().isar0, 0x0000_1000_1021_1120);
        assert_eq!(n1.id_regs().isar1, 0x0010_0001);
        // FP and AdvSIMD with half precision, no DIT; SSBS = 2.
        assert_eq!((n1.id_regs().pfr0, n1.id_regs().pfr1), (0x0011_0011, 0x20));
        assert!(n1.has(Feat::Fp16) && n1.has(Feat::Lor) && n1.has(Feat::Ssbs));
        assert!(!n1.has(Feat::Dit));
        assert_eq!(n1.core().missing().count(), 0);
        assert_eq!(n1.pstate_mask(), sysreg::PSTATE_SSBS);
        assert_eq!(n1.initial_pstate(), sysreg::PSTATE_SSBS);
        // The A53 has neither.
        assert_eq!((a53.id_regs().pfr1, a53.pstate_mask()), (0, 0));
        assert_eq!(a53.initial_pstate(), 0);
        // max: ID_AA64PFR0_EL1.DIT = 1, ID_AA64PFR1_EL1.SSBS = 2.
        assert_eq!(Cpu::MAX_IDS.pfr0 >> 48 & 0xf, 1);
        assert_eq!(Cpu::MAX_IDS.pfr1 >> 4 & 0xf, 2);
        assert_eq!(Cpu::MAX.pstate_mask(), (1 << 24) | (1 << 12));
        assert_eq!(Cpu::MAX.initial_pstate(), 1 << 12);
    }

    #[test]
    fn toggles_follow_requirements() {
        let c = Cpu::parse("max,-lse").unwrap();
        assert!(!c.has(Feat::Lse) && c.has(Feat::Crc));
        assert_eq!(c.id_regs().isar0 >> 20 & 0xf, 0);
        assert_eq!(c.spec(), "max,-lse");
        assert_eq!(Cpu::parse(&c.spec()).unwrap(), c);
        // -aes takes PMULL with it; +pmull brings AES back.
        let c = Cpu::parse("cortex-a72,-aes").unwrap();
        assert!(!c.has(Feat::Pmull) && c.id_regs().isar0 & 0xf0 == 0);
        let c = Cpu::parse("cortex-a72,-aes,+pmull").unwrap();
        assert_eq!(c.id_regs().isar0 & 0xf0, 0x20);
        // -sha1 takes SHA256 (and SHA512, SHA3) with it.
        let c = Cpu::parse("max,sha1=off").unwrap();
        assert!(!c.has(Feat::Sha2) && !c.has(Feat::Sha512) && !c.has(Feat::Sha3));
        assert_eq!(c.id_regs().isar0 & 0xff00, 0);
        // SHA512 and SHA3, SM3 and SM4 come and go in pairs.
        let c = Cpu::parse("max,-sha3,-sm4").unwrap();
        assert!(!c.has(Feat::Sha512) && c.has(Feat::Sha2) && !c.has(Feat::Sm3));
        let c = Cpu::parse("cortex-a53,+sha3").unwrap();
        assert_eq!(c.id_regs().isar0 >> 12 & 0xf, 2);
        assert_eq!(c.id_regs().isar0 >> 32 & 0xf, 1);
        let c = Cpu::parse("cortex-a53,+lrcpc2,crc32=off,atomics=on").unwrap();
        assert!(c.has(Feat::Lrcpc) && c.has(Feat::Lse) && !c.has(Feat::Crc));
        assert_eq!(c.spec(), "cortex-a53,-crc,+lse,+lrcpc,+lrcpc2");
        assert_eq!(Cpu::parse(&c.spec()).unwrap(), c);
        // +fhm brings the FP16 it requires; -fp16 takes FHM.
        let c = Cpu::parse("cortex-a53,+fhm").unwrap();
        assert!(c.has(Feat::Fhm) && c.has(Feat::Fp16) && c.id_regs().isar0 >> 48 & 0xf == 1);
        let c = Cpu::parse("max,-fp16").unwrap();
        assert!(!c.has(Feat::Fhm) && c.id_regs().pfr0 >> 16 & 0xff == 0);
        // -dit and -ssbs clear their ID fields and PSTATE bits.
        let c = Cpu::parse("max,-dit").unwrap();
        assert_eq!(c.id_regs().pfr0 >> 48 & 0xf, 0);
        assert_eq!((c.pstate_mask(), c.spec().as_str()), (1 << 12, "max,-dit"));
        let c = Cpu::parse("max,ssbs=off").unwrap();
        assert_eq!(
            (c.id_regs().pfr1, c.pstate_mask(), c.initial_pstate()),
            (0, 1 << 24, 0)
        );
        let c = Cpu::parse("cortex-a72,+dit,+ssbs").unwrap();
        assert_eq!((c.id_regs().pfr0 >> 48, c.id_regs().pfr1), (1, 0x20));
        assert_eq!(Cpu::parse(&c.spec()).unwrap(), c);
    }

    #[test]
    fn bad_specs_are_errors() {
        assert!(Cpu::parse("cortex-a99").unwrap_err().contains("cortex-a99"));
        assert!(Cpu::parse("max,-nope").unwrap_err().contains("nope"));
        assert!(Cpu::parse("max,lse").is_err());
        assert!(Cpu::parse("max,lse=maybe").is_err());
    }

    #[test]
    fn disabled_encodings_are_refused() {
        use crate::arm64::decode;
        let a53 = Cpu::parse("cortex-a53").unwrap();
        let refused = |cpu: &Cpu, word: u32| {
            let f = decode(word).unwrap();
            !cpu.allows(f.entry.insn, word)
        };
        // ldadd x1, x2, [x0]; cas x1, x2, [x0]; crc32b w0, w1, w2
        assert!(refused(&a53, 0xf821_0002));
        assert!(refused(&a53, 0xc8a1_7c02));
        assert!(!refused(&a53, 0x1ac2_4020));
        // pmull v0.1q (FEAT_PMULL) runs on the A53, not without AES.
        assert!(!refused(&a53, 0x0ee2_e020));
        let no_aes = Cpu::parse("cortex-a53,-aes").unwrap();
        assert!(refused(&no_aes, 0x0ee2_e020));
        assert!(!refused(&no_aes, 0x0e22_e020));
        // dc cvap: FEAT_DPB (N1 has it, the A53 does not); dc cvau always.
        let n1 = Cpu::parse("neoverse-n1").unwrap();
        assert!(refused(&a53, 0xd50b_7c20) && !refused(&n1, 0xd50b_7c20));
        assert!(refused(&n1, 0xd50b_7d20) && !refused(&a53, 0xd50b_7b20));
        // ldadd is fine on max and N1.
        assert!(!refused(&Cpu::MAX, 0xf821_0002) && !refused(&n1, 0xf821_0002));
        // msr dit, #1; mrs x0, dit; msr ssbs, #1; mrs x0, ssbs; msr ssbs, x0:
        // the N1 has SSBS but not DIT, the A53 neither.
        let (dit, ssbs) = (
            [0xd503_415f, 0xd53b_42a0],
            [0xd503_413f, 0xd53b_42c0, 0xd51b_42c0],
        );
        for w in dit {
            assert!(refused(&a53, w) && refused(&n1, w) && !refused(&Cpu::MAX, w));
        }
        for w in ssbs {
            assert!(refused(&a53, w) && !refused(&n1, w) && !refused(&Cpu::MAX, w));
        }
        let no_ssbs = Cpu::parse("max,-ssbs").unwrap();
        assert!(refused(&no_ssbs, 0xd53b_42c0) && !refused(&no_ssbs, 0xd53b_42a0));
        // mrs x0, nzcv stays.
        assert!(!refused(&a53, 0xd53b_4200));
    }

    #[test]
    fn help_lists_models_features_and_gaps() {
        let h = help();
        for c in CORES {
            assert!(h.contains(c.name));
        }
        for f in FEATURES {
            assert!(
                h.contains(&format!("  {:<9} {}", f.name, f.arm)),
                "{}",
                f.name
            );
        }
        assert!(!h.contains("not implemented by emu, left out"));
    }
}
