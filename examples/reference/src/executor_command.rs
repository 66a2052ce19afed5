//! Which program the agent runs as the reference framework's custom
//! executor, and the `CommandInfo` that tells the agent how to get it.
//!
//! Three sources, as the `main` example's flags choose them:
//!
//! - by default, the `main` binary itself: the agent starts it again with
//!   [`RUN_AS_EXECUTOR`] set in its environment, and `main` then runs the
//!   executor instead of the scheduler (the Java project kept both in one
//!   jar, for the same reason: one build is enough);
//! - `--executor PATH`: a program at a path that exists on every agent;
//! - `--executor-uri URI`: a program that Mesos's fetcher downloads into the
//!   task's sandbox first (`http://`, `https://`, `file://`, `hdfs://`...),
//!   for agents on other machines.
//!
//! Every command carries [`RUN_AS_EXECUTOR`], so `--executor` and
//! `--executor-uri` may name either the `executor` example or `main`.

use std::path::{Path, PathBuf};

use mesos_native::proto::command_info::Uri;
use mesos_native::proto::environment::Variable;
use mesos_native::proto::{CommandInfo, Environment};

/// The environment variable that makes `main` run as the executor, and its
/// value. Set only in the executor's environment, by the agent, from the
/// `CommandInfo` below: a scheduler started by hand never has it.
pub const RUN_AS_EXECUTOR: (&str, &str) = ("MESOS_RS_REFINEMENT_EXAMPLE", "executor");

/// The environment variable with a default for `--executor PATH`.
pub const EXECUTOR_VARIABLE: &str = "MESOS_EXAMPLE_EXECUTOR";

/// Where the custom executor comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ExecutorSource {
    /// A program on the agents' file system (absolute path).
    Path(PathBuf),
    /// A program the agent's fetcher downloads into the sandbox.
    Uri(String),
}

impl ExecutorSource {
    /// The default: this very binary, which runs as the executor when the
    /// agent starts it with [`RUN_AS_EXECUTOR`].
    pub fn this_program() -> Result<Self, String> {
        let me = std::env::current_exe()
            .map_err(|error| format!("cannot find this program's path: {error}"))?;
        Self::path(&me)
    }

    /// `--executor PATH`: must exist here (the local agents share this file
    /// system); made absolute, since the agent runs it from the sandbox.
    pub fn path(path: &Path) -> Result<Self, String> {
        if !path.is_file() {
            return Err(format!(
                "the custom executor {} does not exist: pass --executor with the path of a \
                 program, or leave it out to use this program as its own executor",
                path.display()
            ));
        }
        let absolute = path
            .canonicalize()
            .map_err(|error| format!("{}: {error}", path.display()))?;
        Ok(Self::Path(absolute))
    }

    /// `--executor-uri URI`: anything the fetcher understands, whose last
    /// path segment names the program (it is saved under that name).
    pub fn uri(uri: &str) -> Result<Self, String> {
        file_name_of(uri)?;
        Ok(Self::Uri(uri.to_string()))
    }

    /// The source `main`'s flags and environment pick. The flags win;
    /// [`EXECUTOR_VARIABLE`] (a path) is only the default when neither flag
    /// is given, so a user who exported it can still pass `--executor-uri`.
    /// With nothing at all, this program is its own executor.
    pub fn choose(
        path_flag: Option<&str>,
        uri_flag: Option<&str>,
        path_variable: Option<&str>,
    ) -> Result<Self, String> {
        match (path_flag, uri_flag, path_variable) {
            (Some(_), Some(_), _) => {
                Err("--executor and --executor-uri exclude each other: pick one".to_string())
            }
            (Some(path), None, _) => Self::path(Path::new(path)),
            (None, Some(uri), _) => Self::uri(uri),
            (None, None, Some(path)) => Self::path(Path::new(path))
                .map_err(|error| format!("{error} (the path came from {EXECUTOR_VARIABLE})")),
            (None, None, None) => Self::this_program(),
        }
    }

    /// What the executor's log line shows.
    pub fn describe(&self) -> String {
        match self {
            Self::Path(path) => path.display().to_string(),
            Self::Uri(uri) => format!("{uri} (fetched by the agent)"),
        }
    }

    /// The command the agent runs: the program without a shell, with
    /// [`RUN_AS_EXECUTOR`] in its environment.
    pub fn command(&self) -> CommandInfo {
        self.command_as(RUN_AS_EXECUTOR.1)
    }

    /// [`command`](Self::command), telling the program to run as the
    /// executor named `mode` (`RUN_AS_EXECUTOR.1`, or [`V1_EXECUTOR`] for
    /// the `main_v1` example's).
    pub fn command_as(&self, mode: &str) -> CommandInfo {
        let (program, uris) = match self {
            Self::Path(path) => (path.display().to_string(), Vec::new()),
            Self::Uri(uri) => {
                let name = file_name_of(uri).expect("checked by ExecutorSource::uri");
                let fetched = Uri {
                    value: uri.clone(),
                    executable: Some(true),
                    extract: Some(false),
                    output_file: Some(name.to_string()),
                    ..Default::default()
                };
                // The fetcher saves it in the sandbox, the executor's
                // working directory.
                (format!("./{name}"), vec![fetched])
            }
        };
        CommandInfo {
            uris,
            environment: Some(Environment {
                variables: vec![Variable {
                    name: RUN_AS_EXECUTOR.0.into(),
                    value: Some(mode.into()),
                    ..Default::default()
                }],
            }),
            value: Some(program.clone()),
            shell: Some(false),
            arguments: vec![program],
            ..Default::default()
        }
    }
}

/// The value of [`RUN_AS_EXECUTOR`]'s variable that makes `main_v1` run
/// its v1 executor.
pub const V1_EXECUTOR: &str = "v1-executor";

/// Whether this process was started by an agent as the executor.
pub fn started_as_executor() -> bool {
    started_as(RUN_AS_EXECUTOR.1)
}

/// Whether this process was started by an agent as the executor `mode`.
pub fn started_as(mode: &str) -> bool {
    std::env::var(RUN_AS_EXECUTOR.0).as_deref() == Ok(mode)
}

/// The last path segment of `uri`, without a query or fragment.
fn file_name_of(uri: &str) -> Result<&str, String> {
    let path = uri.split(['?', '#']).next().unwrap_or_default();
    match path.rsplit('/').next() {
        Some(name) if !name.is_empty() && name != "." && name != ".." && path.contains('/') => {
            Ok(name)
        }
        _ => Err(format!(
            "--executor-uri {uri:?} does not end in a file name: expected e.g. \
             http://host/path/executor or file:///path/executor"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uri_is_fetched_executable_and_run_from_the_sandbox() {
        let source = ExecutorSource::uri("http://files.example/bin/executor?v=2").unwrap();
        let command = source.command();
        assert_eq!(command.value.as_deref(), Some("./executor"));
        assert_eq!(command.arguments, ["./executor"]);
        assert_eq!(command.shell, Some(false));
        let uri = &command.uris[0];
        assert_eq!(uri.value, "http://files.example/bin/executor?v=2");
        assert_eq!(uri.executable, Some(true));
        assert_eq!(uri.extract, Some(false));
        assert_eq!(uri.output_file.as_deref(), Some("executor"));
    }

    #[test]
    fn uris_without_a_file_name_are_refused() {
        for uri in ["http://host/", "executor", "http://host/dir/..", ""] {
            let error = ExecutorSource::uri(uri).unwrap_err();
            assert!(error.contains("does not end in a file name"), "{error}");
        }
    }

    #[test]
    fn every_command_tells_the_program_to_run_as_the_executor() {
        let me = ExecutorSource::this_program().unwrap();
        for source in [me, ExecutorSource::uri("file:///opt/bin/main").unwrap()] {
            let variables = source.command().environment.unwrap().variables;
            assert_eq!(variables.len(), 1);
            assert_eq!(variables[0].name, RUN_AS_EXECUTOR.0);
            assert_eq!(variables[0].value.as_deref(), Some(RUN_AS_EXECUTOR.1));
        }
    }

    #[test]
    fn the_flags_win_over_the_environments_default_path() {
        let me = std::env::current_exe().unwrap();
        let me = me.to_str().unwrap();
        let uri = "http://files.example/bin/main";
        assert_eq!(
            ExecutorSource::choose(None, Some(uri), Some("/nonexistent/executor")),
            Ok(ExecutorSource::Uri(uri.into()))
        );
        assert_eq!(
            ExecutorSource::choose(Some(me), None, Some("/nonexistent/executor")),
            ExecutorSource::path(Path::new(me))
        );
        assert_eq!(
            ExecutorSource::choose(None, None, Some(me)),
            ExecutorSource::path(Path::new(me))
        );
        assert_eq!(
            ExecutorSource::choose(None, None, None),
            ExecutorSource::this_program()
        );
    }

    #[test]
    fn both_flags_together_are_refused_and_a_bad_default_names_its_variable() {
        let error =
            ExecutorSource::choose(Some("/bin/true"), Some("http://h/x"), None).unwrap_err();
        assert!(error.contains("exclude each other"), "{error}");
        let error = ExecutorSource::choose(None, None, Some("/nonexistent/executor")).unwrap_err();
        assert!(error.contains(EXECUTOR_VARIABLE), "{error}");
    }

    #[test]
    fn a_missing_path_says_how_to_fix_it() {
        let error = ExecutorSource::path(Path::new("/nonexistent/executor")).unwrap_err();
        assert!(error.contains("does not exist"), "{error}");
    }
}
