//! The protobuf schema: the project's own `.proto` files against upstream
//! Mesos's (field by field, where upstream's are found), round trips of the
//! generated types, and bytes captured from a real Mesos
//! (`tests/data/real-mesos*`) decoded by the binding.

#[path = "../support/mod.rs"]
mod support;

mod bytes;
mod bytes_v1;
mod proto;
mod proto_v1;
