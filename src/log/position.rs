//! [`Position`] and [`Entry`]: where an entry is in the log, and the entry.

use crate::error::{Error, Result};

/// The position of an entry in the log. Ordered as libmesos orders them;
/// its 8-byte [`identity`](Self::identity) is what frameworks persist
/// (Aurora stores it) and what [`from_identity`](Self::from_identity)
/// reads back.
///
/// ```
/// use mesos_native::log::Position;
///
/// let position = Position::from_value(258);
/// assert_eq!(position.identity(), [0, 0, 0, 0, 0, 0, 1, 2]);
/// assert_eq!(Position::from_identity(&position.identity()).unwrap(), position);
/// assert!(Position::from_value(3) < position);
/// assert!(Position::from_identity(b"short").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position(u64);

impl Position {
    /// The position whose value is `value`.
    pub fn from_value(value: u64) -> Self {
        Self(value)
    }

    /// The position's value: 0 is the log's first.
    pub fn value(self) -> u64 {
        self.0
    }

    /// The 8 bytes that identify the position: its value, big-endian, as
    /// libmesos's `Position::identity` gives them.
    pub fn identity(self) -> [u8; 8] {
        self.0.to_be_bytes()
    }

    /// The position of an identity; it must be 8 bytes (libmesos would
    /// kill the process on any other length).
    pub fn from_identity(identity: &[u8]) -> Result<Self> {
        let bytes: [u8; 8] = identity.try_into().map_err(|_| Error::InvalidArgument {
            what: "log position identity",
            reason: format!("it is {} bytes; an identity is 8", identity.len()),
        })?;
        Ok(Self(u64::from_be_bytes(bytes)))
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// One entry of the log, as a [`Reader`](super::Reader) reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Where it is.
    pub position: Position,
    /// What was appended.
    pub data: Vec<u8>,
}
