//! Where tests find the double behind a driver they created.

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Doubles by key; waits (bounded) for a driver to appear.
pub(crate) struct Registry<T> {
    entries: Mutex<BTreeMap<String, Arc<T>>>,
    added: Condvar,
}

impl<T> Registry<T> {
    pub(crate) const fn new() -> Self {
        Self {
            entries: Mutex::new(BTreeMap::new()),
            added: Condvar::new(),
        }
    }

    pub(crate) fn insert(&self, key: String, value: Arc<T>) {
        self.entries.lock().unwrap().insert(key, value);
        self.added.notify_all();
    }

    /// The double registered under `key`; panics (it's a test helper) if
    /// none appears within five seconds.
    pub(crate) fn get(&self, key: &str) -> Arc<T> {
        let entries = self.entries.lock().unwrap();
        let (entries, _) = self
            .added
            .wait_timeout_while(entries, Duration::from_secs(5), |entries| {
                !entries.contains_key(key)
            })
            .unwrap();
        entries
            .get(key)
            .cloned()
            .unwrap_or_else(|| panic!("no test-double driver was created with key {key:?}"))
    }
}
