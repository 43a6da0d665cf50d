//! The `-drive` and `-device` options of `emu-system`, spelled as
//! qemu-system spells them on its `virt` board, turned into the list of
//! virtio devices the board gets.
//!
//! - `-drive file=IMG[,format=raw][,readonly=on|off][,if=virtio|none][,id=ID]`:
//!   a raw image; `if=virtio` (the default) makes it a virtio-blk disk,
//!   `if=none` leaves it to a `-device virtio-blk-device,drive=ID`.
//! - `-device virtio-blk-device,drive=ID`, `-device virtio-rng-device`
//!   (also spelled `virtio-rng`).
//! - `-device virtio-serial-device[,max_ports=N]` (default 31 ports), then
//!   its ports: `-device virtconsole,chardev=ID[,name=NAME][,nr=N]` (a
//!   console: the guest's hvc0, hvc1, ...; the first takes port 0) and
//!   `-device virtserialport,chardev=ID[,name=NAME][,nr=N]` (a named port,
//!   /dev/vportXpN in the guest), each on the last virtio-serial-device
//!   before it. The chardevs are `-chardev`s ([`super::chardev`]).
//! - `-device virtio-net-device,netdev=ID[,mac=MAC]` on a `-netdev
//!   user,id=ID,...`, or `-nic user[,mac=MAC][,...]` (a card and its
//!   network in one; after the `-device`s; `-nic none` adds nothing): a
//!   virtio-net card on a
//!   user-mode network ([`super::net::config`]). Cards without a MAC get
//!   52:54:00:12:34:56, then ...:57 and so on.

use super::chardev::{Backend, Chardevs};
use super::net::config::{self as netconf, NetConfig};
use super::net::eth::Mac;
use std::path::PathBuf;

/// One virtio device of the board, in slot order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VirtioSpec {
    Blk {
        file: PathBuf,
        readonly: bool,
    },
    Rng,
    /// A virtio console with room for `max_ports` ports.
    Serial {
        max_ports: u32,
        ports: Vec<PortSpec>,
    },
    /// A network card on a user-mode network.
    Net {
        mac: Option<Mac>,
        net: NetConfig,
    },
}

/// A port of a [`VirtioSpec::Serial`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortSpec {
    pub nr: u32,
    pub console: bool,
    pub name: Option<String>,
    pub backend: Backend,
}

/// Ports a virtio-serial-device has unless `max_ports` says otherwise.
const DEFAULT_PORTS: u32 = 31;
/// Most ports accepted (two queues each, plus the control pair).
const MAX_PORTS: u32 = 511;

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

/// A `virtio-serial-device`'s options.
fn serial_device(rest: &[(String, String)]) -> Result<VirtioSpec, String> {
    let mut max_ports = DEFAULT_PORTS;
    for (k, v) in rest {
        match k.as_str() {
            "max_ports" => {
                max_ports = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_PORTS).contains(n))
                    .ok_or(format!("max_ports={v}: expected 1 to {MAX_PORTS}"))?;
            }
            _ => {
                return Err(format!(
                    "-device virtio-serial-device: unsupported option {k}"
                ))
            }
        }
    }
    Ok(VirtioSpec::Serial {
        max_ports,
        ports: Vec::new(),
    })
}

/// Adds a `virtconsole` or `virtserialport` to the last virtio-serial
/// device in `out`.
fn serial_port(
    out: &mut [VirtioSpec],
    driver: &str,
    rest: &[(String, String)],
    chardevs: &mut Chardevs,
) -> Result<(), String> {
    let console = driver == "virtconsole";
    let (mut chardev, mut name, mut nr) = (None, None, None);
    for (k, v) in rest {
        match k.as_str() {
            "chardev" => chardev = Some(v.clone()),
            "name" => name = Some(v.clone()),
            "nr" => nr = Some(v.parse::<u32>().map_err(|_| format!("{driver}: nr={v}"))?),
            _ => return Err(format!("-device {driver}: unsupported option {k}")),
        }
    }
    let Some(VirtioSpec::Serial { max_ports, ports }) = out
        .iter_mut()
        .rev()
        .find(|d| matches!(d, VirtioSpec::Serial { .. }))
    else {
        return Err(format!(
            "-device {driver}: needs a -device virtio-serial-device before it"
        ));
    };
    let taken = |n: u32| ports.iter().any(|p| p.nr == n);
    let nr = match nr {
        Some(0) if !console => {
            return Err(format!("-device {driver}: port 0 is for a virtconsole"))
        }
        Some(n) if n >= *max_ports || taken(n) => {
            return Err(format!(
                "-device {driver}: port nr={n} is taken or past max_ports"
            ))
        }
        Some(n) => n,
        None => (u32::from(!console)..*max_ports)
            .find(|&n| !taken(n))
            .ok_or(format!(
                "-device {driver}: no free port (max_ports={max_ports})"
            ))?,
    };
    let chardev = chardev.ok_or(format!("-device {driver}: chardev= is missing"))?;
    let backend = chardevs.take(&chardev, &format!("-device {driver}"))?;
    ports.push(PortSpec {
        nr,
        console,
        name,
        backend,
    });
    Ok(())
}

/// The `-netdev`s, by id, and whether a card uses each.
struct Netdevs(Vec<(String, NetConfig, bool)>);

impl Netdevs {
    fn new(specs: &[String]) -> Result<Netdevs, String> {
        let mut v: Vec<(String, NetConfig, bool)> = Vec::new();
        for s in specs {
            let kv = pairs(s, "type")?;
            if kv[0] != ("type".to_owned(), "user".to_owned()) {
                return Err(format!("-netdev {s}: only the user backend is supported"));
            }
            let mut id = None;
            let net = netconf::parse_user(&kv[1..], |k, v| {
                Ok(k == "id" && id.replace(v.to_owned()).is_none())
            })?;
            let id = id.ok_or(format!("-netdev {s}: id= is missing"))?;
            if v.iter().any(|(i, _, _)| *i == id) {
                return Err(format!("-netdev {s}: id {id} is used twice"));
            }
            v.push((id, net, false));
        }
        Ok(Netdevs(v))
    }

    fn take(&mut self, id: &str) -> Result<NetConfig, String> {
        let (_, net, used) = self
            .0
            .iter_mut()
            .find(|(i, _, _)| i == id)
            .ok_or(format!("-device virtio-net-device: no -netdev id={id}"))?;
        if std::mem::replace(used, true) {
            return Err(format!(
                "-device virtio-net-device: netdev {id} is already in use"
            ));
        }
        Ok(net.clone())
    }
}

/// A `virtio-net-device`'s options.
fn net_device(rest: &[(String, String)], netdevs: &mut Netdevs) -> Result<VirtioSpec, String> {
    let (mut id, mut mac) = (None, None);
    for (k, v) in rest {
        match k.as_str() {
            "netdev" => id = Some(v.clone()),
            "mac" => mac = Some(netconf::mac(v)?),
            _ => return Err(format!("-device virtio-net-device: unsupported option {k}")),
        }
    }
    let id = id.ok_or("-device virtio-net-device: netdev= is missing")?;
    Ok(VirtioSpec::Net {
        mac,
        net: netdevs.take(&id)?,
    })
}

/// `-nic user[,mac=MAC][,model=virtio-net-device][,NETDEV OPTIONS]`.
fn nic(s: &str) -> Result<VirtioSpec, String> {
    let kv = pairs(s, "type")?;
    if kv[0] != ("type".to_owned(), "user".to_owned()) {
        return Err(format!("-nic {s}: only the user backend is supported"));
    }
    let mut mac = None;
    let net = netconf::parse_user(&kv[1..], |k, v| {
        match k {
            "mac" => mac = Some(netconf::mac(v)?),
            "model" if v == "virtio-net-device" || v == "virtio" => {}
            "model" => {
                return Err(format!(
                    "-nic model={v}: the board has virtio-net-device only"
                ))
            }
            "id" => {}
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(VirtioSpec::Net { mac, net })
}

/// The board's virtio devices from the `-drive`, `-device` and `-nic`
/// arguments: first each `if=virtio` drive, then the `-device`s, in
/// command-line order, then the `-nic`s. Console ports take their
/// backends from `chardevs`, network cards their networks from
/// `netdevs` (`-netdev`).
pub fn virtio_devices(
    drives: &[String],
    devices: &[String],
    chardevs: &mut Chardevs,
    netdevs: &[String],
    nics: &[String],
) -> Result<Vec<VirtioSpec>, String> {
    let mut netdevs = Netdevs::new(netdevs)?;
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
            "virtio-serial-device" => out.push(serial_device(rest)?),
            "virtio-net-device" => out.push(net_device(rest, &mut netdevs)?),
            "virtconsole" | "virtserialport" => serial_port(&mut out, driver, rest, chardevs)?,
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
    // `-nic none`: no card (qemu's way of saying so).
    for s in nics.iter().filter(|s| *s != "none") {
        out.push(nic(s)?);
    }
    if let Some((id, _, _)) = netdevs.0.iter().find(|(_, _, used)| !used) {
        return Err(format!(
            "-netdev {id}: no -device virtio-net-device,netdev={id} uses it"
        ));
    }
    // Default MACs in card order.
    let mut n = 0;
    for d in &mut out {
        if let VirtioSpec::Net { mac, .. } = d {
            mac.get_or_insert(netconf::default_mac(n));
            n += 1;
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
            &mut Chardevs::new(&[]).unwrap(),
            &[],
            &[],
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
            (vec![], vec!["virtio-net-device,netdev=x"]),
            (vec![], vec!["virtconsole,chardev=c"]),
            (vec![], vec!["virtio-serial-device", "virtconsole"]),
            (
                vec![],
                vec!["virtio-serial-device", "virtconsole,chardev=x"],
            ),
            (
                vec![],
                vec!["virtio-serial-device", "virtserialport,chardev=c,nr=0"],
            ),
            (vec![], vec!["virtio-serial-device,max_ports=0"]),
            (
                vec![],
                vec![
                    "virtio-serial-device,max_ports=2",
                    "virtconsole,chardev=c,nr=2",
                ],
            ),
            (vec![], vec!["virtio-blk-device,drive=x"]),
            (
                vec!["file=a,if=none,id=x"],
                vec!["virtio-blk-device,drive=x", "virtio-blk-device,drive=x"],
            ),
        ] {
            assert!(
                virtio_devices(
                    &strs(&drives),
                    &strs(&devices),
                    &mut Chardevs::new(&strs(&["null,id=c"])).unwrap(),
                    &[],
                    &[],
                )
                .is_err(),
                "{drives:?} {devices:?}"
            );
        }
    }

    #[test]
    fn console_ports() {
        let mut c = Chardevs::new(&strs(&["stdio,id=s", "null,id=n", "file,id=f,path=o"])).unwrap();
        assert_eq!(c.serial(Some("none")).unwrap(), None);
        let got = virtio_devices(
            &[],
            &strs(&[
                "virtio-serial-device",
                "virtserialport,chardev=n,name=org.emu.a",
                "virtconsole,chardev=s",
                "virtio-serial-device,max_ports=4",
                "virtconsole,chardev=f,nr=3",
            ]),
            &mut c,
            &[],
            &[],
        )
        .unwrap();
        let port = |nr, console, name: Option<&str>, backend| PortSpec {
            nr,
            console,
            name: name.map(str::to_owned),
            backend,
        };
        assert_eq!(
            got,
            vec![
                VirtioSpec::Serial {
                    max_ports: 31,
                    ports: vec![
                        port(1, false, Some("org.emu.a"), Backend::Null),
                        port(0, true, None, Backend::Stdio),
                    ]
                },
                VirtioSpec::Serial {
                    max_ports: 4,
                    ports: vec![port(3, true, None, Backend::File("o".into()))]
                },
            ]
        );
    }

    #[test]
    fn network_cards() {
        let got = virtio_devices(
            &[],
            &strs(&["virtio-rng-device", "virtio-net-device,netdev=a"]),
            &mut Chardevs::new(&[]).unwrap(),
            &strs(&["user,id=a,hostfwd=tcp::2222-:22"]),
            &strs(&[
                "user,model=virtio-net-device,net=10.0.3.0/24",
                "none",
                "user,mac=52:54:00:aa:bb:cc",
            ]),
        )
        .unwrap();
        let a = NetConfig {
            hostfwd: vec![netconf::HostFwd {
                proto: netconf::Proto::Tcp,
                host: "0.0.0.0:2222".parse().unwrap(),
                guest: "10.0.2.15:22".parse().unwrap(),
            }],
            ..NetConfig::default()
        };
        let b =
            netconf::parse_user(&[("net".into(), "10.0.3.0/24".into())], |_, _| Ok(false)).unwrap();
        assert_eq!(
            got,
            vec![
                VirtioSpec::Rng,
                VirtioSpec::Net {
                    mac: Some([0x52, 0x54, 0, 0x12, 0x34, 0x56]),
                    net: a
                },
                VirtioSpec::Net {
                    mac: Some([0x52, 0x54, 0, 0x12, 0x34, 0x57]),
                    net: b
                },
                VirtioSpec::Net {
                    mac: Some([0x52, 0x54, 0, 0xaa, 0xbb, 0xcc]),
                    net: NetConfig::default()
                },
            ]
        );
        let bad = |devices: &[&str], netdevs: &[&str], nics: &[&str]| {
            virtio_devices(
                &[],
                &strs(devices),
                &mut Chardevs::new(&[]).unwrap(),
                &strs(netdevs),
                &strs(nics),
            )
            .unwrap_err()
        };
        assert!(bad(&[], &["user,id=a"], &[]).contains("uses it"));
        assert!(bad(&[], &["tap,id=a"], &[]).contains("user backend"));
        assert!(bad(&[], &["user"], &[]).contains("id="));
        assert!(bad(&[], &["user,id=a", "user,id=a"], &[]).contains("twice"));
        let two = ["virtio-net-device,netdev=a", "virtio-net-device,netdev=a"];
        assert!(bad(&two, &["user,id=a"], &[]).contains("in use"));
        assert!(bad(&["virtio-net-device,netdev=a,mac=1:2"], &["user,id=a"], &[]).contains("mac"));
        assert!(bad(&[], &[], &["user,model=e1000"]).contains("model"));
        assert!(bad(&[], &[], &["user,bogus=1"]).contains("bogus"));
    }
}
