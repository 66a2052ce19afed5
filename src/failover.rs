//! Failover for the user: the framework id kept where the next start of
//! the scheduler finds it, so that it re-registers as the same framework
//! (and owns its tasks again) instead of a new one.
//!
//! 1. Before creating the driver, [`FrameworkIdStore::prepare`] puts the
//!    stored id, if any, into the `FrameworkInfo`, with the failover
//!    timeout: how long the master keeps the framework's tasks while no
//!    scheduler is connected.
//! 2. In `registered`, [`save`](FrameworkIdStore::save) the id Mesos gave.
//! 3. Then reconcile the tasks the framework believes it has
//!    ([`crate::reconcile`]).
//! 4. When the framework is torn down for good (`stop(false)`),
//!    [`forget`](FrameworkIdStore::forget) the id: it names nothing now.
//!
//! The store is the user's pick: libmesos's State (over ZooKeeper, as
//! Marathon keeps its own; or any other State backend), or a file (one
//! machine; written atomically).
//!
//! ```no_run
//! use std::time::Duration;
//! use mesos_native::failover::FrameworkIdStore;
//! use mesos_native::proto::FrameworkInfo;
//!
//! let store = FrameworkIdStore::zookeeper("127.0.0.1:2181/my-framework")?;
//! let mut framework = FrameworkInfo { name: "my framework".into(), ..Default::default() };
//! if let Some(id) = store.prepare(&mut framework, Duration::from_secs(7 * 24 * 3600))? {
//!     println!("failing over to framework {}", id.value);
//! }
//! // ... build the driver with `framework`; in `registered`: store.save(&framework_id)
//! # Ok::<(), mesos_native::Error>(())
//! ```

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::proto::{FrameworkId, FrameworkInfo};
use crate::state::State;
use crate::zookeeper::ZooKeeper;

/// The State variable the id is kept in.
const VARIABLE: &str = "framework-id";
/// How long one State call may take.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Stores retried when another writer got in between.
const STORE_ATTEMPTS: usize = 3;

/// Where a framework's id is kept between runs of its scheduler.
pub struct FrameworkIdStore {
    backend: Backend,
    location: String,
}

enum Backend {
    State(State),
    File(PathBuf),
}

impl FrameworkIdStore {
    /// The variable `framework-id` of libmesos's State on ZooKeeper at
    /// `HOST:PORT[,HOST:PORT...]/ZNODE`.
    pub fn zookeeper(location: &str) -> Result<Self> {
        let zookeeper = ZooKeeper::parse(location)?;
        let state = State::zookeeper(&zookeeper)?;
        Ok(Self::state(state, zookeeper.to_string()))
    }

    /// The variable `framework-id` of `state` (any backend); `location`
    /// names it in messages.
    pub fn state(state: State, location: impl Into<String>) -> Self {
        Self {
            backend: Backend::State(state),
            location: location.into(),
        }
    }

    /// A file holding the id as text (written to a temporary file next to
    /// it, then renamed, so a crash never leaves half an id).
    pub fn file(path: impl AsRef<Path>) -> Self {
        let path = path.as_ref().to_path_buf();
        Self {
            location: path.display().to_string(),
            backend: Backend::File(path),
        }
    }

    /// Where the id is kept, for messages.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The stored id, if a previous run stored one.
    pub fn load(&self) -> Result<Option<FrameworkId>> {
        let bytes = match &self.backend {
            Backend::State(state) => state.fetch(VARIABLE, TIMEOUT)?.value().to_vec(),
            Backend::File(path) => match std::fs::read(path) {
                Ok(bytes) => bytes,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
                Err(source) => return Err(self.io("read the framework id from", source)),
            },
        };
        let text = String::from_utf8(bytes).map_err(|_| Error::InvalidArgument {
            what: "stored framework id",
            reason: format!(
                "the id in {} is not text; remove it to register anew",
                self.location
            ),
        })?;
        let value = text.trim();
        Ok((!value.is_empty()).then(|| FrameworkId {
            value: value.to_string(),
        }))
    }

    /// Stores `id`, over whatever was stored (this process is the
    /// framework now).
    pub fn save(&self, id: &FrameworkId) -> Result<()> {
        match &self.backend {
            Backend::State(state) => {
                for _ in 0..STORE_ATTEMPTS {
                    let current = state.fetch(VARIABLE, TIMEOUT)?;
                    if state
                        .store(&current.mutate(id.value.as_bytes()), TIMEOUT)?
                        .is_some()
                    {
                        return Ok(());
                    }
                }
                Err(Error::OperationFailed {
                    what: format!("store of the framework id in {}", self.location),
                    message: format!("another writer changed it {STORE_ATTEMPTS} times in a row"),
                })
            }
            Backend::File(path) => {
                let temporary = path.with_extension("tmp");
                std::fs::write(&temporary, &id.value)
                    .and_then(|()| std::fs::rename(&temporary, path))
                    .map_err(|source| self.io("write the framework id to", source))
            }
        }
    }

    /// Removes the stored id: the framework it named is gone.
    pub fn forget(&self) -> Result<()> {
        match &self.backend {
            Backend::State(state) => {
                let current = state.fetch(VARIABLE, TIMEOUT)?;
                state.expunge(&current, TIMEOUT).map(drop)
            }
            Backend::File(path) => match std::fs::remove_file(path) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    Err(self.io("remove the framework id at", error))
                }
                _ => Ok(()),
            },
        }
    }

    /// Step 1 of a failover: `framework` gets the stored id (if any) and
    /// `failover_timeout`; returns the id it got.
    pub fn prepare(
        &self,
        framework: &mut FrameworkInfo,
        failover_timeout: Duration,
    ) -> Result<Option<FrameworkId>> {
        let id = self.load()?;
        framework.id.clone_from(&id);
        framework.failover_timeout = Some(failover_timeout.as_secs_f64());
        Ok(id)
    }

    fn io(&self, what: &str, source: std::io::Error) -> Error {
        Error::Io {
            what: format!("{what} {}", self.location),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("mesos-failover-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("framework-id")
    }

    #[test]
    fn a_file_store_keeps_the_id_between_runs_and_forgets_it() {
        let path = scratch("file");
        let store = FrameworkIdStore::file(&path);
        assert_eq!(store.load().unwrap(), None);
        let id = FrameworkId {
            value: "f-1".into(),
        };
        store.save(&id).unwrap();
        let again = FrameworkIdStore::file(&path);
        let mut framework = FrameworkInfo::default();
        assert_eq!(
            again
                .prepare(&mut framework, Duration::from_secs(60))
                .unwrap(),
            Some(id.clone())
        );
        assert_eq!(framework.id, Some(id));
        assert_eq!(framework.failover_timeout, Some(60.0));
        again.forget().unwrap();
        again.forget().unwrap(); // twice is fine
        assert_eq!(again.load().unwrap(), None);
    }

    #[test]
    fn a_state_store_works_on_any_backend() {
        // SAFETY: the test double implements `mesos_shim.h` as the header
        // says (the bare suite holds it to that).
        let double = unsafe { crate::Shim::from_api(&mesos_native_double::API) };
        let state = State::open(double, crate::state::Storage::InMemory).unwrap();
        let store = FrameworkIdStore::state(state, "memory");
        let id = FrameworkId {
            value: "f-2".into(),
        };
        store.save(&id).unwrap();
        store.save(&id).unwrap(); // over itself
        assert_eq!(store.load().unwrap(), Some(id));
        store.forget().unwrap();
        assert_eq!(store.load().unwrap(), None);
    }

    #[test]
    fn an_unreadable_file_is_a_clear_error() {
        let path = scratch("dir");
        std::fs::create_dir_all(&path).unwrap(); // a directory, not a file
        let error = FrameworkIdStore::file(&path).load().unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("could not read the framework id from"),
            "{error}"
        );
        assert!(std::error::Error::source(&error).is_some());
    }
}
