//! libmesos's in-process cluster: with the master string `local`, the
//! driver starts a master and an agent inside this process. A cheap
//! real-libmesos check that needs no mesos-master/mesos-agent binaries.
//! Skipped loudly when this build has no libmesos.

use crate::support;

use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use mesos_native::proto::{Filters, FrameworkId, FrameworkInfo, MasterInfo, Offer, TaskStatus};
use mesos_native::{DriverStatus, MesosSchedulerDriver, Scheduler, SchedulerDriver};

struct FirstOffer(mpsc::Sender<String>);

impl Scheduler for FirstOffer {
    fn registered(&mut self, _: &SchedulerDriver, framework_id: FrameworkId, _: MasterInfo) {
        let _ = self.0.send(format!("registered {}", framework_id.value));
    }
    fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
        for offer in offers {
            let _ = self
                .0
                .send(format!("offer with {} resources", offer.resources.len()));
            driver
                .decline_offer(&offer.id, &Filters::default())
                .unwrap();
        }
        driver.stop(false).unwrap();
    }
    fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}
}

/// Set in the child process that runs the in-process cluster.
const CHILD: &str = "MESOS_RS_LOCAL_CLUSTER_CHILD";

/// libmesos's in-process master and agent outlive the driver (nothing
/// stops them before the process exits) and read their flags from
/// `MESOS_*` variables: run here, among every other real test in this
/// binary, they would hand those variables to the other tests' daemons and
/// abort the whole binary once their work directory is removed. So the
/// test runs itself again in a child process that holds the cluster, and
/// removes the work directory only after that child has exited.
#[test]
fn an_in_process_local_cluster_offers_resources() {
    if std::env::var_os(CHILD).is_some() {
        return offers_from_the_local_cluster();
    }
    if !mesos_native_sys::NATIVE_AVAILABLE {
        // Same loud skip as the cluster tests, without needing binaries.
        let _ = support::require_mesos("an_in_process_local_cluster_offers_resources");
        return;
    }
    let work_dir = std::env::temp_dir().join(format!("mesos-rs-local-{}", std::process::id()));
    let mut child = Command::new(std::env::current_exe().expect("current_exe"));
    child
        .args([
            "local_master::an_in_process_local_cluster_offers_resources",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1");
    for (name, value) in [
        ("MESOS_WORK_DIR", work_dir.to_str().unwrap()),
        ("MESOS_LAUNCHER", "posix"),
        ("MESOS_ISOLATION", "posix/cpu,posix/mem"),
        ("MESOS_SYSTEMD_ENABLE_SUPPORT", "false"),
        ("MESOS_RESOURCES", "cpus:1;mem:256;disk:100"),
        ("MESOS_QUIET", "true"),
    ] {
        child.env(name, value);
    }
    let output = child.output().expect("run the in-process cluster's child");
    let _ = std::fs::remove_dir_all(&work_dir);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success() && text.contains("1 passed"),
        "the in-process cluster's child failed:\n{text}"
    );
}

/// In the child: a driver on `local` registers and is offered resources.
fn offers_from_the_local_cluster() {
    let (events, received) = mpsc::channel();
    let framework = FrameworkInfo {
        name: "local-cluster".into(),
        ..Default::default()
    };
    let driver = MesosSchedulerDriver::builder(FirstOffer(events), framework, "local")
        .build()
        .unwrap();
    let handle = (*driver).clone();
    let watchdog = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(60));
        let _ = handle.stop(false);
    });
    assert_eq!(driver.run().unwrap(), DriverStatus::Stopped);
    drop(driver);
    drop(watchdog);
    let events: Vec<String> = received.try_iter().collect();
    assert!(
        events.first().is_some_and(|e| e.starts_with("registered")),
        "{events:?}"
    );
    assert!(
        events.iter().any(|e| e.starts_with("offer with")),
        "{events:?}"
    );
}
