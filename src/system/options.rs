//! The `-drive` and `-device` options of `emu-system`, spelled as
//! qemu-system spells them on its `virt` board, turned into the list of
//! virtio devices the board gets.
//!
//! - `-drive file=IMG[,format=raw][,readonly=on|off][,if=virtio|none][,id=ID]`:
//!   a raw image; `if=virtio` (the default) makes it a virtio-blk disk,
//!   `if=none` leaves it to a `-device virtio-blk-device,drive=ID`.
//! - `-device virtio-blk-device,drive=ID`, `-device virtio-rng-device`
//!   (also spelled `virtio-rng`).

use std::path::PathBuf;

/// One virtio device of the board, in slot order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VirtioSpec {
    Blk { file: PathBuf, readonly: bool },
    Rng,
}

struct Drive {
    file: PathBuf,
    readonly: bool,
    id: Option<String>,
    /// `if=virtio`: a disk of its own; `if=none`: used by a `-device`.
    virtio: bool,
    used: bool,
}

/// `key=value` pairs of a comma list; a bare first word is `driver`.
fn pairs(s: &str, first: &str) -> Result<Vec<(String, String)>, String> {
    s.split(',')
        .enumerate()
        .map(|(i, item)| match item.split_once('=') {
            Some((k, v)) => Ok((k.to_owned(), v.to_owned())),
            None if i == 0 && !first.is_empty() => Ok((first.to_owned(), item.to_owned())),
            None => Err(format!("'{item}' in '{s}' is not KEY=VALUE")),
        })
        .collect()
}

fn on_off(key: &str, v: &str) -> Result<bool, String> {
    match v {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" => Ok(false),
        _ => Err(format!("{key}={v}: expected on or off")),
    }
}

fn parse_drive(s: &str) -> Result<Drive, String> {
    let mut d = Drive {
        file: PathBuf::new(),
        readonly: false,
        id: None,
        virtio: true,
        used: false,
    };
    for (k, v) in pairs(s, "")? {
        match k.as_str() {
            "file" => d.file = PathBuf::from(v),
            "format" if v == "raw" => {}
            "format" => return Err(format!("-drive format={v}: only raw images are supported")),
            "readonly" => d.readonly = on_off(&k, &v)?,
            "if" if v == "virtio" || v == "none" => d.virtio = v == "virtio",
            "if" => return Err(format!("-drive if={v}: the board has virtio disks only")),
            "id" => d.id = Some(v),
            "media" if v == "disk" => {}
            _ => return Err(format!("-drive: unsupported option {k}={v}")),
        }
    }
    if d.file.as_os_str().is_empty() {
        return Err(format!("-drive {s}: file= is missing"));
    }
    Ok(d)
}

/// The board's virtio devices from the `-drive` and `-device` arguments:
/// first each `if=virtio` drive, then the `-device`s, in command-line
/// order.
pub fn virtio_devices(drives: &[String], devices: &[String]) -> Result<Vec<VirtioSpec>, String> {
    let mut drives: Vec<Drive> = drives
        .iter()
        .map(|s| parse_drive(s))
        .collect::<Result<_, _>>()?;
    let mut out: Vec<VirtioSpec> = drives
        .iter()
        .filter(|d| d.virtio)
        .map(|d| VirtioSpec::Blk {
            file: d.file.clone(),
            readonly: d.readonly,
        })
        .collect();
    for s in devices {
        let kv = pairs(s, "driver")?;
        let (_, driver) = &kv[0];
        let rest = &kv[1..];
        match driver.as_str() {
            "virtio-rng-device" | "virtio-rng" => {
                if let Some((k, _)) = rest.first() {
                    return Err(format!("-device {driver}: unsupported option {k}"));
                }
                out.push(VirtioSpec::Rng);
            }
            "virtio-blk-device" => {
                let mut id = None;
                for (k, v) in rest {
                    match k.as_str() {
                        "drive" => id = Some(v.clone()),
                        _ => return Err(format!("-device {driver}: unsupported option {k}")),
                    }
                }
                let id = id.ok_or(format!("-device {driver}: drive= is missing"))?;
                let d = drives
                    .iter_mut()
                    .find(|d| d.id.as_deref() == Some(id.as_str()) && !d.virtio)
                    .ok_or(format!("-device {driver}: no -drive if=none,id={id}"))?;
                if d.used {
                    return Err(format!("-device {driver}: drive {id} is already in use"));
                }
                d.used = true;
                out.push(VirtioSpec::Blk {
                    file: d.file.clone(),
                    readonly: d.readonly,
                });
            }
            _ => return Err(format!("-device {driver}: unknown device")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn drives_and_devices() {
        let got = virtio_devices(
            &strs(&[
                "file=a.img,format=raw",
                "if=none,id=d,file=b.img,readonly=on",
            ]),
            &strs(&["virtio-rng-device", "virtio-blk-device,drive=d"]),
        )
        .unwrap();
        assert_eq!(
            got,
            vec![
                VirtioSpec::Blk {
                    file: "a.img".into(),
                    readonly: false
                },
                VirtioSpec::Rng,
                VirtioSpec::Blk {
                    file: "b.img".into(),
                    readonly: true
                },
            ]
        );
    }

    #[test]
    fn bad_options() {
        for (drives, devices) in [
            (vec!["file=a,format=qcow2"], vec![]),
            (vec!["format=raw"], vec![]),
            (vec!["file=a,if=ide"], vec![]),
            (vec!["file=a,readonly=maybe"], vec![]),
            (vec![], vec!["virtio-net-device"]),
            (vec![], vec!["virtio-blk-device,drive=x"]),
            (
                vec!["file=a,if=none,id=x"],
                vec!["virtio-blk-device,drive=x", "virtio-blk-device,drive=x"],
            ),
        ] {
            assert!(
                virtio_devices(&strs(&drives), &strs(&devices)).is_err(),
                "{drives:?} {devices:?}"
            );
        }
    }
}
