//! Shared by mesos-native-sys's test files.

/// Skips a check that needs something this machine lacks: says so loudly
/// and returns, or fails when `MESOS_TEST_REQUIRE=1` asks for every check
/// to run.
pub fn skip(message: &str) {
    if std::env::var("MESOS_TEST_REQUIRE").as_deref() == Ok("1") {
        panic!("{message}, and MESOS_TEST_REQUIRE=1");
    }
    // Straight to stderr: eprintln! would be captured by the harness and the
    // skip would go unnoticed.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "\n*** SKIPPED: {message} ***\n");
}
