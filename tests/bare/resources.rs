//! Tests of `mesos_native::resources` and `mesos_native::operations`: arithmetic,
//! containment, filtering, the role hierarchy, reservation refinement and
//! the text parser, checked against the semantics of Mesos's own
//! `Resources` class.

#![allow(deprecated)] // `Resource.role` / `Resource.reservation` are exercised on purpose.

use mesos_native::operations;
use mesos_native::proto::offer::operation::Type as OperationType;
use mesos_native::proto::resource::disk_info::Persistence;
use mesos_native::proto::resource::reservation_info::Type as ReservationType;
use mesos_native::proto::resource::{AllocationInfo, DiskInfo, ReservationInfo, RevocableInfo};
use mesos_native::proto::{Label, Labels, Resource};
use mesos_native::resources::roles::{self, RoleErrorKind};
use mesos_native::resources::{
    self, dynamic_reservation, reservation_role, scalar, static_reservation, Resources,
    ResourcesError,
};

fn res(text: &str) -> Resources {
    Resources::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
}

/// `(begin, end)` pairs of a ranges value.
fn pairs(ranges: &mesos_native::proto::value::Ranges) -> Vec<(u64, u64)> {
    ranges.range.iter().map(|r| (r.begin, r.end)).collect()
}

/// Resources reserved to `first`, then refined through `refinements`.
fn reserved_chain(text: &str, first: &str, refinements: &[&str]) -> Resources {
    let mut result = res(text).refine(first, "ops").unwrap();
    for role in refinements {
        result = result.refine(role, "ops").unwrap();
    }
    result
}

fn single(resources: &Resources) -> &Resource {
    assert_eq!(
        resources.len(),
        1,
        "expected a single resource in {resources}"
    );
    resources.iter().next().unwrap()
}

// ---------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------

#[test]
fn scalars_add_and_subtract() {
    let sum = res("cpus:1;mem:512") + res("cpus:2;mem:512;disk:10");
    assert_eq!(sum.cpus(), Some(3.0));
    assert_eq!(sum.mem(), Some(1024.0));
    assert_eq!(sum.disk(), Some(10.0));
    assert_eq!(sum.len(), 3);

    let left = &sum - &res("cpus:0.5;mem:1000");
    assert_eq!(left.cpus(), Some(2.5));
    assert_eq!(left.mem(), Some(24.0));
    assert_eq!(left.gpus(), None);
}

#[test]
fn scalars_use_three_decimals() {
    // 0.1 + 0.2 is exactly 0.3, as Mesos computes in fixed point.
    let r = Resources::from(scalar("cpus", 0.1)) + scalar("cpus", 0.2);
    assert_eq!(r.cpus(), Some(0.3));

    // Ten additions of 0.1 make exactly 1.
    let mut total = Resources::new();
    for _ in 0..10 {
        total += scalar("cpus", 0.1);
    }
    assert_eq!(total.cpus(), Some(1.0));
    assert_eq!(total, res("cpus:1"));

    // Extra precision is rounded away, halves away from zero.
    assert_eq!(res("cpus:1.23456").cpus(), Some(1.235));
    assert_eq!(res("cpus:0.0005").cpus(), Some(0.001));
    assert_eq!(res("mem:1.0004").mem(), Some(1.0));

    // 1 - 0.999 leaves exactly one thousandth.
    assert_eq!((res("cpus:1") - res("cpus:0.999")).cpus(), Some(0.001));

    // Values that differ below the third decimal are equal.
    assert_eq!(res("cpus:0.1001"), res("cpus:0.1"));
    assert!(res("cpus:0.1").contains(&res("cpus:0.1004")));
}

#[test]
fn scalar_that_rounds_to_zero_is_invalid() {
    // Mesos rejects a non-zero value that its fixed point turns into zero.
    assert!(Resources::parse("cpus:0.0004").is_err());
    assert!(resources::validate(&scalar("cpus", 0.0004)).is_err());
    assert!(Resources::from(scalar("cpus", 0.0004)).is_empty());
    // Zero itself is valid, and empty.
    assert!(res("cpus:0").is_empty());
}

#[test]
fn subtraction_drops_exhausted_and_negative_scalars() {
    assert!((res("cpus:1") - res("cpus:1")).is_empty());
    // Taking more than there is removes the resource (no negative values).
    let r = res("cpus:1;mem:10") - res("cpus:2");
    assert_eq!(r.cpus(), None);
    assert_eq!(r, res("mem:10"));
    // Taking something that is not there changes nothing.
    assert_eq!(res("cpus:1") - res("gpus:1"), res("cpus:1"));
    assert_eq!(res("cpus:1") - res("cpus(r):1"), res("cpus:1"));
}

#[test]
fn assign_operators_and_single_resources() {
    let mut r = Resources::new();
    r += scalar("cpus", 1.0);
    r += &scalar("cpus", 1.0);
    r += res("mem:64");
    r += &res("mem:64");
    assert_eq!(r, res("cpus:2;mem:128"));

    r -= scalar("cpus", 0.5);
    r -= &scalar("mem", 28.0);
    r -= res("cpus:0.5");
    r -= &res("mem:50");
    assert_eq!(r, res("cpus:1;mem:50"));

    let sum = scalar("cpus", 1.0) + scalar("cpus", 0.25);
    assert_eq!(sum, res("cpus:1.25"));
    let sum = &scalar("cpus", 1.0) + &scalar("mem", 1.0);
    assert_eq!(sum.len(), 2);
    let diff = scalar("cpus", 1.0) - scalar("cpus", 0.25);
    assert_eq!(diff, res("cpus:0.75"));
    assert!((&scalar("cpus", 1.0) - &scalar("cpus", 1.0)).is_empty());

    let borrowed = &res("cpus:1") + scalar("cpus", 1.0);
    assert_eq!(borrowed.cpus(), Some(2.0));
    let borrowed = &res("cpus:1") - &res("cpus:1");
    assert!(borrowed.is_empty());
}

#[test]
fn invalid_resources_are_ignored_by_operators_and_rejected_by_try() {
    let mut r = res("cpus:1");
    r += scalar("cpus", -1.0);
    r += scalar("", 1.0);
    r += scalar("cpus", f64::NAN);
    r += scalar("cpus", f64::INFINITY);
    assert_eq!(r, res("cpus:1"));

    let err = Resources::try_from_iter([scalar("cpus", 1.0), scalar("mem", -5.0)]).unwrap_err();
    assert!(matches!(err, ResourcesError::InvalidResource { ref name, .. } if name == "mem"));
    assert!(err.to_string().contains("mem"), "{err}");

    let mut r = Resources::new();
    assert!(r.try_add(resources::ranges("ports", [(10, 1)])).is_err());
    assert!(r
        .try_add(resources::ranges("ports", [(1, 10), (5, 20)]))
        .is_err());
    assert!(r.try_add(resources::set("ids", ["a", "a"])).is_err());
    assert!(r.is_empty());
}

// ---------------------------------------------------------------------------
// Ranges and sets
// ---------------------------------------------------------------------------

#[test]
fn adjacent_ranges_merge() {
    let r = res("ports:[1-10]") + res("ports:[11-20]");
    assert_eq!(pairs(&r.ports().unwrap()), [(1, 20)]);
    assert_eq!(r.len(), 1);
    assert_eq!(r.to_string(), "ports:[1-20]");
}

#[test]
fn overlapping_and_disjoint_ranges() {
    let r = res("ports:[1-10]") + res("ports:[5-15]") + res("ports:[30-40]");
    assert_eq!(pairs(&r.ports().unwrap()), [(1, 15), (30, 40)]);

    // Order of the input does not matter.
    let r = res("ports:[30-40,1-2]") + res("ports:[3-4]");
    assert_eq!(pairs(&r.ports().unwrap()), [(1, 4), (30, 40)]);
}

#[test]
fn ranges_subtraction_splits() {
    let r = res("ports:[1-20]") - res("ports:[5-6]");
    assert_eq!(pairs(&r.ports().unwrap()), [(1, 4), (7, 20)]);
    assert_eq!(r.to_string(), "ports:[1-4, 7-20]");

    // Removing from both ends and across gaps.
    let r = res("ports:[1-10,20-30]") - res("ports:[1-1,8-22,30-30]");
    assert_eq!(pairs(&r.ports().unwrap()), [(2, 7), (23, 29)]);

    // Removing everything removes the resource.
    assert!((res("ports:[1-20]") - res("ports:[1-20]")).is_empty());
    assert!((res("ports:[1-20]") - res("ports:[0-100]")).is_empty());

    // Subtraction is set difference, even if not contained.
    let r = res("ports:[1-10]") - res("ports:[5-50]");
    assert_eq!(pairs(&r.ports().unwrap()), [(1, 4)]);
}

#[test]
fn ranges_at_the_u64_limits() {
    let all = Resources::from(resources::ranges("ports", [(0, u64::MAX)]));
    let r = &all - &Resources::from(resources::ranges("ports", [(0, 0), (u64::MAX, u64::MAX)]));
    assert_eq!(pairs(&r.ports().unwrap()), [(1, u64::MAX - 1)]);
    assert!(all.contains(&r));
    let back = r + Resources::from(resources::ranges("ports", [(u64::MAX, u64::MAX)]));
    assert_eq!(pairs(&back.ports().unwrap()), [(1, u64::MAX)]);
}

#[test]
fn ranges_contains() {
    let r = res("ports:[1-20,30-40]");
    assert!(r.contains(&res("ports:[1-20]")));
    assert!(r.contains(&res("ports:[5-6,35-40]")));
    assert!(!r.contains(&res("ports:[15-31]")));
    assert!(!r.contains(&res("ports:[41-41]")));
}

#[test]
fn sets_union_difference_and_containment() {
    let r = res("gpu_ids:{a,b}") + res("gpu_ids:{b,c}");
    assert_eq!(r.get_set("gpu_ids").unwrap().item, ["a", "b", "c"]);
    assert_eq!(r.len(), 1);

    let left = &r - &res("gpu_ids:{a}");
    assert_eq!(left.get_set("gpu_ids").unwrap().item, ["b", "c"]);

    // Order does not matter for equality or containment.
    assert_eq!(res("gpu_ids:{a,b,c}"), res("gpu_ids:{c,a,b}"));
    assert!(r.contains(&res("gpu_ids:{c,a}")));
    assert!(!r.contains(&res("gpu_ids:{d}")));

    assert!((res("gpu_ids:{a}") - res("gpu_ids:{a}")).is_empty());
    assert_eq!(r.to_string(), "gpu_ids:{a, b, c}");
}

// ---------------------------------------------------------------------------
// Containment and equality
// ---------------------------------------------------------------------------

#[test]
fn contains_checks_every_resource() {
    let offer = res("cpus:4;mem:4096;ports:[31000-32000];disk(role):100");
    assert!(offer.contains(&res("cpus:4;mem:4096")));
    assert!(offer.contains(&res("cpus:1;ports:[31000-31000];disk(role):50")));
    assert!(offer.contains(&Resources::new()));
    assert!(!offer.contains(&res("cpus:4.001")));
    assert!(!offer.contains(&res("cpus:1;gpus:1")));
    // Reserved and unreserved never satisfy each other.
    assert!(!offer.contains(&res("disk:1")));
    assert!(!offer.contains(&res("cpus(role):1")));
    assert!(!Resources::new().contains(&res("cpus:1")));

    assert!(offer.contains_resource(&scalar("cpus", 2.0)));
    assert!(!offer.contains_resource(&scalar("cpus", -1.0)));
}

#[test]
fn checked_sub_reports_insufficient() {
    let offer = res("cpus:1;mem:128");
    assert_eq!(offer.checked_sub(&res("cpus:1")).unwrap(), res("mem:128"));

    let err = offer.checked_sub(&res("cpus:2;mem:64")).unwrap_err();
    match &err {
        ResourcesError::Insufficient {
            requested,
            available,
        } => {
            assert_eq!(requested, &res("cpus:2;mem:64"));
            assert_eq!(available, &offer);
        }
        other => panic!("unexpected {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("missing cpus:1"), "{message}");
}

#[test]
fn equality_ignores_order() {
    assert_eq!(res("cpus:1;mem:2;disk:3"), res("disk:3;cpus:1;mem:2"));
    assert_ne!(res("cpus:1"), res("cpus:1;mem:1"));
    assert_ne!(res("cpus:1"), res("cpus(r):1"));
    assert_eq!(Resources::new(), res(""));
}

#[test]
fn conversions_round_trip() {
    let r = res("cpus:1;mem:2;ports:[1-2]");
    let vec: Vec<Resource> = r.clone().into();
    assert_eq!(vec.len(), 3);
    assert_eq!(Resources::from(vec.clone()), r);
    assert_eq!(Resources::from(vec.as_slice()), r);
    assert_eq!(vec.iter().cloned().collect::<Resources>(), r);
    assert_eq!(r.to_vec(), vec);
    assert_eq!(r.iter().count(), 3);
    assert_eq!((&r).into_iter().count(), 3);
    assert_eq!(r.clone().into_iter().rev().count(), 3);
    assert_eq!(
        r.names().into_iter().collect::<Vec<_>>(),
        ["cpus", "mem", "ports"]
    );
    assert_eq!(r.named("mem"), res("mem:2"));
}

// ---------------------------------------------------------------------------
// Identity: what merges and what does not
// ---------------------------------------------------------------------------

#[test]
fn different_reservation_stacks_do_not_merge() {
    let reserved = res("cpus(tenant1):1");
    let refined = reserved.refine("tenant1/private", "ops").unwrap();
    let both = &reserved + &refined;
    assert_eq!(both.len(), 2);
    assert_eq!(both.cpus(), Some(2.0));

    // Subtracting one kind leaves the other intact.
    assert_eq!(&both - &refined, reserved);
    assert_eq!(&both - &reserved, refined);

    // Unreserved and reserved stay apart too.
    assert_eq!((res("cpus:1") + res("cpus(tenant1):1")).len(), 2);
}

#[test]
fn reservation_details_are_part_of_identity() {
    let by_alice = res("cpus:1").refine("r", "alice").unwrap();
    let by_bob = res("cpus:1").refine("r", "bob").unwrap();
    assert_eq!((&by_alice + &by_bob).len(), 2);
    assert_eq!((&by_alice + &by_alice).len(), 1);

    let dynamic = res("cpus:1").refine("r", None).unwrap();
    let statically = res("cpus(r):1");
    assert_eq!((&dynamic + &statically).len(), 2);

    // Labels compare as a set of key/value pairs.
    let labelled = |labels: &[(&str, &str)]| {
        let mut info = dynamic_reservation("r", Some("ops"));
        info.labels = Some(Labels {
            labels: labels
                .iter()
                .map(|(k, v)| Label {
                    key: (*k).to_owned(),
                    value: Some((*v).to_owned()),
                })
                .collect(),
        });
        res("cpus:1").push_reservation(info).unwrap()
    };
    let ab = labelled(&[("a", "1"), ("b", "2")]);
    let ba = labelled(&[("b", "2"), ("a", "1")]);
    let other = labelled(&[("a", "1"), ("b", "3")]);
    assert_eq!((&ab + &ba).len(), 1);
    assert_eq!((&ab + &other).len(), 2);
}

#[test]
fn allocation_revocability_and_persistence_are_part_of_identity() {
    let mut to_a = res("cpus:1");
    to_a.allocate("a");
    let mut to_b = res("cpus:1");
    to_b.allocate("b");
    assert_eq!((&to_a + &to_b).len(), 2);
    assert_eq!((&to_a + &to_a).len(), 1);
    assert_eq!((&to_a + &res("cpus:1")).len(), 2);

    let mut revocable = scalar("cpus", 1.0);
    revocable.revocable = Some(RevocableInfo {});
    let r = Resources::from(revocable) + res("cpus:1");
    assert_eq!(r.len(), 2);
    assert_eq!(r.revocable().cpus(), Some(1.0));
    assert_eq!(r.non_revocable().cpus(), Some(1.0));

    // Persistent volumes are never merged, even with the same id.
    let volume = |id: &str| {
        let mut disk = scalar("disk", 10.0);
        disk.disk = Some(Box::new(DiskInfo {
            persistence: Some(Persistence {
                id: id.to_owned(),
                principal: None,
            }),
            ..Default::default()
        }));
        resources::push_reservation(&mut disk, dynamic_reservation("r", Some("ops"))).unwrap();
        disk
    };
    let two = Resources::from(vec![volume("v1"), volume("v1"), volume("v2")]);
    assert_eq!(two.len(), 3);
    assert_eq!(two.persistent_volumes().len(), 3);
    assert_eq!(two.disk(), Some(30.0));
    // Each wanted volume needs its own match.
    assert!(Resources::from(volume("v1")).contains(&Resources::from(volume("v1"))));
    let pair = Resources::from(vec![volume("v1"), volume("v1")]);
    assert!(!Resources::from(volume("v1")).contains(&pair));
    // A volume is taken whole or not at all.
    let mut part = volume("v1");
    part.scalar.as_mut().unwrap().value = 5.0;
    assert_eq!(&two - &Resources::from(part), two);
    assert_eq!((&two - &Resources::from(volume("v1"))).len(), 2);
}

#[test]
fn shared_volumes_are_counted_not_merged() {
    let mut volume = scalar("disk", 10.0);
    volume.disk = Some(Box::new(DiskInfo {
        persistence: Some(Persistence {
            id: "shared".to_owned(),
            principal: None,
        }),
        ..Default::default()
    }));
    volume.shared = Some(mesos_native::proto::resource::SharedInfo {});
    resources::push_reservation(&mut volume, dynamic_reservation("r", None)).unwrap();

    let one = Resources::from(volume.clone());
    let two = &one + &one;
    assert_eq!(two.len(), 1, "identical shared volumes are one entry");
    assert!(two.to_string().ends_with("<SHARED>:10<2>"), "{two}");
    assert!(two.contains(&one));
    assert!(!one.contains(&two));
    assert_eq!(&two - &one, one);
    assert!((&one - &one).is_empty());
    assert_eq!(two.into_vec(), vec![volume.clone()]);

    // A shared volume and its non-shared twin are different resources.
    let mut exclusive = volume;
    exclusive.shared = None;
    assert_eq!((one + exclusive).len(), 2);
}

#[test]
fn allocate_and_filter_by_allocation() {
    let mut framework = res("cpus:1;mem:128");
    framework.allocate("tenant1/private/test-framework");
    let mut other = res("cpus:2");
    other.allocate("tenant2");
    let all = &framework + &other;

    assert_eq!(
        all.allocated_to("tenant1/private/test-framework"),
        framework
    );
    assert_eq!(all.allocated_to("tenant2"), other);
    assert!(all.allocated_to("tenant1").is_empty());
    assert!(resources::is_allocated_to(single(&other), "tenant2"));

    let mut back = all.clone();
    back.unallocate();
    assert_eq!(back, res("cpus:3;mem:128"));
}

// ---------------------------------------------------------------------------
// Roles and the hierarchy
// ---------------------------------------------------------------------------

#[test]
fn role_validation_follows_mesos_rules() {
    // '*' is special only as the whole role: '**' and 'a*' are ordinary names.
    for good in [
        "*",
        "a",
        "a/b",
        "tenant1/private/test-framework",
        "a-b",
        "a.b",
        "**",
        "a*",
        "ä",
    ] {
        assert!(
            roles::is_valid_role(good).is_ok(),
            "{good:?} should be valid"
        );
    }
    let cases: &[(&str, RoleErrorKind)] = &[
        ("", RoleErrorKind::Empty),
        ("/a", RoleErrorKind::LeadingSlash),
        ("/", RoleErrorKind::LeadingSlash),
        ("a/", RoleErrorKind::TrailingSlash),
        ("a//b", RoleErrorKind::EmptyComponent),
        (".", RoleErrorKind::DotComponent),
        ("a/./b", RoleErrorKind::DotComponent),
        ("..", RoleErrorKind::DotDotComponent),
        ("a/..", RoleErrorKind::DotDotComponent),
        ("a/*", RoleErrorKind::StarComponent),
        ("-a", RoleErrorKind::LeadingDash("-a".to_owned())),
        ("a/-b", RoleErrorKind::LeadingDash("-b".to_owned())),
        ("a b", RoleErrorKind::InvalidCharacter("a b".to_owned())),
        ("a/b\tc", RoleErrorKind::InvalidCharacter("b\tc".to_owned())),
        ("a\x7f", RoleErrorKind::InvalidCharacter("a\x7f".to_owned())),
        ("a\n", RoleErrorKind::InvalidCharacter("a\n".to_owned())),
    ];
    for (role, kind) in cases {
        let err = roles::is_valid_role(role).unwrap_err();
        assert_eq!(err.kind(), kind, "{role:?}");
        assert_eq!(err.role(), *role);
        assert!(err.to_string().contains("invalid role"), "{err}");
    }
}

#[test]
fn role_tree_helpers() {
    assert_eq!(roles::parent("a/b/c"), Some("a/b"));
    assert_eq!(roles::parent("a"), None);
    assert_eq!(roles::ancestors("a/b/c").collect::<Vec<_>>(), ["a/b", "a"]);

    assert!(roles::is_strict_ancestor("a", "a/b"));
    assert!(roles::is_strict_ancestor("a", "a/b/c"));
    assert!(roles::is_strict_ancestor("a/b", "a/b/c"));
    assert!(!roles::is_strict_ancestor("a", "a"));
    assert!(!roles::is_strict_ancestor("a/b", "a"));
    assert!(!roles::is_strict_ancestor("a", "ab"));
    assert!(!roles::is_strict_ancestor("a", "ab/c"));
    assert!(!roles::is_strict_ancestor("tenant1", "tenant10/x"));
}

#[test]
fn hierarchical_offerability() {
    let pool = res(
        "cpus(tenant1/private):1;cpus(tenant1/public):2;cpus(tenant2):4;\
         cpus(tenant1):8;cpus:16;mem(tenant1/private/test-framework):32",
    );
    let framework = "tenant1/private/test-framework";

    let offerable = pool.reserved_to_role_or_ancestor(framework);
    assert_eq!(
        offerable,
        res("cpus(tenant1/private):1;cpus(tenant1):8;mem(tenant1/private/test-framework):32")
    );
    // Not reserved to a sibling, a sibling's subtree, another tenant, or a
    // descendant of the framework's role.
    assert!(offerable.reserved(Some("tenant1/public")).is_empty());
    assert!(offerable.reserved(Some("tenant2")).is_empty());
    assert!(pool
        .reserved_to_role_or_ancestor("tenant1")
        .reserved(Some("tenant1/private"))
        .is_empty());

    // Unreserved resources are allocatable to anyone.
    assert_eq!(pool.allocatable_to(framework), &offerable + &res("cpus:16"));
    assert_eq!(pool.allocatable_to("tenant2").cpus(), Some(20.0));
    assert_eq!(pool.allocatable_to("tenant3").cpus(), Some(16.0));

    let one = res("cpus(tenant1/private):1");
    let cpus = single(&one);
    assert!(resources::is_allocatable_to(cpus, framework));
    assert!(resources::is_allocatable_to(cpus, "tenant1/private"));
    assert!(!resources::is_allocatable_to(cpus, "tenant1"));
    assert!(!resources::is_allocatable_to(cpus, "tenant1/privateer"));
}

#[test]
fn hierarchical_offerability_uses_the_top_of_a_refined_stack() {
    // Reserved to tenant1, refined to tenant1/public: only tenant1/public's
    // subtree may use it now.
    let refined = reserved_chain("cpus:1", "tenant1", &["tenant1/public"]);
    assert!(refined
        .reserved_to_role_or_ancestor("tenant1/private/test-framework")
        .is_empty());
    assert_eq!(
        refined.reserved_to_role_or_ancestor("tenant1/public/fw"),
        refined
    );
    assert!(refined.reserved_to_role_or_ancestor("tenant1").is_empty());
}

#[test]
fn reserved_and_unreserved_filters() {
    let pool = res("cpus:1;cpus(a):2;cpus(a/b):4;mem(a):8");
    assert_eq!(pool.unreserved(), res("cpus:1"));
    assert_eq!(pool.reserved(None), res("cpus(a):2;cpus(a/b):4;mem(a):8"));
    assert_eq!(pool.reserved(Some("a")), res("cpus(a):2;mem(a):8"));
    assert_eq!(pool.reserved(Some("a/b")), res("cpus(a/b):4"));
    assert!(pool.reserved(Some("b")).is_empty());

    let by_role = pool.reservations();
    assert_eq!(by_role.keys().collect::<Vec<_>>(), ["a", "a/b"]);
    assert_eq!(by_role["a"], res("cpus(a):2;mem(a):8"));

    assert_eq!(pool.to_unreserved(), res("cpus:7;mem:8"));
}

// ---------------------------------------------------------------------------
// Reservation refinement
// ---------------------------------------------------------------------------

#[test]
fn first_level_reservation_of_unreserved_resources() {
    let reserved = res("cpus:1;mem:64").refine("tenant1", "ops").unwrap();
    for resource in &reserved {
        assert_eq!(resource.reservations.len(), 1);
        let top = &resource.reservations[0];
        assert_eq!(top.r#type(), ReservationType::Dynamic);
        assert_eq!(top.role(), "tenant1");
        assert_eq!(top.principal(), "ops");
        assert_eq!(reservation_role(resource), Some("tenant1"));
        assert!(resources::is_dynamically_reserved(resource));
        assert!(!resources::has_refined_reservations(resource));
    }
    // Any valid role will do for unreserved resources.
    assert!(res("cpus:1").refine("tenant2/deep/role", None).is_ok());
}

#[test]
fn refinement_to_a_descendant() {
    let refined = reserved_chain("cpus:1;mem:64", "tenant1", &["tenant1/private"]);
    let further = refined
        .refine("tenant1/private/test-framework", "fw")
        .unwrap();
    for resource in &further {
        let stack: Vec<_> = resource
            .reservations
            .iter()
            .map(|r| (r.r#type(), r.role(), r.principal()))
            .collect();
        assert_eq!(
            stack,
            [
                (ReservationType::Dynamic, "tenant1", "ops"),
                (ReservationType::Dynamic, "tenant1/private", "ops"),
                (
                    ReservationType::Dynamic,
                    "tenant1/private/test-framework",
                    "fw"
                ),
            ]
        );
        assert!(resources::has_refined_reservations(resource));
    }
    assert_eq!(further.cpus(), Some(1.0));
    assert_eq!(further.mem(), Some(64.0));

    // Skipping levels is fine: any strict descendant qualifies.
    assert!(res("cpus(a):1").refine("a/b/c/d", None).is_ok());
    // Statically reserved resources can be refined too.
    let from_static = res("cpus(a):1").refine("a/b", None).unwrap();
    assert_eq!(
        single(&from_static).reservations[0].r#type(),
        ReservationType::Static
    );
}

#[test]
fn refinement_to_a_non_descendant_is_refused() {
    let reserved = res("cpus(tenant1/private):1");
    for requested in [
        "tenant2",
        "tenant1",
        "tenant1/public",
        "tenant1/privateer",
        "x/tenant1/private/y",
    ] {
        let err = reserved.refine(requested, "ops").unwrap_err();
        assert_eq!(
            err,
            ResourcesError::NotADescendant {
                current: "tenant1/private".to_owned(),
                requested: requested.to_owned(),
            }
        );
        let message = err.to_string();
        assert!(message.contains("tenant1/private"), "{message}");
        assert!(message.contains(requested), "{message}");
        assert!(message.contains("descendant"), "{message}");
    }
}

#[test]
fn refinement_to_the_same_role_is_refused() {
    let err = res("cpus(tenant1):1").refine("tenant1", "ops").unwrap_err();
    assert_eq!(
        err,
        ResourcesError::NotADescendant {
            current: "tenant1".to_owned(),
            requested: "tenant1".to_owned(),
        }
    );
    assert!(err.to_string().contains("same role"), "{err}");
}

#[test]
fn refinement_to_an_invalid_role_is_refused() {
    for role in [
        "",
        "*",
        "a//b",
        "tenant1/",
        "-x",
        "tenant1/./x",
        "tenant1/ x",
    ] {
        for base in [res("cpus:1"), res("cpus(tenant1):1"), Resources::new()] {
            let err = base.refine(role, "ops").unwrap_err();
            assert!(
                matches!(&err, ResourcesError::InvalidRole { role: r, .. } if r == role),
                "{role:?} on {base}: {err:?}"
            );
            assert!(err.to_string().contains("invalid role"), "{err}");
        }
    }
}

#[test]
fn refinement_is_all_or_nothing() {
    // Mixed unreserved and tenant1 resources refine to tenant1/x...
    let mixed = res("cpus:1") + res("mem(tenant1):2");
    let refined = mixed.refine("tenant1/x", None).unwrap();
    assert_eq!(refined.reserved(Some("tenant1/x")).len(), 2);
    // ...but one tenant2 resource makes the whole refinement fail.
    let mixed = &mixed + &res("disk(tenant2):3");
    assert!(matches!(
        mixed.refine("tenant1/x", None),
        Err(ResourcesError::NotADescendant { .. })
    ));
}

#[test]
fn refined_reservations_must_be_dynamic() {
    let err = res("cpus(a):1")
        .push_reservation(static_reservation("a/b"))
        .unwrap_err();
    assert!(
        matches!(err, ResourcesError::InvalidResource { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("STATIC"), "{err}");

    // A first-level STATIC reservation is fine.
    let statically = res("cpus:1")
        .push_reservation(static_reservation("a"))
        .unwrap();
    assert_eq!(statically, res("cpus(a):1"));

    // A reservation without a type is refused.
    let untyped = ReservationInfo {
        role: Some("a".to_owned()),
        ..Default::default()
    };
    assert!(res("cpus:1").push_reservation(untyped).is_err());
}

#[test]
fn single_resource_push_and_pop() {
    let mut cpus = scalar("cpus", 1.0);
    resources::push_reservation(&mut cpus, dynamic_reservation("a", Some("p"))).unwrap();
    resources::push_reservation(&mut cpus, dynamic_reservation("a/b", Some("p"))).unwrap();
    let before = cpus.clone();
    assert!(resources::push_reservation(&mut cpus, dynamic_reservation("c", None)).is_err());
    assert_eq!(cpus, before, "a failed push leaves the resource unchanged");

    let top = resources::pop_reservation(&mut cpus).unwrap();
    assert_eq!(top.role(), "a/b");
    assert_eq!(reservation_role(&cpus), Some("a"));
    resources::pop_reservation(&mut cpus).unwrap();
    assert_eq!(reservation_role(&cpus), None);
    assert!(matches!(
        resources::pop_reservation(&mut cpus),
        Err(ResourcesError::NotReserved { .. })
    ));
}

#[test]
fn unreserve_pops_the_top_reservation() {
    let base = reserved_chain("cpus:1;mem:64", "tenant1", &[]);
    let refined = base.refine("tenant1/private", "ops").unwrap();

    // UNRESERVE of the refinement gives the resources back to tenant1...
    assert_eq!(refined.pop_reservation().unwrap(), base);
    assert_eq!(refined.unreserve_refinement().unwrap(), base);
    // ...and UNRESERVE of the first level makes them unreserved.
    assert_eq!(base.pop_reservation().unwrap(), res("cpus:1;mem:64"));

    // Unreserved resources cannot be unreserved.
    let err = res("cpus:1").pop_reservation().unwrap_err();
    assert!(matches!(err, ResourcesError::NotReserved { .. }));
    assert!(err.to_string().contains("not reserved"), "{err}");

    // unreserve_refinement refuses to release resources to the unreserved pool.
    let err = base.unreserve_refinement().unwrap_err();
    assert!(matches!(err, ResourcesError::NotRefined { .. }), "{err:?}");
    assert!(matches!(
        res("cpus:1").unreserve_refinement(),
        Err(ResourcesError::NotReserved { .. })
    ));
}

#[test]
fn popping_merges_what_becomes_identical() {
    let reserved = reserved_chain("cpus:1", "tenant1", &[]);
    let refined = reserved_chain("cpus:2", "tenant1", &["tenant1/a"]);
    let refined_elsewhere = reserved_chain("cpus:4", "tenant1", &["tenant1/b"]);
    let all = &(&reserved + &refined) + &refined_elsewhere;
    assert_eq!(all.len(), 3);

    let after = (&refined + &refined_elsewhere).pop_reservation().unwrap() + &reserved;
    assert_eq!(after.len(), 1);
    assert_eq!(after, reserved_chain("cpus:7", "tenant1", &[]));
}

// ---------------------------------------------------------------------------
// Reservation formats
// ---------------------------------------------------------------------------

#[test]
fn pre_refinement_format_is_upgraded() {
    // Statically reserved, old style.
    let mut old_static = scalar("cpus", 1.0);
    old_static.role = Some("tenant1".to_owned());
    assert_eq!(reservation_role(&old_static), Some("tenant1"));
    let r = Resources::from(old_static);
    let stored = single(&r);
    assert_eq!(stored.role, None);
    assert_eq!(stored.reservations.len(), 1);
    assert_eq!(stored.reservations[0].r#type(), ReservationType::Static);
    assert_eq!(r, res("cpus(tenant1):1"));

    // Dynamically reserved, old style.
    let mut old_dynamic = scalar("mem", 8.0);
    old_dynamic.role = Some("tenant1".to_owned());
    old_dynamic.reservation = Some(ReservationInfo {
        principal: Some("ops".to_owned()),
        ..Default::default()
    });
    assert!(resources::is_dynamically_reserved(&old_dynamic));
    let r = Resources::from(old_dynamic);
    assert_eq!(r, res("mem:8").refine("tenant1", "ops").unwrap());
    assert_eq!(single(&r).reservation, None);

    // Unreserved, old style ("*").
    let mut old_unreserved = scalar("disk", 5.0);
    old_unreserved.role = Some("*".to_owned());
    assert!(resources::is_unreserved(&old_unreserved));
    assert_eq!(Resources::from(old_unreserved), res("disk:5"));

    // Old-style dynamic reservations with '*' are invalid.
    let mut bad = scalar("cpus", 1.0);
    bad.role = Some("*".to_owned());
    bad.reservation = Some(ReservationInfo::default());
    assert!(resources::validate(&bad).is_err());
}

#[test]
fn inconsistent_reservation_stacks_are_invalid() {
    let mut cpus = scalar("cpus", 1.0);
    cpus.reservations = vec![
        dynamic_reservation("a", None),
        dynamic_reservation("b", None),
    ];
    assert!(resources::validate(&cpus).is_err());
    assert!(Resources::from(cpus).is_empty());

    let mut cpus = scalar("cpus", 1.0);
    cpus.reservations = vec![dynamic_reservation("*", None)];
    assert!(resources::validate(&cpus).is_err());

    let mut cpus = scalar("cpus", 1.0);
    cpus.reservations = vec![
        dynamic_reservation("a", None),
        dynamic_reservation("a/b", None),
    ];
    cpus.role = Some("a".to_owned());
    assert!(resources::validate(&cpus).is_err());
}

// ---------------------------------------------------------------------------
// Text form
// ---------------------------------------------------------------------------

#[test]
fn display_matches_mesos_style() {
    let mut r = reserved_chain("cpus:0.5;mem:512", "tenant1", &["tenant1/private"]);
    r.allocate("tenant1/private/test-framework");
    assert_eq!(
        r.to_string(),
        "cpus(allocated: tenant1/private/test-framework)\
         (reservations: [(DYNAMIC,tenant1,ops),(DYNAMIC,tenant1/private,ops)]):0.5; \
         mem(allocated: tenant1/private/test-framework)\
         (reservations: [(DYNAMIC,tenant1,ops),(DYNAMIC,tenant1/private,ops)]):512"
    );
    assert_eq!(
        res("cpus:1;disk(r):1.25;ports:[1-2,4-4]").to_string(),
        "cpus:1; disk(reservations: [(STATIC,r)]):1.25; ports:[1-2, 4-4]"
    );
    assert_eq!(Resources::new().to_string(), "{}");
    assert_eq!(format!("{:?}", res("cpus:2")), "Resources(cpus:2)");

    let mut revocable = scalar("cpus", 1.0);
    revocable.revocable = Some(RevocableInfo {});
    assert_eq!(revocable.to_string(), "cpus{REV}:1");

    let mut volume = scalar("disk", 64.0);
    volume.disk = Some(Box::new(DiskInfo {
        persistence: Some(Persistence {
            id: "data".to_owned(),
            principal: None,
        }),
        ..Default::default()
    }));
    assert_eq!(volume.to_string(), "disk[data]:64");

    let mut labelled = scalar("cpus", 1.0);
    let mut info = dynamic_reservation("r", None);
    info.labels = Some(Labels {
        labels: vec![
            Label {
                key: "k".to_owned(),
                value: Some("v".to_owned()),
            },
            Label {
                key: "flag".to_owned(),
                value: None,
            },
        ],
    });
    resources::push_reservation(&mut labelled, info).unwrap();
    assert_eq!(
        labelled.to_string(),
        "cpus(reservations: [(DYNAMIC,r,{k: v, flag})]):1"
    );
}

#[test]
fn display_of_legacy_format_and_allocation() {
    let mut legacy = scalar("cpus", 1.0);
    legacy.role = Some("r".to_owned());
    assert_eq!(legacy.to_string(), "cpus(reservations: [(STATIC,r)]):1");

    let mut allocated = scalar("mem", 1.0);
    allocated.allocation_info = Some(AllocationInfo {
        role: Some("a".to_owned()),
    });
    assert_eq!(allocated.to_string(), "mem(allocated: a):1");
}

// ---------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------

#[test]
fn parser_accepts_the_agent_format() {
    let r = res("cpus:1;mem:1024;ports:[31000-32000];disks(role):10");
    assert_eq!(r.cpus(), Some(1.0));
    assert_eq!(r.mem(), Some(1024.0));
    assert_eq!(pairs(&r.ports().unwrap()), [(31000, 32000)]);
    assert_eq!(r.reserved(Some("role")).get_scalar("disks"), Some(10.0));
    assert_eq!(
        single(&r.reserved(Some("role"))).reservations[0].r#type(),
        ReservationType::Static
    );

    // Whitespace, empty items, '*' role, sets, repeated names and
    // overlapping ranges.
    let r = res(" cpus : 1 ; ; mem(*):2;cpus:0.5; gpu_ids:{ a , b };ports:[1-5, 3-7];");
    assert_eq!(r.cpus(), Some(1.5));
    assert!(r.reserved(None).is_empty());
    assert_eq!(r.get_set("gpu_ids").unwrap().item, ["a", "b"]);
    assert_eq!(pairs(&r.ports().unwrap()), [(1, 7)]);

    assert!(res("").is_empty());
    assert_eq!("cpus:2".parse::<Resources>().unwrap().cpus(), Some(2.0));

    let with_default =
        Resources::parse_with_default_role("cpus:1;mem(*):2;disk(other):3", "mine").unwrap();
    assert_eq!(with_default.reserved(Some("mine")), res("cpus(mine):1"));
    assert_eq!(with_default.unreserved(), res("mem:2"));
    assert_eq!(with_default.reserved(Some("other")), res("disk(other):3"));
    assert!(Resources::parse_with_default_role("cpus:1", "bad//role").is_err());
}

#[test]
fn parser_errors_are_errors() {
    let bad = [
        "cpus",
        "cpus:",
        ":1",
        "cpus:1:2",
        "(role):1",
        "cpus(role:1",
        "cpus)role(:1",
        "cpus(role)x:1",
        "cpus(role)):1",
        "cpus():1",
        "cpus(a//b):1",
        "cpus(-a):1",
        "cpus:abc",
        "cpus:-1",
        "cpus:nan",
        "cpus:inf",
        "cpus:1e400",
        "cpus:0.0001",
        "cpus:1e-320",
        "ports:[1-]",
        "ports:[-5]",
        "ports:[a-b]",
        "ports:[10-1]",
        "ports:[1-5",
        "ports:1-5]",
        "ports:[1-5]]",
        "ports:[[1-5]",
        "ports:[1-2-3]",
        "ports:[-1-5]",
        "ports:[1-99999999999999999999999]",
        "ids:{a,a}",
        "ids:{a",
        "ids:{a}}",
        "ids:{[a]}",
        "cpus:1;cpus:[1-2]",
        "cpus:1;mem:x",
    ];
    for text in bad {
        let err = Resources::parse(text).expect_err(text);
        assert!(
            matches!(err, ResourcesError::Parse { .. }),
            "{text:?} gave {err:?}"
        );
        let message = err.to_string();
        assert!(message.starts_with("cannot parse resources"), "{message}");
        assert!(message.contains("e.g."), "{message}");
    }

    match Resources::parse("cpus:1;mem:x").unwrap_err() {
        ResourcesError::Parse { input, reason } => {
            assert_eq!(input, "mem:x");
            assert!(reason.contains("'x'"), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn parser_never_panics() {
    // A small deterministic generator over the characters that matter.
    const ALPHABET: &[u8] = b"cpusmem:;()[]{}-,*/. 019\t";
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..20_000 {
        let len = (next() % 24) as usize;
        let text: String = (0..len)
            .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize] as char)
            .collect();
        if let Ok(parsed) = Resources::parse(&text) {
            // Whatever parses prints and re-parses to the same thing when it
            // has no reservation (the text form of reservations differs).
            if parsed.reserved(None).is_empty() && parsed.get_set("").is_none() {
                let printed = parsed.to_string();
                if !printed.contains('{') {
                    let again = Resources::parse(&printed).unwrap_or_else(|e| {
                        panic!("{text:?} -> {printed:?} does not re-parse: {e}")
                    });
                    assert_eq!(again, parsed, "{text:?} -> {printed:?}");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------

#[test]
fn reserve_and_unreserve_operations() {
    let offered = res("cpus(tenant1):1;mem(tenant1):128");
    let refined = offered.refine("tenant1/private", "ops").unwrap();

    let reserve = operations::reserve(refined.clone());
    assert_eq!(reserve.r#type(), OperationType::Reserve);
    let body = reserve.reserve.as_ref().unwrap();
    assert_eq!(Resources::from(body.resources.clone()), refined);
    assert!(reserve.unreserve.is_none() && reserve.launch.is_none());

    let unreserve = operations::unreserve(refined.clone());
    assert_eq!(unreserve.r#type(), OperationType::Unreserve);
    let body = unreserve.unreserve.as_ref().unwrap();
    assert_eq!(Resources::from(body.resources.clone()), refined);
    // The agent's resources after that UNRESERVE:
    assert_eq!(refined.pop_reservation().unwrap(), offered);
}

#[test]
fn other_operations_and_filters() {
    use mesos_native::proto::{ExecutorInfo, TaskGroupInfo, TaskInfo};

    let task = TaskInfo {
        name: "t".to_owned(),
        resources: res("cpus:1").into_vec(),
        ..Default::default()
    };
    let op = operations::launch(vec![task.clone(), task]);
    assert_eq!(op.r#type(), OperationType::Launch);
    assert_eq!(op.launch.unwrap().task_infos.len(), 2);

    let op = operations::launch_group(ExecutorInfo::default(), TaskGroupInfo::default());
    assert_eq!(op.r#type(), OperationType::LaunchGroup);
    assert!(op.launch_group.is_some());

    let volumes = res("disk(r):10");
    let op = operations::create(volumes.clone());
    assert_eq!(op.r#type(), OperationType::Create);
    assert_eq!(op.create.unwrap().volumes.len(), 1);
    let op = operations::destroy(volumes);
    assert_eq!(op.r#type(), OperationType::Destroy);
    assert_eq!(op.destroy.unwrap().volumes.len(), 1);

    let filters = operations::refuse_seconds(120.5);
    assert_eq!(filters.refuse_seconds(), 120.5);
}

/// Sets and ranges of tens of thousands of items (a hostile agent text or
/// offer) parse, add and compare correctly. (They once took minutes, each
/// item searched for in a list; their speed is `bench resources`'s to
/// watch, not a timed test's.)
#[test]
fn huge_sets_and_range_lists_parse_and_compare() {
    let items: Vec<String> = (0..40_000).map(|i| format!("i{i}")).collect();
    let set: Resources = format!("s:{{{}}}", items.join(",")).parse().unwrap();
    assert!(set.contains(&(&set + &set)));
    assert_eq!(&set - &set, Resources::new());
    let ranges: Vec<String> = (0..40_000u64)
        .map(|i| format!("{}-{}", 2 * i, 2 * i))
        .collect();
    let ports: Resources = format!("ports:[{}]", ranges.join(",")).parse().unwrap();
    assert!(ports.contains(&ports));
    assert!(!ports.contains(&"ports:[1-1]".parse().unwrap()));
    let duplicate = format!("s:{{{},i0}}", items.join(","));
    assert!(Resources::parse(&duplicate)
        .unwrap_err()
        .to_string()
        .contains("'i0' appears twice"));
}
