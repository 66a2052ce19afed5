//! What the v1 scheduler's raw calls (`send`, `call_async`, and the typed
//! calls built on them) check before a call leaves: features the libmesos
//! it runs on lacks, which an older master would otherwise drop without a
//! word (see `crate::features`).

use super::settings::V1SchedulerSettings;
use crate::error::Result;
use crate::features;
use crate::proto::v1::scheduler::Call;

/// See [`call_async`].
pub(crate) fn send(settings: &V1SchedulerSettings, call: &Call) -> Result<()> {
    call_async(settings, call)
}

/// Offer constraints, in a `SUBSCRIBE` or an `UPDATE_FRAMEWORK`, need
/// Mesos 1.11.
pub(crate) fn call_async(settings: &V1SchedulerSettings, call: &Call) -> Result<()> {
    let subscribe = call
        .subscribe
        .as_ref()
        .is_some_and(|subscribe| subscribe.offer_constraints.is_some());
    let update = call
        .update_framework
        .as_ref()
        .is_some_and(|update| update.offer_constraints.is_some());
    if subscribe || update {
        features::require(&features::OFFER_CONSTRAINTS, settings.running)?;
    }
    Ok(())
}
