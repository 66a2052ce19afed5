//! For the fuzz targets (`fuzz/`) and their regression tests: the
//! binding's own checks of input that comes from outside and that no
//! public call reaches without a driver or a storage around it. Each
//! function is the one the binding runs, not a copy. Hidden from the
//! docs and outside the semver promise.

use crate::error::Result;
use crate::state::Variable;

/// The checks an executor's environment (`NAME=VALUE` entries) passes
/// before libmesos reads it: the v0 driver's, or the v1 executor's.
pub fn check_executor_environment(entries: &[String], v1: bool) -> Result<()> {
    if v1 {
        let lookup = |name: &str| crate::executor::environment::variable(Some(entries), name);
        crate::v1::executor::environment::agent_environment(lookup)
    } else {
        crate::executor::environment::agent_environment(Some(entries))
    }
}

/// A State variable `name` from the bytes a storage returned for it, as
/// `State::fetch` reads them; `Err` is the reason it refuses them.
pub fn read_state_entry(name: &str, bytes: &[u8]) -> std::result::Result<Variable, String> {
    crate::state::read_stored(name, bytes)
}
