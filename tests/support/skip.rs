//! How a gated test says it did not run.

/// Says loudly that `test` was skipped, and why; with
/// `MESOS_TEST_REQUIRE=1` it fails the test instead. Every gated test
/// skips through here, so the two behaviours cannot drift apart.
pub fn skip(test: &str, problem: &str) {
    let message = format!("SKIPPED {test}: {problem}");
    if required() {
        panic!("{message}; failing because MESOS_TEST_REQUIRE=1");
    }
    shout(&format!("**************** {message} ****************"));
}

/// Whether a missing dependency must fail the test (`MESOS_TEST_REQUIRE=1`).
pub fn required() -> bool {
    std::env::var("MESOS_TEST_REQUIRE").as_deref() == Ok("1")
}

/// Writes to the process's real stderr: unlike `eprintln!`, this is not
/// captured by the test harness, so a skip is visible in every test run.
pub fn shout(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "\n{message}\n");
}
