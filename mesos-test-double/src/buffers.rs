//! Conversions between the shim's `mesos_shim_buf` views and owned bytes,
//! for both halves: the double copies what the binding lends it for one
//! call, and lends the binding views of what it owns during a callback.
//!
//! Bad arguments are answered as the real shim answers them
//! (`wrapper/shim_common.hpp`): `MESOS_SHIM_NULL_ARGUMENT` for a NULL
//! pointer with a length, `MESOS_SHIM_BAD_MESSAGE` for a message that does
//! not parse, with the reason for `mesos_shim_last_error()`.

use mesos_native_sys::{mesos_shim_buf, MESOS_SHIM_BAD_MESSAGE, MESOS_SHIM_NULL_ARGUMENT};

use crate::wire;

/// A shim error: the code to return, with its message set.
pub(crate) type ShimError = i32;

/// Sets the calling thread's last error and returns its code.
pub(crate) fn fail(code: i32, message: &str) -> ShimError {
    crate::set_last_error(code, message);
    code
}

/// A copy of the bytes `buf` views.
///
/// # Safety
/// `buf` views `len` bytes readable for the call, or its `data` is NULL.
pub(crate) unsafe fn bytes(buf: &mesos_shim_buf, what: &str) -> Result<Vec<u8>, ShimError> {
    if buf.len == 0 {
        return Ok(Vec::new());
    }
    if buf.data.is_null() {
        return Err(fail(
            MESOS_SHIM_NULL_ARGUMENT,
            &format!("{what}: data is NULL but len is not 0"),
        ));
    }
    // SAFETY: non-NULL, so `len` readable bytes by the caller's promise.
    Ok(unsafe { std::slice::from_raw_parts(buf.data, buf.len) }.to_vec())
}

/// A copy of the serialized message `buf` views, refused unless it parses.
///
/// # Safety
/// As for [`bytes`].
pub(crate) unsafe fn message(buf: &mesos_shim_buf, what: &str) -> Result<Vec<u8>, ShimError> {
    // SAFETY: forwarded from the caller.
    let bytes = unsafe { bytes(buf, what) }?;
    if !wire::is_well_formed(&bytes) {
        return Err(fail(
            MESOS_SHIM_BAD_MESSAGE,
            &format!("{what}: not a valid serialized protobuf message"),
        ));
    }
    Ok(bytes)
}

/// Copies of the `len` buffers at `bufs`, each checked with `item`.
///
/// # Safety
/// `bufs` points to `len` buffers valid for the call, or is NULL.
pub(crate) unsafe fn list(
    bufs: *const mesos_shim_buf,
    len: usize,
    what: &str,
    item: unsafe fn(&mesos_shim_buf, &str) -> Result<Vec<u8>, ShimError>,
) -> Result<Vec<Vec<u8>>, ShimError> {
    if len == 0 {
        return Ok(Vec::new());
    }
    if bufs.is_null() {
        return Err(fail(
            MESOS_SHIM_NULL_ARGUMENT,
            &format!("{what}: array is NULL but len is not 0"),
        ));
    }
    // SAFETY: non-NULL, so `len` buffers by the caller's promise.
    unsafe { std::slice::from_raw_parts(bufs, len) }
        .iter()
        // SAFETY: each buffer of the array is valid for the call, as above.
        .map(|buf| unsafe { item(buf, what) })
        .collect()
}

/// The `len` buffers at `bufs` as (lossy) UTF-8 strings, or `None` when
/// `bufs` is NULL: the shim's optional string arrays (roles, environment).
///
/// # Safety
/// As for [`list`].
pub(crate) unsafe fn optional_strings(
    bufs: *const mesos_shim_buf,
    len: usize,
    what: &str,
) -> Result<Option<Vec<String>>, ShimError> {
    if bufs.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from the caller.
    let items = unsafe { list(bufs, len, what, bytes) }?;
    Ok(Some(
        items
            .into_iter()
            .map(|item| String::from_utf8_lossy(&item).into_owned())
            .collect(),
    ))
}

/// A borrowed view of bytes the event closure keeps alive during a callback.
pub(crate) fn view(bytes: &[u8]) -> mesos_shim_buf {
    mesos_shim_buf {
        data: bytes.as_ptr(),
        len: bytes.len(),
    }
}
