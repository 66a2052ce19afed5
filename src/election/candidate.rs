//! [`Candidate`]: one instance's place in an election, kept current by
//! two threads that wait on libmesos's answers, and the one function,
//! [`next`], that decides each change of [`Standing`].

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::native::{NativeContender, NativeDetector, NativeGroup};
use crate::boundary::{Completion, Described, Promise};
use crate::error::{Error, Result};

/// How long the candidate's threads wait for an answer: until it comes,
/// which it does at the latest when the handle it was asked of is freed.
const FOREVER: Duration = Duration::MAX;

/// Where a [`Candidate`] stands (see the diagram in the [module
/// docs](super)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Joining the group.
    Joining,
    /// A member of the group, while another instance (or nobody yet) leads.
    StandingBy,
    /// This candidate leads.
    Leading,
    /// Out of the election, for good: its membership ended (withdrawn, or
    /// lost with its ZooKeeper session), another instance leads after it
    /// led, or it could not join or tell who leads. A new
    /// [`Election::join`](super::Election::join) competes again.
    Out {
        /// Which of those, in words.
        reason: String,
    },
}

/// What libmesos reported.
#[derive(Debug)]
enum Event {
    /// The contender is a member.
    Joined,
    /// The detector's new leader: its data, or `None` for nobody.
    LeaderIs(Option<Vec<u8>>),
    /// The membership ended, or the contender or detector failed.
    Ended(String),
}

/// The one place that decides a transition: where a candidate whose data
/// is `me` stands after `event`.
fn next(standing: &Standing, event: &Event, me: &[u8]) -> Standing {
    use Standing::*;
    match (standing, event) {
        (Out { .. }, _) => standing.clone(),
        (_, Event::Ended(reason)) => Out {
            reason: reason.clone(),
        },
        (_, Event::LeaderIs(Some(leader))) if leader.as_slice() == me => Leading,
        // Only a lost membership lets another lead: it ended, even if the
        // contender has not said so yet.
        (Leading, Event::LeaderIs(other)) => Out {
            reason: match other {
                Some(other) => format!("{} leads now", name_of(other)),
                None => "nobody leads now: this membership is gone".into(),
            },
        },
        (Joining, Event::Joined) => StandingBy,
        _ => standing.clone(),
    }
}

/// The name in a member's data: ours are `NAME\nTOKEN`; another
/// program's data is all name.
fn name_of(data: &[u8]) -> String {
    let name = match data.iter().rposition(|&byte| byte == b'\n') {
        Some(newline) => &data[..newline],
        None => data,
    };
    String::from_utf8_lossy(name).into_owned()
}

/// A token no other candidate has: it makes each candidate's data unique,
/// so that "the leader's data is mine" means "I lead".
fn fresh_token() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let mut first = RandomState::new().build_hasher();
    first.write_u128(nanos);
    first.write_u32(std::process::id());
    let mut second = RandomState::new().build_hasher();
    second.write_u64(first.finish());
    format!("{:016x}{:016x}", first.finish(), second.finish())
}

/// What the candidate's threads and its methods share.
struct Shared {
    /// This candidate's data, as the group stores it.
    me: Vec<u8>,
    /// e.g. `the election at ZooKeeper 127.0.0.1:2181/app/leader`.
    election: String,
    now: Mutex<Now>,
}

struct Now {
    standing: Standing,
    /// The name of the leader last detected.
    leader: Option<String>,
    /// Answered once this candidate leads, or is out.
    leads: Vec<Promise<()>>,
    /// Answered once this candidate is out.
    outs: Vec<Promise<String>>,
}

impl Shared {
    fn apply(&self, event: Event) {
        let mut now = self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Event::LeaderIs(leader) = &event {
            now.leader = leader.as_deref().map(name_of);
        }
        let after = next(&now.standing, &event, &self.me);
        if after == now.standing {
            return;
        }
        log::info!("election: {:?} -> {after:?} ({event:?})", now.standing);
        now.standing = after.clone();
        match after {
            Standing::Leading => now.leads.drain(..).for_each(|lead| lead.keep(Ok(()))),
            Standing::Out { reason } => {
                for lead in now.leads.drain(..) {
                    lead.keep(Err(self.not_leading(reason.clone())));
                }
                for out in now.outs.drain(..) {
                    out.keep(Ok(reason.clone()));
                }
            }
            Standing::Joining | Standing::StandingBy => {}
        }
    }

    fn not_leading(&self, reason: String) -> Error {
        Error::NotLeading {
            election: self.election.clone(),
            reason,
        }
    }

    fn is_out(&self) -> bool {
        let now = self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        matches!(now.standing, Standing::Out { .. })
    }
}

/// One instance in an [`Election`](super::Election): a member of the
/// group, leading or standing by. Leaving it ([`withdraw`](Self::withdraw),
/// or dropping it) ends its membership, so another instance can lead.
pub struct Candidate {
    name: String,
    shared: Arc<Shared>,
    /// Freed first on drop; the detection thread starts each detection
    /// under this lock, so it never starts one on a freed detector.
    detector: Arc<Mutex<Option<NativeDetector>>>,
    /// Freed on drop, which answers the membership thread's waits.
    contender: Option<NativeContender>,
    threads: Vec<JoinHandle<()>>,
}

impl Candidate {
    pub(super) fn join(group: &Arc<NativeGroup>, name: &str) -> Result<Self> {
        if name.is_empty() || name.contains('\n') {
            return Err(Error::InvalidArgument {
                what: "candidate name",
                reason: format!(
                    "{name:?} is empty or holds a newline: give one line that tells instances \
                     apart, e.g. host:pid"
                ),
            });
        }
        let me = format!("{name}\n{}", fresh_token()).into_bytes();
        let contender = NativeContender::new(group, &me)?;
        let detector = NativeDetector::new(group)?;
        let shared = Arc::new(Shared {
            me,
            election: format!("the election at {}", group.location()),
            now: Mutex::new(Now {
                standing: Standing::Joining,
                leader: None,
                leads: Vec::new(),
                outs: Vec::new(),
            }),
        });
        let joined = contender.contend();
        let ended = contender.watch();
        let detector = Arc::new(Mutex::new(Some(detector)));
        let membership = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("mesos-election-membership".into())
                .spawn(move || {
                    let event = match joined.wait(FOREVER) {
                        Ok(()) => Event::Joined,
                        Err(error) => Event::Ended(format!("could not join: {error}")),
                    };
                    let joined = matches!(event, Event::Joined);
                    shared.apply(event);
                    if joined {
                        shared.apply(Event::Ended(match ended.wait(FOREVER) {
                            Ok(()) => "its membership ended: withdrawn, or lost with its \
                                       ZooKeeper session"
                                .into(),
                            Err(error) => format!("cannot watch its membership: {error}"),
                        }));
                    }
                })
        };
        let detection = {
            let shared = Arc::clone(&shared);
            let detector = Arc::clone(&detector);
            std::thread::Builder::new()
                .name("mesos-election-detection".into())
                .spawn(move || detect_until_out(&shared, &detector))
        };
        let threads = [membership, detection]
            .into_iter()
            .collect::<std::io::Result<Vec<_>>>()
            .map_err(|source| Error::Io {
                what: "start the election's threads".into(),
                source,
            })?;
        Ok(Self {
            name: name.to_string(),
            shared,
            detector,
            contender: Some(contender),
            threads,
        })
    }

    /// The name this candidate joined with.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where it stands now.
    pub fn standing(&self) -> Standing {
        self.now().standing.clone()
    }

    /// The name of the instance that leads, as last detected (this one's
    /// own when it leads); `None` before the first detection or while
    /// nobody leads.
    pub fn leader(&self) -> Option<String> {
        self.now().leader.clone()
    }

    /// Answered once this candidate leads: `Ok`, or [`Error::NotLeading`]
    /// (with the reason) once it is out of the election instead.
    pub fn lead_async(&self) -> Completion<()> {
        let mut now = self.now();
        match &now.standing {
            Standing::Leading => Completion::ready(Ok(())),
            Standing::Out { reason } => {
                Completion::ready(Err(self.shared.not_leading(reason.clone())))
            }
            Standing::Joining | Standing::StandingBy => {
                let (promise, completion) = Completion::promised(Described {
                    what: format!("wait to lead {}", self.shared.election),
                    hint: "another instance leads",
                });
                now.leads.push(promise);
                completion
            }
        }
    }

    /// Waits up to `timeout` until this candidate leads
    /// (`Duration::MAX`: however long that takes). [`Error::NotLeading`]
    /// when it is out of the election, or still joining or standing by
    /// when `timeout` ends; the error says why, and names the leader.
    pub fn lead(&self, timeout: Duration) -> Result<()> {
        self.lead_async()
            .wait(timeout)
            .map_err(|error| match error {
                Error::TimedOut { .. } => self.shared.not_leading(match self.standing() {
                    Standing::Joining => format!(
                        "still joining the group after {timeout:?}: is ZooKeeper running and \
                         reachable?"
                    ),
                    _ => format!(
                        "still standing by after {timeout:?}; {} leads",
                        self.leader().unwrap_or_else(|| "nobody".into())
                    ),
                }),
                other => other,
            })
    }

    /// Answered once this candidate is out of the election, with why. A
    /// leader awaits it (or waits on it, on a thread of its own) to learn
    /// that it must stop acting as one.
    pub fn out_async(&self) -> Completion<String> {
        let mut now = self.now();
        match &now.standing {
            Standing::Out { reason } => Completion::ready(Ok(reason.clone())),
            _ => {
                let (promise, completion) = Completion::promised(Described {
                    what: format!(
                        "end of this candidate's membership in {}",
                        self.shared.election
                    ),
                    hint: "it is still a member",
                });
                now.outs.push(promise);
                completion
            }
        }
    }

    /// Waits up to `timeout` (`Duration::MAX`: however long that takes)
    /// until this candidate is out of the election, and says why;
    /// [`Error::TimedOut`] while it is still a member.
    pub fn wait_until_out(&self, timeout: Duration) -> Result<String> {
        self.out_async().wait(timeout)
    }

    /// Leaves the election, so that another instance leads at once
    /// (dropping the candidate leaves too, without waiting to know); the
    /// candidate is then out. Answered with whether a membership was
    /// cancelled.
    pub fn withdraw_async(&self) -> Completion<bool> {
        match &self.contender {
            Some(contender) => contender.withdraw(),
            None => Completion::ready(Ok(false)),
        }
    }

    /// [`withdraw_async`](Self::withdraw_async), waiting up to `timeout`.
    pub fn withdraw(&self, timeout: Duration) -> Result<bool> {
        self.withdraw_async().wait(timeout)
    }

    fn now(&self) -> std::sync::MutexGuard<'_, Now> {
        self.shared
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The detection thread: one detection at a time, each answered when the
/// leader changes, until the candidate is out or its detector is freed.
fn detect_until_out(shared: &Shared, detector: &Mutex<Option<NativeDetector>>) {
    while !shared.is_out() {
        let detecting = match &*detector.lock().unwrap() {
            Some(detector) => detector.detect(),
            None => return,
        };
        match detecting.wait(FOREVER) {
            Ok(leader) => shared.apply(Event::LeaderIs(leader)),
            // The detector was freed: the candidate is being dropped.
            Err(Error::Abandoned { .. }) => return,
            Err(error) => shared.apply(Event::Ended(format!("cannot tell who leads: {error}"))),
        }
    }
}

impl Drop for Candidate {
    fn drop(&mut self) {
        // Freeing answers every wait the threads are in, so they end;
        // the group outlives both handles (each holds it).
        drop(self.detector.lock().unwrap().take());
        drop(self.contender.take());
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for Candidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Candidate")
            .field("name", &self.name)
            .field("election", &self.shared.election)
            .field("standing", &self.standing())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: &[u8] = b"me\n1";
    const OTHER: &[u8] = b"other\n2";

    fn after(events: Vec<Event>) -> Standing {
        events.iter().fold(Standing::Joining, |standing, event| {
            next(&standing, event, ME)
        })
    }

    #[test]
    fn a_member_stands_by_while_another_leads_and_leads_once_it_is_the_leader() {
        use Event::*;
        assert_eq!(after(vec![Joined]), Standing::StandingBy);
        assert_eq!(
            after(vec![Joined, LeaderIs(Some(OTHER.to_vec()))]),
            Standing::StandingBy
        );
        assert_eq!(
            after(vec![
                Joined,
                LeaderIs(Some(OTHER.to_vec())),
                LeaderIs(None),
                LeaderIs(Some(ME.to_vec()))
            ]),
            Standing::Leading
        );
        // The detector may speak before the contender does.
        assert_eq!(
            after(vec![LeaderIs(Some(ME.to_vec())), Joined]),
            Standing::Leading
        );
    }

    #[test]
    fn a_leader_that_sees_another_lead_is_out_for_good() {
        use Event::*;
        let out = after(vec![
            Joined,
            LeaderIs(Some(ME.to_vec())),
            LeaderIs(Some(OTHER.to_vec())),
        ]);
        assert_eq!(
            out,
            Standing::Out {
                reason: "other leads now".into()
            }
        );
        assert_eq!(
            next(&out, &LeaderIs(Some(ME.to_vec())), ME),
            out,
            "out is final"
        );
        assert!(matches!(
            after(vec![Joined, LeaderIs(Some(ME.to_vec())), LeaderIs(None)]),
            Standing::Out { .. }
        ));
    }

    #[test]
    fn an_ended_membership_is_out_whatever_stood_before() {
        for before in [Standing::Joining, Standing::StandingBy, Standing::Leading] {
            assert_eq!(
                next(&before, &Event::Ended("gone".into()), ME),
                Standing::Out {
                    reason: "gone".into()
                }
            );
        }
    }

    #[test]
    fn names_are_read_back_from_our_data_and_from_anyone_elses() {
        assert_eq!(name_of(b"host:42\n0123abcd"), "host:42");
        assert_eq!(name_of(b"a C++ master's data"), "a C++ master's data");
        assert_ne!(fresh_token(), fresh_token());
    }
}
