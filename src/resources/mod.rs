//! Resource arithmetic, filtering and reservations, with the semantics of
//! Mesos's own `Resources` class.
//!
//! [`Resources`] is a list of [`Resource`] messages kept in Mesos's
//! canonical form: resources that Mesos would merge (same name, type,
//! reservation stack, allocation, disk, sharedness, provider and
//! revocability) are merged, values are normalized (scalars rounded to
//! three decimals, ranges coalesced), and empty or invalid resources are
//! dropped.
//!
//! # Reservation formats
//!
//! Mesos has two ways to describe a reservation:
//!
//! * the "post-reservation-refinement" format: `Resource.reservations`, a
//!   stack of `ReservationInfo` whose last element is the current
//!   reservation (`[(DYNAMIC, tenant1), (DYNAMIC, tenant1/private)]` is a
//!   reservation for `tenant1` refined to `tenant1/private`). This is what
//!   frameworks with the `MULTI_ROLE` and `RESERVATION_REFINEMENT`
//!   capabilities receive, and what the master accepts from anyone;
//! * the deprecated "pre-reservation-refinement" format: `Resource.role`
//!   plus an optional `Resource.reservation`, which cannot express
//!   refinements.
//!
//! Everything in this module works on the post-refinement format.
//! [`Resources`] converts resources given in the old format when they are
//! added (see [`upgrade_format`]), so what it holds and hands back is always
//! in the new format.
//!
//! # Example
//!
//! ```
//! use mesos_native::resources::Resources;
//!
//! let offered: Resources = "cpus:4;mem:4096;ports:[31000-32000]".parse()?;
//! let task: Resources = "cpus:0.5;mem:512;ports:[31000-31000]".parse()?;
//!
//! assert!(offered.contains(&task));
//! let left = &offered - &task;
//! assert_eq!(left.cpus(), Some(3.5));
//! assert_eq!(left.mem(), Some(3584.0));
//! assert_eq!(left.to_string(), "cpus:3.5; mem:3584; ports:[31001-32000]");
//! # Ok::<(), mesos_native::resources::ResourcesError>(())
//! ```

mod display;
mod error;
mod ops;
mod parse;
mod query;
mod reservation;
mod resource;
pub mod roles;
mod values;

use std::collections::BTreeSet;
use std::fmt;

use crate::proto::resource::AllocationInfo;
use crate::proto::Resource;

pub use error::ResourcesError;
pub use reservation::{dynamic_reservation, pop_reservation, push_reservation, static_reservation};
pub use resource::{
    has_refined_reservations, is_allocatable_to, is_allocated_to, is_dynamically_reserved,
    is_persistent_volume, is_reserved, is_reserved_to_role_or_ancestor, is_revocable, is_shared,
    is_unreserved, ranges, reservation_role, scalar, set, upgrade_format, validate,
};
pub use roles::RoleError;

/// A collection of resources in Mesos's canonical form, with Mesos's
/// arithmetic (`+`, `-`, `+=`, `-=`, [`contains`](Resources::contains)).
///
/// Build one from an offer (`Resources::from(offer.resources.clone())`),
/// from the agent `--resources` text format (`"cpus:1;mem:128".parse()`),
/// or from single resources ([`scalar`], [`ranges`], [`set`]). Turn it back
/// into a `Vec<Resource>` for a `TaskInfo` with [`into_vec`](Self::into_vec)
/// or `Vec::from`.
///
/// Adding keeps the collection canonical: resources with the same identity
/// are merged (`ports:[1-10]` + `ports:[11-20]` is `ports:[1-20]`), while
/// resources that differ in anything but their value (for instance the
/// reservation stack) stay apart. Subtracting takes from the resource with
/// the same identity and drops what becomes empty or negative; subtracting
/// something that is not there has no effect. As in Mesos, invalid
/// resources (see [`validate`]) given to the lenient constructors and
/// operators are silently ignored; use [`try_from_iter`](Self::try_from_iter)
/// or [`try_add`](Self::try_add) to get an error instead.
///
/// Two `Resources` are equal when each contains the other, whatever the
/// order of their elements.
///
/// ```
/// use mesos_native::resources::{scalar, Resources};
///
/// let mut pool = Resources::from(vec![scalar("cpus", 1.0), scalar("mem", 256.0)]);
/// pool += scalar("cpus", 0.5);
/// assert_eq!(pool.cpus(), Some(1.5));
///
/// let ports: Resources = "ports:[1-10]".parse()?;
/// let more: Resources = "ports:[11-20]".parse()?;
/// assert_eq!((ports + more).to_string(), "ports:[1-20]");
///
/// let reserved: Resources = "cpus(tenant1):2".parse()?;
/// let both = pool + &reserved;
/// assert_eq!(both.len(), 3, "reserved and unreserved cpus stay apart");
/// assert_eq!(both.cpus(), Some(3.5));
/// assert_eq!(both.reserved(Some("tenant1")), reserved);
/// # Ok::<(), mesos_native::resources::ResourcesError>(())
/// ```
#[derive(Clone, Default)]
pub struct Resources {
    entries: Vec<Entry>,
}

/// One stored resource. Shared resources (persistent volumes with
/// `Resource.shared`) are counted instead of merged, as Mesos does.
#[derive(Clone, Debug)]
struct Entry {
    resource: Resource,
    shared_count: Option<i64>,
}

impl Entry {
    fn new(resource: Resource) -> Self {
        let shared_count = resource.shared.is_some().then_some(1);
        Entry {
            resource,
            shared_count,
        }
    }

    fn is_empty(&self) -> bool {
        self.shared_count == Some(0) || resource::value_is_empty(&self.resource)
    }

    fn is_negative(&self) -> bool {
        self.shared_count.is_some_and(|count| count < 0)
            || (self.resource.scalar.is_some() && resource::scalar_value(&self.resource) < 0.0)
    }

    fn contains(&self, that: &Entry) -> bool {
        match (self.shared_count, that.shared_count) {
            (None, None) => resource::contains(&self.resource, &that.resource),
            (Some(mine), Some(theirs)) => {
                mine >= theirs && resource::resource_eq(&self.resource, &that.resource)
            }
            _ => false,
        }
    }

    /// `self += that`, where the two are addable.
    fn add(&mut self, that: &Entry) {
        match (&mut self.shared_count, that.shared_count) {
            (Some(mine), Some(theirs)) => *mine += theirs,
            _ => resource::add_value(&mut self.resource, &that.resource),
        }
    }

    /// `self -= that`, where the two are subtractable.
    fn subtract(&mut self, that: &Entry) {
        match (&mut self.shared_count, that.shared_count) {
            (Some(mine), Some(theirs)) => *mine -= theirs,
            _ => resource::sub_value(&mut self.resource, &that.resource),
        }
    }
}

impl Resources {
    /// An empty collection.
    pub fn new() -> Self {
        Resources::default()
    }

    /// Builds a collection from resources, failing on the first invalid one
    /// instead of skipping it.
    ///
    /// ```
    /// use mesos_native::resources::{scalar, Resources};
    ///
    /// assert!(Resources::try_from_iter([scalar("cpus", 1.0)]).is_ok());
    /// assert!(Resources::try_from_iter([scalar("cpus", -1.0)]).is_err());
    /// ```
    pub fn try_from_iter(
        resources: impl IntoIterator<Item = Resource>,
    ) -> Result<Self, ResourcesError> {
        let mut result = Resources::new();
        for resource in resources {
            result.try_add(resource)?;
        }
        Ok(result)
    }

    /// Adds one resource, or explains why it is not a valid resource.
    /// Resources in the deprecated reservation format are converted.
    pub fn try_add(&mut self, mut resource: Resource) -> Result<(), ResourcesError> {
        validate(&resource)?;
        upgrade_format(&mut resource);
        resource::normalize(&mut resource);
        self.add_entry(Entry::new(resource));
        Ok(())
    }

    /// Adds one resource, ignoring it if it is invalid (Mesos's `+=`).
    fn add_lenient(&mut self, resource: Resource) {
        // Invalid resources are dropped, as Mesos does; `try_add` reports them.
        let _ = self.try_add(resource);
    }

    /// Merges an already-canonical entry into the collection.
    fn add_entry(&mut self, that: Entry) {
        if that.is_empty() {
            return;
        }
        match self
            .entries
            .iter_mut()
            .find(|entry| resource::addable(&entry.resource, &that.resource))
        {
            Some(entry) => entry.add(&that),
            None => self.entries.push(that),
        }
    }

    /// Takes an already-canonical entry out of the collection.
    fn subtract_entry(&mut self, that: &Entry) {
        if that.is_empty() {
            return;
        }
        let Some(index) = self
            .entries
            .iter()
            .position(|entry| resource::subtractable(&entry.resource, &that.resource))
        else {
            return;
        };
        let entry = &mut self.entries[index];
        entry.subtract(that);
        if entry.is_negative() || entry.is_empty() {
            self.entries.remove(index);
        }
    }

    /// Number of distinct (non-mergeable) resources held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no resource at all.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Iterates over the resources, in the order they were first added.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.entries.iter())
    }

    /// The resources as a vector, e.g. for `TaskInfo.resources`. A shared
    /// resource appears once, whatever its count.
    pub fn into_vec(self) -> Vec<Resource> {
        self.into_iter().collect()
    }

    /// A copy of the resources as a vector.
    pub fn to_vec(&self) -> Vec<Resource> {
        self.iter().cloned().collect()
    }

    /// Whether every resource in `that` is available here (same identity,
    /// enough quantity). Reserved resources never satisfy a request for
    /// unreserved ones, nor the other way round.
    ///
    /// ```
    /// use mesos_native::resources::Resources;
    ///
    /// let offer: Resources = "cpus:2;ports:[1-20]".parse()?;
    /// assert!(offer.contains(&"cpus:1.5;ports:[5-6]".parse()?));
    /// assert!(!offer.contains(&"cpus:3".parse()?));
    /// assert!(!offer.contains(&"cpus(role):1".parse()?));
    /// # Ok::<(), mesos_native::resources::ResourcesError>(())
    /// ```
    pub fn contains(&self, that: &Resources) -> bool {
        let mut remaining = self.clone();
        for wanted in &that.entries {
            if !remaining.entries.iter().any(|entry| entry.contains(wanted)) {
                return false;
            }
            // Persistent volumes are not merged, so two identical ones
            // must be matched by two different volumes.
            if is_persistent_volume(&wanted.resource) {
                remaining.subtract_entry(wanted);
            }
        }
        true
    }

    /// Whether a single resource is available here. An invalid resource is
    /// never contained.
    pub fn contains_resource(&self, that: &Resource) -> bool {
        let mut single = Resources::new();
        single.try_add(that.clone()).is_ok() && self.contains(&single)
    }

    /// `self - that`, or [`ResourcesError::Insufficient`] when `that` is not
    /// entirely available.
    ///
    /// ```
    /// use mesos_native::resources::Resources;
    ///
    /// let offer: Resources = "cpus:1;mem:128".parse()?;
    /// assert!(offer.checked_sub(&"cpus:0.5".parse()?).is_ok());
    /// assert!(offer.checked_sub(&"cpus:2".parse()?).is_err());
    /// # Ok::<(), mesos_native::resources::ResourcesError>(())
    /// ```
    pub fn checked_sub(&self, that: &Resources) -> Result<Resources, ResourcesError> {
        if self.contains(that) {
            Ok(self - that)
        } else {
            Err(ResourcesError::Insufficient {
                requested: that.clone(),
                available: self.clone(),
            })
        }
    }

    /// The resources for which `predicate` holds.
    pub fn filter(&self, mut predicate: impl FnMut(&Resource) -> bool) -> Resources {
        Resources {
            entries: self
                .entries
                .iter()
                .filter(|entry| predicate(&entry.resource))
                .cloned()
                .collect(),
        }
    }

    /// Marks every resource as allocated to `role`
    /// (`Resource.allocation_info.role`), as the master does before offering.
    pub fn allocate(&mut self, role: &str) {
        let entries = std::mem::take(&mut self.entries);
        for mut entry in entries {
            entry.resource.allocation_info = Some(AllocationInfo {
                role: Some(role.to_owned()),
            });
            self.add_entry(entry);
        }
    }

    /// Clears `Resource.allocation_info` on every resource.
    pub fn unallocate(&mut self) {
        let entries = std::mem::take(&mut self.entries);
        for mut entry in entries {
            entry.resource.allocation_info = None;
            self.add_entry(entry);
        }
    }

    /// The same resources with every reservation removed.
    pub fn to_unreserved(&self) -> Resources {
        let mut result = Resources::new();
        for entry in &self.entries {
            let mut entry = entry.clone();
            entry.resource.reservations.clear();
            result.add_entry(entry);
        }
        result
    }

    /// The distinct resource names, sorted.
    pub fn names(&self) -> BTreeSet<&str> {
        self.iter().map(|resource| resource.name.as_str()).collect()
    }
}

impl PartialEq for Resources {
    fn eq(&self, other: &Self) -> bool {
        self.contains(other) && other.contains(self)
    }
}

impl fmt::Debug for Resources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Resources({self})")
    }
}

impl From<Resource> for Resources {
    fn from(resource: Resource) -> Self {
        let mut result = Resources::new();
        result.add_lenient(resource);
        result
    }
}

impl From<Vec<Resource>> for Resources {
    fn from(resources: Vec<Resource>) -> Self {
        resources.into_iter().collect()
    }
}

impl From<&[Resource]> for Resources {
    fn from(resources: &[Resource]) -> Self {
        resources.iter().cloned().collect()
    }
}

impl From<Resources> for Vec<Resource> {
    fn from(resources: Resources) -> Self {
        resources.into_vec()
    }
}

impl FromIterator<Resource> for Resources {
    fn from_iter<I: IntoIterator<Item = Resource>>(iter: I) -> Self {
        let mut result = Resources::new();
        result.extend(iter);
        result
    }
}

impl Extend<Resource> for Resources {
    fn extend<I: IntoIterator<Item = Resource>>(&mut self, iter: I) {
        for resource in iter {
            self.add_lenient(resource);
        }
    }
}

/// Borrowing iterator over the resources of a [`Resources`].
#[derive(Clone, Debug)]
pub struct Iter<'a>(std::slice::Iter<'a, Entry>);

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Resource;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|entry| &entry.resource)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|entry| &entry.resource)
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// Owning iterator over the resources of a [`Resources`].
#[derive(Debug)]
pub struct IntoIter(std::vec::IntoIter<Entry>);

impl Iterator for IntoIter {
    type Item = Resource;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|entry| entry.resource)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for IntoIter {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|entry| entry.resource)
    }
}

impl ExactSizeIterator for IntoIter {}

impl IntoIterator for Resources {
    type Item = Resource;
    type IntoIter = IntoIter;

    fn into_iter(self) -> IntoIter {
        IntoIter(self.entries.into_iter())
    }
}

impl<'a> IntoIterator for &'a Resources {
    type Item = &'a Resource;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}
