//! The lifecycle state of one native object and the one function that
//! decides every transition ([`State::after`]). Pure: no atomics, no
//! threads; [`Lifecycle`](super::lifecycle::Lifecycle) stores it and says
//! who may send which [`Event`].

use super::status::DriverStatus;

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

    /// Whether the driver failed to start, and so has no libmesos process:
    /// libmesos's `stop` would then mark it stopped, and a later `join`
    /// fails a `CHECK` on the missing process (killing the process). `stop`
    /// and `join` answer for libmesos in this state.
    pub(crate) fn has_no_process(self) -> bool {
        self == State::FailedToStart
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

    /// The transition table in the module docs (`src/driver/mod.rs`), row
    /// by row: `(from, event, to)`.
    fn documented_transitions() -> Vec<(State, Event, State)> {
        let docs = include_str!("mod.rs");
        let rows: Vec<_> = docs
            .lines()
            .filter_map(|line| line.strip_prefix("//! | "))
            .filter(|row| !row.starts_with("from |") && !row.starts_with("---"))
            .map(|row| {
                let cells: Vec<&str> = row.split(" | ").map(str::trim).collect();
                (state(cells[0]), event(cells[1]), state(cells[2]))
            })
            .collect();
        assert!(
            rows.len() > 10,
            "the table was not found in the module docs"
        );
        rows
    }

    fn status(name: &str) -> Option<DriverStatus> {
        Some(match name {
            "NotStarted" => DriverStatus::NotStarted,
            "Running" => DriverStatus::Running,
            "Aborted" => DriverStatus::Aborted,
            "Stopped" => DriverStatus::Stopped,
            "shim error" => return None,
            other => panic!("the table names no status `{other}`"),
        })
    }

    fn state(name: &str) -> State {
        if let Some(status) = name.strip_prefix("Detached(") {
            return State::Detached(self::status(status.trim_end_matches(')')).unwrap());
        }
        match name {
            "NotStarted" => State::NotStarted,
            "Starting" => State::Starting,
            "Running" => State::Running,
            "Stopped" => State::Stopped,
            "Aborted" => State::Aborted,
            "FailedToStart" => State::FailedToStart,
            other => panic!("the table names no state `{other}`"),
        }
    }

    fn event(name: &str) -> Event {
        let argument = |prefix: &str| {
            name.strip_prefix(prefix)
                .map(|rest| rest.trim_end_matches(')'))
        };
        if let Some(returned) = argument("StartReturned(") {
            return Event::StartReturned(status(returned));
        }
        if let Some(reported) = argument("Reported(") {
            return Event::Reported(status(reported).unwrap());
        }
        match name {
            "StartBegins" => Event::StartBegins,
            "ErrorDuringStart" => Event::ErrorDuringStart,
            "Failed" => Event::Failed,
            "Detach" => Event::Detach,
            other => panic!("the table names no event `{other}`"),
        }
    }

    const EVENTS: [Event; 13] = [
        Event::StartBegins,
        Event::StartReturned(None),
        Event::StartReturned(Some(DriverStatus::NotStarted)),
        Event::StartReturned(Some(DriverStatus::Running)),
        Event::StartReturned(Some(DriverStatus::Aborted)),
        Event::StartReturned(Some(DriverStatus::Stopped)),
        Event::ErrorDuringStart,
        Event::Reported(DriverStatus::NotStarted),
        Event::Reported(DriverStatus::Running),
        Event::Reported(DriverStatus::Aborted),
        Event::Reported(DriverStatus::Stopped),
        Event::Failed,
        Event::Detach,
    ];

    #[test]
    fn the_documented_table_is_what_after_decides() {
        let table = documented_transitions();
        for from in ALL {
            for event in EVENTS {
                let documented = table
                    .iter()
                    .find(|(f, e, _)| *f == from && *e == event)
                    .map(|(_, _, to)| *to);
                assert_eq!(
                    from.after(event),
                    documented,
                    "{from:?} on {event:?}: the table in src/driver/mod.rs and State::after \
                     disagree"
                );
            }
        }
    }

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
