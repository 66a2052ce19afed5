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

/// Field 2 (length-delimited) of a serialized message, as a string: the
/// `name` of a FrameworkInfo. A minimal wire-format reader, enough for keys.
pub(crate) fn string_field_2(bytes: &[u8]) -> Option<String> {
    let mut rest = bytes;
    while !rest.is_empty() {
        let (key, after_key) = varint(rest)?;
        rest = after_key;
        let (field, wire_type) = (key >> 3, key & 7);
        match wire_type {
            0 => rest = varint(rest)?.1,
            1 => rest = rest.get(8..)?,
            5 => rest = rest.get(4..)?,
            2 => {
                let (len, after_len) = varint(rest)?;
                let len = usize::try_from(len).ok()?;
                let value = after_len.get(..len)?;
                if field == 2 {
                    return String::from_utf8(value.to_vec()).ok();
                }
                rest = &after_len[len..];
            }
            _ => return None,
        }
    }
    None
}

fn varint(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, &bytes[i + 1..]));
        }
    }
    None
}
