//! The scheduler driver's calls that libmesos answers by killing the whole
//! process (a failed `CHECK`) instead of returning an error. Each is
//! refused here, before the call reaches the shim, whichever shim is behind
//! the driver (libmesos's, or the test double, so the double's tests
//! exercise every guard). The calls are marked `fatal` in the boundary
//! list, and each takes the driver's settings then the call's arguments.
//!
//! | libmesos would kill the process on | refused by |
//! | --- | --- |
//! | `acceptOffers` with an operation that has an `id` | [`accept_offers`] |
//! | `acknowledgeStatusUpdate` on a driver with implicit acknowledgements | [`acknowledge_status_update`] |
//! | `updateFramework` with a role listed twice in the suppressed roles | [`update_framework`] |
//!
//! [`update_framework`] also refuses offer constraints on a libmesos older
//! than 1.11, which has none (see `crate::features`).
//!
//! The lifecycle's own (`stop` and `join` on a driver whose start failed)
//! are the driver's: see `State::has_no_process`.

use std::collections::HashSet;

use super::SchedulerSettings;
use crate::error::{Error, Result};
use crate::features;
use crate::proto::scheduler::OfferConstraints;
use crate::proto::{offer, Filters, FrameworkInfo, OfferId, TaskStatus};

/// An operation with an `id` asks for operation status updates, which
/// the driver can't deliver: libmesos aborts the process.
pub(crate) fn accept_offers(
    _: &SchedulerSettings,
    _: &[OfferId],
    operations: &[offer::Operation],
    _: &Filters,
) -> Result<()> {
    match operations
        .iter()
        .position(|operation| operation.id.is_some())
    {
        None => Ok(()),
        Some(index) => Err(Error::InvalidArgument {
            what: "operations",
            reason: format!(
                "operation {index} has an `id`: the scheduler driver cannot report \
                 operation status updates, so Mesos forbids ids here"
            ),
        }),
    }
}

/// libmesos aborts the process when a driver with implicit
/// acknowledgements is asked to acknowledge.
pub(crate) fn acknowledge_status_update(
    settings: &SchedulerSettings,
    _: &TaskStatus,
) -> Result<()> {
    if settings.explicit_acknowledgements {
        return Ok(());
    }
    Err(Error::InvalidArgument {
        what: "call to acknowledge_status_update",
        reason: "this driver acknowledges status updates implicitly (the default); \
                 build it with .implicit_acknowledgements(false) to acknowledge them \
                 yourself"
            .into(),
    })
}

/// libmesos aborts the process on a duplicate suppressed role; one before
/// Mesos 1.11 has no offer constraints.
pub(crate) fn update_framework(
    settings: &SchedulerSettings,
    _: &FrameworkInfo,
    suppressed_roles: &[impl AsRef<str>],
    offer_constraints: Option<&OfferConstraints>,
) -> Result<()> {
    if offer_constraints.is_some() {
        features::require(&features::OFFER_CONSTRAINTS, settings.running)?;
    }
    let mut seen = HashSet::new();
    match suppressed_roles
        .iter()
        .map(AsRef::as_ref)
        .find(|role| !seen.insert(*role))
    {
        None => Ok(()),
        Some(role) => Err(Error::InvalidArgument {
            what: "suppressed_roles",
            reason: format!("'{role}' is listed twice"),
        }),
    }
}
