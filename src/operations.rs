//! Builders for the operations a scheduler applies to an offer
//! (`Offer.Operation`, passed to `acceptOffers`), and for `Filters`.
//!
//! Each builder sets the operation's `type` and the matching sub-message.
//!
//! ```
//! use mesos_native::operations;
//! use mesos_native::proto::offer::operation::Type;
//! use mesos_native::resources::Resources;
//!
//! let offered: Resources = "cpus(tenant1):1;mem(tenant1):128".parse()?;
//! let refined = offered.refine("tenant1/private", "ops")?;
//!
//! let reserve = operations::reserve(refined.clone());
//! assert_eq!(reserve.r#type(), Type::Reserve);
//!
//! let unreserve = operations::unreserve(refined);
//! assert_eq!(unreserve.r#type(), Type::Unreserve);
//!
//! let filters = operations::refuse_seconds(60.0);
//! assert_eq!(filters.refuse_seconds(), 60.0);
//! # Ok::<(), mesos_native::resources::ResourcesError>(())
//! ```

use crate::proto::offer::operation::{
    Create, Destroy, Launch, LaunchGroup, Reserve, Type, Unreserve,
};
use crate::proto::offer::Operation;
use crate::proto::{ExecutorInfo, Filters, Resource, TaskGroupInfo, TaskInfo};

fn operation(kind: Type) -> Operation {
    let mut operation = Operation::default();
    operation.set_type(kind);
    operation
}

/// A RESERVE operation for `resources`, which must carry the reservation to
/// make on top of their stack (see
/// [`Resources::refine`](crate::resources::Resources::refine)).
///
/// ```
/// use mesos_native::operations::reserve;
/// use mesos_native::proto::offer::operation::Type;
/// use mesos_native::resources::Resources;
///
/// let unreserved: Resources = "cpus:1".parse()?;
/// let op = reserve(unreserved.refine("tenant1", "ops")?);
/// assert_eq!(op.r#type(), Type::Reserve);
/// assert_eq!(op.reserve.unwrap().resources.len(), 1);
/// # Ok::<(), mesos_native::resources::ResourcesError>(())
/// ```
pub fn reserve(resources: impl IntoIterator<Item = Resource>) -> Operation {
    Operation {
        reserve: Some(Reserve {
            resources: resources.into_iter().collect(),
            ..Default::default()
        }),
        ..operation(Type::Reserve)
    }
}

/// An UNRESERVE operation, removing the top reservation of `resources` (as
/// offered, with their current reservation stack).
///
/// ```
/// use mesos_native::operations::unreserve;
/// use mesos_native::proto::offer::operation::Type;
/// use mesos_native::resources::Resources;
///
/// let reserved: Resources = "cpus(tenant1):1".parse()?;
/// let op = unreserve(reserved);
/// assert_eq!(op.r#type(), Type::Unreserve);
/// assert_eq!(op.unreserve.unwrap().resources.len(), 1);
/// # Ok::<(), mesos_native::resources::ResourcesError>(())
/// ```
pub fn unreserve(resources: impl IntoIterator<Item = Resource>) -> Operation {
    Operation {
        unreserve: Some(Unreserve {
            resources: resources.into_iter().collect(),
        }),
        ..operation(Type::Unreserve)
    }
}

/// A LAUNCH operation for `tasks`.
///
/// ```
/// use mesos_native::operations::launch;
/// use mesos_native::proto::offer::operation::Type;
/// use mesos_native::proto::TaskInfo;
///
/// let task = TaskInfo { name: "sleep".into(), ..Default::default() };
/// let op = launch([task]);
/// assert_eq!(op.r#type(), Type::Launch);
/// assert_eq!(op.launch.unwrap().task_infos[0].name, "sleep");
/// ```
pub fn launch(tasks: impl IntoIterator<Item = TaskInfo>) -> Operation {
    Operation {
        launch: Some(Launch {
            task_infos: tasks.into_iter().collect(),
        }),
        ..operation(Type::Launch)
    }
}

/// A LAUNCH_GROUP operation: `task_group` run by `executor`.
///
/// ```
/// use mesos_native::operations::launch_group;
/// use mesos_native::proto::offer::operation::Type;
/// use mesos_native::proto::{ExecutorInfo, TaskGroupInfo};
///
/// let op = launch_group(ExecutorInfo::default(), TaskGroupInfo::default());
/// assert_eq!(op.r#type(), Type::LaunchGroup);
/// assert!(op.launch_group.is_some());
/// ```
pub fn launch_group(executor: ExecutorInfo, task_group: TaskGroupInfo) -> Operation {
    Operation {
        launch_group: Some(LaunchGroup {
            executor,
            task_group,
        }),
        ..operation(Type::LaunchGroup)
    }
}

/// A CREATE operation for persistent `volumes` (disk resources with
/// `disk.persistence` set, usually reserved).
///
/// ```
/// use mesos_native::operations::create;
/// use mesos_native::proto::offer::operation::Type;
///
/// let op = create(Vec::new());
/// assert_eq!(op.r#type(), Type::Create);
/// assert!(op.create.is_some());
/// ```
pub fn create(volumes: impl IntoIterator<Item = Resource>) -> Operation {
    Operation {
        create: Some(Create {
            volumes: volumes.into_iter().collect(),
        }),
        ..operation(Type::Create)
    }
}

/// A DESTROY operation for persistent `volumes`.
///
/// ```
/// use mesos_native::operations::destroy;
/// use mesos_native::proto::offer::operation::Type;
///
/// let op = destroy(Vec::new());
/// assert_eq!(op.r#type(), Type::Destroy);
/// assert!(op.destroy.is_some());
/// ```
pub fn destroy(volumes: impl IntoIterator<Item = Resource>) -> Operation {
    Operation {
        destroy: Some(Destroy {
            volumes: volumes.into_iter().collect(),
        }),
        ..operation(Type::Destroy)
    }
}

/// `Filters` asking the master not to re-offer the declined resources for
/// `seconds` (Mesos's default is 5). The master caps the value at 365 days
/// and treats a negative value as the default.
///
/// ```
/// let filters = mesos_native::operations::refuse_seconds(30.0);
/// assert_eq!(filters.refuse_seconds, Some(30.0));
/// ```
pub fn refuse_seconds(seconds: f64) -> Filters {
    Filters {
        refuse_seconds: Some(seconds),
    }
}
