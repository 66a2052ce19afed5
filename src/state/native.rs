//! A storage of libmesos's, through the shim: the C++ object, the calls
//! that start its operations, and its deletion.

use std::path::Path;

use mesos_native_sys::{mesos_shim_storage, ShimApi};
use prost::Message;

use super::entry::Entry;
use crate::boundary::{answers as decode, buf, creation_error, Completion, Described, Refusal};
use crate::error::Result;
use crate::zookeeper::ZooKeeper;

/// What keeps a ZooKeeper operation unanswered.
const ZOOKEEPER_HINT: &str = "is ZooKeeper running and reachable at those servers? libmesos keeps \
     retrying the connection, so the operation may still complete";
const LEVELDB_HINT: &str = "is another process holding the LevelDB database's lock?";
const LOG_HINT: &str = "does the log reach a quorum of initialized replicas? (an uninitialized \
     replica needs `mesos-log initialize --path=DIR`, or a Log opened with auto-initialization)";
const MEMORY_HINT: &str = "libmesos's in-memory storage should always answer";

/// One libmesos storage; deleted on drop.
pub(super) struct NativeStorage {
    api: &'static ShimApi,
    raw: *mut mesos_shim_storage,
    /// e.g. `ZooKeeper 127.0.0.1:2181/app`, for errors.
    backend: String,
    hint: &'static str,
    /// A log storage keeps its log open: libmesos's LogStorage calls into it.
    _log: Option<crate::log::Log>,
}

// SAFETY: the shim's storage functions may be called from any thread
// (each dispatches to the storage's libprocess process), and `raw` is only
// freed in `drop`, when no other reference to `self` remains.
unsafe impl Send for NativeStorage {}
// SAFETY: as above; no method mutates `self`.
unsafe impl Sync for NativeStorage {}

impl NativeStorage {
    pub(super) fn zookeeper(api: &'static ShimApi, zookeeper: &ZooKeeper) -> Result<Self> {
        zookeeper.check()?;
        let raw = zookeeper.lend(|zk| {
            // SAFETY: `lend` keeps every buffer (and the digest, or NULL)
            // alive until this returns, which is all the shim borrows them for.
            unsafe {
                (api.mesos_shim_storage_zookeeper_new)(
                    zk.servers,
                    zk.timeout_ns,
                    zk.znode,
                    zk.digest,
                )
            }
        });
        Self::made(api, raw, zookeeper.to_string(), ZOOKEEPER_HINT, None)
    }

    pub(super) fn leveldb(api: &'static ShimApi, path: &Path) -> Result<Self> {
        let text = path.to_string_lossy();
        // SAFETY: `text` outlives the call, which only borrows it.
        let raw = unsafe { (api.mesos_shim_storage_leveldb_new)(buf(text.as_bytes())) };
        Self::made(
            api,
            raw,
            format!("LevelDB {}", path.display()),
            LEVELDB_HINT,
            None,
        )
    }

    pub(super) fn in_memory(api: &'static ShimApi) -> Result<Self> {
        // SAFETY: no arguments.
        let raw = unsafe { (api.mesos_shim_storage_in_memory_new)() };
        Self::made(api, raw, "libmesos's memory".into(), MEMORY_HINT, None)
    }

    pub(super) fn over_log(log: &crate::log::Log) -> Result<Self> {
        let (api, raw_log) = log.native_handle();
        // SAFETY: `raw_log` is a live log, kept open by the clone stored
        // below for as long as this storage lives (it is dropped after
        // `raw` is freed: see `Drop`).
        let raw = unsafe { (api.mesos_shim_storage_log_new)(raw_log, 0) };
        Self::made(api, raw, log.to_string(), LOG_HINT, Some(log.clone()))
    }

    fn made(
        api: &'static ShimApi,
        raw: *mut mesos_shim_storage,
        backend: String,
        hint: &'static str,
        log: Option<crate::log::Log>,
    ) -> Result<Self> {
        if raw.is_null() {
            return Err(creation_error(api));
        }
        Ok(Self {
            api,
            raw,
            backend,
            hint,
            _log: log,
        })
    }

    pub(super) fn backend(&self) -> &str {
        &self.backend
    }

    fn described(&self, what: String) -> Described {
        Described {
            what: format!("{what} ({})", self.backend),
            hint: self.hint,
        }
    }

    pub(super) fn get<T: Send + 'static>(
        &self,
        name: &str,
        answer: impl FnOnce(Option<Entry>) -> T + Send + 'static,
    ) -> Completion<T> {
        let described = self.described(format!("fetch of '{name}'"));
        let wanted = name.to_owned();
        let decode = Box::new(move |values: Vec<Vec<u8>>| match values.as_slice() {
            [] => Ok(answer(None)),
            [entry] => super::entry::read(&wanted, entry)
                .map(|entry| answer(Some(entry)))
                .map_err(Refusal::Malformed),
            _ => Err(Refusal::Malformed(format!(
                "{} values for one entry",
                values.len()
            ))),
        });
        Completion::start(self.api, described, decode, |done, context| {
            // SAFETY: `raw` is live while `self` is; `name` outlives the
            // call; `done` and `context` come from `Completion::start`.
            unsafe {
                (self.api.mesos_shim_storage_get)(self.raw, buf(name.as_bytes()), done, context)
            }
        })
    }

    pub(super) fn set<T: Send + 'static>(
        &self,
        entry: Entry,
        expected: Vec<u8>,
        answer: impl FnOnce(bool) -> T + Send + 'static,
    ) -> Completion<T> {
        let described = self.described(format!("store of '{}'", entry.name));
        let decode = Box::new(move |values| decode::flag(values).map(answer));
        let bytes = entry.encode_to_vec();
        Completion::start(self.api, described, decode, |done, context| {
            // SAFETY: as in `get`; both buffers outlive the call.
            unsafe {
                (self.api.mesos_shim_storage_set)(
                    self.raw,
                    buf(&bytes),
                    buf(&expected),
                    done,
                    context,
                )
            }
        })
    }

    pub(super) fn expunge(&self, entry: Entry) -> Completion<bool> {
        let described = self.described(format!("expunge of '{}'", entry.name));
        let bytes = entry.encode_to_vec();
        Completion::start(
            self.api,
            described,
            Box::new(decode::flag),
            |done, context| {
                // SAFETY: as in `get`.
                unsafe {
                    (self.api.mesos_shim_storage_expunge)(self.raw, buf(&bytes), done, context)
                }
            },
        )
    }

    pub(super) fn names(&self) -> Completion<Vec<String>> {
        let described = self.described("listing of the names".into());
        Completion::start(
            self.api,
            described,
            Box::new(decode::strings),
            |done, context| {
                // SAFETY: as in `get`.
                unsafe { (self.api.mesos_shim_storage_names)(self.raw, done, context) }
            },
        )
    }
}

impl Drop for NativeStorage {
    fn drop(&mut self) {
        // SAFETY: `raw` came from a `*_new` and is freed once, here, when
        // no operation can be starting (this is the last reference). The
        // shim's free waits for the storage's process, and operations still
        // pending are answered ABANDONED into their own reference-counted
        // slots, which outlive this. The log, if any, is dropped after this
        // body: the storage is gone before the log it calls into.
        unsafe { (self.api.mesos_shim_storage_free)(self.raw) };
    }
}
