//! What a v1 scheduler's calls learn as it runs, kept beside the C++
//! object: the lifecycle owns it (`driver::Kind::Settings`), the calls and
//! their preconditions read it.

use std::sync::Mutex;

use super::subscription::Subscription;
use crate::features::Version;

/// What a v1 scheduler's calls learn as it runs.
#[derive(Default)]
pub(crate) struct V1SchedulerSettings {
    /// The framework id (from `SUBSCRIBED`, or the one it subscribed
    /// with), and what keeping it subscribed needs.
    subscription: Mutex<Subscription>,
    /// The version of the libmesos it runs on, when known.
    pub(crate) running: Option<Version>,
}

impl V1SchedulerSettings {
    /// Settings for a scheduler on the libmesos `running`.
    pub(crate) fn new(running: Option<Version>) -> Self {
        V1SchedulerSettings {
            running,
            ..V1SchedulerSettings::default()
        }
    }

    /// Runs `use_it` on the subscription's state.
    pub(crate) fn subscription<R>(&self, use_it: impl FnOnce(&mut Subscription) -> R) -> R {
        let mut subscription = self
            .subscription
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        use_it(&mut subscription)
    }
}
