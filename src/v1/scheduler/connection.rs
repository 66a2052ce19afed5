//! [`Mesos`], which owns a libmesos v1 scheduler and the user's scheduler
//! it calls, its builder, and [`Connection`], the handle every call goes
//! through. The lifecycle calls and the raw `send`/`call_async`/`reconnect`
//! are in `driver_calls.rs`, generated from the boundary list; the typed
//! calls are in `calls.rs`.

use std::ops::Deref;
use std::time::Duration;

use mesos_native_sys::ShimApi;
use prost::Message;

use super::callbacks::CALLBACKS;
use super::dispatch::Dispatcher;
use super::monitor;
use super::settings::V1SchedulerSettings;
use super::stall;
use super::subscription::{Heartbeats, Subscription};
use super::Scheduler;
use crate::boundary::{buf, Shim};
use crate::driver::{Handle, Kind, Natives, Owner};
use crate::error::{Error, Result};
use crate::proto::v1::{Credential, FrameworkId};

/// The calls of a v1 scheduler, as a handle.
///
/// [`Mesos`] dereferences to this, and every [`Scheduler`] callback gets
/// one, so calls work from any thread and from inside callbacks. It is
/// `Clone + Send + Sync` and cheap to clone; a call takes no lock but the
/// one around the framework id. Once the owning [`Mesos`] is dropped, calls
/// return [`Error::NotRunning`].
///
/// Calls return `Ok(())` once libmesos has them: answers come as events.
/// libmesos drops a call it finds invalid (with a log line); the typed
/// calls fill in what it checks: the framework id (from `SUBSCRIBED`) and
/// the call's type.
#[derive(Clone)]
pub struct Connection {
    handle: Handle<Connection>,
}

impl Kind for Connection {
    type Raw = mesos_native_sys::mesos_shim_v1_scheduler;
    type User = Dispatcher;
    type Settings = V1SchedulerSettings;
    const OWNER: &'static str = "v1::scheduler::Mesos";

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

/// A v1 scheduler connected to a Mesos master through libmesos.
///
/// Build one with [`Mesos::builder`], then `run()` it (or `start()` and
/// later `join()`). Subscribe from [`Scheduler::connected`]. All calls are
/// on [`Connection`], which this dereferences to.
///
/// Dropping it aborts a running scheduler, waits for a `join`/`run` and a
/// running callback to return, and drops the user's scheduler; no
/// callback runs after `drop` returns. The connection to the master
/// closes with the last handle (the heartbeat monitor's own lets go
/// within 100 ms of the drop). The framework stays registered (as after
/// a failover) unless a `TEARDOWN` was sent first
/// ([`Connection::teardown`]).
pub struct Mesos {
    owner: Owner<Connection>,
}

/// Options of a [`Mesos`]; see [`Mesos::builder`].
pub struct MesosBuilder {
    scheduler: Box<dyn Scheduler>,
    master: String,
    credential: Option<Credential>,
    heartbeats: Option<Heartbeats>,
    shim: Option<Shim>,
    connection_timeout: Option<Duration>,
}

impl MesosBuilder {
    /// Authenticate with the master using this credential (for a master
    /// run with `--authenticate_http_frameworks`).
    pub fn credential(mut self, credential: Credential) -> Self {
        self.credential = Some(credential);
        self
    }

    /// How the binding keeps the subscription alive, or `None` to leave
    /// it to the scheduler. By default ([`Heartbeats::default`]): no event
    /// from the master for 3 heartbeat intervals means the connection is
    /// dead, and the binding reconnects; after any reconnection it sends
    /// `SUBSCRIBE` again itself, with the framework id, backing off from
    /// 1 s to 30 s until `SUBSCRIBED`. The scheduler sees `disconnected`,
    /// then `connected`; its own `subscribe` from `connected` is then not
    /// sent twice.
    pub fn heartbeats(mut self, heartbeats: Option<Heartbeats>) -> Self {
        self.heartbeats = heartbeats;
        self
    }

    /// How long the started scheduler may go without its first callback
    /// before the binding diagnoses why it has not connected and tells the
    /// scheduler ([`Scheduler::connection_stalled`]); `None` never.
    /// Default: 30 s.
    pub fn connection_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connection_timeout = timeout;
        self
    }

    /// Make the scheduler through `shim` instead of libmesos's
    /// ([`Shim::native`]): the testing kit's double, for unit tests.
    pub fn shim(mut self, shim: Shim) -> Self {
        self.shim = Some(shim);
        self
    }

    /// Creates the scheduler (not connected yet).
    ///
    /// Fails with [`Error::NativeUnavailable`] when this build has no
    /// libmesos, [`Error::IncompatibleLibrary`] when the loaded libmesos is
    /// older than the shim, [`Error::InvalidArgument`] for an empty master
    /// or one with a NUL byte, and [`Error::Shim`] with
    /// [`ShimErrorKind::Unavailable`](crate::ShimErrorKind::Unavailable)
    /// when `mesos-native-sys` was built against an install without the v1
    /// headers. A master libmesos can't use is found by `start`.
    pub fn build(self) -> Result<Mesos> {
        let shim = match self.shim {
            Some(shim) => shim,
            None => Shim::native()?,
        };
        let running = Shim::running(&shim.check_version()?);
        let api = shim.api();
        let master_text = self.master.clone();
        let master = crate::master::master_string(self.master)?;
        let credential = self.credential.map(|c| c.encode_to_vec());
        let credential_buf = credential.as_deref().map(buf);
        let dispatcher = Box::new(Dispatcher {
            scheduler: self.scheduler,
        });
        let owner: Owner<Connection> = Owner::create(
            api,
            dispatcher,
            V1SchedulerSettings::new(running),
            |user_data| {
                // SAFETY: the callback table is static; every pointer argument
                // is valid for the call (the shim copies what it keeps);
                // `user_data` outlives the C++ object (its last handle deletes
                // it before the shared half is freed).
                unsafe {
                    (api.mesos_shim_v1_scheduler_new)(
                        &CALLBACKS,
                        user_data,
                        master.as_ptr(),
                        credential_buf
                            .as_ref()
                            .map_or(std::ptr::null(), |b| b as *const _),
                    )
                }
            },
        )?;
        if let Some(policy) = self.heartbeats {
            monitor::spawn(owner.handle().clone(), policy);
        }
        if let Some(timeout) = self.connection_timeout {
            owner
                .handle()
                .handle
                .when_started(Box::new(move |connection| {
                    stall::watch(connection, master_text, timeout);
                }));
        }
        Ok(Mesos { owner })
    }
}

/// Connecting takes under a second where the network lets it (after a
/// random delay of up to 2 s libmesos adds); a master that was just elected
/// may take several to answer.
const DEFAULT_CONNECTION_TIMEOUT: Duration = Duration::from_secs(30);

impl Mesos {
    /// Starts building a v1 scheduler for `scheduler`, connecting to the
    /// master at `master` (`host:port`, `zk://host:port/path`,
    /// `file:///path`, or `local` for an in-process test cluster).
    pub fn builder(scheduler: impl Scheduler + 'static, master: impl Into<String>) -> MesosBuilder {
        MesosBuilder {
            scheduler: Box::new(scheduler),
            master: master.into(),
            credential: None,
            heartbeats: Some(Heartbeats::default()),
            shim: None,
            connection_timeout: Some(DEFAULT_CONNECTION_TIMEOUT),
        }
    }
}

impl Deref for Mesos {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.owner.handle()
    }
}

impl Connection {
    /// The framework's id: from `SUBSCRIBED`, or the one it subscribed
    /// with; `None` before either.
    pub fn framework_id(&self) -> Option<FrameworkId> {
        self.subscription(|subscription| subscription.framework_id())
    }

    /// Runs `use_it` on the subscription's state.
    pub(crate) fn subscription<R>(&self, use_it: impl FnOnce(&mut Subscription) -> R) -> R {
        let settings: &V1SchedulerSettings = crate::driver::Kind::handle(self).settings();
        settings.subscription(use_it)
    }

    /// The framework id every call but `SUBSCRIBE` needs.
    pub(crate) fn subscribed_id(&self) -> Result<FrameworkId> {
        self.framework_id().ok_or_else(|| Error::InvalidArgument {
            what: "call",
            reason: "the framework has no id yet: subscribe (Connection::subscribe) and wait for \
                     the SUBSCRIBED event before other calls"
                .into(),
        })
    }
}
