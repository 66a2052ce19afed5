//! The State and Log functions of the double, under their C names (the
//! table takes them by name from the list): an in-memory storage and an
//! in-memory log, each operation answered once from a thread of its own,
//! as libprocess answers a future.
//!
//! A ZooKeeper storage's host (`servers` are `HOST:PORT`, as the binding
//! requires) chooses how it behaves: `pending` makes every operation stay
//! unanswered until the storage is freed (then each is ABANDONED, as
//! libmesos does when the storage's process ends), and `fail` makes every
//! operation fail with the last component of the znode as the text
//! (`fail:2181` and `/app/session expired`: "session expired"). Any other
//! storage, and the log, work.

use std::collections::BTreeMap;
use std::os::raw::c_void;
use std::sync::{Arc, Mutex};

use mesos_native_sys::{
    mesos_shim_buf, mesos_shim_future_callback, mesos_shim_log, mesos_shim_log_reader,
    mesos_shim_log_writer, mesos_shim_storage, MESOS_SHIM_ABANDONED, MESOS_SHIM_BAD_ARGUMENT,
    MESOS_SHIM_BAD_MESSAGE, MESOS_SHIM_FAILED, MESOS_SHIM_NULL_ARGUMENT, MESOS_SHIM_OK,
    MESOS_SHIM_READY,
};

use crate::buffers::{self, fail, ShimError};
use crate::wire;

/// A caller's callback and context, to be called once.
pub(crate) struct Answer {
    done: unsafe extern "C" fn(*mut c_void, i32, *const mesos_shim_buf, usize),
    context: usize,
}

impl Answer {
    pub(crate) fn new(
        done: mesos_shim_future_callback,
        context: *mut c_void,
    ) -> Result<Self, ShimError> {
        let done =
            done.ok_or_else(|| fail(MESOS_SHIM_NULL_ARGUMENT, "the operation's callback is NULL"))?;
        Ok(Self {
            done,
            context: context as usize,
        })
    }

    /// Calls back from a new thread with `outcome` and `values`.
    pub(crate) fn send(self, outcome: u32, values: Vec<Vec<u8>>) {
        std::thread::spawn(move || {
            let views: Vec<mesos_shim_buf> =
                values.iter().map(|value| buffers::view(value)).collect();
            // SAFETY: `done` and `context` came together from the caller,
            // which expects exactly this one call; the views live until it
            // returns.
            unsafe {
                (self.done)(
                    self.context as *mut c_void,
                    outcome as i32,
                    views.as_ptr(),
                    views.len(),
                )
            };
        });
    }

    pub(crate) fn ready(self, values: Vec<Vec<u8>>) -> i32 {
        self.send(MESOS_SHIM_READY, values);
        MESOS_SHIM_OK
    }
}

pub(crate) fn flag(value: bool) -> Vec<Vec<u8>> {
    vec![vec![u8::from(value)]]
}

enum Behaviour {
    Working,
    Pending,
    Failing(String),
}

#[derive(Default)]
struct Entries {
    /// Name to (uuid, serialized entry).
    stored: BTreeMap<String, (Vec<u8>, Vec<u8>)>,
    /// Unanswered operations of a `pending` storage.
    held: Vec<Answer>,
}

/// A storage as the double keeps it.
struct StorageDouble {
    behaviour: Behaviour,
    entries: Mutex<Entries>,
}

fn new_storage(behaviour: Behaviour) -> *mut mesos_shim_storage {
    let storage = StorageDouble {
        behaviour,
        entries: Mutex::default(),
    };
    Box::into_raw(Box::new(storage)).cast()
}

/// The double behind `handle`.
///
/// # Safety
/// `handle` is NULL or came from one of the double's `*_new` and was not
/// freed.
unsafe fn storage<'a>(handle: *mut mesos_shim_storage) -> Result<&'a StorageDouble, ShimError> {
    // SAFETY: by the caller's promise, a live StorageDouble or NULL.
    unsafe { handle.cast::<StorageDouble>().as_ref() }
        .ok_or_else(|| fail(MESOS_SHIM_NULL_ARGUMENT, "storage handle is NULL"))
}

/// Answers `answer` with `work`'s values, or as the storage's behaviour says.
fn operate(
    storage: &StorageDouble,
    answer: Answer,
    work: impl FnOnce(&mut Entries) -> Vec<Vec<u8>>,
) -> i32 {
    let mut entries = storage.entries.lock().unwrap();
    match &storage.behaviour {
        Behaviour::Pending => {
            entries.held.push(answer);
            MESOS_SHIM_OK
        }
        Behaviour::Failing(text) => {
            answer.send(MESOS_SHIM_FAILED, vec![text.clone().into_bytes()]);
            MESOS_SHIM_OK
        }
        Behaviour::Working => {
            let values = work(&mut entries);
            answer.ready(values)
        }
    }
}

/// An entry's name and uuid (fields 1 and 2 of mesos.internal.state.Entry).
fn name_and_uuid(entry: &[u8]) -> Result<(String, Vec<u8>), ShimError> {
    let fields = wire::fields(entry).ok_or_else(|| {
        fail(
            MESOS_SHIM_BAD_MESSAGE,
            "entry (mesos.internal.state.Entry): not a valid serialized message",
        )
    })?;
    let field = |number| {
        fields
            .iter()
            .find(|field| field.number == number)
            .and_then(|f| f.bytes)
    };
    match (field(1), field(2)) {
        (Some(name), Some(uuid)) => Ok((String::from_utf8_lossy(name).into_owned(), uuid.to_vec())),
        _ => Err(fail(
            MESOS_SHIM_BAD_MESSAGE,
            "entry (mesos.internal.state.Entry): missing required fields name, uuid",
        )),
    }
}

pub(crate) fn answered(result: Result<i32, ShimError>) -> i32 {
    result.unwrap_or_else(|code| code)
}

// The State functions, under their C names.

pub(crate) unsafe extern "C" fn mesos_shim_storage_zookeeper_new(
    servers: mesos_shim_buf,
    _timeout_ns: i64,
    znode: mesos_shim_buf,
    _digest: *const mesos_shim_buf,
) -> *mut mesos_shim_storage {
    // SAFETY: the caller lends both buffers for the call.
    let (Ok(servers), Ok(znode)) = (unsafe {
        (
            buffers::bytes(&servers, "servers"),
            buffers::bytes(&znode, "znode"),
        )
    }) else {
        return std::ptr::null_mut();
    };
    let (servers, znode) = (
        String::from_utf8_lossy(&servers),
        String::from_utf8_lossy(&znode),
    );
    let behaviour = match host(&servers) {
        "pending" => Behaviour::Pending,
        "fail" => Behaviour::Failing(last_component(&znode).to_string()),
        _ => Behaviour::Working,
    };
    new_storage(behaviour)
}

/// The host of the first of `servers` (`HOST:PORT,...`), which names a
/// ZooKeeper storage's or group's behaviour in the double.
pub(crate) fn host(servers: &str) -> &str {
    servers.split([':', ',']).next().unwrap_or_default()
}

/// The last component of a znode: a failing storage's or group's text.
pub(crate) fn last_component(znode: &str) -> &str {
    znode.rsplit('/').next().unwrap_or_default()
}

pub(crate) unsafe extern "C" fn mesos_shim_storage_leveldb_new(
    _path: mesos_shim_buf,
) -> *mut mesos_shim_storage {
    new_storage(Behaviour::Working)
}

pub(crate) unsafe extern "C" fn mesos_shim_storage_in_memory_new() -> *mut mesos_shim_storage {
    new_storage(Behaviour::Working)
}

pub(crate) unsafe extern "C" fn mesos_shim_storage_log_new(
    log: *mut mesos_shim_log,
    _diffs: u64,
) -> *mut mesos_shim_storage {
    if log.is_null() {
        fail(MESOS_SHIM_NULL_ARGUMENT, "log handle is NULL");
        return std::ptr::null_mut();
    }
    new_storage(Behaviour::Working)
}

pub(crate) unsafe extern "C" fn mesos_shim_storage_free(handle: *mut mesos_shim_storage) {
    if handle.is_null() {
        return;
    }
    // SAFETY: from `new_storage`, freed once, here.
    let storage = unsafe { Box::from_raw(handle.cast::<StorageDouble>()) };
    let held = std::mem::take(&mut storage.entries.lock().unwrap().held);
    for answer in held {
        answer.send(MESOS_SHIM_ABANDONED, Vec::new());
    }
}

pub(crate) unsafe extern "C" fn mesos_shim_storage_get(
    handle: *mut mesos_shim_storage,
    name: mesos_shim_buf,
    done: mesos_shim_future_callback,
    context: *mut c_void,
) -> i32 {
    answered((|| {
        let answer = Answer::new(done, context)?;
        // SAFETY: the caller's handle and buffer, valid for the call.
        let storage = unsafe { storage(handle) }?;
        // SAFETY: as above.
        let name = unsafe { buffers::bytes(&name, "name") }?;
        let name = String::from_utf8_lossy(&name).into_owned();
        Ok(operate(storage, answer, |entries| {
            entries
                .stored
                .get(&name)
                .map(|(_, entry)| entry.clone())
                .into_iter()
                .collect()
        }))
    })())
}

pub(crate) unsafe extern "C" fn mesos_shim_storage_set(
    handle: *mut mesos_shim_storage,
    entry: mesos_shim_buf,
    uuid: mesos_shim_buf,
    done: mesos_shim_future_callback,
    context: *mut c_void,
) -> i32 {
    answered((|| {
        let answer = Answer::new(done, context)?;
        // SAFETY: the caller's handle and buffers, valid for the call.
        let storage = unsafe { storage(handle) }?;
        // SAFETY: as above.
        let expected = unsafe { buffers::bytes(&uuid, "uuid") }?;
        if expected.len() != 16 {
            return Err(fail(MESOS_SHIM_BAD_ARGUMENT, "uuid: not 16 bytes"));
        }
        // SAFETY: as above.
        let entry = unsafe { buffers::bytes(&entry, "entry") }?;
        let (name, new_uuid) = name_and_uuid(&entry)?;
        Ok(operate(storage, answer, |entries| {
            let current = entries.stored.get(&name).map(|(uuid, _)| uuid.clone());
            let fresh = current.is_none_or(|current| current == expected);
            if fresh {
                entries.stored.insert(name, (new_uuid, entry));
            }
            flag(fresh)
        }))
    })())
}

pub(crate) unsafe extern "C" fn mesos_shim_storage_expunge(
    handle: *mut mesos_shim_storage,
    entry: mesos_shim_buf,
    done: mesos_shim_future_callback,
    context: *mut c_void,
) -> i32 {
    answered((|| {
        let answer = Answer::new(done, context)?;
        // SAFETY: the caller's handle and buffer, valid for the call.
        let storage = unsafe { storage(handle) }?;
        // SAFETY: as above.
        let entry = unsafe { buffers::bytes(&entry, "entry") }?;
        let (name, uuid) = name_and_uuid(&entry)?;
        Ok(operate(storage, answer, |entries| {
            let matches = entries
                .stored
                .get(&name)
                .is_some_and(|(stored, _)| *stored == uuid);
            if matches {
                entries.stored.remove(&name);
            }
            flag(matches)
        }))
    })())
}

pub(crate) unsafe extern "C" fn mesos_shim_storage_names(
    handle: *mut mesos_shim_storage,
    done: mesos_shim_future_callback,
    context: *mut c_void,
) -> i32 {
    answered((|| {
        let answer = Answer::new(done, context)?;
        // SAFETY: the caller's handle, valid for the call.
        let storage = unsafe { storage(handle) }?;
        Ok(operate(storage, answer, |entries| {
            entries
                .stored
                .keys()
                .map(|name| name.clone().into_bytes())
                .collect()
        }))
    })())
}

pub(crate) use log_double::*;

/// The double's replicated log: one replica, in memory. Every writer's
/// `start` is an election that it wins; a writer that lost a later one
/// gets no position (None) from `append` and `truncate`, as libmesos's
/// does.
mod log_double {
    use super::*;

    #[derive(Default)]
    struct Replica {
        entries: BTreeMap<u64, Vec<u8>>,
        /// The position of the next entry.
        next: u64,
        /// The first position still readable.
        beginning: u64,
        /// The latest election.
        epoch: u64,
    }

    type LogDouble = Arc<Mutex<Replica>>;

    struct WriterDouble {
        log: LogDouble,
        epoch: Mutex<Option<u64>>,
    }

    fn position(value: u64) -> Vec<u8> {
        value.to_be_bytes().to_vec()
    }

    /// # Safety
    /// `handle` is NULL or a live handle of type `T` made by the double.
    unsafe fn live<'a, T>(handle: *mut impl Sized, what: &str) -> Result<&'a T, ShimError> {
        // SAFETY: by the caller's promise.
        unsafe { handle.cast::<T>().as_ref() }
            .ok_or_else(|| fail(MESOS_SHIM_NULL_ARGUMENT, &format!("{what} handle is NULL")))
    }

    fn new_log(quorum: i32) -> *mut mesos_shim_log {
        if quorum < 1 {
            fail(
                MESOS_SHIM_BAD_ARGUMENT,
                &format!("quorum {quorum} is below 1"),
            );
            return std::ptr::null_mut();
        }
        Box::into_raw(Box::new(LogDouble::default())).cast()
    }

    pub(crate) unsafe extern "C" fn mesos_shim_log_zookeeper_new(
        quorum: i32,
        _path: mesos_shim_buf,
        _servers: mesos_shim_buf,
        _timeout_ns: i64,
        _znode: mesos_shim_buf,
        _digest: *const mesos_shim_buf,
        _auto_initialize: i32,
    ) -> *mut mesos_shim_log {
        new_log(quorum)
    }

    pub(crate) unsafe extern "C" fn mesos_shim_log_replicas_new(
        quorum: i32,
        _path: mesos_shim_buf,
        _pids: *const mesos_shim_buf,
        _pids_len: usize,
        _auto_initialize: i32,
    ) -> *mut mesos_shim_log {
        new_log(quorum)
    }

    pub(crate) unsafe extern "C" fn mesos_shim_log_free(handle: *mut mesos_shim_log) {
        if !handle.is_null() {
            // SAFETY: from `new_log`, freed once, here.
            drop(unsafe { Box::from_raw(handle.cast::<LogDouble>()) });
        }
    }

    pub(crate) unsafe extern "C" fn mesos_shim_log_reader_new(
        handle: *mut mesos_shim_log,
    ) -> *mut mesos_shim_log_reader {
        // SAFETY: the caller's log handle, live for the call.
        match unsafe { live::<LogDouble>(handle, "log") } {
            Ok(log) => Box::into_raw(Box::new(log.clone())).cast(),
            Err(_) => std::ptr::null_mut(),
        }
    }

    pub(crate) unsafe extern "C" fn mesos_shim_log_reader_free(handle: *mut mesos_shim_log_reader) {
        if !handle.is_null() {
            // SAFETY: from `mesos_shim_log_reader_new`, freed once, here.
            drop(unsafe { Box::from_raw(handle.cast::<LogDouble>()) });
        }
    }

    /// Runs `read` on the reader's replica and answers with its values.
    ///
    /// # Safety
    /// `handle` is NULL or a live reader.
    unsafe fn reading(
        handle: *mut mesos_shim_log_reader,
        done: mesos_shim_future_callback,
        context: *mut c_void,
        read: impl FnOnce(&Replica) -> Result<Vec<Vec<u8>>, String>,
    ) -> i32 {
        answered((|| {
            let answer = Answer::new(done, context)?;
            // SAFETY: forwarded from the caller.
            let log = unsafe { live::<LogDouble>(handle, "log reader") }?;
            let result = read(&log.lock().unwrap());
            Ok(match result {
                Ok(values) => answer.ready(values),
                Err(text) => {
                    answer.send(MESOS_SHIM_FAILED, vec![text.into_bytes()]);
                    MESOS_SHIM_OK
                }
            })
        })())
    }

    fn ending(replica: &Replica) -> u64 {
        replica.next.saturating_sub(1)
    }

    pub(crate) unsafe extern "C" fn mesos_shim_log_reader_read(
        handle: *mut mesos_shim_log_reader,
        from: u64,
        to: u64,
        done: mesos_shim_future_callback,
        context: *mut c_void,
    ) -> i32 {
        // SAFETY: forwarded from the caller.
        unsafe {
            reading(handle, done, context, |replica| {
                if from < replica.beginning || to > ending(replica) || from > to {
                    return Err(format!("Bad read range [{from}, {to}]"));
                }
                Ok(replica
                    .entries
                    .range(from..=to)
                    .flat_map(|(at, data)| [position(*at), data.clone()])
                    .collect())
            })
        }
    }

    pub(crate) unsafe extern "C" fn mesos_shim_log_reader_beginning(
        handle: *mut mesos_shim_log_reader,
        done: mesos_shim_future_callback,
        context: *mut c_void,
    ) -> i32 {
        // SAFETY: forwarded from the caller.
        unsafe {
            reading(handle, done, context, |replica| {
                Ok(vec![position(replica.beginning)])
            })
        }
    }

    pub(crate) unsafe extern "C" fn mesos_shim_log_reader_ending(
        handle: *mut mesos_shim_log_reader,
        done: mesos_shim_future_callback,
        context: *mut c_void,
    ) -> i32 {
        // SAFETY: forwarded from the caller.
        unsafe {
            reading(handle, done, context, |replica| {
                Ok(vec![position(ending(replica))])
            })
        }
    }

    pub(crate) unsafe extern "C" fn mesos_shim_log_reader_catchup(
        handle: *mut mesos_shim_log_reader,
        done: mesos_shim_future_callback,
        context: *mut c_void,
    ) -> i32 {
        // SAFETY: forwarded from the caller.
        unsafe { mesos_shim_log_reader_ending(handle, done, context) }
    }

    pub(crate) unsafe extern "C" fn mesos_shim_log_writer_new(
        handle: *mut mesos_shim_log,
    ) -> *mut mesos_shim_log_writer {
        // SAFETY: the caller's log handle, live for the call.
        match unsafe { live::<LogDouble>(handle, "log") } {
            Ok(log) => Box::into_raw(Box::new(WriterDouble {
                log: log.clone(),
                epoch: Mutex::new(None),
            }))
            .cast(),
            Err(_) => std::ptr::null_mut(),
        }
    }

    pub(crate) unsafe extern "C" fn mesos_shim_log_writer_free(handle: *mut mesos_shim_log_writer) {
        if !handle.is_null() {
            // SAFETY: from `mesos_shim_log_writer_new`, freed once, here.
            drop(unsafe { Box::from_raw(handle.cast::<WriterDouble>()) });
        }
    }

    /// Runs `write` if the writer leads (a position), else answers none.
    ///
    /// # Safety
    /// `handle` is NULL or a live writer.
    unsafe fn writing(
        handle: *mut mesos_shim_log_writer,
        done: mesos_shim_future_callback,
        context: *mut c_void,
        write: impl FnOnce(&WriterDouble, &mut Replica) -> Option<u64>,
    ) -> i32 {
        answered((|| {
            let answer = Answer::new(done, context)?;
            // SAFETY: forwarded from the caller.
            let writer = unsafe { live::<WriterDouble>(handle, "log writer") }?;
            let at = write(writer, &mut writer.log.lock().unwrap());
            Ok(answer.ready(at.map(position).into_iter().collect()))
        })())
    }

    fn leads(writer: &WriterDouble, replica: &Replica) -> bool {
        *writer.epoch.lock().unwrap() == Some(replica.epoch)
    }

    pub(crate) unsafe extern "C" fn mesos_shim_log_writer_start(
        handle: *mut mesos_shim_log_writer,
        done: mesos_shim_future_callback,
        context: *mut c_void,
    ) -> i32 {
        // SAFETY: forwarded from the caller.
        unsafe {
            writing(handle, done, context, |writer, replica| {
                replica.epoch += 1;
                *writer.epoch.lock().unwrap() = Some(replica.epoch);
                Some(ending(replica))
            })
        }
    }

    pub(crate) unsafe extern "C" fn mesos_shim_log_writer_append(
        handle: *mut mesos_shim_log_writer,
        data: mesos_shim_buf,
        done: mesos_shim_future_callback,
        context: *mut c_void,
    ) -> i32 {
        // SAFETY: the caller lends `data` for the call.
        let data = match unsafe { buffers::bytes(&data, "data") } {
            Ok(data) => data,
            Err(code) => return code,
        };
        // SAFETY: forwarded from the caller.
        unsafe {
            writing(handle, done, context, |writer, replica| {
                leads(writer, replica).then(|| {
                    let at = replica.next;
                    replica.entries.insert(at, data);
                    replica.next += 1;
                    at
                })
            })
        }
    }

    pub(crate) unsafe extern "C" fn mesos_shim_log_writer_truncate(
        handle: *mut mesos_shim_log_writer,
        to: u64,
        done: mesos_shim_future_callback,
        context: *mut c_void,
    ) -> i32 {
        // SAFETY: forwarded from the caller.
        unsafe {
            writing(handle, done, context, |writer, replica| {
                leads(writer, replica).then(|| {
                    replica.entries = replica.entries.split_off(&to);
                    replica.beginning = replica.beginning.max(to);
                    // libmesos records the truncation as an entry of its own.
                    let at = replica.next;
                    replica.next += 1;
                    at
                })
            })
        }
    }
}
