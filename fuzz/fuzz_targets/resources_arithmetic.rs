//! `Resources` arithmetic and refinement on two parsed collections, `a`
//! and `b`, and a role and principal to refine to.
//!
//! Properties, each with the condition under which Mesos's semantics
//! promise it:
//! - never a panic (every operator, `contains`, `checked_sub`, `refine`,
//!   `pop_reservation`, `unreserve_refinement`, the filters);
//! - `a + b == b + a`; `a` contains `a - b`;
//! - `a + b - b == a` when nothing is lost on the way: every scalar at
//!   most 10^12, so that sums stay below 2^51 thousandths, where Mesos's
//!   three-decimal scalars, kept in a double, stop being exact (see
//!   `src/resources/values.rs`); and `a` and `b` share no range value and
//!   no set item under one name (adding is a union: a shared value is
//!   held once, then taken out);
//! - `checked_sub` succeeds exactly when `a` contains `b`, and then gives
//!   back `a` when `b` is added again (same scalar condition);
//! - `refine(role, principal)`, when it succeeds, reserves everything to
//!   `role` and `pop_reservation` undoes it; `allocate` then `unallocate`
//!   changes nothing.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mesos_native::proto::Resource;
use mesos_native::resources::{reservation_role, Resources, ResourcesError};

#[derive(Arbitrary, Debug)]
struct Input {
    a: String,
    b: String,
    role: String,
    principal: Option<String>,
}

/// No scalar large enough for a sum of two to leave the exact range.
fn small(resources: &Resources) -> bool {
    resources
        .iter()
        .all(|resource| resource.scalar.is_none_or(|scalar| scalar.value <= 1e12))
}

/// Whether two resources of one name hold a value in common.
fn overlap(left: &Resource, right: &Resource) -> bool {
    if left.name != right.name {
        return false;
    }
    if let (Some(left), Some(right)) = (&left.ranges, &right.ranges) {
        return left.range.iter().any(|l| {
            right
                .range
                .iter()
                .any(|r| l.begin <= r.end && r.begin <= l.end)
        });
    }
    if let (Some(left), Some(right)) = (&left.set, &right.set) {
        return left.item.iter().any(|item| right.item.contains(item));
    }
    false
}

fn disjoint(a: &Resources, b: &Resources) -> bool {
    a.iter()
        .all(|left| b.iter().all(|right| !overlap(left, right)))
}

fuzz_target!(|input: Input| {
    let (Ok(a), Ok(b)) = (Resources::parse(&input.a), Resources::parse(&input.b)) else {
        return;
    };
    let sum = &a + &b;
    let difference = &a - &b;
    assert_eq!(sum, &b + &a, "a + b == b + a");
    assert!(a.contains(&difference), "a contains a - b");
    let fits = small(&a) && small(&b);
    if fits {
        assert!(
            sum.contains(&a) && sum.contains(&b),
            "a + b contains a and b"
        );
        if disjoint(&a, &b) {
            assert_eq!(&sum - &b, a, "a + b - b == a");
        }
    }
    match a.checked_sub(&b) {
        Ok(rest) => {
            assert!(a.contains(&b));
            if fits {
                assert_eq!(rest + &b, a, "(a - b) + b == a when a contains b");
            }
        }
        Err(ResourcesError::Insufficient { .. }) => assert!(!a.contains(&b)),
        Err(other) => panic!("checked_sub: unexpected error {other:?}"),
    }

    let principal = input.principal.as_deref();
    match a.refine(&input.role, principal) {
        Ok(refined) => {
            for resource in &refined {
                assert_eq!(reservation_role(resource), Some(input.role.as_str()));
            }
            assert_eq!(
                refined.pop_reservation().as_ref(),
                Ok(&a),
                "refine then pop"
            );
            let _ = refined.unreserve_refinement();
        }
        Err(
            ResourcesError::InvalidRole { .. }
            | ResourcesError::NotADescendant { .. }
            | ResourcesError::InvalidResource { .. },
        ) => {}
        Err(other) => panic!("refine: unexpected error {other:?}"),
    }
    let _ = (a.pop_reservation(), a.unreserve_refinement());

    let mut allocated = a.clone();
    allocated.allocate(&input.role);
    assert_eq!(allocated.allocated_to(&input.role), allocated);
    allocated.unallocate();
    assert_eq!(allocated, a, "allocate then unallocate");

    // The filters and queries: no panic, and they partition.
    assert_eq!(a.reserved(None) + a.unreserved(), a);
    let _ = (
        a.allocatable_to(&input.role),
        a.reserved_to_role_or_ancestor(&input.role),
    );
    let _ = (
        a.revocable(),
        a.persistent_volumes(),
        a.names(),
        a.cpus(),
        a.ports(),
    );
    let _ = (a.to_string(), sum.to_string(), difference.to_vec());
});
