//! Guards that the crate's v1 protobuf schema (`proto/mesos/v1/`) stays a
//! faithful, wire-compatible mirror of Apache Mesos's v1 API (packages
//! `mesos.v1`, `mesos.v1.scheduler` and `mesos.v1.executor`, and the
//! operator API's `mesos.v1.master` and `mesos.v1.agent` with what they
//! import: `maintenance`, `quota`, `allocator`), that the
//! generated Rust types round-trip without losing data, and that v0 and v1
//! messages are wire compatible where Mesos relies on it.
//!
//! The comparison against upstream needs the upstream `.proto` files,
//! looked up as `proto_completeness` does (`$MESOS_PROTO_DIR`,
//! `$MESOS_HOME/include`, `/opt/mesos/include`, `/usr/local/include`,
//! `/usr/include`), here for `mesos/v1/mesos.proto`. Without them the
//! comparison is skipped with a loud message on stderr, unless
//! `MESOS_TEST_REQUIRE=1`, in which case it fails. Everything else always
//! runs: the round trips, the v0/v1 wire checks, and a check that the
//! comparison itself catches a missing or changed message, field or enum
//! value.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use mesos_native::proto as v0;
use mesos_native::proto::v1;
use mesos_native::proto::v1::{agent, executor, maintenance, master, scheduler};
use prost::Message;
use prost_reflect::{DescriptorPool, Kind, MessageDescriptor};

const MESOS_PROTO: &str = "mesos/v1/mesos.proto";
const SCHEDULER_PROTO: &str = "mesos/v1/scheduler/scheduler.proto";
const EXECUTOR_PROTO: &str = "mesos/v1/executor/executor.proto";
const MASTER_PROTO: &str = "mesos/v1/master/master.proto";
const AGENT_PROTO: &str = "mesos/v1/agent/agent.proto";
const MAINTENANCE_PROTO: &str = "mesos/v1/maintenance/maintenance.proto";
const QUOTA_PROTO: &str = "mesos/v1/quota/quota.proto";
const ALLOCATOR_PROTO: &str = "mesos/v1/allocator/allocator.proto";
const FILES: &[&str] = &[
    MESOS_PROTO,
    SCHEDULER_PROTO,
    EXECUTOR_PROTO,
    MASTER_PROTO,
    AGENT_PROTO,
    MAINTENANCE_PROTO,
    QUOTA_PROTO,
    ALLOCATOR_PROTO,
];
/// Files whose every top-level message and enum is a root: the API
/// envelopes (`Call`, `Response`, `Event`...) and what only they use.
const API_FILES: &[&str] = &[
    SCHEDULER_PROTO,
    EXECUTOR_PROTO,
    MASTER_PROTO,
    AGENT_PROTO,
    MAINTENANCE_PROTO,
    QUOTA_PROTO,
    ALLOCATOR_PROTO,
];

/// Types whose complete transitive closure (field types and nested types)
/// must be present in our schema: `proto_completeness`'s roots under their
/// v1 names, what operation feedback and task groups need, and the API
/// envelopes. Every top-level type of upstream's [`API_FILES`] is a root
/// too (see [`roots`]): the master's and the agent's `Call`, `Response`
/// and `Event` included, so every message they reach is compared field by
/// field.
const ROOTS: &[&str] = &[
    "mesos.v1.FrameworkInfo",
    "mesos.v1.FrameworkID",
    "mesos.v1.MasterInfo",
    "mesos.v1.Offer",
    "mesos.v1.OfferID",
    "mesos.v1.TaskInfo",
    "mesos.v1.TaskID",
    "mesos.v1.TaskStatus",
    "mesos.v1.ExecutorInfo",
    "mesos.v1.ExecutorID",
    "mesos.v1.AgentInfo",
    "mesos.v1.AgentID",
    "mesos.v1.Filters",
    "mesos.v1.Request",
    "mesos.v1.Credential",
    "mesos.v1.Credentials",
    "mesos.v1.Resource",
    "mesos.v1.Status",
    "mesos.v1.TaskState",
    "mesos.v1.Value",
    "mesos.v1.OperationStatus",
    "mesos.v1.InverseOffer",
    "mesos.v1.TaskGroupInfo",
    "mesos.v1.scheduler.Call",
    "mesos.v1.scheduler.Event",
    "mesos.v1.scheduler.Response",
    "mesos.v1.scheduler.APIResult",
    "mesos.v1.scheduler.OfferConstraints",
    "mesos.v1.executor.Call",
    "mesos.v1.executor.Event",
    "mesos.v1.master.Call",
    "mesos.v1.master.Response",
    "mesos.v1.master.Event",
    "mesos.v1.agent.Call",
    "mesos.v1.agent.Response",
];

use crate::support::skip;

use crate::support::proto_compare;
use proto_compare::{
    assert_round_trip, compare, compile, cross_check, older_than_schema, our_proto_dir,
    report_newer, split_newer, upstream_include_dir, Comparison,
};

fn our_pool() -> DescriptorPool {
    compile(&our_proto_dir(), FILES).unwrap_or_else(|e| panic!("our v1 schema does not parse: {e}"))
}

/// Upstream v1 schema, or `None` (after saying so loudly) when it is not
/// available and not required.
fn upstream_pool() -> Option<(PathBuf, DescriptorPool)> {
    let Some(include) = upstream_include_dir(MESOS_PROTO) else {
        skip::skip(
            "proto v1 completeness",
            "no upstream Mesos v1 .proto files found (set MESOS_PROTO_DIR or MESOS_HOME)",
        );
        return None;
    };
    // The v1 API files import nothing but each other and protobuf's own
    // well-known types (which protox carries): any parse failure is a real
    // problem, not a reason to compare less.
    let pool = compile(&include, FILES).unwrap_or_else(|e| {
        panic!(
            "cannot parse upstream v1 schema under {}: {e}",
            include.display()
        )
    });
    eprintln!(
        "proto v1 completeness: comparing against upstream schema in {}",
        include.display()
    );
    Some((include, pool))
}

/// [`ROOTS`] plus every top-level message and enum of `pool`'s
/// [`API_FILES`], so that a call or event added upstream is reported
/// missing here.
fn roots(pool: &DescriptorPool) -> Vec<String> {
    let mut roots: BTreeSet<String> = ROOTS.iter().map(|r| r.to_string()).collect();
    for file in API_FILES {
        let file = pool
            .get_file_by_name(file)
            .unwrap_or_else(|| panic!("{file} not in descriptor pool"));
        roots.extend(file.messages().map(|m| m.full_name().to_owned()));
        roots.extend(file.enums().map(|e| e.full_name().to_owned()));
    }
    roots.into_iter().collect()
}

/// Compares `ours` with `upstream` over all v1 packages.
fn compare_v1(ours: &DescriptorPool, upstream: &DescriptorPool) -> Comparison {
    let roots = roots(upstream);
    let roots: Vec<&str> = roots.iter().map(String::as_str).collect();
    compare(ours, upstream, &roots, &|_| true)
}

#[test]
fn v1_schema_matches_upstream() {
    let ours = our_pool();
    let Some((include, upstream)) = upstream_pool() else {
        return;
    };
    let Comparison {
        mut problems,
        compared_messages,
        compared_enums,
        needed,
    } = compare_v1(&ours, &upstream);
    report_newer(&split_newer(&mut problems, &include), &include);

    let unmirrored = upstream
        .all_messages()
        .map(|m| m.full_name().to_owned())
        .chain(upstream.all_enums().map(|e| e.full_name().to_owned()))
        .filter(|n| ours.get_message_by_name(n).is_none() && ours.get_enum_by_name(n).is_none())
        .count();
    eprintln!(
        "proto v1 completeness: {compared_messages} messages and {compared_enums} enums compared \
         with {}; {} types reachable from the roots; {unmirrored} upstream v1 types not mirrored",
        include.display(),
        needed.len()
    );
    // A comparison that compared nothing would pass vacuously.
    assert!(
        compared_messages > 100 && needed.len() > 100,
        "compared only {compared_messages} messages, {} reachable types",
        needed.len()
    );

    assert!(
        problems.is_empty(),
        "our v1 schema in {} differs from upstream in {}:\n  {}",
        our_proto_dir().display(),
        include.display(),
        problems.join("\n  ")
    );
}

/// The comparison must fail, not pass or skip, when a message, field or
/// enum value is missing or different. Checked without upstream: our own
/// schema plays upstream, and a doctored copy of it plays ours.
#[test]
fn comparison_catches_missing_and_changed_definitions() {
    // (file, text in our schema, replacement, problem the comparison must report)
    let edits: &[(&str, &str, &str, &str)] = &[
        (
            SCHEDULER_PROTO,
            "    optional double heartbeat_interval_seconds = 2;\n",
            "",
            "mesos.v1.scheduler.Event.Subscribed.heartbeat_interval_seconds is missing",
        ),
        (
            SCHEDULER_PROTO,
            "  message RescindInverseOffer {\n    required OfferID inverse_offer_id = 1;\n  }\n\n",
            "",
            "mesos.v1.scheduler.Event.RescindInverseOffer (reachable from the roots) is missing",
        ),
        (
            SCHEDULER_PROTO,
            "  optional RescindInverseOffer rescind_inverse_offer = 10;\n",
            "",
            "mesos.v1.scheduler.Event.rescind_inverse_offer is missing",
        ),
        (
            SCHEDULER_PROTO,
            "    optional Filters filters = 3;\n",
            "    optional Filters filters = 4;\n",
            "mesos.v1.scheduler.Call.Accept.filters differs",
        ),
        (
            SCHEDULER_PROTO,
            "  optional Type type = 2;\n",
            "  optional Type type = 2;\n  optional string extra = 99;\n",
            "mesos.v1.scheduler.Call.extra does not exist upstream",
        ),
        (
            EXECUTOR_PROTO,
            "    required bytes uuid = 2;\n",
            "    required string uuid = 2;\n",
            "mesos.v1.executor.Event.Acknowledged.uuid differs",
        ),
        (
            EXECUTOR_PROTO,
            "    repeated TaskInfo unacknowledged_tasks = 1;\n",
            "    optional TaskInfo unacknowledged_tasks = 1;\n",
            "mesos.v1.executor.Call.Subscribe.unacknowledged_tasks differs",
        ),
        (
            EXECUTOR_PROTO,
            "    HEARTBEAT = 9;\n",
            "",
            "mesos.v1.executor.Event.Type: value HEARTBEAT = 9 missing or different",
        ),
        (
            MESOS_PROTO,
            "  TASK_GONE = 11;\n",
            "  TASK_GONE = 14;\n",
            "mesos.v1.TaskState: value TASK_GONE = 11 missing or different",
        ),
        (
            MESOS_PROTO,
            "  optional double refuse_seconds = 1 [default = 5.0];\n",
            "  optional double refuse_seconds = 1 [default = 6.0];\n",
            "mesos.v1.Filters.refuse_seconds differs",
        ),
        (
            MESOS_PROTO,
            "message Credentials {\n  repeated Credential credentials = 1;\n}\n",
            "",
            "mesos.v1.Credentials (reachable from the roots) is missing",
        ),
        (
            MASTER_PROTO,
            "    MARK_AGENT_GONE = 32;\n",
            "",
            "mesos.v1.master.Call.Type: value MARK_AGENT_GONE = 32 missing or different",
        ),
        (
            MASTER_PROTO,
            "    repeated Resource source = 3;\n",
            "",
            "mesos.v1.master.Call.ReserveResources.source is missing",
        ),
        (
            MASTER_PROTO,
            "    optional double heartbeat_interval_seconds = 2;\n",
            "    optional float heartbeat_interval_seconds = 2;\n",
            "mesos.v1.master.Event.Subscribed.heartbeat_interval_seconds differs",
        ),
        (
            AGENT_PROTO,
            "    optional bool show_standalone = 2;\n",
            "    optional string show_standalone = 2;\n",
            "mesos.v1.agent.Call.GetContainers.show_standalone differs",
        ),
        (
            AGENT_PROTO,
            "    message Heartbeat {\n      optional DurationInfo interval = 1;\n    }\n\n",
            "",
            "mesos.v1.agent.ProcessIO.Control.Heartbeat (reachable from the roots) is missing",
        ),
        (
            AGENT_PROTO,
            "    optional Heartbeat heartbeat = 3;\n",
            "",
            "mesos.v1.agent.ProcessIO.Control.heartbeat is missing",
        ),
        (
            MAINTENANCE_PROTO,
            "  required Unavailability unavailability = 2;\n",
            "  optional Unavailability unavailability = 2;\n",
            "mesos.v1.maintenance.Window.unavailability differs",
        ),
        (
            QUOTA_PROTO,
            "  map<string, Value.Scalar> limits = 3;\n",
            "",
            "mesos.v1.quota.QuotaConfig.limits is missing",
        ),
        (
            ALLOCATOR_PROTO,
            "    UNKNOWN = 1;\n",
            "    UNKNOWN = 0;\n",
            "mesos.v1.allocator.InverseOfferStatus.Status: value UNKNOWN = 1 missing or different",
        ),
    ];

    let ours = our_pool();
    let clean = compare_v1(&ours, &ours);
    assert_eq!(clean.problems, Vec::<String>::new());

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("doctored-v1-schema");
    for file in FILES {
        let mut text = std::fs::read_to_string(our_proto_dir().join(file)).unwrap();
        for (_, from, to, _) in edits.iter().filter(|(f, ..)| f == file) {
            assert_eq!(
                text.matches(from).count(),
                1,
                "{file}: edit {from:?} must match exactly once"
            );
            text = text.replace(from, to);
        }
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let doctored =
        compile(&dir, FILES).unwrap_or_else(|e| panic!("doctored schema does not parse: {e}"));
    let found = compare_v1(&doctored, &ours).problems;
    for (_, _, _, expected) in edits {
        assert!(
            found.iter().any(|p| p.starts_with(expected)),
            "the comparison missed {expected:?}; it found:\n  {}",
            found.join("\n  ")
        );
    }
}

// ---------------------------------------------------------------------------
// Round trips (no upstream needed).

fn labels(pairs: &[(&str, &str)]) -> v1::Labels {
    v1::Labels {
        labels: pairs
            .iter()
            .map(|(k, v)| v1::Label {
                key: k.to_string(),
                value: Some(v.to_string()),
            })
            .collect(),
    }
}

fn agent_id() -> v1::AgentId {
    v1::AgentId {
        value: "20240101-000000-1-5050-1-S0".into(),
    }
}

fn framework_id() -> v1::FrameworkId {
    v1::FrameworkId {
        value: "20240101-000000-1-5050-1-0000".into(),
    }
}

fn reservation(
    kind: v1::resource::reservation_info::Type,
    role: &str,
    principal: Option<&str>,
) -> v1::resource::ReservationInfo {
    let mut info = v1::resource::ReservationInfo {
        role: Some(role.into()),
        principal: principal.map(Into::into),
        ..Default::default()
    };
    info.set_type(kind);
    info
}

/// 4 CPUs allocated to `analytics/batch`, reserved along `reservations`.
fn cpus(reservations: Vec<v1::resource::ReservationInfo>) -> v1::Resource {
    let mut resource = v1::Resource {
        name: "cpus".into(),
        scalar: Some(v1::value::Scalar { value: 4.0 }),
        reservations,
        allocation_info: Some(v1::resource::AllocationInfo {
            role: Some("analytics/batch".into()),
        }),
        ..Default::default()
    };
    resource.set_type(v1::value::Type::Scalar);
    resource
}

/// Statically reserved for `analytics`, as offered.
fn statically_reserved_cpus() -> v1::Resource {
    use v1::resource::reservation_info::Type;
    cpus(vec![reservation(Type::Static, "analytics", None)])
}

/// The same CPUs with a dynamic reservation for `analytics/batch` pushed
/// onto the stack: what a refining RESERVE produces.
fn refined_cpus() -> v1::Resource {
    use v1::resource::reservation_info::Type;
    let mut refinement = reservation(Type::Dynamic, "analytics/batch", Some("analytics"));
    refinement.labels = Some(labels(&[("purpose", "nightly")]));
    cpus(vec![
        reservation(Type::Static, "analytics", None),
        refinement,
    ])
}

fn operation_id() -> v1::OperationId {
    v1::OperationId {
        value: "reserve-1".into(),
    }
}

fn sample_subscribe_call() -> scheduler::Call {
    use scheduler::attribute_constraint::{predicate, selector, Predicate, Selector};
    use v1::framework_info::{capability, Capability};

    let capability = |kind| {
        let mut c = Capability::default();
        c.set_type(kind);
        c
    };
    let rack_r1 = scheduler::AttributeConstraint {
        selector: Selector {
            selector: Some(selector::Selector::AttributeName("rack".into())),
        },
        predicate: Predicate {
            predicate: Some(predicate::Predicate::TextEquals(predicate::TextEquals {
                value: "r1".into(),
            })),
        },
    };
    // One role only: prost's maps are HashMaps, and the re-encoding check
    // needs a deterministic order.
    let constraints = scheduler::OfferConstraints {
        role_constraints: [(
            "analytics/batch".to_owned(),
            scheduler::offer_constraints::RoleConstraints {
                groups: vec![scheduler::offer_constraints::role_constraints::Group {
                    attribute_constraints: vec![rack_r1],
                }],
            },
        )]
        .into(),
    };
    let mut call = scheduler::Call {
        subscribe: Some(scheduler::call::Subscribe {
            framework_info: v1::FrameworkInfo {
                user: "root".into(),
                name: "v1-roundtrip-framework".into(),
                failover_timeout: Some(604_800.0),
                checkpoint: Some(true),
                roles: vec!["analytics".into(), "analytics/batch".into()],
                principal: Some("analytics".into()),
                capabilities: vec![
                    capability(capability::Type::MultiRole),
                    capability(capability::Type::ReservationRefinement),
                ],
                labels: Some(labels(&[("team", "data")])),
                ..Default::default()
            },
            suppressed_roles: vec!["analytics".into()],
            offer_constraints: Some(constraints),
        }),
        ..Default::default()
    };
    call.set_type(scheduler::call::Type::Subscribe);
    call
}

fn sample_reserve_operation() -> v1::offer::Operation {
    let mut operation = v1::offer::Operation {
        id: Some(operation_id()),
        reserve: Some(v1::offer::operation::Reserve {
            source: vec![statically_reserved_cpus()],
            resources: vec![refined_cpus()],
        }),
        ..Default::default()
    };
    operation.set_type(v1::offer::operation::Type::Reserve);
    operation
}

fn sample_accept_call() -> scheduler::Call {
    let mut call = scheduler::Call {
        framework_id: Some(framework_id()),
        accept: Some(scheduler::call::Accept {
            offer_ids: vec![v1::OfferId {
                value: "20240101-000000-1-5050-1-O7".into(),
            }],
            operations: vec![sample_reserve_operation()],
            filters: Some(v1::Filters {
                refuse_seconds: Some(30.0),
            }),
        }),
        ..Default::default()
    };
    call.set_type(scheduler::call::Type::Accept);
    call
}

fn sample_update_operation_status_event() -> scheduler::Event {
    let mut status = v1::OperationStatus {
        operation_id: Some(operation_id()),
        message: Some("reserved".into()),
        converted_resources: vec![refined_cpus()],
        uuid: Some(v1::Uuid {
            value: (0u8..16).collect(),
        }),
        agent_id: Some(agent_id()),
        ..Default::default()
    };
    status.set_state(v1::OperationState::OperationFinished);
    let mut event = scheduler::Event {
        update_operation_status: Some(scheduler::event::UpdateOperationStatus { status }),
        ..Default::default()
    };
    event.set_type(scheduler::event::Type::UpdateOperationStatus);
    event
}

fn task(name: &str, command: &str) -> v1::TaskInfo {
    let mut mem = v1::Resource {
        name: "mem".into(),
        scalar: Some(v1::value::Scalar { value: 64.0 }),
        ..Default::default()
    };
    mem.set_type(v1::value::Type::Scalar);
    v1::TaskInfo {
        name: name.into(),
        task_id: v1::TaskId {
            value: format!("{name}-1"),
        },
        agent_id: agent_id(),
        resources: vec![mem],
        command: Some(v1::CommandInfo {
            value: Some(command.into()),
            ..Default::default()
        }),
        labels: Some(labels(&[("group", "pair")])),
        ..Default::default()
    }
}

fn sample_launch_group_event() -> executor::Event {
    let mut event = executor::Event {
        launch_group: Some(executor::event::LaunchGroup {
            task_group: v1::TaskGroupInfo {
                tasks: vec![task("server", "sleep 1000"), task("sidecar", "sleep 1000")],
            },
        }),
        ..Default::default()
    };
    event.set_type(executor::event::Type::LaunchGroup);
    event
}

fn sample_subscribed_executor_event() -> executor::Event {
    let mut executor_info = v1::ExecutorInfo {
        executor_id: v1::ExecutorId {
            value: "default-executor".into(),
        },
        framework_id: Some(framework_id()),
        ..Default::default()
    };
    executor_info.set_type(v1::executor_info::Type::Default);
    let mut event = executor::Event {
        subscribed: Some(Box::new(executor::event::Subscribed {
            executor_info,
            framework_info: v1::FrameworkInfo {
                user: "root".into(),
                name: "v1-roundtrip-framework".into(),
                id: Some(framework_id()),
                ..Default::default()
            },
            agent_info: v1::AgentInfo {
                hostname: "agent-1.example.invalid".into(),
                id: Some(agent_id()),
                ..Default::default()
            },
            container_id: Some(v1::ContainerId {
                value: "4d3c2b1a".into(),
                parent: None,
            }),
        })),
        ..Default::default()
    };
    event.set_type(executor::event::Type::Subscribed);
    event
}

/// A refining RESERVE_RESOURCES, as `mesos_native::operator` sends it.
fn sample_reserve_resources_call() -> master::Call {
    let mut call = master::Call {
        reserve_resources: Some(master::call::ReserveResources {
            agent_id: agent_id(),
            source: vec![statically_reserved_cpus()],
            resources: vec![refined_cpus()],
        }),
        ..Default::default()
    };
    call.set_type(master::call::Type::ReserveResources);
    call
}

/// A one-window maintenance schedule, and a drain with a grace period
/// (`google.protobuf.Duration`).
fn sample_maintenance_calls() -> [master::Call; 2] {
    let machine = v1::MachineId {
        hostname: Some("agent-1.example.invalid".into()),
        ip: Some("10.0.0.7".into()),
    };
    let mut schedule = master::Call {
        update_maintenance_schedule: Some(master::call::UpdateMaintenanceSchedule {
            schedule: maintenance::Schedule {
                windows: vec![maintenance::Window {
                    machine_ids: vec![machine],
                    unavailability: v1::Unavailability {
                        start: v1::TimeInfo {
                            nanoseconds: 1_700_000_000_000_000_000,
                        },
                        duration: Some(v1::DurationInfo {
                            nanoseconds: 3_600_000_000_000,
                        }),
                    },
                }],
            },
        }),
        ..Default::default()
    };
    schedule.set_type(master::call::Type::UpdateMaintenanceSchedule);
    let mut drain = master::Call {
        drain_agent: Some(master::call::DrainAgent {
            agent_id: agent_id(),
            max_grace_period: Some(prost_types::Duration {
                seconds: 90,
                nanos: 0,
            }),
            mark_gone: Some(true),
        }),
        ..Default::default()
    };
    drain.set_type(master::call::Type::DrainAgent);
    [schedule, drain]
}

/// GET_AGENTS as the master answers it: one agent with a refined
/// reservation among its total resources.
fn sample_get_agents_response() -> master::Response {
    let mut response = master::Response {
        get_agents: Some(master::response::GetAgents {
            agents: vec![master::response::get_agents::Agent {
                agent_info: v1::AgentInfo {
                    hostname: "agent-1.example.invalid".into(),
                    id: Some(agent_id()),
                    port: Some(5051),
                    ..Default::default()
                },
                active: true,
                version: "1.11.0".into(),
                total_resources: vec![refined_cpus()],
                ..Default::default()
            }],
            recovered_agents: vec![],
        }),
        ..Default::default()
    };
    response.set_type(master::response::Type::GetAgents);
    response
}

/// TASK_UPDATED from the master's event stream (through its boxed payload).
fn sample_task_updated_event() -> master::Event {
    let mut status = v1::TaskStatus {
        task_id: v1::TaskId {
            value: "server-1".into(),
        },
        agent_id: Some(agent_id()),
        ..Default::default()
    };
    status.set_state(v1::TaskState::TaskRunning);
    let mut updated = master::event::TaskUpdated {
        framework_id: framework_id(),
        status,
        ..Default::default()
    };
    updated.set_state(v1::TaskState::TaskFinished);
    let mut event = master::Event {
        task_updated: Some(Box::new(updated)),
        ..Default::default()
    };
    event.set_type(master::event::Type::TaskUpdated);
    event
}

/// An agent's LAUNCH_CONTAINER with a limit (a protobuf map).
fn sample_launch_container_call() -> agent::Call {
    let mut call = agent::Call {
        launch_container: Some(agent::call::LaunchContainer {
            container_id: v1::ContainerId {
                value: "debug-1".into(),
                parent: None,
            },
            command: Some(v1::CommandInfo {
                value: Some("sleep 10".into()),
                ..Default::default()
            }),
            limits: [("cpus".to_owned(), v1::value::Scalar { value: 0.5 })].into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    call.set_type(agent::call::Type::LaunchContainer);
    call
}

#[test]
fn operator_api_messages_round_trip() {
    use v1::resource::reservation_info::Type;

    let call = sample_reserve_resources_call();
    let decoded = master::Call::decode(assert_round_trip(&call).as_slice()).unwrap();
    assert_eq!(decoded.r#type(), master::call::Type::ReserveResources);
    let reserve = decoded.reserve_resources.unwrap();
    assert_eq!(reserve.source, [statically_reserved_cpus()]);
    let stack: Vec<_> = reserve.resources[0]
        .reservations
        .iter()
        .map(|r| (r.r#type(), r.role()))
        .collect();
    assert_eq!(
        stack,
        [
            (Type::Static, "analytics"),
            (Type::Dynamic, "analytics/batch")
        ]
    );

    for call in sample_maintenance_calls() {
        assert_round_trip(&call);
    }

    let response = sample_get_agents_response();
    let decoded = master::Response::decode(assert_round_trip(&response).as_slice()).unwrap();
    let agents = decoded.get_agents.unwrap().agents;
    assert_eq!(agents[0].agent_info.id, Some(agent_id()));
    assert_eq!(agents[0].total_resources, [refined_cpus()]);

    let event = sample_task_updated_event();
    let decoded = master::Event::decode(assert_round_trip(&event).as_slice()).unwrap();
    let updated = decoded.task_updated.unwrap();
    assert_eq!(
        (updated.status.state(), updated.state()),
        (v1::TaskState::TaskRunning, v1::TaskState::TaskFinished)
    );

    // A heartbeat is a type and nothing else.
    let mut heartbeat = master::Event::default();
    heartbeat.set_type(master::event::Type::Heartbeat);
    assert_eq!(assert_round_trip(&heartbeat), [0x08, 9]);

    let call = sample_launch_container_call();
    let decoded = agent::Call::decode(assert_round_trip(&call).as_slice()).unwrap();
    assert_eq!(decoded.launch_container.unwrap().limits["cpus"].value, 0.5);
}

#[test]
fn subscribe_call_round_trip() {
    let call = sample_subscribe_call();
    let bytes = assert_round_trip(&call);
    let decoded = scheduler::Call::decode(bytes.as_slice()).unwrap();
    assert_eq!(decoded.r#type(), scheduler::call::Type::Subscribe);
    let subscribe = decoded.subscribe.unwrap();
    assert_eq!(
        subscribe.framework_info.roles,
        ["analytics", "analytics/batch"]
    );
    assert_eq!(
        subscribe.offer_constraints.unwrap().role_constraints["analytics/batch"].groups[0]
            .attribute_constraints
            .len(),
        1
    );
    // Unset optional fields report the schema defaults.
    assert_eq!(v1::FrameworkInfo::default().role(), "*");
    assert_eq!(v1::Filters::default().refuse_seconds(), 5.0);
}

#[test]
fn accept_with_refining_reserve_round_trip() {
    use v1::resource::reservation_info::Type;

    let call = sample_accept_call();
    let bytes = assert_round_trip(&call);
    let decoded = scheduler::Call::decode(bytes.as_slice()).unwrap();
    assert_eq!(decoded.r#type(), scheduler::call::Type::Accept);
    assert_eq!(decoded.framework_id, Some(framework_id()));
    let operation = &decoded.accept.unwrap().operations[0];
    assert_eq!(operation.r#type(), v1::offer::operation::Type::Reserve);
    assert_eq!(operation.id, Some(operation_id()));
    let reserve = operation.reserve.as_ref().unwrap();
    assert_eq!(reserve.source, [statically_reserved_cpus()]);
    let stack: Vec<_> = reserve.resources[0]
        .reservations
        .iter()
        .map(|r| (r.r#type(), r.role()))
        .collect();
    assert_eq!(
        stack,
        [
            (Type::Static, "analytics"),
            (Type::Dynamic, "analytics/batch"),
        ]
    );
}

#[test]
fn update_operation_status_event_round_trip() {
    let event = sample_update_operation_status_event();
    let bytes = assert_round_trip(&event);
    let decoded = scheduler::Event::decode(bytes.as_slice()).unwrap();
    assert_eq!(
        decoded.r#type(),
        scheduler::event::Type::UpdateOperationStatus
    );
    let status = decoded.update_operation_status.unwrap().status;
    assert_eq!(status.state(), v1::OperationState::OperationFinished);
    assert_eq!(status.operation_id, Some(operation_id()));
    assert_eq!(status.converted_resources, [refined_cpus()]);
}

#[test]
fn executor_events_round_trip() {
    let event = sample_launch_group_event();
    let bytes = assert_round_trip(&event);
    let decoded = executor::Event::decode(bytes.as_slice()).unwrap();
    assert_eq!(decoded.r#type(), executor::event::Type::LaunchGroup);
    let tasks = decoded.launch_group.unwrap().task_group.tasks;
    let names: Vec<_> = tasks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["server", "sidecar"]);

    // SUBSCRIBED goes through the boxed payload.
    let event = sample_subscribed_executor_event();
    let decoded = executor::Event::decode(assert_round_trip(&event).as_slice()).unwrap();
    assert_eq!(decoded.r#type(), executor::event::Type::Subscribed);
    assert_eq!(decoded.subscribed.unwrap().agent_info.id, Some(agent_id()));
}

#[test]
fn generated_v1_types_agree_with_schema() {
    // The samples use what the schema's Mesos has (offer constraints, for
    // one): an older Mesos sees those as unknown fields, rightly.
    let upstream = upstream_pool().filter(|(include, _)| {
        let older = older_than_schema(include);
        if older {
            eprintln!(
                "the Mesos in {} is older than the schema's: only our schema is cross-checked",
                include.display()
            );
        }
        !older
    });
    let pools =
        std::iter::once(("ours", our_pool())).chain(upstream.map(|(_, pool)| ("upstream", pool)));
    for (which, pool) in pools {
        eprintln!("cross-checking sample v1 messages against the {which} schema");
        cross_check(&pool, "mesos.v1.scheduler.Call", &sample_subscribe_call());
        cross_check(&pool, "mesos.v1.scheduler.Call", &sample_accept_call());
        cross_check(
            &pool,
            "mesos.v1.scheduler.Event",
            &sample_update_operation_status_event(),
        );
        cross_check(
            &pool,
            "mesos.v1.executor.Event",
            &sample_launch_group_event(),
        );
        cross_check(
            &pool,
            "mesos.v1.executor.Event",
            &sample_subscribed_executor_event(),
        );
        cross_check(
            &pool,
            "mesos.v1.master.Call",
            &sample_reserve_resources_call(),
        );
        for call in sample_maintenance_calls() {
            cross_check(&pool, "mesos.v1.master.Call", &call);
        }
        cross_check(
            &pool,
            "mesos.v1.master.Response",
            &sample_get_agents_response(),
        );
        cross_check(&pool, "mesos.v1.master.Event", &sample_task_updated_event());
        cross_check(
            &pool,
            "mesos.v1.agent.Call",
            &sample_launch_container_call(),
        );
    }
}

// ---------------------------------------------------------------------------
// v0 <-> v1 wire compatibility (no upstream needed: the two tests above and
// `proto_completeness` tie our schemas to upstream's).

/// The v1 name of a v0 type: package `mesos` becomes `mesos.v1`, and
/// "Slave" becomes "Agent" in each name (`SlaveID` is `AgentID`).
fn v1_name(v0_name: &str) -> String {
    let rest = v0_name
        .strip_prefix("mesos.")
        .unwrap_or_else(|| panic!("{v0_name} is not in package mesos"));
    format!("mesos.v1.{}", rest.replace("Slave", "Agent"))
}

/// What a field looks like on the wire: its number, whether it repeats
/// (required and optional are alike), packing, oneof membership and type,
/// with v0 types named by their v1 names.
fn wire_shapes(message: &MessageDescriptor, rename: bool) -> BTreeMap<u32, String> {
    message
        .fields()
        .map(|field| {
            let kind = match field.kind() {
                Kind::Message(m) if rename => format!("message {}", v1_name(m.full_name())),
                Kind::Enum(e) if rename => format!("enum {}", v1_name(e.full_name())),
                Kind::Message(m) => format!("message {}", m.full_name()),
                Kind::Enum(e) => format!("enum {}", e.full_name()),
                other => format!("{other:?}"),
            };
            let shape = format!(
                "{kind}, repeated {}, packed {}, oneof {:?}",
                field.is_list() || field.is_map(),
                field.is_packed(),
                field.containing_oneof().map(|o| o.name().to_owned())
            );
            (field.number(), shape)
        })
        .collect()
}

/// Mesos turns v0 messages into v1 ones and back by serializing one and
/// parsing the bytes as the other, and so may this crate. That works only
/// while every v0 type has a v1 twin with the same field numbers and wire
/// types. Upstream has exactly one exception, `SlaveInfo.checkpoint`.
#[test]
fn v0_and_v1_schemas_are_wire_compatible() {
    let v0_pool = compile(
        &our_proto_dir(),
        &["mesos/mesos.proto", "mesos/scheduler/scheduler.proto"],
    )
    .unwrap_or_else(|e| panic!("our v0 schema does not parse: {e}"));
    let v1_pool = our_pool();

    let mut differences = Vec::new();
    let mut compared = 0;
    for message in v0_pool.all_messages() {
        let name = message.full_name();
        let twin_name = v1_name(name);
        let Some(twin) = v1_pool.get_message_by_name(&twin_name) else {
            differences.push(format!("{name} has no v1 twin {twin_name}"));
            continue;
        };
        compared += 1;
        let (ours, theirs) = (wire_shapes(&message, true), wire_shapes(&twin, false));
        for number in ours.keys().chain(theirs.keys()).collect::<BTreeSet<_>>() {
            match (ours.get(number), theirs.get(number)) {
                (Some(a), Some(b)) if a != b => {
                    differences.push(format!("{name} field {number}: v0 {a}, v1 {b}"))
                }
                (Some(_), None) => differences.push(format!("{name} field {number}: not in v1")),
                (None, Some(_)) => differences.push(format!("{name} field {number}: not in v0")),
                _ => {}
            }
        }
    }
    for enum_ in v0_pool.all_enums() {
        let name = enum_.full_name();
        let Some(twin) = v1_pool.get_enum_by_name(&v1_name(name)) else {
            differences.push(format!("enum {name} has no v1 twin"));
            continue;
        };
        let numbers = |e: &prost_reflect::EnumDescriptor| {
            e.values().map(|v| v.number()).collect::<BTreeSet<_>>()
        };
        if numbers(&enum_) != numbers(&twin) {
            differences.push(format!("enum {name}: values differ in number"));
        }
    }
    assert!(compared > 100, "compared only {compared} messages");
    assert_eq!(
        differences,
        ["mesos.SlaveInfo field 7: not in v1"],
        "v0 and v1 schemas are no longer wire compatible"
    );
}

/// Re-parses `message`'s bytes as `B`, checks that `B` encodes them back
/// to the same bytes (both types declare their fields in the same order),
/// and returns the converted message.
fn convert<A: Message, B: Message + Default>(message: &A) -> B {
    let bytes = message.encode_to_vec();
    let converted = B::decode(bytes.as_slice()).expect("decode as the other version");
    assert_eq!(converted.encode_to_vec(), bytes, "re-encoded bytes differ");
    converted
}

#[test]
fn v0_messages_decode_as_v1_and_back() {
    // An offer as the v0 driver API hands it over.
    let mut resource = v0::Resource {
        name: "cpus".into(),
        scalar: Some(v0::value::Scalar { value: 2.5 }),
        reservations: vec![v0::resource::ReservationInfo {
            r#type: Some(v0::resource::reservation_info::Type::Static as i32),
            role: Some("analytics".into()),
            ..Default::default()
        }],
        ..Default::default()
    };
    resource.set_type(v0::value::Type::Scalar);
    let offer = v0::Offer {
        id: v0::OfferId {
            value: "offer-7".into(),
        },
        framework_id: v0::FrameworkId {
            value: "framework-1".into(),
        },
        slave_id: v0::SlaveId {
            value: "agent-S0".into(),
        },
        hostname: "agent-1.example.invalid".into(),
        resources: vec![resource],
        executor_ids: vec![v0::ExecutorId {
            value: "executor-1".into(),
        }],
        ..Default::default()
    };
    let v1_offer: v1::Offer = convert(&offer);
    assert_eq!(v1_offer.id.value, "offer-7");
    assert_eq!(v1_offer.agent_id.value, "agent-S0");
    assert_eq!(v1_offer.hostname, offer.hostname);
    assert_eq!(v1_offer.resources.len(), 1);
    let cpus = &v1_offer.resources[0];
    assert_eq!(
        (cpus.name.as_str(), cpus.scalar.unwrap().value),
        ("cpus", 2.5)
    );
    assert_eq!(
        cpus.reservations[0].r#type(),
        v1::resource::reservation_info::Type::Static
    );
    assert_eq!(convert::<_, v0::Offer>(&v1_offer), offer);

    // Enum values keep their numbers across the slave -> agent renames.
    let mut status = v0::TaskStatus {
        task_id: v0::TaskId {
            value: "task-1".into(),
        },
        slave_id: Some(v0::SlaveId {
            value: "agent-S0".into(),
        }),
        uuid: Some(vec![7; 16]),
        ..Default::default()
    };
    status.set_state(v0::TaskState::TaskLost);
    status.set_source(v0::task_status::Source::Slave);
    status.set_reason(v0::task_status::Reason::SlaveRemoved);
    let v1_status: v1::TaskStatus = convert(&status);
    assert_eq!(v1_status.state(), v1::TaskState::TaskLost);
    assert_eq!(v1_status.source(), v1::task_status::Source::Agent);
    assert_eq!(v1_status.reason(), v1::task_status::Reason::AgentRemoved);
    assert_eq!(v1_status.agent_id.as_ref().unwrap().value, "agent-S0");
    assert_eq!(convert::<_, v0::TaskStatus>(&v1_status), status);

    // And the other way: a v1 operation, as a v1 scheduler would send it,
    // is the v0 driver's Offer.Operation.
    let operation = sample_reserve_operation();
    let v0_operation: v0::offer::Operation = convert(&operation);
    assert_eq!(v0_operation.r#type(), v0::offer::operation::Type::Reserve);
    assert_eq!(v0_operation.id.as_ref().unwrap().value, "reserve-1");
    assert_eq!(convert::<_, v1::offer::Operation>(&v0_operation), operation);
}

/// The one field without a v1 twin is dropped on the way: prost keeps no
/// unknown fields. Anything converting agent descriptions must carry
/// `checkpoint` itself.
#[test]
fn slave_info_checkpoint_does_not_survive_v1() {
    let info = v0::SlaveInfo {
        hostname: "agent-1.example.invalid".into(),
        checkpoint: Some(true),
        ..Default::default()
    };
    let v1_info = v1::AgentInfo::decode(info.encode_to_vec().as_slice()).unwrap();
    assert_eq!(v1_info.hostname, info.hostname);
    let back = v0::SlaveInfo::decode(v1_info.encode_to_vec().as_slice()).unwrap();
    assert_eq!(back.checkpoint, None);
}
