//! A Rust framework inside a C++ program: builds the C++ host
//! (`scripts/build-cpp-host.sh`, `embed/host/host.cpp`) and runs it on a
//! four-agent loopback cluster reserved by `reserve_cluster`. The host
//! uses libmesos itself (mesos::Resources, a driver of its own) in the
//! same process as the Rust reference framework, whose task must finish.
//! Skipped loudly without Mesos.

use std::path::PathBuf;
use std::process::Command;

use crate::support::{require_mesos, run_example, Cluster};

const AGENT_RESOURCES: &str = "cpus:1;mem:1024;disk:10000";

/// Builds the host into a target directory of this test's own (the build
/// lock of the one `cargo test` runs in is taken).
fn build_host(prefix: &std::path::Path) -> PathBuf {
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cpp-host-target");
    let output = Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scripts/build-cpp-host.sh"
    ))
    .env("MESOS_HOME", prefix)
    .env_remove("MESOS_NATIVE_LIBRARY")
    .env("CARGO_TARGET_DIR", &target)
    .output()
    .expect("run scripts/build-cpp-host.sh");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "building the host failed:\n{log}");
    eprintln!(
        "{}",
        log.lines()
            .filter(|line| line.starts_with("build-cpp-host") || line.contains("g++"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    target.join("release/cpp-host")
}

#[test]
fn a_cpp_program_runs_the_rust_framework_beside_its_own_libmesos_driver() {
    const TEST: &str = "a_cpp_program_runs_the_rust_framework_beside_its_own_libmesos_driver";
    let Some(install) = require_mesos(TEST) else {
        return;
    };
    let prefix = install.sbin.parent().unwrap().to_path_buf();
    let host = build_host(&prefix);

    let cluster = Cluster::start(&install, 4, AGENT_RESOURCES);
    let master = cluster.master.clone();
    assert!(run_example("reserve_cluster", &["--master", &master]).0);

    let output = Command::new(&host)
        .args([master.as_str(), "120"])
        .env("GLOG_minloglevel", "1")
        .output()
        .expect("run the host");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("--- cpp-host ---\n{text}");
    assert!(output.status.success(), "the host failed:\n{text}");
    for line in [
        "host: mesos::Resources (C++) says the Rust framework needs cpus:0.3; mem:192",
        "host: its own C++ MesosSchedulerDriver registered as framework",
        "refining the reservation tenant1/private -> tenant1/private/test-framework",
        "TaskFinished",
        "host: the Rust reference framework returned 0: task refinement-task finished",
        "host: its own driver stopped",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
}
