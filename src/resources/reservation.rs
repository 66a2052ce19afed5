//! The reservation stack: reserving, refining and unreserving.
//!
//! A resource's reservations form a stack (`Resource.reservations`): the
//! first element is the original reservation, each further element refines
//! it to a strict descendant role, and the last element is the current
//! reservation. A RESERVE operation pushes one level, an UNRESERVE pops
//! one.

use crate::proto::resource::reservation_info::Type as ReservationType;
use crate::proto::resource::ReservationInfo;
use crate::proto::Resource;

use super::error::ResourcesError;
use super::resource::{reservation_role, upgrade_format, validate};
use super::roles::{self, UNRESERVED_ROLE};
use super::{Entry, Resources};

/// A `DYNAMIC` reservation for `role`, made by `principal`.
///
/// ```
/// use mesos_native::resources::dynamic_reservation;
///
/// let info = dynamic_reservation("tenant1", Some("ops"));
/// assert_eq!(info.role(), "tenant1");
/// assert_eq!(info.principal(), "ops");
/// ```
pub fn dynamic_reservation(role: &str, principal: Option<&str>) -> ReservationInfo {
    let mut info = ReservationInfo {
        role: Some(role.to_owned()),
        principal: principal.map(str::to_owned),
        ..Default::default()
    };
    info.set_type(ReservationType::Dynamic);
    info
}

/// A `STATIC` reservation for `role`, as an agent's `--resources` flag
/// makes (`cpus(role):1`).
pub fn static_reservation(role: &str) -> ReservationInfo {
    let mut info = ReservationInfo {
        role: Some(role.to_owned()),
        ..Default::default()
    };
    info.set_type(ReservationType::Static);
    info
}

/// Checks that `reservation` may go on top of a stack whose current role
/// is `current`; returns the new role.
fn check_refinement<'r>(
    resource_name: &str,
    current: Option<&str>,
    reservation: &'r ReservationInfo,
) -> Result<&'r str, ResourcesError> {
    let role = check_reservation_role(reservation)?;

    match reservation.r#type.map(ReservationType::try_from) {
        Some(Ok(ReservationType::Dynamic)) => {}
        Some(Ok(ReservationType::Static)) if current.is_none() => {}
        Some(Ok(ReservationType::Static)) => {
            return Err(ResourcesError::InvalidResource {
                name: resource_name.to_owned(),
                reason: "a refined reservation cannot be STATIC; use dynamic_reservation"
                    .to_owned(),
            })
        }
        _ => {
            return Err(ResourcesError::InvalidResource {
                name: resource_name.to_owned(),
                reason: "the reservation type must be STATIC or DYNAMIC".to_owned(),
            })
        }
    }

    if let Some(current) = current {
        if !roles::is_strict_ancestor(current, role) {
            return Err(ResourcesError::NotADescendant {
                current: current.to_owned(),
                requested: role.to_owned(),
            });
        }
    }
    Ok(role)
}

/// The reservation's role, if it is one that can be reserved.
fn check_reservation_role(reservation: &ReservationInfo) -> Result<&str, ResourcesError> {
    let Some(role) = reservation.role.as_deref() else {
        return Err(ResourcesError::InvalidRole {
            role: String::new(),
            reason: "the reservation does not name a role".to_owned(),
        });
    };
    roles::is_valid_role(role)?;
    if role == UNRESERVED_ROLE {
        return Err(ResourcesError::InvalidRole {
            role: role.to_owned(),
            reason: "'*' means unreserved and cannot be reserved".to_owned(),
        });
    }
    Ok(role)
}

/// Pushes `reservation` on the resource's reservation stack.
///
/// Fails, leaving the resource unchanged, if the reservation's role is
/// invalid or `*`, if the resource is already reserved and the new role is
/// not a strict descendant of the current one, or if a refinement is not
/// `DYNAMIC`. A resource in the deprecated reservation format is converted
/// first (see [`upgrade_format`]).
pub fn push_reservation(
    resource: &mut Resource,
    reservation: ReservationInfo,
) -> Result<(), ResourcesError> {
    let mut candidate = resource.clone();
    upgrade_format(&mut candidate);
    check_refinement(&candidate.name, reservation_role(&candidate), &reservation)?;
    candidate.reservations.push(reservation);
    validate(&candidate)?;
    *resource = candidate;
    Ok(())
}

/// Pops the top reservation off the resource's stack and returns it: the
/// resource as it is after an UNRESERVE. Fails on an unreserved resource.
pub fn pop_reservation(resource: &mut Resource) -> Result<ReservationInfo, ResourcesError> {
    upgrade_format(resource);
    resource
        .reservations
        .pop()
        .ok_or_else(|| ResourcesError::NotReserved {
            resource: resource.to_string(),
        })
}

impl Resources {
    /// The same resources with `reservation` pushed on each one's
    /// reservation stack, merged as needed. See [`push_reservation`] for
    /// the rules; nothing is changed on error.
    pub fn push_reservation(
        &self,
        reservation: ReservationInfo,
    ) -> Result<Resources, ResourcesError> {
        // Reject a bad role even when there is nothing to reserve.
        check_reservation_role(&reservation)?;
        let mut result = Resources::new();
        for entry in &self.entries {
            let mut resource = entry.resource.clone();
            check_refinement(&resource.name, reservation_role(&resource), &reservation)?;
            resource.reservations.push(reservation.clone());
            validate(&resource)?;
            result.add_entry(Entry {
                resource,
                shared_count: entry.shared_count,
            });
        }
        Ok(result)
    }

    /// The resources as a RESERVE operation would leave them: reserved
    /// (unreserved resources) or refined (reserved ones) to `role` with a
    /// `DYNAMIC` reservation made by `principal`.
    ///
    /// Put the result in [`operations::reserve`](crate::operations::reserve).
    /// `role` must be a valid role other than `*`; for resources that are
    /// already reserved it must be a strict descendant of their current
    /// reservation role (refining `tenant1` to `tenant1/private` is fine,
    /// to `tenant1` or `tenant2` is not). Unreserved resources may be
    /// reserved to any role.
    ///
    /// The master additionally requires a framework's reservation role to
    /// be the role the resources were allocated to
    /// (`Resource.allocation_info.role`), and `principal` to be the
    /// framework's principal; those checks are left to the master.
    ///
    /// ```
    /// use mesos_native::resources::{reservation_role, Resources};
    ///
    /// let offered: Resources = "cpus(tenant1):2;mem(tenant1):1024".parse()?;
    /// let refined = offered.refine("tenant1/private", "ops")?;
    /// for resource in &refined {
    ///     assert_eq!(reservation_role(resource), Some("tenant1/private"));
    ///     assert_eq!(resource.reservations.len(), 2);
    /// }
    /// assert!(offered.refine("tenant2", "ops").is_err());
    /// assert!(offered.refine("tenant1", None).is_err());
    /// # Ok::<(), mesos_native::resources::ResourcesError>(())
    /// ```
    pub fn refine<'p>(
        &self,
        role: &str,
        principal: impl Into<Option<&'p str>>,
    ) -> Result<Resources, ResourcesError> {
        self.push_reservation(dynamic_reservation(role, principal.into()))
    }

    /// The resources as an UNRESERVE operation of them would leave them:
    /// each loses its top reservation (refined resources go back to the
    /// parent reservation, singly reserved ones become unreserved). Fails
    /// if any resource is unreserved.
    ///
    /// ```
    /// use mesos_native::resources::Resources;
    ///
    /// let reserved: Resources = "cpus(tenant1):2".parse()?;
    /// let refined = reserved.refine("tenant1/private", None)?;
    /// assert_eq!(refined.pop_reservation()?, reserved);
    /// assert_eq!(reserved.pop_reservation()?, "cpus:2".parse()?);
    /// assert!(reserved.to_unreserved().pop_reservation().is_err());
    /// # Ok::<(), mesos_native::resources::ResourcesError>(())
    /// ```
    pub fn pop_reservation(&self) -> Result<Resources, ResourcesError> {
        self.pop_checked(false)
    }

    /// Like [`pop_reservation`](Self::pop_reservation), but only for
    /// refined reservations: fails unless every resource has at least two
    /// levels of reservation, so the result is still reserved (to the
    /// parent role) and nothing is released to the unreserved pool.
    pub fn unreserve_refinement(&self) -> Result<Resources, ResourcesError> {
        self.pop_checked(true)
    }

    fn pop_checked(&self, refined_only: bool) -> Result<Resources, ResourcesError> {
        let mut result = Resources::new();
        for entry in &self.entries {
            let mut entry = entry.clone();
            match entry.resource.reservations.len() {
                0 => {
                    return Err(ResourcesError::NotReserved {
                        resource: entry.resource.to_string(),
                    })
                }
                1 if refined_only => {
                    return Err(ResourcesError::NotRefined {
                        resource: entry.resource.to_string(),
                    })
                }
                _ => {}
            }
            entry.resource.reservations.pop();
            result.add_entry(entry);
        }
        Ok(result)
    }
}
