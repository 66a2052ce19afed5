//! What a cluster holds, through the master's operator API
//! (`mesos_native::operator`): its agents with their reservation stacks, its
//! frameworks and tasks; with `--follow`, then every change as the
//! master's event stream reports it.
//!
//! ```text
//! cargo run --example cluster_state -- [--master HOST:PORT | --master zk://HOST:PORT/PATH]
//!                                      [--follow] [--principal P --secret-file F]
//! ```
//!
//! Exit status: 0 done (with `--follow`: the stream ended, the master went
//! away or lost its leadership); 1 the master could not be asked; 2 a bad
//! command line.

use mesos_reference::cli;

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Duration;

use mesos_native::operator::Master;
use mesos_native::proto::v1::master::{event, Event};
use mesos_native::proto::v1::{Resource, Task};

/// Print a cluster's agents (with their reservation stacks), frameworks
/// and tasks, from the master's operator API; with --follow, then every
/// change as it happens.
#[derive(clap::Parser)]
#[command(name = "cluster_state")]
struct Args {
    #[command(flatten)]
    connection: cli::ConnectionArgs,
    /// After the state, print the master's events until the stream ends.
    #[arg(long)]
    follow: bool,
    /// Seconds a call may take (fractions too).
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = seconds)]
    timeout: Duration,
}

fn seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("{text}: not a number of seconds"))?;
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("{text}: not a duration"))
}

/// `tenant1 > tenant1/private`, or `unreserved`.
fn stack(resource: &Resource) -> String {
    if resource.reservations.is_empty() {
        return "unreserved".into();
    }
    resource
        .reservations
        .iter()
        .map(|reservation| reservation.role().to_string())
        .collect::<Vec<_>>()
        .join(" > ")
}

/// One line per (resource, reservation stack), scalars added up.
fn holdings(resources: &[Resource]) -> Vec<String> {
    let mut amounts: BTreeMap<(String, String), f64> = BTreeMap::new();
    let mut others = Vec::new();
    for resource in resources {
        match &resource.scalar {
            Some(scalar) => {
                *amounts
                    .entry((resource.name.clone(), stack(resource)))
                    .or_default() += scalar.value
            }
            None => others.push(format!("{} [{}]", resource.name, stack(resource))),
        }
    }
    amounts
        .into_iter()
        .map(|((name, stack), amount)| format!("{name} {amount} [{stack}]"))
        .chain(others)
        .collect()
}

fn task_line(task: &Task) -> String {
    let mut stacks: Vec<String> = task.resources.iter().map(stack).collect();
    stacks.dedup();
    format!(
        "{} {:?} on {} (framework {}) [{}]",
        task.task_id.value,
        task.state(),
        task.agent_id.value,
        task.framework_id.value,
        stacks.join("; ")
    )
}

fn print_state(master: &Master) -> mesos_native::Result<()> {
    let state = master.get_state()?;
    let agents = state.get_agents.unwrap_or_default();
    println!("agents: {}", agents.agents.len());
    for agent in &agents.agents {
        let info = &agent.agent_info;
        let id = info.id.as_ref().map_or("?", |id| id.value.as_str());
        let active = if agent.active { "active" } else { "inactive" };
        println!("  {}:{} {id} {active}", info.hostname, info.port());
        for line in holdings(&agent.total_resources) {
            println!("    {line}");
        }
    }
    let frameworks = state.get_frameworks.unwrap_or_default();
    println!(
        "frameworks: {} ({} completed)",
        frameworks.frameworks.len(),
        frameworks.completed_frameworks.len()
    );
    for framework in &frameworks.frameworks {
        let info = &framework.framework_info;
        let id = info.id.as_ref().map_or("?", |id| id.value.as_str());
        let active = if framework.active {
            "active"
        } else {
            "inactive"
        };
        println!("  {} {id} roles {:?} {active}", info.name, info.roles);
    }
    let tasks = state.get_tasks.unwrap_or_default();
    println!(
        "tasks: {} ({} completed, {} unreachable)",
        tasks.tasks.len(),
        tasks.completed_tasks.len(),
        tasks.unreachable_tasks.len()
    );
    for task in tasks.tasks.iter().chain(&tasks.unreachable_tasks) {
        println!("  {}", task_line(task));
    }
    Ok(())
}

/// One line for an event.
fn describe(event: &Event) -> String {
    let kind = event.r#type();
    let detail = match kind {
        event::Type::TaskAdded => event
            .task_added
            .as_ref()
            .map(|added| task_line(&added.task)),
        event::Type::TaskUpdated => event
            .task_updated
            .as_ref()
            .map(|updated| format!("{} {:?}", updated.status.task_id.value, updated.state())),
        event::Type::AgentAdded => event.agent_added.as_ref().map(|added| {
            let info = &added.agent.agent_info;
            format!("{}:{}", info.hostname, info.port())
        }),
        event::Type::AgentRemoved => event
            .agent_removed
            .as_ref()
            .map(|removed| removed.agent_id.value.clone()),
        event::Type::FrameworkAdded => event
            .framework_added
            .as_ref()
            .map(|added| added.framework.framework_info.name.clone()),
        event::Type::FrameworkUpdated => event
            .framework_updated
            .as_ref()
            .map(|updated| updated.framework.framework_info.name.clone()),
        event::Type::FrameworkRemoved => event
            .framework_removed
            .as_ref()
            .map(|removed| removed.framework_info.name.clone()),
        _ => None,
    };
    match detail {
        Some(detail) => format!("{} {detail}", kind.as_str_name()),
        None => kind.as_str_name().to_string(),
    }
}

fn follow(master: &Master) -> mesos_native::Result<()> {
    let events = master.subscribe()?;
    println!("following {}", events.endpoint());
    for event in events {
        let event = event?;
        // The first event repeats the state printed above.
        if event.r#type() != event::Type::Subscribed {
            println!("{}", describe(&event));
        }
    }
    println!("the event stream ended: the master went away or no longer leads");
    Ok(())
}

fn main() -> ExitCode {
    env_logger::init();
    let args: Args = clap::Parser::parse();
    let connection = match args.connection.resolve() {
        Ok(connection) => connection,
        Err(message) => {
            eprintln!("cluster_state: {message}");
            return ExitCode::from(2);
        }
    };
    let mut builder = Master::builder(connection.master).timeout(args.timeout);
    if let Some((principal, secret)) = connection.credential {
        builder = builder.credentials(principal, secret);
    }
    let run = builder.build().and_then(|master| {
        print_state(&master)?;
        if args.follow {
            follow(&master)?;
        }
        Ok(())
    });
    match run {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The error says what failed; its sources say why (e.g.
            // "connection refused").
            let mut message = error.to_string();
            let mut cause = std::error::Error::source(&error);
            while let Some(reason) = cause {
                message.push_str(&format!(": {reason}"));
                cause = reason.source();
            }
            eprintln!("cluster_state: {message}");
            ExitCode::FAILURE
        }
    }
}
