//! Command-line and environment options shared by the examples.
//!
//! Secrets are never taken from the command line (where `ps` shows them):
//! only from `MESOS_SECRET` or a file named by `--secret-file` /
//! `MESOS_SECRET_FILE`.

use std::collections::VecDeque;

/// The master address and optional credentials.
pub struct Connection {
    /// `host:port` (or a zk:// URL for the framework example).
    pub master: String,
    /// Principal and secret, when the master authenticates.
    pub credential: Option<(String, String)>,
}

/// Parses `--master`, `--principal`, `--secret-file` from `args`, leaving
/// other arguments in `rest`, with defaults from the environment.
pub fn connection(
    args: &mut VecDeque<String>,
    rest: &mut Vec<String>,
) -> Result<Connection, String> {
    let mut master = std::env::var("MESOS_MASTER").unwrap_or_else(|_| "127.0.0.1:5050".to_string());
    let mut principal = std::env::var("MESOS_PRINCIPAL").ok();
    let mut secret_file = std::env::var("MESOS_SECRET_FILE").ok();
    while let Some(arg) = args.pop_front() {
        match arg.as_str() {
            "--master" => master = value(args, "--master")?,
            "--principal" => principal = Some(value(args, "--principal")?),
            "--secret-file" => secret_file = Some(value(args, "--secret-file")?),
            "--secret" => return Err(
                "--secret is not accepted: the process list would show it; use MESOS_SECRET or \
                            --secret-file"
                    .to_string(),
            ),
            _ => rest.push(arg),
        }
    }
    let secret = match (std::env::var("MESOS_SECRET").ok(), secret_file) {
        (Some(secret), _) => Some(secret),
        (None, Some(path)) => Some(
            std::fs::read_to_string(&path)
                .map_err(|error| format!("cannot read the secret file {path}: {error}"))?
                .trim_end()
                .to_string(),
        ),
        (None, None) => None,
    };
    let credential = match (principal, secret) {
        (Some(principal), Some(secret)) => Some((principal, secret)),
        (Some(_), None) => {
            return Err(
                "a principal was given without a secret: set MESOS_SECRET or --secret-file"
                    .to_string(),
            )
        }
        (None, Some(_)) => {
            return Err("a secret was given without --principal / MESOS_PRINCIPAL".to_string())
        }
        (None, None) => None,
    };
    Ok(Connection { master, credential })
}

/// The value after a flag.
pub fn value(args: &mut VecDeque<String>, flag: &str) -> Result<String, String> {
    args.pop_front()
        .ok_or_else(|| format!("{flag} needs a value"))
}
