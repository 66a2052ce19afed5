//! Helpers for a single [`Resource`] message: constructors, predicates,
//! validation, and the identity rules that decide which resources merge.

use crate::proto::resource::disk_info::source::Type as SourceType;
use crate::proto::resource::disk_info::Source;
use crate::proto::resource::reservation_info::Type as ReservationType;
use crate::proto::resource::{AllocationInfo, DiskInfo, ReservationInfo};
use crate::proto::value::{self, Range, Ranges, Scalar, Set};
use crate::proto::{Labels, Resource};

use super::error::ResourcesError;
use super::roles::{self, UNRESERVED_ROLE};
use super::values;

/// A scalar resource such as `cpus:0.5`, unreserved.
///
/// ```
/// let cpus = mesos_native::resources::scalar("cpus", 0.5);
/// assert_eq!(cpus.scalar.unwrap().value, 0.5);
/// ```
pub fn scalar(name: &str, value: f64) -> Resource {
    let mut resource = Resource {
        name: name.to_owned(),
        scalar: Some(Scalar { value }),
        ..Default::default()
    };
    resource.set_type(value::Type::Scalar);
    resource
}

/// A ranges resource such as `ports:[31000-32000]`, unreserved; each item
/// is an inclusive `(begin, end)` interval.
///
/// ```
/// let ports = mesos_native::resources::ranges("ports", [(31000, 31009), (31010, 32000)]);
/// assert_eq!(ports.ranges.unwrap().range.len(), 2);
/// ```
pub fn ranges(name: &str, intervals: impl IntoIterator<Item = (u64, u64)>) -> Resource {
    let mut resource = Resource {
        name: name.to_owned(),
        ranges: Some(Ranges {
            range: intervals
                .into_iter()
                .map(|(begin, end)| Range { begin, end })
                .collect(),
        }),
        ..Default::default()
    };
    resource.set_type(value::Type::Ranges);
    resource
}

/// A set resource such as `gpu_ids:{a,b}`, unreserved.
///
/// ```
/// let ids = mesos_native::resources::set("gpu_ids", ["a", "b"]);
/// assert_eq!(ids.set.unwrap().item, ["a", "b"]);
/// ```
pub fn set<S: Into<String>>(name: &str, items: impl IntoIterator<Item = S>) -> Resource {
    let mut resource = Resource {
        name: name.to_owned(),
        set: Some(Set {
            item: items.into_iter().map(Into::into).collect(),
        }),
        ..Default::default()
    };
    resource.set_type(value::Type::Set);
    resource
}

/// The role of the resource's current (top-most) reservation, or `None`
/// for an unreserved resource.
///
/// In the "post-reservation-refinement" format this is the role of the last
/// element of `Resource.reservations`. A resource still in the deprecated
/// "pre-reservation-refinement" format (no `reservations`, `Resource.role`
/// set to something other than `*`) yields `Resource.role`.
///
/// ```
/// use mesos_native::resources::{reservation_role, Resources};
///
/// let reserved: Resources = "cpus(tenant1):1".parse().unwrap();
/// let cpus = reserved.iter().next().unwrap();
/// assert_eq!(reservation_role(cpus), Some("tenant1"));
/// ```
pub fn reservation_role(resource: &Resource) -> Option<&str> {
    match resource.reservations.last() {
        Some(reservation) => Some(reservation.role()),
        None => legacy_role(resource),
    }
}

/// `Resource.role` when it names a reservation (pre-refinement format).
#[allow(deprecated)]
fn legacy_role(resource: &Resource) -> Option<&str> {
    resource
        .role
        .as_deref()
        .filter(|role| *role != UNRESERVED_ROLE)
}

/// Whether the resource is reserved, to `role` exactly when a role is given
/// (the role of the top reservation is compared), to anyone otherwise.
pub fn is_reserved(resource: &Resource, role: Option<&str>) -> bool {
    match (reservation_role(resource), role) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(current), Some(wanted)) => current == wanted,
    }
}

/// Whether the resource carries no reservation.
pub fn is_unreserved(resource: &Resource) -> bool {
    reservation_role(resource).is_none()
}

/// Whether the top reservation of the resource is `DYNAMIC`.
#[allow(deprecated)]
pub fn is_dynamically_reserved(resource: &Resource) -> bool {
    match resource.reservations.last() {
        Some(top) => top.r#type() == ReservationType::Dynamic,
        None => legacy_role(resource).is_some() && resource.reservation.is_some(),
    }
}

/// Whether the resource's reservation stack has more than one level.
pub fn has_refined_reservations(resource: &Resource) -> bool {
    resource.reservations.len() > 1
}

/// Whether the resource may be offered to a framework in `role`: it is
/// unreserved, or reserved to `role` itself or to one of its ancestors.
///
/// Resources reserved to `tenant1/private` are allocatable to
/// `tenant1/private` and to `tenant1/private/test-framework`, but not to
/// `tenant1` or `tenant1/public`.
pub fn is_allocatable_to(resource: &Resource, role: &str) -> bool {
    match reservation_role(resource) {
        None => true,
        Some(reserved) => roles::is_self_or_descendant(role, reserved),
    }
}

/// Whether the resource is reserved to `role` or to one of its ancestors
/// (unlike [`is_allocatable_to`], unreserved resources do not qualify).
pub fn is_reserved_to_role_or_ancestor(resource: &Resource, role: &str) -> bool {
    reservation_role(resource).is_some_and(|reserved| roles::is_self_or_descendant(role, reserved))
}

/// Whether the resource is allocated to exactly `role`
/// (`Resource.allocation_info.role`).
pub fn is_allocated_to(resource: &Resource, role: &str) -> bool {
    resource
        .allocation_info
        .as_ref()
        .and_then(|info| info.role.as_deref())
        == Some(role)
}

/// Whether the resource is a persistent volume (a disk with
/// `disk.persistence` set).
pub fn is_persistent_volume(resource: &Resource) -> bool {
    resource
        .disk
        .as_ref()
        .is_some_and(|disk| disk.persistence.is_some())
}

/// Whether the resource is revocable (`Resource.revocable` set).
pub fn is_revocable(resource: &Resource) -> bool {
    resource.revocable.is_some()
}

/// Whether the resource is shared (`Resource.shared` set).
pub fn is_shared(resource: &Resource) -> bool {
    resource.shared.is_some()
}

/// Converts a resource from the deprecated "pre-reservation-refinement"
/// format (`Resource.role` and `Resource.reservation`) to the
/// "post-reservation-refinement" format (`Resource.reservations`), in place.
///
/// A resource already in the new format only has the deprecated fields
/// cleared. [`Resources`](super::Resources) applies this to everything it
/// stores, so resources offered to frameworks without the
/// `RESERVATION_REFINEMENT` capability can be used too.
///
/// ```
/// # #![allow(deprecated)]
/// use mesos_native::resources::{reservation_role, scalar, upgrade_format};
///
/// let mut cpus = scalar("cpus", 1.0);
/// cpus.role = Some("tenant1".to_owned());
/// upgrade_format(&mut cpus);
/// assert_eq!(cpus.role, None);
/// assert_eq!(cpus.reservations.len(), 1);
/// assert_eq!(reservation_role(&cpus), Some("tenant1"));
/// ```
#[allow(deprecated)]
pub fn upgrade_format(resource: &mut Resource) {
    if !resource.reservations.is_empty() {
        resource.role = None;
        resource.reservation = None;
        return;
    }

    let role = match resource.role.take() {
        None => return,
        Some(role) if role == UNRESERVED_ROLE => return,
        Some(role) => role,
    };

    let mut reservation = match resource.reservation.take() {
        None => {
            let mut info = ReservationInfo::default();
            info.set_type(ReservationType::Static);
            info
        }
        Some(mut info) => {
            info.set_type(ReservationType::Dynamic);
            info
        }
    };
    reservation.role = Some(role);
    resource.reservations.push(reservation);
}

/// Checks that a resource is a valid Mesos resource, in either reservation
/// format; this is the check the master applies to every resource it
/// receives.
///
/// ```
/// use mesos_native::resources::{scalar, validate};
///
/// assert!(validate(&scalar("cpus", 1.0)).is_ok());
/// assert!(validate(&scalar("cpus", -1.0)).is_err());
/// assert!(validate(&scalar("", 1.0)).is_err());
/// ```
pub fn validate(resource: &Resource) -> Result<(), ResourcesError> {
    let fail = |reason: String| {
        Err(ResourcesError::InvalidResource {
            name: resource.name.clone(),
            reason,
        })
    };

    if resource.name.is_empty() {
        return fail("the resource name is empty; name it, e.g. 'cpus'".to_owned());
    }

    let (has_scalar, has_ranges, has_set) = (
        resource.scalar.is_some(),
        resource.ranges.is_some(),
        resource.set.is_some(),
    );
    match value::Type::try_from(resource.r#type) {
        Ok(value::Type::Scalar) => {
            let Some(scalar) = resource.scalar.as_ref().filter(|_| !has_ranges && !has_set) else {
                return fail("a SCALAR resource must set 'scalar' and only 'scalar'".to_owned());
            };
            if !scalar.value.is_finite() {
                return fail(format!("scalar value {} is not finite", scalar.value));
            }
            if scalar.value != 0.0 && values::to_fixed(scalar.value) <= 0 {
                return fail(format!(
                    "scalar value {} is negative or rounds to zero \
                     (Mesos keeps three decimals)",
                    scalar.value
                ));
            }
        }
        Ok(value::Type::Ranges) => {
            let Some(ranges) = resource.ranges.as_ref().filter(|_| !has_scalar && !has_set) else {
                return fail("a RANGES resource must set 'ranges' and only 'ranges'".to_owned());
            };
            if let Some(range) = ranges.range.iter().find(|r| r.begin > r.end) {
                return fail(format!(
                    "range [{}-{}] begins after it ends",
                    range.begin, range.end
                ));
            }
            let mut sorted: Vec<&Range> = ranges.range.iter().collect();
            sorted.sort_by_key(|r| (r.begin, r.end));
            if let Some(pair) = sorted.windows(2).find(|pair| pair[1].begin <= pair[0].end) {
                return fail(format!(
                    "ranges [{}-{}] and [{}-{}] overlap",
                    pair[0].begin, pair[0].end, pair[1].begin, pair[1].end
                ));
            }
        }
        Ok(value::Type::Set) => {
            let Some(set) = resource.set.as_ref().filter(|_| !has_scalar && !has_ranges) else {
                return fail("a SET resource must set 'set' and only 'set'".to_owned());
            };
            if let Some(item) = values::set_duplicate(set) {
                return fail(format!("set item '{item}' appears twice"));
            }
        }
        Ok(other) => {
            return fail(format!(
                "resources cannot be of type {}; use SCALAR, RANGES or SET",
                other.as_str_name()
            ))
        }
        Err(_) => return fail(format!("unknown value type {}", resource.r#type)),
    }

    if let Some(disk) = &resource.disk {
        if resource.name != "disk" {
            return fail("only 'disk' resources may carry DiskInfo".to_owned());
        }
        if let Some(source) = &disk.source {
            match SourceType::try_from(source.r#type) {
                Ok(SourceType::Path) | Ok(SourceType::Mount) => {}
                Ok(kind @ (SourceType::Block | SourceType::Raw)) => {
                    if source.mount.is_some() || source.path.is_some() {
                        return fail(format!(
                            "a {} disk source cannot set 'mount' or 'path'",
                            kind.as_str_name()
                        ));
                    }
                }
                _ => return fail("the disk source type is UNKNOWN".to_owned()),
            }
        }
    }

    validate_reservations(resource).or_else(fail)?;

    if resource.shared.is_some() && !(resource.name == "disk" && is_persistent_volume(resource)) {
        return fail("only persistent volumes can be shared".to_owned());
    }

    Ok(())
}

/// The reservation-format part of [`validate`]; returns the reason on error.
#[allow(deprecated)]
fn validate_reservations(resource: &Resource) -> Result<(), String> {
    if resource.reservations.is_empty() {
        // "Pre-reservation-refinement" format.
        roles::is_valid_role(resource.role()).map_err(|e| e.to_string())?;
        if let Some(reservation) = &resource.reservation {
            if reservation.r#type.is_some() || reservation.role.is_some() {
                return Err(
                    "'reservation.type' and 'reservation.role' must not be set in \
                            the deprecated 'Resource.reservation' field"
                        .to_owned(),
                );
            }
            if resource.role() == UNRESERVED_ROLE {
                return Err("role '*' cannot be dynamically reserved".to_owned());
            }
        }
        return Ok(());
    }

    let mut ancestor: Option<&str> = None;
    for reservation in &resource.reservations {
        let Some(role) = reservation.role.as_deref() else {
            return Err("every reservation must set 'role'".to_owned());
        };
        roles::is_valid_role(role).map_err(|e| e.to_string())?;
        if role == UNRESERVED_ROLE {
            return Err("role '*' cannot be reserved".to_owned());
        }
        match reservation.r#type.map(ReservationType::try_from) {
            Some(Ok(ReservationType::Static)) if ancestor.is_some() => {
                return Err("a refined reservation cannot be STATIC".to_owned())
            }
            Some(Ok(ReservationType::Static | ReservationType::Dynamic)) => {}
            _ => return Err("every reservation must set 'type' to STATIC or DYNAMIC".to_owned()),
        }
        if let Some(parent) = ancestor {
            if !roles::is_strict_ancestor(parent, role) {
                return Err(format!(
                    "reservation role '{role}' is not a refinement of '{parent}'"
                ));
            }
        }
        ancestor = Some(role);
    }

    if let [single] = resource.reservations.as_slice() {
        if resource.role.is_some() && resource.role() != single.role() {
            return Err(format!(
                "'Resource.role' ('{}') does not match the reservation role ('{}')",
                resource.role(),
                single.role()
            ));
        }
        if single.r#type() == ReservationType::Static {
            if resource.reservation.is_some() {
                return Err("'Resource.reservation' must not be set for a STATIC \
                            reservation"
                    .to_owned());
            }
        } else if let Some(legacy) = &resource.reservation {
            if resource.role.is_none() {
                return Err(
                    "'Resource.role' and 'Resource.reservation' must be set together".to_owned(),
                );
            }
            if legacy.principal != single.principal
                || !option_eq(&legacy.labels, &single.labels, labels_eq)
            {
                return Err(
                    "'Resource.reservation' does not match 'Resource.reservations'".to_owned(),
                );
            }
        } else if resource.role.is_some() {
            return Err(
                "'Resource.role' and 'Resource.reservation' must be set together".to_owned(),
            );
        }
    } else if resource.role.is_some() || resource.reservation.is_some() {
        return Err(
            "'Resource.role' and 'Resource.reservation' must not be set when \
                    there are refined reservations"
                .to_owned(),
        );
    }

    Ok(())
}

// ---------------------------------------------------------------------------
// Identity: which resources are "the same kind" and may be merged.
// ---------------------------------------------------------------------------

fn option_eq<T>(left: &Option<T>, right: &Option<T>, eq: impl Fn(&T, &T) -> bool) -> bool {
    match (left, right) {
        (None, None) => true,
        (Some(left), Some(right)) => eq(left, right),
        _ => false,
    }
}

/// Labels are equal when they hold the same key/value pairs, in any order.
fn labels_eq(left: &Labels, right: &Labels) -> bool {
    let has = |labels: &Labels, wanted: &crate::proto::Label| {
        labels
            .labels
            .iter()
            .any(|label| label.key == wanted.key && label.value() == wanted.value())
    };
    left.labels.len() == right.labels.len()
        && left.labels.iter().all(|label| has(right, label))
        && right.labels.iter().all(|label| has(left, label))
}

fn allocation_eq(left: &AllocationInfo, right: &AllocationInfo) -> bool {
    left.role == right.role
}

pub(crate) fn reservation_eq(left: &ReservationInfo, right: &ReservationInfo) -> bool {
    left.r#type() == right.r#type()
        && left.role() == right.role()
        && left.principal == right.principal
        && option_eq(&left.labels, &right.labels, labels_eq)
}

fn source_eq(left: &Source, right: &Source) -> bool {
    left.r#type == right.r#type
        && option_eq(&left.path, &right.path, |l, r| l.root == r.root)
        && option_eq(&left.mount, &right.mount, |l, r| l.root == r.root)
        && left.vendor == right.vendor
        && left.id == right.id
        && option_eq(&left.metadata, &right.metadata, labels_eq)
        && left.profile == right.profile
}

/// DiskInfo equality ignores `volume` (how a task mounts the disk) and the
/// persistence principal, as Mesos does.
fn disk_eq(left: &DiskInfo, right: &DiskInfo) -> bool {
    option_eq(&left.source, &right.source, source_eq)
        && option_eq(&left.persistence, &right.persistence, |l, r| l.id == r.id)
}

/// Same name, type, allocation, reservation stack, disk, revocability,
/// provider and sharedness: everything but the value.
pub(crate) fn same_identity(left: &Resource, right: &Resource) -> bool {
    left.name == right.name
        && left.r#type == right.r#type
        && option_eq(&left.allocation_info, &right.allocation_info, allocation_eq)
        && left.reservations.len() == right.reservations.len()
        && left
            .reservations
            .iter()
            .zip(&right.reservations)
            .all(|(l, r)| reservation_eq(l, r))
        && option_eq(&left.disk, &right.disk, |l, r| disk_eq(l, r))
        && left.revocable.is_some() == right.revocable.is_some()
        && left.provider_id == right.provider_id
        && left.shared.is_some() == right.shared.is_some()
}

/// Equal values, with Mesos's scalar rounding and order-insensitive
/// ranges and sets.
fn value_eq(left: &Resource, right: &Resource) -> bool {
    match value::Type::try_from(left.r#type) {
        Ok(value::Type::Scalar) => {
            values::to_fixed(scalar_value(left)) == values::to_fixed(scalar_value(right))
        }
        Ok(value::Type::Ranges) => values::ranges_eq(ranges_value(left), ranges_value(right)),
        Ok(value::Type::Set) => values::set_eq(set_value(left), set_value(right)),
        _ => false,
    }
}

/// Full equality in Mesos's sense: same identity and same value.
pub(crate) fn resource_eq(left: &Resource, right: &Resource) -> bool {
    same_identity(left, right) && value_eq(left, right)
}

/// Whether the disk of a resource is exclusive (MOUNT or BLOCK), or a RAW
/// disk with an identity: such disks cannot be split or merged.
fn indivisible_disk(resource: &Resource) -> bool {
    let Some(source) = resource.disk.as_ref().and_then(|d| d.source.as_ref()) else {
        return false;
    };
    match SourceType::try_from(source.r#type) {
        Ok(SourceType::Mount | SourceType::Block) => true,
        Ok(SourceType::Raw) => source.id.is_some(),
        _ => false,
    }
}

/// Whether `left + right` can be represented by a single resource.
pub(crate) fn addable(left: &Resource, right: &Resource) -> bool {
    if left.shared.is_some() != right.shared.is_some() {
        return false;
    }
    if left.shared.is_some() {
        return resource_eq(left, right);
    }
    same_identity(left, right) && !indivisible_disk(left) && !is_persistent_volume(left)
}

/// Whether `right` can be taken out of `left` leaving a single resource.
pub(crate) fn subtractable(left: &Resource, right: &Resource) -> bool {
    if left.shared.is_some() != right.shared.is_some() {
        return false;
    }
    if left.shared.is_some() {
        return resource_eq(left, right);
    }
    if !same_identity(left, right) {
        return false;
    }
    if indivisible_disk(left) || is_persistent_volume(left) {
        return value_eq(left, right);
    }
    true
}

/// Whether `left` holds all of `right` (a single-resource comparison).
pub(crate) fn contains(left: &Resource, right: &Resource) -> bool {
    if !subtractable(left, right) {
        return false;
    }
    match value::Type::try_from(left.r#type) {
        Ok(value::Type::Scalar) => {
            values::to_fixed(scalar_value(right)) <= values::to_fixed(scalar_value(left))
        }
        Ok(value::Type::Ranges) => values::ranges_contains(ranges_value(left), ranges_value(right)),
        Ok(value::Type::Set) => values::set_contains(set_value(left), set_value(right)),
        _ => false,
    }
}

/// Whether the value is zero / has no range / has no item.
pub(crate) fn value_is_empty(resource: &Resource) -> bool {
    match value::Type::try_from(resource.r#type) {
        Ok(value::Type::Scalar) => values::to_fixed(scalar_value(resource)) == 0,
        Ok(value::Type::Ranges) => resource.ranges.as_ref().is_none_or(|r| r.range.is_empty()),
        Ok(value::Type::Set) => resource.set.as_ref().is_none_or(|s| s.item.is_empty()),
        _ => false,
    }
}

/// Adds `right`'s value to `left` (which must be addable).
pub(crate) fn add_value(left: &mut Resource, right: &Resource) {
    match value::Type::try_from(left.r#type) {
        Ok(value::Type::Scalar) => {
            let sum = values::scalar_add(
                &Scalar {
                    value: scalar_value(left),
                },
                &Scalar {
                    value: scalar_value(right),
                },
            );
            left.scalar = Some(sum);
        }
        Ok(value::Type::Ranges) => {
            left.ranges = Some(values::ranges_add(ranges_value(left), ranges_value(right)));
        }
        Ok(value::Type::Set) => {
            left.set = Some(values::set_add(set_value(left), set_value(right)));
        }
        _ => {}
    }
}

/// Takes `right`'s value out of `left` (which must be subtractable).
pub(crate) fn sub_value(left: &mut Resource, right: &Resource) {
    match value::Type::try_from(left.r#type) {
        Ok(value::Type::Scalar) => {
            let diff = values::scalar_sub(
                &Scalar {
                    value: scalar_value(left),
                },
                &Scalar {
                    value: scalar_value(right),
                },
            );
            left.scalar = Some(diff);
        }
        Ok(value::Type::Ranges) => {
            left.ranges = Some(values::ranges_sub(ranges_value(left), ranges_value(right)));
        }
        Ok(value::Type::Set) => {
            left.set = Some(values::set_sub(set_value(left), set_value(right)));
        }
        _ => {}
    }
}

/// Rounds scalars to three decimals and coalesces ranges.
pub(crate) fn normalize(resource: &mut Resource) {
    if let Some(scalar) = resource.scalar.as_mut() {
        scalar.value = values::round_scalar(scalar.value);
    }
    if let Some(ranges) = resource.ranges.as_mut() {
        values::coalesce(ranges);
    }
}

pub(crate) fn scalar_value(resource: &Resource) -> f64 {
    resource.scalar.map_or(0.0, |s| s.value)
}

static NO_RANGES: Ranges = Ranges { range: Vec::new() };
static NO_ITEMS: Set = Set { item: Vec::new() };

fn ranges_value(resource: &Resource) -> &Ranges {
    resource.ranges.as_ref().unwrap_or(&NO_RANGES)
}

fn set_value(resource: &Resource) -> &Set {
    resource.set.as_ref().unwrap_or(&NO_ITEMS)
}
