//! The options of a user-mode network, spelled as qemu-system spells
//! them: `-netdev user,id=ID[,net=ADDR[/MASK]][,host=ADDR][,dns=ADDR]
//! [,dhcpstart=ADDR][,hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]...`
//! and `-nic user[,mac=MAC][,model=virtio-net-device][,NETDEV OPTIONS]`.

use super::eth::{parse_mac, Mac};
use std::net::{Ipv4Addr, SocketAddrV4};

/// A user-mode network's addresses and forwarded ports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetConfig {
    /// The network and its mask (10.0.2.0/24).
    pub net: Ipv4Addr,
    pub mask: Ipv4Addr,
    /// The gateway, which is also the host (10.0.2.2): connections to it
    /// go to the host's 127.0.0.1.
    pub host: Ipv4Addr,
    /// The DNS server (10.0.2.3), forwarded to the host's resolver.
    pub dns: Ipv4Addr,
    /// The address DHCP hands out (10.0.2.15).
    pub dhcp_start: Ipv4Addr,
    pub hostfwd: Vec<HostFwd>,
}

/// `hostfwd=PROTO:HOSTADDR:HOSTPORT-GUESTADDR:GUESTPORT`: connections
/// (TCP) or datagrams (UDP) to the host's `host` go to the guest's `guest`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostFwd {
    pub proto: Proto,
    pub host: SocketAddrV4,
    pub guest: SocketAddrV4,
}

/// The transport a `hostfwd` forwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    Tcp,
    Udp,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig::on(Ipv4Addr::new(10, 0, 2, 0), 24)
    }
}

/// `net | n` (the `n`th address of the network).
fn nth(net: Ipv4Addr, n: u32) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(net) | n)
}

impl NetConfig {
    /// The usual addresses on network `net`/`prefix`: .2, .3 and .15.
    fn on(net: Ipv4Addr, prefix: u32) -> NetConfig {
        let mask = Ipv4Addr::from(u32::MAX.checked_shl(32 - prefix).unwrap_or(0));
        let net = Ipv4Addr::from(u32::from(net) & u32::from(mask));
        NetConfig {
            net,
            mask,
            host: nth(net, 2),
            dns: nth(net, 3),
            dhcp_start: nth(net, 15),
            hostfwd: Vec::new(),
        }
    }

    /// Whether `ip` is on the network.
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & u32::from(self.mask) == u32::from(self.net)
    }

    /// The network's broadcast address.
    pub fn broadcast(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.net) | !u32::from(self.mask))
    }
}

fn addr(key: &str, v: &str) -> Result<Ipv4Addr, String> {
    v.parse()
        .map_err(|_| format!("{key}={v}: not an IPv4 address"))
}

/// `ADDR[/PREFIX|/MASK]`.
fn network(v: &str) -> Result<(Ipv4Addr, u32), String> {
    let err = || format!("net={v}: expected ADDR[/PREFIX]");
    let (a, p) = v.split_once('/').unwrap_or((v, "24"));
    let a: Ipv4Addr = a.parse().map_err(|_| err())?;
    let prefix = match p.parse::<u32>() {
        Ok(n) if (8..=30).contains(&n) => n,
        Ok(_) => return Err(err()),
        Err(_) => {
            let m = u32::from(p.parse::<Ipv4Addr>().map_err(|_| err())?);
            if m.leading_ones() + m.trailing_zeros() != 32 || !(8..=30).contains(&m.leading_ones())
            {
                return Err(err());
            }
            m.leading_ones()
        }
    };
    Ok((a, prefix))
}

/// `[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT`; the guest
/// address left out is filled in later.
fn hostfwd(v: &str) -> Result<(Proto, SocketAddrV4, Option<Ipv4Addr>, u16), String> {
    let err =
        || format!("hostfwd={v}: expected [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT");
    let (proto, rest) = match v.split_once(':') {
        Some(("tcp" | "", rest)) => (Proto::Tcp, rest),
        Some(("udp", rest)) => (Proto::Udp, rest),
        _ => return Err(err()),
    };
    let (h, g) = rest.split_once('-').ok_or_else(err)?;
    let side = |s: &str| -> Result<(Option<Ipv4Addr>, u16), String> {
        let (a, p) = s.rsplit_once(':').ok_or_else(err)?;
        let a = if a.is_empty() {
            None
        } else {
            Some(a.parse().map_err(|_| err())?)
        };
        Ok((a, p.parse().map_err(|_| err())?))
    };
    let (ha, hp) = side(h)?;
    let (ga, gp) = side(g)?;
    if gp == 0 {
        return Err(err());
    }
    let host = SocketAddrV4::new(ha.unwrap_or(Ipv4Addr::UNSPECIFIED), hp);
    Ok((proto, host, ga, gp))
}

/// The network options of `opts` (KEY, VALUE pairs), each key one of
/// `net`, `host`, `dns`, `dhcpstart`, `hostfwd` (repeatable), `ipv4=on`;
/// other keys are passed to `other`, which says whether it took them.
pub fn parse_user(
    opts: &[(String, String)],
    mut other: impl FnMut(&str, &str) -> Result<bool, String>,
) -> Result<NetConfig, String> {
    let (mut net, mut host, mut dns, mut start) = (None, None, None, None);
    let mut fwds = Vec::new();
    for (k, v) in opts {
        match k.as_str() {
            "net" => net = Some(network(v)?),
            "host" => host = Some(addr(k, v)?),
            "dns" => dns = Some(addr(k, v)?),
            "dhcpstart" => start = Some(addr(k, v)?),
            "hostfwd" => fwds.push(hostfwd(v)?),
            "ipv4" if v == "on" => {}
            "ipv6" if v == "off" => {}
            _ => {
                if !other(k, v)? {
                    return Err(format!("-netdev user: unsupported option {k}={v}"));
                }
            }
        }
    }
    let mut c = match net {
        Some((a, p)) => NetConfig::on(a, p),
        None => NetConfig::default(),
    };
    c.host = host.unwrap_or(c.host);
    c.dns = dns.unwrap_or(c.dns);
    c.dhcp_start = start.unwrap_or(c.dhcp_start);
    for (name, a) in [
        ("host", c.host),
        ("dns", c.dns),
        ("dhcpstart", c.dhcp_start),
    ] {
        if !c.contains(a) || a == c.net || a == c.broadcast() {
            return Err(format!(
                "-netdev user: {name}={a} is not a host address of {}",
                c.net
            ));
        }
    }
    c.hostfwd = fwds
        .into_iter()
        .map(|(proto, host, ga, gp)| HostFwd {
            proto,
            host,
            guest: SocketAddrV4::new(ga.unwrap_or(c.dhcp_start), gp),
        })
        .collect();
    Ok(c)
}

/// The MAC of the `n`th network card without a `mac=`: 52:54:00:12:34:56
/// and up.
pub fn default_mac(n: usize) -> Mac {
    [0x52, 0x54, 0x00, 0x12, 0x34, 0x56u8.wrapping_add(n as u8)]
}

/// `mac=` as given.
pub fn mac(v: &str) -> Result<Mac, String> {
    let m = parse_mac(v).ok_or(format!("mac={v}: expected six hex bytes a:b:c:d:e:f"))?;
    if m[0] & 1 != 0 {
        return Err(format!("mac={v}: a multicast address"));
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(s: &str) -> Vec<(String, String)> {
        s.split(',')
            .map(|i| {
                let (k, v) = i.split_once('=').unwrap();
                (k.to_owned(), v.to_owned())
            })
            .collect()
    }

    fn user(s: &str) -> Result<NetConfig, String> {
        parse_user(&kv(s), |_, _| Ok(false))
    }

    #[test]
    fn defaults_and_net() {
        let c = parse_user(&[], |_, _| Ok(false)).unwrap();
        assert_eq!(c, NetConfig::default());
        assert_eq!(c.host, Ipv4Addr::new(10, 0, 2, 2));
        assert_eq!(c.dns, Ipv4Addr::new(10, 0, 2, 3));
        assert_eq!(c.dhcp_start, Ipv4Addr::new(10, 0, 2, 15));
        assert_eq!(c.broadcast(), Ipv4Addr::new(10, 0, 2, 255));
        let c = user("net=192.168.76.0/255.255.255.0,dns=192.168.76.20").unwrap();
        assert_eq!(c.host, Ipv4Addr::new(192, 168, 76, 2));
        assert_eq!(c.dns, Ipv4Addr::new(192, 168, 76, 20));
        assert_eq!(c.dhcp_start, Ipv4Addr::new(192, 168, 76, 15));
        let c = user("net=10.9.0.0/16").unwrap();
        assert_eq!(c.mask, Ipv4Addr::new(255, 255, 0, 0));
        assert!(c.contains(Ipv4Addr::new(10, 9, 200, 1)));
        assert!(!c.contains(Ipv4Addr::new(10, 8, 0, 1)));
    }

    #[test]
    fn forwards() {
        let c = user(
            "hostfwd=tcp::5555-:22,hostfwd=tcp:127.0.0.1:8080-10.0.2.16:80,hostfwd=udp::5353-:53",
        )
        .unwrap();
        assert_eq!(
            c.hostfwd,
            vec![
                HostFwd {
                    proto: Proto::Tcp,
                    host: "0.0.0.0:5555".parse().unwrap(),
                    guest: "10.0.2.15:22".parse().unwrap(),
                },
                HostFwd {
                    proto: Proto::Tcp,
                    host: "127.0.0.1:8080".parse().unwrap(),
                    guest: "10.0.2.16:80".parse().unwrap(),
                },
                HostFwd {
                    proto: Proto::Udp,
                    host: "0.0.0.0:5353".parse().unwrap(),
                    guest: "10.0.2.15:53".parse().unwrap(),
                },
            ]
        );
    }

    #[test]
    fn bad() {
        for s in [
            "net=10.0.2.0/33",
            "net=10.0.2.0/255.0.255.0",
            "host=10.0.3.2",
            "dns=10.0.2.255",
            "hostfwd=sctp::53-:53",
            "hostfwd=tcp::80",
            "hostfwd=tcp::80-:0",
            "restrict=on",
        ] {
            assert!(user(s).is_err(), "{s}");
        }
        assert!(mac("01:00:00:00:00:01").is_err());
        assert_eq!(default_mac(1), [0x52, 0x54, 0, 0x12, 0x34, 0x57]);
    }
}
