//! The connection watchdog: a v1 scheduler that started but never
//! connected is told why, instead of waiting in silence.
//!
//! The v1 library only connects outward (a scheduler behind NAT works),
//! but when it cannot connect at all (no route to the master, nothing
//! listening there, a firewall that drops the packets) libmesos tries
//! again for ever, and calls neither `connected` nor `disconnected` nor
//! `error`: its only sign is a log line of its own ("Re-detecting
//! master"). The watchdog waits for the scheduler's first callback; when
//! none came in time it probes the master from here and hands the
//! scheduler a [`ConnectionStalled`] that says what failed and what to
//! check. libmesos keeps trying meanwhile: once the network is fixed, it
//! connects.

use std::fmt;
use std::time::Duration;

use super::Connection;
use crate::driver::watchdog::{self, Watch};
use crate::driver::WeakHandle;
use crate::master::{probe, roughly, MasterProbe};

/// Why a v1 scheduler has not connected: the binding's diagnosis, given to
/// [`Scheduler::connection_stalled`](super::Scheduler::connection_stalled)
/// once the connection timeout passed with no callback at all. `Display`
/// says it all, with what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionStalled {
    /// The master the scheduler was given.
    pub master: String,
    /// How long the scheduler has tried to connect.
    pub waited: Duration,
    /// What a connection from here to the master did.
    pub probe: MasterProbe,
}

impl ConnectionStalled {
    /// The diagnosis of a stall of `waited`, with the master probed now.
    fn diagnose(master: &str, waited: Duration) -> Self {
        Self {
            master: master.to_string(),
            waited,
            probe: probe(master),
        }
    }
}

impl fmt::Display for ConnectionStalled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let master = &self.master;
        let waited = roughly(self.waited);
        match &self.probe {
            MasterProbe::Unreachable(reason) => write!(
                f,
                "the v1 scheduler has not connected after {waited}: the master at {master} \
                 cannot be reached from here ({reason}). Check the master address and this \
                 host's routes to it (a firewall, another network); libmesos keeps trying."
            ),
            MasterProbe::Refused => write!(
                f,
                "the v1 scheduler has not connected after {waited}: nothing accepts connections \
                 at {master}. Is a master running there? Check the master address; libmesos \
                 keeps trying."
            ),
            MasterProbe::Reachable => write!(
                f,
                "the v1 scheduler has not connected to the master at {master} after {waited}, \
                 though it accepts TCP connections from here: is that a Mesos master's HTTP \
                 port (plain HTTP unless libmesos was built with SSL)? libmesos keeps trying."
            ),
            MasterProbe::NotProbed => write!(
                f,
                "the v1 scheduler has not connected after {waited}: no master found through \
                 {master} could be connected to. Check that ZooKeeper is reachable from here, \
                 that a master was elected (its log says \"Elected as the leading master\"), \
                 and that the address it advertises is reachable from here; libmesos keeps \
                 trying."
            ),
        }
    }
}

/// Watches the scheduler (see [`watchdog`]): once it runs, waits up to
/// `timeout` for its first callback; if none came, diagnoses the stall and
/// hands it to the user's scheduler.
pub(super) fn watch(connection: WeakHandle<Connection>, master: String, timeout: Duration) {
    watchdog::spawn(
        connection,
        Watch {
            thread: "mesos-v1-connect-watch",
            callback: "v1::Scheduler::connection_stalled",
            timeout,
            diagnose: Box::new(move |_, waited| ConnectionStalled::diagnose(&master, waited)),
            tell: |user, connection, stalled| user.connection_stalled(connection, stalled),
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diagnosis_names_the_master_and_what_failed() {
        let stalled = ConnectionStalled {
            master: "10.0.0.1:5050".into(),
            waited: Duration::from_millis(30_200),
            probe: MasterProbe::Unreachable("10.0.0.1:5050: No route to host".into()),
        };
        let text = stalled.to_string();
        for expected in ["10.0.0.1:5050", "No route to host", "after 30 s", "routes"] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
    }
}
