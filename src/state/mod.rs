//! libmesos's State: a versioned key-value store with compare-and-swap,
//! the one Java frameworks reach through `org.apache.mesos.state` (Marathon
//! kept its framework id and its whole store in `ZooKeeperState`).
//!
//! A [`State`] sits on one backend:
//!
//! | backend | constructor | libmesos class |
//! | --- | --- | --- |
//! | ZooKeeper | [`State::zookeeper`] | `ZooKeeperStorage` |
//! | LevelDB | [`State::leveldb`] | `LevelDBStorage` |
//! | the replicated log | [`State::over_log`] | `LogStorage` |
//! | memory, in libmesos | [`State::in_memory`] | `InMemoryStorage` |
//! | memory, no libmesos | [`State::in_process`] | none: for users' tests |
//!
//! The data is libmesos's own: every variable is the `Entry` message
//! (name, version uuid, value) that libmesos's `State` stores, so a Rust
//! `State` reads what a Java or C++ framework wrote on the same backend,
//! and the other way round. libmesos's `mesos::state::State` is a few
//! inline lines over its `Storage` (a fresh uuid on each store, the store
//! refused when the stored uuid moved on); this module is those lines, in
//! Rust, over the same storages.
//!
//! Every operation has two forms: one that waits with a timeout
//! ([`State::fetch`]), and one that returns a [`Completion`] to `.await` or
//! to wait on later ([`State::fetch_async`]). Neither can hang or crash on
//! an operation libmesos never answers: see [`crate::answer`].
//!
//! ```
//! use std::time::Duration;
//! use mesos::state::State;
//!
//! let state = State::in_process(); // State::zookeeper(...) for the real thing
//! let timeout = Duration::from_millis(500);
//! let empty = state.fetch("framework-id", timeout).unwrap();
//! let stored = state.store(&empty.mutate(b"f-1".to_vec()), timeout).unwrap().unwrap();
//! assert_eq!(stored.value(), b"f-1");
//! // A store from a stale version is refused: compare-and-swap.
//! assert!(state.store(&empty.mutate(b"f-2".to_vec()), timeout).unwrap().is_none());
//! assert_eq!(state.names(timeout).unwrap(), ["framework-id"]);
//! ```

mod entry;
mod in_process;
mod native;
mod variable;
mod zookeeper;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use mesos_sys::ShimApi;

use crate::answer::Completion;
use crate::error::{Error, Result};
use crate::ffi;

pub use variable::Variable;
pub use zookeeper::ZooKeeper;

use entry::Entry;
use in_process::InProcessStorage;
use native::NativeStorage;

/// A versioned key-value store over one backend (see the [module
/// docs](self)). Cheap to clone; every clone is the same store, closed
/// when the last is dropped (operations still in flight then end with
/// [`Error::Abandoned`]). Safe to use from any thread.
#[derive(Clone)]
pub struct State {
    storage: Arc<Storage>,
}

/// Where the entries live.
enum Storage {
    Native(NativeStorage),
    InProcess(InProcessStorage),
}

impl State {
    /// Over ZooKeeper (libmesos's `ZooKeeperStorage`, what Java's
    /// `ZooKeeperState` wraps): the entries are the children of `znode`.
    ///
    /// ```no_run
    /// use mesos::state::{State, ZooKeeper};
    /// let state = State::zookeeper(&ZooKeeper::new("127.0.0.1:2181", "/marathon/state"))?;
    /// # Ok::<(), mesos::Error>(())
    /// ```
    pub fn zookeeper(zookeeper: &ZooKeeper) -> Result<Self> {
        Self::zookeeper_over(ffi::native_api()?, zookeeper)
    }

    pub(crate) fn zookeeper_over(api: &'static ShimApi, zookeeper: &ZooKeeper) -> Result<Self> {
        Ok(Self::native(NativeStorage::zookeeper(api, zookeeper)?))
    }

    /// Over a LevelDB database in the directory `path` (created if absent).
    pub fn leveldb(path: impl AsRef<Path>) -> Result<Self> {
        Ok(Self::native(NativeStorage::leveldb(
            ffi::native_api()?,
            path.as_ref(),
        )?))
    }

    /// Over libmesos's `InMemoryStorage`: gone when the last clone drops.
    pub fn in_memory() -> Result<Self> {
        Self::in_memory_over(ffi::native_api()?)
    }

    pub(crate) fn in_memory_over(api: &'static ShimApi) -> Result<Self> {
        Ok(Self::native(NativeStorage::in_memory(api)?))
    }

    /// Over the replicated log `log` (libmesos's `LogStorage`), which this
    /// state keeps open.
    pub fn over_log(log: &crate::log::Log) -> Result<Self> {
        Ok(Self::native(NativeStorage::over_log(log)?))
    }

    /// In this process, with no libmesos: the same operations and the same
    /// compare-and-swap, answered at once. For users' unit tests of code
    /// that takes a `State`; not shared with any other process.
    pub fn in_process() -> Self {
        Self {
            storage: Arc::new(Storage::InProcess(InProcessStorage::default())),
        }
    }

    fn native(storage: NativeStorage) -> Self {
        Self {
            storage: Arc::new(Storage::Native(storage)),
        }
    }

    /// The variable `name`: its value and version, or an empty value with
    /// a fresh version if there is none (storing that creates it).
    pub fn fetch(&self, name: &str, timeout: Duration) -> Result<Variable> {
        self.fetch_async(name).wait(timeout)
    }

    /// [`fetch`](Self::fetch), answered later.
    pub fn fetch_async(&self, name: &str) -> Completion<Variable> {
        if let Err(error) = check_name(name) {
            return Completion::ready(Err(error));
        }
        let fresh = Entry::fresh(name);
        let answer = move |stored: Option<Entry>| Variable::from(stored.unwrap_or(fresh));
        match &*self.storage {
            Storage::Native(storage) => storage.get(name, answer),
            Storage::InProcess(storage) => Completion::ready(Ok(answer(storage.get(name)))),
        }
    }

    /// Stores `variable` if its version is still the stored one (or the
    /// variable is new): `Some` of the variable as now stored, with its new
    /// version; `None` when another store came first, i.e. the version is
    /// stale (fetch again, and decide again).
    pub fn store(&self, variable: &Variable, timeout: Duration) -> Result<Option<Variable>> {
        self.store_async(variable).wait(timeout)
    }

    /// [`store`](Self::store), answered later.
    pub fn store_async(&self, variable: &Variable) -> Completion<Option<Variable>> {
        let (entry, expected) = variable.next_version();
        let stored = entry.clone();
        let answer = move |done: bool| done.then(|| Variable::from(stored));
        match &*self.storage {
            Storage::Native(storage) => storage.set(entry, expected, answer),
            Storage::InProcess(storage) => {
                Completion::ready(Ok(answer(storage.set(entry, expected))))
            }
        }
    }

    /// Removes `variable` if its version is still the stored one: `true`
    /// when it was removed, `false` when it was absent or changed since.
    pub fn expunge(&self, variable: &Variable, timeout: Duration) -> Result<bool> {
        self.expunge_async(variable).wait(timeout)
    }

    /// [`expunge`](Self::expunge), answered later.
    pub fn expunge_async(&self, variable: &Variable) -> Completion<bool> {
        let entry = variable.entry().clone();
        match &*self.storage {
            Storage::Native(storage) => storage.expunge(entry),
            Storage::InProcess(storage) => Completion::ready(Ok(storage.expunge(&entry))),
        }
    }

    /// The names of every stored variable, sorted.
    pub fn names(&self, timeout: Duration) -> Result<Vec<String>> {
        self.names_async().wait(timeout)
    }

    /// [`names`](Self::names), answered later.
    pub fn names_async(&self) -> Completion<Vec<String>> {
        match &*self.storage {
            Storage::Native(storage) => storage.names(),
            Storage::InProcess(storage) => Completion::ready(Ok(storage.names())),
        }
    }
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &*self.storage {
            Storage::Native(storage) => write!(f, "State({})", storage.backend()),
            Storage::InProcess(_) => write!(f, "State(in process)"),
        }
    }
}

/// The variable `name` from the bytes a storage returned for it (see
/// `entry::read`); for the fuzz targets, through `__test_seams`.
pub(crate) fn read_stored(name: &str, bytes: &[u8]) -> std::result::Result<Variable, String> {
    entry::read(name, bytes).map(Variable::from)
}

/// Names every backend accepts: not empty. (ZooKeeper refuses more, and
/// says so in the operation's error.)
fn check_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::InvalidArgument {
            what: "variable name",
            reason: "it is empty; give the variable a name".into(),
        });
    }
    Ok(())
}
