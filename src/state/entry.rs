//! The message libmesos stores for each variable,
//! `mesos.internal.state.Entry` (`mesos/state/state.proto`): declared here
//! with prost's derive, field for field, as it is three fields and no
//! schema file of the crate's would otherwise need it.

/// One stored variable: its name, its version and its value.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub(crate) struct Entry {
    #[prost(string, required, tag = "1")]
    pub(crate) name: String,
    /// 16 bytes: the version, a random UUID made on every store.
    #[prost(bytes = "vec", required, tag = "2")]
    pub(crate) uuid: Vec<u8>,
    #[prost(bytes = "vec", required, tag = "3")]
    pub(crate) value: Vec<u8>,
}

impl Entry {
    /// The entry of a variable that is not stored: empty, with a fresh
    /// version (as libmesos's `State::fetch` makes it).
    pub(crate) fn fresh(name: &str) -> Self {
        Self {
            name: name.to_string(),
            uuid: crate::v1::uuid::random().to_vec(),
            value: Vec::new(),
        }
    }
}

/// The length of a version: libmesos writes a random UUID's 16 bytes, and
/// its `UUID::fromBytes` refuses any other length when the version comes
/// back with a store.
const VERSION_LEN: usize = 16;

/// The entry a storage returned for the variable `name`, decoded; `Err`
/// says why the bytes are no such entry. Whoever else writes the backend
/// (another framework, a tool, a corruption) may leave bytes that decode
/// (prost fills in missing required fields with empty ones) but are not
/// this variable at a version libmesos can compare against: those are
/// refused here, naming what is wrong, rather than handed on to fail a
/// later `store` obscurely (or, for another name, to redirect it).
pub(crate) fn read(name: &str, bytes: &[u8]) -> Result<Entry, String> {
    let entry = <Entry as prost::Message>::decode(bytes)
        .map_err(|error| format!("the stored entry of '{name}' is not an Entry: {error}"))?;
    if entry.name != name {
        return Err(format!(
            "the entry stored as '{name}' names another variable, '{}'",
            entry.name.escape_debug()
        ));
    }
    if entry.uuid.len() != VERSION_LEN {
        return Err(format!(
            "the entry stored as '{name}' has a {}-byte version; libmesos writes \
             {VERSION_LEN}-byte UUIDs; delete the variable on its backend to start it afresh",
            entry.uuid.len()
        ));
    }
    Ok(entry)
}
