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
//! [`Error::NoAnswer`] once its timeout passes. Every operation also has a
//! form that returns a [`Completion`] (`append_async`...).
//!
//! [`Log::in_process`] is a one-replica log in memory, with no libmesos,
//! and the same API and leadership rules: for users' unit tests (Aurora
//! had to write its own, as libmesos's could not be mocked: MESOS-796).
//!
//! ```
//! use std::time::Duration;
//! use mesos::log::Log;
//!
//! let log = Log::in_process(); // or Log::replicas(1, "/var/lib/app/log", &[], true)
//! let timeout = Duration::from_secs(1);
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
//! assert!(matches!(writer.append(b"three", timeout), Err(mesos::Error::LostLeadership { .. })));
//! # Ok::<(), mesos::Error>(())
//! ```

mod in_process;
mod native;
mod position;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use mesos_sys::ShimApi;

use crate::answer::Completion;
use crate::error::{Error, Result};
use crate::ffi;
use crate::state::ZooKeeper;

pub use position::{Entry, Position};

use in_process::{InProcessLog, InProcessWriter};
use native::{NativeLog, NativeReader, NativeWriter};

/// One replica of a replicated log (see the [module docs](self)). Cheap to
/// clone; closed when the last clone, reader, writer and
/// [`State`](crate::state::State) over it are dropped.
#[derive(Clone)]
pub struct Log {
    inner: Arc<Backend>,
}

enum Backend {
    Native(NativeLog),
    InProcess(Arc<InProcessLog>),
}

impl Log {
    /// A replica at `path` in a log of quorum `quorum`, finding the other
    /// replicas through `zookeeper`.
    pub fn zookeeper(
        quorum: u32,
        path: impl AsRef<Path>,
        zookeeper: &ZooKeeper,
        auto_initialize: bool,
    ) -> Result<Self> {
        let quorum = check_quorum(quorum, None)?;
        let log = NativeLog::zookeeper(
            ffi::native_api()?,
            quorum,
            path.as_ref(),
            zookeeper,
            auto_initialize,
        )?;
        Ok(Self::native(log))
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
        Self::replicas_over(
            ffi::native_api()?,
            quorum,
            path.as_ref(),
            pids,
            auto_initialize,
        )
    }

    pub(crate) fn replicas_over(
        api: &'static ShimApi,
        quorum: u32,
        path: &Path,
        pids: &[impl AsRef<str>],
        auto_initialize: bool,
    ) -> Result<Self> {
        let quorum = check_quorum(quorum, Some(pids.len() + 1))?;
        let pids: Vec<&str> = pids.iter().map(AsRef::as_ref).collect();
        Ok(Self::native(NativeLog::replicas(
            api,
            quorum,
            path,
            &pids,
            auto_initialize,
        )?))
    }

    /// A one-replica log in this process's memory, with no libmesos.
    pub fn in_process() -> Self {
        Self {
            inner: Arc::new(Backend::InProcess(Arc::default())),
        }
    }

    fn native(log: NativeLog) -> Self {
        Self {
            inner: Arc::new(Backend::Native(log)),
        }
    }

    /// A reader of this log.
    pub fn reader(&self) -> Result<Reader> {
        Ok(Reader {
            inner: match &*self.inner {
                Backend::Native(log) => {
                    ReaderBackend::Native(NativeReader::new(log, self.clone())?)
                }
                Backend::InProcess(log) => ReaderBackend::InProcess(Arc::clone(log)),
            },
        })
    }

    /// A writer of this log; it writes once [`start`](Writer::start) elects
    /// it.
    pub fn writer(&self) -> Result<Writer> {
        Ok(Writer {
            inner: match &*self.inner {
                Backend::Native(log) => {
                    WriterBackend::Native(NativeWriter::new(log, self.clone())?)
                }
                Backend::InProcess(log) => {
                    WriterBackend::InProcess(InProcessWriter::new(Arc::clone(log)))
                }
            },
        })
    }

    /// The shim's log, for a State over it; the in-process log has none.
    pub(crate) fn native_handle(
        &self,
    ) -> Result<(&'static mesos_sys::ShimApi, *mut mesos_sys::mesos_shim_log)> {
        match &*self.inner {
            Backend::Native(log) => Ok(log.raw()),
            Backend::InProcess(_) => Err(Error::InvalidArgument {
                what: "log",
                reason: "an in-process log cannot back libmesos's LogStorage; use \
                         State::in_process() for tests"
                    .into(),
            }),
        }
    }
}

impl std::fmt::Display for Log {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &*self.inner {
            Backend::Native(log) => log.fmt(f),
            Backend::InProcess(_) => write!(f, "the in-process log"),
        }
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
    inner: ReaderBackend,
}

enum ReaderBackend {
    Native(NativeReader),
    InProcess(Arc<InProcessLog>),
}

impl Reader {
    /// The entries from `from` to `to`, both included. Positions of
    /// truncated or unwritten entries are an error.
    pub fn read(&self, from: Position, to: Position, timeout: Duration) -> Result<Vec<Entry>> {
        self.read_async(from, to).wait(timeout)
    }

    /// [`read`](Self::read), answered later.
    pub fn read_async(&self, from: Position, to: Position) -> Completion<Vec<Entry>> {
        match &self.inner {
            ReaderBackend::Native(reader) => reader.read(from, to),
            ReaderBackend::InProcess(log) => Completion::ready(log.read(from, to)),
        }
    }

    /// The first readable position (after truncations).
    pub fn beginning(&self, timeout: Duration) -> Result<Position> {
        self.beginning_async().wait(timeout)
    }

    /// [`beginning`](Self::beginning), answered later.
    pub fn beginning_async(&self) -> Completion<Position> {
        match &self.inner {
            ReaderBackend::Native(reader) => reader.beginning(),
            ReaderBackend::InProcess(log) => Completion::ready(Ok(log.beginning())),
        }
    }

    /// The last written position, as this replica knows it.
    pub fn ending(&self, timeout: Duration) -> Result<Position> {
        self.ending_async().wait(timeout)
    }

    /// [`ending`](Self::ending), answered later.
    pub fn ending_async(&self) -> Completion<Position> {
        match &self.inner {
            ReaderBackend::Native(reader) => reader.ending(),
            ReaderBackend::InProcess(log) => Completion::ready(Ok(log.ending())),
        }
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
        match &self.inner {
            ReaderBackend::Native(reader) => reader.catchup(),
            ReaderBackend::InProcess(log) => Completion::ready(Ok(log.ending())),
        }
    }
}

/// Writes a [`Log`], once elected by [`start`](Self::start).
pub struct Writer {
    inner: WriterBackend,
}

enum WriterBackend {
    Native(NativeWriter),
    InProcess(InProcessWriter),
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
        match &self.inner {
            WriterBackend::Native(writer) => writer.start(),
            WriterBackend::InProcess(writer) => Completion::ready(writer.start()),
        }
    }

    /// Appends `data`; its position. [`Error::LostLeadership`] when
    /// another writer was elected since this one's `start`.
    pub fn append(&self, data: &[u8], timeout: Duration) -> Result<Position> {
        self.append_async(data).wait(timeout)
    }

    /// [`append`](Self::append), answered later.
    pub fn append_async(&self, data: &[u8]) -> Completion<Position> {
        match &self.inner {
            WriterBackend::Native(writer) => writer.append(data),
            WriterBackend::InProcess(writer) => Completion::ready(writer.append(data)),
        }
    }

    /// Removes the entries before `to` (the log then begins at `to`); the
    /// position of the truncation's own record.
    pub fn truncate(&self, to: Position, timeout: Duration) -> Result<Position> {
        self.truncate_async(to).wait(timeout)
    }

    /// [`truncate`](Self::truncate), answered later.
    pub fn truncate_async(&self, to: Position) -> Completion<Position> {
        match &self.inner {
            WriterBackend::Native(writer) => writer.truncate(to),
            WriterBackend::InProcess(writer) => Completion::ready(writer.truncate(to)),
        }
    }
}

/// The error of a writer that is not the leader.
fn lost_leadership(what: String) -> Error {
    Error::LostLeadership { what }
}
