//! Typed clients of the operator API of Mesos masters and agents
//! (`POST /api/v1`), what `mesos-go`'s `httpmaster`/`httpagent` and
//! pymesos's operator clients are for other languages: reservations,
//! maintenance windows, cluster state for reconciliation and dashboards,
//! and the master's event stream. Feature `operator`, on by default.
//!
//! ```no_run
//! use mesos_native::operator::Master;
//! use mesos_native::proto::v1::master::event::Type;
//!
//! let master = Master::builder("zk://10.0.0.1:2181,10.0.0.2:2181/mesos")
//!     .credentials("ops", std::env::var("MESOS_SECRET").unwrap_or_default())
//!     .build()?;
//! println!("{} agents", master.get_agents()?.agents.len());
//!
//! for event in master.subscribe()? {
//!     let event = event?;
//!     if event.r#type() == Type::TaskUpdated {
//!         let update = event.task_updated.unwrap();
//!         println!("{} is {:?}", update.status.task_id.value, update.state());
//!     }
//! }
//! // The stream ended: the master went away or lost its leadership.
//! # Ok::<(), mesos_native::Error>(())
//! ```
//!
//! # What it does
//!
//! - **Protobuf** both ways (`application/x-protobuf`), the messages of
//!   [`proto::v1::master`](crate::proto::v1::master) and
//!   [`proto::v1::agent`](crate::proto::v1::agent). `call_json` sends a
//!   call and returns Mesos's JSON answer as text, to read while debugging;
//!   no JSON is built by hand.
//! - **HTTP basic authentication** with
//!   [`Builder::credentials`], sent with every call, redirects included.
//! - **A timeout per call** ([`Builder::timeout`]): connecting, sending
//!   and the whole answer, for each master a redirected call reaches. An event stream has its own limit on silence
//!   ([`Builder::event_timeout`]), since it never ends by itself.
//! - **The leading master**: a master that does not lead answers with a
//!   redirect (307, `Location: //host:port/api/v1`); the client follows it
//!   (at most 4 hops, and an error that lists them when they go in a
//!   circle) and sends later calls to the leader directly, until it stops
//!   answering. A `zk://HOST:PORT,.../PATH` address is resolved in
//!   ZooKeeper by libmesos's own leader detector (masters found that way
//!   are spoken to over plain HTTP); without libmesos that is
//!   [`Error::NativeUnavailable`](crate::Error::NativeUnavailable), and an
//!   `http://` address of any master works instead.
//! - **Errors** ([`Error::Operator`](crate::Error::Operator), an
//!   [`OperatorError`]) name the endpoint, the call and what went wrong:
//!   the HTTP status with Mesos's body, a transport failure (check the
//!   address), a redirect loop, an answer that does not decode. No answer
//!   in time is [`Error::TimedOut`](crate::Error::TimedOut), naming the
//!   call and the endpoint, as for every other wait of the crate.
//! - **An async form**: `call_async` returns the crate's
//!   [`Completion`](crate::Completion), to `.await` on any runtime; the
//!   call runs on a thread of its own.
//!
//! # The HTTP client
//!
//! [ureq](https://docs.rs/ureq) 3, without its default features: blocking
//! (no async runtime dragged into a crate built around callbacks),
//! maintained, and with a small tree (`http`, `httparse`, `base64`,
//! `percent-encoding` and two crates of its own). `https://` needs feature
//! `operator-tls` (rustls); masters usually speak plain HTTP. Everything
//! but the few lines that send a request and read an answer is plain data
//! handling (addresses and redirects, RecordIO, decoding), so a natively
//! async transport could later be added on the same pieces.
//!
//! # Testing code that uses it
//!
//! The companion crate `mesos-native-testing` has a fake master and agent
//! (`mesos_native_testing::operator`): in-process HTTP servers on loopback that
//! answer from canned responses or a closure, record the typed calls they
//! got, stream pushed events, and can require credentials or redirect like
//! a master that does not lead.

mod address;
mod agent;
mod builder;
mod client;
mod error;
mod events;
mod leader;
mod master;
mod recordio;
mod transport;

pub use agent::Agent;
pub use builder::{Builder, DEFAULT_EVENT_TIMEOUT, DEFAULT_TIMEOUT};
pub use error::{OperatorError, OperatorErrorKind};
pub use events::Events;
pub use master::Master;
