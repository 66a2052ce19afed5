//! What the `state` and `log` operator tools share: their `main` (usage,
//! exit statuses) and the `--timeout` flag.

use std::process::ExitCode;
use std::time::Duration;

/// Parses the command line with `parse` and runs it with `run`: exit 2
/// with the usage on a bad command line (`Err("")` asks for the usage
/// alone, as `--help` does), 1 with the error when `run` fails.
pub fn main<C>(
    tool: &str,
    usage: &str,
    parse: fn(Vec<String>) -> Result<C, String>,
    run: fn(C) -> Result<ExitCode, mesos::Error>,
) -> ExitCode {
    let command = match parse(std::env::args().skip(1).collect()) {
        Ok(command) => command,
        Err(problem) if problem.is_empty() => {
            println!("{usage}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprintln!("{tool}: {problem}\n{usage}");
            return ExitCode::from(2);
        }
    };
    run(command).unwrap_or_else(|error| {
        eprintln!("{tool}: {error}");
        ExitCode::FAILURE
    })
}

/// `--timeout SECONDS` (fractions too).
pub fn timeout(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("--timeout {text}: not a number of seconds"))?;
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("--timeout {text}: not a duration"))
}
