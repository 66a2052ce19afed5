//! The C callbacks handed to the shim for a v1 scheduler, generated from
//! the boundary's list: decode, then call the [`Dispatcher`](super::dispatch::Dispatcher)
//! through `driver::deliver`, so a panic stops there.

use super::Connection;
use crate::proto::v1::scheduler::Event;

mesos_sys::shim_boundary!(v1_scheduler callbacks => crate::from_list::callback_table, Connection, "v1::Scheduler";);
