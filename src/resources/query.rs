//! Filters and quantity accessors on [`Resources`].

use std::collections::BTreeMap;

use crate::proto::value::{self, Ranges, Set};
use crate::proto::Resource;

use super::resource::{self as single, reservation_role};
use super::{values, Resources};

impl Resources {
    /// Reserved resources: reserved to exactly `role` (the role of the top
    /// reservation) when given, reserved to anyone when `None`.
    ///
    /// ```
    /// use mesos_native::resources::Resources;
    ///
    /// let r: Resources = "cpus:1;cpus(a):2;cpus(a/b):4".parse()?;
    /// assert_eq!(r.reserved(None).cpus(), Some(6.0));
    /// assert_eq!(r.reserved(Some("a")).cpus(), Some(2.0));
    /// # Ok::<(), mesos_native::resources::ResourcesError>(())
    /// ```
    pub fn reserved(&self, role: Option<&str>) -> Resources {
        self.filter(|resource| single::is_reserved(resource, role))
    }

    /// Unreserved resources.
    pub fn unreserved(&self) -> Resources {
        self.filter(single::is_unreserved)
    }

    /// Resources allocated to exactly `role` (`Resource.allocation_info.role`,
    /// set by the master on offered resources).
    pub fn allocated_to(&self, role: &str) -> Resources {
        self.filter(|resource| single::is_allocated_to(resource, role))
    }

    /// Resources reserved to `role` itself or to one of its ancestors: what
    /// Mesos may offer to a framework in `role` from reservations.
    ///
    /// Resources reserved to `tenant1/private` qualify for
    /// `tenant1/private/test-framework`; those reserved to `tenant1/public`
    /// or `tenant2` do not.
    ///
    /// ```
    /// use mesos_native::resources::Resources;
    ///
    /// let r: Resources =
    ///     "cpus(tenant1/private):1;cpus(tenant1/public):2;cpus(tenant2):4;cpus:8".parse()?;
    /// let offerable = r.reserved_to_role_or_ancestor("tenant1/private/test-framework");
    /// assert_eq!(offerable, "cpus(tenant1/private):1".parse()?);
    /// # Ok::<(), mesos_native::resources::ResourcesError>(())
    /// ```
    pub fn reserved_to_role_or_ancestor(&self, role: &str) -> Resources {
        self.filter(|resource| single::is_reserved_to_role_or_ancestor(resource, role))
    }

    /// Resources that may be offered to a framework in `role`: unreserved
    /// ones plus those of [`reserved_to_role_or_ancestor`](Self::reserved_to_role_or_ancestor).
    pub fn allocatable_to(&self, role: &str) -> Resources {
        self.filter(|resource| single::is_allocatable_to(resource, role))
    }

    /// Revocable resources.
    pub fn revocable(&self) -> Resources {
        self.filter(single::is_revocable)
    }

    /// Non-revocable resources.
    pub fn non_revocable(&self) -> Resources {
        self.filter(|resource| !single::is_revocable(resource))
    }

    /// Persistent volumes.
    pub fn persistent_volumes(&self) -> Resources {
        self.filter(single::is_persistent_volume)
    }

    /// Resources named `name`, of any type and reservation.
    pub fn named(&self, name: &str) -> Resources {
        self.filter(|resource| resource.name == name)
    }

    /// Reserved resources grouped by the role of their top reservation.
    pub fn reservations(&self) -> BTreeMap<String, Resources> {
        let mut result: BTreeMap<String, Resources> = BTreeMap::new();
        for entry in &self.entries {
            if let Some(role) = reservation_role(&entry.resource) {
                result
                    .entry(role.to_owned())
                    .or_default()
                    .add_entry(entry.clone());
            }
        }
        result
    }

    /// Total of the scalar resources named `name`, whatever their
    /// reservation or allocation, or `None` if there is none.
    pub fn get_scalar(&self, name: &str) -> Option<f64> {
        self.of_type(name, value::Type::Scalar)
            .map(|resource| values::to_fixed(single::scalar_value(resource)))
            .reduce(i64::saturating_add)
            .map(values::from_fixed)
    }

    /// Union of the ranges resources named `name`, or `None` if there is
    /// none.
    pub fn get_ranges(&self, name: &str) -> Option<Ranges> {
        self.of_type(name, value::Type::Ranges)
            .map(|resource| resource.ranges.clone().unwrap_or_default())
            .reduce(|total, more| values::ranges_add(&total, &more))
    }

    /// Union of the set resources named `name`, or `None` if there is none.
    pub fn get_set(&self, name: &str) -> Option<Set> {
        self.of_type(name, value::Type::Set)
            .map(|resource| resource.set.clone().unwrap_or_default())
            .reduce(|total, more| values::set_add(&total, &more))
    }

    /// Total `cpus`.
    pub fn cpus(&self) -> Option<f64> {
        self.get_scalar("cpus")
    }

    /// Total `gpus`.
    pub fn gpus(&self) -> Option<f64> {
        self.get_scalar("gpus")
    }

    /// Total `mem`, in megabytes.
    pub fn mem(&self) -> Option<f64> {
        self.get_scalar("mem")
    }

    /// Total `disk`, in megabytes.
    pub fn disk(&self) -> Option<f64> {
        self.get_scalar("disk")
    }

    /// All `ports`, coalesced.
    ///
    /// ```
    /// use mesos_native::resources::Resources;
    ///
    /// let r: Resources = "ports:[31000-31009,31020-31029]".parse()?;
    /// let ports = r.ports().unwrap();
    /// assert_eq!(ports.range.len(), 2);
    /// assert_eq!((ports.range[0].begin, ports.range[0].end), (31000, 31009));
    /// # Ok::<(), mesos_native::resources::ResourcesError>(())
    /// ```
    pub fn ports(&self) -> Option<Ranges> {
        self.get_ranges("ports")
    }

    fn of_type<'a>(
        &'a self,
        name: &'a str,
        kind: value::Type,
    ) -> impl Iterator<Item = &'a Resource> + 'a {
        self.iter()
            .filter(move |resource| resource.name == name && resource.r#type == kind as i32)
    }
}
