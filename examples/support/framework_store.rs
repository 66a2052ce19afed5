//! `main --framework-store HOST:PORT/ZNODE`: the framework id kept in
//! libmesos's State on ZooKeeper, as Marathon keeps its own. Stored on
//! registration; read back on the next start, which then registers as the
//! same framework (a failover, within the failover timeout) instead of a
//! new one; forgotten when the scenario ends and tears the framework down.

use std::time::Duration;

use mesos::proto::FrameworkId;
use mesos::state::{State, ZooKeeper};

/// The variable's name under the znode.
const VARIABLE: &str = "framework-id";
const TIMEOUT: Duration = Duration::from_secs(10);

pub struct FrameworkStore {
    state: State,
    location: String,
}

impl FrameworkStore {
    /// The store at `HOST:PORT[,HOST:PORT...]/ZNODE`.
    pub fn open(location: &str) -> Result<Self, String> {
        let zookeeper =
            ZooKeeper::parse(location).map_err(|error| format!("--framework-store: {error}"))?;
        let state =
            State::zookeeper(&zookeeper).map_err(|error| format!("--framework-store: {error}"))?;
        Ok(Self {
            state,
            location: zookeeper.to_string(),
        })
    }

    /// The stored id, if a previous run stored one.
    pub fn load(&self) -> Result<Option<FrameworkId>, String> {
        let variable = self
            .state
            .fetch(VARIABLE, TIMEOUT)
            .map_err(|error| error.to_string())?;
        if variable.value().is_empty() {
            return Ok(None);
        }
        let value = String::from_utf8(variable.value().to_vec())
            .map_err(|_| format!("the framework id in {} is not text", self.location))?;
        Ok(Some(FrameworkId { value }))
    }

    /// Stores `id`, over whatever was stored (this process is the
    /// framework now).
    pub fn save(&self, id: &FrameworkId) -> Result<(), String> {
        for _ in 0..3 {
            let current = self
                .state
                .fetch(VARIABLE, TIMEOUT)
                .map_err(|error| error.to_string())?;
            let stored = self
                .state
                .store(&current.mutate(id.value.as_bytes()), TIMEOUT)
                .map_err(|error| error.to_string())?;
            if stored.is_some() {
                return Ok(());
            }
        }
        Err(format!(
            "the framework id in {} kept changing under us",
            self.location
        ))
    }

    /// Removes the stored id: the framework it named is gone.
    pub fn forget(&self) -> Result<(), String> {
        let current = self
            .state
            .fetch(VARIABLE, TIMEOUT)
            .map_err(|error| error.to_string())?;
        self.state
            .expunge(&current, TIMEOUT)
            .map(drop)
            .map_err(|error| error.to_string())
    }

    pub fn location(&self) -> &str {
        &self.location
    }
}
