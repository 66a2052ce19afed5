//! `mesos_native::operator` against the kit's fake master and agent: every typed
//! call, authentication, redirects, timeouts, event streams and the errors,
//! with no Mesos and no libmesos.

use std::time::Duration;

use mesos_native::operator::{Agent, Master, OperatorError, OperatorErrorKind};
use mesos_native::proto::v1::master::{call, event, response, Call, Response};
use mesos_native::proto::v1::{agent, maintenance, value};
use mesos_native::proto::v1::{
    AgentId, FrameworkId, MachineId, Resource, Role, TaskId, TaskState, TaskStatus, TimeInfo,
    Unavailability, VersionInfo,
};
use mesos_native::Error;
use mesos_native_testing::operator::{events, FakeAgent, FakeMaster, Reply};

const WAIT: Duration = Duration::from_secs(5);

fn response(kind: response::Type, fill: impl FnOnce(&mut Response)) -> Response {
    let mut response = Response::default();
    response.set_type(kind);
    fill(&mut response);
    response
}

fn cpus(amount: f64) -> Resource {
    let mut resource = Resource {
        name: "cpus".into(),
        scalar: Some(value::Scalar { value: amount }),
        ..Default::default()
    };
    resource.set_type(value::Type::Scalar);
    resource
}

fn agent_id() -> AgentId {
    AgentId { value: "S0".into() }
}

fn machine() -> MachineId {
    MachineId {
        hostname: Some("agent-0".into()),
        ip: Some("127.0.0.1".into()),
    }
}

fn operator_error(error: Error) -> OperatorError {
    match error {
        Error::Operator(error) => error,
        other => panic!("not an operator error: {other}"),
    }
}

/// A master that answers every query the client has a method for.
fn answering_master() -> FakeMaster {
    use response::Type;
    let fake = FakeMaster::start();
    fake.respond(
        call::Type::GetVersion,
        response(Type::GetVersion, |r| {
            r.get_version = Some(response::GetVersion {
                version_info: VersionInfo {
                    version: "1.11.0".into(),
                    ..Default::default()
                },
            })
        }),
    )
    .respond(
        call::Type::GetFlags,
        response(Type::GetFlags, |r| {
            r.get_flags = Some(response::GetFlags {
                flags: vec![mesos_native::proto::v1::Flag {
                    name: "quorum".into(),
                    value: Some("1".into()),
                }],
            })
        }),
    )
    .respond(
        call::Type::GetState,
        response(Type::GetState, |r| {
            r.get_state = Some(response::GetState {
                get_agents: Some(response::GetAgents::default()),
                ..Default::default()
            })
        }),
    )
    .respond(
        call::Type::GetAgents,
        response(Type::GetAgents, |r| {
            r.get_agents = Some(response::GetAgents {
                agents: vec![response::get_agents::Agent {
                    total_resources: vec![cpus(4.0)],
                    ..Default::default()
                }],
                ..Default::default()
            })
        }),
    )
    .respond(
        call::Type::GetFrameworks,
        response(Type::GetFrameworks, |r| {
            r.get_frameworks = Some(response::GetFrameworks::default())
        }),
    )
    .respond(
        call::Type::GetTasks,
        response(Type::GetTasks, |r| {
            r.get_tasks = Some(response::GetTasks::default())
        }),
    )
    .respond(
        call::Type::GetRoles,
        response(Type::GetRoles, |r| {
            r.get_roles = Some(response::GetRoles {
                roles: vec![Role {
                    name: "analytics".into(),
                    weight: 1.0,
                    ..Default::default()
                }],
            })
        }),
    )
    .respond(
        call::Type::GetMaster,
        response(Type::GetMaster, |r| {
            r.get_master = Some(response::GetMaster {
                elected_time: Some(1.0),
                ..Default::default()
            })
        }),
    )
    .respond(
        call::Type::GetMaintenanceSchedule,
        response(Type::GetMaintenanceSchedule, |r| {
            r.get_maintenance_schedule = Some(response::GetMaintenanceSchedule {
                schedule: schedule(),
            })
        }),
    )
    .respond(
        call::Type::GetMaintenanceStatus,
        response(Type::GetMaintenanceStatus, |r| {
            r.get_maintenance_status = Some(response::GetMaintenanceStatus {
                status: maintenance::ClusterStatus {
                    down_machines: vec![machine()],
                    ..Default::default()
                },
            })
        }),
    );
    fake
}

fn schedule() -> maintenance::Schedule {
    maintenance::Schedule {
        windows: vec![maintenance::Window {
            machine_ids: vec![machine()],
            unavailability: Unavailability {
                start: TimeInfo { nanoseconds: 1 },
                duration: None,
            },
        }],
    }
}

#[test]
fn every_typed_master_call_sends_its_call_and_decodes_its_answer() {
    let fake = answering_master();
    let master = Master::new(&fake.url()).unwrap();

    assert!(master.get_health().unwrap());
    assert_eq!(master.get_version().unwrap().version, "1.11.0");
    assert_eq!(master.get_flags().unwrap()[0].name, "quorum");
    assert!(master.get_state().unwrap().get_agents.is_some());
    assert_eq!(
        master.get_agents().unwrap().agents[0].total_resources,
        [cpus(4.0)]
    );
    assert!(master.get_frameworks().unwrap().frameworks.is_empty());
    assert!(master.get_tasks().unwrap().tasks.is_empty());
    assert_eq!(master.get_roles().unwrap()[0].name, "analytics");
    assert_eq!(master.get_master().unwrap().elected_time, Some(1.0));
    assert_eq!(master.get_maintenance_schedule().unwrap(), schedule());
    assert_eq!(
        master.get_maintenance_status().unwrap().down_machines,
        [machine()]
    );
    master.reserve_resources(&agent_id(), [cpus(1.0)]).unwrap();
    master
        .unreserve_resources(&agent_id(), [cpus(1.0)])
        .unwrap();
    master.update_maintenance_schedule(schedule()).unwrap();
    master.start_maintenance([machine()]).unwrap();
    master.stop_maintenance([machine()]).unwrap();
    master.mark_agent_gone(&agent_id()).unwrap();
    let framework = FrameworkId { value: "F0".into() };
    master.teardown(&framework).unwrap();

    let calls = fake.take_calls();
    let kinds: Vec<_> = calls.iter().map(Call::r#type).collect();
    use call::Type::*;
    assert_eq!(
        kinds,
        [
            GetHealth,
            GetVersion,
            GetFlags,
            GetState,
            GetAgents,
            GetFrameworks,
            GetTasks,
            GetRoles,
            GetMaster,
            GetMaintenanceSchedule,
            GetMaintenanceStatus,
            ReserveResources,
            UnreserveResources,
            UpdateMaintenanceSchedule,
            StartMaintenance,
            StopMaintenance,
            MarkAgentGone,
            Teardown,
        ]
    );
    let reserve = calls[11].reserve_resources.as_ref().unwrap();
    assert_eq!(
        (&reserve.agent_id, &reserve.resources[..]),
        (&agent_id(), &[cpus(1.0)][..])
    );
    let unreserve = calls[12].unreserve_resources.as_ref().unwrap();
    assert_eq!(unreserve.resources, [cpus(1.0)]);
    assert_eq!(
        calls[13]
            .update_maintenance_schedule
            .as_ref()
            .unwrap()
            .schedule,
        schedule()
    );
    assert_eq!(
        calls[14].start_maintenance.as_ref().unwrap().machines,
        [machine()]
    );
    assert_eq!(
        calls[15].stop_maintenance.as_ref().unwrap().machines,
        [machine()]
    );
    assert_eq!(
        calls[16].mark_agent_gone.as_ref().unwrap().agent_id,
        agent_id()
    );
    assert_eq!(calls[17].teardown.as_ref().unwrap().framework_id, framework);
}

#[test]
fn clients_and_streams_go_to_other_threads() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<Master>();
    send_sync::<Agent>();
    send::<mesos_native::operator::Events>();
}

#[test]
fn any_call_goes_through_call_and_json_through_call_json() {
    let fake = FakeMaster::start();
    fake.reply(
        call::Type::GetWeights,
        Reply::Json(r#"{"type":"GET_WEIGHTS","get_weights":{}}"#.into()),
    );
    let master = Master::new(&fake.address()).unwrap();

    // An acting call is answered 202 with no body: an empty Response.
    let mut weights = Call::default();
    weights.set_type(call::Type::UpdateWeights);
    assert_eq!(master.call(weights).unwrap(), Response::default());

    let mut get_weights = Call::default();
    get_weights.set_type(call::Type::GetWeights);
    let json = master.call_json(&get_weights).unwrap();
    assert!(json.contains("GET_WEIGHTS"), "{json}");
}

#[test]
fn a_call_can_be_answered_later_as_a_completion() {
    let fake = answering_master();
    let master = Master::new(&fake.url()).unwrap();
    let mut version = Call::default();
    version.set_type(call::Type::GetVersion);
    let answer = master
        .call_async(version)
        .wait(Duration::from_secs(5))
        .unwrap();
    assert_eq!(answer.r#type(), response::Type::GetVersion);
    assert!(answer.get_version.is_some());

    // A failure comes the same way.
    let unreachable = Master::builder("http://127.0.0.1:9")
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let mut health = Call::default();
    health.set_type(call::Type::GetHealth);
    let error = unreachable
        .call_async(health)
        .wait(Duration::from_secs(10))
        .unwrap_err();
    assert!(matches!(error, Error::Operator(_)), "{error}");
}

#[test]
fn every_typed_agent_call_sends_its_call_and_decodes_its_answer() {
    use agent::response::Type;
    let fake = FakeAgent::start();
    let reply = |kind: Type, fill: fn(&mut agent::Response)| {
        let mut response = agent::Response::default();
        response.set_type(kind);
        fill(&mut response);
        response
    };
    fake.respond(
        agent::call::Type::GetVersion,
        reply(Type::GetVersion, |r| {
            r.get_version = Some(agent::response::GetVersion {
                version_info: VersionInfo {
                    version: "1.11.0".into(),
                    ..Default::default()
                },
            })
        }),
    )
    .respond(
        agent::call::Type::GetFlags,
        reply(Type::GetFlags, |r| {
            r.get_flags = Some(agent::response::GetFlags::default())
        }),
    )
    .respond(
        agent::call::Type::GetState,
        reply(Type::GetState, |r| {
            r.get_state = Some(agent::response::GetState::default())
        }),
    )
    .respond(
        agent::call::Type::GetAgent,
        reply(Type::GetAgent, |r| {
            r.get_agent = Some(agent::response::GetAgent::default())
        }),
    )
    .respond(
        agent::call::Type::GetContainers,
        reply(Type::GetContainers, |r| {
            r.get_containers = Some(agent::response::GetContainers::default())
        }),
    );
    let agent = Agent::new(&fake.url()).unwrap();
    assert!(agent.get_health().unwrap());
    assert_eq!(agent.get_version().unwrap().version, "1.11.0");
    assert!(agent.get_flags().unwrap().is_empty());
    assert!(agent.get_state().unwrap().get_tasks.is_none());
    assert!(agent.get_agent().unwrap().agent_info.is_none());
    assert!(agent.get_containers().unwrap().containers.is_empty());
    let kinds: Vec<_> = fake.calls().iter().map(agent::Call::r#type).collect();
    use agent::call::Type::*;
    assert_eq!(
        kinds,
        [
            GetHealth,
            GetVersion,
            GetFlags,
            GetState,
            GetAgent,
            GetContainers
        ]
    );

    // An agent without containers leaves the field out, as Mesos does.
    fake.respond(
        agent::call::Type::GetContainers,
        reply(Type::GetContainers, |_| {}),
    );
    assert!(agent.get_containers().unwrap().containers.is_empty());
    // A response of another type is still a bad answer.
    fake.respond(
        agent::call::Type::GetContainers,
        reply(Type::GetAgent, |_| {}),
    );
    let error = operator_error(agent.get_containers().unwrap_err());
    assert!(
        matches!(error.kind, OperatorErrorKind::BadAnswer { .. }),
        "{error}"
    );

    // An agent is never found through ZooKeeper.
    let error = Agent::new("zk://127.0.0.1:2181/mesos").unwrap_err();
    assert!(error.to_string().contains("agent's HOST:PORT"), "{error}");
}

#[test]
fn basic_authentication_right_wrong_and_missing() {
    let fake = FakeMaster::start();
    fake.require_credentials("ops", "s3cret");

    let right = Master::builder(fake.url())
        .credentials("ops", "s3cret")
        .build()
        .unwrap();
    assert!(right.get_health().unwrap());

    let wrong = Master::builder(fake.url())
        .credentials("ops", "guess")
        .build()
        .unwrap();
    let missing = Master::new(&fake.url()).unwrap();
    for refused in [wrong, missing] {
        let error = operator_error(refused.get_health().unwrap_err());
        assert_eq!(error.status(), Some(401));
        let text = error.to_string();
        assert!(
            text.contains(&fake.url()) && text.contains("GET_HEALTH") && text.contains("401"),
            "{text}"
        );
        assert!(text.contains(".credentials()"), "{text}");
    }
    // Refused calls are not answered, so not recorded.
    assert_eq!(fake.calls().len(), 1);
    // The builder's Debug never shows the secret.
    let builder = Master::builder(fake.url()).credentials("ops", "s3cret");
    assert!(!format!("{builder:?}").contains("s3cret"));
}

#[test]
fn a_non_leading_masters_redirect_is_followed_with_the_credentials() {
    let leader = FakeMaster::start();
    let follower = FakeMaster::start();
    leader.require_credentials("ops", "s3cret");
    follower.require_credentials("ops", "s3cret");
    follower.redirect_to(&leader.url());

    let master = Master::builder(follower.url())
        .credentials("ops", "s3cret")
        .build()
        .unwrap();
    assert!(master.get_health().unwrap());
    master.reserve_resources(&agent_id(), [cpus(1.0)]).unwrap();

    // The first call went through the follower, the second straight to the
    // leader.
    assert_eq!(follower.redirected(), 1);
    assert!(follower.calls().is_empty());
    assert_eq!(leader.calls().len(), 2);
}

#[test]
fn a_redirect_loop_is_an_error_that_names_it() {
    let first = FakeMaster::start();
    let second = FakeMaster::start();
    first.redirect_to(&second.url());
    second.redirect_to(&first.url());

    let error = operator_error(Master::new(&first.url()).unwrap().get_state().unwrap_err());
    let OperatorErrorKind::Redirects { chain } = &error.kind else {
        panic!("{error}");
    };
    assert_eq!(chain, &[first.url(), second.url(), first.url()]);
    let text = error.to_string();
    assert!(
        text.contains("GET_STATE")
            && text.contains(&format!("{} -> {}", first.url(), second.url())),
        "{text}"
    );
}

#[test]
fn a_call_that_takes_too_long_times_out() {
    let fake = FakeMaster::start();
    fake.reply(
        call::Type::GetState,
        Reply::Delayed(Duration::from_secs(3), Box::new(Reply::Accepted)),
    );
    let master = Master::builder(fake.url())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = master.get_state().unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(&error, Error::TimedOut { after, .. } if *after == Duration::from_millis(300)),
        "{error}"
    );
    assert!(error.to_string().contains("GET_STATE"), "{error}");
}

#[test]
fn an_error_status_says_endpoint_call_status_and_body() {
    let fake = FakeMaster::start();
    fake.reply(
        call::Type::ReserveResources,
        Reply::Status {
            status: 409,
            body: "Insufficient resources to reserve".into(),
        },
    );
    let master = Master::new(&fake.url()).unwrap();
    let error = master
        .reserve_resources(&agent_id(), [cpus(64.0)])
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}/api/v1 answered RESERVE_RESOURCES with HTTP 409: Insufficient resources to reserve",
            fake.url()
        )
    );

    // A query nobody gave an answer for: the fake says what to do.
    let error = master.get_tasks().unwrap_err().to_string();
    assert!(
        error.contains("501") && error.contains("respond()"),
        "{error}"
    );
}

#[test]
fn answers_that_are_not_what_the_call_expects_are_errors() {
    let fake = FakeMaster::start();
    // A GET_STATE answered with a health response.
    fake.respond(
        call::Type::GetState,
        response(response::Type::GetHealth, |r| {
            r.get_health = Some(response::GetHealth { healthy: true })
        }),
    );
    fake.reply(call::Type::GetTasks, Reply::Json("{}".into()));
    let master = Master::new(&fake.url()).unwrap();
    let error = operator_error(master.get_state().unwrap_err());
    assert!(
        matches!(&error.kind, OperatorErrorKind::BadAnswer { reason } if reason.contains("GET_STATE")),
        "{error}"
    );
    // Bytes that are no protobuf Response (here, JSON).
    let error = operator_error(master.get_tasks().unwrap_err());
    assert!(
        matches!(&error.kind, OperatorErrorKind::BadAnswer { reason } if reason.contains("not a master Response")),
        "{error}"
    );
}

#[test]
fn an_address_where_nothing_listens_is_a_transport_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let master = Master::new(&format!("127.0.0.1:{port}")).unwrap();
    let error = operator_error(master.get_health().unwrap_err());
    assert!(
        matches!(error.kind, OperatorErrorKind::Transport { .. }),
        "{error}"
    );
    let text = error.to_string();
    assert!(
        text.contains("check the address") && text.contains(&port.to_string()),
        "{text}"
    );
    assert!(std::error::Error::source(&error).is_some());
}

#[test]
fn a_zookeeper_address_needs_libmesos() {
    if mesos_native_sys::NATIVE_AVAILABLE {
        return; // tests/operator_real.rs resolves one for real
    }
    let master = Master::new("zk://127.0.0.1:2181/mesos").unwrap();
    let error = master.get_health().unwrap_err();
    assert!(matches!(error, Error::NativeUnavailable { .. }), "{error}");
    assert!(error.to_string().contains("http://HOST:PORT"), "{error}");
}

fn task_update(state: TaskState) -> mesos_native::proto::v1::master::Event {
    let mut status = TaskStatus {
        task_id: TaskId {
            value: "task-1".into(),
        },
        ..Default::default()
    };
    status.set_state(state);
    events::task_updated(FrameworkId { value: "F0".into() }, status)
}

#[test]
fn the_event_stream_yields_typed_events_and_ends_when_the_master_hangs_up() {
    let fake = FakeMaster::start();
    let mut stream = Master::new(&fake.url()).unwrap().subscribe().unwrap();
    let first = stream.next().unwrap().unwrap();
    assert_eq!(first.r#type(), event::Type::Subscribed);
    assert_eq!(
        first.subscribed.unwrap().heartbeat_interval_seconds,
        Some(15.0)
    );
    assert!(fake.wait_for_subscribers(1, WAIT));

    fake.push_event(&events::heartbeat());
    fake.push_event(&task_update(TaskState::TaskRunning));
    fake.push_event(&task_update(TaskState::TaskFinished));
    assert_eq!(
        stream.next().unwrap().unwrap().r#type(),
        event::Type::Heartbeat
    );
    let states: Vec<_> = stream
        .by_ref()
        .take(2)
        .map(|event| event.unwrap().task_updated.unwrap().state())
        .collect();
    assert_eq!(states, [TaskState::TaskRunning, TaskState::TaskFinished]);

    fake.hang_up();
    assert!(
        stream.next().is_none(),
        "the stream ends when the master goes"
    );
    assert!(stream.next().is_none(), "and stays ended");
    assert_eq!(fake.calls()[0].r#type(), call::Type::Subscribe);
}

#[test]
fn events_pushed_before_anyone_subscribes_wait_for_the_first_subscriber() {
    let fake = FakeMaster::start();
    fake.push_event(&task_update(TaskState::TaskStaging));
    let stream = Master::new(&fake.url()).unwrap().subscribe().unwrap();
    let kinds: Vec<_> = stream
        .take(2)
        .map(|event| event.unwrap().r#type())
        .collect();
    assert_eq!(kinds, [event::Type::Subscribed, event::Type::TaskUpdated]);
}

#[test]
fn a_malformed_stream_is_an_error_then_the_end() {
    for (garbage, expected) in [
        (&b"12x\n"[..], "not RecordIO"),
        // Framed right, but not an Event: a field 1 of the wrong wire type.
        (b"3\n\x0a\x01a", "not a master Event"),
    ] {
        let fake = FakeMaster::start();
        let mut stream = Master::new(&fake.url()).unwrap().subscribe().unwrap();
        stream.next().unwrap().unwrap();
        assert!(fake.wait_for_subscribers(1, WAIT));
        fake.push_raw(garbage);
        let error = operator_error(stream.next().unwrap().unwrap_err());
        assert!(
            matches!(&error.kind, OperatorErrorKind::BadAnswer { reason } if reason.contains(expected)),
            "{garbage:?}: {error}"
        );
        assert_eq!(error.call, "SUBSCRIBE");
        assert!(stream.next().is_none());
    }
}

#[test]
fn a_silent_stream_times_out() {
    let fake = FakeMaster::start();
    let mut stream = Master::builder(fake.url())
        .event_timeout(Duration::from_millis(300))
        .build()
        .unwrap()
        .subscribe()
        .unwrap();
    stream.next().unwrap().unwrap();
    let error = stream.next().unwrap().unwrap_err();
    assert!(matches!(error, Error::TimedOut { .. }), "{error}");
    assert!(error.to_string().contains("SUBSCRIBE"), "{error}");
    assert!(stream.next().is_none());
}

#[test]
fn a_refused_subscription_is_an_error() {
    let fake = FakeMaster::start();
    fake.require_credentials("ops", "s3cret");
    let error = operator_error(Master::new(&fake.url()).unwrap().subscribe().unwrap_err());
    assert_eq!((error.call, error.status()), ("SUBSCRIBE", Some(401)));
}
