//! `MesosExecutorDriver`: owns a libmesos executor driver and the boxed
//! user executor; `ExecutorDriver`: the handle the calls go through. The
//! calls themselves are in `driver_calls.rs`, generated from the boundary
//! list.

use std::ops::Deref;

use mesos_native_sys::ShimApi;

use super::callbacks::CALLBACKS;
use super::environment;
use super::Executor;
use crate::boundary::{EncodedList, Shim};
use crate::driver::{Handle, Kind, Natives, Owner, State};
use crate::error::Result;

/// The executor driver calls, as a handle: what a
/// [`MesosExecutorDriver`] dereferences to and what every [`Executor`]
/// callback receives. `Send + Sync`; usable from any thread (for example
/// from a thread running a task) and from inside callbacks.
#[derive(Clone)]
pub struct ExecutorDriver {
    handle: Handle<ExecutorDriver>,
}

impl Kind for ExecutorDriver {
    type Raw = mesos_native_sys::mesos_shim_executor_driver;
    type User = dyn Executor;
    type Settings = ();
    const OWNER: &'static str = "MesosExecutorDriver";

    fn from_handle(handle: Handle<Self>) -> Self {
        Self { handle }
    }

    fn handle(&self) -> &Handle<Self> {
        &self.handle
    }

    fn natives(api: &ShimApi) -> Natives<Self::Raw> {
        super::driver_calls::natives(api)
    }

    /// libmesos's `~MesosExecutorDriver` dereferences the driver's process,
    /// which only `start` creates: deleting a driver that never started
    /// crashes. Such a driver is leaked instead (it holds no thread and
    /// will never call back).
    fn may_delete_native(state: State) -> bool {
        state.was_started()
    }
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
/// use mesos_native::proto::{TaskId, TaskInfo};
/// use mesos_native::{Executor, ExecutorDriver, MesosExecutorDriver};
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
/// # Ok::<(), mesos_native::Error>(())
/// ```
pub struct MesosExecutorDriver {
    owner: Owner<ExecutorDriver>,
}

/// Options of a [`MesosExecutorDriver`]; see [`MesosExecutorDriver::builder`].
pub struct ExecutorDriverBuilder {
    executor: Box<dyn Executor>,
    environment: Option<Vec<String>>,
    shim: Option<Shim>,
}

impl MesosExecutorDriver {
    /// A driver configured from this process's `MESOS_*` environment
    /// variables (set by the agent): `builder(executor).build()`.
    pub fn new(executor: impl Executor + 'static) -> Result<Self> {
        Self::builder(executor).build()
    }

    /// Starts building a driver for `executor`.
    pub fn builder(executor: impl Executor + 'static) -> ExecutorDriverBuilder {
        ExecutorDriverBuilder {
            executor: Box::new(executor),
            environment: None,
            shim: None,
        }
    }
}

impl ExecutorDriverBuilder {
    /// Read the agent's variables from these `NAME=VALUE` pairs instead of
    /// the process environment (safer when other threads may change the
    /// environment).
    ///
    /// ```no_run
    /// # use mesos_native::proto::{TaskId, TaskInfo};
    /// # use mesos_native::{Executor, ExecutorDriver, MesosExecutorDriver};
    /// # struct Noop;
    /// # impl Executor for Noop {
    /// #     fn launch_task(&mut self, _: &ExecutorDriver, _: TaskInfo) {}
    /// #     fn kill_task(&mut self, _: &ExecutorDriver, _: TaskId) {}
    /// # }
    /// let agent_environment: Vec<(String, String)> =
    ///     std::env::vars().filter(|(name, _)| name.starts_with("MESOS_")).collect();
    /// let driver = MesosExecutorDriver::builder(Noop).environment(agent_environment).build()?;
    /// # Ok::<(), mesos_native::Error>(())
    /// ```
    pub fn environment<K: AsRef<str>, V: AsRef<str>>(
        mut self,
        environment: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.environment = Some(environment::entries(environment));
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
    /// Fails with [`Error::InvalidArgument`](crate::Error::InvalidArgument)
    /// when the variables an agent sets are missing or malformed (libmesos
    /// would exit the process), and as
    /// [`SchedulerDriverBuilder::build`](crate::SchedulerDriverBuilder::build)
    /// does without a usable libmesos.
    pub fn build(self) -> Result<MesosExecutorDriver> {
        let shim = match self.shim {
            Some(shim) => shim,
            None => Shim::native()?,
        };
        shim.check_version()?;
        let api = shim.api();
        environment::agent_environment(self.environment.as_deref())?;
        let environment = self.environment.as_ref().map(EncodedList::strings);
        let owner = Owner::create(api, self.executor, (), |user_data| {
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
        Ok(MesosExecutorDriver { owner })
    }
}

impl Deref for MesosExecutorDriver {
    type Target = ExecutorDriver;

    fn deref(&self) -> &ExecutorDriver {
        self.owner.handle()
    }
}
