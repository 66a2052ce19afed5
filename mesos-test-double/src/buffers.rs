//! Conversions between the shim's `mesos_shim_buf` views and owned bytes,
//! for both halves: the double copies what the binding lends it for one
//! call, and lends the binding views of what it owns during a callback.

use mesos_sys::mesos_shim_buf;

/// A copy of the bytes `buf` views.
///
/// # Safety
/// `buf` views `len` bytes readable for the call (or `len` is 0).
pub(crate) unsafe fn bytes(buf: &mesos_shim_buf) -> Vec<u8> {
    if buf.len == 0 {
        Vec::new()
    } else {
        assert!(
            !buf.data.is_null(),
            "test double: buffer with len > 0 and NULL data"
        );
        // SAFETY: the binding passes `len` readable bytes for the call.
        unsafe { std::slice::from_raw_parts(buf.data, buf.len) }.to_vec()
    }
}

/// Copies of the `len` buffers at `bufs`.
///
/// # Safety
/// `bufs` points to `len` buffers valid for the call (or `len` is 0).
pub(crate) unsafe fn list(bufs: *const mesos_shim_buf, len: usize) -> Vec<Vec<u8>> {
    if len == 0 {
        return Vec::new();
    }
    assert!(
        !bufs.is_null(),
        "test double: array with len > 0 and NULL pointer"
    );
    // SAFETY: the binding passes `len` buffers valid for the call.
    unsafe { std::slice::from_raw_parts(bufs, len) }
        .iter()
        // SAFETY: each buffer of the array is valid for the call, as above.
        .map(|b| unsafe { bytes(b) })
        .collect()
}

/// The `len` buffers at `bufs` as (lossy) UTF-8 strings, or `None` when
/// `bufs` is NULL: the shim's optional string arrays (roles, environment).
///
/// # Safety
/// As for [`list`], unless `bufs` is NULL.
pub(crate) unsafe fn optional_strings(
    bufs: *const mesos_shim_buf,
    len: usize,
) -> Option<Vec<String>> {
    (!bufs.is_null()).then(|| {
        // SAFETY: non-NULL, so valid for the call by the caller's promise.
        unsafe { list(bufs, len) }
            .into_iter()
            .map(|s| String::from_utf8_lossy(&s).into_owned())
            .collect()
    })
}

/// A borrowed view of bytes the event closure keeps alive during a callback.
pub(crate) fn view(bytes: &[u8]) -> mesos_shim_buf {
    mesos_shim_buf {
        data: bytes.as_ptr(),
        len: bytes.len(),
    }
}
