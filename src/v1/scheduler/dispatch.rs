//! One event to the [`Scheduler`] method of its type, and the object the
//! shim's callbacks call: it notes what the [`Connection`] must know
//! (the framework id, from `SUBSCRIBED`) before the user's code runs.

use std::time::Instant;

use super::subscription::Subscription;
use super::{Connection, Scheduler};
use crate::proto::v1::scheduler::{event, Event};
use crate::scheduler::framework_errors;

/// Hands `event` to `scheduler`'s method for its type. An event whose
/// payload is missing gets the payload's default (the master always sends
/// it); an event type this binding does not know is logged and skipped.
pub(crate) fn dispatch<S: Scheduler + ?Sized>(
    scheduler: &mut S,
    connection: &Connection,
    event: Event,
) {
    use event::Type;
    match event.r#type() {
        Type::Subscribed => scheduler.subscribed(connection, event.subscribed.unwrap_or_default()),
        Type::Offers => scheduler.offers(connection, event.offers.unwrap_or_default()),
        Type::InverseOffers => {
            scheduler.inverse_offers(connection, event.inverse_offers.unwrap_or_default())
        }
        Type::Rescind => scheduler.rescind(connection, event.rescind.unwrap_or_default()),
        Type::RescindInverseOffer => scheduler
            .rescind_inverse_offer(connection, event.rescind_inverse_offer.unwrap_or_default()),
        Type::Update => scheduler.update(connection, event.update.unwrap_or_default()),
        Type::UpdateOperationStatus => scheduler.update_operation_status(
            connection,
            event.update_operation_status.unwrap_or_default(),
        ),
        Type::Message => scheduler.message(connection, event.message.unwrap_or_default()),
        Type::Failure => scheduler.failure(connection, event.failure.unwrap_or_default()),
        Type::Error => scheduler.error(
            connection,
            framework_errors::explained(event.error.map(|error| error.message).unwrap_or_default()),
        ),
        Type::Heartbeat => scheduler.heartbeat(connection),
        Type::Unknown => log::warn!(
            "Mesos v1 scheduler: skipping an event of a type this binding does not know ({})",
            event.r#type.unwrap_or_default()
        ),
    }
}

/// What the shim's callbacks call (the list's `connected`, `disconnected`,
/// `received` and `error`): the user's scheduler behind the connection's
/// own bookkeeping.
pub(crate) struct Dispatcher {
    pub(crate) scheduler: Box<dyn Scheduler>,
}

impl Dispatcher {
    pub(crate) fn connected(&mut self, connection: &Connection) {
        connection.subscription(Subscription::connected);
        self.scheduler.connected(connection);
    }

    pub(crate) fn disconnected(&mut self, connection: &Connection) {
        connection.subscription(Subscription::disconnected);
        self.scheduler.disconnected(connection);
    }

    pub(crate) fn received(&mut self, connection: &Connection, events: Vec<Event>) {
        let now = Instant::now();
        connection.subscription(|subscription| {
            subscription.event(now);
            for event in &events {
                if let Some(subscribed) = &event.subscribed {
                    subscription.subscribed(
                        now,
                        subscribed.framework_id.clone(),
                        subscribed.heartbeat_interval_seconds,
                    );
                }
                let removed = event
                    .error
                    .as_ref()
                    .is_some_and(|error| framework_errors::is_removed(&error.message));
                if removed {
                    subscription.removed();
                }
            }
        });
        self.scheduler.received(connection, events);
    }

    pub(crate) fn error(&mut self, connection: &Connection, message: String) {
        self.scheduler.error(connection, message);
    }

    pub(crate) fn connection_stalled(
        &mut self,
        connection: &Connection,
        stalled: super::ConnectionStalled,
    ) {
        self.scheduler.connection_stalled(connection, stalled);
    }
}
