//! What the binding offers that not every Mesos it runs on has. The crate
//! builds against Mesos 1.10, 1.11 and later, and a framework compiled once
//! may meet any of them: a feature a release lacks must be refused with an
//! error naming the feature and the release that has it, never sent to be
//! ignored (an older libmesos or master drops what it does not know without
//! a word).
//!
//! The binding knows the version of the libmesos it talks to from the file
//! it was loaded from, read once when each driver is made
//! ([`Shim::check_version`](crate::Shim)); a version it cannot tell is
//! taken as able (the shim was compiled against headers at least as new).
//!
//! | feature | since | refused where |
//! | --- | --- | --- |
//! | offer constraints | 1.11.0 | `SchedulerDriver::update_framework`, a v1 `SUBSCRIBE` or `UPDATE_FRAMEWORK` call |

use crate::error::{Error, Result};

/// A Mesos version, as `major.minor.patch`.
pub(crate) type Version = (u32, u32, u32);

/// Something a Mesos release added.
pub(crate) struct Feature {
    /// What users call it, e.g. `offer constraints`.
    pub(crate) name: &'static str,
    /// The first release that has it.
    pub(crate) since: Version,
}

/// `OfferConstraints` in `updateFramework` and in a v1 `SUBSCRIBE` or
/// `UPDATE_FRAMEWORK`: Mesos 1.11 (MESOS-10130 and what followed).
pub(crate) const OFFER_CONSTRAINTS: Feature = Feature {
    name: "offer constraints",
    since: (1, 11, 0),
};

/// `Ok` when `running` (the libmesos this driver talks to) has `feature`,
/// or when the version is unknown.
pub(crate) fn require(feature: &Feature, running: Option<Version>) -> Result<()> {
    match running {
        Some(running) if running < feature.since => Err(Error::Unsupported {
            feature: feature.name,
            since: text(feature.since),
            running: text(running),
        }),
        _ => Ok(()),
    }
}

fn text((major, minor, patch): Version) -> String {
    format!("{major}.{minor}.{patch}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_release_is_refused_by_name_and_a_newer_or_unknown_one_is_not() {
        let error = require(&OFFER_CONSTRAINTS, Some((1, 10, 0))).unwrap_err();
        assert_eq!(
            error.to_string(),
            "offer constraints need Mesos 1.11.0 or later, and this libmesos is 1.10.0: \
             leave them out, or run on a newer Mesos"
        );
        assert!(require(&OFFER_CONSTRAINTS, Some((1, 11, 0))).is_ok());
        assert!(require(&OFFER_CONSTRAINTS, Some((1, 12, 0))).is_ok());
        assert!(require(&OFFER_CONSTRAINTS, None).is_ok());
    }
}
