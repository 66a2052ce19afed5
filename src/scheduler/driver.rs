//! `MesosSchedulerDriver`: owns a libmesos scheduler driver and the boxed
//! user scheduler it calls into; `SchedulerDriver`: the handle every driver
//! call goes through, lent to callbacks.

use std::ffi::CString;
use std::ops::Deref;
use std::sync::Arc;

use mesos_sys::{mesos_shim_scheduler_driver, ShimApi};
use prost::Message;

use super::callbacks::CALLBACKS;
use super::Scheduler;
use crate::callback_state::DriverHandle;
use crate::driver_core;
use crate::error::{Error, Result};
use crate::ffi::{self, buf, EncodedList};
use crate::proto::scheduler::OfferConstraints;
use crate::proto::{
    offer, Credential, ExecutorId, Filters, FrameworkInfo, OfferId, Request, SlaveId, TaskId,
    TaskInfo, TaskStatus,
};
use crate::shared::{Owner, Shared};
use crate::status::DriverStatus;

/// The driver calls, as a handle.
///
/// A [`MesosSchedulerDriver`] dereferences to this, and every
/// [`Scheduler`] callback receives a `&SchedulerDriver`, so the same calls
/// work from the thread that owns the driver, from any other thread, and
/// from inside callbacks. Clone it to keep it (it is `Send + Sync` and
/// cheap to clone). A call takes no lock. A handle never ends the driver:
/// once the owning driver is dropped, calls through remaining handles
/// return [`Error::NotRunning`], and the last handle only frees the aborted
/// libmesos driver object (a callback can't deadlock by ending its own
/// driver).
///
/// Calls that act on a running driver return `Ok(())` when libmesos
/// accepted them (they are asynchronous: the master's answer comes as
/// callbacks), [`Error::NotRunning`] before `start` or after `stop`, and the
/// reason of the abort on an aborted driver.
#[derive(Clone)]
pub struct SchedulerDriver {
    pub(super) shared: Arc<Shared<SchedulerDriver>>,
}

/// A scheduler driver connected to a Mesos master through libmesos.
///
/// Build one with [`MesosSchedulerDriver::builder`], then `run()` it (or
/// `start()` and later `join()`). All driver calls are on
/// [`SchedulerDriver`], which this dereferences to.
///
/// Dropping the driver aborts it, detaches every [`SchedulerDriver`]
/// handle, waits for a `join`/`run` and a running callback to return, and
/// drops the scheduler; no callback runs after `drop` returns. The libmesos
/// driver object is deleted with the last handle (at once unless clones are
/// kept elsewhere). A driver dropped while running is disconnected without
/// unregistering the framework (like `stop(true)`): call `stop(false)`
/// first to tear the framework down.
///
/// # Example
///
/// ```no_run
/// use mesos::proto::{FrameworkInfo, Offer, TaskStatus};
/// use mesos::{MesosSchedulerDriver, Scheduler, SchedulerDriver};
///
/// struct Hello;
/// impl Scheduler for Hello {
///     fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
///         for offer in offers {
///             driver.decline_offer(&offer.id, &Default::default()).unwrap();
///         }
///         driver.stop(false).unwrap();
///     }
///     fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}
/// }
///
/// let framework = FrameworkInfo {
///     user: String::new(), // libmesos fills in the current user
///     name: "hello".into(),
///     ..Default::default()
/// };
/// let driver = MesosSchedulerDriver::builder(Hello, framework, "127.0.0.1:5050").build()?;
/// driver.run()?;
/// # Ok::<(), mesos::Error>(())
/// ```
pub struct MesosSchedulerDriver {
    owner: Owner<SchedulerDriver>,
}

/// Options of the `MesosSchedulerDriver` constructors; see
/// [`MesosSchedulerDriver::builder`].
pub struct SchedulerDriverBuilder {
    scheduler: Box<dyn Scheduler>,
    framework: FrameworkInfo,
    master: String,
    credential: Option<Credential>,
    implicit_acknowledgements: bool,
    suppressed_roles: Option<Vec<String>>,
    api: Option<&'static ShimApi>,
}

impl SchedulerDriverBuilder {
    /// Authenticate with the master using this credential.
    pub fn credential(mut self, credential: Credential) -> Self {
        self.credential = Some(credential);
        self
    }

    /// `false` to acknowledge status updates yourself with
    /// [`SchedulerDriver::acknowledge_status_update`]. Default `true`.
    pub fn implicit_acknowledgements(mut self, implicit: bool) -> Self {
        self.implicit_acknowledgements = implicit;
        self
    }

    /// Roles whose offers are suppressed from registration on.
    pub fn suppressed_roles<S: Into<String>>(mut self, roles: impl IntoIterator<Item = S>) -> Self {
        self.suppressed_roles = Some(roles.into_iter().map(Into::into).collect());
        self
    }

    /// Use another implementation of the shim's C API (a test double)
    /// instead of libmesos. For testing the binding itself.
    #[doc(hidden)]
    pub fn shim_api(mut self, api: &'static ShimApi) -> Self {
        self.api = Some(api);
        self
    }

    /// Creates the driver (not started yet).
    ///
    /// Fails with [`Error::NativeUnavailable`] when this build has no
    /// libmesos, [`Error::IncompatibleLibrary`] when the loaded libmesos is
    /// older than the shim, [`Error::InvalidArgument`] for a master string
    /// with a NUL byte, and [`Error::Shim`] when libmesos refuses the
    /// framework info.
    pub fn build(self) -> Result<MesosSchedulerDriver> {
        let api = match self.api {
            Some(api) => api,
            None => ffi::native_api()?,
        };
        ffi::check_library_version(api)?;
        let master = CString::new(self.master).map_err(|_| Error::InvalidArgument {
            what: "master",
            reason: "contains a NUL byte; expected host:port, zk://..., file://... or local".into(),
        })?;
        if master.as_bytes().is_empty() {
            return Err(Error::InvalidArgument {
                what: "master",
                reason: "is empty; expected host:port, zk://..., file://... or local".into(),
            });
        }
        let framework = self.framework.encode_to_vec();
        let credential = self.credential.map(|c| c.encode_to_vec());
        let credential_buf = credential.as_deref().map(buf);
        let suppressed = self.suppressed_roles.as_ref().map(EncodedList::strings);

        let owner = Owner::new(api, self.scheduler);
        let shared = owner.shared();
        let user_data = shared.user_data();
        // SAFETY: every pointer argument is valid for the call (the shim
        // copies what it keeps); `user_data` outlives the C++ driver
        // (`Shared` deletes the driver before freeing it).
        let raw = driver_core::during_native_start(&shared.core, || unsafe {
            (api.mesos_shim_scheduler_driver_new)(
                &CALLBACKS,
                user_data,
                buf(&framework),
                master.as_ptr(),
                credential_buf
                    .as_ref()
                    .map_or(std::ptr::null(), |b| b as *const _),
                i32::from(self.implicit_acknowledgements),
                suppressed
                    .as_ref()
                    .map_or(std::ptr::null(), EncodedList::as_ptr),
                suppressed.as_ref().map_or(0, EncodedList::len),
            )
        });
        if raw.is_null() {
            // Dropping `owner` frees the state: no C++ driver holds the pointer.
            let message = ffi::last_error(api);
            return Err(Error::Shim {
                code: mesos_sys::MESOS_SHIM_BAD_MESSAGE,
                message,
            });
        }
        shared.attach(raw);
        shared
            .core
            .set_explicit_acknowledgements(!self.implicit_acknowledgements);
        Ok(MesosSchedulerDriver { owner })
    }
}

impl MesosSchedulerDriver {
    /// Starts building a driver for `scheduler`, registering `framework`
    /// with the master at `master` (`host:port`, `zk://host:port/path`,
    /// `file:///path`, or `local` for an in-process test cluster).
    pub fn builder(
        scheduler: impl Scheduler + 'static,
        framework: FrameworkInfo,
        master: impl Into<String>,
    ) -> SchedulerDriverBuilder {
        SchedulerDriverBuilder {
            scheduler: Box::new(scheduler),
            framework,
            master: master.into(),
            credential: None,
            implicit_acknowledgements: true,
            suppressed_roles: None,
            api: None,
        }
    }
}

impl Deref for MesosSchedulerDriver {
    type Target = SchedulerDriver;

    fn deref(&self) -> &SchedulerDriver {
        self.owner.handle()
    }
}

impl SchedulerDriver {
    fn api(&self) -> &'static ShimApi {
        self.shared.core.api
    }

    /// The status as of the last call (or abort).
    pub fn status(&self) -> DriverStatus {
        self.shared.core.status()
    }

    /// Starts the driver: it connects to the master and callbacks begin.
    /// Returns the new status, `Running`.
    pub fn start(&self) -> Result<DriverStatus> {
        // SAFETY: `call_start` hands us the live C++ driver, which lives as
        // long as this handle; the shim takes no other pointer.
        let raw = self.shared.call_start(|raw| {
            driver_core::during_native_start(&self.shared.core, || unsafe {
                (self.api().mesos_shim_scheduler_driver_start)(raw)
            })
        })?;
        match self.shared.core.status_of(raw)? {
            DriverStatus::Running => Ok(DriverStatus::Running),
            DriverStatus::Aborted => Err(self.shared.core.abort_error()),
            status => Err(Error::NotRunning { status }),
        }
    }

    /// Stops the driver. With `failover = false` the framework is
    /// unregistered and its tasks killed; with `true` it stays registered
    /// so a new driver with the same `FrameworkId` can take over. Returns
    /// the resulting status (`Stopped`, or `Aborted` if it already was).
    pub fn stop(&self, failover: bool) -> Result<DriverStatus> {
        if self.shared.core.start_failed() {
            // Nothing runs; libmesos would mark the process-less driver
            // stopped, and then crash the process in `join`.
            return Ok(self.status());
        }
        // SAFETY: as in `start`.
        let raw = self.shared.call(|raw| unsafe {
            (self.api().mesos_shim_scheduler_driver_stop)(raw, i32::from(failover))
        })?;
        self.shared.core.status_of(raw)
    }

    /// Aborts the driver: no more callbacks, the framework stays registered
    /// (as with `stop(true)`), and `join`/`run` return [`Error::Aborted`].
    pub fn abort(&self) -> Result<DriverStatus> {
        self.abort_and_record()
    }

    /// Blocks until the driver is stopped or aborted. `Ok(Stopped)` after a
    /// `stop`; the abort's reason as an error otherwise (including a panic
    /// in a callback).
    pub fn join(&self) -> Result<DriverStatus> {
        // SAFETY: as in `start`.
        let raw = self
            .shared
            .call_blocking(|raw| unsafe { (self.api().mesos_shim_scheduler_driver_join)(raw) })?;
        self.shared.core.expect_finished(raw)
    }

    /// `start` then `join`.
    pub fn run(&self) -> Result<DriverStatus> {
        // SAFETY: as in `start`.
        let raw = self.shared.call_blocking(|raw| {
            driver_core::during_native_start(&self.shared.core, || unsafe {
                (self.api().mesos_shim_scheduler_driver_run)(raw)
            })
        })?;
        self.shared.core.expect_finished(raw)
    }

    /// Asks the allocator for resources (a hint; most allocators ignore it).
    pub fn request_resources(&self, requests: &[Request]) -> Result<()> {
        let requests = EncodedList::messages(requests);
        // SAFETY: live driver as in `start`; the array lives until the call returns.
        let raw = self.shared.call(|raw| unsafe {
            (self.api().mesos_shim_scheduler_driver_request_resources)(
                raw,
                requests.as_ptr(),
                requests.len(),
            )
        })?;
        self.shared.core.expect_running(raw)
    }

    /// Launches `tasks` on the resources of `offer_ids` (all from one
    /// agent); unused resources are declined with `filters`. An empty task
    /// list declines the offers.
    pub fn launch_tasks(
        &self,
        offer_ids: &[OfferId],
        tasks: &[TaskInfo],
        filters: &Filters,
    ) -> Result<()> {
        let offers = EncodedList::messages(offer_ids);
        let tasks = EncodedList::messages(tasks);
        let filters = filters.encode_to_vec();
        // SAFETY: live driver as in `start`; every buffer lives until the call returns.
        let raw = self.shared.call(|raw| unsafe {
            (self.api().mesos_shim_scheduler_driver_launch_tasks)(
                raw,
                offers.as_ptr(),
                offers.len(),
                tasks.as_ptr(),
                tasks.len(),
                buf(&filters),
            )
        })?;
        self.shared.core.expect_running(raw)
    }

    /// The single-offer form of [`launch_tasks`](Self::launch_tasks)
    /// (deprecated in Mesos; kept for code ported from it).
    pub fn launch_tasks_on_offer(
        &self,
        offer_id: &OfferId,
        tasks: &[TaskInfo],
        filters: &Filters,
    ) -> Result<()> {
        let offer = offer_id.encode_to_vec();
        let tasks = EncodedList::messages(tasks);
        let filters = filters.encode_to_vec();
        // SAFETY: live driver as in `start`; every buffer lives until the call returns.
        let raw = self.shared.call(|raw| unsafe {
            (self.api().mesos_shim_scheduler_driver_launch_tasks_on_offer)(
                raw,
                buf(&offer),
                tasks.as_ptr(),
                tasks.len(),
                buf(&filters),
            )
        })?;
        self.shared.core.expect_running(raw)
    }

    /// Asks Mesos to kill a task; the outcome arrives as a status update.
    pub fn kill_task(&self, task_id: &TaskId) -> Result<()> {
        let task = task_id.encode_to_vec();
        // SAFETY: live driver as in `start`; the buffer lives until the call returns.
        let raw = self.shared.call(|raw| unsafe {
            (self.api().mesos_shim_scheduler_driver_kill_task)(raw, buf(&task))
        })?;
        self.shared.core.expect_running(raw)
    }

    /// Accepts offers (all from one agent) and applies `operations` to their
    /// resources in order: RESERVE, UNRESERVE, CREATE, DESTROY, LAUNCH,
    /// LAUNCH_GROUP... (see [`crate::operations`]). Unused resources are
    /// declined with `filters`. Operations must not carry an `id` (the
    /// driver cannot track operation status): that is
    /// [`Error::InvalidArgument`].
    pub fn accept_offers(
        &self,
        offer_ids: &[OfferId],
        operations: &[offer::Operation],
        filters: &Filters,
    ) -> Result<()> {
        // libmesos aborts the whole process on an operation with an id (the
        // driver cannot deliver operation status updates); refuse it here.
        if let Some(index) = operations
            .iter()
            .position(|operation| operation.id.is_some())
        {
            return Err(Error::InvalidArgument {
                what: "operations",
                reason: format!(
                    "operation {index} has an `id`: the scheduler driver cannot report \
                     operation status updates, so Mesos forbids ids here"
                ),
            });
        }
        let offers = EncodedList::messages(offer_ids);
        let operations = EncodedList::messages(operations);
        let filters = filters.encode_to_vec();
        // SAFETY: live driver as in `start`; every buffer lives until the call returns.
        let raw = self.shared.call(|raw| unsafe {
            (self.api().mesos_shim_scheduler_driver_accept_offers)(
                raw,
                offers.as_ptr(),
                offers.len(),
                operations.as_ptr(),
                operations.len(),
                buf(&filters),
            )
        })?;
        self.shared.core.expect_running(raw)
    }

    /// Declines an offer; `filters.refuse_seconds` keeps the same resources
    /// from being offered again for that long.
    pub fn decline_offer(&self, offer_id: &OfferId, filters: &Filters) -> Result<()> {
        let offer = offer_id.encode_to_vec();
        let filters = filters.encode_to_vec();
        // SAFETY: live driver as in `start`; the buffers live until the call returns.
        let raw = self.shared.call(|raw| unsafe {
            (self.api().mesos_shim_scheduler_driver_decline_offer)(raw, buf(&offer), buf(&filters))
        })?;
        self.shared.core.expect_running(raw)
    }

    /// Removes all filters and unsuppresses every role of the framework.
    pub fn revive_offers(&self) -> Result<()> {
        // SAFETY: as in `start`.
        let raw = self
            .shared
            .call(|raw| unsafe { (self.api().mesos_shim_scheduler_driver_revive_offers)(raw) })?;
        self.shared.core.expect_running(raw)
    }

    /// [`revive_offers`](Self::revive_offers) for some roles only.
    pub fn revive_offers_for_roles<S: AsRef<str>>(&self, roles: &[S]) -> Result<()> {
        let roles = EncodedList::strings(roles);
        // SAFETY: live driver as in `start`; the array lives until the call returns.
        let raw = self.shared.call(|raw| unsafe {
            (self
                .api()
                .mesos_shim_scheduler_driver_revive_offers_for_roles)(
                raw,
                roles.as_ptr(),
                roles.len(),
            )
        })?;
        self.shared.core.expect_running(raw)
    }

    /// Stops offers for every role of the framework until revived.
    pub fn suppress_offers(&self) -> Result<()> {
        // SAFETY: as in `start`.
        let raw = self
            .shared
            .call(|raw| unsafe { (self.api().mesos_shim_scheduler_driver_suppress_offers)(raw) })?;
        self.shared.core.expect_running(raw)
    }

    /// [`suppress_offers`](Self::suppress_offers) for some roles only.
    pub fn suppress_offers_for_roles<S: AsRef<str>>(&self, roles: &[S]) -> Result<()> {
        let roles = EncodedList::strings(roles);
        // SAFETY: live driver as in `start`; the array lives until the call returns.
        let raw = self.shared.call(|raw| unsafe {
            (self
                .api()
                .mesos_shim_scheduler_driver_suppress_offers_for_roles)(
                raw,
                roles.as_ptr(),
                roles.len(),
            )
        })?;
        self.shared.core.expect_running(raw)
    }

    /// Acknowledges a status update (explicit acknowledgements only: on a
    /// driver with implicit ones this is [`Error::InvalidArgument`], where
    /// libmesos itself would abort the process).
    pub fn acknowledge_status_update(&self, status: &TaskStatus) -> Result<()> {
        // libmesos aborts the whole process when this is called on a driver
        // with implicit acknowledgements; refuse it here. (A test double
        // takes the call, which the FFI tests use.)
        if !self.shared.core.explicit_acknowledgements() && ffi::is_native(self.api()) {
            return Err(Error::InvalidArgument {
                what: "call to acknowledge_status_update",
                reason: "this driver acknowledges status updates implicitly (the default); \
                         build it with .implicit_acknowledgements(false) to acknowledge them \
                         yourself"
                    .into(),
            });
        }
        let status = status.encode_to_vec();
        // SAFETY: live driver as in `start`; the buffer lives until the call returns.
        let raw = self.shared.call(|raw| unsafe {
            (self
                .api()
                .mesos_shim_scheduler_driver_acknowledge_status_update)(
                raw, buf(&status)
            )
        })?;
        self.shared.core.expect_running(raw)
    }

    /// Sends `data` to an executor (best effort).
    pub fn send_framework_message(
        &self,
        executor_id: &ExecutorId,
        slave_id: &SlaveId,
        data: &[u8],
    ) -> Result<()> {
        let executor = executor_id.encode_to_vec();
        let slave = slave_id.encode_to_vec();
        // SAFETY: live driver as in `start`; the buffers live until the call returns.
        let raw = self.shared.call(|raw| unsafe {
            (self
                .api()
                .mesos_shim_scheduler_driver_send_framework_message)(
                raw,
                buf(&executor),
                buf(&slave),
                buf(data),
            )
        })?;
        self.shared.core.expect_running(raw)
    }

    /// Asks for the latest state of tasks; an empty list asks for every
    /// task Mesos knows of (implicit reconciliation). Answers arrive as
    /// status updates.
    pub fn reconcile_tasks(&self, statuses: &[TaskStatus]) -> Result<()> {
        let statuses = EncodedList::messages(statuses);
        // SAFETY: live driver as in `start`; the array lives until the call returns.
        let raw = self.shared.call(|raw| unsafe {
            (self.api().mesos_shim_scheduler_driver_reconcile_tasks)(
                raw,
                statuses.as_ptr(),
                statuses.len(),
            )
        })?;
        self.shared.core.expect_running(raw)
    }

    /// Changes the framework's info (roles, capabilities...), its suppressed
    /// roles and, on Mesos 1.11 and later, its offer constraints. The
    /// framework must be registered and `framework.id` set. A role listed
    /// twice in `suppressed_roles` is [`Error::InvalidArgument`].
    pub fn update_framework<S: AsRef<str>>(
        &self,
        framework: &FrameworkInfo,
        suppressed_roles: &[S],
        offer_constraints: Option<&OfferConstraints>,
    ) -> Result<()> {
        // libmesos aborts the whole process on a duplicate; refuse it here.
        let mut seen = std::collections::HashSet::new();
        if let Some(role) = suppressed_roles
            .iter()
            .map(AsRef::as_ref)
            .find(|role| !seen.insert(*role))
        {
            return Err(Error::InvalidArgument {
                what: "suppressed_roles",
                reason: format!("'{role}' is listed twice"),
            });
        }
        let framework = framework.encode_to_vec();
        let roles = EncodedList::strings(suppressed_roles);
        let constraints = offer_constraints.map(Message::encode_to_vec);
        let constraints_buf = constraints.as_deref().map(buf);
        // SAFETY: live driver as in `start`; every buffer lives until the call returns.
        let raw = self.shared.call(|raw| unsafe {
            (self.api().mesos_shim_scheduler_driver_update_framework)(
                raw,
                buf(&framework),
                roles.as_ptr(),
                roles.len(),
                constraints_buf
                    .as_ref()
                    .map_or(std::ptr::null(), |b| b as *const _),
            )
        })?;
        self.shared.core.expect_running(raw)
    }
}

impl DriverHandle for SchedulerDriver {
    type Raw = mesos_shim_scheduler_driver;
    type User = dyn Scheduler;
    const OWNER: &'static str = "MesosSchedulerDriver";

    fn from_shared(shared: Arc<Shared<Self>>) -> Self {
        Self { shared }
    }

    fn shared(&self) -> &Shared<Self> {
        &self.shared
    }

    fn abort_fn(api: &ShimApi) -> unsafe extern "C" fn(*mut Self::Raw) -> i32 {
        api.mesos_shim_scheduler_driver_abort
    }

    fn free_fn(api: &ShimApi) -> unsafe extern "C" fn(*mut Self::Raw) {
        api.mesos_shim_scheduler_driver_free
    }
}
