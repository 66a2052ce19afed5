//! The typed calls of a v1 scheduler: each builds a
//! `mesos.v1.scheduler.Call` of its type around its message, with the
//! framework id, and sends it. Declared once, in the list below.

use super::Connection;
use crate::error::Result;
use crate::proto::v1::scheduler::{call, ApiResult, Call};
use crate::proto::v1::{Filters, FrameworkInfo, OfferId};

/// `$method($field: call::$message)` sends a call of type `$type` with
/// `$field` set: one line per call type that carries a message.
macro_rules! typed_calls {
    ($(
        $(#[$doc:meta])*
        $method:ident($field:ident: $message:ident) => $type:ident;
    )*) => {
        impl Connection {
            $(
                $(#[$doc])*
                pub fn $method(&self, $field: call::$message) -> Result<()> {
                    self.send_typed(call::Type::$type, |call| call.$field = Some($field))
                }
            )*
        }
    };
}

typed_calls! {
    /// Accepts offers with operations (`RESERVE`, `LAUNCH`...). Give an
    /// operation an `id` to get its `UPDATE_OPERATION_STATUS` events.
    accept(accept: Accept) => Accept;
    /// Declines offers (see also [`decline`](Connection::decline)).
    decline_offers(decline: Decline) => Decline;
    /// Accepts inverse offers (maintenance).
    accept_inverse_offers(accept_inverse_offers: AcceptInverseOffers) => AcceptInverseOffers;
    /// Declines inverse offers.
    decline_inverse_offers(decline_inverse_offers: DeclineInverseOffers) => DeclineInverseOffers;
    /// Removes filters and unsuppresses offers (for the given roles, or
    /// every role of the framework when none is given).
    revive(revive: Revive) => Revive;
    /// Kills a task.
    kill(kill: Kill) => Kill;
    /// Shuts an executor down.
    shutdown(shutdown: Shutdown) => Shutdown;
    /// Acknowledges a task status update that carries a `uuid`.
    acknowledge(acknowledge: Acknowledge) => Acknowledge;
    /// Acknowledges an operation status update that carries a `uuid`.
    acknowledge_operation_status(acknowledge_operation_status: AcknowledgeOperationStatus)
        => AcknowledgeOperationStatus;
    /// Asks for the latest state of tasks (none: of every task);
    /// answers come as `UPDATE` events.
    reconcile(reconcile: Reconcile) => Reconcile;
    /// Asks for the latest state of operations (none: of every
    /// operation); answers come as `UPDATE_OPERATION_STATUS` events.
    reconcile_operations(reconcile_operations: ReconcileOperations) => ReconcileOperations;
    /// Sends data to an executor (best effort).
    message(message: Message) => Message;
    /// Asks for resources (allocator hint).
    request(request: Request) => Request;
    /// Stops offers (for the given roles, or every role).
    suppress(suppress: Suppress) => Suppress;
    /// Changes the framework's info, suppressed roles and offer
    /// constraints.
    update_framework(update_framework: UpdateFramework) => UpdateFramework;
}

impl Connection {
    /// Subscribes the framework. A `framework.id` makes it fail over to an
    /// already registered framework (and is remembered for later calls);
    /// without one, a framework this connection subscribed before keeps
    /// its id, so the same `connected` code works after a reconnection.
    /// With heartbeat monitoring on (the default), the framework is
    /// remembered too: after a reconnection the binding subscribes it
    /// again itself, and a `subscribe` on a connection it already did
    /// that for is not sent twice.
    pub fn subscribe(&self, framework: FrameworkInfo) -> Result<()> {
        let to_send = self.subscription(|subscription| {
            subscription.user_subscribes(framework, std::time::Instant::now())
        });
        match to_send {
            Some(framework) => self.send_subscribe(framework),
            None => Ok(()),
        }
    }

    /// Sends `SUBSCRIBE` for `framework`, as it is.
    pub(crate) fn send_subscribe(&self, framework: FrameworkInfo) -> Result<()> {
        let call = Call {
            framework_id: framework.id.clone(),
            subscribe: Some(call::Subscribe {
                framework_info: framework,
                ..Default::default()
            }),
            ..typed(call::Type::Subscribe)
        };
        self.send(&call)
    }

    /// Sends `call` and waits up to `timeout` for the master's answer:
    /// its HTTP status (`202` accepted, `400` with the reason in `error`
    /// for a call it refuses...). The wait is bounded: a master that never
    /// answers is [`Error::TimedOut`](crate::Error::TimedOut), and the
    /// answer is dropped if it comes later. Don't call it from inside a
    /// callback with a long timeout: events wait meanwhile.
    /// [`call_async`](Self::call_async) does not wait.
    pub fn call(&self, call: &Call, timeout: std::time::Duration) -> Result<ApiResult> {
        self.call_async(call).wait(timeout)
    }

    /// Tears the framework down: the master kills its tasks and forgets
    /// it. The connection stays until stopped.
    pub fn teardown(&self) -> Result<()> {
        self.send_typed(call::Type::Teardown, |_| {})
    }

    /// Declines `offer_ids` with `filters` (`None`: Mesos's default
    /// refusal).
    pub fn decline(&self, offer_ids: Vec<OfferId>, filters: Option<Filters>) -> Result<()> {
        self.decline_offers(call::Decline { offer_ids, filters })
    }

    /// A call of `type_` for this framework, with `fill` setting its
    /// message, sent.
    fn send_typed(&self, type_: call::Type, fill: impl FnOnce(&mut Call)) -> Result<()> {
        let mut call = Call {
            framework_id: Some(self.subscribed_id()?),
            ..typed(type_)
        };
        fill(&mut call);
        self.send(&call)
    }
}

/// An empty call of `type_`.
fn typed(type_: call::Type) -> Call {
    let mut call = Call::default();
    call.set_type(type_);
    call
}
