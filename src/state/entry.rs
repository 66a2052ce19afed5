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

/// The entry a storage returned for the variable `name`, decoded; `Err`
/// says why the bytes are no such entry.
pub(crate) fn read(name: &str, bytes: &[u8]) -> Result<Entry, String> {
    let _ = name;
    <Entry as prost::Message>::decode(bytes).map_err(|error| format!("the stored entry: {error}"))
}
