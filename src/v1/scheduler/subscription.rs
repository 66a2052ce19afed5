//! Keeping a v1 framework subscribed: what libmesos's v1 library leaves
//! to the scheduler. It reconnects when the connection drops, but it does
//! not notice a connection that stays open while the master has stopped
//! talking, and it does not subscribe again after a reconnection.
//!
//! [`Subscription`] decides, from what happened and the time, when to
//! reconnect (no event for [`Heartbeats::missed`] heartbeat intervals) and
//! when to send `SUBSCRIBE` again (after a reconnection, with the
//! framework id, backing off exponentially until `SUBSCRIBED`). It is pure:
//! the callbacks feed it, and the [monitor](super::monitor) asks it what
//! to do and does it.

use std::time::{Duration, Instant};

use crate::proto::v1::{FrameworkId, FrameworkInfo};

/// How a v1 scheduler keeps its subscription alive; on by default (see
/// [`MesosBuilder::heartbeats`](super::MesosBuilder::heartbeats)).
#[derive(Debug, Clone, PartialEq)]
pub struct Heartbeats {
    /// Reconnect when no event (heartbeats included) arrived for this many
    /// heartbeat intervals, the interval `SUBSCRIBED` gave. Default 3.
    pub missed: f64,
    /// The wait before sending `SUBSCRIBE` again, when `SUBSCRIBED` does
    /// not follow; it doubles on each try. Default 1 s.
    pub initial_backoff: Duration,
    /// The longest wait between tries. Default 30 s.
    pub max_backoff: Duration,
}

impl Default for Heartbeats {
    fn default() -> Self {
        Self {
            missed: 3.0,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
        }
    }
}

/// What the monitor should do now.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Action {
    Nothing,
    /// The master went quiet: drop the connection and make a new one.
    Reconnect,
    /// Send `SUBSCRIBE` with this framework (its id set). Boxed: a
    /// `FrameworkInfo` is large, and the monitor asks every tick.
    Subscribe(Box<FrameworkInfo>),
}

/// A framework's subscription, as the callbacks report it.
#[derive(Debug, Default)]
pub(crate) struct Subscription {
    /// What the framework last subscribed with.
    framework: Option<FrameworkInfo>,
    framework_id: Option<FrameworkId>,
    connected: bool,
    subscribed: bool,
    /// Connections made so far; a `SUBSCRIBE` counts for one connection.
    connection: u64,
    /// The connection of the last `SUBSCRIBE`, and when it was sent.
    sent: Option<(u64, Instant)>,
    backoff: Duration,
    heartbeat_interval: Option<Duration>,
    last_event: Option<Instant>,
}

impl Subscription {
    pub(crate) fn framework_id(&self) -> Option<FrameworkId> {
        self.framework_id.clone()
    }

    pub(crate) fn connected(&mut self) {
        self.connected = true;
        self.subscribed = false;
        self.connection += 1;
    }

    pub(crate) fn disconnected(&mut self) {
        self.connected = false;
        self.subscribed = false;
    }

    /// The master answered that it removed the framework: its id is dead
    /// (the master refuses it for ever). Forget it, so that neither the
    /// monitor nor the scheduler's next `subscribe` without an id sends it
    /// again: that one registers a new framework. (A `subscribe` that
    /// names an id itself still sends it.)
    pub(crate) fn removed(&mut self) {
        self.framework_id = None;
        if let Some(framework) = &mut self.framework {
            framework.id = None;
        }
        self.subscribed = false;
    }

    pub(crate) fn event(&mut self, now: Instant) {
        self.last_event = Some(now);
    }

    pub(crate) fn subscribed(&mut self, now: Instant, id: FrameworkId, interval: Option<f64>) {
        self.subscribed = true;
        self.framework_id = Some(id);
        // The master's word: an interval no `Duration` holds (NaN,
        // negative, beyond u64 seconds) is no interval, not a panic.
        self.heartbeat_interval = interval
            .filter(|seconds| *seconds > 0.0)
            .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok());
        self.last_event = Some(now);
    }

    /// The framework's own `subscribe`: what to send, or `None` when the
    /// monitor already subscribed on this connection (a second `SUBSCRIBE`
    /// would replace the first one's stream). A framework without an id
    /// gets the one `SUBSCRIBED` gave earlier: after a reconnection the
    /// same `connected` code fails over to itself instead of registering a
    /// second framework, as the v0 driver does. The framework is
    /// remembered for later tries.
    pub(crate) fn user_subscribes(
        &mut self,
        mut framework: FrameworkInfo,
        now: Instant,
    ) -> Option<FrameworkInfo> {
        match &framework.id {
            Some(id) => self.framework_id = Some(id.clone()),
            None => framework.id.clone_from(&self.framework_id),
        }
        self.framework = Some(framework.clone());
        if self
            .sent
            .is_some_and(|(connection, _)| connection == self.connection)
        {
            return None;
        }
        self.sent = Some((self.connection, now));
        Some(framework)
    }

    /// What to do at `now` under `policy`.
    pub(crate) fn next(&mut self, now: Instant, policy: &Heartbeats) -> Action {
        if !self.connected {
            return Action::Nothing;
        }
        if self.subscribed {
            self.backoff = policy.initial_backoff;
            let (Some(interval), Some(last)) = (self.heartbeat_interval, self.last_event) else {
                return Action::Nothing;
            };
            // A silence no `Duration` holds (a huge interval, or a `missed`
            // that is NaN or negative) never ends: no reconnection, and no
            // panic on the monitor's thread.
            let Ok(silence) = Duration::try_from_secs_f64(interval.as_secs_f64() * policy.missed)
            else {
                return Action::Nothing;
            };
            if now.duration_since(last) > silence {
                // Nothing more until libmesos has made the new
                // connection (`disconnected`, then `connected`).
                self.connected = false;
                self.subscribed = false;
                self.last_event = None;
                return Action::Reconnect;
            }
            return Action::Nothing;
        }
        // Connected, not subscribed: only a framework that subscribed
        // before (so that we know what to send) is subscribed again.
        let (Some(framework), Some(id)) = (&self.framework, &self.framework_id) else {
            return Action::Nothing;
        };
        let due = match self.sent {
            Some((connection, at)) if connection == self.connection => {
                now.duration_since(at) >= self.backoff
            }
            _ => true,
        };
        if !due {
            return Action::Nothing;
        }
        if matches!(self.sent, Some((connection, _)) if connection == self.connection) {
            self.backoff = (self.backoff * 2).min(policy.max_backoff);
        } else {
            self.backoff = policy.initial_backoff;
        }
        self.sent = Some((self.connection, now));
        let mut framework = framework.clone();
        framework.id = Some(id.clone());
        Action::Subscribe(Box::new(framework))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framework() -> FrameworkInfo {
        FrameworkInfo {
            user: "u".into(),
            name: "f".into(),
            ..Default::default()
        }
    }

    fn id() -> FrameworkId {
        FrameworkId { value: "fw".into() }
    }

    /// Found by the `callback_decode` fuzz target: a `SUBSCRIBED` whose
    /// `heartbeat_interval_seconds` is 1.347525495088585e67 panicked in
    /// `Duration::from_secs_f64`; one just under `u64::MAX` seconds (found
    /// reading the same code) would have panicked in `mul_f64` on the
    /// monitor's thread.
    #[test]
    fn heartbeat_intervals_no_duration_holds_are_no_intervals() {
        let policy = Heartbeats::default();
        let start = Instant::now();
        for interval in [1e300, f64::INFINITY, f64::NAN, -1.0, 1.8e19, 1e19] {
            let mut subscription = Subscription::default();
            subscription.connected();
            subscription.subscribed(start, id(), Some(interval));
            let later = start + Duration::from_secs(3600);
            assert_eq!(
                subscription.next(later, &policy),
                Action::Nothing,
                "{interval}"
            );
        }
        let odd = Heartbeats {
            missed: f64::NAN,
            ..Heartbeats::default()
        };
        let mut subscription = Subscription::default();
        subscription.connected();
        subscription.subscribed(start, id(), Some(1.0));
        assert_eq!(
            subscription.next(start + Duration::from_secs(60), &odd),
            Action::Nothing
        );
    }

    #[test]
    fn quiet_for_more_than_the_missed_intervals_means_reconnect() {
        let policy = Heartbeats::default();
        let start = Instant::now();
        let mut subscription = Subscription::default();
        subscription.connected();
        assert!(subscription.user_subscribes(framework(), start).is_some());
        subscription.subscribed(start, id(), Some(1.0));
        let at = |seconds: f64| start + Duration::from_secs_f64(seconds);
        assert_eq!(subscription.next(at(2.9), &policy), Action::Nothing);
        subscription.event(at(2.9));
        assert_eq!(subscription.next(at(5.8), &policy), Action::Nothing);
        assert_eq!(subscription.next(at(6.0), &policy), Action::Reconnect);
        // Once: the next decision waits for the new connection.
        assert_eq!(subscription.next(at(6.1), &policy), Action::Nothing);
    }

    #[test]
    fn after_a_reconnection_it_subscribes_again_with_the_id_backing_off() {
        let policy = Heartbeats::default();
        let start = Instant::now();
        let at = |seconds: u64| start + Duration::from_secs(seconds);
        let mut subscription = Subscription::default();
        subscription.connected();
        subscription.user_subscribes(framework(), start);
        subscription.subscribed(start, id(), Some(15.0));
        subscription.disconnected();
        assert_eq!(subscription.next(at(1), &policy), Action::Nothing);
        subscription.connected();
        let Action::Subscribe(sent) = subscription.next(at(2), &policy) else {
            panic!("no resubscription");
        };
        assert_eq!(sent.id, Some(id()));
        // The user's own subscribe on this connection is not sent again.
        assert!(subscription.user_subscribes(framework(), at(2)).is_none());
        // No SUBSCRIBED: again after 1 s, then 2 s, then 4 s.
        assert_eq!(subscription.next(at(2), &policy), Action::Nothing);
        assert!(matches!(
            subscription.next(at(3), &policy),
            Action::Subscribe(_)
        ));
        assert_eq!(subscription.next(at(4), &policy), Action::Nothing);
        assert!(matches!(
            subscription.next(at(5), &policy),
            Action::Subscribe(_)
        ));
        assert_eq!(subscription.next(at(8), &policy), Action::Nothing);
        assert!(matches!(
            subscription.next(at(9), &policy),
            Action::Subscribe(_)
        ));
        subscription.subscribed(at(9), id(), Some(15.0));
        assert_eq!(subscription.next(at(10), &policy), Action::Nothing);
    }

    #[test]
    fn subscribing_again_without_an_id_keeps_the_framework_it_was() {
        let start = Instant::now();
        let mut subscription = Subscription::default();
        subscription.connected();
        let first = subscription.user_subscribes(framework(), start).unwrap();
        assert_eq!(first.id, None);
        subscription.subscribed(start, id(), Some(15.0));
        subscription.disconnected();
        subscription.connected();
        // The scheduler's `connected` sends the same FrameworkInfo again.
        let again = subscription.user_subscribes(framework(), start).unwrap();
        assert_eq!(again.id, Some(id()));
        // An explicit id wins (failing over to another framework).
        subscription.connected();
        let other = FrameworkId {
            value: "other".into(),
        };
        let explicit = FrameworkInfo {
            id: Some(other.clone()),
            ..framework()
        };
        let sent = subscription.user_subscribes(explicit, start).unwrap();
        assert_eq!(sent.id, Some(other.clone()));
        assert_eq!(subscription.framework_id(), Some(other));
    }

    #[test]
    fn a_removed_framework_is_never_subscribed_again_with_its_id() {
        let policy = Heartbeats::default();
        let start = Instant::now();
        let mut subscription = Subscription::default();
        subscription.connected();
        subscription.user_subscribes(framework(), start);
        subscription.subscribed(start, id(), Some(15.0));
        subscription.disconnected();
        subscription.connected();
        assert!(matches!(
            subscription.next(start, &policy),
            Action::Subscribe(_)
        ));
        // The master answers "Framework has been removed".
        subscription.removed();
        assert_eq!(subscription.framework_id(), None);
        assert_eq!(
            subscription.next(start + Duration::from_secs(60), &policy),
            Action::Nothing
        );
        // The scheduler's own subscribe, without an id, registers anew.
        subscription.connected();
        let sent = subscription.user_subscribes(framework(), start).unwrap();
        assert_eq!(sent.id, None);
    }

    #[test]
    fn a_framework_that_never_subscribed_is_left_to_its_scheduler() {
        let mut subscription = Subscription::default();
        subscription.connected();
        let now = Instant::now();
        assert_eq!(
            subscription.next(now, &Heartbeats::default()),
            Action::Nothing
        );
        assert!(subscription.user_subscribes(framework(), now).is_some());
        // Subscribed once by the user, no id yet: nothing to fail over to.
        assert_eq!(
            subscription.next(now + Duration::from_secs(60), &Heartbeats::default()),
            Action::Nothing
        );
    }
}
