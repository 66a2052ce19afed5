//! Against a real Mesos master and agents on loopback (skipped loudly
//! without Mesos; `MESOS_TEST_REQUIRE=1` makes a missing Mesos a failure).

mod support;

use std::sync::mpsc::{self, Sender};
use std::time::Duration;

use mesos::proto::{Filters, FrameworkId, FrameworkInfo, MasterInfo, Offer, TaskStatus};
use mesos::{DriverStatus, MesosSchedulerDriver, Scheduler, SchedulerDriver};
use support::{require_mesos, Cluster};

const RESOURCES: &str = "cpus:1;mem:512;disk:1000";

fn framework(name: &str) -> FrameworkInfo {
    FrameworkInfo {
        user: String::new(),
        name: name.into(),
        ..Default::default()
    }
}

/// Reports registration and the first offer, declines it, and stops.
struct DeclineAndStop {
    events: Sender<String>,
}

impl Scheduler for DeclineAndStop {
    fn registered(&mut self, _: &SchedulerDriver, framework_id: FrameworkId, master: MasterInfo) {
        let _ = self.events.send(format!(
            "registered {} with master {}:{}",
            framework_id.value,
            master.hostname(),
            master.port
        ));
    }

    fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
        for offer in &offers {
            let _ = self
                .events
                .send(format!("offer {} from {}", offer.id.value, offer.hostname));
            driver
                .decline_offer(
                    &offer.id,
                    &Filters {
                        refuse_seconds: Some(60.0),
                    },
                )
                .unwrap();
        }
        driver.stop(false).unwrap();
    }

    fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}

    fn error(&mut self, _: &SchedulerDriver, message: String) {
        let _ = self.events.send(format!("error {message}"));
    }
}

#[test]
fn registers_receives_an_offer_declines_it_and_stops() {
    let Some(install) = require_mesos("registers_receives_an_offer_declines_it_and_stops") else {
        return;
    };
    support::init_logging();
    let cluster = Cluster::start(&install, 1, RESOURCES);
    let (events, received) = mpsc::channel();
    let driver = MesosSchedulerDriver::builder(
        DeclineAndStop { events },
        framework("decline-and-stop"),
        &*cluster.master,
    )
    .build()
    .expect("create the driver over libmesos");
    let version = mesos::native_library_version().unwrap();
    eprintln!(
        "libmesos {:?} at {} (shim compiled for {})",
        version.loaded, version.path, version.compiled
    );

    let status = driver.run().expect("run ends with stop");
    assert_eq!(status, DriverStatus::Stopped);
    let events: Vec<String> = received.try_iter().collect();
    eprintln!("{events:#?}");
    assert!(events[0].starts_with("registered "), "{events:?}");
    assert!(events.iter().any(|e| e.starts_with("offer ")), "{events:?}");
    assert!(!events.iter().any(|e| e.starts_with("error")), "{events:?}");

    // stop(false) unregistered the framework: the master lists it as completed.
    let state = cluster.wait_for_state(
        "the framework to be torn down",
        Duration::from_secs(20),
        |state| {
            state["frameworks"].as_array().is_some_and(|f| f.is_empty())
                && state["completed_frameworks"]
                    .as_array()
                    .is_some_and(|f| f.len() == 1)
        },
    );
    assert_eq!(state["completed_frameworks"][0]["name"], "decline-and-stop");
}
