//! [`Variable`]: a value and the version it was read at.

use super::entry::Entry;

/// A variable of a [`State`](super::State): its name, its value, and the
/// version it was fetched or stored at. Immutable: [`mutate`](Self::mutate)
/// makes a new value at the same version, which
/// [`State::store`](super::State::store) stores only if nobody stored
/// since.
#[derive(Clone, PartialEq, Eq)]
pub struct Variable {
    entry: Entry,
}

impl Variable {
    /// The variable's name.
    pub fn name(&self) -> &str {
        &self.entry.name
    }

    /// The value (empty for a variable never stored).
    pub fn value(&self) -> &[u8] {
        &self.entry.value
    }

    /// The version, 16 bytes (a UUID): changes on every store.
    pub fn version(&self) -> &[u8] {
        &self.entry.uuid
    }

    /// The same variable, at the same version, with `value`.
    pub fn mutate(&self, value: impl Into<Vec<u8>>) -> Variable {
        let mut entry = self.entry.clone();
        entry.value = value.into();
        Variable { entry }
    }

    pub(super) fn entry(&self) -> &Entry {
        &self.entry
    }

    /// What a store of this variable writes (a fresh version), and the
    /// version it expects to replace.
    pub(super) fn next_version(&self) -> (Entry, Vec<u8>) {
        let mut entry = Entry::fresh(&self.entry.name);
        entry.value = self.entry.value.clone();
        (entry, self.entry.uuid.clone())
    }
}

impl From<Entry> for Variable {
    fn from(entry: Entry) -> Self {
        Self { entry }
    }
}

impl std::fmt::Debug for Variable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Variable")
            .field("name", &self.entry.name)
            .field("value", &String::from_utf8_lossy(&self.entry.value))
            .field("version", &hex(&self.entry.uuid))
            .finish()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
