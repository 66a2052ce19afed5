//! Network namespaces and the links between them: making and deleting
//! them, the processes inside one, and running Rust code inside one.
//!
//! Every link is created directly in the namespaces it joins (`ip link add
//! eth0 netns A type veth peer name agent0 netns SWITCH`), so the root
//! namespace, where this machine's real interfaces are, never holds a link
//! of ours, not even for a moment: `ip link` there looks the same before,
//! during and after a testbed.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::command::run;
use crate::error::{io, Error, Result};
use crate::preflight::Tools;

/// Where `ip netns` keeps its named namespaces.
pub const NETNS_DIR: &str = "/run/netns";

/// The file naming namespace `netns`.
pub fn path(netns: &str) -> PathBuf {
    Path::new(NETNS_DIR).join(netns)
}

/// Makes namespace `netns`. Not being allowed to (a container without
/// `CAP_SYS_ADMIN`) is [`Error::Unavailable`].
pub fn add(tools: &Tools, netns: &str) -> Result<()> {
    match run(&tools.ip, ["netns", "add", netns], None) {
        Ok(_) => Ok(()),
        Err(Error::Failed(m)) if m.contains("Operation not permitted") => Err(Error::Unavailable(
            format!("cannot make a network namespace ({m}); in a container, run it privileged"),
        )),
        Err(other) => Err(other),
    }
}

/// Deletes namespace `netns` (and with it its links, addresses and nft
/// tables), once no process is left in it.
pub fn delete(tools: &Tools, netns: &str) -> Result<()> {
    if !path(netns).exists() {
        return Ok(());
    }
    run(&tools.ip, ["netns", "delete", netns], None).map(drop)
}

/// The named namespaces there are (all of them, not only ours).
pub fn list() -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(NETNS_DIR) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

/// Runs `ip` commands, one a line of `lines` (`ip -batch`), inside
/// `netns`, or in the root namespace for `None` (only to create links
/// whose both ends go elsewhere).
pub fn ip_batch(tools: &Tools, netns: Option<&str>, lines: &[String]) -> Result<()> {
    let mut args = Vec::new();
    if let Some(netns) = netns {
        args.extend(["-n", netns]);
    }
    args.extend(["-batch", "-"]);
    let input = lines.join("\n") + "\n";
    run(&tools.ip, args, Some(&input)).map(drop)
}

/// Waits until every link of `netns` named in `links` (every link but
/// loopback for `None`) is operationally up. A veth whose peer just came
/// up gets its carrier, and starts passing packets, a moment later (the
/// kernel's link watch runs up to a second after): a test sending at once
/// would see its first packets lost.
pub fn wait_until_up(
    tools: &Tools,
    netns: &str,
    links: Option<&[&str]>,
    timeout: std::time::Duration,
) -> Result<()> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        let listing = run(&tools.ip, ["-n", netns, "-br", "link"], None)?;
        let down: Vec<String> = listing
            .lines()
            .filter_map(|line| {
                let mut words = line.split_whitespace();
                let name = words.next()?.split('@').next()?;
                let state = words.next()?;
                let wanted = match links {
                    Some(links) => links.contains(&name),
                    None => name != "lo",
                };
                (wanted && state != "UP").then(|| format!("{name} is {state}"))
            })
            .collect();
        if down.is_empty() {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(Error::Failed(format!(
                "links of {netns} not up after {timeout:?}: {}",
                down.join(", ")
            )));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// A namespace held open: it lives on while this value does, even once
/// its name is deleted, so its processes can still be found.
pub struct Held {
    inode: u64,
    _file: File,
}

/// Holds namespace `netns` open; `None` if there is none of that name.
pub fn hold(netns: &str) -> Option<Held> {
    let file = File::open(path(netns)).ok()?;
    let inode = file.metadata().ok()?.ino();
    Some(Held { inode, _file: file })
}

impl Held {
    /// The processes whose network namespace this is (as `ip netns pids`
    /// finds them), this process excepted.
    pub fn pids(&self) -> Vec<u32> {
        let wanted = format!("net:[{}]", self.inode);
        let me = std::process::id();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| *pid != me)
            .filter(|pid| {
                std::fs::read_link(format!("/proc/{pid}/ns/net"))
                    .is_ok_and(|link| link.as_os_str() == wanted.as_str())
            })
            .collect()
    }
}

/// Runs `f` on a thread of its own that joined namespace `netns`, and
/// returns what it returns: sockets it opens live in that namespace (and
/// stay there when handed to other threads), processes it spawns start
/// there. The calling thread's namespace does not change. A panic in `f`
/// is passed on.
pub fn within<T: Send>(netns: &str, f: impl FnOnce() -> T + Send) -> Result<T> {
    let path = path(netns);
    let file = File::open(&path).map_err(|e| io("cannot open namespace", &path, e))?;
    std::thread::scope(|scope| {
        let thread = scope.spawn(move || {
            // SAFETY: `file` is an open namespace file for the duration of
            // the call; setns with CLONE_NEWNET only moves this thread
            // (network namespaces are per thread), which is ours alone.
            let joined = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
            if joined != 0 {
                return Err(Error::Failed(format!(
                    "cannot join namespace {netns}: {}",
                    std::io::Error::last_os_error()
                )));
            }
            Ok(f())
        });
        match thread.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Sets the network sysctl `key` (`net.ipv4.ip_forward`) of `netns` to
/// `value`: `/proc/sys/net` shows the namespace of the thread that opens
/// it.
pub fn sysctl(netns: &str, key: &str, value: &str) -> Result<()> {
    let file = Path::new("/proc/sys").join(key.replace('.', "/"));
    within(netns, || std::fs::write(&file, value))?
        .map_err(|e| io(&format!("cannot set {key} in {netns}:"), &file, e))
}
