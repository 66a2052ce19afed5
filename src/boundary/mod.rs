//! This side of the boundary with the C shim (`wrapper/mesos_shim.h`):
//! which shim the native objects are made through ([`Shim`]), moving
//! buffers across it (`buffers`), and the answers it gives later
//! ([`Completion`]). What crosses it, call by call, is written once in
//! `wrapper/boundary.list`; the code the list turns into is in each
//! driver kind's `driver_calls.rs` and `callbacks.rs`.

mod buffers;
mod completion;
mod shim;

pub use completion::Completion;
pub use shim::{LibraryVersion, Shim};

pub(crate) use buffers::{buf, bytes, decode, decode_list, EncodedList, EncodedOptional};
pub(crate) use completion::{decode as answers, Decode, Described, Pending, Promise, Refusal};
pub(crate) use shim::{creation_error, libprocess_address, shim_error};
