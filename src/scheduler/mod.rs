//! The scheduler side: the [`Scheduler`] trait a framework implements and
//! the [`MesosSchedulerDriver`] that connects it to a Mesos master.

mod callbacks;
mod driver;
mod driver_calls;
pub(crate) mod framework_errors;
mod preconditions;
mod registration;

pub(crate) use driver::SchedulerSettings;
pub use driver::{MesosSchedulerDriver, SchedulerDriver, SchedulerDriverBuilder};
pub use registration::{MasterProbe, RegistrationStalled};

use crate::proto::{ExecutorId, FrameworkId, MasterInfo, Offer, OfferId, SlaveId, TaskStatus};

/// A framework's scheduler: the callbacks of `mesos::Scheduler`, under the
/// same names in snake case.
///
/// Callbacks run one at a time on a libmesos thread, in the order Mesos
/// delivers them. Each receives a [`SchedulerDriver`] handle to act with
/// (accept offers, launch tasks, stop the driver...) from inside the
/// callback. A callback that panics aborts the driver: the panic does not
/// reach libmesos, no further callbacks run, and
/// [`join`](SchedulerDriver::join)/[`run`](SchedulerDriver::run) return
/// [`Error::CallbackPanicked`](crate::Error::CallbackPanicked).
///
/// Only [`resource_offers`](Scheduler::resource_offers) and
/// [`status_update`](Scheduler::status_update) must be written; the other
/// callbacks default to doing nothing (`error` logs).
///
/// # Example
///
/// ```
/// use mesos_native::proto::{Filters, Offer, TaskStatus};
/// use mesos_native::{Scheduler, SchedulerDriver};
///
/// /// Declines everything for a minute and logs task updates.
/// struct Idle;
///
/// impl Scheduler for Idle {
///     fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
///         let filters = Filters { refuse_seconds: Some(60.0) };
///         for offer in offers {
///             let _ = driver.decline_offer(&offer.id, &filters);
///         }
///     }
///
///     fn status_update(&mut self, _driver: &SchedulerDriver, status: TaskStatus) {
///         println!("task {} is {:?}", status.task_id.value, status.state());
///     }
/// }
/// ```
pub trait Scheduler: Send {
    /// The framework registered with a master; `framework_id` is its id
    /// from now on (save it for failover).
    fn registered(
        &mut self,
        driver: &SchedulerDriver,
        framework_id: FrameworkId,
        master_info: MasterInfo,
    ) {
        let _ = (driver, framework_id, master_info);
    }

    /// The framework re-registered with a (possibly new) master after a
    /// disconnection or failover.
    fn reregistered(&mut self, driver: &SchedulerDriver, master_info: MasterInfo) {
        let _ = (driver, master_info);
    }

    /// The connection to the master was lost; the driver keeps trying to
    /// reconnect.
    fn disconnected(&mut self, driver: &SchedulerDriver) {
        let _ = driver;
    }

    /// New offers. Each must eventually be accepted, declined, or left to be
    /// rescinded.
    fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>);

    /// An offer is no longer valid (for example its agent was lost or
    /// another framework used the resources).
    fn offer_rescinded(&mut self, driver: &SchedulerDriver, offer_id: OfferId) {
        let _ = (driver, offer_id);
    }

    /// A task changed state. With explicit acknowledgements, acknowledge it
    /// with [`SchedulerDriver::acknowledge_status_update`].
    fn status_update(&mut self, driver: &SchedulerDriver, status: TaskStatus);

    /// A message from an executor (best effort delivery).
    fn framework_message(
        &mut self,
        driver: &SchedulerDriver,
        executor_id: ExecutorId,
        slave_id: SlaveId,
        data: Vec<u8>,
    ) {
        let _ = (driver, executor_id, slave_id, data);
    }

    /// An agent was lost; its tasks will get terminal status updates.
    fn slave_lost(&mut self, driver: &SchedulerDriver, slave_id: SlaveId) {
        let _ = (driver, slave_id);
    }

    /// An executor exited or was lost; `status` is its wait status.
    fn executor_lost(
        &mut self,
        driver: &SchedulerDriver,
        executor_id: ExecutorId,
        slave_id: SlaveId,
        status: i32,
    ) {
        let _ = (driver, executor_id, slave_id, status);
    }

    /// An unrecoverable error; the driver is aborted right after this
    /// returns (and `join`/`run` return [`Error::Aborted`](crate::Error::Aborted)
    /// with this message). The master's terse framework errors come
    /// explained: after Mesos's words ("Framework has been removed",
    /// "Framework disconnected", "Framework failed over"), in parentheses,
    /// what happened and what to do.
    fn error(&mut self, driver: &SchedulerDriver, message: String) {
        let _ = driver;
        log::error!("Mesos scheduler error: {message}");
    }

    /// The driver started, but no callback came within the registration
    /// timeout ([`SchedulerDriverBuilder::registration_timeout`], 30 s by
    /// default): the binding's diagnosis of why, most often that the master
    /// cannot connect back to this scheduler (see [`RegistrationStalled`]).
    /// Not a libmesos callback: the binding calls it, once, on a thread of
    /// its own, in turn with the others. The driver keeps trying to
    /// register; the default logs the diagnosis as an error.
    fn registration_stalled(&mut self, driver: &SchedulerDriver, stalled: RegistrationStalled) {
        let _ = driver;
        log::error!("Mesos scheduler: {stalled}");
    }
}
