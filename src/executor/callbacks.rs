//! The C callbacks handed to the shim for an executor, generated from the
//! boundary's list: decode, then call the user's `Executor` through
//! `driver::deliver`.

use super::ExecutorDriver;
use crate::proto::{ExecutorInfo, FrameworkInfo, SlaveInfo, TaskId, TaskInfo};

mesos_sys::shim_boundary!(executor callbacks => crate::from_list::callback_table, ExecutorDriver, "Executor";);
