//! [`SchedulerHarness`]: a user's [`Scheduler`] behind a real
//! [`MesosSchedulerDriver`] whose libmesos is the in-process double, each
//! callback fired on the test's own thread, each driver call recorded as a
//! [`SchedulerCall`].

use std::sync::Arc;

use mesos_native::proto::{
    FrameworkId, FrameworkInfo, MasterInfo, Offer, OfferId, SlaveId, TaskId, TaskInfo, TaskState,
    TaskStatus,
};
use mesos_native::{MesosSchedulerDriver, Scheduler, SchedulerDriver};
use mesos_native_double::SchedulerDouble;

use crate::harness::Recorder;
use crate::SchedulerCall;

/// A [`Scheduler`] under test: a real driver, over the in-process double
/// of libmesos, started and connected to nothing. Each method fires one
/// callback on the calling thread and returns once the scheduler's
/// callback has returned, so a test reads like the conversation it checks:
///
/// ```
/// use mesos_native::proto::{FrameworkInfo, Offer, TaskStatus};
/// use mesos_native::{Scheduler, SchedulerDriver};
/// use mesos_native_testing::{offers::OfferBuilder, SchedulerCall, SchedulerHarness};
///
/// /// Declines every offer for a minute.
/// struct Idle;
/// impl Scheduler for Idle {
///     fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
///         for offer in offers {
///             let filters = mesos_native::operations::refuse_seconds(60.0);
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
///         filters: mesos_native::operations::refuse_seconds(60.0),
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
            // The test fires `registered` when it wants to: no watchdog.
            .registration_timeout(None)
            .shim(crate::shim())
            .build()
            .unwrap_or_else(|error| {
                panic!("mesos-native-testing: cannot create the driver: {error}")
            });
        Self::attached(driver, mesos_native_double::scheduler_created_here())
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
        self.registered(&id, &loopback_master());
        id
    }

    /// Fires `resource_offers` with `offers`, as one batch (the name the
    /// v1 harness gives it too).
    pub fn offers(&self, offers: impl IntoIterator<Item = Offer>) {
        self.resource_offers(offers);
    }

    /// Fires `offer_rescinded`.
    pub fn rescind(&self, offer_id: &OfferId) {
        self.offer_rescinded(offer_id);
    }

    /// Fires `slave_lost` (Mesos's old name for an agent).
    pub fn agent_lost(&self, agent_id: &SlaveId) {
        self.slave_lost(agent_id);
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
        self.status_update(&status);
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
                SchedulerCall::LaunchTasks { tasks, .. }
                | SchedulerCall::LaunchTasksOnOffer { tasks, .. } => tasks,
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
    crate::calls::typed_scheduler
);
