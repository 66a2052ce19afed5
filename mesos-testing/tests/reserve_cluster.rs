//! The reference example's operator step (`mesos_reference::reservations`,
//! which `examples/reserve_cluster.rs` runs), tested as a user tests code
//! that calls the operator API: against the kit's fake master, here
//! playing a four-agent cluster that applies RESERVE_RESOURCES and
//! UNRESERVE_RESOURCES with Mesos's resource arithmetic. Idempotence,
//! the order of the agents, clearing what does not match the plan, the
//! principal, and the errors, with no Mesos.

use std::sync::{Arc, Mutex};

use mesos_native::proto::v1::master::{call, response, Call, Response};
use mesos_native::proto::v1::{self, AgentId, AgentInfo};
use mesos_native::resources::Resources;
use mesos_native::v1::{devolve, evolve};
use mesos_native_testing::operator::{FakeMaster, Reply};

use mesos_reference::reservations::Operator;

const RESOURCES: &str = "cpus:1;mem:1024;disk:10000;ports:[31000-32000]";

/// The agents of the fake cluster: port and what it holds now.
type Agents = Arc<Mutex<Vec<(i32, Resources)>>>;

/// A fake master whose agents (on `ports`, listed in that order) start
/// with `resources` each and take reservations as Mesos does: a RESERVE
/// needs the resources under its last reservation, an UNRESERVE the
/// resources as reserved; either is all or nothing.
fn cluster(ports: &[i32], resources: &str) -> (FakeMaster, Agents) {
    let agents: Agents = Arc::new(Mutex::new(
        ports
            .iter()
            .map(|port| (*port, resources.parse().unwrap()))
            .collect(),
    ));
    let fake = FakeMaster::start();
    let state = Arc::clone(&agents);
    fake.answer_with(move |call| answer(&mut state.lock().unwrap(), call));
    (fake, agents)
}

fn agent_id(port: i32) -> AgentId {
    AgentId {
        value: format!("S{port}"),
    }
}

fn answer(agents: &mut [(i32, Resources)], call: &Call) -> Option<Reply<Response>> {
    let conflict = |body: &str| {
        Some(Reply::Status {
            status: 409,
            body: body.into(),
        })
    };
    let (id, requested, reserve) = match call.r#type() {
        call::Type::GetAgents => {
            let agents = agents
                .iter()
                .map(|(port, total)| response::get_agents::Agent {
                    agent_info: AgentInfo {
                        hostname: format!("agent-{port}"),
                        port: Some(*port),
                        id: Some(agent_id(*port)),
                        ..Default::default()
                    },
                    active: true,
                    total_resources: total.iter().map(|r| evolve(r).unwrap()).collect(),
                    ..Default::default()
                })
                .collect();
            let mut response = Response {
                get_agents: Some(response::GetAgents {
                    agents,
                    ..Default::default()
                }),
                ..Default::default()
            };
            response.set_type(response::Type::GetAgents);
            return Some(Reply::Response(response));
        }
        call::Type::ReserveResources => {
            let reserve = call.reserve_resources.as_ref().unwrap();
            (&reserve.agent_id, &reserve.resources, true)
        }
        call::Type::UnreserveResources => {
            let unreserve = call.unreserve_resources.as_ref().unwrap();
            (&unreserve.agent_id, &unreserve.resources, false)
        }
        _ => return None,
    };
    let Some((_, total)) = agents.iter_mut().find(|(port, _)| agent_id(*port) == *id) else {
        return conflict("Unknown agent");
    };
    let requested: Resources = requested
        .iter()
        .map(|r| devolve::<v1::Resource, mesos_native::proto::Resource>(r).unwrap())
        .collect();
    let Ok(popped) = requested.pop_reservation() else {
        return conflict("Invalid resources: not reserved");
    };
    let (taken, given) = if reserve {
        (popped, requested)
    } else {
        (requested, popped)
    };
    if !total.contains(&taken) {
        return conflict(&format!("Insufficient resources: {taken} not in {total}"));
    }
    *total -= &taken;
    *total += given;
    Some(Reply::Accepted)
}

/// The lines `run` reports.
fn lines(run: impl FnOnce(&mut dyn FnMut(&str)) -> Result<(), String>) -> Vec<String> {
    let mut lines = Vec::new();
    run(&mut |line| lines.push(line.to_string())).unwrap();
    lines
}

/// The calls of `kind` among `calls`.
fn count(calls: &[Call], kind: call::Type) -> usize {
    calls.iter().filter(|c| c.r#type() == kind).count()
}

/// Each agent's (port, resources), by port.
fn holdings(agents: &Agents) -> Vec<(i32, Resources)> {
    let mut holdings = agents.lock().unwrap().clone();
    holdings.sort_by_key(|(port, _)| *port);
    holdings
}

#[test]
fn reserving_twice_reserves_once_and_unreserving_twice_leaves_the_agents_as_they_were() {
    // Listed out of order: the plan goes by port.
    let (fake, agents) = cluster(&[5053, 5051, 5054, 5052], RESOURCES);
    let before = holdings(&agents);
    let operator = Operator::new(&fake.url(), None).unwrap();

    let first = lines(|report| operator.reserve_cluster(report));
    assert_eq!(
        first,
        [
            "agent 0 (agent-5051:5051): reserved cpus:1;disk:10000;mem:1024 to tenant1, half \
             refined to tenant1/private",
            "agent 1 (agent-5052:5052): reserved cpus:1;disk:10000;mem:1024 to tenant1, half \
             refined to tenant1/public",
            "agent 2 (agent-5053:5053): reserved cpus:1;disk:10000;mem:1024 to tenant2, half \
             refined to tenant2/private",
            "agent 3 (agent-5054:5054): reserved cpus:1;disk:10000;mem:1024 to tenant2, half \
             refined to tenant2/public",
        ]
    );
    let reserved = holdings(&agents);
    let half: Resources = "cpus:0.5;mem:512;disk:5000".parse().unwrap();
    let tenant = half.refine("tenant1", None).unwrap();
    let refined = tenant.refine("tenant1/private", None).unwrap();
    let ports: Resources = "ports:[31000-32000]".parse().unwrap();
    assert_eq!(reserved[0].1, tenant + refined + ports);
    let calls = fake.take_calls();
    assert_eq!(count(&calls, call::Type::ReserveResources), 8, "{calls:?}");

    let second = lines(|report| operator.reserve_cluster(report));
    assert_eq!(
        second,
        [
            "agent 0 (agent-5051:5051): already reserved to tenant1 with half refined to \
             tenant1/private",
            "agent 1 (agent-5052:5052): already reserved to tenant1 with half refined to \
             tenant1/public",
            "agent 2 (agent-5053:5053): already reserved to tenant2 with half refined to \
             tenant2/private",
            "agent 3 (agent-5054:5054): already reserved to tenant2 with half refined to \
             tenant2/public",
        ]
    );
    assert_eq!(holdings(&agents), reserved);
    let calls = fake.take_calls();
    assert!(
        calls.iter().all(|c| c.r#type() == call::Type::GetAgents),
        "{calls:?}"
    );

    let removed = lines(|report| operator.unreserve_cluster(report));
    assert!(
        removed
            .iter()
            .all(|line| line.ends_with(": 2 reservation level(s) removed")),
        "{removed:?}"
    );
    assert_eq!(holdings(&agents), before);
    let calls = fake.take_calls();
    assert_eq!(
        count(&calls, call::Type::UnreserveResources),
        8,
        "{calls:?}"
    );
    // Innermost first: each agent's first UNRESERVE pops the refinement.
    let first_unreserve = calls
        .iter()
        .find_map(|c| c.unreserve_resources.as_ref())
        .unwrap();
    assert!(first_unreserve
        .resources
        .iter()
        .all(|r| r.reservations.len() == 2));

    let again = lines(|report| operator.unreserve_cluster(report));
    assert!(
        again
            .iter()
            .all(|line| line.ends_with(": 0 reservation level(s) removed")),
        "{again:?}"
    );
    assert_eq!(holdings(&agents), before);
    assert_eq!(count(&fake.take_calls(), call::Type::UnreserveResources), 0);
}

#[test]
fn an_agent_reserved_otherwise_is_cleared_then_reserved_as_planned() {
    let (fake, agents) = cluster(&[5051, 5052, 5053, 5054], "cpus:0.5;mem:64;disk:64");
    {
        let mut agents = agents.lock().unwrap();
        let cpus: Resources = "cpus:0.5".parse().unwrap();
        let rest: Resources = "mem:64;disk:64".parse().unwrap();
        agents[1].1 = cpus.refine("other", None).unwrap() + rest;
    }
    let operator = Operator::new(&fake.url(), None).unwrap();
    let reported = lines(|report| operator.reserve_cluster(report));
    assert_eq!(
        reported[1..3],
        [
            "agent 1 (agent-5052:5052): cleared 1 reservation level(s) that did not match the \
             plan",
            "agent 1 (agent-5052:5052): reserved cpus:0.5;disk:64;mem:64 to tenant1, half \
             refined to tenant1/public",
        ]
    );
    let agent1 = holdings(&agents).remove(1).1;
    assert!(agent1.reserved(Some("other")).is_empty(), "{agent1}");
    let again = lines(|report| operator.reserve_cluster(report));
    assert!(
        again.iter().all(|line| line.contains("already reserved")),
        "{again:?}"
    );
}

#[test]
fn with_credentials_the_reservations_are_made_by_that_principal() {
    let (fake, agents) = cluster(&[5051, 5052, 5053, 5054], RESOURCES);
    fake.require_credentials("ops", "secret");
    let operator = Operator::new(&fake.url(), Some(("ops".into(), "secret".into()))).unwrap();
    lines(|report| operator.reserve_cluster(report));
    let reservations: Vec<_> = fake
        .take_calls()
        .into_iter()
        .filter_map(|c| c.reserve_resources)
        .flat_map(|reserve| reserve.resources)
        .flat_map(|r| r.reservations)
        .collect();
    assert!(!reservations.is_empty());
    assert!(
        reservations.iter().all(|r| r.principal() == "ops"),
        "{reservations:?}"
    );
    // Idempotent with the principal too.
    let again = lines(|report| operator.reserve_cluster(report));
    assert!(
        again.iter().all(|line| line.contains("already reserved")),
        "{again:?} {:?}",
        holdings(&agents)
    );
}

#[test]
fn refused_credentials_are_explained() {
    let (fake, _) = cluster(&[5051, 5052, 5053, 5054], RESOURCES);
    fake.require_credentials("ops", "secret");
    for (credential, refused) in [
        (None, "a request without credentials"),
        (
            Some(("ops".to_string(), "wrong".to_string())),
            "these credentials",
        ),
    ] {
        let operator = Operator::new(&fake.url(), credential).unwrap();
        let error = operator.reserve_cluster(|_| {}).unwrap_err();
        assert!(error.contains("answered 401 to GET_AGENTS"), "{error}");
        assert!(
            error.contains(&format!(
                "the master requires HTTP authentication and refused {refused}"
            )),
            "{error}"
        );
        assert!(error.contains("--secret-file"), "{error}");
    }
}

#[test]
fn too_few_agents_is_an_error_saying_how_to_start_them() {
    let (fake, _) = cluster(&[5051, 5052], RESOURCES);
    let operator = Operator::new(&fake.url(), None).unwrap();
    let error = operator.reserve_cluster(|_| {}).unwrap_err();
    assert!(
        error.contains("has 2 active agent(s); this plan needs 4"),
        "{error}"
    );
    assert!(error.contains("scripts/local-cluster.sh up"), "{error}");
    let error = operator.unreserve_cluster(|_| {}).unwrap_err();
    assert!(error.contains("this plan needs 4"), "{error}");
}
