//! A bound on calls that must not hang, for the suites against the test
//! double and against a real Mesos.

use std::sync::mpsc;
use std::time::Duration;

/// Runs `body` on a thread and waits at most `timeout` for it; panics (with
/// `what`) if it hasn't returned by then. For driver calls that must not
/// hang (join, drop...).
pub fn within<T: Send + 'static>(
    what: &str,
    timeout: Duration,
    body: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, result) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(body());
    });
    match result.recv_timeout(timeout) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not return within {timeout:?}")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what} panicked (see above)"),
    }
}
