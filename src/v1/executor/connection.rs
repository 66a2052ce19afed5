//! [`Mesos`], which owns a libmesos v1 executor and the user's executor it
//! calls, and [`Connection`], the handle every call goes through. The
//! lifecycle calls and the raw `send` come from the boundary's list (see
//! [`crate::from_list`]); the typed calls are in `calls.rs`.

use std::ops::Deref;

use mesos_sys::ShimApi;

use super::callbacks::CALLBACKS;
use super::dispatch::Dispatcher;
use super::Executor;
use crate::driver::{Handle, Owner};
use crate::error::Result;
use crate::ffi::{self, EncodedList};
use crate::preconditions;
use crate::proto::v1::executor::Call;
use crate::proto::v1::{ExecutorId, FrameworkId};

/// The calls of a v1 executor, as a handle: [`Mesos`] dereferences to it,
/// every [`Executor`] callback gets one. `Clone + Send + Sync`, cheap to
/// clone; [`Error::NotRunning`](crate::Error::NotRunning) once the owner
/// is dropped.
#[derive(Clone)]
pub struct Connection {
    handle: Handle<Connection>,
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

/// The ids every executor call carries, read from the agent's variables
/// when the executor is made.
pub(crate) struct V1ExecutorSettings {
    pub(crate) executor_id: ExecutorId,
    pub(crate) framework_id: FrameworkId,
}

impl Mesos {
    /// An executor configured by this process's environment, as the agent
    /// set it. Fails with [`Error::InvalidArgument`](crate::Error::InvalidArgument)
    /// outside an agent (where libmesos would exit the process).
    pub fn new(executor: impl Executor + 'static) -> Result<Self> {
        Self::create(Box::new(executor), None, ffi::native_api()?)
    }

    /// An executor configured from the given `NAME=VALUE` variables
    /// instead of the process environment.
    pub fn with_environment<K: AsRef<str>, V: AsRef<str>>(
        executor: impl Executor + 'static,
        environment: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self> {
        Self::create(
            Box::new(executor),
            Some(crate::executor::entries(environment)),
            ffi::native_api()?,
        )
    }

    /// Creates the executor over `api` (the real shim, or a test double
    /// through [`crate::__test_seams`]).
    pub(crate) fn create(
        executor: Box<dyn Executor>,
        environment: Option<Vec<String>>,
        api: &'static ShimApi,
    ) -> Result<Self> {
        ffi::check_library_version(api)?;
        let lookup = |name: &str| preconditions::variable(environment.as_deref(), name);
        preconditions::v1_executor::agent_environment(lookup)?;
        let settings = V1ExecutorSettings {
            executor_id: ExecutorId {
                value: lookup("MESOS_EXECUTOR_ID").unwrap_or_default(),
            },
            framework_id: FrameworkId {
                value: lookup("MESOS_FRAMEWORK_ID").unwrap_or_default(),
            },
        };
        let encoded = environment.as_ref().map(EncodedList::strings);
        let dispatcher = Box::new(Dispatcher { executor });
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
        Ok(Self { owner })
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

mesos_sys::shim_boundary!(v1_executor calls => crate::from_list::driver_calls, Connection {
    user: Dispatcher,
    settings: V1ExecutorSettings,
    owner: "v1::executor::Mesos",
    preconditions: v1_executor,
};);
