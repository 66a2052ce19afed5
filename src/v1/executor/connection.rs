//! [`Mesos`], which owns a libmesos v1 executor and the user's executor it
//! calls, and [`Connection`], the handle every call goes through. The
//! lifecycle calls and the raw `send` are in `driver_calls.rs`, generated
//! from the boundary list; the typed calls are in `calls.rs`.

use std::ops::Deref;

use mesos_native_sys::ShimApi;

use super::callbacks::CALLBACKS;
use super::dispatch::Dispatcher;
use super::environment::agent_environment;
use super::Executor;
use crate::boundary::{EncodedList, Shim};
use crate::driver::{Handle, Kind, Natives, Owner};
use crate::error::Result;
use crate::executor::environment::{entries, variable};
use crate::proto::v1::{ExecutorId, FrameworkId};

/// The calls of a v1 executor, as a handle: [`Mesos`] dereferences to it,
/// every [`Executor`] callback gets one. `Clone + Send + Sync`, cheap to
/// clone; [`Error::NotRunning`](crate::Error::NotRunning) once the owner
/// is dropped.
#[derive(Clone)]
pub struct Connection {
    handle: Handle<Connection>,
}

impl Kind for Connection {
    type Raw = mesos_native_sys::mesos_shim_v1_executor;
    type User = Dispatcher;
    type Settings = V1ExecutorSettings;
    const OWNER: &'static str = "v1::executor::Mesos";

    fn from_handle(handle: Handle<Self>) -> Self {
        Self { handle }
    }

    fn handle(&self) -> &Handle<Self> {
        &self.handle
    }

    fn natives(api: &ShimApi) -> Natives<Self::Raw> {
        super::driver_calls::natives(api)
    }
}

/// A v1 executor connected to its agent through libmesos. Made inside a
/// process an agent launched (it reads the agent's `MESOS_*` variables),
/// then `run()` (or `start()` and `join()`). Subscribe from
/// [`Executor::connected`].
///
/// Dropping it aborts a running executor and waits for a running callback;
/// no callback runs after `drop` returns.
pub struct Mesos {
    owner: Owner<Connection>,
}

/// Options of a v1 executor's [`Mesos`]; see [`Mesos::builder`].
pub struct MesosBuilder {
    executor: Box<dyn Executor>,
    environment: Option<Vec<String>>,
    shim: Option<Shim>,
}

/// The ids every executor call carries, read from the agent's variables
/// when the executor is made.
pub(crate) struct V1ExecutorSettings {
    pub(crate) executor_id: ExecutorId,
    pub(crate) framework_id: FrameworkId,
}

impl Mesos {
    /// An executor configured by this process's environment, as the agent
    /// set it: `builder(executor).build()`.
    pub fn new(executor: impl Executor + 'static) -> Result<Self> {
        Self::builder(executor).build()
    }

    /// Starts building an executor for `executor`.
    pub fn builder(executor: impl Executor + 'static) -> MesosBuilder {
        MesosBuilder {
            executor: Box::new(executor),
            environment: None,
            shim: None,
        }
    }
}

impl MesosBuilder {
    /// Read the agent's variables from these `NAME=VALUE` pairs instead of
    /// the process environment.
    pub fn environment<K: AsRef<str>, V: AsRef<str>>(
        mut self,
        environment: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.environment = Some(entries(environment));
        self
    }

    /// Make the executor through `shim` instead of libmesos's
    /// ([`Shim::native`]): the testing kit's double, for unit tests.
    pub fn shim(mut self, shim: Shim) -> Self {
        self.shim = Some(shim);
        self
    }

    /// Creates the executor (not connected yet). Fails with
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) outside an
    /// agent (where libmesos would exit the process).
    pub fn build(self) -> Result<Mesos> {
        let shim = match self.shim {
            Some(shim) => shim,
            None => Shim::native()?,
        };
        shim.check_version()?;
        let api = shim.api();
        let environment = self.environment;
        let lookup = |name: &str| variable(environment.as_deref(), name);
        agent_environment(lookup)?;
        let settings = V1ExecutorSettings {
            executor_id: ExecutorId {
                value: lookup("MESOS_EXECUTOR_ID").unwrap_or_default(),
            },
            framework_id: FrameworkId {
                value: lookup("MESOS_FRAMEWORK_ID").unwrap_or_default(),
            },
        };
        let encoded = environment.as_ref().map(EncodedList::strings);
        let dispatcher = Box::new(Dispatcher {
            executor: self.executor,
        });
        let owner = Owner::create(api, dispatcher, settings, |user_data| {
            // SAFETY: the callback table is static; the user data outlives
            // the C++ object (its last handle deletes it before the shared
            // half is freed); the environment array lives until the call
            // returns.
            unsafe {
                (api.mesos_shim_v1_executor_new)(
                    &CALLBACKS,
                    user_data,
                    encoded
                        .as_ref()
                        .map_or(std::ptr::null(), EncodedList::as_ptr),
                    encoded.as_ref().map_or(0, EncodedList::len),
                )
            }
        })?;
        Ok(Mesos { owner })
    }
}

impl Deref for Mesos {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.owner.handle()
    }
}

impl Connection {
    pub(crate) fn settings(&self) -> &V1ExecutorSettings {
        crate::driver::Kind::handle(self).settings()
    }
}
