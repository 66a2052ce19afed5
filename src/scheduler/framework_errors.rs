//! What the master's terse errors to a framework mean, and what to do.
//!
//! The master ends a framework's session with a few words ("Framework has
//! been removed", "Framework disconnected") that do not say why or what
//! now, and they come after a partition or a crash, when the user is
//! least able to guess. Both schedulers append the binding's explanation
//! to the messages it knows: the v0 driver's `error` (and the
//! [`Error::Aborted`](crate::Error::Aborted) `join`/`run` return), and the
//! v1 `ERROR` event. Mesos's words stay first, so code that looks for them
//! still finds them.

/// The master's message for a framework id it no longer has.
const REMOVED: &str = "Framework has been removed";
/// The master's message for a call from a framework it counts disconnected.
const DISCONNECTED: &str = "Framework disconnected";
/// The master's message to a scheduler another one took the framework from.
const FAILED_OVER: &str = "Framework failed over";

/// Whether `message` is the master's "Framework has been removed".
pub(crate) fn is_removed(message: &str) -> bool {
    message.trim() == REMOVED
}

/// The binding's explanation of `message`, an error the master sent the
/// framework, if it is one of the master's own (matched whole: a message
/// that merely begins with the same words is someone else's).
pub(crate) fn explain(message: &str) -> Option<&'static str> {
    match message.trim() {
        REMOVED => Some(
            "the master removed this framework: its failover timeout ran out while the \
             scheduler was disconnected from the master (a network partition, a crash), or it \
             was torn down (a TEARDOWN call, a driver stopped without failover, an operator). \
             Its tasks were killed, and it can never register or subscribe again under this \
             framework id: register a new framework, without the id (and forget the stored \
             one); a longer FrameworkInfo.failover_timeout rides out longer partitions",
        ),
        DISCONNECTED => Some(
            "the master lost its connection to this scheduler (a network partition, or a \
             master that cannot connect back to the address the scheduler advertised) and \
             counts the framework disconnected, so it refuses the scheduler's calls (a v0 \
             driver is aborted). The framework and its tasks remain until its failover timeout \
             runs out: register again with the same framework id (FrameworkInfo.id; a new v0 \
             driver, or a v1 SUBSCRIBE) before then to fail over and keep them",
        ),
        FAILED_OVER => Some(
            "another scheduler registered with this framework id and took the framework over; \
             this one is cut off (a v0 driver is aborted). Two instances running at once? Elect one \
             (mesos_native::election)",
        ),
        _ => None,
    }
}

/// `message`, followed by the binding's explanation when it has one.
pub(crate) fn explained(message: String) -> String {
    match explain(&message) {
        Some(explanation) => format!("{message} ({explanation})"),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_removed_framework_is_told_why_and_to_register_anew_without_its_id() {
        let text = explained("Framework has been removed".into());
        assert!(text.starts_with("Framework has been removed ("), "{text}");
        for expected in ["failover timeout", "without the id", "tasks were killed"] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
    }

    #[test]
    fn a_disconnected_framework_is_told_to_fail_over_with_the_same_id() {
        let text = explained("Framework disconnected".into());
        for expected in [
            "lost its connection",
            "same framework id",
            "failover timeout",
        ] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
    }

    #[test]
    fn other_messages_pass_unchanged() {
        let message = "Framework at scheduler@1.2.3.4:5 is not authenticated".to_string();
        assert_eq!(explained(message.clone()), message);
        assert_eq!(explained(String::new()), "");
        // Found by the callback_decode fuzz target: the same words, then
        // more, are not the master's message.
        let longer = "Framework has been removeded* ".to_string();
        assert_eq!(explained(longer.clone()), longer);
        assert!(!is_removed(&longer));
        assert!(is_removed(" Framework has been removed\n"));
    }
}
