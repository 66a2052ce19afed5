//! The lifecycle state of one native object and the one function that
//! decides every transition ([`State::after`]). Pure: no atomics, no
//! threads; [`Lifecycle`](super::lifecycle::Lifecycle) stores it and says
//! who may send which [`Event`].

use crate::status::DriverStatus;

/// Where a driver is, as the binding knows it (see the diagram in the
/// [module docs](super)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    /// Created; no native start yet.
    NotStarted,
    /// A handle is inside libmesos's `start`.
    Starting,
    /// libmesos's `start` returned `DRIVER_RUNNING`.
    Running,
    /// `stop` reached libmesos (terminal for libmesos too).
    Stopped,
    /// Aborted: by `abort`, by a Mesos error, or after a callback failed.
    Aborted,
    /// libmesos reported an error synchronously from creation or `start`
    /// (a malformed master URL, bad `MESOS_*` flags): it is aborted and
    /// has no process behind it.
    FailedToStart,
    /// The owner was dropped: no call reaches libmesos any more. Keeps
    /// the status handles report from then on.
    Detached(DriverStatus),
}

/// What happened to a driver; [`State::after`] turns it into a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    /// A handle is about to call libmesos's `start`.
    StartBegins,
    /// libmesos's `start` returned this status, or `None` for a shim error
    /// (libmesos did not get to run it).
    StartReturned(Option<DriverStatus>),
    /// libmesos's `error` callback ran on the thread inside this driver's
    /// creation or `start`.
    ErrorDuringStart,
    /// Any other driver call returned this status.
    Reported(DriverStatus),
    /// A callback failed (panic, undecodable message) or Mesos reported an
    /// error: the driver is (being) aborted.
    Failed,
    /// The owner is being dropped.
    Detach,
}

impl State {
    /// The state after `event`, or `None` when the event changes nothing
    /// in this state (for `Detach` from `Starting`: not yet, wait).
    pub(crate) fn after(self, event: Event) -> Option<State> {
        use DriverStatus as S;
        use Event as E;
        use State::*;
        let next = match (self, event) {
            // Nothing moves a detached driver: late returns of calls made
            // before the detach find it gone.
            (Detached(_), _) => return None,
            (NotStarted, E::StartBegins) => Starting,
            (Starting, E::StartReturned(Some(S::Running))) => Running,
            (Starting, E::StartReturned(Some(S::Aborted))) => Aborted,
            (Starting, E::StartReturned(Some(S::Stopped))) => Stopped,
            (Starting, E::StartReturned(None | Some(S::NotStarted))) => NotStarted,
            // The error callback came first; start's own return keeps it.
            (FailedToStart, E::StartReturned(_)) => return None,
            (NotStarted | Starting, E::ErrorDuringStart) => FailedToStart,
            (Running, E::Reported(S::Aborted)) => Aborted,
            (Running | Aborted, E::Reported(S::Stopped)) => Stopped,
            (NotStarted, E::Reported(S::Aborted)) => Aborted,
            (Running | Starting, E::Failed) => Aborted,
            (Starting, E::Detach) => return None,
            (state, E::Detach) => Detached(state.detached_status()),
            _ => return None,
        };
        Some(next)
    }

    /// The status libmesos would report in this state.
    pub(crate) fn status(self) -> DriverStatus {
        match self {
            State::NotStarted | State::Starting => DriverStatus::NotStarted,
            State::Running => DriverStatus::Running,
            State::Stopped => DriverStatus::Stopped,
            State::Aborted | State::FailedToStart => DriverStatus::Aborted,
            State::Detached(status) => status,
        }
    }

    /// What handles report once detached from this state: the owner's drop
    /// aborts a running driver.
    fn detached_status(self) -> DriverStatus {
        match self {
            State::Running => DriverStatus::Aborted,
            other => other.status(),
        }
    }

    /// Whether libmesos's `start` ever ran on a not-started driver (so that
    /// libmesos created the driver's process).
    pub(crate) fn was_started(self) -> bool {
        self.status() != DriverStatus::NotStarted
    }

    pub(crate) fn is_detached(self) -> bool {
        matches!(self, State::Detached(_))
    }

    /// Packs the state into a byte, for an atomic cell.
    pub(crate) fn to_bits(self) -> u8 {
        match self {
            State::NotStarted => 0,
            State::Starting => 1,
            State::Running => 2,
            State::Stopped => 3,
            State::Aborted => 4,
            State::FailedToStart => 5,
            State::Detached(status) => DETACHED | status_bits(status),
        }
    }

    /// Whether `bits` (from [`to_bits`](Self::to_bits)) are a `Detached`
    /// state, without decoding them.
    #[inline]
    pub(crate) fn bits_are_detached(bits: u8) -> bool {
        bits & DETACHED != 0
    }

    /// The inverse of [`to_bits`](Self::to_bits).
    pub(crate) fn from_bits(bits: u8) -> State {
        match bits {
            0 => State::NotStarted,
            1 => State::Starting,
            2 => State::Running,
            3 => State::Stopped,
            4 => State::Aborted,
            5 => State::FailedToStart,
            _ => State::Detached(match bits & !DETACHED {
                0 => DriverStatus::NotStarted,
                1 => DriverStatus::Running,
                2 => DriverStatus::Aborted,
                _ => DriverStatus::Stopped,
            }),
        }
    }
}

const DETACHED: u8 = 0x10;

fn status_bits(status: DriverStatus) -> u8 {
    match status {
        DriverStatus::NotStarted => 0,
        DriverStatus::Running => 1,
        DriverStatus::Aborted => 2,
        DriverStatus::Stopped => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [State; 10] = [
        State::NotStarted,
        State::Starting,
        State::Running,
        State::Stopped,
        State::Aborted,
        State::FailedToStart,
        State::Detached(DriverStatus::NotStarted),
        State::Detached(DriverStatus::Running),
        State::Detached(DriverStatus::Aborted),
        State::Detached(DriverStatus::Stopped),
    ];

    #[test]
    fn every_state_survives_packing() {
        for state in ALL {
            assert_eq!(State::from_bits(state.to_bits()), state);
            assert_eq!(
                State::bits_are_detached(state.to_bits()),
                state.is_detached()
            );
        }
    }

    #[test]
    fn only_a_not_started_driver_can_begin_a_start() {
        for state in ALL {
            let next = state.after(Event::StartBegins);
            assert_eq!(
                next.is_some(),
                state == State::NotStarted,
                "{state:?} -> {next:?}"
            );
        }
    }

    #[test]
    fn detached_is_terminal_and_waits_for_a_start_in_flight() {
        let events = [
            Event::StartBegins,
            Event::StartReturned(Some(DriverStatus::Running)),
            Event::ErrorDuringStart,
            Event::Reported(DriverStatus::Stopped),
            Event::Failed,
            Event::Detach,
        ];
        for state in ALL.iter().filter(|s| s.is_detached()) {
            for event in events {
                assert_eq!(state.after(event), None, "{state:?} on {event:?}");
            }
        }
        assert_eq!(State::Starting.after(Event::Detach), None);
        assert_eq!(
            State::Running.after(Event::Detach),
            Some(State::Detached(DriverStatus::Aborted))
        );
        assert_eq!(
            State::NotStarted.after(Event::Detach),
            Some(State::Detached(DriverStatus::NotStarted))
        );
    }

    #[test]
    fn a_late_report_never_brings_a_driver_back_to_running() {
        for state in ALL {
            assert_ne!(
                state.after(Event::Reported(DriverStatus::Running)),
                Some(State::Running)
            );
        }
        assert_eq!(
            State::Stopped.after(Event::Reported(DriverStatus::Aborted)),
            None
        );
    }

    #[test]
    fn an_error_during_start_outlives_starts_return() {
        let failed = State::Starting.after(Event::ErrorDuringStart).unwrap();
        assert_eq!(failed, State::FailedToStart);
        assert_eq!(
            failed.after(Event::StartReturned(Some(DriverStatus::Aborted))),
            None
        );
        assert_eq!(failed.status(), DriverStatus::Aborted);
        assert!(failed.was_started());
    }
}
