//! Every example answers `--help` on any machine: no cluster, no libmesos.

use crate::support;

/// The examples a user runs; `async_scheduler` only exists with feature
/// `stream`, `cluster_state` with feature `operator` (on by default).
fn examples() -> Vec<&'static str> {
    let mut examples = vec![
        "main",
        "main_v1",
        "executor",
        "reserve_cluster",
        "state",
        "log",
    ];
    if cfg!(feature = "stream") {
        examples.push("async_scheduler");
    }
    if cfg!(feature = "operator") {
        examples.push("cluster_state");
    }
    examples
}

#[test]
fn every_example_prints_its_help_and_exits_0() {
    for name in examples() {
        let (ok, output) = support::run_example(name, &["--help"]);
        assert!(ok, "{name} --help failed:\n{output}");
        assert!(
            output.contains("Usage:"),
            "{name} --help has no usage:\n{output}"
        );
        assert!(
            output.contains(&format!("Usage: {name}")),
            "{name} calls itself something else:\n{output}"
        );
    }
}

#[test]
fn a_bad_command_line_exits_2_and_says_what_is_wrong() {
    for (name, args, problem) in [
        ("main", &["--no-such-flag"][..], "--no-such-flag"),
        ("main", &["--secret", "s3cret"], "--secret is not accepted"),
        (
            "main",
            &["--leader-election", "127.0.0.1:2181/app/leader"],
            "--framework-store",
        ),
        ("reserve_cluster", &["--timeout"], "--timeout"),
        ("state", &["--zk", "127.0.0.1:2181", "get", "x"], "--znode"),
        (
            "log",
            &["--quorum", "1", "--path", "/tmp/x", "append"],
            "<DATA>",
        ),
    ]
    .into_iter()
    .chain(cfg!(feature = "operator").then_some((
        "cluster_state",
        &["--timeout", "soon"][..],
        "not a number of seconds",
    ))) {
        let output = std::process::Command::new(support::example_binary(name))
            .args(args)
            .output()
            .expect("run the example");
        let text = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name} {args:?}: {text}");
        assert!(
            text.contains(problem),
            "{name} {args:?} does not name {problem}: {text}"
        );
    }
}
