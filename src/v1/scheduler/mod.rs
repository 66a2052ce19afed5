//! The v1 scheduler: the [`Scheduler`] trait a framework implements, the
//! [`Mesos`] that connects it to a master through libmesos's
//! `mesos::v1::scheduler::Mesos`, and the [`Connection`] every call goes
//! through.
//!
//! # Events: one method per event type
//!
//! The trait has one method per `mesos.v1.scheduler.Event` type, each
//! given that event's own message (`subscribed` gets an
//! [`event::Subscribed`]...), with a default that does nothing (`error`
//! logs). A framework writes the two or three it needs, as with the v0
//! [`crate::Scheduler`], and the compiler checks the payload types. A
//! typed enum would make every framework write the same `match` with a
//! catch-all arm; `received`, the raw batch, is still there to override
//! for code that wants the events as they came.
//!
//! # Example
//!
//! ```no_run
//! use mesos_native::proto::v1::scheduler::event;
//! use mesos_native::proto::v1::FrameworkInfo;
//! use mesos_native::v1::scheduler::{Connection, Mesos, Scheduler};
//!
//! struct Hello;
//!
//! impl Scheduler for Hello {
//!     fn connected(&mut self, connection: &Connection) {
//!         let framework = FrameworkInfo {
//!             user: "nobody".into(),
//!             name: "hello".into(),
//!             ..Default::default()
//!         };
//!         connection.subscribe(framework).unwrap();
//!     }
//!
//!     fn offers(&mut self, connection: &Connection, offers: event::Offers) {
//!         let ids = offers.offers.into_iter().map(|offer| offer.id).collect();
//!         connection.decline(ids, None).unwrap();
//!         connection.stop().unwrap();
//!     }
//! }
//!
//! let mesos = Mesos::builder(Hello, "127.0.0.1:5050").build()?;
//! mesos.run()?;
//! # Ok::<(), mesos_native::Error>(())
//! ```

mod callbacks;
mod calls;
mod connection;
mod dispatch;
mod driver_calls;
mod monitor;
mod preconditions;
mod settings;
mod stall;
mod subscription;

pub use crate::master::MasterProbe;
pub use connection::{Connection, Mesos, MesosBuilder};
pub use stall::ConnectionStalled;
pub use subscription::Heartbeats;

use crate::proto::v1::scheduler::{event, Event};

/// A framework's v1 scheduler: one method per event type, plus the
/// connection's ups and downs.
///
/// Callbacks run one at a time on a libmesos thread, in the order the
/// master sent the events. Each receives a [`Connection`] to make calls
/// with, from inside the callback or kept (cloned) for later. A callback
/// that panics aborts the scheduler: no further callback runs, and
/// [`join`](Connection::join)/[`run`](Connection::run) return
/// [`Error::CallbackPanicked`](crate::Error::CallbackPanicked).
pub trait Scheduler: Send {
    /// The connection to the master is up: subscribe now (also after every
    /// reconnection; the binding fills in the framework id `SUBSCRIBED`
    /// gave, so the same code fails over to the same framework).
    fn connected(&mut self, connection: &Connection) {
        let _ = connection;
    }

    /// The connection to the master went away; libmesos reconnects, and
    /// [`connected`](Scheduler::connected) follows.
    fn disconnected(&mut self, connection: &Connection) {
        let _ = connection;
    }

    /// A batch of events as libmesos delivered them. The default hands
    /// each to its method below, in order; override it to see them raw.
    fn received(&mut self, connection: &Connection, events: Vec<Event>) {
        for event in events {
            dispatch::dispatch(self, connection, event);
        }
    }

    /// The framework is subscribed; [`Connection::framework_id`] is its id
    /// from now on (save it to fail over).
    fn subscribed(&mut self, connection: &Connection, subscribed: event::Subscribed) {
        let _ = (connection, subscribed);
    }

    /// New offers: accept, decline, or let them be rescinded.
    fn offers(&mut self, connection: &Connection, offers: event::Offers) {
        let _ = (connection, offers);
    }

    /// Inverse offers (maintenance): accept or decline them.
    fn inverse_offers(&mut self, connection: &Connection, inverse_offers: event::InverseOffers) {
        let _ = (connection, inverse_offers);
    }

    /// An offer is no longer valid.
    fn rescind(&mut self, connection: &Connection, rescind: event::Rescind) {
        let _ = (connection, rescind);
    }

    /// An inverse offer is no longer valid.
    fn rescind_inverse_offer(
        &mut self,
        connection: &Connection,
        rescind: event::RescindInverseOffer,
    ) {
        let _ = (connection, rescind);
    }

    /// A task's status changed. Acknowledge it (when it has a `uuid`) with
    /// [`Connection::acknowledge`].
    fn update(&mut self, connection: &Connection, update: event::Update) {
        let _ = (connection, update);
    }

    /// An operation (sent with an `id`) changed state. Acknowledge it
    /// (when it has a `uuid`) with [`Connection::acknowledge_operation_status`].
    fn update_operation_status(
        &mut self,
        connection: &Connection,
        update: event::UpdateOperationStatus,
    ) {
        let _ = (connection, update);
    }

    /// A message from an executor.
    fn message(&mut self, connection: &Connection, message: event::Message) {
        let _ = (connection, message);
    }

    /// An agent or an executor failed.
    fn failure(&mut self, connection: &Connection, failure: event::Failure) {
        let _ = (connection, failure);
    }

    /// The master's `ERROR` event (the framework was removed, say), or the
    /// reason [`start`](Connection::start) failed. After a failed start,
    /// `join`/`run` report the same message. The master's terse framework
    /// errors come explained, in parentheses after Mesos's words. After
    /// "Framework has been removed" (a failover timeout that ran out during
    /// a partition, a teardown) the binding forgets the dead framework id:
    /// it subscribes with it no more, and the scheduler's next `subscribe`
    /// without an id registers a new framework.
    fn error(&mut self, connection: &Connection, message: String) {
        let _ = connection;
        log::error!("Mesos v1 scheduler error: {message}");
    }

    /// The master's heartbeat: the subscription is alive.
    fn heartbeat(&mut self, connection: &Connection) {
        let _ = connection;
    }

    /// The scheduler started, but no callback came within the connection
    /// timeout ([`MesosBuilder::connection_timeout`], 30 s by default): the
    /// binding's diagnosis of why, most often that the master cannot be
    /// reached from here (see [`ConnectionStalled`]). Not a libmesos
    /// callback (libmesos says nothing while it cannot connect): the
    /// binding calls it, once, on a thread of its own, in turn with the
    /// others. libmesos keeps trying to connect; the default logs the
    /// diagnosis as an error.
    fn connection_stalled(&mut self, connection: &Connection, stalled: ConnectionStalled) {
        let _ = connection;
        log::error!("Mesos v1 scheduler: {stalled}");
    }
}
