//! Guards that the crate's protobuf schema (`proto/mesos/`) stays a faithful,
//! wire-compatible mirror of Apache Mesos's public protobuf API, and that the
//! generated Rust types round-trip without losing data.
//!
//! The comparison against upstream needs the upstream `.proto` files. They are
//! looked up, in order, in:
//!
//! 1. `$MESOS_PROTO_DIR` (a directory containing `mesos/mesos.proto`),
//! 2. `$MESOS_HOME/include`,
//! 3. `/opt/mesos/include`, `/usr/local/include`, `/usr/include`
//!    (an installed Mesos puts its schema under `<prefix>/include/mesos/`).
//!
//! Without them the comparison is skipped with a loud message on stderr,
//! unless `MESOS_TEST_REQUIRE=1`, in which case it fails. The round-trip tests
//! always run.

use std::path::PathBuf;

use mesos_native::proto::{
    framework_info, offer, resource, value, FrameworkInfo, Label, Labels, OfferId, OperationId,
    Resource, Value,
};
use prost::Message;
use prost_reflect::DescriptorPool;

const MESOS_PROTO: &str = "mesos/mesos.proto";
const SCHEDULER_PROTO: &str = "mesos/scheduler/scheduler.proto";

/// Types whose complete transitive closure (field types and nested types)
/// must be present in our schema.
const ROOTS: &[&str] = &[
    "mesos.FrameworkInfo",
    "mesos.FrameworkID",
    "mesos.MasterInfo",
    "mesos.Offer",
    "mesos.OfferID",
    "mesos.TaskInfo",
    "mesos.TaskID",
    "mesos.TaskStatus",
    "mesos.ExecutorInfo",
    "mesos.ExecutorID",
    "mesos.SlaveInfo",
    "mesos.SlaveID",
    "mesos.Filters",
    "mesos.Request",
    "mesos.Credential",
    "mesos.Credentials",
    "mesos.Resource",
    "mesos.Status",
    "mesos.TaskState",
    "mesos.Value",
    "mesos.scheduler.OfferConstraints",
];

use crate::support::skip;
use skip::required as require_upstream;

use crate::support::proto_compare;
use proto_compare::{
    assert_round_trip, compare, compile, cross_check, our_proto_dir, report_newer, split_newer,
    upstream_include_dir, Comparison,
};

fn our_pool() -> DescriptorPool {
    compile(&our_proto_dir(), &[MESOS_PROTO, SCHEDULER_PROTO])
        .unwrap_or_else(|e| panic!("our schema does not parse: {e}"))
}

/// Upstream schema, or `None` (after printing why) when it is not available
/// and not required.
fn upstream_pool() -> Option<(PathBuf, DescriptorPool)> {
    let Some(include) = upstream_include_dir(MESOS_PROTO) else {
        skip::skip(
            "proto completeness",
            "no upstream Mesos .proto files found (set MESOS_PROTO_DIR or MESOS_HOME)",
        );
        return None;
    };
    // Upstream scheduler.proto only imports mesos/mesos.proto; should a future
    // version import something unavailable, still compare mesos.proto.
    let pool = match compile(&include, &[MESOS_PROTO, SCHEDULER_PROTO]) {
        Ok(pool) => pool,
        Err(err) => {
            assert!(
                !require_upstream(),
                "cannot parse upstream {SCHEDULER_PROTO} under {}: {err}",
                include.display()
            );
            eprintln!(
                "WARNING: proto completeness: cannot parse upstream {SCHEDULER_PROTO} under {} \
                 ({err}); comparing {MESOS_PROTO} only",
                include.display()
            );
            compile(&include, &[MESOS_PROTO]).unwrap_or_else(|e| {
                panic!(
                    "cannot parse upstream {MESOS_PROTO} under {}: {e}",
                    include.display()
                )
            })
        }
    };
    eprintln!(
        "proto completeness: comparing against upstream schema in {}",
        include.display()
    );
    Some((include, pool))
}

#[test]
fn schema_matches_upstream() {
    let ours = our_pool();
    let Some((include, upstream)) = upstream_pool() else {
        return;
    };
    let upstream_has_scheduler = upstream.get_file_by_name(SCHEDULER_PROTO).is_some();

    // Everything reachable from the roots must be mirrored.
    let roots: Vec<&str> = ROOTS
        .iter()
        .copied()
        .filter(|r| upstream_has_scheduler || !r.starts_with("mesos.scheduler."))
        .collect();
    let Comparison {
        mut problems,
        compared_messages,
        compared_enums,
        needed,
    } = compare(&ours, &upstream, &roots, &|package| {
        package == "mesos" || upstream_has_scheduler
    });
    report_newer(&split_newer(&mut problems, &include), &include);

    let unmirrored = upstream
        .all_messages()
        .map(|m| m.full_name().to_owned())
        .chain(upstream.all_enums().map(|e| e.full_name().to_owned()))
        .filter(|n| n.starts_with("mesos.") && !n.starts_with("mesos.scheduler."))
        .filter(|n| ours.get_message_by_name(n).is_none() && ours.get_enum_by_name(n).is_none())
        .count();
    eprintln!(
        "proto completeness: {compared_messages} messages and {compared_enums} enums compared \
         with {}; {} types reachable from the roots; {unmirrored} upstream `mesos` types not \
         mirrored",
        include.display(),
        needed.len()
    );

    assert!(
        problems.is_empty(),
        "our schema in {} differs from upstream in {}:\n  {}",
        our_proto_dir().display(),
        include.display(),
        problems.join("\n  ")
    );
}

// ---------------------------------------------------------------------------
// Round trips (no upstream needed).

fn labels(pairs: &[(&str, &str)]) -> Labels {
    Labels {
        labels: pairs
            .iter()
            .map(|(k, v)| Label {
                key: k.to_string(),
                value: Some(v.to_string()),
            })
            .collect(),
    }
}

fn capability(kind: framework_info::capability::Type) -> framework_info::Capability {
    let mut capability = framework_info::Capability::default();
    capability.set_type(kind);
    capability
}

fn sample_framework_info() -> FrameworkInfo {
    FrameworkInfo {
        user: "root".into(),
        name: "roundtrip-framework".into(),
        id: Some(mesos_native::proto::FrameworkId {
            value: "20240101-000000-1-5050-1-0000".into(),
        }),
        failover_timeout: Some(604_800.0),
        checkpoint: Some(true),
        roles: vec!["analytics".into(), "analytics/batch".into()],
        hostname: Some("scheduler.example.invalid".into()),
        principal: Some("analytics-principal".into()),
        capabilities: vec![
            capability(framework_info::capability::Type::MultiRole),
            capability(framework_info::capability::Type::ReservationRefinement),
        ],
        labels: Some(labels(&[("team", "data")])),
        ..Default::default()
    }
}

fn reservation(
    kind: resource::reservation_info::Type,
    role: &str,
    principal: Option<&str>,
) -> resource::ReservationInfo {
    let mut info = resource::ReservationInfo {
        role: Some(role.into()),
        principal: principal.map(Into::into),
        ..Default::default()
    };
    info.set_type(kind);
    info
}

/// 4 CPUs statically reserved for `analytics`, refined by a dynamic
/// reservation for `analytics/batch`.
fn sample_resource() -> Resource {
    let mut resource = Resource {
        name: "cpus".into(),
        scalar: Some(value::Scalar { value: 4.0 }),
        reservations: vec![
            reservation(resource::reservation_info::Type::Static, "analytics", None),
            {
                let mut r = reservation(
                    resource::reservation_info::Type::Dynamic,
                    "analytics/batch",
                    Some("analytics-principal"),
                );
                r.labels = Some(labels(&[("purpose", "nightly")]));
                r
            },
        ],
        allocation_info: Some(resource::AllocationInfo {
            role: Some("analytics/batch".into()),
        }),
        ..Default::default()
    };
    resource.set_type(value::Type::Scalar);
    resource
}

fn sample_reserve_operation() -> offer::Operation {
    let mut operation = offer::Operation {
        id: Some(OperationId {
            value: "reserve-1".into(),
        }),
        reserve: Some(offer::operation::Reserve {
            resources: vec![sample_resource()],
            ..Default::default()
        }),
        ..Default::default()
    };
    operation.set_type(offer::operation::Type::Reserve);
    operation
}

#[test]
fn framework_info_round_trip() {
    let info = sample_framework_info();
    assert_round_trip(&info);
    let decoded = FrameworkInfo::decode(info.encode_to_vec().as_slice()).unwrap();
    let kinds: Vec<_> = decoded.capabilities.iter().map(|c| c.r#type()).collect();
    assert_eq!(
        kinds,
        [
            framework_info::capability::Type::MultiRole,
            framework_info::capability::Type::ReservationRefinement
        ]
    );
    assert_eq!(decoded.roles, ["analytics", "analytics/batch"]);
    // Unset optional fields report the schema defaults.
    assert_eq!(FrameworkInfo::default().role(), "*");
    assert_eq!(FrameworkInfo::default().failover_timeout(), 0.0);
}

#[test]
fn resource_with_reservation_stack_round_trip() {
    let resource = sample_resource();
    assert_round_trip(&resource);
    let decoded = Resource::decode(resource.encode_to_vec().as_slice()).unwrap();
    assert_eq!(decoded.r#type(), value::Type::Scalar);
    let stack: Vec<_> = decoded
        .reservations
        .iter()
        .map(|r| (r.r#type(), r.role()))
        .collect();
    assert_eq!(
        stack,
        [
            (resource::reservation_info::Type::Static, "analytics"),
            (resource::reservation_info::Type::Dynamic, "analytics/batch"),
        ]
    );
}

#[test]
fn offer_operation_reserve_round_trip() {
    let operation = sample_reserve_operation();
    assert_round_trip(&operation);
    let decoded = offer::Operation::decode(operation.encode_to_vec().as_slice()).unwrap();
    assert_eq!(decoded.r#type(), offer::operation::Type::Reserve);
    assert_eq!(decoded.reserve.unwrap().resources, [sample_resource()]);

    // Other commonly used types still encode/decode.
    assert_round_trip(&OfferId {
        value: "offer-1".into(),
    });
    assert_round_trip(&Value {
        r#type: value::Type::Ranges as i32,
        ranges: Some(value::Ranges {
            range: vec![value::Range {
                begin: 31000,
                end: 32000,
            }],
        }),
        ..Default::default()
    });
}

#[test]
fn generated_types_agree_with_schema() {
    let pools = std::iter::once(("ours", our_pool()))
        .chain(upstream_pool().map(|(_, pool)| ("upstream", pool)));
    for (which, pool) in pools {
        eprintln!("cross-checking sample messages against the {which} schema");
        cross_check(&pool, "mesos.FrameworkInfo", &sample_framework_info());
        cross_check(&pool, "mesos.Resource", &sample_resource());
        cross_check(&pool, "mesos.Offer.Operation", &sample_reserve_operation());
    }
}
