//! The guide's "reference example, step by step" (docs/getting-started.md),
//! run as a new user runs it: the commands are read out of the page (so the
//! test changes when the page does) and typed, one after the other, into bash in a fresh clone
//! of this repository with a fresh `CARGO_TARGET_DIR` and none of cargo's
//! test environment. Then the master's state must show the scenario: one
//! task of the framework, FINISHED, on agent 0, on resources refined
//! `tenant1` > `tenant1/private` > `tenant1/private/test-framework`.
//!
//! The clone is of the committed HEAD: uncommitted changes are not in it
//! (the test says so when there are some). Needs a real Mesos where the
//! guide's `export MESOS_HOME=...` line points, and the ports the guide's
//! cluster uses (5050-5054); skipped loudly otherwise, failed with
//! `MESOS_TEST_REQUIRE=1`.

use crate::support::checks;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{require_mesos, shout, skip};

/// The guide page, and its section whose first `sh` block is the
/// step-by-step run.
const PAGE: &str = "docs/getting-started.md";
const SECTION: &str = "## The reference example, step by step";
/// The step that ends the run; the master is checked just before it.
const TEARDOWN: &str = "scripts/local-cluster.sh down";
/// Where the guide's cluster is: `local-cluster.sh`'s default ports.
const MASTER: &str = "127.0.0.1:5050";
const AGENT_PORTS: [u16; 4] = [5051, 5052, 5053, 5054];
/// A fresh target directory builds the crate from scratch, twice over
/// (reserve_cluster, then main); generous for two busy cores.
const STEPS_TIMEOUT: Duration = Duration::from_secs(40 * 60);

fn repository_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The commands of the guide's step-by-step block, comments and blank
/// lines removed, in order.
fn readme_steps() -> Vec<String> {
    let readme = std::fs::read_to_string(repository_root().join(PAGE)).unwrap();
    let section = readme
        .find(SECTION)
        .unwrap_or_else(|| panic!("{PAGE} has no section {SECTION:?}"));
    let block = readme[section..]
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_else(|| panic!("no ```sh block under {SECTION:?} in {PAGE}"));
    block
        .lines()
        .map(|line| match line.find(" #") {
            Some(comment) => &line[..comment],
            None => line,
        })
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(String::from)
        .collect()
}

/// Runs on any machine: the block still has the shape the real-Mesos test
/// below relies on, so an edit of the page that breaks it fails everywhere.
#[test]
fn the_readme_steps_set_up_run_the_example_and_tear_down() {
    let steps = readme_steps();
    assert!(
        steps.iter().any(|s| s.starts_with("export MESOS_HOME=")),
        "{steps:?}"
    );
    assert!(
        steps.iter().any(|s| s == "scripts/local-cluster.sh up"),
        "{steps:?}"
    );
    assert!(
        steps.iter().any(|s| s == "cargo run --example main"),
        "{steps:?}"
    );
    assert_eq!(
        steps.last().map(String::as_str),
        Some(TEARDOWN),
        "{steps:?}"
    );
    assert_eq!(steps.iter().filter(|s| *s == TEARDOWN).count(), 1);
}

/// Whatever happens, the guide's cluster is stopped with the guide's own
/// last step, in the clone.
struct Teardown<'a> {
    clone: &'a Path,
    env: &'a [(String, String)],
}

impl Drop for Teardown<'_> {
    fn drop(&mut self) {
        let status = bash(self.clone, self.env, TEARDOWN).status();
        if !matches!(status, Ok(s) if s.success()) {
            shout(&format!("readme_steps: `{TEARDOWN}` failed: {status:?}"));
        }
    }
}

#[test]
fn the_readme_steps_typed_in_a_fresh_clone_run_the_reference_scenario() {
    let test = "the_readme_steps_typed_in_a_fresh_clone_run_the_reference_scenario";
    if require_mesos(test).is_none() {
        return;
    }
    let steps = readme_steps();
    let prefix = steps
        .iter()
        .find_map(|s| s.strip_prefix("export MESOS_HOME="))
        .expect("an export MESOS_HOME= step");
    if !Path::new(prefix).join("lib/libmesos.so").exists() {
        skip(
            test,
            &format!("the guide's steps use MESOS_HOME={prefix}, which has no lib/libmesos.so"),
        );
        return;
    }
    let busy: Vec<u16> = std::iter::once(5050)
        .chain(AGENT_PORTS)
        .filter(|port| TcpListener::bind(("127.0.0.1", *port)).is_err())
        .collect();
    assert!(
        busy.is_empty(),
        "the guide's cluster needs ports 5050-5054, and {busy:?} are in use: \
         stop what listens there (`scripts/local-cluster.sh down`?)"
    );

    let work = std::env::temp_dir().join(format!("mesos-rs-readme-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let clone = fresh_clone(&work);
    let env = user_environment(&work.join("target"));

    let (run, last) = steps.split_at(steps.len() - 1);
    assert_eq!(last, [TEARDOWN]);
    let script = run
        .iter()
        .map(|step| format!("echo '+ {}'\n{step}\n", step.replace('\'', "'\\''")))
        .collect::<String>();
    let teardown = Teardown {
        clone: &clone,
        env: &env,
    };
    let log = work.join("steps.log");
    let succeeded = run_logged(&clone, &env, &script, &log);
    let output = std::fs::read_to_string(&log).unwrap_or_default();
    eprintln!("--- the guide's steps in {} ---\n{output}", clone.display());
    assert!(
        succeeded,
        "the guide's steps failed (log: {}):\n{output}",
        log.display()
    );
    for line in [
        "registered as framework",
        "reservation refined",
        "TaskFinished",
    ] {
        assert!(output.contains(line), "missing {line:?} in:\n{output}");
    }

    let master = mesos_native::operator::Master::new(MASTER).expect("the README's master address");
    checks::assert_reference_scenario_ran(&master, &AGENT_PORTS);
    drop(teardown);
    // Keep the log, drop the (large) clone and target directory.
    let _ = std::fs::remove_dir_all(&clone);
    let _ = std::fs::remove_dir_all(work.join("target"));
}

/// `git clone` of this repository's committed HEAD into `work/clone`.
fn fresh_clone(work: &Path) -> PathBuf {
    let root = repository_root();
    let dirty = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .current_dir(&root)
        .output()
        .expect("git status");
    if !dirty.stdout.is_empty() {
        shout(
            "readme_steps: the working tree has uncommitted changes; the fresh clone holds \
             only the committed HEAD",
        );
    }
    let clone = work.join("clone");
    let status = Command::new("git")
        .args(["clone", "--quiet", "--no-hardlinks"])
        .arg(&root)
        .arg(&clone)
        .status()
        .expect("git clone");
    assert!(status.success(), "git clone of {} failed", root.display());
    clone
}

/// A login shell's environment, not cargo's: no CARGO_*/RUSTFLAGS/MESOS_*
/// from the test run, a target directory of its own.
fn user_environment(target: &Path) -> Vec<(String, String)> {
    let keep = [
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "LANG",
        "TERM",
        "TMPDIR",
        "CARGO_HOME",
        "RUSTUP_HOME",
        "RUSTUP_TOOLCHAIN",
    ];
    let mut env: Vec<(String, String)> = keep
        .iter()
        .filter_map(|name| Some((name.to_string(), std::env::var(name).ok()?)))
        .collect();
    env.push((
        "CARGO_TARGET_DIR".into(),
        target.to_string_lossy().into_owned(),
    ));
    env
}

fn bash(dir: &Path, env: &[(String, String)], script: &str) -> Command {
    let mut command = Command::new("bash");
    command
        .args(["-c", script])
        .current_dir(dir)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null());
    command
}

/// Runs `script` under `set -euo pipefail`, its output into `log`; kills it
/// after STEPS_TIMEOUT. Whether every step succeeded.
fn run_logged(dir: &Path, env: &[(String, String)], script: &str, log: &Path) -> bool {
    let file = std::fs::File::create(log).unwrap();
    let mut child = bash(dir, env, &format!("set -euo pipefail\n{script}"))
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .expect("start bash");
    let deadline = Instant::now() + STEPS_TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.success();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            shout(&format!(
                "readme_steps: killed after {}s",
                STEPS_TIMEOUT.as_secs()
            ));
            return false;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}
