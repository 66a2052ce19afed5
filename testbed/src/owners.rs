//! Who owns each testbed, so that a sweep removes exactly the leftovers:
//! namespaces of a testbed whose owner is gone (a test process that was
//! killed before it could tear down, a `testbed up` whose state directory
//! was deleted), never those of a testbed another test is running now.
//!
//! A record per testbed id in [`OWNERS_DIR`] (in `/run`, like `ip netns`'s
//! own files, so a reboot forgets both together), written before the first
//! namespace is made and removed after the last is deleted:
//!
//! - `process PID STARTTIME`: a testbed living as long as that process
//!   (the start time tells a reused pid from the owner);
//! - `state DIR`: a testbed left running by `testbed up`, living until
//!   `testbed down` (or as long as `DIR/testbed.state` names it).

use std::path::{Path, PathBuf};

use crate::error::{io, Result};
use crate::namespaces;
use crate::plan::{id_of_namespace, PREFIX};
use crate::preflight::Tools;
use crate::processes;

/// Where the records are.
pub const OWNERS_DIR: &str = "/run/mesos-testbed";

/// The file a running testbed keeps in its state directory: its id, then
/// its spec.
pub const STATE_FILE: &str = "testbed.state";

fn record(id: &str) -> PathBuf {
    Path::new(OWNERS_DIR).join(id)
}

/// Records this process as the owner of testbed `id`.
pub fn claim_for_process(id: &str) -> Result<()> {
    let pid = std::process::id();
    let start = start_time(pid).unwrap_or_default();
    write(id, &format!("process {pid} {start}\n"))
}

/// Records `state_dir` as the owner of testbed `id` (it outlives this
/// process).
pub fn claim_for_state_dir(id: &str, state_dir: &Path) -> Result<()> {
    write(id, &format!("state {}\n", state_dir.display()))
}

/// Forgets testbed `id`'s owner (after its namespaces are gone).
pub fn release(id: &str) {
    let _ = std::fs::remove_file(record(id));
}

fn write(id: &str, text: &str) -> Result<()> {
    let dir = Path::new(OWNERS_DIR);
    std::fs::create_dir_all(dir).map_err(|e| io("cannot create", dir, e))?;
    let path = record(id);
    std::fs::write(&path, text).map_err(|e| io("cannot write", &path, e))
}

/// Whether testbed `id` has a living owner.
pub fn is_alive(id: &str) -> bool {
    std::fs::read_to_string(record(id)).is_ok_and(|text| alive(id, &text))
}

/// Whether the owner recorded as `text` for testbed `id` lives.
fn alive(id: &str, text: &str) -> bool {
    let text = text.trim_end_matches('\n');
    if let Some(dir) = text.strip_prefix("state ") {
        // The directory's path may hold spaces: the rest of the line.
        return std::fs::read_to_string(Path::new(dir).join(STATE_FILE))
            .is_ok_and(|state| state.lines().next() == Some(&format!("id {id}")));
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        ["process", pid, start] => pid
            .parse()
            .ok()
            .and_then(start_time)
            .is_some_and(|now| now.to_string() == *start),
        _ => false,
    }
}

/// Removes leftovers: every namespace of ours (`mrs-...`) whose testbed
/// has no living owner, or every one of ours with `all`, after stopping
/// the processes in it; and the records of testbeds without namespaces or
/// owner. Returns the namespaces removed; an error names those that could
/// not be.
pub fn sweep(tools: &Tools, all: bool) -> Result<Vec<String>> {
    let doomed: Vec<String> = namespaces::list()
        .into_iter()
        .filter(|netns| netns.starts_with(PREFIX))
        .filter(|netns| all || id_of_namespace(netns).is_none_or(|id| !is_alive(id)))
        .collect();
    let names: Vec<&str> = doomed.iter().map(String::as_str).collect();
    let failures = processes::remove_namespaces(tools, &names);
    if let Ok(records) = std::fs::read_dir(OWNERS_DIR) {
        let remaining = namespaces::list();
        for entry in records.flatten() {
            let id = entry.file_name().to_string_lossy().into_owned();
            let has_namespaces = remaining
                .iter()
                .any(|netns| id_of_namespace(netns) == Some(id.as_str()));
            if all || (!has_namespaces && !is_alive(&id)) {
                release(&id);
            }
        }
    }
    if failures.is_empty() {
        Ok(doomed)
    } else {
        Err(crate::Error::Failed(format!(
            "sweep could not remove everything: {}",
            failures.join("; ")
        )))
    }
}

/// A process's start time (clock ticks since boot, field 22 of
/// `/proc/PID/stat`).
fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses: count
    // from the last `)`.
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(19)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_a_start_time() {
        assert!(start_time(std::process::id()).is_some());
    }

    #[test]
    fn a_state_directory_owns_the_testbed_it_names() {
        let dir = std::env::temp_dir().join(format!("testbed owner {}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // Not in OWNERS_DIR (which needs root): the record's text alone.
        let id = format!("o{}", std::process::id());
        std::fs::write(dir.join(STATE_FILE), format!("id {id}\nspec\n")).unwrap();
        let record = format!("state {}\n", dir.display());
        assert!(alive(&id, &record));
        assert!(!alive("other", &record));
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(!alive(&id, &record));
        let me = std::process::id();
        let start = start_time(me).unwrap();
        assert!(alive(&id, &format!("process {me} {start}\n")));
        assert!(!alive(&id, &format!("process {me} {}\n", start + 1)));
    }
}
