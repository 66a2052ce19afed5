//! Leader election over ZooKeeper: run two (or more) instances of a
//! scheduler, one leading and the others standing by, so that one takes
//! over when the leader dies.
//!
//! This is libmesos's own election, the one its masters use
//! (`zookeeper::Group`, `LeaderContender` and `LeaderDetector` in
//! `mesos/zookeeper/`): each instance joins a ZooKeeper group as an
//! ephemeral, sequenced member, and the oldest member leads. When the
//! leader withdraws, or dies and its ZooKeeper session expires (after the
//! session timeout of [`ZooKeeper`]), the next oldest leads.
//!
//! # A candidate's standing
//!
//! ```text
//!             joined               the leader is me
//!   Joining ─────────▶ StandingBy ──────────────────▶ Leading
//!      │  └─────────────── the leader is me ────────────▶ │
//!      │                      │                           │ another leads, or
//!      │ could not join       │ membership ended          │ membership ended
//!      └──────────────────────┴───────────────────────────┴──▶ Out { reason }
//! ```
//!
//! `Out` is final: a [`Candidate`] never leads twice.
//! [`Candidate::lead_async`] is answered at `Leading` ([`Candidate::lead`]
//! waits for it); [`Candidate::out_async`] at `Out`. The one
//! function that decides each transition is in `candidate.rs`.
//!
//! # Standing by with a scheduler
//!
//! Lead first, then register, with the framework id in a
//! [`FrameworkIdStore`](crate::failover::FrameworkIdStore) that every
//! instance reads: the leader stores the id on registration, and the
//! instance that leads next reads it back and fails over to the same
//! framework (its `failover_timeout` must outlast the takeover). A leader
//! that is out must stop acting at once, since another instance is
//! about to register as the same framework: abort its driver and exit.
//!
//! ```no_run
//! use std::time::Duration;
//! use mesos_native::election::Election;
//! use mesos_native::failover::FrameworkIdStore;
//! use mesos_native::ZooKeeper;
//!
//! let election = Election::zookeeper(&ZooKeeper::parse("127.0.0.1:2181/my-framework/leader")?)?;
//! let candidate = election.join(&format!("scheduler on host-a, pid {}", std::process::id()))?;
//! candidate.lead(Duration::MAX)?; // stands by while another instance leads
//!
//! let store = FrameworkIdStore::zookeeper("127.0.0.1:2181/my-framework/id")?;
//! let mut framework = mesos_native::proto::FrameworkInfo::default();
//! store.prepare(&mut framework, Duration::from_secs(3600))?; // the leader before us registered it
//! // ... build and start the driver with `framework` ...
//!
//! std::thread::spawn(move || {
//!     let reason = candidate.wait_until_out(Duration::MAX);
//!     eprintln!("no longer leading ({reason:?}): exiting so that the next leader takes over");
//!     std::process::exit(1);
//! });
//! # Ok::<(), mesos_native::Error>(())
//! ```
//!
//! Why this and not "a second instance just registers with the same id":
//! Mesos lets that happen (the first instance is told it failed over), so
//! two live instances would take turns disconnecting each other. With the
//! election only the leader registers.

mod candidate;
mod native;

use std::sync::Arc;

use crate::boundary::Shim;
use crate::error::Result;
use crate::zookeeper::ZooKeeper;

pub use candidate::{Candidate, Standing};

use native::NativeGroup;

/// One ZooKeeper group to lead: every instance of a scheduler joins the
/// same znode. Cheap to clone; the group is closed when the last clone
/// and the last [`Candidate`] of it are dropped.
#[derive(Clone)]
pub struct Election {
    group: Arc<NativeGroup>,
}

impl Election {
    /// The group at `zookeeper`'s znode (created if absent). Its session
    /// timeout is how long a dead leader keeps leading.
    ///
    /// ```no_run
    /// use mesos_native::election::Election;
    /// use mesos_native::ZooKeeper;
    /// let election = Election::zookeeper(&ZooKeeper::new("127.0.0.1:2181", "/my-framework/leader"))?;
    /// # Ok::<(), mesos_native::Error>(())
    /// ```
    pub fn zookeeper(zookeeper: &ZooKeeper) -> Result<Self> {
        Self::open(Shim::native()?, zookeeper)
    }

    /// The group at `zookeeper`'s znode, made through `shim`: what
    /// [`zookeeper`](Self::zookeeper) does with libmesos's. Unit tests open
    /// one on the testing kit's in-memory double (`mesos_native_testing::election()`).
    pub fn open(shim: Shim, zookeeper: &ZooKeeper) -> Result<Self> {
        Ok(Self {
            group: Arc::new(NativeGroup::zookeeper(shim.api(), zookeeper)?),
        })
    }

    /// Joins as a candidate that others see as `name` (one line that tells
    /// instances apart, e.g. `host:pid`); the candidate competes at once.
    pub fn join(&self, name: &str) -> Result<Candidate> {
        Candidate::join(&self.group, name)
    }
}

/// The data of whoever leads the group at `zookeeper` now, waiting up to
/// `timeout` for a leader: the operator client finds the leading master
/// this way, as libmesos's own master detector does. A group and detector
/// of their own, closed again on return: one ZooKeeper session per look.
#[cfg(feature = "operator")]
pub(crate) fn leader_data(
    zookeeper: &ZooKeeper,
    timeout: std::time::Duration,
) -> Result<Option<Vec<u8>>> {
    let group = Arc::new(NativeGroup::zookeeper(Shim::native()?.api(), zookeeper)?);
    // A fresh detector has reported nobody, so its first answer is the
    // leader as soon as the group knows one.
    let detector = native::NativeDetector::new(&group)?;
    detector.detect().wait(timeout)
}

impl std::fmt::Debug for Election {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Election({})", self.group.location())
    }
}
