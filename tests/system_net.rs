//! virtio-net on the user-mode network under `emu-system`, seen from
//! Debian's arm64 kernel and busybox (images from
//! `scripts/fetch-system-images.sh`, including `modules/virtio_net.ko`;
//! without them each Linux test says it is skipped and passes). The test
//! runs the servers on the host's 127.0.0.1, which the guest reaches as
//! the gateway 10.0.2.2.
//!
//! - `user_network`: `-netdev user` + `-device virtio-net-device` with a
//!   MAC and a hostfwd: eth0 has the MAC; `udhcpc` gets 10.0.2.15, router
//!   10.0.2.2, DNS 10.0.2.3; `ping` of the gateway is answered and ARP
//!   learnt its MAC; `wget` of a small and a 300 kB page from the host's
//!   HTTP server (contents checked, the big one by md5), a 200 kB
//!   `--post-file` upload (size and md5 on both sides); `nslookup` against a DNS
//!   responder on a host UDP port (the name the host saw, the address the
//!   guest got); a host client through hostfwd to `nc -l` in the guest,
//!   data both ways; the negotiated features (MAC, STATUS, EVENT_IDX,
//!   VERSION_1).
//! - `udp_hostfwd`: `hostfwd=udp:` to a UDP echo server in the guest
//!   (guest-bins `udp_echo`), datagrams from three host sockets answered to
//!   each, one of 4000 bytes (IP fragments both ways); a 4000-byte ping.
//! - `tcp_slow_readers`: 2 MiB through hostfwd to a guest reader that
//!   starts late, 1 MiB from the guest to a host reader that starts late.
//! - `nic_on_another_network`: `-nic user,net=192.168.77.0/24`: DHCP,
//!   ping and HTTP on that network.
//! - `bad_net_options`: the CLI's answers to a netdev without a card, an
//!   unknown backend, a card without a netdev.

mod common;

use common::linux::{check_clean, emu_system, feature_bits, module_init_cpio_with, ConsoleLog};
use common::{guest_bins, repo_root};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Boot, run and power-off limit (slack for a loaded machine).
const LIMIT: Duration = Duration::from_secs(240);
const MODULES: &str = "virtio_ring virtio virtio_mmio failover net_failover virtio_net";
/// Size of the big page.
const BIG: usize = 300_000;

fn images() -> Option<PathBuf> {
    common::linux::images(&["Image", "busybox", "modules/virtio_net.ko"])
}

fn tmp(name: &str) -> PathBuf {
    let d = repo_root().join("target/tmp/system_net").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// md5sum of `data`.
fn md5(data: &[u8]) -> String {
    let mut c = Command::new("md5sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("md5sum");
    c.stdin.take().unwrap().write_all(data).unwrap();
    let out = c.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

fn big_page() -> Vec<u8> {
    (0..BIG).map(|i| (i * 31 + i / 997) as u8).collect()
}

/// One HTTP/1.0 exchange: GET /hello, GET /big, POST /up (answered with
/// the body's size and md5).
fn http_serve(s: TcpStream) {
    let mut r = BufReader::new(s);
    let mut head = Vec::new();
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap();
        }
        if line == "\r\n" {
            break;
        }
        head.push(line);
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body).unwrap();
    let reply = match head[0].split_whitespace().take(2).collect::<Vec<_>>()[..] {
        ["GET", "/hello"] => b"hello over tcp\n".to_vec(),
        ["GET", "/big"] => big_page(),
        ["POST", "/up"] => {
            format!("received {} bytes md5 {}\n", body.len(), md5(&body)).into_bytes()
        }
        _ => b"?\n".to_vec(),
    };
    let mut s = r.into_inner();
    let _ = write!(
        s,
        "HTTP/1.0 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reply.len()
    );
    let _ = s.write_all(&reply);
}

/// An HTTP server on 127.0.0.1 (a thread per connection); its port.
fn http_server() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            std::thread::spawn(move || http_serve(s));
        }
    });
    port
}

/// A DNS responder on a 127.0.0.1 UDP port: A queries for `emu.test`
/// get 192.0.2.7, others NXDOMAIN; reports each name asked. Its port.
fn dns_server(seen: std::sync::mpsc::Sender<String>) -> u16 {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = s.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut buf = [0u8; 512];
        while let Ok((n, from)) = s.recv_from(&mut buf) {
            let q = &buf[..n];
            // Header (12 bytes), then the question: labels, type, class.
            let mut i = 12;
            let mut name = Vec::new();
            while i < n && q[i] != 0 {
                let l = usize::from(q[i]);
                name.push(String::from_utf8_lossy(&q[i + 1..i + 1 + l]).into_owned());
                i += 1 + l;
            }
            let qend = i + 5;
            let name = name.join(".");
            let qtype = u16::from_be_bytes([q[i + 1], q[i + 2]]);
            let _ = seen.send(format!("{name} type {qtype}"));
            let found = name == "emu.test";
            let answer = found && qtype == 1;
            let mut r = q[..2].to_vec();
            r.extend([0x81, if found { 0x80 } else { 0x83 }]);
            r.extend([0, 1, 0, u8::from(answer), 0, 0, 0, 0]);
            r.extend(&q[12..qend]);
            if answer {
                r.extend([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7]);
            }
            let _ = s.send_to(&r, from);
        }
    });
    port
}

/// A free TCP port on 127.0.0.1 (for hostfwd).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The initramfs: the network modules and an `/init` that brings eth0
/// up, configures it by DHCP (through a udhcpc script that prints what it
/// got) and runs `script`.
fn init_cpio(dir: &Path, work: &Path, script: &str) -> PathBuf {
    init_cpio_with(dir, work, script, &[])
}

/// [`init_cpio`] with executables added (path in the archive, host file).
fn init_cpio_with(dir: &Path, work: &Path, script: &str, extra: &[(&str, PathBuf)]) -> PathBuf {
    let script = format!(
        "cat > /tmp/dhcp.sh <<'EOS'\n\
             #!/bin/sh\n\
             echo \"dhcp $1 ip=$ip subnet=$subnet router=$router dns=$dns\"\n\
             if [ \"$1\" = bound ]; then\n\
             ifconfig $interface $ip netmask $subnet && route add default gw $router\n\
             fi\n\
             EOS\n\
             chmod +x /tmp/dhcp.sh\n\
             ip link set lo up\n\
             ip link set eth0 up\n\
             ip link show eth0\n\
             udhcpc -i eth0 -s /tmp/dhcp.sh -q -n\n\
             {script}\
             poweroff -f\n"
    );
    module_init_cpio_with(dir, work, MODULES, &script, extra)
}

fn expect(console: &str, line: &str) {
    assert!(
        console.lines().any(|l| l.trim_end() == line),
        "no line {line:?} in:\n{console}"
    );
}

/// The rest of the line after `prefix` on the console.
fn after<'a>(console: &'a str, prefix: &str) -> &'a str {
    console
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no line {prefix:?} in:\n{console}"))
        .trim_end()
}

/// Waits for the guest to power off; the whole console.
fn finish(mut child: std::process::Child, mut log: ConsoleLog) -> String {
    log.wait_for("reboot: Power down", &mut child);
    let status = child.wait().unwrap();
    let console = log.text();
    assert!(status.success(), "{status:?}\n{console}");
    check_clean(&console);
    console
}

#[test]
fn user_network() {
    let Some(dir) = images() else { return };
    let work = tmp("user");
    let http = http_server();
    let (tx, names) = std::sync::mpsc::channel();
    let dns = dns_server(tx);
    let fwd = free_port();
    let script = format!(
        "route -n\n\
         ping -c 1 10.0.2.2\n\
         grep 10.0.2.2 /proc/net/arp\n\
         echo \"hello: $(wget -q -O - http://10.0.2.2:{http}/hello)\"\n\
         echo \"big: $(wget -q -O - http://10.0.2.2:{http}/big | md5sum)\"\n\
         dd if=/dev/urandom bs=1024 count=150 2>/dev/null | busybox base64 > /tmp/up\n\
         echo \"up: $(wc -c < /tmp/up) bytes md5 $(md5sum < /tmp/up)\"\n\
         echo \"posted: $(wget -q -O - --post-file /tmp/up http://10.0.2.2:{http}/up)\"\n\
         nslookup -type=a emu.test 10.0.2.2:{dns}\n\
         (echo from-guest; sleep 5) | nc -l -p 8000 > /tmp/fwd &\n\
         until grep -qE ':1F40 [0:]+ 0A' /proc/net/tcp /proc/net/tcp6; do sleep 1; done\n\
         echo fwd-listening\n\
         wait\n\
         echo \"fwd got: $(cat /tmp/fwd)\"\n\
         echo \"features $(cat /sys/bus/virtio/devices/virtio0/features)\"\n"
    );
    let cpio = init_cpio(&dir, &work, &script);
    let mut emu = emu_system(&dir, &cpio);
    emu.args([
        "-netdev",
        &format!("user,id=n0,hostfwd=tcp:127.0.0.1:{fwd}-:8000"),
        "-device",
        "virtio-net-device,netdev=n0,mac=52:54:00:12:34:99",
    ]);
    let (mut child, _stdin, mut log) = ConsoleLog::spawn(emu, LIMIT);
    log.wait_for("fwd-listening", &mut child);
    // Through hostfwd to the guest's nc: each side's line reaches the
    // other.
    let mut c = TcpStream::connect(("127.0.0.1", fwd)).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    c.write_all(b"from-host\n").unwrap();
    let mut got = [0u8; 11];
    c.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"from-guest\n");
    drop(c);
    let console = finish(child, log);

    assert!(
        console.contains("link/ether 52:54:00:12:34:99 brd ff:ff:ff:ff:ff:ff"),
        "{console}"
    );
    expect(
        &console,
        "dhcp bound ip=10.0.2.15 subnet=255.255.255.0 router=10.0.2.2 dns=10.0.2.3",
    );
    assert!(
        console.contains("udhcpc: lease of 10.0.2.15 obtained from 10.0.2.2, lease time 86400"),
        "{console}"
    );
    assert!(
        console
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()[..]
                == ["0.0.0.0", "10.0.2.2", "0.0.0.0", "UG", "0", "0", "0", "eth0"]),
        "no default route:\n{console}"
    );
    expect(
        &console,
        "1 packets transmitted, 1 packets received, 0% packet loss",
    );
    assert!(
        console
            .lines()
            .any(|l| l.starts_with("10.0.2.2 ") && l.contains("52:55:0a:00:02:02")),
        "no ARP entry for the gateway:\n{console}"
    );
    expect(&console, "hello: hello over tcp");
    expect(&console, &format!("big: {}  -", md5(&big_page())));
    // wget posts a string (up to a NUL): base64 text of 150 kB.
    let up = after(&console, "up: ").trim_end_matches("  -").to_owned();
    let size: usize = up.split(' ').next().unwrap().parse().unwrap();
    assert!(size > 200_000, "{up}");
    expect(&console, &format!("posted: received {up}"));
    let asked: Vec<String> = names.try_iter().collect();
    assert!(asked.contains(&"emu.test type 1".to_owned()), "{asked:?}");
    assert!(
        console
            .lines()
            .any(|l| l.trim_end() == "Address: 192.0.2.7"),
        "{console}"
    );
    expect(&console, "fwd got: from-host");
    // MAC (5), STATUS (16), INDIRECT_DESC (28), EVENT_IDX (29),
    // VERSION_1 (32).
    let bits = feature_bits(&[5, 16, 28, 29, 32]);
    expect(&console, &format!("features {bits}"));
}

/// A free UDP port on 127.0.0.1 (for hostfwd).
fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `hostfwd=udp:...` to the guest-bins `udp_echo` server in the guest: three
/// host sockets each send a datagram to the forwarded port; each gets the
/// guest's answer from the forwarded port, and the guest saw them come
/// from the gateway with their own ports. The third is 4000 bytes: it
/// reaches the guest in IP fragments, and the guest's 4006-byte answer
/// comes in fragments the network puts together. Then a 4000-byte ping of
/// the gateway (fragments both ways).
#[test]
fn udp_hostfwd() {
    let Some(dir) = images() else { return };
    let echo = guest_bins().join("out/static/udp_echo");
    if !echo.is_file() {
        eprintln!("skipped: no {} (guest-bins/build.sh)", echo.display());
        return;
    }
    let work = tmp("udp_fwd");
    let fwd = free_udp_port();
    let cpio = init_cpio_with(
        &dir,
        &work,
        "/bin/udp_echo 7000 3\nping -c 1 -s 4000 10.0.2.2\n",
        &[("/bin/udp_echo", echo)],
    );
    let mut emu = emu_system(&dir, &cpio);
    emu.args(["-nic", &format!("user,hostfwd=udp:127.0.0.1:{fwd}-:7000")]);
    let (mut child, _stdin, mut log) = ConsoleLog::spawn(emu, LIMIT);
    log.wait_for("udp-echo listening on 7000", &mut child);
    let big: String = (0..4000).map(|i| (b'a' + (i % 26) as u8) as char).collect();
    let mut ports = Vec::new();
    for msg in ["first from the host", "second", &big] {
        let c = UdpSocket::bind("127.0.0.1:0").unwrap();
        c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        c.send_to(msg.as_bytes(), ("127.0.0.1", fwd)).unwrap();
        let mut buf = [0u8; 8192];
        let (n, from) = c.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], format!("echo: {msg}").as_bytes());
        assert_eq!(from.port(), fwd);
        ports.push((msg, c.local_addr().unwrap().port()));
    }
    let console = finish(child, log);
    for (msg, port) in ports {
        let seen = if msg.len() > 100 {
            format!("got {} bytes", msg.len())
        } else {
            format!("got \"{msg}\"")
        };
        expect(&console, &format!("{seen} from 10.0.2.2:{port}"));
    }
    expect(
        &console,
        "1 packets transmitted, 1 packets received, 0% packet loss",
    );
    assert!(console.contains("4008 bytes from 10.0.2.2"), "{console}");
}

/// TCP with slow readers at both ends: a host client sends 2 MiB through
/// hostfwd to `nc -l` in the guest, whose reader only starts after 4 s
/// (the guest's window closes and opens again); the guest sends 1 MiB to
/// a host server that starts reading after 3 s. Both arrive whole (md5).
#[test]
fn tcp_slow_readers() {
    let Some(dir) = images() else { return };
    let work = tmp("slow");
    let fwd = free_port();
    const UP: usize = 1 << 20;
    let sink = TcpListener::bind("127.0.0.1:0").unwrap();
    let sink_port = sink.local_addr().unwrap().port();
    let (tx, got_up) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (mut s, _) = sink.accept().unwrap();
        std::thread::sleep(Duration::from_secs(3));
        let mut buf = vec![0u8; UP];
        s.read_exact(&mut buf).unwrap();
        let _ = tx.send(md5(&buf));
    });
    let script = format!(
        "dd if=/dev/urandom of=/tmp/out bs=1024 count=1024 2>/dev/null\n\
         echo \"out: $(md5sum < /tmp/out)\"\n\
         nc 10.0.2.2 {sink_port} < /tmp/out\n\
         echo sent-out\n\
         nc -l -p 8001 < /dev/null | (sleep 4; md5sum) > /tmp/slow &\n\
         until grep -qE ':1F41 [0:]+ 0A' /proc/net/tcp /proc/net/tcp6; do sleep 1; done\n\
         echo slow-listening\n\
         wait\n\
         echo \"slow in: $(cat /tmp/slow)\"\n\
         grep TcpExt: /proc/net/netstat\n"
    );
    let cpio = init_cpio(&dir, &work, &script);
    let mut emu = emu_system(&dir, &cpio);
    emu.args(["-nic", &format!("user,hostfwd=tcp:127.0.0.1:{fwd}-:8001")]);
    let (mut child, _stdin, mut log) = ConsoleLog::spawn(emu, LIMIT);
    log.wait_for("slow-listening", &mut child);
    let data: Vec<u8> = (0..2 << 20)
        .map(|i: usize| (i * 7 + i / 4093) as u8)
        .collect();
    let mut c = TcpStream::connect(("127.0.0.1", fwd)).unwrap();
    c.set_write_timeout(Some(Duration::from_secs(120))).unwrap();
    c.write_all(&data).unwrap();
    c.shutdown(std::net::Shutdown::Write).unwrap();
    let console = finish(child, log);
    let out = after(&console, "out: ").to_owned();
    assert_eq!(format!("{}  -", got_up.recv().unwrap()), out);
    expect(&console, "sent-out");
    expect(&console, &format!("slow in: {}  -", md5(&data)));
    // The guest's window did close (and open): its TcpExt counters.
    let ext: Vec<Vec<&str>> = console
        .lines()
        .filter(|l| l.starts_with("TcpExt:"))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(ext.len(), 2, "{console}");
    let count = |name: &str| -> u64 {
        let i = ext[0].iter().position(|n| *n == name).unwrap();
        ext[1][i].parse().unwrap()
    };
    assert!(count("TCPToZeroWindowAdv") > 0, "{console}");
    assert!(count("TCPFromZeroWindowAdv") > 0, "{console}");
}

#[test]
fn nic_on_another_network() {
    let Some(dir) = images() else { return };
    let work = tmp("nic");
    let http = http_server();
    let script = format!(
        "ping -c 1 192.168.77.2\n\
         echo \"hello: $(wget -q -O - http://192.168.77.2:{http}/hello)\"\n"
    );
    let cpio = init_cpio(&dir, &work, &script);
    let mut emu = emu_system(&dir, &cpio);
    emu.args(["-nic", "user,net=192.168.77.0/24"]);
    let (child, _stdin, log) = ConsoleLog::spawn(emu, LIMIT);
    let console = finish(child, log);
    assert!(
        console.contains("link/ether 52:54:00:12:34:56"),
        "{console}"
    );
    expect(
        &console,
        "dhcp bound ip=192.168.77.15 subnet=255.255.255.0 router=192.168.77.2 dns=192.168.77.3",
    );
    expect(
        &console,
        "1 packets transmitted, 1 packets received, 0% packet loss",
    );
    expect(&console, "hello: hello over tcp");
}

#[test]
fn bad_net_options() {
    for (args, msg) in [
        (
            &["-netdev", "user,id=n0"][..],
            "-netdev n0: no -device virtio-net-device,netdev=n0 uses it",
        ),
        (
            &["-netdev", "tap,id=n0"][..],
            "-netdev tap,id=n0: only the user backend is supported",
        ),
        (
            &["-device", "virtio-net-device,netdev=n1"][..],
            "-device virtio-net-device: no -netdev id=n1",
        ),
        (
            &["-nic", "user,hostfwd=sctp::53-:53"][..],
            "hostfwd=sctp::53-:53: expected [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_emu-system"))
            .args(["-kernel", "/nonexistent"])
            .args(args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end(), format!("emu-system: {msg}"), "{args:?}");
    }
}
