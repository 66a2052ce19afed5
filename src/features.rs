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
//! The operator API's clients talk to a Mesos over HTTP, with no libmesos
//! between: they ask the agent its version (`GET_VERSION`) when its answer
//! suggests an older release.
//!
//! | feature | since | refused where |
//! | --- | --- | --- |
//! | offer constraints | 1.11.0 | `SchedulerDriver::update_framework`, a v1 `SUBSCRIBE` or `UPDATE_FRAMEWORK` call |
//! | CSI plugins without a name | 1.11.0 | an agent's `ADD_`/`UPDATE_RESOURCE_PROVIDER_CONFIG`, once a 1.10 agent has refused it as unparsable |

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

/// A `CSIPluginInfo` without `name`: optional (default `"default"`) from
/// Mesos 1.11 on; required before, where an agent refuses the whole call
/// as a body that does not parse.
pub(crate) const UNNAMED_CSI_PLUGINS: Feature = Feature {
    name: "CSI plugins without a name (set CSIPluginInfo.name)",
    since: (1, 11, 0),
};

/// `Ok` when `running` (the Mesos here: the loaded libmesos's version, or
/// an agent's) has `feature`, or when the version is unknown.
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

/// `1.11.0` → `(1, 11, 0)`; `None` for anything else.
pub(crate) fn parse(version: &str) -> Option<Version> {
    let mut parts = version.split('.').map(|part| part.parse::<u32>().ok());
    let triple = (parts.next()??, parts.next()??, parts.next()??);
    Some(triple)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_release_is_refused_by_name_and_a_newer_or_unknown_one_is_not() {
        let error = require(&OFFER_CONSTRAINTS, Some((1, 10, 0))).unwrap_err();
        assert_eq!(
            error.to_string(),
            "offer constraints need Mesos 1.11.0 or later, and the Mesos here is 1.10.0: \
             leave them out, or run on a newer Mesos"
        );
        assert!(require(&OFFER_CONSTRAINTS, Some((1, 11, 0))).is_ok());
        assert!(require(&OFFER_CONSTRAINTS, Some((1, 12, 0))).is_ok());
        assert!(require(&OFFER_CONSTRAINTS, None).is_ok());
    }

    #[test]
    fn versions_parse_as_three_numbers() {
        assert_eq!(parse("1.10.0"), Some((1, 10, 0)));
        assert!(parse("1.9.0") < parse("1.10.0"));
        assert_eq!(parse("1.11"), None);
        assert_eq!(parse("1.x.0"), None);
    }
}
