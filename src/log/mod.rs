//! libmesos's replicated log (`mesos::log::Log`), the one Java frameworks
//! reach through `org.apache.mesos.Log` (Aurora keeps its whole storage in
//! it): a [`Log`] replica, a [`Reader`] and a [`Writer`] of it, and
//! [`Position`]s.
//!
//! A log is a set of replicas, each in its own directory (`path`), of
//! which a quorum must answer. A replica finds the others through ZooKeeper
//! ([`Log::zookeeper`]) or is told their pids ([`Log::replicas`]). A new
//! replica must be initialized once before use: by `mesos-log initialize
//! --path=DIR`, or by opening it with `auto_initialize`, which lets
//! libmesos initialize the log when every replica is empty.
//!
//! Writing needs leadership: [`Writer::start`] runs an election, and a
//! writer that another writer has since displaced gets
//! [`Error::LostLeadership`] from `append` and `truncate`, never a hang;
//! `start` again to compete. An operation without a quorum answers
//! [`Error::TimedOut`] once its timeout passes. Every operation also has a
//! form that returns a [`Completion`] (`append_async`...).
//!
//! Each constructor is [`Log::open`] on libmesos's [`Shim`]. Unit tests
//! open a log on the testing kit's in-memory double instead
//! (`mesos_native_testing::log()`), with the same API and leadership rules (Aurora
//! had to write its own, as libmesos's could not be mocked: MESOS-796).
//!
//! ```
//! # // The testing kit's in-memory double, as a unit test would use it.
//! # let shim = unsafe { mesos_native::Shim::from_api(&mesos_native_double::API) };
//! use std::time::Duration;
//! use mesos_native::log::{Log, Replicas};
//!
//! // Or Log::replicas(1, "/var/lib/app/log", &[] as &[&str], true) on libmesos.
//! let log = Log::open(shim, 1, "/var/lib/app/log", Replicas::Pids(vec![]), true)?;
//! let timeout = Duration::from_secs(5);
//! let writer = log.writer()?;
//! writer.start(timeout)?;
//! let first = writer.append(b"one", timeout)?;
//! let second = writer.append(b"two", timeout)?;
//! assert!(first < second);
//!
//! let reader = log.reader()?;
//! let entries = reader.read(first, reader.ending(timeout)?, timeout)?;
//! assert_eq!(entries.iter().map(|e| e.data.as_slice()).collect::<Vec<_>>(), [b"one", b"two"]);
//!
//! // A second writer's election displaces the first.
//! let other = log.writer()?;
//! other.start(timeout)?;
//! assert!(matches!(writer.append(b"three", timeout), Err(mesos_native::Error::LostLeadership { .. })));
//! # Ok::<(), mesos_native::Error>(())
//! ```

mod native;
mod position;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::boundary::{Completion, Shim};
use crate::error::{Error, Result};
use crate::zookeeper::ZooKeeper;

pub use position::{Entry, Position};

use native::{NativeLog, NativeReader, NativeWriter};

/// One replica of a replicated log (see the [module docs](self)). Cheap to
/// clone; closed when the last clone, reader, writer and
/// [`State`](crate::state::State) over it are dropped.
#[derive(Clone)]
pub struct Log {
    native: Arc<NativeLog>,
}

/// How a replica finds the log's other replicas (see [`Log::open`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Replicas {
    /// Through their group in ZooKeeper.
    ZooKeeper(ZooKeeper),
    /// Their pids (`log-replica(1)@host:port`); none for a log of its own.
    Pids(Vec<String>),
}

impl Log {
    /// A replica at `path` in a log of quorum `quorum`, finding the others
    /// as `replicas` says, made through `shim`: what every other
    /// constructor does with libmesos's ([`Shim::native`]). With
    /// `auto_initialize`, libmesos initializes the log when every replica
    /// is empty.
    pub fn open(
        shim: Shim,
        quorum: u32,
        path: impl AsRef<Path>,
        replicas: Replicas,
        auto_initialize: bool,
    ) -> Result<Self> {
        let path = path.as_ref();
        let native = match &replicas {
            Replicas::ZooKeeper(zookeeper) => {
                let quorum = check_quorum(quorum, None)?;
                NativeLog::zookeeper(shim.api(), quorum, path, zookeeper, auto_initialize)?
            }
            Replicas::Pids(pids) => {
                let quorum = check_quorum(quorum, Some(pids.len() + 1))?;
                let pids: Vec<&str> = pids.iter().map(String::as_str).collect();
                NativeLog::replicas(shim.api(), quorum, path, &pids, auto_initialize)?
            }
        };
        Ok(Self {
            native: Arc::new(native),
        })
    }

    /// A replica at `path` in a log of quorum `quorum`, finding the other
    /// replicas through `zookeeper`.
    pub fn zookeeper(
        quorum: u32,
        path: impl AsRef<Path>,
        zookeeper: &ZooKeeper,
        auto_initialize: bool,
    ) -> Result<Self> {
        let replicas = Replicas::ZooKeeper(zookeeper.clone());
        Self::open(Shim::native()?, quorum, path, replicas, auto_initialize)
    }

    /// A replica at `path` in a log of quorum `quorum`, whose other
    /// replicas are `pids` (`log-replica(1)@host:port`); with `quorum` 1
    /// and no pids, a log of its own.
    pub fn replicas(
        quorum: u32,
        path: impl AsRef<Path>,
        pids: &[impl AsRef<str>],
        auto_initialize: bool,
    ) -> Result<Self> {
        let pids = pids.iter().map(|pid| pid.as_ref().to_string()).collect();
        Self::open(
            Shim::native()?,
            quorum,
            path,
            Replicas::Pids(pids),
            auto_initialize,
        )
    }

    /// A reader of this log.
    pub fn reader(&self) -> Result<Reader> {
        Ok(Reader {
            native: NativeReader::new(&self.native, self.clone())?,
        })
    }

    /// A writer of this log; it writes once [`start`](Writer::start) elects
    /// it.
    pub fn writer(&self) -> Result<Writer> {
        Ok(Writer {
            native: NativeWriter::new(&self.native, self.clone())?,
        })
    }

    /// The shim's log, for a State over it.
    pub(crate) fn native_handle(
        &self,
    ) -> (
        &'static mesos_native_sys::ShimApi,
        *mut mesos_native_sys::mesos_shim_log,
    ) {
        self.native.raw()
    }
}

impl std::fmt::Display for Log {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.native.fmt(f)
    }
}

impl std::fmt::Debug for Log {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Log({self})")
    }
}

/// Quorum at least 1 and, when the replicas are known, at most their count.
fn check_quorum(quorum: u32, replicas: Option<usize>) -> Result<i32> {
    let invalid = |reason: String| Error::InvalidArgument {
        what: "log quorum",
        reason,
    };
    if quorum == 0 {
        return Err(invalid("it is 0; a quorum is at least 1".into()));
    }
    if let Some(replicas) = replicas {
        if quorum as usize > replicas {
            return Err(invalid(format!(
                "{quorum} is more than the {replicas} replica(s) (this one and the pids given), \
                 so no write could ever be accepted"
            )));
        }
    }
    i32::try_from(quorum).map_err(|_| invalid(format!("{quorum} is too large")))
}

/// Reads a [`Log`]: entries between two positions, and the log's ends.
pub struct Reader {
    native: NativeReader,
}

impl Reader {
    /// The entries from `from` to `to`, both included. Positions of
    /// truncated or unwritten entries are an error.
    pub fn read(&self, from: Position, to: Position, timeout: Duration) -> Result<Vec<Entry>> {
        self.read_async(from, to).wait(timeout)
    }

    /// [`read`](Self::read), answered later.
    pub fn read_async(&self, from: Position, to: Position) -> Completion<Vec<Entry>> {
        self.native.read(from, to)
    }

    /// The first readable position (after truncations).
    pub fn beginning(&self, timeout: Duration) -> Result<Position> {
        self.beginning_async().wait(timeout)
    }

    /// [`beginning`](Self::beginning), answered later.
    pub fn beginning_async(&self) -> Completion<Position> {
        self.native.beginning()
    }

    /// The last written position, as this replica knows it.
    pub fn ending(&self, timeout: Duration) -> Result<Position> {
        self.ending_async().wait(timeout)
    }

    /// [`ending`](Self::ending), answered later.
    pub fn ending_async(&self) -> Completion<Position> {
        self.native.ending()
    }

    /// Brings this replica up to date with a quorum, and gives the last
    /// position a quorum has learned: what a reader on a non-leading
    /// replica calls before reading. libmesos learns an append with the
    /// next write, so on the writer's own replica this can be one behind
    /// [`ending`](Self::ending).
    pub fn catchup(&self, timeout: Duration) -> Result<Position> {
        self.catchup_async().wait(timeout)
    }

    /// [`catchup`](Self::catchup), answered later.
    pub fn catchup_async(&self) -> Completion<Position> {
        self.native.catchup()
    }
}

/// Writes a [`Log`], once elected by [`start`](Self::start).
pub struct Writer {
    native: NativeWriter,
}

impl Writer {
    /// Runs an election; on winning, this writer leads and the answer is
    /// the last position written. [`Error::LostLeadership`] when another
    /// writer won.
    pub fn start(&self, timeout: Duration) -> Result<Position> {
        self.start_async().wait(timeout)
    }

    /// [`start`](Self::start), answered later.
    pub fn start_async(&self) -> Completion<Position> {
        self.native.start()
    }

    /// Appends `data`; its position. [`Error::LostLeadership`] when
    /// another writer was elected since this one's `start`.
    pub fn append(&self, data: &[u8], timeout: Duration) -> Result<Position> {
        self.append_async(data).wait(timeout)
    }

    /// [`append`](Self::append), answered later.
    pub fn append_async(&self, data: &[u8]) -> Completion<Position> {
        self.native.append(data)
    }

    /// Removes the entries before `to` (the log then begins at `to`); the
    /// position of the truncation's own record.
    pub fn truncate(&self, to: Position, timeout: Duration) -> Result<Position> {
        self.truncate_async(to).wait(timeout)
    }

    /// [`truncate`](Self::truncate), answered later.
    pub fn truncate_async(&self, to: Position) -> Completion<Position> {
        self.native.truncate(to)
    }
}

/// The error of a writer that is not the leader.
fn lost_leadership(what: String) -> Error {
    Error::LostLeadership { what }
}
