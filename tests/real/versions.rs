//! What differs between the Mesos releases the binding runs on, against the
//! real libmesos this build loaded (and the daemons of its install) (skipped loudly without Mesos;
//! `MESOS_TEST_REQUIRE=1` makes that a failure). The double's tests
//! (`tests/bare/versions.rs`) show the refusal itself; these show that the
//! binding reads the running release right: on 1.10 a feature of 1.11 is
//! refused by name and the framework goes on; on 1.11 and later the same
//! call reaches the master, which then reports it.
//!
//! Run it against each install with `MESOS_HOME=/opt/mesos-1.10` (or 1.11,
//! or the snapshot) and a target directory of that install's own.

use crate::support;
use crate::support::events::{channel, Describe, Ev};
use crate::support::v1_events::{self, v1_channel, V1Ev};
use crate::support::{require_mesos, Cluster};

use std::time::Duration;

use mesos_native::operator::Agent;
use mesos_native::proto::scheduler::attribute_constraint::{predicate, selector};
use mesos_native::proto::scheduler::offer_constraints::{role_constraints, RoleConstraints};
use mesos_native::proto::scheduler::{attribute_constraint, AttributeConstraint, OfferConstraints};
use mesos_native::proto::v1::agent::{call as agent_call, Call as AgentCall};
use mesos_native::proto::v1::scheduler::{call, Call};
use mesos_native::proto::v1::{resource_provider_info, CsiPluginInfo, ResourceProviderInfo};
use mesos_native::proto::FrameworkInfo;
use mesos_native::v1::scheduler::Mesos;
use mesos_native::v1::{devolve, evolve};
use mesos_native::{Error, MesosSchedulerDriver, Shim};

const ROLE: &str = "versions-test";
const WAIT: Duration = Duration::from_secs(60);

/// The release that brought offer constraints and made a CSI plugin's name
/// optional.
const MESOS_1_11: Release = (1, 11, 0);

/// A Mesos release, `(major, minor, patch)`.
type Release = (u32, u32, u32);

/// The running libmesos's version, from the file it was loaded from; `None`
/// when the file name does not say (the binding then lets every feature
/// through, and so does this test).
fn running_release() -> Option<Release> {
    let version = Shim::native().expect("libmesos").library_version();
    eprintln!(
        "libmesos {:?} at {} (shim compiled for {})",
        version.loaded, version.path, version.compiled
    );
    let loaded = version.loaded?;
    let mut parts = loaded.split('.').map(|part| part.parse().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}

/// For `test`: the running release and a one-agent cluster of its install,
/// or `None` (a loud SKIPPED) without Mesos.
fn one_agent_cluster(test: &str) -> Option<(Option<Release>, Cluster)> {
    let install = require_mesos(test)?;
    support::init_logging();
    let running = running_release();
    Some((
        running,
        Cluster::start(&install, 1, "cpus:1;mem:256;disk:100"),
    ))
}

/// Offers in `ROLE` only from agents that have a `rack` attribute.
fn rack_constraints() -> OfferConstraints {
    let has_rack = AttributeConstraint {
        selector: attribute_constraint::Selector {
            selector: Some(selector::Selector::AttributeName("rack".into())),
        },
        predicate: attribute_constraint::Predicate {
            predicate: Some(predicate::Predicate::Exists(predicate::Exists {})),
        },
    };
    let role = RoleConstraints {
        groups: vec![role_constraints::Group {
            attribute_constraints: vec![has_rack],
        }],
    };
    OfferConstraints {
        role_constraints: [(ROLE.to_string(), role)].into(),
    }
}

/// Whether the master lists the active framework `name` with constraints
/// for `ROLE` (GET_FRAMEWORKS has them from 1.11 on).
fn master_has_constraints(cluster: &Cluster, name: &str) -> bool {
    cluster.frameworks().frameworks.iter().any(|framework| {
        framework.framework_info.name == name
            && framework
                .offer_constraints
                .as_ref()
                .is_some_and(|c| c.role_constraints.contains_key(ROLE))
    })
}

#[test]
fn offer_constraints_are_refused_by_name_before_1_11_and_reach_the_master_from_1_11() {
    let test = "offer_constraints_are_refused_by_name_before_1_11_and_reach_the_master_from_1_11";
    let Some((running, cluster)) = one_agent_cluster(test) else {
        return;
    };
    let has_constraints = running.is_none_or(|running| running >= MESOS_1_11);
    let constraints = rack_constraints();

    // v0: SchedulerDriver::update_framework.
    let v0_name = "versions-v0";
    let v0_framework: FrameworkInfo =
        devolve(&v1_events::framework(v0_name, ROLE, 0.0)).expect("a v0 FrameworkInfo");
    let (scheduler, mut events) = channel(|_, _| {});
    let driver = MesosSchedulerDriver::builder(scheduler, v0_framework.clone(), &*cluster.master)
        .build()
        .expect("the v0 driver");
    driver.start().expect("start");
    let framework_id = events.wait_for("registration", WAIT, |event| match event {
        Ev::Registered(id, _) => Some(id.clone()),
        _ => None,
    });
    let registered = FrameworkInfo {
        id: Some(framework_id),
        ..v0_framework
    };
    let answer = driver.update_framework(&registered, &[] as &[&str], Some(&constraints));
    if has_constraints {
        answer.expect("update_framework with offer constraints");
        cluster.poll(
            "the master to list the v0 framework's constraints",
            WAIT,
            |_| master_has_constraints(&cluster, v0_name).then_some(()),
        );
    } else {
        let error = answer.expect_err("offer constraints on a release without them");
        assert_refused(&error, running.unwrap());
        // The framework goes on: the same call without them is fine, and the
        // master never heard of the constraints.
        driver
            .update_framework(&registered, &[] as &[&str], None)
            .expect("update_framework without constraints");
        assert!(!master_has_constraints(&cluster, v0_name));
        let errors: Vec<_> = events
            .collect_for(Duration::from_secs(2))
            .into_iter()
            .filter(|event| matches!(event, Ev::Error(_)))
            .map(|event| event.describe())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
    driver.stop(false).expect("stop");
    drop(driver);

    // v1: a SUBSCRIBE that carries them.
    let v1_name = "versions-v1";
    let (scheduler, mut events) = v1_channel(|_, _| {});
    let mesos = Mesos::builder(scheduler, &*cluster.master)
        .build()
        .expect("the v1 scheduler");
    mesos.start().expect("start");
    events.wait_for("the connection", WAIT, |seen| {
        matches!(seen, V1Ev::Connected).then_some(())
    });
    let mut subscribe = Call {
        subscribe: Some(call::Subscribe {
            framework_info: v1_events::framework(v1_name, ROLE, 0.0),
            offer_constraints: Some(evolve(&constraints).expect("v1 offer constraints")),
            ..Default::default()
        }),
        ..Default::default()
    };
    subscribe.set_type(call::Type::Subscribe);
    if has_constraints {
        mesos
            .send(&subscribe)
            .expect("SUBSCRIBE with offer constraints");
        events.subscribed(WAIT);
        cluster.poll(
            "the master to list the v1 framework's constraints",
            WAIT,
            |_| master_has_constraints(&cluster, v1_name).then_some(()),
        );
    } else {
        let error = mesos
            .send(&subscribe)
            .expect_err("a SUBSCRIBE with offer constraints");
        assert_refused(&error, running.unwrap());
        subscribe.subscribe.as_mut().unwrap().offer_constraints = None;
        mesos.send(&subscribe).expect("SUBSCRIBE without them");
        events.subscribed(WAIT);
        assert!(!master_has_constraints(&cluster, v1_name));
    }
    mesos.stop().expect("stop");
}

/// `error` is the refusal of offer constraints on the `running` release,
/// naming the feature, the release that has it, and the running one.
fn assert_refused(error: &Error, running: Release) {
    let (major, minor, patch) = running;
    let running_text = format!("{major}.{minor}.{patch}");
    assert!(
        matches!(error, Error::Unsupported { feature: "offer constraints", since, running }
            if since == "1.11.0" && *running == running_text),
        "{error:?}"
    );
    eprintln!("refused on {running_text}, as it should be: {error}");
}

/// ADD_RESOURCE_PROVIDER_CONFIG of a storage provider whose CSI plugin has
/// `name` (or none).
fn storage_provider(name: Option<&str>) -> AgentCall {
    let mut call = AgentCall {
        add_resource_provider_config: Some(agent_call::AddResourceProviderConfig {
            info: ResourceProviderInfo {
                r#type: "org.apache.mesos.rp.local.storage".into(),
                name: "versions_test".into(),
                storage: Some(resource_provider_info::Storage {
                    plugin: CsiPluginInfo {
                        r#type: "org.apache.mesos.csi.test".into(),
                        name: name.map(str::to_string),
                        ..Default::default()
                    },
                    ..Default::default()
                }),
                ..Default::default()
            },
        }),
        ..Default::default()
    };
    call.set_type(agent_call::Type::AddResourceProviderConfig);
    call
}

/// A 1.10 agent refuses a CSI plugin without a name as a body that does not
/// parse; the binding says why instead. Later agents read the call (and
/// refuse this provider, whose plugin runs nothing, for its own reasons).
#[test]
fn a_csi_plugin_without_a_name_is_refused_by_name_before_1_11() {
    let test = "a_csi_plugin_without_a_name_is_refused_by_name_before_1_11";
    // The tests run the daemons of the install whose libmesos they load.
    let Some((running, cluster)) = one_agent_cluster(test) else {
        return;
    };
    let agent = Agent::new(&format!("127.0.0.1:{}", cluster.agent_ports[0])).expect("the agent");

    let unnamed = agent.call(storage_provider(None));
    eprintln!("without a name: {unnamed:?}");
    match running {
        Some(running) if running < MESOS_1_11 => {
            let error = unnamed.expect_err("an unnamed plugin on 1.10");
            let running_text = format!("{}.{}.{}", running.0, running.1, running.2);
            assert!(
                matches!(&error, Error::Unsupported { feature, since, running }
                    if feature.contains("CSIPluginInfo.name") && since == "1.11.0"
                        && *running == running_text),
                "{error:?}"
            );
            eprintln!("refused on {running_text}, as it should be: {error}");
        }
        _ => assert!(
            !matches!(unnamed, Err(Error::Unsupported { .. })),
            "{unnamed:?}"
        ),
    }
    let named = agent.call(storage_provider(Some("plugin")));
    eprintln!("with a name: {named:?}");
    assert!(
        !matches!(named, Err(Error::Unsupported { .. })),
        "{named:?}"
    );
}
