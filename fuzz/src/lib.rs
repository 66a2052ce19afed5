//! What the fuzz targets share: models of the C++ parsers whose input the
//! binding checks first ([`models`]), and drivers over the shim's test
//! double whose callbacks a target fires ([`callbacks`]).
//!
//! Each target in `fuzz_targets/` is small on purpose: it turns the bytes
//! into an input, calls the binding, and asserts the properties written
//! at its top.

pub mod callbacks;
pub mod models;

/// The input as text, or `None` when it is not UTF-8 (the binding's text
/// inputs are `&str`: bytes that are not UTF-8 never reach it).
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// The shim's in-process double, as the crate's constructors take it.
pub fn double() -> mesos_native::Shim {
    // SAFETY: the double implements `mesos_shim.h` as the header says (the
    // bare suite holds it to that).
    unsafe { mesos_native::Shim::from_api(&mesos_native_double::API) }
}
