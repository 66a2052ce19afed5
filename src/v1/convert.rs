//! v0 messages to their v1 twins and back, as Mesos's own C++ converts
//! them (`evolve` and `devolve` in `src/internal/`): the two schemas use
//! the same field numbers and types (`SlaveID` is `AgentID` on the wire),
//! so serializing one and parsing the other is the conversion.
//!
//! So every v0 helper works for v1 code too: [`Resources`](crate::Resources)
//! arithmetic and reservation refinement, the [`operations`](crate::operations)
//! builders.
//!
//! ```
//! use mesos_native::proto::{self, v1};
//! use mesos_native::v1::{devolve, evolve};
//!
//! let offer_id = v1::OfferId { value: "o-1".into() };
//! let v0: proto::OfferId = devolve(&offer_id)?;
//! assert_eq!(v0.value, "o-1");
//! let back: v1::OfferId = evolve(&v0)?;
//! assert_eq!(back, offer_id);
//! # Ok::<(), mesos_native::Error>(())
//! ```
//!
//! One v0 field has no v1 twin: `SlaveInfo.checkpoint` is dropped going to
//! v1.

use prost::Message;

use crate::error::{Error, Result};

/// A v0 message as its v1 twin (`V1` must be that twin: the result of
/// parsing another message's bytes is meaningless).
pub fn evolve<V0: Message, V1: Message + Default>(message: &V0) -> Result<V1> {
    convert(message, "v1 message (evolve)")
}

/// A v1 message as its v0 twin.
pub fn devolve<V1: Message, V0: Message + Default>(message: &V1) -> Result<V0> {
    convert(message, "v0 message (devolve)")
}

fn convert<From: Message, To: Message + Default>(message: &From, what: &'static str) -> Result<To> {
    To::decode(message.encode_to_vec().as_slice()).map_err(|source| Error::Decode {
        what: what.into(),
        source,
    })
}
