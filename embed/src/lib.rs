//! The reference framework as a C library (`include/mesos_reference.h`):
//! the same scheduler and executor `cargo run --example main` runs, behind
//! three C entry points, for a C++ program to link with libmesos. See
//! `embed/README.md` for the link line and `host/host.cpp` for a host.
//!
//! No panic crosses into C: each entry point catches it and returns the
//! failure status with the panic's message.

use mesos_reference::{executor, executor_command, scheduler};

use std::ffi::{c_char, c_int, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

const FINISHED: c_int = 0;
const FAILED: c_int = 1;
const BAD_ARGUMENT: c_int = 2;

/// `mesos_reference_started_as_executor`.
#[no_mangle]
pub extern "C" fn mesos_reference_started_as_executor() -> c_int {
    c_int::from(executor_command::started_as_executor())
}

/// `mesos_reference_run_executor`.
#[no_mangle]
pub extern "C" fn mesos_reference_run_executor() -> c_int {
    init_logging();
    catch_unwind(executor::run).unwrap_or(FAILED)
}

/// `mesos_reference_run_framework`.
///
/// # Safety
/// `master` is NULL or a NUL-terminated string; `message` is NULL or
/// points to `message_len` writable bytes. Both stay valid for the call.
#[no_mangle]
pub unsafe extern "C" fn mesos_reference_run_framework(
    master: *const c_char,
    timeout_seconds: c_int,
    message: *mut c_char,
    message_len: usize,
) -> c_int {
    init_logging();
    // SAFETY: NULL or NUL-terminated and valid for the call, by the
    // function's contract.
    let master = (!master.is_null()).then(|| unsafe { CStr::from_ptr(master) });
    let outcome = match (master.map(CStr::to_str), u64::try_from(timeout_seconds)) {
        (None, _) => Err((BAD_ARGUMENT, "master is NULL".to_string())),
        (Some(Err(_)), _) => Err((BAD_ARGUMENT, "master is not UTF-8".to_string())),
        (_, Err(_)) | (_, Ok(0)) => Err((
            BAD_ARGUMENT,
            format!("timeout_seconds must be positive, not {timeout_seconds}"),
        )),
        (Some(Ok(master)), Ok(seconds)) => run(master, Duration::from_secs(seconds)),
    };
    let (status, text) = match outcome {
        Ok(text) => (FINISHED, text),
        Err(failure) => failure,
    };
    // SAFETY: NULL or `message_len` writable bytes, by the contract.
    unsafe { write_message(&text, message, message_len) };
    status
}

/// The framework's run, with a panic turned into a failure.
fn run(master: &str, timeout: Duration) -> Result<String, (c_int, String)> {
    let attempt = catch_unwind(AssertUnwindSafe(|| {
        let executor = executor_command::ExecutorSource::this_program()
            .map_err(|message| (FAILED, message))?;
        let run = scheduler::Run {
            master: master.to_string(),
            credential: None,
            executor,
            cleanup: false,
            timeout,
            framework_store: None,
            leader_election: None,
        };
        // Its statuses are this header's: 1 for the run, 2 for what was given.
        scheduler::run(run).map_err(|failed| (failed.code, failed.message))
    }));
    match attempt {
        Ok(outcome) => outcome,
        Err(_) => Err((FAILED, "the Rust framework panicked (see stderr)".into())),
    }
}

/// Copies `text` into `out` (`len` bytes), cut to fit, NUL-terminated.
///
/// # Safety
/// `out` is NULL or points to `len` writable bytes.
unsafe fn write_message(text: &str, out: *mut c_char, len: usize) {
    if out.is_null() || len == 0 {
        return;
    }
    let bytes = text.as_bytes();
    let n = bytes.len().min(len - 1);
    // SAFETY: `out` has `len` > n bytes, and `bytes` (Rust's own) does not
    // overlap the caller's buffer.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), out.cast::<u8>(), n);
        *out.add(n) = 0;
    }
}

/// `RUST_LOG` works as in the examples; a second call does nothing.
fn init_logging() {
    let _ = env_logger::try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(master: Option<&CStr>, timeout: c_int) -> (c_int, String) {
        let mut buffer = [0 as c_char; 64];
        // SAFETY: a NUL-terminated master or NULL, and a buffer of its length.
        let status = unsafe {
            mesos_reference_run_framework(
                master.map_or(std::ptr::null(), CStr::as_ptr),
                timeout,
                buffer.as_mut_ptr(),
                buffer.len(),
            )
        };
        // SAFETY: the function NUL-terminates what it writes.
        let text = unsafe { CStr::from_ptr(buffer.as_ptr()) };
        (status, text.to_string_lossy().into_owned())
    }

    #[test]
    fn bad_arguments_are_refused_with_a_message() {
        assert_eq!(call(None, 10), (BAD_ARGUMENT, "master is NULL".into()));
        let (status, text) = call(Some(c"127.0.0.1:5050"), 0);
        assert_eq!(status, BAD_ARGUMENT);
        assert!(text.contains("timeout_seconds"), "{text}");
    }

    #[test]
    fn a_message_is_cut_to_the_buffer_and_terminated() {
        let mut buffer = [1 as c_char; 4];
        // SAFETY: a buffer of 4 bytes.
        unsafe { write_message("abcdef", buffer.as_mut_ptr(), buffer.len()) };
        assert_eq!(buffer.map(|c| c as u8), *b"abc\0");
    }
}
