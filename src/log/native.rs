//! libmesos's log, reader and writer, through the shim.

use std::path::Path;
use std::time::Duration;

use mesos_native_sys::{mesos_shim_log, mesos_shim_log_reader, mesos_shim_log_writer, ShimApi};

use super::{lost_leadership, Entry, Log, Position};
use crate::boundary::{buf, creation_error, Completion, Decode, Described, EncodedList, Refusal};
use crate::error::Result;
use crate::zookeeper::ZooKeeper;

const HINT: &str = "does the log reach a quorum of initialized replicas? (each replica needs \
     `mesos-log initialize --path=DIR` once, or auto-initialization; with ZooKeeper, are enough \
     replicas running?)";

/// One libmesos log replica; deleted on drop, after its readers, writers
/// and storages (each keeps a [`Log`] clone).
pub(super) struct NativeLog {
    api: &'static ShimApi,
    raw: *mut mesos_shim_log,
    /// e.g. `the log at /var/lib/log (quorum 2, ZooKeeper ...)`.
    described: String,
}

// SAFETY: the shim's log functions may be called from any thread (libmesos
// dispatches to the log's processes), and `raw` is only freed in `drop`,
// when nothing else refers to `self`.
unsafe impl Send for NativeLog {}
// SAFETY: as above; no method mutates `self`.
unsafe impl Sync for NativeLog {}

impl NativeLog {
    pub(super) fn zookeeper(
        api: &'static ShimApi,
        quorum: i32,
        path: &Path,
        zookeeper: &ZooKeeper,
        auto_initialize: bool,
    ) -> Result<Self> {
        zookeeper.check()?;
        let text = path.to_string_lossy();
        let raw = zookeeper.lend(|zk| {
            // SAFETY: `text` outlives the call, and `lend` keeps every
            // ZooKeeper buffer (and the digest, or NULL) alive until this
            // returns: all the shim borrows them for.
            unsafe {
                (api.mesos_shim_log_zookeeper_new)(
                    quorum,
                    buf(text.as_bytes()),
                    zk.servers,
                    zk.timeout_ns,
                    zk.znode,
                    zk.digest,
                    i32::from(auto_initialize),
                )
            }
        });
        let described = format!(
            "the log at {} (quorum {quorum}, {zookeeper})",
            path.display()
        );
        Self::made(api, raw, described)
    }

    pub(super) fn replicas(
        api: &'static ShimApi,
        quorum: i32,
        path: &Path,
        pids: &[&str],
        auto_initialize: bool,
    ) -> Result<Self> {
        let text = path.to_string_lossy();
        let pids_list = EncodedList::strings(pids.iter());
        // SAFETY: `text` and the list outlive the call, which only borrows
        // them; the list's pointer and length describe its buffers.
        let raw = unsafe {
            (api.mesos_shim_log_replicas_new)(
                quorum,
                buf(text.as_bytes()),
                pids_list.as_ptr(),
                pids_list.len(),
                i32::from(auto_initialize),
            )
        };
        let described = format!(
            "the log at {} (quorum {quorum}, {} other replica(s))",
            path.display(),
            pids.len()
        );
        Self::made(api, raw, described)
    }

    fn made(api: &'static ShimApi, raw: *mut mesos_shim_log, described: String) -> Result<Self> {
        if raw.is_null() {
            return Err(creation_error(api));
        }
        Ok(Self {
            api,
            raw,
            described,
        })
    }

    pub(super) fn raw(&self) -> (&'static ShimApi, *mut mesos_shim_log) {
        (self.api, self.raw)
    }
}

impl std::fmt::Display for NativeLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.described)
    }
}

/// How long a drop waits for libmesos to delete a log before leaving it
/// to finish in the background.
const CLOSE_WAIT: Duration = Duration::from_secs(5);

/// The log's pointer, moved to the thread that deletes it.
struct Closing(*mut mesos_shim_log);
// SAFETY: the shim's free may run on any thread, and the pointer is used
// by that thread alone once moved.
unsafe impl Send for Closing {}

impl Drop for NativeLog {
    /// libmesos's `~Log` waits until every user of the replica's network
    /// is gone, and a replica that never recovered (uninitialized without
    /// auto-initialization, or short of a quorum) keeps its recovery
    /// running and the destructor waiting, for ever. So the deletion runs
    /// on a thread of its own; the drop waits for it up to [`CLOSE_WAIT`],
    /// then leaves it, with a warning, instead of hanging the caller.
    fn drop(&mut self) {
        let api = self.api;
        let closing = Closing(self.raw);
        let free = move || {
            let closing = closing;
            // SAFETY: `raw` came from a `*_new` and is freed once, here.
            // Every reader, writer and storage of it holds a `Log` clone,
            // so all are freed before the last clone lets this run.
            unsafe { (api.mesos_shim_log_free)(closing.0) };
        };
        let (freed, done) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("mesos-log-close".into())
            .spawn(move || {
                free();
                let _ = freed.send(());
            });
        if spawned.is_err() {
            log::warn!("no thread to close {} on; it stays open", self.described);
            return;
        }
        if done.recv_timeout(CLOSE_WAIT).is_err() {
            log::warn!(
                "closing {} is still waiting for libmesos after {CLOSE_WAIT:?}: its replica never \
                 recovered (not initialized, or no quorum). It is left to close in the background; \
                 its directory stays locked until then",
                self.described
            );
        }
    }
}

/// One position, 8 bytes big-endian.
fn position(values: Vec<Vec<u8>>) -> std::result::Result<Position, Refusal> {
    match values.as_slice() {
        [identity] => Position::from_identity(identity).map_err(|error| error.to_string().into()),
        _ => Err(format!("{} values for one position", values.len()).into()),
    }
}

/// One position, or none: a writer that lost leadership.
fn position_or_lost(what: String) -> Decode<Position> {
    Box::new(move |values: Vec<Vec<u8>>| {
        if values.is_empty() {
            Err(Refusal::Error(lost_leadership(what)))
        } else {
            position(values)
        }
    })
}

/// Position and data, per entry.
fn entries(values: Vec<Vec<u8>>) -> std::result::Result<Vec<Entry>, Refusal> {
    if values.len() % 2 != 0 {
        return Err(format!("{} values for position-data pairs", values.len()).into());
    }
    let mut values = values.into_iter();
    let mut read = Vec::new();
    while let (Some(identity), Some(data)) = (values.next(), values.next()) {
        read.push(Entry {
            position: position(vec![identity])?,
            data,
        });
    }
    Ok(read)
}

/// A reader or writer of a log: the shim's object, freed on drop, and a
/// clone of the log it reads or writes, freed only after it.
struct Attached<R> {
    api: &'static ShimApi,
    raw: *mut R,
    free: unsafe extern "C" fn(*mut R),
    described: String,
    _log: Log,
}

// SAFETY: as for `NativeLog`: the shim's reader and writer calls may come
// from any thread, and `raw` is freed only in drop.
unsafe impl<R> Send for Attached<R> {}
// SAFETY: as above; no method mutates `self`.
unsafe impl<R> Sync for Attached<R> {}

impl<R> Attached<R> {
    fn new(
        native: &NativeLog,
        log: Log,
        make: unsafe extern "C" fn(*mut mesos_shim_log) -> *mut R,
        free: unsafe extern "C" fn(*mut R),
    ) -> Result<Self> {
        // SAFETY: `native.raw` is live; `log` keeps it so until this drops.
        let raw = unsafe { make(native.raw) };
        if raw.is_null() {
            return Err(creation_error(native.api));
        }
        Ok(Self {
            api: native.api,
            raw,
            free,
            described: native.described.clone(),
            _log: log,
        })
    }

    fn described(&self, what: &str) -> Described {
        Described {
            what: format!("{what} of {}", self.described),
            hint: HINT,
        }
    }
}

impl<R> Drop for Attached<R> {
    fn drop(&mut self) {
        // SAFETY: from the shim's `*_new`, freed once, here, before `_log`
        // (a field, dropped after this body) can free the log.
        unsafe { (self.free)(self.raw) };
    }
}

pub(super) struct NativeReader(Attached<mesos_shim_log_reader>);

impl NativeReader {
    pub(super) fn new(native: &NativeLog, log: Log) -> Result<Self> {
        let api = native.api;
        let attached = Attached::new(
            native,
            log,
            api.mesos_shim_log_reader_new,
            api.mesos_shim_log_reader_free,
        )?;
        Ok(Self(attached))
    }

    pub(super) fn read(&self, from: Position, to: Position) -> Completion<Vec<Entry>> {
        let described = self.0.described(&format!("read of [{from}, {to}]"));
        Completion::start(self.0.api, described, Box::new(entries), |done, context| {
            // SAFETY: the reader or writer is live while `self` is; `done` and `context`
            // come from `Completion::start`.
            unsafe {
                (self.0.api.mesos_shim_log_reader_read)(
                    self.0.raw,
                    from.value(),
                    to.value(),
                    done,
                    context,
                )
            }
        })
    }

    pub(super) fn beginning(&self) -> Completion<Position> {
        Completion::start(
            self.0.api,
            self.0.described("beginning"),
            Box::new(position),
            |done, context| {
                // SAFETY: as in `read`.
                unsafe { (self.0.api.mesos_shim_log_reader_beginning)(self.0.raw, done, context) }
            },
        )
    }

    pub(super) fn ending(&self) -> Completion<Position> {
        Completion::start(
            self.0.api,
            self.0.described("ending"),
            Box::new(position),
            |done, context| {
                // SAFETY: as in `read`.
                unsafe { (self.0.api.mesos_shim_log_reader_ending)(self.0.raw, done, context) }
            },
        )
    }

    pub(super) fn catchup(&self) -> Completion<Position> {
        Completion::start(
            self.0.api,
            self.0.described("catch-up"),
            Box::new(position),
            |done, context| {
                // SAFETY: as in `read`.
                unsafe { (self.0.api.mesos_shim_log_reader_catchup)(self.0.raw, done, context) }
            },
        )
    }
}

pub(super) struct NativeWriter(Attached<mesos_shim_log_writer>);

impl NativeWriter {
    pub(super) fn new(native: &NativeLog, log: Log) -> Result<Self> {
        let api = native.api;
        let attached = Attached::new(
            native,
            log,
            api.mesos_shim_log_writer_new,
            api.mesos_shim_log_writer_free,
        )?;
        Ok(Self(attached))
    }

    pub(super) fn start(&self) -> Completion<Position> {
        let described = self.0.described("election");
        let decode = position_or_lost(described.what.clone());
        Completion::start(self.0.api, described, decode, |done, context| {
            // SAFETY: the reader or writer is live while `self` is; `done` and `context`
            // come from `Completion::start`.
            unsafe { (self.0.api.mesos_shim_log_writer_start)(self.0.raw, done, context) }
        })
    }

    pub(super) fn append(&self, data: &[u8]) -> Completion<Position> {
        let described = self.0.described(&format!("append of {} bytes", data.len()));
        let decode = position_or_lost(described.what.clone());
        Completion::start(self.0.api, described, decode, |done, context| {
            // SAFETY: as in `start`; `data` outlives the call.
            unsafe {
                (self.0.api.mesos_shim_log_writer_append)(self.0.raw, buf(data), done, context)
            }
        })
    }

    pub(super) fn truncate(&self, to: Position) -> Completion<Position> {
        let described = self.0.described(&format!("truncation to {to}"));
        let decode = position_or_lost(described.what.clone());
        Completion::start(self.0.api, described, decode, |done, context| {
            // SAFETY: as in `start`.
            unsafe {
                (self.0.api.mesos_shim_log_writer_truncate)(self.0.raw, to.value(), done, context)
            }
        })
    }
}
