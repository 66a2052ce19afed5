//! Processes on the hosts: the command line that starts one inside a host
//! (and, on an agent, with the project's tree hidden), and stopping every
//! process of a set of namespaces.
//!
//! A process is started as `ip netns exec NS [unshare ... sh -c HIDE]
//! env VAR=... PROGRAM ARGS`: each step `exec`s the next, so the pid that
//! is spawned ends up being the program's, and the whole command line is
//! one plain argv a person can paste into a shell, or `testbed start` can
//! run again.
//!
//! Stopping does not rely on remembering pids: whatever runs in a host's
//! namespace is that host's (daemons, the executors an agent forked,
//! anything a test started there with `testbed exec`), so stopping a host
//! signals every process whose network namespace is the host's.

use std::collections::BTreeSet;
use std::ffi::{OsStr, OsString};
use std::fs::OpenOptions;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::command::command_line;
use crate::error::{io, Error, Result};
use crate::namespaces::{self, Held};
use crate::preflight::Tools;

/// The shell script that lays an empty, read-only file system over each
/// path before `--`, then runs what follows. Run in a mount namespace of
/// its own (`unshare --mount --propagation private`), so the mounts are
/// seen by that process and its children only, and vanish with them.
const HIDE_SCRIPT: &str = r#"mount=$1; shift
while [ "$1" != -- ]; do
  "$mount" -t tmpfs -o ro,size=4k,mode=0555 testbed-hidden "$1" || exit 125
  shift
done
shift
exec "$@""#;

/// How long stopped processes get between SIGTERM and SIGKILL.
pub const GRACE: Duration = Duration::from_secs(3);

/// How long SIGKILLed processes may take to be gone.
const KILL_WAIT: Duration = Duration::from_secs(10);

/// The argv that runs `program` with `args` inside namespace `netns`, with
/// `env` set and every path of `hide` hidden (when not empty).
pub fn argv_in_host(
    tools: &Tools,
    netns: &str,
    hide: &[PathBuf],
    env: &[(String, String)],
    program: &OsStr,
) -> Vec<OsString> {
    let mut argv: Vec<OsString> = vec![
        tools.ip.clone().into(),
        "netns".into(),
        "exec".into(),
        netns.into(),
    ];
    if !hide.is_empty() {
        argv.extend(
            [
                tools.unshare.as_os_str(),
                OsStr::new("--mount"),
                OsStr::new("--propagation"),
                OsStr::new("private"),
                OsStr::new("--"),
                tools.sh.as_os_str(),
                OsStr::new("-c"),
                OsStr::new(HIDE_SCRIPT),
                OsStr::new("testbed-hide"),
                tools.mount.as_os_str(),
            ]
            .map(OsString::from),
        );
        argv.extend(hide.iter().map(|p| p.clone().into_os_string()));
        argv.push("--".into());
    }
    argv.push("env".into());
    argv.extend(env.iter().map(|(k, v)| OsString::from(format!("{k}={v}"))));
    argv.push(program.to_owned());
    argv
}

/// A [`Command`] for `argv` (an empty one fails when spawned).
pub fn command(argv: &[OsString]) -> Command {
    let (program, args) = argv
        .split_first()
        .map_or((OsStr::new(""), &[][..]), |(p, a)| (p.as_os_str(), a));
    let mut command = Command::new(program);
    command.args(args);
    command
}

/// Starts `argv` with its output appended to `log`, in a process group of
/// its own (so a terminal's Ctrl-C does not reach the daemons of a
/// testbed left running).
pub fn spawn(argv: &[OsString], log: &Path) -> Result<Child> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| io("cannot open log", log, e))?;
    let err = file
        .try_clone()
        .map_err(|e| io("cannot open log", log, e))?;
    if argv.is_empty() {
        return Err(Error::Invalid("an empty command line".into()));
    }
    let mut command = command(argv);
    command
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(err);
    command
        .spawn()
        .map_err(|e| Error::Failed(format!("cannot run `{}`: {e}", command_line(&command))))
}

/// Stops every process in `namespaces`: SIGTERM, then after `grace` SIGKILL
/// to whatever is left (processes that appear meanwhile, such as an
/// executor an agent was forking, included). Done once two looks 100 ms
/// apart find none. An error names the processes that survived SIGKILL.
pub fn stop_all(namespaces: &[Held], grace: Duration) -> Result<()> {
    let start = Instant::now();
    let mut termed = BTreeSet::new();
    let mut empty_since: Option<Instant> = None;
    loop {
        let pids: Vec<u32> = namespaces.iter().flat_map(Held::pids).collect();
        if pids.is_empty() {
            match empty_since {
                Some(since) if since.elapsed() >= Duration::from_millis(100) => return Ok(()),
                Some(_) => {}
                None => empty_since = Some(Instant::now()),
            }
        } else {
            empty_since = None;
        }
        let elapsed = start.elapsed();
        if !pids.is_empty() && elapsed >= grace + KILL_WAIT {
            let names: Vec<String> = pids.iter().map(|pid| describe(*pid)).collect();
            return Err(Error::Failed(format!(
                "processes survived SIGKILL: {}",
                names.join(", ")
            )));
        }
        for pid in pids {
            if elapsed >= grace {
                signal(pid, libc::SIGKILL);
            } else if termed.insert(pid) {
                signal(pid, libc::SIGTERM);
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Removes `names`: each namespace's name goes first, so nothing new can
/// enter it (`ip netns exec` finds no such namespace), then every process
/// still inside is stopped, and the namespace, no longer held by anything,
/// goes away with its links and rules. Returns what failed.
pub fn remove_namespaces(tools: &Tools, names: &[&str]) -> Vec<String> {
    let held: Vec<Held> = names.iter().filter_map(|n| namespaces::hold(n)).collect();
    let mut failures = Vec::new();
    for netns in names {
        if let Err(e) = namespaces::delete(tools, netns) {
            failures.push(e.to_string());
        }
    }
    if let Err(e) = stop_all(&held, GRACE) {
        failures.push(e.to_string());
    }
    failures
}

/// Sends `signal` to `pid`, if it still exists.
pub fn signal(pid: u32, signal: libc::c_int) {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: kill has no memory effects; a pid that is gone makes it fail
    // with ESRCH, which is fine here.
    unsafe {
        libc::kill(pid, signal);
    }
}

/// `pid (name)`, for messages.
fn describe(pid: u32) -> String {
    let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    format!("{pid} ({})", name.trim())
}

/// The last `lines` lines of `log`, for an error about the process that
/// wrote it.
pub fn tail(log: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The paths of `paths` that exist, without those inside another of them
/// (the outer one's empty file system already hides them, and they could
/// not be mounted over once it is there).
pub fn outermost(paths: &[PathBuf]) -> Vec<PathBuf> {
    let existing: Vec<PathBuf> = paths
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .filter(|p| p.is_dir())
        .collect();
    let mut kept: Vec<PathBuf> = Vec::new();
    for path in &existing {
        let inside_another = existing
            .iter()
            .any(|other| other != path && path.starts_with(other));
        if !inside_another && !kept.contains(path) {
            kept.push(path.clone());
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outermost_keeps_the_outer_of_nested_paths() {
        let dir = std::env::temp_dir().join(format!("testbed-outer-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("tree/target")).unwrap();
        let kept = outermost(&[
            dir.join("tree/target"),
            dir.join("tree"),
            dir.join("missing"),
            dir.join("tree"),
        ]);
        assert_eq!(kept, vec![dir.join("tree").canonicalize().unwrap()]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
