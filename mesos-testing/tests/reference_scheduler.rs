//! The reference framework's scheduler (`mesos_reference::scheduler`, which
//! `examples/main.rs` runs), tested as a
//! user tests theirs: fed the offers of the reserved reference cluster by
//! the testing kit, on any machine, with no libmesos.

use std::path::Path;

use mesos_native::proto::offer::operation::Type as OperationType;
use mesos_native::proto::{offer, Offer, TaskState};
use mesos_native::resources::Resources;
use mesos_native_testing::offers::{next_offer, reference_cluster};
use mesos_native_testing::{SchedulerCall, SchedulerHarness};

use mesos_reference::executor_command::ExecutorSource;
use mesos_reference::scenario;
use mesos_reference::scheduler::{framework_info, Outcome, RefinementScheduler};

const AGENT_0: &str = "agent-0";

fn harness() -> (SchedulerHarness, Outcome) {
    let outcome = Outcome::default();
    let executor = ExecutorSource::path(Path::new("/bin/true")).unwrap();
    let scheduler = RefinementScheduler::new(executor, false, None, outcome.clone(), None);
    (
        SchedulerHarness::new(scheduler, framework_info(None)),
        outcome,
    )
}

/// The operations of the one `accept_offers` among `calls` (there must be
/// exactly one, for `offer`); every other offer of `offers` declined.
fn accepted(calls: &[SchedulerCall], offer: &Offer, offers: &[Offer]) -> Vec<offer::Operation> {
    let mut accepts = Vec::new();
    let mut declined = Vec::new();
    for call in calls {
        match call {
            SchedulerCall::AcceptOffers {
                offer_ids,
                operations,
                ..
            } => accepts.push((offer_ids.clone(), operations.clone())),
            SchedulerCall::DeclineOffer { offer_id, .. } => declined.push(offer_id.clone()),
            other => panic!("unexpected call {other:?}"),
        }
    }
    assert_eq!(accepts.len(), 1, "one accept: {calls:?}");
    let (offer_ids, operations) = accepts.pop().unwrap();
    assert_eq!(
        offer_ids,
        std::slice::from_ref(&offer.id),
        "the accept is for agent 0's offer"
    );
    let others: Vec<_> = offers
        .iter()
        .filter(|other| other.id != offer.id)
        .map(|other| other.id.clone())
        .collect();
    assert_eq!(declined, others, "every other offer is declined");
    operations
}

#[test]
fn the_reference_scheduler_refines_then_launches_on_agent_0_and_stops_when_the_task_finishes() {
    let (mut harness, outcome) = harness();
    harness.register();

    // 1. The first offers: both halves of agent 0, the tenant1 half of
    //    agent 1, the ports of agents 2 and 3.
    let offers = reference_cluster::offers();
    assert_eq!(offers.len(), 4);
    let agent_0 = offers[0].clone();
    assert_eq!(agent_0.slave_id.value, AGENT_0);
    harness.offers(offers.clone());

    // It refines the tenant1/private half of agent 0, and only that, to
    // its own role.
    let operations = accepted(&harness.take_calls(), &agent_0, &offers);
    assert_eq!(operations.len(), 1);
    assert_eq!(operations[0].r#type(), OperationType::Reserve);
    let refined = Resources::from(operations[0].reserve.clone().unwrap().resources);
    let parent = Resources::from(agent_0.resources.clone()).reserved(Some("tenant1/private"));
    assert!(!parent.is_empty());
    assert_eq!(refined.pop_reservation().unwrap(), parent);
    assert_eq!(refined.reserved(Some(reference_cluster::ROLE)), refined);
    assert!(harness.launched_tasks().is_empty());

    // 2. The master applies the RESERVE and offers agent 0 again (the
    //    other agents' offers are filtered for 30 s by the declines).
    let agent_0_refined = next_offer(&agent_0, &operations).unwrap();
    harness.offers([agent_0_refined.clone()]);

    // It launches its task with its executor, on agent 0, using only the
    // refined resources.
    let operations = accepted(&harness.take_calls(), &agent_0_refined, &[]);
    assert_eq!(operations.len(), 1);
    assert_eq!(operations[0].r#type(), OperationType::Launch);
    let tasks = harness.launched_tasks();
    assert_eq!(tasks.len(), 1);
    let task = &tasks[0];
    assert_eq!(task.task_id.value, scenario::TASK_ID);
    assert_eq!(task.slave_id.value, AGENT_0);
    let executor = task.executor.as_ref().expect("a custom executor");
    assert_eq!(executor.executor_id.value, scenario::EXECUTOR_ID);
    let used =
        Resources::from(task.resources.clone()) + Resources::from(executor.resources.clone());
    assert!(!used.is_empty());
    assert_eq!(
        used.reserved(Some(reference_cluster::ROLE)),
        used,
        "only refined resources"
    );
    let available = Resources::from(agent_0_refined.resources.clone());
    assert!(available.contains(&used), "{used} is within the offer");

    // 3. The task runs, then finishes: the scheduler stops its driver,
    //    tearing the framework down.
    for state in [TaskState::TaskStarting, TaskState::TaskRunning] {
        harness.task_state(scenario::TASK_ID, AGENT_0, state);
        assert!(!harness.is_stopped(), "still running after {state:?}");
    }
    harness.task_state(scenario::TASK_ID, AGENT_0, TaskState::TaskFinished);
    assert!(harness.is_stopped());
    assert_eq!(
        harness.take_calls(),
        [SchedulerCall::Stop { failover: false }]
    );
    let outcome = outcome.lock().unwrap().clone();
    assert!(matches!(outcome, Some(Ok(_))), "{outcome:?}");
}

#[test]
fn the_reference_scheduler_declines_what_it_cannot_use_and_reports_a_failed_task() {
    let (mut harness, outcome) = harness();
    harness.register();

    // Nothing reserved to tenant1/private anywhere: agents 1 to 3 only.
    let offers: Vec<Offer> = reference_cluster::offers().into_iter().skip(1).collect();
    harness.offers(offers.clone());
    assert_eq!(
        harness.declined_offers(),
        offers
            .iter()
            .map(|offer| offer.id.clone())
            .collect::<Vec<_>>()
    );
    assert!(harness.launched_tasks().is_empty());

    // A task that fails (as if launched earlier) ends the run with an error.
    harness.take_calls();
    harness.task_state(scenario::TASK_ID, AGENT_0, TaskState::TaskFailed);
    assert!(harness.is_stopped());
    let outcome = outcome.lock().unwrap().clone();
    assert!(
        matches!(&outcome, Some(Err(message)) if message.contains("TaskFailed")),
        "{outcome:?}"
    );
}

fn reconciliation_answer(state: TaskState) -> mesos_native::proto::TaskStatus {
    let mut status = mesos_native::proto::TaskStatus {
        task_id: mesos_native::proto::TaskId {
            value: scenario::TASK_ID.into(),
        },
        slave_id: Some(mesos_native::proto::SlaveId {
            value: AGENT_0.into(),
        }),
        ..Default::default()
    };
    status.set_state(state);
    status.set_reason(mesos_native::proto::task_status::Reason::Reconciliation);
    status
}

fn failing_over() -> (SchedulerHarness, Outcome) {
    let outcome = Outcome::default();
    let executor = ExecutorSource::path(Path::new("/bin/true")).unwrap();
    let scheduler =
        RefinementScheduler::new(executor, false, None, outcome.clone(), None).failing_over();
    (
        SchedulerHarness::new(scheduler, framework_info(None)),
        outcome,
    )
}

#[test]
fn failing_over_it_reconciles_first_and_waits_for_a_task_mesos_still_runs() {
    let (mut harness, outcome) = failing_over();
    harness.register();
    let calls = harness.take_calls();
    let [SchedulerCall::ReconcileTasks { statuses }] = calls.as_slice() else {
        panic!("it asks about its task first: {calls:?}");
    };
    assert_eq!(statuses[0].task_id.value, scenario::TASK_ID);

    // Until the master answers, nothing that could launch twice.
    let offers = reference_cluster::offers();
    harness.offers(offers.clone());
    assert_eq!(harness.declined_offers().len(), offers.len());
    assert!(harness.launched_tasks().is_empty());

    harness.status_update(&reconciliation_answer(TaskState::TaskRunning));
    harness.offers([reference_cluster::offer_to(reference_cluster::ROLE, 0).unwrap()]);
    assert!(harness.launched_tasks().is_empty(), "the task runs already");
    harness.task_state(scenario::TASK_ID, AGENT_0, TaskState::TaskFinished);
    assert!(harness.is_stopped());
    assert!(matches!(&*outcome.lock().unwrap(), Some(Ok(_))));
}

#[test]
fn failing_over_to_a_task_mesos_lost_it_starts_the_scenario_again() {
    let (mut harness, _) = failing_over();
    harness.register();
    harness.status_update(&reconciliation_answer(TaskState::TaskLost));
    harness.take_calls();
    let offers = reference_cluster::offers();
    harness.offers(offers.clone());
    let operations = accepted(&harness.take_calls(), &offers[0], &offers);
    assert_eq!(operations[0].r#type(), OperationType::Reserve);

    // Its executor names the framework it failed over to.
    harness.offers([next_offer(&offers[0], &operations).unwrap()]);
    let executor = harness.launched_tasks()[0].executor.clone().unwrap();
    assert_eq!(executor.framework_id.unwrap().value, "framework-0");
}

#[test]
fn a_task_a_new_master_answers_lost_ends_the_run() {
    let (mut harness, outcome) = failing_over();
    harness.register();
    harness.status_update(&reconciliation_answer(TaskState::TaskRunning));
    harness.take_calls();

    // A new leading master: asked again, it no longer knows the task.
    harness.reregistered(&mesos_native::proto::MasterInfo::default());
    assert!(matches!(
        harness.take_calls().as_slice(),
        [SchedulerCall::ReconcileTasks { .. }]
    ));
    harness.status_update(&reconciliation_answer(TaskState::TaskLost));
    assert!(harness.is_stopped());
    let outcome = outcome.lock().unwrap().clone();
    assert!(
        matches!(&outcome, Some(Err(message)) if message.contains("TaskLost")),
        "{outcome:?}"
    );
}
