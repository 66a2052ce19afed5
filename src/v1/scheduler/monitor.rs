//! The thread that keeps a v1 framework subscribed: every tick it asks the
//! [`Subscription`](super::subscription::Subscription) what to do, and
//! reconnects or sends `SUBSCRIBE`. It holds a [`Connection`] like any
//! other handle, and ends once the scheduler has stopped or its owner is
//! gone (letting go of the connection then).

use std::time::{Duration, Instant};

use super::subscription::{Action, Heartbeats};
use super::Connection;
use crate::DriverStatus;

/// How often the monitor looks: small against any heartbeat interval a
/// master uses (15 s by default), and against the backoff.
const TICK: Duration = Duration::from_millis(100);

/// Starts the monitor of `connection` under `policy`.
pub(crate) fn spawn(connection: Connection, policy: Heartbeats) {
    let spawned = std::thread::Builder::new()
        .name("mesos-v1-heartbeats".into())
        .spawn(move || watch(&connection, &policy));
    if let Err(error) = spawned {
        log::error!("v1 scheduler: no heartbeat monitor (cannot start its thread: {error})");
    }
}

fn watch(connection: &Connection, policy: &Heartbeats) {
    loop {
        match connection.status() {
            DriverStatus::NotStarted | DriverStatus::Running => {}
            DriverStatus::Stopped | DriverStatus::Aborted => return,
        }
        let action =
            connection.subscription(|subscription| subscription.next(Instant::now(), policy));
        let result = match action {
            Action::Nothing => Ok(()),
            Action::Reconnect => {
                log::warn!(
                    "v1 scheduler: no event from the master for {} heartbeat intervals; \
                     reconnecting",
                    policy.missed
                );
                connection.reconnect()
            }
            Action::Subscribe(framework) => {
                log::info!(
                    "v1 scheduler: subscribing again as framework {}",
                    framework.id.as_ref().map_or("?", |id| id.value.as_str())
                );
                connection.send_subscribe(*framework)
            }
        };
        if let Err(error) = result {
            log::debug!("v1 scheduler: heartbeat monitor: {error}");
        }
        std::thread::sleep(TICK);
    }
}
