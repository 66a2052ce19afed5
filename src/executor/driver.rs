//! `MesosExecutorDriver`: owns a libmesos executor driver and the boxed
//! user executor; `ExecutorDriver`: the handle the calls go through.

use std::ops::Deref;
use std::sync::Arc;

use mesos_sys::{mesos_shim_executor_driver, ShimApi};
use prost::Message;

use super::callbacks::CALLBACKS;
use super::Executor;
use crate::callback_state::DriverHandle;
use crate::driver_core::Core;
use crate::error::{Error, Result};
use crate::ffi::{self, buf, EncodedList};
use crate::proto::TaskStatus;
use crate::shared::{Owner, Shared};
use crate::status::DriverStatus;

/// The executor driver calls, as a handle: what a
/// [`MesosExecutorDriver`] dereferences to and what every [`Executor`]
/// callback receives. `Send + Sync`; usable from any thread (for example
/// from a thread running a task) and from inside callbacks.
#[derive(Clone)]
pub struct ExecutorDriver {
    pub(super) shared: Arc<Shared<ExecutorDriver>>,
}

/// An executor driver connected to the agent that launched this process.
///
/// Dropping it ends the driver the way dropping a
/// [`MesosSchedulerDriver`](crate::MesosSchedulerDriver) does: abort, detach
/// every handle, wait for a running callback, drop the executor.
///
/// # Example
///
/// ```no_run
/// use mesos::proto::{TaskId, TaskInfo};
/// use mesos::{Executor, ExecutorDriver, MesosExecutorDriver};
///
/// struct Noop;
/// impl Executor for Noop {
///     fn launch_task(&mut self, _: &ExecutorDriver, _: TaskInfo) {}
///     fn kill_task(&mut self, _: &ExecutorDriver, _: TaskId) {}
/// }
///
/// // Run by the agent, which sets the MESOS_* variables the driver reads.
/// let driver = MesosExecutorDriver::new(Noop)?;
/// driver.run()?;
/// # Ok::<(), mesos::Error>(())
/// ```
pub struct MesosExecutorDriver {
    owner: Owner<ExecutorDriver>,
}

impl MesosExecutorDriver {
    /// Creates a driver configured from this process's `MESOS_*`
    /// environment variables (set by the agent).
    ///
    /// Fails with [`Error::InvalidArgument`] when the variables an agent
    /// sets are missing or malformed (libmesos would exit the process).
    pub fn new(executor: impl Executor + 'static) -> Result<Self> {
        Self::create(Box::new(executor), None, None)
    }

    /// Creates a driver configured from the given `NAME=VALUE` variables
    /// instead of the process environment (safer when other threads may
    /// change the environment).
    pub fn with_environment<K: AsRef<str>, V: AsRef<str>>(
        executor: impl Executor + 'static,
        environment: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self> {
        Self::create(Box::new(executor), Some(entries(environment)), None)
    }

    /// Like [`with_environment`](Self::with_environment) over another
    /// implementation of the shim's C API (a test double). For testing the
    /// binding itself.
    #[doc(hidden)]
    pub fn with_shim_api<K: AsRef<str>, V: AsRef<str>>(
        executor: impl Executor + 'static,
        environment: impl IntoIterator<Item = (K, V)>,
        api: &'static ShimApi,
    ) -> Result<Self> {
        Self::create(Box::new(executor), Some(entries(environment)), Some(api))
    }

    fn create(
        executor: Box<dyn Executor>,
        environment: Option<Vec<String>>,
        api: Option<&'static ShimApi>,
    ) -> Result<Self> {
        let api = match api {
            Some(api) => api,
            None => ffi::native_api()?,
        };
        ffi::check_library_version(api)?;
        if ffi::is_native(api) {
            check_agent_environment(environment.as_deref())?;
        }
        let environment = environment.as_ref().map(EncodedList::strings);
        let owner = Owner::new(api, executor);
        // SAFETY: the callback table is static; the user data outlives the
        // C++ driver (`Shared` deletes the driver before freeing it); the
        // environment array lives until the call returns.
        let raw = unsafe {
            (api.mesos_shim_executor_driver_new)(
                &CALLBACKS,
                owner.shared().user_data(),
                environment
                    .as_ref()
                    .map_or(std::ptr::null(), EncodedList::as_ptr),
                environment.as_ref().map_or(0, EncodedList::len),
            )
        };
        if raw.is_null() {
            // Dropping `owner` frees the state: no C++ driver holds the pointer.
            let message = ffi::last_error(api);
            return Err(Error::Shim {
                code: mesos_sys::MESOS_SHIM_BAD_MESSAGE,
                message,
            });
        }
        owner.shared().attach(raw);
        Ok(Self { owner })
    }
}

impl Deref for MesosExecutorDriver {
    type Target = ExecutorDriver;

    fn deref(&self) -> &ExecutorDriver {
        self.owner.handle()
    }
}

/// The variables an agent gives its executors, checked before libmesos
/// reads them: without them (an executor run by hand, say) libmesos's
/// `start` exits the whole process, or aborts it on a malformed
/// `MESOS_SLAVE_PID`. `entries` are `NAME=VALUE`; `None` means this
/// process's environment.
fn check_agent_environment(entries: Option<&[String]>) -> Result<()> {
    let lookup = |name: &str| -> Option<String> {
        match entries {
            Some(entries) => entries.iter().find_map(|entry| {
                let (key, value) = entry.split_once('=')?;
                (key == name).then(|| value.to_string())
            }),
            None => std::env::var(name).ok(),
        }
    };
    let invalid = |reason: String| Error::InvalidArgument {
        what: "executor environment",
        reason: format!(
            "{reason}; an executor must be launched by a Mesos agent, which sets \
             MESOS_SLAVE_PID, MESOS_SLAVE_ID, MESOS_FRAMEWORK_ID, MESOS_EXECUTOR_ID and \
             MESOS_DIRECTORY"
        ),
    };
    for name in [
        "MESOS_SLAVE_PID",
        "MESOS_SLAVE_ID",
        "MESOS_FRAMEWORK_ID",
        "MESOS_EXECUTOR_ID",
        "MESOS_DIRECTORY",
    ] {
        if lookup(name).is_none() {
            return Err(invalid(format!("{name} is not set")));
        }
    }
    // id@host:port, as libprocess writes a process id.
    let pid = lookup("MESOS_SLAVE_PID").unwrap_or_default();
    let well_formed = pid.split_once('@').is_some_and(|(id, address)| {
        !id.is_empty()
            && address
                .rsplit_once(':')
                .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok())
    });
    if !well_formed {
        return Err(invalid(format!(
            "MESOS_SLAVE_PID '{pid}' is not of the form id@host:port"
        )));
    }
    Ok(())
}

/// `NAME=VALUE` entries for the shim.
fn entries<K: AsRef<str>, V: AsRef<str>>(
    environment: impl IntoIterator<Item = (K, V)>,
) -> Vec<String> {
    environment
        .into_iter()
        .map(|(k, v)| format!("{}={}", k.as_ref(), v.as_ref()))
        .collect()
}

impl ExecutorDriver {
    fn api(&self) -> &'static ShimApi {
        self.shared.core.api
    }

    /// The status as of the last call (or abort).
    pub fn status(&self) -> DriverStatus {
        self.shared.core.status()
    }

    /// Connects to the agent; callbacks begin.
    pub fn start(&self) -> Result<DriverStatus> {
        // SAFETY: `call_start` hands us the live C++ driver, which lives as
        // long as this handle; the shim takes no other pointer.
        let raw = self.shared.call_start(|raw| {
            self.shared.core.note_start();
            // SAFETY: `raw` is the live driver `call_start` lends for this call.
            unsafe { (self.api().mesos_shim_executor_driver_start)(raw) }
        })?;
        match self.shared.core.status_of(raw)? {
            DriverStatus::Running => Ok(DriverStatus::Running),
            DriverStatus::Aborted => Err(self.shared.core.abort_error()),
            status => Err(Error::NotRunning { status }),
        }
    }

    /// Stops the driver; `join`/`run` then return `Ok(Stopped)`.
    pub fn stop(&self) -> Result<DriverStatus> {
        // SAFETY: as in `start`.
        let raw = self
            .shared
            .call(|raw| unsafe { (self.api().mesos_shim_executor_driver_stop)(raw) })?;
        self.shared.core.status_of(raw)
    }

    /// Aborts the driver; no more callbacks.
    pub fn abort(&self) -> Result<DriverStatus> {
        self.abort_and_record()
    }

    /// Blocks until the driver is stopped (`Ok`) or aborted (the reason).
    pub fn join(&self) -> Result<DriverStatus> {
        // SAFETY: as in `start`.
        let raw = self
            .shared
            .call_blocking(|raw| unsafe { (self.api().mesos_shim_executor_driver_join)(raw) })?;
        self.shared.core.expect_finished(raw)
    }

    /// `start` then `join`.
    pub fn run(&self) -> Result<DriverStatus> {
        // SAFETY: as in `start`.
        let raw = self.shared.call_blocking(|raw| {
            self.shared.core.note_start();
            // SAFETY: `raw` is the live driver `call_blocking` lends for this call.
            unsafe { (self.api().mesos_shim_executor_driver_run)(raw) }
        })?;
        self.shared.core.expect_finished(raw)
    }

    /// Reports a task's state to the scheduler (reliably: the agent
    /// retries until the scheduler acknowledges).
    pub fn send_status_update(&self, status: &TaskStatus) -> Result<()> {
        let status = status.encode_to_vec();
        // SAFETY: live driver as in `start`; the buffer lives until the call returns.
        let raw = self.shared.call(|raw| unsafe {
            (self.api().mesos_shim_executor_driver_send_status_update)(raw, buf(&status))
        })?;
        self.shared.core.expect_running(raw)
    }

    /// Sends `data` to the scheduler (best effort).
    pub fn send_framework_message(&self, data: &[u8]) -> Result<()> {
        // SAFETY: live driver as in `start`; the buffer lives until the call returns.
        let raw = self.shared.call(|raw| unsafe {
            (self.api().mesos_shim_executor_driver_send_framework_message)(raw, buf(data))
        })?;
        self.shared.core.expect_running(raw)
    }
}

impl DriverHandle for ExecutorDriver {
    type Raw = mesos_shim_executor_driver;
    type User = dyn Executor;
    const OWNER: &'static str = "MesosExecutorDriver";

    fn from_shared(shared: Arc<Shared<Self>>) -> Self {
        Self { shared }
    }

    fn shared(&self) -> &Shared<Self> {
        &self.shared
    }

    fn abort_fn(api: &ShimApi) -> unsafe extern "C" fn(*mut Self::Raw) -> i32 {
        api.mesos_shim_executor_driver_abort
    }

    fn free_fn(api: &ShimApi) -> unsafe extern "C" fn(*mut Self::Raw) {
        api.mesos_shim_executor_driver_free
    }

    fn may_delete_native(core: &Core) -> bool {
        if ffi::is_native(core.api) && !core.started_natively() {
            // libmesos's ~MesosExecutorDriver dereferences the driver's
            // process, which only `start` creates: deleting a driver that
            // never started crashes. Leak it instead (it holds no thread
            // and will never call back).
            log::debug!("leaking a libmesos executor driver that was never started");
            return false;
        }
        true
    }
}
