//! The agent `--resources` text (`cpus:1;mem:1024;ports:[31000-32000];
//! disk(role):10;gpu_ids:{a,b}`), as `Resources::parse` and
//! `parse_with_default_role` take it from users and files.
//!
//! Properties: never a panic; a refusal is `Parse` or `InvalidRole` with a
//! message; everything parsed is a valid resource; and the text form
//! round trips where the format promises it. `Display` is Mesos's log
//! form (`cpus(reservations: [(STATIC,role)]):1`), which the parser does
//! not read, so the promise is: an unreserved collection displays as text
//! that parses back to it, and so does each role's share once its
//! reservation is taken off and given back as the default role (`{}`, the
//! empty collection's display, is no resources text: not compared). Only
//! scalars in the exact range are compared: above 2^51 thousandths
//! (about 2.25e12) a double no longer holds every three-decimal value, in
//! Mesos as here, and a display can land a thousandth off.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mesos_native::resources::{validate, Resources, ResourcesError};

#[derive(Arbitrary, Debug)]
struct Input {
    text: String,
    default_role: String,
}

fn check(parsed: Result<Resources, ResourcesError>) {
    let resources = match parsed {
        Ok(resources) => resources,
        Err(error @ (ResourcesError::Parse { .. } | ResourcesError::InvalidRole { .. })) => {
            assert!(!error.to_string().is_empty());
            return;
        }
        Err(other) => panic!("unexpected error {other:?}"),
    };
    for resource in &resources {
        validate(resource).expect("parsed resources are valid");
    }
    // 2^51 thousandths: see the docs of src/resources/values.rs.
    let resources = resources.filter(|resource| {
        resource
            .scalar
            .is_none_or(|scalar| scalar.value < 2_251_799_813_685.248)
    });
    let unreserved = resources.unreserved();
    if !unreserved.is_empty() {
        let text = unreserved.to_string();
        let again = Resources::parse(&text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(again, unreserved, "{text:?}");
    }
    for (role, reserved) in resources.reservations() {
        let text = reserved.to_unreserved().to_string();
        let again = Resources::parse_with_default_role(&text, &role)
            .unwrap_or_else(|e| panic!("{text:?} for {role:?}: {e}"));
        assert_eq!(again, reserved, "{text:?} for {role:?}");
    }
}

fuzz_target!(|input: Input| {
    check(Resources::parse(&input.text));
    check(Resources::parse_with_default_role(
        &input.text,
        &input.default_role,
    ));
});
