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

/// The command line of a tool: the values of its flags (each takes one;
/// a repeated flag's last value wins) and the command after them.
pub struct CommandLine {
    flags: std::collections::HashMap<&'static str, String>,
    /// The first word that is not a flag, and every word after it.
    pub command: Vec<String>,
}

impl CommandLine {
    /// Splits `args`; `Err("")` for `-h`/`--help`, an error naming any
    /// flag not in `known` or missing its value.
    pub fn parse(args: Vec<String>, known: &[&'static str]) -> Result<Self, String> {
        let mut flags = std::collections::HashMap::new();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "-h" || arg == "--help" {
                return Err(String::new());
            }
            if !arg.starts_with("--") {
                let command = std::iter::once(arg).chain(args).collect();
                return Ok(Self { flags, command });
            }
            let Some(flag) = known.iter().copied().find(|flag| *flag == arg) else {
                return Err(format!("unknown flag {arg}"));
            };
            let value = args.next().ok_or(format!("{flag} needs a value"))?;
            flags.insert(flag, value);
        }
        Ok(Self {
            flags,
            command: Vec::new(),
        })
    }

    /// The value of `flag`, if given.
    pub fn take(&mut self, flag: &str) -> Option<String> {
        self.flags.remove(flag)
    }

    /// `--timeout SECONDS`, 10 s when not given.
    pub fn timeout(&mut self) -> Result<Duration, String> {
        self.take("--timeout")
            .map_or(Ok(Duration::from_secs(10)), |text| timeout(&text))
    }
}
