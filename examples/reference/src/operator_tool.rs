//! What the `state` and `log` operator tools share: the `--timeout` flag
//! and their exit statuses.

use std::process::ExitCode;
use std::time::Duration;

/// `--timeout SECONDS` (fractions too), for clap's `value_parser`.
pub fn timeout(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("{text}: not a number of seconds"))?;
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("{text}: not a duration"))
}

/// Runs `run` over what `open` gave: exit 2 when the store could not be
/// opened (as for a bad command line, which clap answers with 2 too), 1
/// with the error when `run` fails, else `run`'s own status.
pub fn run<S>(
    tool: &str,
    opened: Result<S, mesos_native::Error>,
    run: impl FnOnce(S) -> Result<ExitCode, mesos_native::Error>,
) -> ExitCode {
    let store = match opened {
        Ok(store) => store,
        Err(error) => {
            eprintln!("{tool}: {error}");
            return ExitCode::from(2);
        }
    };
    run(store).unwrap_or_else(|error| {
        eprintln!("{tool}: {error}");
        ExitCode::FAILURE
    })
}
