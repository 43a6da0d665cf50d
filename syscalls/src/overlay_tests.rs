//! The resolver over a ROOT and a host directory made for each test.

use super::look::LOOKUPS;
use super::{resolve_in, to_guest_in, walk, Last, Placed, MAX_SYMLINKS};
use crate::abi::errno::Errno;
use std::os::unix::fs::symlink;
use std::path::PathBuf;

/// A sysroot `root` and, next to it, a host directory `host` that ROOT does not have.
struct Trees {
    top: PathBuf,
    root: String,
    host: String,
}

impl Trees {
    fn new(name: &str) -> Trees {
        let top = std::env::temp_dir().join(format!("emu-overlay-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&top);
        let root = top.join("root");
        let host = top.join("host");
        for d in ["etc", "d", "proc"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::create_dir_all(&host).unwrap();
        std::fs::write(root.join("etc/f"), "root").unwrap();
        std::fs::write(host.join("hf"), "host").unwrap();
        let root = std::fs::canonicalize(root).unwrap();
        let host = std::fs::canonicalize(host).unwrap();
        Trees {
            top,
            root: root.to_str().unwrap().to_owned(),
            host: host.to_str().unwrap().to_owned(),
        }
    }

    fn link(&self, target: &str, guest: &str) {
        symlink(target, format!("{}{guest}", self.root)).unwrap();
    }

    fn resolve(&self, base: &str, path: &str, last: Last) -> Result<Placed, Errno> {
        resolve_in(self.root.as_bytes(), base.as_bytes(), path.as_bytes(), last)
    }

    /// (guest, host) of `path` from guest directory `base`.
    fn at(&self, base: &str, path: &str, last: Last) -> (String, String) {
        let p = self.resolve(base, path, last).unwrap();
        let s = |v: Vec<u8>| String::from_utf8(v).unwrap();
        (s(p.guest), s(p.host))
    }

    /// The host path of absolute `path`, following the last symlink.
    fn host_of(&self, path: &str) -> String {
        self.at("/", path, Last::Follow).1
    }

    fn in_root(&self, guest: &str) -> String {
        format!("{}{guest}", self.root)
    }
}

impl Drop for Trees {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.top);
    }
}

#[test]
fn root_first_then_host() {
    let t = Trees::new("rule");
    assert_eq!(t.host_of("/"), t.root);
    assert_eq!(t.host_of("/etc/f"), t.in_root("/etc/f"));
    assert_eq!(t.host_of("/etc/"), t.in_root("/etc/"));
    let hf = format!("{}/hf", t.host);
    assert_eq!(t.host_of(&hf), hf);
    // A new name goes into ROOT only when only ROOT has its directory.
    for make in [Last::Parent, Last::FollowOrMake, Last::NoFollowOrMake] {
        assert_eq!(t.at("/", "/d/new", make).1, t.in_root("/d/new"));
        let new = format!("{}/new", t.host);
        assert_eq!(t.at("/", &new, make).1, new);
    }
    // Where both have it, on the host; a name only looked up is missing in ROOT.
    std::fs::create_dir_all(format!("{}{}", t.root, t.host)).unwrap();
    let both = format!("{}/new", t.host);
    assert_eq!(t.at("/", &both, Last::FollowOrMake).1, both);
    assert_eq!(
        t.at("/", &both, Last::Follow).1,
        format!("{}{both}", t.root)
    );
    // A missing directory or a file used as one: the kernel's ENOENT / ENOTDIR.
    assert_eq!(t.host_of("/nodir/x/y"), "/nodir/x/y");
    assert_eq!(t.host_of("/etc/f/x"), t.in_root("/etc/f/x"));
    assert_eq!(t.host_of("/etc/f/"), t.in_root("/etc/f/"));
    assert_eq!(t.host_of("/etc/f/."), t.in_root("/etc/f/."));
}

#[test]
fn dot_dot_is_clamped_at_the_guest_root() {
    let t = Trees::new("dotdot");
    assert_eq!(t.host_of("/.."), t.root);
    assert_eq!(t.host_of("/../../etc/f"), t.in_root("/etc/f"));
    assert_eq!(t.host_of("/d/../etc/./f"), t.in_root("/etc/f"));
    assert_eq!(t.host_of("/d/../../../etc/f"), t.in_root("/etc/f"));
    assert_eq!(t.at("/d", "../../../etc/f", Last::Follow).0, "/etc/f");
    assert_eq!(t.at("/d", "..", Last::Follow), ("/".into(), t.root.clone()));
    assert_eq!(t.at("/d", ".", Last::Follow).1, t.in_root("/d"));
    // `..` of a host directory is its guest parent, placed again.
    let up = format!("{}/../root/etc/f", t.host);
    assert_eq!(t.host_of(&up), up.replace("/host/..", ""));
}

#[test]
fn absolute_and_relative_links_stay_in_the_root() {
    let t = Trees::new("links");
    t.link("/etc", "/abs");
    t.link("../etc/f", "/d/rel");
    t.link("/d/rel", "/d/chain");
    assert_eq!(
        t.at("/", "/abs/f", Last::Follow),
        ("/etc/f".into(), t.in_root("/etc/f"))
    );
    assert_eq!(t.host_of("/d/rel"), t.in_root("/etc/f"));
    assert_eq!(t.host_of("/d/chain"), t.in_root("/etc/f"));
    assert_eq!(t.at("/d", "chain", Last::Follow).1, t.in_root("/etc/f"));
    // `..` after a link is the parent of its target.
    assert_eq!(t.host_of("/abs/../d"), t.in_root("/d"));
    // The last link itself, unless a slash follows it.
    assert_eq!(t.at("/", "/d/rel", Last::NoFollow).1, t.in_root("/d/rel"));
    assert_eq!(t.at("/", "/abs", Last::NoFollow).1, t.in_root("/abs"));
    assert_eq!(t.at("/", "/abs/", Last::NoFollow).1, t.in_root("/etc/"));
    assert_eq!(t.at("/", "/abs/", Last::Parent).1, t.in_root("/abs/"));
    assert_eq!(t.at("/", "/abs", Last::Parent).1, t.in_root("/abs"));
    // A dangling link: a new file where its target would be.
    t.link("/d/made", "/d/dangling");
    assert_eq!(t.host_of("/d/dangling"), t.in_root("/d/made"));
}

#[test]
fn host_links_are_read_in_guest_terms() {
    let t = Trees::new("hostlinks");
    let hl = format!("{}/hl", t.host);
    symlink("/etc/f", &hl).unwrap();
    assert_eq!(t.host_of(&hl), t.in_root("/etc/f"));
    // The host's /proc is the kernel's from its first link on.
    assert_eq!(t.host_of("/proc/self/exe"), "/proc/self/exe");
    let fd = t.at("/", "/proc/self/fd/0", Last::NoFollow);
    assert_eq!(fd, ("/proc/self/fd/0".into(), "/proc/self/fd/0".into()));
}

#[test]
fn loops_end_in_eloop() {
    let t = Trees::new("loops");
    t.link("/l2", "/l1");
    t.link("l1", "/l2");
    t.link("self/x", "/self");
    assert_eq!(t.resolve("/", "/l1", Last::Follow), Err(Errno::ELOOP));
    assert_eq!(t.resolve("/", "/self", Last::Follow), Err(Errno::ELOOP));
    assert_eq!(t.resolve("/", "/l1/x", Last::NoFollow), Err(Errno::ELOOP));
    assert_eq!(t.at("/", "/l1", Last::NoFollow).1, t.in_root("/l1"));
    // A chain of MAX_SYMLINKS links resolves; one more is too many.
    for i in 0..=MAX_SYMLINKS {
        t.link(&format!("c{}", i + 1), &format!("/c{i}"));
    }
    std::fs::write(t.in_root(&format!("/c{}", MAX_SYMLINKS + 1)), "").unwrap();
    assert_eq!(
        t.at("/", "/c1", Last::Follow).0,
        format!("/c{}", MAX_SYMLINKS + 1)
    );
    assert_eq!(t.resolve("/", "/c0", Last::Follow), Err(Errno::ELOOP));
}

#[test]
fn guest_paths_of_host_paths() {
    let t = Trees::new("guest");
    let g = |h: &str| String::from_utf8(to_guest_in(t.root.as_bytes(), h.into())).unwrap();
    assert_eq!(g(&t.root), "/");
    assert_eq!(g(&t.in_root("/etc")), "/etc");
    assert_eq!(g(&format!("{}x", t.root)), format!("{}x", t.root));
    assert_eq!(g("/tmp"), "/tmp");
}

#[test]
fn no_symlinks_stops_at_the_first_link_to_follow() {
    let t = Trees::new("nosym");
    t.link("/etc", "/abs");
    let root = t.root.as_bytes();
    let w = |path: &str, last| walk(root, b"/", path.as_bytes(), last, 0);
    assert_eq!(w("/abs/f", Last::Follow), Err(Errno::ELOOP));
    assert_eq!(w("/abs", Last::Follow), Err(Errno::ELOOP));
    assert_eq!(
        w("/abs", Last::NoFollow).unwrap().host,
        t.in_root("/abs").into_bytes()
    );
    assert_eq!(
        w("/etc/f", Last::Follow).unwrap().host,
        t.in_root("/etc/f").into_bytes()
    );
}

#[test]
fn host_ancestor_links_are_read_in_guest_terms() {
    let t = Trees::new("hostdirs");
    // Directories ROOT has where the host has symlinks: ROOT's side lacks the names,
    // the host's links are read from the guest's "/" or their directory.
    for d in ["lnk", "tod", "rdir"] {
        std::fs::create_dir_all(format!("{}{}/{d}", t.root, t.host)).unwrap();
    }
    std::fs::write(format!("{}{}/lnk/own", t.root, t.host), "").unwrap();
    std::fs::create_dir(format!("{}/sub", t.host)).unwrap();
    std::fs::write(format!("{}/sub/x", t.host), "").unwrap();
    symlink("/etc", format!("{}/lnk", t.host)).unwrap();
    symlink("/d", format!("{}/tod", t.host)).unwrap();
    symlink("sub", format!("{}/rdir", t.host)).unwrap();
    let h = |rel: &str| format!("{}/{rel}", t.host);
    assert_eq!(
        t.at("/", &h("lnk/f"), Last::Follow),
        ("/etc/f".into(), t.in_root("/etc/f"))
    );
    assert_eq!(
        t.host_of(&h("lnk/own")),
        format!("{}{}", t.root, h("lnk/own"))
    );
    assert_eq!(t.host_of(&h("rdir/x")), h("sub/x"));
    assert_eq!(t.at("/", &h("rdir/x"), Last::Follow).0, h("sub/x"));
    // A new name goes where the host's link leads: /d only ROOT has.
    assert_eq!(
        t.at("/", &h("tod/new"), Last::Parent),
        ("/d/new".into(), t.in_root("/d/new"))
    );
    // A directory neither side has: ENOENT from the kernel on its guest path.
    assert_eq!(t.at("/", &h("lnk/none/x"), Last::Follow).0, "/etc/none/x");
}

#[test]
fn kernel_file_systems_are_the_hosts() {
    let t = Trees::new("mounts");
    for d in ["sys", "dev"] {
        std::fs::create_dir_all(t.in_root(&format!("/{d}"))).unwrap();
    }
    // ROOT has empty /proc, /sys and /dev: the guest sees the host's, as in a
    // chroot with them mounted, whole (a listing of /proc has the processes).
    for (path, host) in [
        ("/proc", "/proc"),
        ("/proc/", "/proc/"),
        ("/sys/kernel", "/sys/kernel"),
        ("/dev/null", "/dev/null"),
        ("/etc/../dev", "/dev"),
    ] {
        assert_eq!(
            t.at("/", path, Last::Follow),
            (path_guest(path), host.into())
        );
    }
    // Only the top-level names: ROOT's /etc/proc would still be ROOT's.
    std::fs::create_dir_all(t.in_root("/etc/proc")).unwrap();
    assert_eq!(t.host_of("/etc/proc"), t.in_root("/etc/proc"));
    // The way back: a host /proc path is its own guest path.
    assert_eq!(
        to_guest_in(t.root.as_bytes(), b"/proc/1".to_vec()),
        b"/proc/1"
    );
}

/// The canonical guest path a test path resolves to.
fn path_guest(path: &str) -> String {
    path.replace("/etc/..", "")
}

#[test]
fn own_proc_root_is_the_guest_root() {
    let t = Trees::new("procroot");
    assert_eq!(t.host_of("/proc/self/root/etc/f"), t.in_root("/etc/f"));
    assert_eq!(
        t.host_of("/proc/thread-self/root/etc/f"),
        t.in_root("/etc/f")
    );
    let pid = std::process::id();
    assert_eq!(
        t.at("/", &format!("/proc/{pid}/root/etc/../etc/f"), Last::Follow),
        ("/etc/f".into(), t.in_root("/etc/f"))
    );
    assert_eq!(
        t.at("/", "/proc/self/root", Last::Follow),
        ("/".into(), t.root.clone())
    );
    // The link itself, and other processes' links, are the kernel's.
    assert_eq!(t.host_of("/proc/self/root/..").as_str(), t.root);
    let link = t.at("/", "/proc/self/root", Last::NoFollow);
    assert_eq!(link, ("/proc/self/root".into(), "/proc/self/root".into()));
    assert_eq!(t.host_of("/proc/1/root/etc/f"), "/proc/1/root/etc/f");
}

#[test]
fn deep_paths_with_links_on_the_way() {
    let t = Trees::new("runs");
    std::fs::create_dir_all(t.in_root("/a/b/c")).unwrap();
    std::fs::write(t.in_root("/a/b/c/f"), "").unwrap();
    t.link("/etc/f", "/a/b/c/abs");
    t.link("/a", "/a/b/up");
    assert_eq!(t.host_of("/a/b/c/f"), t.in_root("/a/b/c/f"));
    assert_eq!(
        t.at("/", "/a/b/c/f/", Last::Follow).1,
        t.in_root("/a/b/c/f/")
    );
    // A last link is followed in guest terms, or not, as the call says.
    assert_eq!(
        t.at("/", "/a/b/c/abs", Last::Follow),
        ("/etc/f".into(), t.in_root("/etc/f"))
    );
    assert_eq!(
        t.at("/", "/a/b/c/abs", Last::NoFollow).1,
        t.in_root("/a/b/c/abs")
    );
    // A link on the way; a new name in a directory only ROOT has.
    assert_eq!(t.host_of("/a/b/up/b/c/f"), t.in_root("/a/b/c/f"));
    assert_eq!(t.at("/", "/a/b/up/b/c", Last::Follow).0, "/a/b/c");
    assert_eq!(t.host_of("/a/b/c/new"), t.in_root("/a/b/c/new"));
    // `..` after a link is its target's parent.
    assert_eq!(t.host_of("/a/b/up/../etc/f"), t.in_root("/etc/f"));
    assert_eq!(
        t.at("/", "a/b/c/../c/f", Last::Follow).1,
        t.in_root("/a/b/c/f")
    );
}

/// `f()` and the host lookups it made.
fn lookups<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = LOOKUPS.with(|n| n.get());
    let r = f();
    (r, LOOKUPS.with(|n| n.get()) - before)
}

#[test]
fn host_only_paths_take_one_lookup_past_root() {
    let t = Trees::new("hostonly");
    std::fs::create_dir_all(format!("{}/a/b/c", t.host)).unwrap();
    std::fs::write(format!("{}/a/b/c/f", t.host), "").unwrap();
    symlink("/etc/f", format!("{}/a/b/c/abs", t.host)).unwrap();
    let h = |rel: &str| format!("{}/{rel}", t.host);
    // ROOT lacks the host directory's first name: one lstat there, then one
    // openat2 for the rest, however deep, found or not; the path is its own host
    // path.
    for (path, last) in [
        (h("a/b/c/f"), Last::Follow),
        (h("a/b/c/none"), Last::Follow),
        (h("a/b/c/none/x/y"), Last::Follow),
        (h("a/b/c/f/x"), Last::Follow),
        (h("a/b/c/abs"), Last::NoFollow),
        (h("a/b/c/abs"), Last::Parent),
        (h("a/b/c/new"), Last::FollowOrMake),
    ] {
        let (placed, n) = lookups(|| t.at("/", &path, last));
        assert_eq!(placed, (path.clone(), path.clone()), "{path} {last:?}");
        assert_eq!(n, 2, "{path} {last:?}");
    }
    // A symlink on the way or last and followed: the walk reads it in guest terms,
    // as before.
    assert_eq!(
        t.at("/", &h("a/b/c/abs"), Last::Follow),
        ("/etc/f".into(), t.in_root("/etc/f"))
    );
    symlink("c", h("a/b/lc")).unwrap();
    assert_eq!(t.host_of(&h("a/b/lc/f")), h("a/b/c/f"));
    let (placed, n) = lookups(|| t.at("/", &h("a/b/lc/f"), Last::Follow));
    assert_eq!(placed, (h("a/b/c/f"), h("a/b/c/f")));
    assert!(n > 2, "{n} lookups through a host symlink");
    // /proc is walked name by name (its links are the kernel's from the first on):
    // /proc, then the /proc/self link.
    let (placed, n) = lookups(|| t.at("/", "/proc/self/exe", Last::Follow));
    assert_eq!(placed.1, "/proc/self/exe");
    assert_eq!(n, 2);
    // `..`, `.`, empty names and trailing slashes are the walk's.
    for (path, want) in [
        (h("a/b/../b/c/f"), h("a/b/c/f")),
        (h("a/./b/c/f"), h("a/b/c/f")),
        (h("a//b/c/f"), h("a/b/c/f")),
        (h("a/b/c/"), h("a/b/c/")),
    ] {
        assert_eq!(t.at("/", &path, Last::Follow), (want.clone(), want));
    }
}
