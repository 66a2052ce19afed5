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

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use mesos::proto::{
    framework_info, offer, resource, value, FrameworkInfo, Label, Labels, OfferId, OperationId,
    Resource, Value,
};
use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, FieldDescriptor, Kind, MessageDescriptor};

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

#[path = "support/skip.rs"]
mod skip;
use skip::required as require_upstream;

fn our_proto_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("proto")
}

/// Finds the include directory holding the upstream `mesos/mesos.proto`.
fn upstream_include_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("MESOS_PROTO_DIR") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.join(MESOS_PROTO).is_file(),
            "MESOS_PROTO_DIR={} does not contain {MESOS_PROTO}",
            dir.display()
        );
        return Some(dir);
    }
    let mut candidates = Vec::new();
    if let Some(home) = std::env::var_os("MESOS_HOME") {
        candidates.push(PathBuf::from(home).join("include"));
    }
    candidates.extend(
        ["/opt/mesos/include", "/usr/local/include", "/usr/include"]
            .iter()
            .map(PathBuf::from),
    );
    candidates
        .into_iter()
        .find(|dir| dir.join(MESOS_PROTO).is_file())
}

/// Parses `files` (relative to `include`) into a descriptor pool.
fn compile(include: &Path, files: &[&str]) -> Result<DescriptorPool, String> {
    let mut compiler = protox::Compiler::new([include]).map_err(|e| format!("{e:?}"))?;
    for file in files {
        compiler
            .open_file(include.join(file))
            .map_err(|e| format!("{file}: {e:?}"))?;
    }
    Ok(compiler.descriptor_pool())
}

fn our_pool() -> DescriptorPool {
    compile(&our_proto_dir(), &[MESOS_PROTO, SCHEDULER_PROTO])
        .unwrap_or_else(|e| panic!("our schema does not parse: {e}"))
}

/// Upstream schema, or `None` (after printing why) when it is not available
/// and not required.
fn upstream_pool() -> Option<(PathBuf, DescriptorPool)> {
    let Some(include) = upstream_include_dir() else {
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

/// Everything about a field that matters on the wire or for generated code.
#[derive(Debug, PartialEq)]
struct FieldShape {
    number: i32,
    label: String,
    kind: String,
    default: Option<String>,
    oneof: Option<String>,
    packed: bool,
}

fn field_shape(field: &FieldDescriptor) -> FieldShape {
    let proto = field.field_descriptor_proto();
    let kind = match field.kind() {
        Kind::Message(m) => format!("message {}", m.full_name()),
        Kind::Enum(e) => format!("enum {}", e.full_name()),
        other => format!("{other:?}"),
    };
    // Normalise floating-point defaults ("15" and "15.0" are the same value).
    let default = proto.default_value.as_ref().map(|d| match field.kind() {
        Kind::Double | Kind::Float => match d.parse::<f64>() {
            Ok(v) => format!("{v:?}"),
            Err(_) => d.clone(),
        },
        _ => d.clone(),
    });
    FieldShape {
        number: field.number() as i32,
        label: format!("{:?}", proto.label()),
        kind,
        default,
        oneof: field.containing_oneof().map(|o| o.name().to_owned()),
        packed: field.is_packed(),
    }
}

fn field_shapes(message: &MessageDescriptor) -> BTreeMap<String, FieldShape> {
    message
        .fields()
        .map(|f| (f.name().to_owned(), field_shape(&f)))
        .collect()
}

/// Full names of all messages and enums reachable from `roots` through field
/// types and nesting.
fn reachable(pool: &DescriptorPool, roots: &[&str]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<String> = roots.iter().map(|r| r.to_string()).collect();
    while let Some(name) = queue.pop_front() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(message) = pool.get_message_by_name(&name) {
            for field in message.fields() {
                match field.kind() {
                    Kind::Message(m) => queue.push_back(m.full_name().to_owned()),
                    Kind::Enum(e) => queue.push_back(e.full_name().to_owned()),
                    _ => {}
                }
            }
            queue.extend(message.child_messages().map(|m| m.full_name().to_owned()));
            queue.extend(message.child_enums().map(|e| e.full_name().to_owned()));
        } else {
            assert!(
                pool.get_enum_by_name(&name).is_some(),
                "root or referenced type {name} does not exist upstream"
            );
        }
    }
    seen
}

#[test]
fn schema_matches_upstream() {
    let ours = our_pool();
    let Some((include, upstream)) = upstream_pool() else {
        return;
    };
    let upstream_has_scheduler = upstream.get_file_by_name(SCHEDULER_PROTO).is_some();
    let mut problems = Vec::new();

    // Every message of ours exists upstream with exactly the same fields.
    let mut compared_messages = 0;
    for message in ours.all_messages() {
        let name = message.full_name();
        if message.package_name() != "mesos" && !upstream_has_scheduler {
            continue;
        }
        let Some(theirs) = upstream.get_message_by_name(name) else {
            problems.push(format!("message {name} does not exist upstream"));
            continue;
        };
        compared_messages += 1;
        let (our_fields, their_fields) = (field_shapes(&message), field_shapes(&theirs));
        for (field, shape) in &their_fields {
            match our_fields.get(field) {
                None => problems.push(format!("{name}.{field} is missing: upstream {shape:?}")),
                Some(ours) if ours != shape => problems.push(format!(
                    "{name}.{field} differs: ours {ours:?}, upstream {shape:?}"
                )),
                Some(_) => {}
            }
        }
        for field in our_fields.keys() {
            if !their_fields.contains_key(field) {
                problems.push(format!("{name}.{field} does not exist upstream"));
            }
        }
        let ranges = |m: &MessageDescriptor| {
            let p = m.descriptor_proto();
            let numbers: Vec<_> = p
                .reserved_range
                .iter()
                .map(|r| (r.start(), r.end()))
                .collect();
            (numbers, p.reserved_name.clone())
        };
        if ranges(&message) != ranges(&theirs) {
            problems.push(format!("{name}: reserved numbers/names differ"));
        }
    }

    // Every enum of ours exists upstream with exactly the same values.
    let mut compared_enums = 0;
    for enum_ in ours.all_enums() {
        let name = enum_.full_name();
        if enum_.package_name() != "mesos" && !upstream_has_scheduler {
            continue;
        }
        let Some(theirs) = upstream.get_enum_by_name(name) else {
            problems.push(format!("enum {name} does not exist upstream"));
            continue;
        };
        compared_enums += 1;
        let values = |e: &prost_reflect::EnumDescriptor| {
            e.values()
                .map(|v| (v.name().to_owned(), v.number()))
                .collect::<BTreeSet<_>>()
        };
        let (our_values, their_values) = (values(&enum_), values(&theirs));
        for (value, number) in their_values.difference(&our_values) {
            problems.push(format!(
                "{name}: value {value} = {number} missing or different"
            ));
        }
        for (value, number) in our_values.difference(&their_values) {
            problems.push(format!("{name}: value {value} = {number} not upstream"));
        }
        let reserved = |e: &prost_reflect::EnumDescriptor| {
            let p = e.enum_descriptor_proto();
            let numbers: Vec<_> = p
                .reserved_range
                .iter()
                .map(|r| (r.start(), r.end()))
                .collect();
            (numbers, p.reserved_name.clone())
        };
        if reserved(&enum_) != reserved(&theirs) {
            problems.push(format!("{name}: reserved numbers/names differ"));
        }
    }

    // Everything reachable from the roots is mirrored.
    let roots: Vec<&str> = ROOTS
        .iter()
        .copied()
        .filter(|r| upstream_has_scheduler || !r.starts_with("mesos.scheduler."))
        .collect();
    let needed = reachable(&upstream, &roots);
    for name in &needed {
        if ours.get_message_by_name(name).is_none() && ours.get_enum_by_name(name).is_none() {
            problems.push(format!("{name} (reachable from the roots) is missing"));
        }
    }

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
        id: Some(mesos::proto::FrameworkId {
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

fn assert_round_trip<M: Message + Default + PartialEq + std::fmt::Debug>(message: &M) -> Vec<u8> {
    let bytes = message.encode_to_vec();
    assert_eq!(bytes.len(), message.encoded_len());
    let decoded = M::decode(bytes.as_slice()).expect("decode");
    assert_eq!(&decoded, message);
    // Re-encoding what was decoded must give the identical bytes: nothing was
    // dropped as an unknown field or lost in conversion.
    assert_eq!(decoded.encode_to_vec(), bytes);
    bytes
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

/// Fails if `message` (or any message nested in it) carries fields the
/// descriptor does not know.
fn assert_no_unknown_fields(message: &DynamicMessage, path: &str) {
    let unknown = message.unknown_fields().count();
    assert_eq!(unknown, 0, "{path}: {unknown} unknown field(s)");
    for (field, value) in message.fields() {
        let path = format!("{path}.{}", field.name());
        let mut check = |v: &prost_reflect::Value| {
            if let prost_reflect::Value::Message(m) = v {
                assert_no_unknown_fields(m, &path);
            }
        };
        match value {
            prost_reflect::Value::List(items) => items.iter().for_each(&mut check),
            prost_reflect::Value::Map(entries) => entries.values().for_each(&mut check),
            other => check(other),
        }
    }
}

/// Decodes bytes produced by the generated types with a schema-driven
/// decoder built from `pool`, checks every field is known, re-encodes the
/// dynamic message (in field-number order, as C++ protobuf does) and decodes
/// that back into the generated type.
fn cross_check<M: Message + Default + PartialEq + std::fmt::Debug>(
    pool: &DescriptorPool,
    full_name: &str,
    message: &M,
) {
    let descriptor = pool
        .get_message_by_name(full_name)
        .unwrap_or_else(|| panic!("{full_name} not in descriptor pool"));
    let dynamic = DynamicMessage::decode(descriptor, message.encode_to_vec().as_slice())
        .unwrap_or_else(|e| panic!("{full_name}: {e}"));
    assert_no_unknown_fields(&dynamic, full_name);
    let back = M::decode(dynamic.encode_to_vec().as_slice()).expect("decode re-encoded");
    assert_eq!(&back, message, "{full_name}");
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
