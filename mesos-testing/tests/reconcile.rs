//! `mesos_native::reconcile` inside a scheduler, driven by the testing kit: the
//! scheduler reconciles its task book on registration, and the answers
//! sort its tasks into confirmed, lost and unknown.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use mesos_native::proto::task_status::Reason;
use mesos_native::proto::{FrameworkId, MasterInfo, Offer, SlaveId, TaskId, TaskState, TaskStatus};
use mesos_native::reconcile::{Backoff, Observed, Reconciler, Report};
use mesos_native::{Scheduler, SchedulerDriver};
use mesos_native_testing::{SchedulerCall, SchedulerHarness};

#[derive(Default)]
struct Findings {
    report: Option<Report>,
    strangers: Vec<TaskStatus>,
}

/// Believes it runs `a` and `b` (a restarted framework, say).
struct Book {
    reconciler: Reconciler,
    findings: Arc<Mutex<Findings>>,
}

fn believed(id: &str) -> TaskStatus {
    let mut status = TaskStatus {
        task_id: TaskId { value: id.into() },
        slave_id: Some(SlaveId {
            value: "agent-0".into(),
        }),
        ..Default::default()
    };
    status.set_state(TaskState::TaskRunning);
    status
}

impl Scheduler for Book {
    fn registered(&mut self, driver: &SchedulerDriver, _: FrameworkId, _: MasterInfo) {
        let asks = self
            .reconciler
            .start([believed("a"), believed("b")], Instant::now());
        driver.reconcile_tasks(&asks).unwrap();
    }

    fn resource_offers(&mut self, _: &SchedulerDriver, _: Vec<Offer>) {}

    fn status_update(&mut self, _: &SchedulerDriver, status: TaskStatus) {
        let mut findings = self.findings.lock().unwrap();
        match self.reconciler.observe(&status) {
            Observed::Done(report) => findings.report = Some(report),
            Observed::UnknownToFramework(status) => findings.strangers.push(status),
            _ => {}
        }
    }
}

fn answer(id: &str, state: TaskState) -> TaskStatus {
    let mut status = believed(id);
    status.set_state(state);
    status.set_reason(Reason::Reconciliation);
    status
}

#[test]
fn a_scheduler_reconciles_its_tasks_on_registration_and_learns_what_mesos_knows() {
    let findings = Arc::new(Mutex::new(Findings::default()));
    let book = Book {
        reconciler: Reconciler::new(Backoff::default()),
        findings: Arc::clone(&findings),
    };
    let mut harness = SchedulerHarness::new(book, Default::default());
    harness.register();
    assert_eq!(
        harness.take_calls(),
        [SchedulerCall::ReconcileTasks {
            statuses: vec![believed("a"), believed("b")]
        }]
    );

    harness.status_update(&answer("z", TaskState::TaskRunning)); // not ours
    harness.status_update(&answer("a", TaskState::TaskRunning));
    harness.status_update(&answer("b", TaskState::TaskLost)); // Mesos lost it

    let findings = findings.lock().unwrap();
    let report = findings.report.as_ref().expect("every task answered");
    assert_eq!(report.confirmed, [answer("a", TaskState::TaskRunning)]);
    assert_eq!(report.lost, [answer("b", TaskState::TaskLost)]);
    assert_eq!(findings.strangers, [answer("z", TaskState::TaskRunning)]);
}
