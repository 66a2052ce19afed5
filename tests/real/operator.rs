//! `mesos_native::operator` against a real loopback cluster: every typed call of
//! the master and the agent, the event stream following a task to its end
//! and ending with the master, HTTP basic authentication right, wrong and
//! missing, and a non-leading master's redirect (and a `zk://` address)
//! leading to the leader. Skipped loudly without Mesos (and, for the
//! redirect, ZooKeeper); failing instead with `MESOS_TEST_REQUIRE=1`.

use crate::support;

use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::support::events::{channel, command_task, framework, launch_once};
use crate::support::{require_mesos, Cluster, ClusterOptions};
use mesos_native::operator::{Agent, Master, OperatorError};
use mesos_native::proto::v1::master::{call, event, Call, Event};
use mesos_native::proto::v1::resource::{reservation_info, ReservationInfo};
use mesos_native::proto::v1::{
    maintenance, value, AgentId, DurationInfo, MachineId, Resource, TaskState, TimeInfo,
    Unavailability,
};
use mesos_native::{Error, MesosSchedulerDriver};

const RESOURCES: &str = "cpus:1;mem:256;disk:256";
const PRINCIPAL: &str = "operator-principal";
const SECRET: &str = "operator-secret";
const ROLE: &str = "ops";
const WAIT: Duration = Duration::from_secs(60);

fn operator_error(error: Error) -> OperatorError {
    match error {
        Error::Operator(error) => error,
        other => panic!("not an operator error: {other}"),
    }
}

/// Half a cpu, reserved for [`ROLE`] (by `principal`, when authenticated).
fn reserved_cpus(principal: Option<&str>) -> Resource {
    let mut reservation = ReservationInfo {
        role: Some(ROLE.into()),
        principal: principal.map(Into::into),
        ..Default::default()
    };
    reservation.set_type(reservation_info::Type::Dynamic);
    let mut cpus = Resource {
        name: "cpus".into(),
        scalar: Some(value::Scalar { value: 0.5 }),
        reservations: vec![reservation],
        ..Default::default()
    };
    cpus.set_type(value::Type::Scalar);
    cpus
}

/// The role stacks of `agent_id`'s resources, as the master reports them.
fn stacks(master: &Master, agent_id: &AgentId) -> Vec<Vec<String>> {
    let agents = master.get_agents().expect("GET_AGENTS").agents;
    let agent = agents
        .iter()
        .find(|agent| agent.agent_info.id.as_ref() == Some(agent_id))
        .unwrap_or_else(|| panic!("no agent {}", agent_id.value));
    agent
        .total_resources
        .iter()
        .filter(|resource| !resource.reservations.is_empty())
        .map(|resource| {
            resource
                .reservations
                .iter()
                .map(|reservation| reservation.role().to_string())
                .collect()
        })
        .collect()
}

/// The loopback machine every agent of a local cluster runs on.
fn loopback() -> MachineId {
    MachineId {
        hostname: Some("127.0.0.1".into()),
        ip: Some("127.0.0.1".into()),
    }
}

fn agent_ids(master: &Master) -> Vec<AgentId> {
    let mut agents = master.get_agents().expect("GET_AGENTS").agents;
    agents.sort_by_key(|agent| agent.agent_info.port());
    agents
        .into_iter()
        .filter_map(|agent| agent.agent_info.id)
        .collect()
}

#[test]
fn every_operator_call_against_a_real_master_and_agent() {
    const TEST: &str = "every_operator_call_against_a_real_master_and_agent";
    let Some(install) = require_mesos(TEST) else {
        return;
    };
    support::init_logging();
    let cluster = Cluster::start(&install, 2, RESOURCES);
    let master = Master::new(&cluster.master).unwrap();

    // The reads.
    assert!(master.get_health().unwrap());
    let version = master.get_version().unwrap();
    assert!(version.version.starts_with("1."), "{version:?}");
    let flags = master.get_flags().unwrap();
    assert!(
        flags.iter().any(|flag| flag.name == "work_dir"),
        "{flags:?}"
    );
    let port: u32 = cluster.master.rsplit(':').next().unwrap().parse().unwrap();
    assert_eq!(master.get_master().unwrap().master_info.unwrap().port, port);
    let state = master.get_state().unwrap();
    assert_eq!(state.get_agents.unwrap().agents.len(), 2);
    assert!(master.get_frameworks().unwrap().frameworks.is_empty());
    assert!(master.get_tasks().unwrap().tasks.is_empty());
    master.get_roles().unwrap();
    let mut health = Call::default();
    health.set_type(call::Type::GetHealth);
    let json = master.call_json(&health).unwrap();
    assert!(json.contains("\"healthy\":true"), "{json}");

    // The agent's own API.
    let agent = Agent::new(&format!("127.0.0.1:{}", cluster.agent_ports[0])).unwrap();
    assert!(agent.get_health().unwrap());
    assert_eq!(agent.get_version().unwrap().version, version.version);
    assert!(agent
        .get_flags()
        .unwrap()
        .iter()
        .any(|flag| flag.name == "work_dir"));
    agent.get_state().unwrap();
    let agent_info = agent.get_agent().unwrap().agent_info.unwrap();
    assert_eq!(agent_info.port(), i32::from(cluster.agent_ports[0]));
    agent.get_containers().unwrap();

    // Reservations.
    let ids = agent_ids(&master);
    let (first, second) = (&ids[0], &ids[1]);
    master
        .reserve_resources(first, [reserved_cpus(None)])
        .unwrap();
    assert_eq!(stacks(&master, first), [[ROLE.to_string()]]);
    assert!(master
        .get_roles()
        .unwrap()
        .iter()
        .any(|role| role.name == ROLE));
    master
        .unreserve_resources(first, [reserved_cpus(None)])
        .unwrap();
    assert!(stacks(&master, first).is_empty());
    // Reserving more than the agent has: the master's reason in the error.
    let mut too_much = reserved_cpus(None);
    too_much.scalar = Some(value::Scalar { value: 64.0 });
    let error = operator_error(master.reserve_resources(first, [too_much]).unwrap_err());
    assert_eq!(error.call, "RESERVE_RESOURCES");
    assert!(
        error.status().is_some_and(|status| status >= 400),
        "{error}"
    );

    // An agent gone for good.
    master.mark_agent_gone(second).unwrap();
    support::within::within("the gone agent to leave", WAIT, {
        let master = master.clone();
        let second = second.clone();
        move || {
            while agent_ids(&master).contains(&second) {
                std::thread::sleep(Duration::from_millis(250));
            }
        }
    });

    // Maintenance: every agent here runs on the loopback machine.
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let schedule = maintenance::Schedule {
        windows: vec![maintenance::Window {
            machine_ids: vec![loopback()],
            unavailability: Unavailability {
                start: TimeInfo {
                    nanoseconds: now.as_nanos() as i64,
                },
                duration: Some(DurationInfo {
                    nanoseconds: 3_600_000_000_000,
                }),
            },
        }],
    };
    master
        .update_maintenance_schedule(schedule.clone())
        .unwrap();
    assert_eq!(master.get_maintenance_schedule().unwrap(), schedule);
    let status = master.get_maintenance_status().unwrap();
    assert_eq!(status.draining_machines.len(), 1, "{status:?}");
    master.start_maintenance([loopback()]).unwrap();
    assert_eq!(
        master.get_maintenance_status().unwrap().down_machines,
        [loopback()]
    );
    master.stop_maintenance([loopback()]).unwrap();
    let status = master.get_maintenance_status().unwrap();
    assert!(status.down_machines.is_empty(), "{status:?}");
    assert!(master
        .get_maintenance_schedule()
        .unwrap()
        .windows
        .is_empty());
}

#[test]
fn the_event_stream_follows_a_task_and_ends_with_the_master() {
    const TEST: &str = "the_event_stream_follows_a_task_and_ends_with_the_master";
    let Some(install) = require_mesos(TEST) else {
        return;
    };
    support::init_logging();
    let cluster = Cluster::start(&install, 1, RESOURCES);
    let stream = Master::new(&cluster.master).unwrap().subscribe().unwrap();
    let (forward, received) = mpsc::channel::<Option<mesos_native::Result<Event>>>();
    std::thread::spawn(move || {
        for event in stream {
            if forward.send(Some(event)).is_err() {
                return;
            }
        }
        let _ = forward.send(None);
    });
    let next = || {
        received
            .recv_timeout(WAIT)
            .expect("an event, or the stream's end, in time")
    };
    let first = next().unwrap().unwrap();
    assert_eq!(first.r#type(), event::Type::Subscribed);
    assert!(first.subscribed.unwrap().get_state.is_some());

    let (scheduler, _events) = channel(launch_once(|offer| {
        command_task("operator-watched", offer, "sleep 1")
    }));
    let driver = MesosSchedulerDriver::builder(
        scheduler,
        framework("operator-events", 0.0),
        cluster.master.clone(),
    )
    .build()
    .unwrap();
    driver.start().unwrap();

    let mut seen = Vec::new();
    let mut states = Vec::new();
    while !states.contains(&TaskState::TaskFinished) {
        let event = next()
            .unwrap_or_else(|| panic!("the stream ended early; seen {seen:?}"))
            .unwrap();
        seen.push(event.r#type().as_str_name());
        if let Some(added) = &event.task_added {
            assert_eq!(added.task.task_id.value, "operator-watched");
        }
        if let Some(updated) = &event.task_updated {
            assert_eq!(updated.status.task_id.value, "operator-watched");
            states.push(updated.state());
        }
    }
    assert!(seen.contains(&"FRAMEWORK_ADDED"), "{seen:?}");
    assert!(seen.contains(&"TASK_ADDED"), "{seen:?}");
    assert!(states.contains(&TaskState::TaskRunning), "{states:?}");
    driver.stop(false).unwrap();

    // The master goes: the stream ends, without an error.
    cluster.kill("master");
    loop {
        match next() {
            None => break,
            Some(Ok(event)) => eprintln!("event after the kill: {:?}", event.r#type()),
            Some(Err(error)) => panic!("the stream ended with an error: {error}"),
        }
    }
}

#[test]
fn basic_authentication_right_wrong_and_missing() {
    const TEST: &str = "basic_authentication_right_wrong_and_missing";
    let Some(install) = require_mesos(TEST) else {
        return;
    };
    support::init_logging();
    let dir = support::scratch_dir("operator-auth");
    let credentials = dir.join("credentials.json");
    std::fs::write(
        &credentials,
        format!(r#"{{"credentials":[{{"principal":"{PRINCIPAL}","secret":"{SECRET}"}}]}}"#),
    )
    .unwrap();
    let master_flags = format!(
        "--authenticate_http_readwrite --authenticate_http_readonly --credentials={}",
        credentials.display()
    );
    let cluster = Cluster::start_opts(
        &install,
        ClusterOptions {
            agents: 1,
            resources: RESOURCES,
            master_flags: &master_flags,
            // local-cluster.sh counts the agents through the master's
            // read-only /master/slaves.
            credential: Some(&format!("{PRINCIPAL}:{SECRET}")),
            ..Default::default()
        },
    );

    let right = Master::builder(&cluster.master)
        .credentials(PRINCIPAL, SECRET)
        .build()
        .unwrap();
    assert!(right.get_health().unwrap());
    let agent_id = agent_ids(&right).remove(0);
    right
        .reserve_resources(&agent_id, [reserved_cpus(Some(PRINCIPAL))])
        .unwrap();
    let mut stream = right.subscribe().unwrap();
    assert_eq!(
        stream.next().unwrap().unwrap().r#type(),
        event::Type::Subscribed
    );

    let wrong = Master::builder(&cluster.master)
        .credentials(PRINCIPAL, "not-the-secret")
        .build()
        .unwrap();
    let missing = Master::new(&cluster.master).unwrap();
    for (what, refused) in [("a wrong secret", wrong), ("no credentials", missing)] {
        let error = operator_error(refused.get_state().unwrap_err());
        assert_eq!(error.status(), Some(401), "{what}: {error}");
        assert!(error.to_string().contains("GET_STATE"), "{what}: {error}");
        let error = operator_error(
            refused
                .unreserve_resources(&agent_id, [reserved_cpus(Some(PRINCIPAL))])
                .unwrap_err(),
        );
        assert_eq!(error.status(), Some(401), "{what}: {error}");
        let error = operator_error(refused.subscribe().unwrap_err());
        assert_eq!(error.status(), Some(401), "{what}: {error}");
    }
    // The refused unreserves changed nothing.
    assert_eq!(stacks(&right, &agent_id), [[ROLE.to_string()]]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_non_leading_master_redirects_to_the_leader_and_zookeeper_names_it() {
    const TEST: &str = "a_non_leading_master_redirects_to_the_leader_and_zookeeper_names_it";
    let Some((install, zookeeper)) = support::require_mesos_and_zookeeper(TEST) else {
        return;
    };
    support::init_logging();
    let cluster = support::zk_cluster(&install, zookeeper, RESOURCES, 2);
    cluster.leader_state(WAIT);
    let leader = cluster.leader().expect("a leading master");
    let follower = cluster
        .masters
        .iter()
        .find(|master| **master != leader)
        .unwrap()
        .clone();
    let leader_port: u32 = leader.rsplit(':').next().unwrap().parse().unwrap();

    let through_follower = Master::new(&follower).unwrap();
    let info = through_follower.get_master().unwrap().master_info.unwrap();
    assert_eq!(info.port, leader_port, "answered by the leader");
    assert!(through_follower.get_health().unwrap());
    let stream = through_follower.subscribe().unwrap();
    assert!(
        stream.endpoint().contains(&format!(":{leader_port}/")),
        "{}",
        stream.endpoint()
    );

    let through_zookeeper = Master::new(cluster.zk.as_deref().unwrap()).unwrap();
    let info = through_zookeeper.get_master().unwrap().master_info.unwrap();
    assert_eq!(info.port, leader_port);
    assert_eq!(through_zookeeper.get_agents().unwrap().agents.len(), 1);
}
