//! The connection flags every example shares, for clap (`#[command(flatten)]`).
//!
//! Secrets are never taken from the command line (where `ps` shows them):
//! only from `MESOS_SECRET` or a file named by `--secret-file` /
//! `MESOS_SECRET_FILE`. `--secret` is refused with that explanation.

use std::path::PathBuf;

/// The master address and optional credentials.
#[derive(clap::Args, Debug)]
pub struct ConnectionArgs {
    /// The master: HOST:PORT (or zk://HOST:PORT/PATH for the frameworks).
    #[arg(long, env = "MESOS_MASTER", default_value = "127.0.0.1:5050")]
    master: String,
    /// Authenticate as this principal; the secret comes from MESOS_SECRET
    /// or --secret-file.
    #[arg(long, env = "MESOS_PRINCIPAL", value_name = "P")]
    principal: Option<String>,
    /// A file holding the principal's secret.
    #[arg(long, env = "MESOS_SECRET_FILE", value_name = "F")]
    secret_file: Option<PathBuf>,
    /// Refused: the process list would show the secret.
    #[arg(long, hide = true)]
    secret: Option<String>,
}

/// What the flags say, checked: the master, and the credential if any.
pub struct Connection {
    pub master: String,
    /// Principal and secret, when the master authenticates.
    pub credential: Option<(String, String)>,
}

impl ConnectionArgs {
    /// The connection, with the secret read; an error says what is
    /// missing or refused.
    pub fn resolve(self) -> Result<Connection, String> {
        if self.secret.is_some() {
            return Err(
                "--secret is not accepted: the process list would show it; use MESOS_SECRET or \
                 --secret-file"
                    .into(),
            );
        }
        let secret = match (std::env::var("MESOS_SECRET").ok(), &self.secret_file) {
            (Some(secret), _) => Some(secret),
            (None, Some(path)) => Some(
                std::fs::read_to_string(path)
                    .map_err(|error| {
                        format!("cannot read the secret file {}: {error}", path.display())
                    })?
                    .trim_end()
                    .to_string(),
            ),
            (None, None) => None,
        };
        let credential = match (self.principal, secret) {
            (Some(principal), Some(secret)) => Some((principal, secret)),
            (Some(_), None) => {
                return Err(
                    "a principal was given without a secret: set MESOS_SECRET or --secret-file"
                        .into(),
                )
            }
            (None, Some(_)) => {
                return Err("a secret was given without --principal / MESOS_PRINCIPAL".into())
            }
            (None, None) => None,
        };
        Ok(Connection {
            master: self.master,
            credential,
        })
    }
}

/// Where the frameworks' custom executor comes from (see
/// `executor_command.rs`).
#[derive(clap::Args, Debug)]
pub struct ExecutorArgs {
    /// The executor program to run (default: this program is its own
    /// executor; MESOS_EXAMPLE_EXECUTOR also sets it).
    #[arg(long, value_name = "PATH")]
    pub executor: Option<String>,
    /// Have each agent's fetcher download the executor from URI.
    #[arg(long, value_name = "URI")]
    pub executor_uri: Option<String>,
}
