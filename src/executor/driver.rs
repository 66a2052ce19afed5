//! `MesosExecutorDriver`: owns a libmesos executor driver and the boxed
//! user executor; `ExecutorDriver`: the handle the calls go through. The
//! calls themselves come from the boundary's list (see
//! [`crate::from_list`]).

use std::ops::Deref;

use mesos_sys::ShimApi;

use super::callbacks::CALLBACKS;
use super::Executor;
use crate::driver::{Handle, Owner};
use crate::error::Result;
use crate::ffi::{self, EncodedList};
use crate::preconditions;
use crate::proto::TaskStatus;

/// The executor driver calls, as a handle: what a
/// [`MesosExecutorDriver`] dereferences to and what every [`Executor`]
/// callback receives. `Send + Sync`; usable from any thread (for example
/// from a thread running a task) and from inside callbacks.
#[derive(Clone)]
pub struct ExecutorDriver {
    handle: Handle<ExecutorDriver>,
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
    /// Fails with [`Error::InvalidArgument`](crate::Error::InvalidArgument)
    /// when the variables an agent sets are missing or malformed (libmesos
    /// would exit the process).
    pub fn new(executor: impl Executor + 'static) -> Result<Self> {
        Self::create(Box::new(executor), None, ffi::native_api()?)
    }

    /// Creates a driver configured from the given `NAME=VALUE` variables
    /// instead of the process environment (safer when other threads may
    /// change the environment).
    ///
    /// ```no_run
    /// # use mesos::proto::{TaskId, TaskInfo};
    /// # use mesos::{Executor, ExecutorDriver, MesosExecutorDriver};
    /// # struct Noop;
    /// # impl Executor for Noop {
    /// #     fn launch_task(&mut self, _: &ExecutorDriver, _: TaskInfo) {}
    /// #     fn kill_task(&mut self, _: &ExecutorDriver, _: TaskId) {}
    /// # }
    /// let agent_environment: Vec<(String, String)> =
    ///     std::env::vars().filter(|(name, _)| name.starts_with("MESOS_")).collect();
    /// let driver = MesosExecutorDriver::with_environment(Noop, agent_environment)?;
    /// # Ok::<(), mesos::Error>(())
    /// ```
    pub fn with_environment<K: AsRef<str>, V: AsRef<str>>(
        executor: impl Executor + 'static,
        environment: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self> {
        Self::create(
            Box::new(executor),
            Some(entries(environment)),
            ffi::native_api()?,
        )
    }

    /// Creates the driver over `api` (the real shim, or a test double
    /// through [`crate::__test_seams`]).
    pub(crate) fn create(
        executor: Box<dyn Executor>,
        environment: Option<Vec<String>>,
        api: &'static ShimApi,
    ) -> Result<Self> {
        ffi::check_library_version(api)?;
        preconditions::executor::agent_environment(environment.as_deref())?;
        let environment = environment.as_ref().map(EncodedList::strings);
        let owner = Owner::create(api, executor, (), |user_data| {
            // SAFETY: the callback table is static; the user data outlives
            // the C++ driver (its last handle deletes the driver before the
            // shared half is freed); the environment array lives until the
            // call returns.
            unsafe {
                (api.mesos_shim_executor_driver_new)(
                    &CALLBACKS,
                    user_data,
                    environment
                        .as_ref()
                        .map_or(std::ptr::null(), EncodedList::as_ptr),
                    environment.as_ref().map_or(0, EncodedList::len),
                )
            }
        })?;
        Ok(Self { owner })
    }
}

impl Deref for MesosExecutorDriver {
    type Target = ExecutorDriver;

    fn deref(&self) -> &ExecutorDriver {
        self.owner.handle()
    }
}

/// `NAME=VALUE` entries for the shim.
pub(crate) fn entries<K: AsRef<str>, V: AsRef<str>>(
    environment: impl IntoIterator<Item = (K, V)>,
) -> Vec<String> {
    environment
        .into_iter()
        .map(|(k, v)| format!("{}={}", k.as_ref(), v.as_ref()))
        .collect()
}

mesos_sys::shim_boundary!(executor calls => crate::from_list::driver_calls, ExecutorDriver {
    user: dyn Executor,
    settings: (),
    owner: "MesosExecutorDriver",
    preconditions: executor,
};);
