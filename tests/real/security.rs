//! Authentication on a real loopback cluster: framework authentication
//! (CRAM-MD5, through libmesos) with the right, a wrong and no secret;
//! v1 HTTP framework authentication (`--authenticate_http_frameworks`) with
//! the right, a wrong and no credential; the operator API's HTTP basic
//! authentication as `reserve_cluster` uses it;
//! and the examples taking secrets only from the environment or a file.
//! Skipped loudly without Mesos.

use crate::support;

use crate::support::within::within;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

use crate::support::events::{self, channel, Ev};
use crate::support::{require_mesos, Cluster};
use mesos_native::operator::Master;
use mesos_native::proto::{Credential, FrameworkInfo};
use mesos_native::{DriverStatus, Error, MesosSchedulerDriver};

const PRINCIPAL: &str = "test-principal";
const SECRET: &str = "right-secret";

/// A directory of this test's own, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("mesos-rs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// Writes a file only its owner can read.
    fn secret_file(&self, name: &str, contents: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        path
    }

    /// The master's `--credentials` file.
    fn credentials(&self) -> PathBuf {
        self.secret_file(
            "credentials.json",
            &format!(r#"{{"credentials":[{{"principal":"{PRINCIPAL}","secret":"{SECRET}"}}]}}"#),
        )
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn framework() -> FrameworkInfo {
    FrameworkInfo {
        principal: Some(PRINCIPAL.into()),
        ..events::framework("authenticated", 0.0)
    }
}

fn credential(secret: &str) -> Credential {
    Credential {
        principal: PRINCIPAL.into(),
        secret: Some(secret.into()),
    }
}

/// Runs a driver that must fail: returns the `error` callback's message
/// and what `run` returned.
fn failing_run(
    cluster: &Cluster,
    credential: Option<Credential>,
) -> (String, mesos_native::Result<DriverStatus>) {
    let (scheduler, mut events) = channel(events::decline_all);
    let mut builder = MesosSchedulerDriver::builder(scheduler, framework(), &*cluster.master);
    if let Some(credential) = credential {
        builder = builder.credential(credential);
    }
    let driver = std::sync::Arc::new(builder.build().unwrap());
    let runner = {
        let driver = std::sync::Arc::clone(&driver);
        std::thread::spawn(move || driver.run())
    };
    let message = events.wait_for(
        "the error callback",
        Duration::from_secs(60),
        |event| match event {
            Ev::Error(message) => Some(message.clone()),
            Ev::Registered(..) => panic!("registered without valid credentials"),
            _ => None,
        },
    );
    let result = within("run after the error", Duration::from_secs(30), move || {
        runner.join().unwrap()
    });
    (message, result)
}

#[test]
fn framework_authentication_accepts_the_right_secret_and_reports_a_wrong_or_missing_one() {
    const TEST: &str =
        "framework_authentication_accepts_the_right_secret_and_reports_a_wrong_or_missing_one";
    let Some(install) = require_mesos(TEST) else {
        return;
    };
    support::init_logging();
    let scratch = Scratch::new("framework-auth");
    let credentials = scratch.credentials();
    let cluster = Cluster::start_with(
        &install,
        1,
        "cpus:1;mem:256;disk:100",
        &format!(
            "--authenticate_frameworks --credentials={}",
            credentials.display()
        ),
        "",
    );

    // The right secret: the framework registers.
    let (scheduler, mut events) = channel(events::decline_all);
    let driver = MesosSchedulerDriver::builder(scheduler, framework(), &*cluster.master)
        .credential(credential(SECRET))
        .build()
        .unwrap();
    driver.start().unwrap();
    events.wait_for(
        "registration",
        Duration::from_secs(60),
        |event| match event {
            Ev::Registered(..) => Some(()),
            Ev::Error(message) => panic!("the right secret was refused: {message}"),
            _ => None,
        },
    );
    assert_eq!(driver.stop(false).unwrap(), DriverStatus::Stopped);
    assert_eq!(driver.join().unwrap(), DriverStatus::Stopped);
    drop(driver);

    // A wrong secret: the error callback, then run returns the reason.
    let (message, result) = failing_run(&cluster, Some(credential("wrong-secret")));
    assert_eq!(message, "Master refused authentication");
    match result {
        Err(Error::Aborted {
            message: Some(reason),
        }) => assert_eq!(reason, message),
        other => panic!("expected Aborted with the reason, got {other:?}"),
    }

    // No credential at all: the master refuses the registration.
    let (message, result) = failing_run(&cluster, None);
    assert!(message.contains("is not authenticated"), "{message}");
    assert!(
        matches!(&result, Err(e @ Error::Aborted { message: Some(_) }) if e.to_string().contains("is not authenticated")),
        "{result:?}"
    );
}

/// Runs an example binary with a clean environment (no MESOS_* secrets
/// inherited) plus `env`.
fn example(name: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let binary = support::example_binary(name);
    assert!(
        binary.is_file(),
        "{} missing: cargo test builds the examples",
        binary.display()
    );
    let mut command = Command::new(&binary);
    command.args(args);
    for variable in [
        "MESOS_MASTER",
        "MESOS_PRINCIPAL",
        "MESOS_SECRET",
        "MESOS_SECRET_FILE",
    ] {
        command.env_remove(variable);
    }
    command.envs(env.iter().copied());
    let output = within(
        &format!("{name} {args:?}"),
        Duration::from_secs(120),
        move || command.output().expect("run the example"),
    );
    eprintln!(
        "--- {name} {args:?} -> {} ---\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_examples_take_secrets_from_the_environment_or_a_file_never_the_command_line() {
    // Needs no cluster: the flag is refused before anything connects.
    for name in ["main", "reserve_cluster"] {
        if !support::example_binary(name).is_file() {
            support::skip(
                "the_examples_take_secrets_from_the_environment_or_a_file_never_the_command_line",
                &format!("example {name} is not built (run `cargo build --examples` first)"),
            );
            return;
        }
        let output = example(name, &["--principal", PRINCIPAL, "--secret", SECRET], &[]);
        assert!(!output.status.success());
        assert!(
            output.status.code().is_some(),
            "{name} crashed: {}",
            output.status
        );
        let text = text(&output);
        assert!(text.contains("--secret is not accepted"), "{name}: {text}");
        assert!(!text.contains("panicked"), "{name}: {text}");
    }
}

#[test]
fn the_reference_framework_authenticates_with_a_secret_from_the_environment() {
    const TEST: &str = "the_reference_framework_authenticates_with_a_secret_from_the_environment";
    let Some(install) = require_mesos(TEST) else {
        return;
    };
    let scratch = Scratch::new("main-auth");
    let credentials = scratch.credentials();
    let cluster = Cluster::start_with(
        &install,
        1,
        "cpus:1;mem:256;disk:100",
        &format!(
            "--authenticate_frameworks --credentials={}",
            credentials.display()
        ),
        "",
    );
    let master = cluster.master.as_str();
    // Wrong secret in MESOS_SECRET: a clear error, exit status 1.
    let output = example(
        "main",
        &[
            "--master",
            master,
            "--principal",
            PRINCIPAL,
            "--timeout",
            "60",
        ],
        &[("MESOS_SECRET", "wrong-secret")],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        text(&output).contains("Master refused authentication"),
        "{}",
        text(&output)
    );
    // The right one from --secret-file: it registers (and then gives up,
    // since this cluster has no reservations for it).
    let secret_file = scratch.secret_file("secret", &format!("{SECRET}\n"));
    let output = example(
        "main",
        &[
            "--master",
            master,
            "--principal",
            PRINCIPAL,
            "--secret-file",
            secret_file.to_str().unwrap(),
            "--timeout",
            "5",
        ],
        &[],
    );
    let text = text(&output);
    assert!(text.contains("registered as framework"), "{text}");
    assert!(!text.contains("refused authentication"), "{text}");
}

#[test]
fn reserve_cluster_authenticates_to_the_operator_api_and_says_clearly_when_it_cannot() {
    const TEST: &str =
        "reserve_cluster_authenticates_to_the_operator_api_and_says_clearly_when_it_cannot";
    let Some(install) = require_mesos(TEST) else {
        return;
    };
    let scratch = Scratch::new("operator-auth");
    let credentials = scratch.credentials();
    // reserve_cluster's plan needs four agents; tiny ones.
    let cluster = Cluster::start_with(
        &install,
        4,
        "cpus:0.5;mem:64;disk:64",
        &format!(
            "--authenticate_http_readwrite --credentials={}",
            credentials.display()
        ),
        "",
    );
    let master = cluster.master.as_str();

    let refused = |output: &Output, what: &str| {
        let text = text(output);
        assert_eq!(output.status.code(), Some(1), "{what}: {text}");
        assert!(text.contains("answered 401"), "{what}: {text}");
        assert!(
            text.contains("requires HTTP authentication"),
            "{what}: {text}"
        );
        assert!(!text.contains("panicked"), "{what}: {text}");
    };
    refused(
        &example("reserve_cluster", &["--master", master], &[]),
        "no credentials",
    );
    refused(
        &example(
            "reserve_cluster",
            &["--master", master, "--principal", PRINCIPAL],
            &[("MESOS_SECRET", "wrong-secret")],
        ),
        "a wrong secret",
    );
    assert!(no_reservations(&cluster), "refused calls reserved nothing");

    let secret_file = scratch.secret_file("secret", SECRET);
    let secret_file = secret_file.to_str().unwrap();
    let with_secret = |extra: &[&str]| {
        let mut args = vec![
            "--master",
            master,
            "--principal",
            PRINCIPAL,
            "--secret-file",
            secret_file,
        ];
        args.extend_from_slice(extra);
        example("reserve_cluster", &args, &[])
    };
    let output = with_secret(&[]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(!no_reservations(&cluster), "the right credentials reserved");
    let output = with_secret(&["--unreserve"]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(no_reservations(&cluster), "--unreserve removed them");
}

/// Whether no agent holds a reservation, per the master's GET_AGENTS (with
/// the credentials: `/api/v1` is one endpoint, behind read-write
/// authentication even for the calls that only read).
fn no_reservations(cluster: &Cluster) -> bool {
    let master = Master::builder(&cluster.master)
        .credentials(PRINCIPAL, SECRET)
        .build()
        .unwrap();
    let agents = master.get_agents().expect("GET_AGENTS").agents;
    agents.iter().all(|agent| {
        agent
            .total_resources
            .iter()
            .all(|resource| resource.reservations.is_empty())
    })
}

/// A v1 scheduler on the cluster, with `credential` (or none): the first
/// of `SUBSCRIBED` (its framework id) or `ERROR` (its message).
fn v1_subscribe(cluster: &Cluster, credential: Option<&str>) -> Result<String, String> {
    use mesos_native::proto::v1::Credential as V1Credential;
    use mesos_native::v1::scheduler::Mesos;
    use support::v1_events::{decline_all, subscribing, v1_channel};

    let framework = mesos_native::proto::v1::FrameworkInfo {
        principal: Some(PRINCIPAL.into()),
        ..support::v1_events::framework("authenticated (v1)", "*", 0.0)
    };
    let (scheduler, mut events) = v1_channel(subscribing(framework, decline_all));
    let mut builder = Mesos::builder(scheduler, cluster.master.clone());
    if let Some(secret) = credential {
        builder = builder.credential(V1Credential {
            principal: PRINCIPAL.into(),
            secret: Some(secret.into()),
        });
    }
    let mesos = builder.build().unwrap();
    mesos.start().unwrap();
    let answer = events.wait_for("SUBSCRIBED or ERROR", Duration::from_secs(60), |seen| {
        let event = seen.event()?;
        if let Some(subscribed) = &event.subscribed {
            return Some(Ok(subscribed.framework_id.value.clone()));
        }
        event.error.as_ref().map(|error| Err(error.message.clone()))
    });
    if answer.is_ok() {
        mesos.teardown().unwrap();
    }
    mesos.stop().unwrap();
    answer
}

#[test]
fn v1_http_framework_authentication_accepts_the_right_credential_and_reports_a_wrong_or_missing_one(
) {
    const TEST: &str =
        "v1_http_framework_authentication_accepts_the_right_credential_and_reports_a_wrong_or_missing_one";
    let Some(install) = require_mesos(TEST) else {
        return;
    };
    support::init_logging();
    let scratch = Scratch::new("v1-http-authentication");
    let credentials = scratch.credentials();
    let cluster = Cluster::start_with(
        &install,
        1,
        "cpus:1;mem:256;disk:100",
        &format!(
            "--authenticate_http_frameworks --http_framework_authenticators=basic \
             --credentials={}",
            credentials.display()
        ),
        "",
    );

    let id = v1_subscribe(&cluster, Some(SECRET)).expect("the right credential subscribes");
    eprintln!("subscribed as {id} with the right credential");
    for (case, credential) in [("a wrong", Some("wrong-secret")), ("no", None)] {
        let message = v1_subscribe(&cluster, credential)
            .expect_err("SUBSCRIBE without a valid credential must fail");
        eprintln!("{case} credential: {message}");
        assert!(
            message.contains("401") || message.contains("Unauthorized"),
            "{case} credential: {message}"
        );
    }
}
