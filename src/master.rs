//! The master a scheduler connects to, as the user names it.

use std::ffi::CString;

use crate::error::{Error, Result};

/// What a master address may be, for errors.
const EXPECTED: &str = "expected host:port, zk://host:port/path, file:///path or local";

/// A master address as the shim takes it: NUL-terminated, not empty. What
/// it names is libmesos's to judge (at `start`).
pub(crate) fn master_string(master: String) -> Result<CString> {
    if master.is_empty() {
        return Err(Error::InvalidArgument {
            what: "master",
            reason: format!("is empty; {EXPECTED}"),
        });
    }
    CString::new(master).map_err(|_| Error::InvalidArgument {
        what: "master",
        reason: format!("contains a NUL byte; {EXPECTED}"),
    })
}
