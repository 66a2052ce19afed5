//! NOT PUBLIC API: the seams the crate's own tests and `mesos-bench` use to
//! run the binding over another implementation of the shim's C API (the
//! test double) and to drive the callback trampolines without a driver.
//!
//! A `#[doc(hidden)]` module rather than a cargo feature: the crate's own
//! integration tests need the seams, and a package cannot turn on a
//! feature of itself for its tests (a dev-dependency on itself is a
//! cycle), so a feature would make `cargo test -p mesos` fail unless every
//! caller remembered `--features`; and features unify across a build, so
//! one crate enabling it would expose it to all. Hidden, the seams cost
//! nothing, stay out of the documentation, and their `__` name says
//! "don't": they may change in any release.

use std::os::raw::c_void;

use mesos_sys::{mesos_shim_scheduler_callbacks, ShimApi};

use crate::driver::Owner;
use crate::error::Result;
use crate::executor::{Executor, MesosExecutorDriver};
use crate::scheduler::{Scheduler, SchedulerDriver, SchedulerDriverBuilder};

/// `SchedulerDriverBuilder::shim_api`: build over `api` instead of libmesos.
pub trait SchedulerBuilderSeam {
    /// Use `api` (a test double) instead of the real shim.
    fn shim_api(self, api: &'static ShimApi) -> Self;
}

impl SchedulerBuilderSeam for SchedulerDriverBuilder {
    fn shim_api(mut self, api: &'static ShimApi) -> Self {
        self.api = Some(api);
        self
    }
}

/// `MesosExecutorDriver::with_shim_api`: `with_environment` over `api`.
pub trait ExecutorDriverSeam: Sized {
    /// Like `with_environment`, over `api` (a test double).
    fn with_shim_api<K: AsRef<str>, V: AsRef<str>>(
        executor: impl Executor + 'static,
        environment: impl IntoIterator<Item = (K, V)>,
        api: &'static ShimApi,
    ) -> Result<Self>;
}

impl ExecutorDriverSeam for MesosExecutorDriver {
    fn with_shim_api<K: AsRef<str>, V: AsRef<str>>(
        executor: impl Executor + 'static,
        environment: impl IntoIterator<Item = (K, V)>,
        api: &'static ShimApi,
    ) -> Result<Self> {
        MesosExecutorDriver::create(
            Box::new(executor),
            Some(crate::executor::entries(environment)),
            api,
        )
    }
}

/// For benchmarks (`mesos-bench`): the scheduler callback table the crate
/// hands to the shim, and a user-data pointer for a given [`Scheduler`],
/// without a driver. With these, C++ code can call the crate's real
/// trampolines exactly as the shim's `ForwardingScheduler` does under
/// libmesos. Driver calls made from inside such callbacks return
/// [`Error::NotRunning`](crate::Error::NotRunning): there is no driver.
pub struct CallbackHook {
    /// The same owner a driver has; it never gets a C++ driver.
    owner: Owner<SchedulerDriver>,
}

impl CallbackHook {
    /// `api` is only used to describe errors (pass `mesos_sys::native()`'s).
    pub fn new(scheduler: impl Scheduler + 'static, api: &'static ShimApi) -> Self {
        let settings = crate::scheduler::SchedulerSettings {
            explicit_acknowledgements: false,
        };
        Self {
            owner: Owner::new(api, Box::new(scheduler) as Box<dyn Scheduler>, settings),
        }
    }

    /// The table the crate gives `mesos_shim_scheduler_driver_new`.
    pub fn callbacks(&self) -> &'static mesos_shim_scheduler_callbacks {
        crate::scheduler::callback_table()
    }

    /// The user data to pass to every callback; valid while `self` lives.
    /// The caller stops calling the callbacks before dropping the hook.
    pub fn user_data(&self) -> *mut c_void {
        self.owner.user_data()
    }
}

/// [`CallbackHook`]'s v1 twin: the v1 scheduler callback table and a
/// user-data pointer for a given [`v1::scheduler::Scheduler`](crate::v1::scheduler::Scheduler),
/// without a native object. Calls made from inside such callbacks fail:
/// there is nothing to send them through.
pub struct V1CallbackHook {
    owner: Owner<crate::v1::scheduler::Connection>,
}

impl V1CallbackHook {
    /// `api` is only used to describe errors (pass `mesos_sys::native()`'s).
    pub fn new(
        scheduler: impl crate::v1::scheduler::Scheduler + 'static,
        api: &'static ShimApi,
    ) -> Self {
        Self {
            owner: crate::v1::scheduler::unattached(Box::new(scheduler), api),
        }
    }

    /// The table the crate gives `mesos_shim_v1_scheduler_new`.
    pub fn callbacks(&self) -> &'static mesos_sys::mesos_shim_v1_scheduler_callbacks {
        crate::v1::scheduler::callback_table()
    }

    /// The user data to pass to every callback; valid while `self` lives.
    /// The caller stops calling the callbacks before dropping the hook.
    pub fn user_data(&self) -> *mut c_void {
        self.owner.user_data()
    }
}

/// `v1::scheduler::MesosBuilder::shim_api`: build over `api` instead of
/// libmesos.
pub trait V1SchedulerBuilderSeam {
    /// Use `api` (a test double) instead of the real shim.
    fn shim_api(self, api: &'static ShimApi) -> Self;
}

impl V1SchedulerBuilderSeam for crate::v1::scheduler::MesosBuilder {
    fn shim_api(mut self, api: &'static ShimApi) -> Self {
        self.api = Some(api);
        self
    }
}

/// `v1::executor::Mesos::with_shim_api`: `with_environment` over `api`.
pub trait V1ExecutorSeam: Sized {
    /// Like `with_environment`, over `api` (a test double).
    fn with_shim_api<K: AsRef<str>, V: AsRef<str>>(
        executor: impl crate::v1::executor::Executor + 'static,
        environment: impl IntoIterator<Item = (K, V)>,
        api: &'static ShimApi,
    ) -> Result<Self>;
}

impl V1ExecutorSeam for crate::v1::executor::Mesos {
    fn with_shim_api<K: AsRef<str>, V: AsRef<str>>(
        executor: impl crate::v1::executor::Executor + 'static,
        environment: impl IntoIterator<Item = (K, V)>,
        api: &'static ShimApi,
    ) -> Result<Self> {
        Self::create(
            Box::new(executor),
            Some(crate::executor::entries(environment)),
            api,
        )
    }
}

/// State and Log over `api` (a test double) instead of libmesos.
pub mod state_log {
    use mesos_sys::ShimApi;

    use crate::error::Result;
    use crate::log::Log;
    use crate::state::{State, ZooKeeper};

    /// `State::zookeeper` over `api`.
    pub fn zookeeper_state(api: &'static ShimApi, zookeeper: &ZooKeeper) -> Result<State> {
        State::zookeeper_over(api, zookeeper)
    }

    /// `State::in_memory` over `api`.
    pub fn in_memory_state(api: &'static ShimApi) -> Result<State> {
        State::in_memory_over(api)
    }

    /// `Log::replicas` over `api`.
    pub fn replicas_log(
        api: &'static ShimApi,
        quorum: u32,
        path: &str,
        pids: &[&str],
    ) -> Result<Log> {
        Log::replicas_over(api, quorum, path.as_ref(), pids, true)
    }
}

/// Leader election over `api` (a test double) instead of libmesos.
pub mod election {
    use mesos_sys::ShimApi;

    use crate::election::Election;
    use crate::error::Result;
    use crate::state::ZooKeeper;

    /// `Election::zookeeper` over `api`.
    pub fn zookeeper_election(api: &'static ShimApi, zookeeper: &ZooKeeper) -> Result<Election> {
        Election::zookeeper_over(api, zookeeper)
    }
}

/// For the fuzz targets (`fuzz/`): the binding's own checks and decoders
/// of input that comes from outside, callable without a driver or a
/// storage. Each is the function the binding runs, not a copy.
pub mod hostile_input {
    use crate::error::Result;
    use crate::state::Variable;

    /// The checks an executor's environment (`NAME=VALUE` entries) passes
    /// before libmesos reads it: the v0 driver's, or the v1 executor's.
    pub fn check_executor_environment(entries: &[String], v1: bool) -> Result<()> {
        if v1 {
            let lookup = |name: &str| crate::preconditions::variable(Some(entries), name);
            crate::preconditions::v1_executor::agent_environment(lookup)
        } else {
            crate::preconditions::executor::agent_environment(Some(entries))
        }
    }

    /// A State variable `name` from the bytes a storage returned for it,
    /// as `State::fetch` reads them; `Err` is the reason it refuses them.
    pub fn read_state_entry(name: &str, bytes: &[u8]) -> std::result::Result<Variable, String> {
        crate::state::read_stored(name, bytes)
    }
}
