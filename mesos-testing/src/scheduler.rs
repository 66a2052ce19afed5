//! [`SchedulerHarness`]: a user's [`Scheduler`] behind a real
//! [`MesosSchedulerDriver`] whose libmesos is the in-process double, each
//! callback fired on the test's own thread, each driver call recorded as a
//! [`SchedulerCall`].

use std::sync::Arc;

use mesos::__test_seams::SchedulerBuilderSeam;
use mesos::proto::scheduler::OfferConstraints;
use mesos::proto::{
    offer, ExecutorId, Filters, FrameworkId, FrameworkInfo, MasterInfo, Offer, OfferId, Request,
    SlaveId, TaskId, TaskInfo, TaskState, TaskStatus,
};
use mesos::{MesosSchedulerDriver, Scheduler, SchedulerDriver};
use mesos_test_double::SchedulerDouble;
use prost::Message;

use crate::harness::Recorder;

/// One call a scheduler made on its driver, with its arguments typed.
///
/// `launch_tasks_on_offer` is recorded as [`LaunchTasks`](Self::LaunchTasks)
/// with its one offer id; the role-less and per-role forms of revive and
/// suppress are one variant each, `roles: None` meaning every role.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SchedulerCall {
    /// `request_resources`.
    RequestResources {
        /// The requests.
        requests: Vec<Request>,
    },
    /// `launch_tasks` (and `launch_tasks_on_offer`).
    LaunchTasks {
        /// The offers used.
        offer_ids: Vec<OfferId>,
        /// The tasks launched.
        tasks: Vec<TaskInfo>,
        /// Filters for the unused resources.
        filters: Filters,
    },
    /// `kill_task`.
    KillTask {
        /// The task to kill.
        task_id: TaskId,
    },
    /// `accept_offers`.
    AcceptOffers {
        /// The offers accepted.
        offer_ids: Vec<OfferId>,
        /// The operations applied, in order.
        operations: Vec<offer::Operation>,
        /// Filters for the unused resources.
        filters: Filters,
    },
    /// `decline_offer`.
    DeclineOffer {
        /// The offer declined.
        offer_id: OfferId,
        /// Its filters (`refuse_seconds`).
        filters: Filters,
    },
    /// `revive_offers` (`roles: None`) or `revive_offers_for_roles`.
    ReviveOffers {
        /// The roles revived; `None` for all.
        roles: Option<Vec<String>>,
    },
    /// `suppress_offers` (`roles: None`) or `suppress_offers_for_roles`.
    SuppressOffers {
        /// The roles suppressed; `None` for all.
        roles: Option<Vec<String>>,
    },
    /// `acknowledge_status_update`.
    AcknowledgeStatusUpdate {
        /// The update acknowledged.
        status: TaskStatus,
    },
    /// `send_framework_message`.
    SendFrameworkMessage {
        /// To this executor...
        executor_id: ExecutorId,
        /// ...on this agent.
        slave_id: SlaveId,
        /// The message.
        data: Vec<u8>,
    },
    /// `reconcile_tasks` (empty `statuses`: implicit reconciliation).
    ReconcileTasks {
        /// The tasks asked about.
        statuses: Vec<TaskStatus>,
    },
    /// `update_framework`.
    UpdateFramework {
        /// The new framework info.
        framework: FrameworkInfo,
        /// Roles suppressed from now on.
        suppressed_roles: Vec<String>,
        /// Offer constraints, if given.
        offer_constraints: Option<OfferConstraints>,
    },
    /// `stop`.
    Stop {
        /// `true`: the framework stays registered for a failover.
        failover: bool,
    },
    /// `abort`.
    Abort,
}

/// One function per call of the list's scheduler section: the typed call.
mod scheduler_call {
    use super::*;

    pub(super) fn start() -> Option<SchedulerCall> {
        None
    }
    pub(super) fn join() -> Option<SchedulerCall> {
        None
    }
    pub(super) fn run() -> Option<SchedulerCall> {
        None
    }
    pub(super) fn stop(failover: bool) -> Option<SchedulerCall> {
        Some(SchedulerCall::Stop { failover })
    }
    pub(super) fn abort() -> Option<SchedulerCall> {
        Some(SchedulerCall::Abort)
    }
    pub(super) fn request_resources(requests: Vec<Request>) -> Option<SchedulerCall> {
        Some(SchedulerCall::RequestResources { requests })
    }
    pub(super) fn launch_tasks(
        offer_ids: Vec<OfferId>,
        tasks: Vec<TaskInfo>,
        filters: Filters,
    ) -> Option<SchedulerCall> {
        Some(SchedulerCall::LaunchTasks {
            offer_ids,
            tasks,
            filters,
        })
    }
    pub(super) fn launch_tasks_on_offer(
        offer_id: OfferId,
        tasks: Vec<TaskInfo>,
        filters: Filters,
    ) -> Option<SchedulerCall> {
        launch_tasks(vec![offer_id], tasks, filters)
    }
    pub(super) fn kill_task(task_id: TaskId) -> Option<SchedulerCall> {
        Some(SchedulerCall::KillTask { task_id })
    }
    pub(super) fn accept_offers(
        offer_ids: Vec<OfferId>,
        operations: Vec<offer::Operation>,
        filters: Filters,
    ) -> Option<SchedulerCall> {
        Some(SchedulerCall::AcceptOffers {
            offer_ids,
            operations,
            filters,
        })
    }
    pub(super) fn decline_offer(offer_id: OfferId, filters: Filters) -> Option<SchedulerCall> {
        Some(SchedulerCall::DeclineOffer { offer_id, filters })
    }
    pub(super) fn revive_offers() -> Option<SchedulerCall> {
        Some(SchedulerCall::ReviveOffers { roles: None })
    }
    pub(super) fn revive_offers_for_roles(roles: Vec<String>) -> Option<SchedulerCall> {
        Some(SchedulerCall::ReviveOffers { roles: Some(roles) })
    }
    pub(super) fn suppress_offers() -> Option<SchedulerCall> {
        Some(SchedulerCall::SuppressOffers { roles: None })
    }
    pub(super) fn suppress_offers_for_roles(roles: Vec<String>) -> Option<SchedulerCall> {
        Some(SchedulerCall::SuppressOffers { roles: Some(roles) })
    }
    pub(super) fn acknowledge_status_update(status: TaskStatus) -> Option<SchedulerCall> {
        Some(SchedulerCall::AcknowledgeStatusUpdate { status })
    }
    pub(super) fn send_framework_message(
        executor_id: ExecutorId,
        slave_id: SlaveId,
        data: Vec<u8>,
    ) -> Option<SchedulerCall> {
        Some(SchedulerCall::SendFrameworkMessage {
            executor_id,
            slave_id,
            data,
        })
    }
    pub(super) fn reconcile_tasks(statuses: Vec<TaskStatus>) -> Option<SchedulerCall> {
        Some(SchedulerCall::ReconcileTasks { statuses })
    }
    pub(super) fn update_framework(
        framework: FrameworkInfo,
        suppressed_roles: Vec<String>,
        offer_constraints: Option<OfferConstraints>,
    ) -> Option<SchedulerCall> {
        Some(SchedulerCall::UpdateFramework {
            framework,
            suppressed_roles,
            offer_constraints,
        })
    }
}

mesos_sys::shim_boundary!(scheduler calls => typed_calls, scheduler_call => SchedulerCall;);

/// A [`Scheduler`] under test: a real driver, over the in-process double
/// of libmesos, started and connected to nothing. Each method fires one
/// callback on the calling thread and returns once the scheduler's
/// callback has returned, so a test reads like the conversation it checks:
///
/// ```
/// use mesos::proto::{FrameworkInfo, Offer, TaskStatus};
/// use mesos::{Scheduler, SchedulerDriver};
/// use mesos_testing::{offers::OfferBuilder, SchedulerCall, SchedulerHarness};
///
/// /// Declines every offer for a minute.
/// struct Idle;
/// impl Scheduler for Idle {
///     fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
///         for offer in offers {
///             let filters = mesos::operations::refuse_seconds(60.0);
///             driver.decline_offer(&offer.id, &filters).unwrap();
///         }
///     }
///     fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}
/// }
///
/// let mut harness = SchedulerHarness::new(Idle, FrameworkInfo::default());
/// harness.register();
/// let offer = OfferBuilder::new("agent-0").resources("cpus:1;mem:128").build();
/// harness.offers([offer.clone()]);
/// assert_eq!(
///     harness.take_calls(),
///     [SchedulerCall::DeclineOffer {
///         offer_id: offer.id,
///         filters: mesos::operations::refuse_seconds(60.0),
///     }]
/// );
/// ```
///
/// A panic in a callback is caught by the driver, as under libmesos, and
/// raised again here, in the test, by the method that fired the callback.
pub struct SchedulerHarness {
    driver: MesosSchedulerDriver,
    double: Arc<SchedulerDouble>,
    recorder: Recorder,
}

impl SchedulerHarness {
    /// `scheduler` behind a started driver for `framework` (implicit
    /// acknowledgements, as by default).
    pub fn new(scheduler: impl Scheduler + 'static, framework: FrameworkInfo) -> Self {
        Self::build(scheduler, framework, true)
    }

    /// Like [`new`](Self::new), with explicit acknowledgements: the
    /// scheduler must call `acknowledge_status_update` itself.
    pub fn with_explicit_acknowledgements(
        scheduler: impl Scheduler + 'static,
        framework: FrameworkInfo,
    ) -> Self {
        Self::build(scheduler, framework, false)
    }

    fn build(
        scheduler: impl Scheduler + 'static,
        framework: FrameworkInfo,
        implicit_acknowledgements: bool,
    ) -> Self {
        let driver = MesosSchedulerDriver::builder(scheduler, framework, "mesos-testing")
            .implicit_acknowledgements(implicit_acknowledgements)
            .shim_api(&mesos_test_double::API)
            .build()
            .unwrap_or_else(|error| panic!("mesos-testing: cannot create the driver: {error}"));
        Self::attached(driver, mesos_test_double::scheduler_created_here())
    }

    /// The driver handle, as the scheduler's callbacks get it: to call it
    /// from the test as the application's own threads would.
    pub fn driver(&self) -> &SchedulerDriver {
        &self.driver
    }

    /// Fires `registered` with framework id `framework-0` and a master on
    /// 127.0.0.1:5050; returns the id.
    pub fn register(&self) -> FrameworkId {
        let id = FrameworkId {
            value: "framework-0".into(),
        };
        self.registered(id.clone(), loopback_master());
        id
    }

    /// Fires `registered`.
    pub fn registered(&self, framework_id: FrameworkId, master: MasterInfo) {
        self.fire(|double| double.registered(framework_id.encode_to_vec(), master.encode_to_vec()));
    }

    /// Fires `reregistered` with `master`.
    pub fn reregistered(&self, master: MasterInfo) {
        self.fire(|double| double.reregistered(master.encode_to_vec()));
    }

    /// Fires `disconnected`.
    pub fn disconnected(&self) {
        self.fire(|double| double.disconnected());
    }

    /// Fires `resource_offers` with `offers`, as one batch.
    pub fn offers(&self, offers: impl IntoIterator<Item = Offer>) {
        let offers = offers
            .into_iter()
            .map(|offer| offer.encode_to_vec())
            .collect();
        self.fire(|double| double.resource_offers(offers));
    }

    /// Fires `offer_rescinded`.
    pub fn rescind(&self, offer_id: &OfferId) {
        self.fire(|double| double.offer_rescinded(offer_id.encode_to_vec()));
    }

    /// Fires `status_update`.
    pub fn status_update(&self, status: TaskStatus) {
        self.fire(|double| double.status_update(status.encode_to_vec()));
    }

    /// Fires `status_update` for `task` on `agent` in `state`, with a
    /// fresh `uuid` (as the agent sends) so explicit acknowledgements work.
    pub fn task_state(&self, task: &str, agent: &str, state: TaskState) {
        let mut status = TaskStatus {
            task_id: TaskId { value: task.into() },
            slave_id: Some(SlaveId {
                value: agent.into(),
            }),
            uuid: Some(self.recorder.next_uuid()),
            ..Default::default()
        };
        status.set_state(state);
        self.status_update(status);
    }

    /// Fires `framework_message`.
    pub fn framework_message(&self, executor_id: &ExecutorId, slave_id: &SlaveId, data: &[u8]) {
        self.fire(|double| {
            double.framework_message(
                executor_id.encode_to_vec(),
                slave_id.encode_to_vec(),
                data.to_vec(),
            )
        });
    }

    /// Fires `slave_lost`.
    pub fn agent_lost(&self, slave_id: &SlaveId) {
        self.fire(|double| double.slave_lost(slave_id.encode_to_vec()));
    }

    /// Fires `executor_lost` with wait status `status`.
    pub fn executor_lost(&self, executor_id: &ExecutorId, slave_id: &SlaveId, status: i32) {
        self.fire(|double| {
            double.executor_lost(
                executor_id.encode_to_vec(),
                slave_id.encode_to_vec(),
                status,
            )
        });
    }

    /// Fires `error(message)`; the driver is aborted after it, as libmesos
    /// does.
    pub fn error(&self, message: &str) {
        self.fire(|double| double.error(message));
    }

    /// The tasks launched so far, by `launch_tasks` or by LAUNCH
    /// operations of `accept_offers`.
    pub fn launched_tasks(&self) -> Vec<TaskInfo> {
        self.calls()
            .into_iter()
            .flat_map(|call| match call {
                SchedulerCall::LaunchTasks { tasks, .. } => tasks,
                SchedulerCall::AcceptOffers { operations, .. } => operations
                    .into_iter()
                    .filter_map(|operation| operation.launch)
                    .flat_map(|launch| launch.task_infos)
                    .collect(),
                _ => Vec::new(),
            })
            .collect()
    }

    /// The offers declined so far.
    pub fn declined_offers(&self) -> Vec<OfferId> {
        self.calls()
            .into_iter()
            .filter_map(|call| match call {
                SchedulerCall::DeclineOffer { offer_id, .. } => Some(offer_id),
                _ => None,
            })
            .collect()
    }
}

fn loopback_master() -> MasterInfo {
    MasterInfo {
        id: "master-0".into(),
        ip: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be(),
        port: 5050,
        hostname: Some("localhost".into()),
        ..Default::default()
    }
}

harness_basics!(
    SchedulerHarness,
    MesosSchedulerDriver,
    SchedulerDouble,
    SchedulerCall,
    typed
);
