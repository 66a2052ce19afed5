//! The in-process storage behind [`State::in_process`](super::State::in_process):
//! libmesos's storage rules, in a map.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::entry::Entry;

#[derive(Default)]
pub(super) struct InProcessStorage {
    entries: Mutex<BTreeMap<String, Entry>>,
}

impl InProcessStorage {
    pub(super) fn get(&self, name: &str) -> Option<Entry> {
        self.entries.lock().unwrap().get(name).cloned()
    }

    /// Stores `entry` if the stored version is `expected`, or none is
    /// stored.
    pub(super) fn set(&self, entry: Entry, expected: Vec<u8>) -> bool {
        let mut entries = self.entries.lock().unwrap();
        let fresh = entries
            .get(&entry.name)
            .is_none_or(|stored| stored.uuid == expected);
        if fresh {
            entries.insert(entry.name.clone(), entry);
        }
        fresh
    }

    /// Removes the stored entry if it is at `entry`'s version.
    pub(super) fn expunge(&self, entry: &Entry) -> bool {
        let mut entries = self.entries.lock().unwrap();
        let matches = entries
            .get(&entry.name)
            .is_some_and(|stored| stored.uuid == entry.uuid);
        if matches {
            entries.remove(&entry.name);
        }
        matches
    }

    pub(super) fn names(&self) -> Vec<String> {
        self.entries.lock().unwrap().keys().cloned().collect()
    }
}
