//! The C callbacks handed to the shim, generated from the boundary's list:
//! each decodes its arguments and calls the user's `Scheduler` with the
//! driver handle, through `driver::deliver` so a panic stops there.

use super::SchedulerDriver;
use crate::proto::{ExecutorId, FrameworkId, MasterInfo, Offer, OfferId, SlaveId, TaskStatus};

mesos_sys::shim_boundary!(scheduler callbacks => crate::from_list::callback_table, SchedulerDriver, "Scheduler";);
