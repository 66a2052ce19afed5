//! What the binding refuses on a Mesos release that lacks a feature, with
//! the double claiming to be libmesos 1.10 (before offer constraints); and
//! that the same calls pass on 1.11, where the double otherwise stands.

use std::time::Duration;

use mesos_native::proto::scheduler::OfferConstraints;
use mesos_native::proto::v1::scheduler::{call, Call};
use mesos_native::proto::FrameworkInfo;
use mesos_native::{Error, MesosSchedulerDriver, Shim};

use crate::fixtures::Idle;

fn framework(name: &str) -> FrameworkInfo {
    FrameworkInfo {
        user: "u".into(),
        name: name.into(),
        ..Default::default()
    }
}

fn started_driver(name: &str, shim: Shim) -> MesosSchedulerDriver {
    let driver = MesosSchedulerDriver::builder(Idle, framework(name), "127.0.0.1:5050")
        .registration_timeout(None)
        .shim(shim)
        .build()
        .unwrap();
    driver.start().unwrap();
    driver
}

#[test]
fn offer_constraints_are_refused_on_1_10_by_name_and_pass_on_1_11() {
    let old = started_driver("constraints-1-10", crate::support::double_on_1_10());
    let constraints = OfferConstraints::default();
    let error = old
        .update_framework(
            &framework("constraints-1-10"),
            &[] as &[&str],
            Some(&constraints),
        )
        .unwrap_err();
    assert!(
        matches!(&error, Error::Unsupported { feature: "offer constraints", since, running }
            if since == "1.11.0" && running == "1.10.0"),
        "{error:?}"
    );
    assert!(error.to_string().contains("need Mesos 1.11.0"), "{error}");
    // Without them, the same call is fine on 1.10.
    old.update_framework(&framework("constraints-1-10"), &[] as &[&str], None)
        .unwrap();

    let new = started_driver("constraints-1-11", crate::support::double());
    new.update_framework(
        &framework("constraints-1-11"),
        &[] as &[&str],
        Some(&constraints),
    )
    .unwrap();
}

struct V1Idle;
impl mesos_native::v1::scheduler::Scheduler for V1Idle {}

#[test]
fn a_v1_call_with_offer_constraints_is_refused_on_1_10() {
    let mesos = mesos_native::v1::scheduler::Mesos::builder(V1Idle, "v1-constraints-1-10")
        .heartbeats(None)
        .shim(crate::support::double_on_1_10())
        .build()
        .unwrap();
    mesos.start().unwrap();
    let mut subscribe = Call {
        subscribe: Some(call::Subscribe {
            framework_info: mesos_native::v1::evolve(&framework("v1")).unwrap(),
            offer_constraints: Some(Default::default()),
            ..Default::default()
        }),
        ..Default::default()
    };
    subscribe.set_type(call::Type::Subscribe);
    let error = mesos.send(&subscribe).unwrap_err();
    assert!(matches!(error, Error::Unsupported { .. }), "{error:?}");
    let answer = mesos.call_async(&subscribe).wait(Duration::ZERO);
    assert!(
        matches!(answer, Err(Error::Unsupported { .. })),
        "{answer:?}"
    );
    // Without constraints, it goes.
    subscribe.subscribe.as_mut().unwrap().offer_constraints = None;
    mesos.send(&subscribe).unwrap();
}
