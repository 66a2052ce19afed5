//! One event to the [`Executor`] method of its type, and the object the
//! shim's callbacks call.

use super::{Connection, Executor};
use crate::proto::v1::executor::{event, Event};

/// Hands `event` to `executor`'s method for its type (a missing payload
/// as its default; an unknown type is logged and skipped).
pub(crate) fn dispatch<E: Executor + ?Sized>(
    executor: &mut E,
    connection: &Connection,
    event: Event,
) {
    use event::Type;
    match event.r#type() {
        Type::Subscribed => executor.subscribed(connection, *event.subscribed.unwrap_or_default()),
        Type::Launch => executor.launch(connection, *event.launch.unwrap_or_default()),
        Type::LaunchGroup => {
            executor.launch_group(connection, event.launch_group.unwrap_or_default())
        }
        Type::Kill => executor.kill(connection, event.kill.unwrap_or_default()),
        Type::Acknowledged => {
            executor.acknowledged(connection, event.acknowledged.unwrap_or_default())
        }
        Type::Message => executor.message(connection, event.message.unwrap_or_default()),
        Type::Shutdown => executor.shutdown(connection),
        Type::Error => executor.error(
            connection,
            event.error.map(|error| error.message).unwrap_or_default(),
        ),
        Type::Heartbeat => executor.heartbeat(connection),
        Type::Unknown => log::warn!(
            "Mesos v1 executor: skipping an event of a type this binding does not know ({})",
            event.r#type.unwrap_or_default()
        ),
    }
}

/// What the shim's callbacks call: the user's executor.
pub(crate) struct Dispatcher {
    pub(crate) executor: Box<dyn Executor>,
}

impl Dispatcher {
    pub(crate) fn connected(&mut self, connection: &Connection) {
        self.executor.connected(connection);
    }

    pub(crate) fn disconnected(&mut self, connection: &Connection) {
        self.executor.disconnected(connection);
    }

    pub(crate) fn received(&mut self, connection: &Connection, events: Vec<Event>) {
        self.executor.received(connection, events);
    }

    pub(crate) fn error(&mut self, connection: &Connection, message: String) {
        self.executor.error(connection, message);
    }
}
