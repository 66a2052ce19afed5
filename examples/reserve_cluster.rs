//! The operator step of the reference example: dynamic reservations on a
//! four-agent cluster through the master's operator API (`/api/v1`).
//!
//! With agents ordered by port (agent 0 = the lowest, e.g. 5051):
//!
//! | agent | all of cpus/mem/disk | half of it refined to |
//! |-------|----------------------|-----------------------|
//! | 0     | `tenant1`            | `tenant1/private`     |
//! | 1     | `tenant1`            | `tenant1/public`      |
//! | 2     | `tenant2`            | `tenant2/private`     |
//! | 3     | `tenant2`            | `tenant2/public`      |
//!
//! Running it again leaves the same reservations (an agent already in that
//! state is left alone); `--unreserve` removes every dynamic reservation on
//! those agents, innermost first.
//!
//! ```text
//! cargo run --example reserve_cluster -- [--master HOST:PORT] [--unreserve]
//!                                        [--principal P --secret-file F]
//! ```
//! `--principal` with `MESOS_SECRET` or `--secret-file` authenticates with
//! HTTP basic auth (masters run with `--authenticate_http_readwrite`).

use mesos_reference::{cli, http};

use std::collections::BTreeMap;

use serde_json::{json, Value};

/// (level-one role, refined sub-role) for agents 0..4.
const PLAN: [(&str, &str); 4] = [
    ("tenant1", "tenant1/private"),
    ("tenant1", "tenant1/public"),
    ("tenant2", "tenant2/private"),
    ("tenant2", "tenant2/public"),
];

/// The resources reserved; ports and others stay unreserved.
const RESERVED: [&str; 3] = ["cpus", "mem", "disk"];

struct Operator {
    master: http::Master,
    principal: Option<String>,
}

/// One agent as the operator API reports it.
struct Agent {
    id: String,
    port: u64,
    hostname: String,
    total: Vec<Value>,
}

/// Amount per (resource name, reservation stack of roles).
type Holdings = BTreeMap<(String, Vec<String>), f64>;

impl Operator {
    fn call(&self, body: Value) -> Result<Value, String> {
        log::debug!("operator API call: {body}");
        let answer = self
            .master
            .post_json("/api/v1", &body.to_string())
            .map_err(|e| match e {
                http::HttpError::Status { status: 401, .. } => format!(
                    "{e}\nthe master requires HTTP authentication and refused {}: pass \
                     --principal with MESOS_SECRET or --secret-file",
                    if self.master.auth.is_some() {
                        "these credentials"
                    } else {
                        "a request without credentials"
                    }
                ),
                http::HttpError::Status { status: 403, .. } => format!(
                    "{e}\nthe master authenticated the principal but its ACLs do not allow this \
                     operation"
                ),
                e => e.to_string(),
            })?;
        if answer.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&answer)
            .map_err(|e| format!("the master's answer is not JSON ({e}): {answer}"))
    }

    fn agents(&self) -> Result<Vec<Agent>, String> {
        let answer = self.call(json!({"type": "GET_AGENTS"}))?;
        let mut agents: Vec<Agent> = answer["get_agents"]["agents"]
            .as_array()
            .ok_or_else(|| format!("unexpected GET_AGENTS answer: {answer}"))?
            .iter()
            .filter(|agent| agent["active"].as_bool().unwrap_or(true))
            .map(|agent| Agent {
                id: agent["agent_info"]["id"]["value"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                port: agent["agent_info"]["port"].as_u64().unwrap_or(0),
                hostname: agent["agent_info"]["hostname"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                total: agent["total_resources"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
            })
            .collect();
        agents.sort_by_key(|agent| (agent.port, agent.hostname.clone()));
        Ok(agents)
    }

    fn reservation(&self, role: &str) -> Value {
        match &self.principal {
            Some(principal) => json!({"type": "DYNAMIC", "role": role, "principal": principal}),
            None => json!({"type": "DYNAMIC", "role": role}),
        }
    }

    fn reserve(
        &self,
        agent: &Agent,
        amounts: &BTreeMap<String, f64>,
        stack: &[&str],
    ) -> Result<(), String> {
        let reservations: Vec<Value> = stack.iter().map(|role| self.reservation(role)).collect();
        let resources: Vec<Value> = amounts
            .iter()
            .map(|(name, amount)| {
                json!({"name": name, "type": "SCALAR", "scalar": {"value": amount}, "reservations": reservations})
            })
            .collect();
        self.call(json!({
            "type": "RESERVE_RESOURCES",
            "reserve_resources": {"agent_id": {"value": agent.id}, "resources": resources}
        }))
        .map(drop)
        .map_err(|e| {
            format!(
                "reserving {} on agent {}: {e}",
                stack.join(" -> "),
                agent.port
            )
        })
    }

    /// Pops dynamic reservations, innermost first, until none is left.
    fn unreserve_all(&self, agent_port: u64) -> Result<usize, String> {
        let mut popped = 0;
        loop {
            let agent = self
                .agents()?
                .into_iter()
                .find(|agent| agent.port == agent_port)
                .ok_or_else(|| format!("agent on port {agent_port} disappeared"))?;
            let deepest = agent.total.iter().map(dynamic_depth).max().unwrap_or(0);
            if deepest == 0 {
                return Ok(popped);
            }
            let resources: Vec<Value> = agent
                .total
                .iter()
                .filter(|r| dynamic_depth(r) == deepest)
                .cloned()
                .collect();
            self.call(json!({
                "type": "UNRESERVE_RESOURCES",
                "unreserve_resources": {"agent_id": {"value": agent.id}, "resources": resources}
            }))
            .map_err(|e| {
                format!(
                    "unreserving on agent {agent_port} (are tasks still using the resources?): {e}"
                )
            })?;
            popped += 1;
        }
    }
}

/// How many dynamic reservations a resource carries (0 if none).
fn dynamic_depth(resource: &Value) -> usize {
    let stack = resource["reservations"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if stack.iter().any(|r| r["type"] == "DYNAMIC") {
        stack.len()
    } else {
        0
    }
}

fn holdings(total: &[Value]) -> Holdings {
    let mut holdings = Holdings::new();
    for resource in total {
        let (Some(name), Some(amount)) = (
            resource["name"].as_str(),
            resource["scalar"]["value"].as_f64(),
        ) else {
            continue;
        };
        if !RESERVED.contains(&name) {
            continue;
        }
        let stack: Vec<String> = resource["reservations"]
            .as_array()
            .map(|stack| {
                stack
                    .iter()
                    .filter_map(|r| r["role"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        *holdings.entry((name.to_string(), stack)).or_default() += amount;
    }
    holdings
}

/// What agent `index` should hold, given its total amounts.
fn target(totals: &BTreeMap<String, f64>, (tenant, sub): (&str, &str)) -> Holdings {
    let mut target = Holdings::new();
    for (name, total) in totals {
        let half = (total / 2.0 * 1000.0).round() / 1000.0;
        target.insert((name.clone(), vec![tenant.to_string()]), total - half);
        target.insert(
            (name.clone(), vec![tenant.to_string(), sub.to_string()]),
            half,
        );
    }
    target
}

fn same(a: &Holdings, b: &Holdings) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((ka, va), (kb, vb))| ka == kb && (va - vb).abs() < 1e-6)
}

/// The operator step of the reference example: reserves a four-agent
/// cluster for two tenants (agents by port: 0 and 1 to tenant1, 2 and 3
/// to tenant2, half of each refined to a sub-role). Running it again
/// leaves the same reservations.
#[derive(clap::Parser)]
#[command(name = "reserve_cluster")]
struct Args {
    #[command(flatten)]
    connection: cli::ConnectionArgs,
    /// Remove every dynamic reservation on those agents instead,
    /// innermost first.
    #[arg(long)]
    unreserve: bool,
}

fn run() -> Result<(), String> {
    let args: Args = clap::Parser::parse();
    let unreserve = args.unreserve;
    let connection = args.connection.resolve()?;
    let auth = connection
        .credential
        .clone()
        .map(|(principal, secret)| http::BasicAuth { principal, secret });
    let operator = Operator {
        master: http::Master::new(&connection.master, auth),
        principal: connection.credential.map(|(principal, _)| principal),
    };
    log::info!("asking the master at {} for its agents", connection.master);
    let agents = operator.agents()?;
    if agents.len() < PLAN.len() {
        return Err(format!(
            "the master at {} has {} active agent(s); this plan needs {} (start them with scripts/local-cluster.sh up)",
            connection.master,
            agents.len(),
            PLAN.len()
        ));
    }
    for (index, (agent, roles)) in agents.iter().zip(PLAN).enumerate() {
        let label = format!("agent {index} ({}:{})", agent.hostname, agent.port);
        if unreserve {
            let popped = operator.unreserve_all(agent.port)?;
            println!("{label}: {} reservation level(s) removed", popped);
            continue;
        }
        let current = holdings(&agent.total);
        let mut totals = BTreeMap::new();
        for ((name, _), amount) in &current {
            *totals.entry(name.clone()).or_insert(0.0) += amount;
        }
        let wanted = target(&totals, roles);
        if same(&current, &wanted) {
            println!(
                "{label}: already reserved to {} with half refined to {}",
                roles.0, roles.1
            );
            continue;
        }
        if current.keys().any(|(_, stack)| !stack.is_empty()) {
            let popped = operator.unreserve_all(agent.port)?;
            println!("{label}: cleared {popped} reservation level(s) that did not match the plan");
        }
        operator.reserve(agent, &totals, &[roles.0])?;
        let halves: BTreeMap<String, f64> = wanted
            .iter()
            .filter(|((_, stack), _)| stack.len() == 2)
            .map(|((name, _), v)| (name.clone(), *v))
            .collect();
        operator.reserve(agent, &halves, &[roles.0, roles.1])?;
        let summary: Vec<String> = totals
            .iter()
            .map(|(name, total)| format!("{name}:{total}"))
            .collect();
        println!(
            "{label}: reserved {} to {}, half refined to {}",
            summary.join(";"),
            roles.0,
            roles.1
        );
    }
    Ok(())
}

fn main() {
    env_logger::init();
    if let Err(message) = run() {
        eprintln!("reserve_cluster: {message}");
        std::process::exit(1);
    }
}
