//! Task reconciliation, done once here instead of by hand in every
//! framework: after a (re)registration or a failover, find out what Mesos
//! knows of the tasks the framework believes it has, as Mesos's
//! reconciliation guide describes.
//!
//! - **Explicit**: ask about every task the framework believes is not
//!   finished; ask again, with exponential backoff, about those with no
//!   answer yet; stop when every one has answered or the attempts run out.
//!   A task Mesos no longer knows is answered `TASK_LOST` (or, for
//!   partition-aware frameworks, `TASK_UNKNOWN`/`TASK_GONE`...) and
//!   reported as lost.
//! - **Implicit**, periodically: ask about all tasks at once; the master
//!   answers for every task it knows, and those the framework did not
//!   believe in are reported.
//!
//! [`Reconciler`] is a helper the scheduler calls, not a wrapper around
//! the scheduler: the framework keeps its own `Scheduler`, its own task
//! book and its own callbacks, and hands the reconciler the two things it
//! needs (the believed tasks when it (re)registers, and every status
//! update). A wrapper would have to own the user's scheduler and guess
//! which state it keeps; the helper composes with whatever the framework
//! already does. It makes no call itself: [`start`](Reconciler::start) and
//! [`poll`](Reconciler::poll) return what to send, so it serves the v0
//! driver (`reconcile_tasks`) and the v1 scheduler (a `RECONCILE` call)
//! alike.
//!
//! The lifecycle (one private method, `step`, decides each move in time):
//!
//! ```text
//!            start(tasks)                      every believed task answered
//!   Idle ───────────────► Explicit{attempt n} ─────────────────────────────► Idle (Report)
//!                           │  ▲
//!          retry due, n<max │  │ resend to the unanswered, wait first·2ⁿ (≤ max)
//!                           └──┘
//!                           │ retry due, n = max
//!                           └────────────────────────────────────────────► Idle (Report, unanswered)
//! ```
//!
//! Time is passed in (`now`), so the reconciler is deterministic and
//! tested without sleeping; call [`poll`](Reconciler::poll) from a timer
//! or from any callback.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use mesos_native::proto::{TaskId, TaskState, TaskStatus};
//! use mesos_native::reconcile::{Backoff, Reconciler};
//!
//! let mut reconciler = Reconciler::new(Backoff::default());
//! let mut believed = TaskStatus { task_id: TaskId { value: "t1".into() }, ..Default::default() };
//! believed.set_state(TaskState::TaskRunning);
//! let now = Instant::now();
//! let asks = reconciler.start([believed], now);  // send with driver.reconcile_tasks(&asks)
//! assert_eq!(asks.len(), 1);
//! assert!(reconciler.poll(now + Duration::from_secs(1)).is_none()); // nothing due yet
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use crate::proto::task_status::Reason;
use crate::proto::{TaskId, TaskState, TaskStatus};

/// How explicit reconciliation retries: after `first`, doubling up to
/// `max`, for at most `attempts` requests in all. The default (4 s to
/// 30 s, 8 attempts: about 2.5 minutes) is the DC/OS SDK's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// The wait after the first request.
    pub first: Duration,
    /// The longest wait between requests.
    pub max: Duration,
    /// Requests in all, the first included (at least 1).
    pub attempts: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            first: Duration::from_secs(4),
            max: Duration::from_secs(30),
            attempts: 8,
        }
    }
}

impl Backoff {
    /// The wait after request number `attempt` (1 for the first).
    fn wait_after(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(30);
        self.first.saturating_mul(1 << doublings).min(self.max)
    }
}

/// What an explicit reconciliation found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Believed tasks Mesos knows, with the state it gave (still running,
    /// or ended: finished, failed, killed while the framework was away),
    /// unreachable ones aside.
    pub confirmed: Vec<TaskStatus>,
    /// Believed tasks Mesos no longer knows (answered lost, unknown, gone
    /// or dropped): the framework should count them lost. (For a framework
    /// that is not `PARTITION_AWARE`, `TASK_LOST` is also the answer for a
    /// task on an agent the master cannot reach: if the agent comes back,
    /// so does the task, as `TASK_RUNNING` with reason
    /// `REASON_SLAVE_REREGISTERED`.)
    pub lost: Vec<TaskStatus>,
    /// Believed tasks on an agent the master cannot reach now
    /// (`TASK_UNREACHABLE`, for `PARTITION_AWARE` frameworks): neither
    /// running for sure nor lost. If the agent comes back, Mesos sends
    /// `TASK_RUNNING` (reason `REASON_SLAVE_REREGISTERED`); if it is
    /// removed for good, a terminal state (`TASK_GONE`...). Reconcile
    /// them again later rather than replacing them at once.
    pub unreachable: Vec<TaskStatus>,
    /// Believed tasks that never got an answer, after the last attempt.
    /// The master answers an explicit reconciliation of a framework it
    /// counts connected (except, after a master failover, about a task
    /// whose agent has not re-registered yet), so no answer at all usually
    /// means it does not hear or does not answer this scheduler. A v0 driver has no heartbeats: after a
    /// partition it may still believe itself registered while the master
    /// counts the framework disconnected, or has removed it. A new driver
    /// with the same framework id finds out which (`registered`, or
    /// `error("Framework has been removed")`).
    pub unanswered: Vec<TaskId>,
}

/// What one status update was, to the reconciler.
// Not boxed: one value per status update, matched at once.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Observed {
    /// Not a reconciliation answer (or about a task the reconciler was
    /// not asked about, outside implicit reconciliation): handle it as
    /// usual.
    Update,
    /// An answer about a believed task; more are awaited.
    Answer,
    /// The answer that completed the explicit reconciliation.
    Done(Report),
    /// A reconciliation answer about a task the framework did not
    /// believe in: Mesos knows a task the framework does not.
    UnknownToFramework(TaskStatus),
}

enum Phase {
    Idle,
    Explicit {
        /// Believed tasks not answered yet, by id, as asked about.
        pending: BTreeMap<String, TaskStatus>,
        attempt: u32,
        retry_at: Instant,
        report: Report,
    },
}

/// Explicit reconciliation with backoff, and periodic implicit
/// reconciliation; see the [module docs](self).
pub struct Reconciler {
    backoff: Backoff,
    phase: Phase,
    /// Every task the framework said it believes in (last `start`).
    believed: BTreeSet<String>,
    implicit_every: Option<Duration>,
    implicit_at: Option<Instant>,
}

/// What [`Reconciler::poll`] asks the caller to send, and what ended.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Poll {
    /// Send these with `reconcile_tasks` (empty `Some`: implicit
    /// reconciliation; `None`: nothing to send).
    pub request: Option<Vec<TaskStatus>>,
    /// The explicit reconciliation ended without every answer.
    pub gave_up: Option<Report>,
}

impl Poll {
    fn is_empty(&self) -> bool {
        self.request.is_none() && self.gave_up.is_none()
    }
}

impl Reconciler {
    /// A reconciler with no periodic implicit reconciliation.
    pub fn new(backoff: Backoff) -> Self {
        Self {
            backoff: Backoff {
                attempts: backoff.attempts.max(1),
                ..backoff
            },
            phase: Phase::Idle,
            believed: BTreeSet::new(),
            implicit_every: None,
            implicit_at: None,
        }
    }

    /// Also reconcile implicitly every `period` (the first one `period`
    /// after the next [`start`](Self::start)).
    pub fn implicit_every(mut self, period: Duration) -> Self {
        self.implicit_every = Some(period);
        self
    }

    /// Starts explicit reconciliation of `tasks`, the tasks the framework
    /// believes it has (task id, and agent id when known; the state is
    /// what it last heard). Returns what to send now with
    /// `reconcile_tasks`; an empty list means nothing to ask (and is not
    /// to be sent: that would be implicit reconciliation).
    pub fn start(
        &mut self,
        tasks: impl IntoIterator<Item = TaskStatus>,
        now: Instant,
    ) -> Vec<TaskStatus> {
        let pending: BTreeMap<String, TaskStatus> = tasks
            .into_iter()
            .map(|task| (task.task_id.value.clone(), task))
            .collect();
        self.believed = pending.keys().cloned().collect();
        self.implicit_at = self.implicit_every.map(|period| now + period);
        if pending.is_empty() {
            self.phase = Phase::Idle;
            return Vec::new();
        }
        let request = pending.values().cloned().collect();
        self.phase = Phase::Explicit {
            pending,
            attempt: 1,
            retry_at: now + self.backoff.wait_after(1),
            report: Report::default(),
        };
        request
    }

    /// Whether an explicit reconciliation is under way.
    pub fn is_reconciling(&self) -> bool {
        matches!(self.phase, Phase::Explicit { .. })
    }

    /// Hands the reconciler a status update (every one: call it from
    /// `status_update` first).
    pub fn observe(&mut self, status: &TaskStatus) -> Observed {
        if status.reason != Some(Reason::Reconciliation as i32) {
            // A regular update also answers for its task.
            return match self.answer(status, false) {
                Some(observed) => observed,
                None => Observed::Update,
            };
        }
        if let Some(observed) = self.answer(status, true) {
            return observed;
        }
        if self.believed.contains(&status.task_id.value) {
            Observed::Update // answered before; a later answer to a resend
        } else {
            Observed::UnknownToFramework(status.clone())
        }
    }

    /// Asks what is due at `now`: a resend to the unanswered (or the end
    /// of the attempts), and the periodic implicit reconciliation.
    /// `None` when nothing is.
    pub fn poll(&mut self, now: Instant) -> Option<Poll> {
        let mut poll = self.step(now);
        if poll.request.is_none() {
            if let (Some(at), Some(period)) = (self.implicit_at, self.implicit_every) {
                if now >= at && !self.is_reconciling() {
                    self.implicit_at = Some(now + period);
                    poll.request = Some(Vec::new());
                }
            }
        }
        (!poll.is_empty()).then_some(poll)
    }

    /// The one place the explicit phase moves on in time.
    fn step(&mut self, now: Instant) -> Poll {
        let Phase::Explicit {
            pending,
            attempt,
            retry_at,
            report,
        } = &mut self.phase
        else {
            return Poll::default();
        };
        if now < *retry_at {
            return Poll::default();
        }
        if *attempt >= self.backoff.attempts {
            let mut report = std::mem::take(report);
            report.unanswered = pending.values().map(|task| task.task_id.clone()).collect();
            self.phase = Phase::Idle;
            return Poll {
                request: None,
                gave_up: Some(report),
            };
        }
        *attempt += 1;
        *retry_at = now + self.backoff.wait_after(*attempt);
        Poll {
            request: Some(pending.values().cloned().collect()),
            gave_up: None,
        }
    }

    /// Records `status` as the answer for a pending task; what that was,
    /// or `None` if no task was pending under its id.
    fn answer(&mut self, status: &TaskStatus, reconciliation: bool) -> Option<Observed> {
        let Phase::Explicit {
            pending, report, ..
        } = &mut self.phase
        else {
            return None;
        };
        pending.remove(&status.task_id.value)?;
        if status.state() == TaskState::TaskUnreachable {
            report.unreachable.push(status.clone());
        } else if reconciliation && is_gone(status.state()) {
            report.lost.push(status.clone());
        } else {
            report.confirmed.push(status.clone());
        }
        if !pending.is_empty() {
            return Some(if reconciliation {
                Observed::Answer
            } else {
                Observed::Update
            });
        }
        let report = std::mem::take(report);
        self.phase = Phase::Idle;
        Some(Observed::Done(report))
    }
}

/// The states in which a reconciliation answer means "Mesos does not know
/// this task (any more)".
fn is_gone(state: TaskState) -> bool {
    matches!(
        state,
        TaskState::TaskLost
            | TaskState::TaskUnknown
            | TaskState::TaskGone
            | TaskState::TaskGoneByOperator
            | TaskState::TaskDropped
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: &str, state: TaskState) -> TaskStatus {
        let mut status = TaskStatus {
            task_id: TaskId { value: id.into() },
            ..Default::default()
        };
        status.set_state(state);
        status
    }

    fn answer(id: &str, state: TaskState) -> TaskStatus {
        let mut status = task(id, state);
        status.set_reason(Reason::Reconciliation);
        status
    }

    #[test]
    fn every_answer_ends_it_with_a_report() {
        let now = Instant::now();
        let mut reconciler = Reconciler::new(Backoff::default());
        let asks = reconciler.start(
            [
                task("a", TaskState::TaskRunning),
                task("b", TaskState::TaskRunning),
            ],
            now,
        );
        assert_eq!(asks.len(), 2);
        assert_eq!(
            reconciler.observe(&answer("a", TaskState::TaskRunning)),
            Observed::Answer
        );
        let Observed::Done(report) = reconciler.observe(&answer("b", TaskState::TaskLost)) else {
            panic!("b was the last");
        };
        assert_eq!(report.confirmed, [answer("a", TaskState::TaskRunning)]);
        assert_eq!(report.lost, [answer("b", TaskState::TaskLost)]);
        assert!(report.unanswered.is_empty());
        assert!(!reconciler.is_reconciling());
    }

    #[test]
    fn the_unanswered_are_asked_again_with_backoff_then_given_up() {
        let now = Instant::now();
        let backoff = Backoff {
            first: Duration::from_secs(4),
            max: Duration::from_secs(10),
            attempts: 3,
        };
        let mut reconciler = Reconciler::new(backoff);
        reconciler.start(
            [
                task("a", TaskState::TaskRunning),
                task("b", TaskState::TaskStaging),
            ],
            now,
        );
        assert_eq!(
            reconciler.observe(&answer("a", TaskState::TaskRunning)),
            Observed::Answer
        );
        assert_eq!(reconciler.poll(now + Duration::from_secs(3)), None);
        let second = reconciler.poll(now + Duration::from_secs(4)).unwrap();
        assert_eq!(
            second.request,
            Some(vec![task("b", TaskState::TaskStaging)])
        );
        // Then 8 s (4·2), not 4: nothing at +11; the third and last ask
        // at +12, then 10 s (the maximum) for its answer.
        assert_eq!(reconciler.poll(now + Duration::from_secs(11)), None);
        let third = reconciler.poll(now + Duration::from_secs(12)).unwrap();
        assert_eq!(third.request.map(|asks| asks.len()), Some(1));
        assert_eq!(reconciler.poll(now + Duration::from_secs(21)), None);
        let end = reconciler.poll(now + Duration::from_secs(22)).unwrap();
        assert_eq!(end.request, None);
        let report = end.gave_up.unwrap();
        assert_eq!(report.unanswered, [TaskId { value: "b".into() }]);
        assert_eq!(report.confirmed.len(), 1);
    }

    #[test]
    fn the_wait_doubles_up_to_the_maximum() {
        let backoff = Backoff::default();
        let waits: Vec<u64> = (1..=5).map(|n| backoff.wait_after(n).as_secs()).collect();
        assert_eq!(waits, [4, 8, 16, 30, 30]);
    }

    #[test]
    fn implicit_reconciliation_reports_tasks_the_framework_did_not_know() {
        let now = Instant::now();
        let mut reconciler =
            Reconciler::new(Backoff::default()).implicit_every(Duration::from_secs(60));
        assert!(
            reconciler.start([], now).is_empty(),
            "nothing to ask explicitly"
        );
        assert_eq!(reconciler.poll(now + Duration::from_secs(59)), None);
        let poll = reconciler.poll(now + Duration::from_secs(60)).unwrap();
        assert_eq!(poll.request, Some(Vec::new()), "an empty list: implicit");
        let stranger = answer("stranger", TaskState::TaskRunning);
        assert_eq!(
            reconciler.observe(&stranger),
            Observed::UnknownToFramework(stranger)
        );
        assert_eq!(
            reconciler.observe(&task("x", TaskState::TaskRunning)),
            Observed::Update
        );
    }

    #[test]
    fn an_unreachable_task_is_reported_apart_from_the_confirmed_and_the_lost() {
        let now = Instant::now();
        let mut reconciler = Reconciler::new(Backoff::default());
        reconciler.start(
            [
                task("a", TaskState::TaskRunning),
                task("b", TaskState::TaskRunning),
                task("c", TaskState::TaskRunning),
            ],
            now,
        );
        reconciler.observe(&answer("a", TaskState::TaskRunning));
        // A partition-aware framework's task on an agent the master lost.
        reconciler.observe(&answer("b", TaskState::TaskUnreachable));
        let Observed::Done(report) = reconciler.observe(&answer("c", TaskState::TaskGone)) else {
            panic!("c was the last");
        };
        assert_eq!(report.confirmed, [answer("a", TaskState::TaskRunning)]);
        assert_eq!(
            report.unreachable,
            [answer("b", TaskState::TaskUnreachable)]
        );
        assert_eq!(report.lost, [answer("c", TaskState::TaskGone)]);

        // Asked again once the agent is back: the master answers RUNNING.
        reconciler.start([task("b", TaskState::TaskUnreachable)], now);
        let Observed::Done(report) = reconciler.observe(&answer("b", TaskState::TaskRunning))
        else {
            panic!("b was the only one");
        };
        assert_eq!(report.confirmed, [answer("b", TaskState::TaskRunning)]);
        assert!(report.unreachable.is_empty() && report.lost.is_empty());

        // The master's own TASK_UNREACHABLE update (not an answer) counts too.
        reconciler.start([task("d", TaskState::TaskRunning)], now);
        let Observed::Done(report) = reconciler.observe(&task("d", TaskState::TaskUnreachable))
        else {
            panic!("d was the only one");
        };
        assert_eq!(report.unreachable.len(), 1);
        assert!(report.confirmed.is_empty());
    }

    #[test]
    fn a_regular_update_answers_for_its_task_too() {
        let now = Instant::now();
        let mut reconciler = Reconciler::new(Backoff::default());
        reconciler.start([task("a", TaskState::TaskRunning)], now);
        let Observed::Done(report) = reconciler.observe(&task("a", TaskState::TaskFinished)) else {
            panic!("a's update ends it");
        };
        assert_eq!(report.confirmed[0].state(), TaskState::TaskFinished);
    }
}
