//! Comparison of our protobuf schema with upstream Mesos's, and the
//! round-trip checks, shared by the schema suite's `proto` (package
//! `mesos`) and `proto_v1` (packages `mesos.v1*`).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use prost::Message;
use prost_reflect::{
    DescriptorPool, DynamicMessage, EnumDescriptor, FieldDescriptor, Kind, MessageDescriptor,
};

/// Our schema's include directory (`proto/`).
pub fn our_proto_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("proto")
}

/// Finds the include directory holding the upstream `marker` file (e.g.
/// `mesos/mesos.proto`): `$MESOS_PROTO_DIR` (which must hold it), then
/// `$MESOS_HOME/include`, `/opt/mesos/include`, `/usr/local/include`,
/// `/usr/include`.
pub fn upstream_include_dir(marker: &str) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("MESOS_PROTO_DIR") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.join(marker).is_file(),
            "MESOS_PROTO_DIR={} does not contain {marker}",
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
        .find(|dir| dir.join(marker).is_file())
}

/// Parses `files` (relative to `include`) into a descriptor pool.
pub fn compile(include: &Path, files: &[&str]) -> Result<DescriptorPool, String> {
    let mut compiler = protox::Compiler::new([include]).map_err(|e| format!("{e:?}"))?;
    for file in files {
        compiler
            .open_file(include.join(file))
            .map_err(|e| format!("{file}: {e:?}"))?;
    }
    Ok(compiler.descriptor_pool())
}

/// Everything about a field that matters on the wire or for generated code.
#[derive(Debug, PartialEq)]
pub struct FieldShape {
    pub number: i32,
    pub label: String,
    pub kind: String,
    pub default: Option<String>,
    pub oneof: Option<String>,
    pub packed: bool,
}

pub fn field_shape(field: &FieldDescriptor) -> FieldShape {
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

pub fn field_shapes(message: &MessageDescriptor) -> BTreeMap<String, FieldShape> {
    message
        .fields()
        .map(|f| (f.name().to_owned(), field_shape(&f)))
        .collect()
}

/// Full names of all messages and enums reachable from `roots` through field
/// types and nesting.
pub fn reachable(pool: &DescriptorPool, roots: &[&str]) -> BTreeSet<String> {
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

/// What [`compare`] found.
pub struct Comparison {
    /// One line per difference; empty when the schemas agree.
    pub problems: Vec<String>,
    pub compared_messages: usize,
    pub compared_enums: usize,
    /// Upstream types reachable from the roots.
    pub needed: BTreeSet<String>,
}

/// Compares `ours` with `upstream`: every message and enum of ours (whose
/// package `in_scope` accepts) must exist upstream with exactly the same
/// fields (name, number, label, type, default, oneof, packing), values and
/// reserved numbers and names, and every upstream type reachable from
/// `roots` must exist in ours.
pub fn compare(
    ours: &DescriptorPool,
    upstream: &DescriptorPool,
    roots: &[&str],
    in_scope: &dyn Fn(&str) -> bool,
) -> Comparison {
    let mut problems = Vec::new();

    // Every message of ours exists upstream with exactly the same fields.
    let mut compared_messages = 0;
    for message in ours.all_messages() {
        let name = message.full_name();
        if !in_scope(message.package_name()) {
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
        if !in_scope(enum_.package_name()) {
            continue;
        }
        let Some(theirs) = upstream.get_enum_by_name(name) else {
            problems.push(format!("enum {name} does not exist upstream"));
            continue;
        };
        compared_enums += 1;
        let values = |e: &EnumDescriptor| {
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
        let reserved = |e: &EnumDescriptor| {
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

    // Everything reachable from the roots is mirrored. A root upstream
    // lacks is one of ours it does not have (a later release's, against an
    // older Mesos: see `split_newer`).
    let (present, absent): (Vec<&str>, Vec<&str>) = roots.iter().partition(|root| {
        upstream.get_message_by_name(root).is_some() || upstream.get_enum_by_name(root).is_some()
    });
    for root in absent {
        problems.push(format!("root {root} does not exist upstream"));
    }
    let needed = reachable(upstream, &present);
    for name in &needed {
        if ours.get_message_by_name(name).is_none() && ours.get_enum_by_name(name).is_none() {
            problems.push(format!("{name} (reachable from the roots) is missing"));
        }
    }

    Comparison {
        problems,
        compared_messages,
        compared_enums,
        needed,
    }
}

/// The Mesos whose `.proto` files the schema mirrors (the 1.12.0
/// development snapshot), as `(major, minor)`.
pub const SCHEMA_MESOS: (u32, u32) = (1, 12);

/// Fields an older Mesos declares `required` and a later one made
/// optional, with the release that did: the schema follows the later one.
/// Against an older Mesos they differ in label only, and what is sent to
/// it must set them (docs/compatibility.md says so).
pub const RELAXED_LATER: &[(&str, (u32, u32))] = &[("CSIPluginInfo.name", (1, 11))];

/// Whether the Mesos whose headers are under `include` is older than the
/// one the schema mirrors (what it lacks is then no problem: see
/// [`split_newer`]).
pub fn older_than_schema(include: &Path) -> bool {
    upstream_version(include).is_some_and(|version| version < SCHEMA_MESOS)
}

/// The `(major, minor)` of the Mesos whose headers are under `include`,
/// from `mesos/version.hpp`; `None` when it does not say.
pub fn upstream_version(include: &Path) -> Option<(u32, u32)> {
    let header = std::fs::read_to_string(include.join("mesos/version.hpp")).ok()?;
    let number = |name: &str| {
        header.lines().find_map(|line| {
            let rest = line.strip_prefix("#define ")?.strip_prefix(name)?;
            rest.trim().parse::<u32>().ok()
        })
    };
    Some((
        number("MESOS_MAJOR_VERSION_NUM")?,
        number("MESOS_MINOR_VERSION_NUM")?,
    ))
}

/// Against a Mesos older than [`SCHEMA_MESOS`], what our schema has and
/// upstream lacks is what later releases added (fields, values, messages),
/// which an older Mesos skips on the wire: those lines move out of
/// `problems` into the list returned. What upstream has and ours lacks, or
/// has differently, stays a problem. Against the schema's own Mesos or a
/// newer one (or one that does not say), nothing moves.
pub fn split_newer(problems: &mut Vec<String>, include: &Path) -> Vec<String> {
    let Some(version) = upstream_version(include).filter(|version| *version < SCHEMA_MESOS) else {
        return Vec::new();
    };
    let relaxed_since = |line: &str| {
        RELAXED_LATER.iter().any(|(field, since)| {
            version < *since
                && [
                    format!("mesos.{field} differs"),
                    format!("mesos.v1.{field} differs"),
                ]
                .iter()
                .any(|start| line.starts_with(start.as_str()))
        })
    };
    let (newer, rest): (Vec<String>, Vec<String>) = problems.drain(..).partition(|line| {
        line.ends_with(" does not exist upstream")
            || line.ends_with(" not upstream")
            || relaxed_since(line)
    });
    *problems = rest;
    newer
}

/// Says what [`split_newer`] set aside, so a run against an older Mesos
/// shows what its schema lacks.
pub fn report_newer(newer: &[String], include: &Path) {
    if newer.is_empty() {
        return;
    }
    let (major, minor) = SCHEMA_MESOS;
    eprintln!(
        "schema: {} addition(s) up to Mesos {major}.{minor} that the older Mesos in {} lacks \
         (not problems: it skips them on the wire):\n  {}",
        newer.len(),
        include.display(),
        newer.join("\n  ")
    );
}

// ---------------------------------------------------------------------------
// Round trips.

/// Encodes `message`, decodes it back and checks nothing changed; returns the
/// bytes.
pub fn assert_round_trip<M: Message + Default + PartialEq + std::fmt::Debug>(
    message: &M,
) -> Vec<u8> {
    let bytes = message.encode_to_vec();
    assert_eq!(bytes.len(), message.encoded_len());
    let decoded = M::decode(bytes.as_slice()).expect("decode");
    assert_eq!(&decoded, message);
    // Re-encoding what was decoded must give the identical bytes: nothing was
    // dropped as an unknown field or lost in conversion.
    assert_eq!(decoded.encode_to_vec(), bytes);
    bytes
}

/// Fails if `message` (or any message nested in it) carries fields the
/// descriptor does not know.
pub fn assert_no_unknown_fields(message: &DynamicMessage, path: &str) {
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
pub fn cross_check<M: Message + Default + PartialEq + std::fmt::Debug>(
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
