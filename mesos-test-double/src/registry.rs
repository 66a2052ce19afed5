//! Where tests find the double behind a driver they created.

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, ThreadId};
use std::time::Duration;

/// Doubles by key; waits (bounded) for a driver to appear. Also remembers
/// the last double created on each thread, for callers that created the
/// driver themselves and want its double without agreeing on a key.
pub(crate) struct Registry<T> {
    entries: Mutex<BTreeMap<String, Arc<T>>>,
    added: Condvar,
    by_thread: Mutex<Vec<(ThreadId, Arc<T>)>>,
}

impl<T> Registry<T> {
    pub(crate) const fn new() -> Self {
        Self {
            entries: Mutex::new(BTreeMap::new()),
            added: Condvar::new(),
            by_thread: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn insert(&self, key: String, value: Arc<T>) {
        let here = thread::current().id();
        let mut by_thread = self.by_thread.lock().unwrap();
        by_thread.retain(|(thread, _)| *thread != here);
        by_thread.push((here, Arc::clone(&value)));
        drop(by_thread);
        self.entries.lock().unwrap().insert(key, value);
        self.added.notify_all();
    }

    /// The double the calling thread created last, once: a second call
    /// without a new driver in between gets `None`.
    pub(crate) fn take_created_here(&self) -> Option<Arc<T>> {
        let here = thread::current().id();
        let mut by_thread = self.by_thread.lock().unwrap();
        let index = by_thread.iter().position(|(thread, _)| *thread == here)?;
        Some(by_thread.swap_remove(index).1)
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
