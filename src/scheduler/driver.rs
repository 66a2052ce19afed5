//! `MesosSchedulerDriver`: owns a libmesos scheduler driver and the boxed
//! user scheduler it calls into; `SchedulerDriver`: the handle every driver
//! call goes through, lent to callbacks. The calls themselves are in
//! `driver_calls.rs`, generated from the boundary list.

use std::ops::Deref;
use std::time::Duration;

use mesos_native_sys::ShimApi;
use prost::Message;

use super::callbacks::CALLBACKS;
use super::Scheduler;
use crate::boundary::{buf, EncodedList, Shim};
use crate::driver::{Handle, Kind, Natives, Owner};
use crate::error::Result;
use crate::proto::{Credential, FrameworkInfo};

/// The driver calls, as a handle.
///
/// A [`MesosSchedulerDriver`] dereferences to this, and every
/// [`Scheduler`] callback receives a `&SchedulerDriver`, so the same calls
/// work from the thread that owns the driver, from any other thread, and
/// from inside callbacks. Clone it to keep it (it is `Send + Sync` and
/// cheap to clone). A call takes no lock. A handle never ends the driver:
/// once the owning driver is dropped, calls through remaining handles
/// return [`Error::NotRunning`](crate::Error::NotRunning), and the last handle only frees the aborted
/// libmesos driver object (a callback can't deadlock by ending its own
/// driver).
///
/// Calls that act on a running driver return `Ok(())` when libmesos
/// accepted them (they are asynchronous: the master's answer comes as
/// callbacks), [`Error::NotRunning`](crate::Error::NotRunning) before `start` or after `stop`, and the
/// reason of the abort on an aborted driver.
#[derive(Clone)]
pub struct SchedulerDriver {
    handle: Handle<SchedulerDriver>,
}

impl Kind for SchedulerDriver {
    type Raw = mesos_native_sys::mesos_shim_scheduler_driver;
    type User = dyn Scheduler;
    type Settings = SchedulerSettings;
    const OWNER: &'static str = "MesosSchedulerDriver";

    fn from_handle(handle: Handle<Self>) -> Self {
        Self { handle }
    }

    fn handle(&self) -> &Handle<Self> {
        &self.handle
    }

    fn natives(api: &ShimApi) -> Natives<Self::Raw> {
        super::driver_calls::natives(api)
    }

    /// The master's terse framework errors, explained.
    fn error_message(message: String) -> String {
        super::framework_errors::explained(message)
    }
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
/// use mesos_native::proto::{FrameworkInfo, Offer, TaskStatus};
/// use mesos_native::{MesosSchedulerDriver, Scheduler, SchedulerDriver};
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
/// # Ok::<(), mesos_native::Error>(())
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
    shim: Option<Shim>,
    registration_timeout: Option<Duration>,
}

/// What a scheduler driver's calls need to know of how it was built.
pub(crate) struct SchedulerSettings {
    /// Built with `implicit_acknowledgements(false)`.
    pub(crate) explicit_acknowledgements: bool,
    /// The version of the libmesos it runs on, when known.
    pub(crate) running: Option<crate::features::Version>,
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

    /// How long the started driver may go without its first callback
    /// before the binding diagnoses why it has not registered and tells the
    /// scheduler ([`Scheduler::registration_stalled`]); `None` never.
    /// Default: 30 s.
    pub fn registration_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.registration_timeout = timeout;
        self
    }

    /// Make the driver through `shim` instead of libmesos's
    /// ([`Shim::native`]): the testing kit's double, for unit tests.
    pub fn shim(mut self, shim: Shim) -> Self {
        self.shim = Some(shim);
        self
    }

    /// Creates the driver (not started yet).
    ///
    /// Fails with [`Error::NativeUnavailable`](crate::Error::NativeUnavailable) when this build has no
    /// libmesos, [`Error::IncompatibleLibrary`](crate::Error::IncompatibleLibrary) when the loaded libmesos is
    /// older than the shim, [`Error::InvalidArgument`](crate::Error::InvalidArgument) for a master string
    /// with a NUL byte, and [`Error::Shim`](crate::Error::Shim) (with the shim's own error
    /// kind) when libmesos refuses the framework info.
    pub fn build(self) -> Result<MesosSchedulerDriver> {
        let shim = match self.shim {
            Some(shim) => shim,
            None => Shim::native()?,
        };
        let running = Shim::running(&shim.check_version()?);
        let api = shim.api();
        let master_text = self.master.clone();
        let master = crate::master::master_string(self.master)?;
        let framework = self.framework.encode_to_vec();
        let credential = self.credential.map(|c| c.encode_to_vec());
        let credential_buf = credential.as_deref().map(buf);
        let suppressed = self.suppressed_roles.as_ref().map(EncodedList::strings);
        let settings = SchedulerSettings {
            explicit_acknowledgements: !self.implicit_acknowledgements,
            running,
        };
        let owner: Owner<SchedulerDriver> =
            Owner::create(api, self.scheduler, settings, |user_data| {
                // SAFETY: every pointer argument is valid for the call (the shim
                // copies what it keeps); `user_data` outlives the C++ driver
                // (its last handle deletes the driver before the shared half
                // is freed).
                unsafe {
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
                }
            })?;
        if let Some(timeout) = self.registration_timeout {
            owner.handle().handle.when_started(Box::new(move |driver| {
                super::registration::watch(driver, master_text, timeout);
            }));
        }
        Ok(MesosSchedulerDriver { owner })
    }
}

/// Registration takes under a second where the network lets it; a restarted
/// master may take several to recover its registry first.
const DEFAULT_REGISTRATION_TIMEOUT: Duration = Duration::from_secs(30);

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
            shim: None,
            registration_timeout: Some(DEFAULT_REGISTRATION_TIMEOUT),
        }
    }
}

impl Deref for MesosSchedulerDriver {
    type Target = SchedulerDriver;

    fn deref(&self) -> &SchedulerDriver {
        self.owner.handle()
    }
}
