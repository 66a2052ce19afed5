//! The C callbacks handed to the shim for a v1 executor, generated from
//! the boundary's list.

use super::Connection;
use crate::proto::v1::executor::Event;

mesos_sys::shim_boundary!(v1_executor callbacks => crate::from_list::callback_table, Connection, "v1::Executor";);
