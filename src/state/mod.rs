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
//!
//! Each is [`State::open`] on libmesos's [`Shim`]; unit tests open one on
//! the testing kit's double instead (`mesos_native_testing::state()`).
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
//! an operation libmesos never answers: see [`Completion`].
//!
//! ```
//! # // The testing kit's in-memory double, as a unit test would use it.
//! # let shim = unsafe { mesos_native::Shim::from_api(&mesos_native_double::API) };
//! use std::time::Duration;
//! use mesos_native::state::{State, Storage};
//!
//! let state = State::open(shim, Storage::InMemory)?; // State::zookeeper(...) for real
//! let timeout = Duration::from_secs(5);
//! let empty = state.fetch("framework-id", timeout).unwrap();
//! let stored = state.store(&empty.mutate(b"f-1".to_vec()), timeout).unwrap().unwrap();
//! assert_eq!(stored.value(), b"f-1");
//! // A store from a stale version is refused: compare-and-swap.
//! assert!(state.store(&empty.mutate(b"f-2".to_vec()), timeout).unwrap().is_none());
//! assert_eq!(state.names(timeout).unwrap(), ["framework-id"]);
//! # Ok::<(), mesos_native::Error>(())
//! ```

mod entry;
mod native;
mod variable;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::boundary::{Completion, Shim};
use crate::error::{Error, Result};
use crate::zookeeper::ZooKeeper;

pub use variable::Variable;

use entry::Entry;
use native::NativeStorage;

/// A versioned key-value store over one backend (see the [module
/// docs](self)). Cheap to clone; every clone is the same store, closed
/// when the last is dropped (operations still in flight then end with
/// [`Error::Abandoned`]). Safe to use from any thread.
#[derive(Clone)]
pub struct State {
    storage: Arc<NativeStorage>,
}

/// Where a [`State`] keeps its entries (see [`State::open`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Storage {
    /// ZooKeeper (libmesos's `ZooKeeperStorage`): the entries are the
    /// children of the location's znode.
    ZooKeeper(ZooKeeper),
    /// A LevelDB database in this directory (created if absent).
    LevelDb(PathBuf),
    /// libmesos's `InMemoryStorage`: gone when the last clone drops.
    InMemory,
}

impl State {
    /// Over `storage`, made through `shim`: what every other constructor
    /// does with libmesos's ([`Shim::native`]).
    pub fn open(shim: Shim, storage: Storage) -> Result<Self> {
        let storage = match storage {
            Storage::ZooKeeper(zookeeper) => NativeStorage::zookeeper(shim.api(), &zookeeper)?,
            Storage::LevelDb(path) => NativeStorage::leveldb(shim.api(), &path)?,
            Storage::InMemory => NativeStorage::in_memory(shim.api())?,
        };
        Ok(Self {
            storage: Arc::new(storage),
        })
    }

    /// Over ZooKeeper (libmesos's `ZooKeeperStorage`, what Java's
    /// `ZooKeeperState` wraps): the entries are the children of `znode`.
    ///
    /// ```no_run
    /// use mesos_native::state::State;
    /// use mesos_native::ZooKeeper;
    /// let state = State::zookeeper(&ZooKeeper::new("127.0.0.1:2181", "/marathon/state"))?;
    /// # Ok::<(), mesos_native::Error>(())
    /// ```
    pub fn zookeeper(zookeeper: &ZooKeeper) -> Result<Self> {
        Self::open(Shim::native()?, Storage::ZooKeeper(zookeeper.clone()))
    }

    /// Over a LevelDB database in the directory `path` (created if absent).
    pub fn leveldb(path: impl AsRef<Path>) -> Result<Self> {
        Self::open(Shim::native()?, Storage::LevelDb(path.as_ref().into()))
    }

    /// Over libmesos's `InMemoryStorage`: gone when the last clone drops.
    pub fn in_memory() -> Result<Self> {
        Self::open(Shim::native()?, Storage::InMemory)
    }

    /// Over the replicated log `log` (libmesos's `LogStorage`), which this
    /// state keeps open; made through the log's own shim.
    pub fn over_log(log: &crate::log::Log) -> Result<Self> {
        Ok(Self {
            storage: Arc::new(NativeStorage::over_log(log)?),
        })
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
        self.storage.get(name, answer)
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
        self.storage.set(entry, expected, answer)
    }

    /// Removes `variable` if its version is still the stored one: `true`
    /// when it was removed, `false` when it was absent or changed since.
    pub fn expunge(&self, variable: &Variable, timeout: Duration) -> Result<bool> {
        self.expunge_async(variable).wait(timeout)
    }

    /// [`expunge`](Self::expunge), answered later.
    pub fn expunge_async(&self, variable: &Variable) -> Completion<bool> {
        let entry = variable.entry().clone();
        self.storage.expunge(entry)
    }

    /// The names of every stored variable, sorted.
    pub fn names(&self, timeout: Duration) -> Result<Vec<String>> {
        self.names_async().wait(timeout)
    }

    /// [`names`](Self::names), answered later.
    pub fn names_async(&self) -> Completion<Vec<String>> {
        self.storage.names()
    }
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "State({})", self.storage.backend())
    }
}

/// The variable `name` from the bytes a storage returned for it (see
/// `entry::read`); for the fuzz targets, through `hostile_input`.
pub(crate) fn read_stored(name: &str, bytes: &[u8]) -> std::result::Result<Variable, String> {
    entry::read(name, bytes).map(Variable::from)
}

/// The bytes libmesos stores for the variable `name` at `version` holding
/// `value`: its `Entry`, encoded.
pub(crate) fn write_stored(name: &str, version: &[u8], value: &[u8]) -> Vec<u8> {
    prost::Message::encode_to_vec(&Entry {
        name: name.to_string(),
        uuid: version.to_vec(),
        value: value.to_vec(),
    })
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
