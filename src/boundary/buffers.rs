//! Moving bytes and strings across the shim, following the ownership rules
//! of `mesos_shim.h`: what we pass in is borrowed for the call; what we
//! receive in a callback is borrowed until the callback returns.

use mesos_native_sys::mesos_shim_buf;
use prost::Message;

use crate::error::{Error, Result};

/// A borrowed view of `bytes`, valid while `bytes` is.
pub(crate) fn buf(bytes: &[u8]) -> mesos_shim_buf {
    mesos_shim_buf {
        data: bytes.as_ptr(),
        len: bytes.len(),
    }
}

/// The bytes behind a buffer handed to a callback.
///
/// # Safety
/// `buf` must come from the shim (or a double following its rules): `data`
/// points to `len` readable bytes (or `len == 0`) that stay valid for `'a`,
/// which must not outlive the callback.
pub(crate) unsafe fn bytes<'a>(buf: &mesos_shim_buf) -> &'a [u8] {
    if buf.len == 0 || buf.data.is_null() {
        &[]
    } else {
        // SAFETY: the caller guarantees `data` points to `len` valid bytes
        // that outlive 'a.
        unsafe { std::slice::from_raw_parts(buf.data, buf.len) }
    }
}

/// Decodes a message received in a callback; `what` names it in errors.
///
/// # Safety
/// As for [`bytes`].
pub(crate) unsafe fn decode<M: Message + Default>(buf: &mesos_shim_buf, what: &str) -> Result<M> {
    // SAFETY: forwarded from the caller.
    let bytes = unsafe { bytes(buf) };
    M::decode(bytes).map_err(|source| Error::Decode {
        what: what.to_string(),
        source,
    })
}

/// Decodes the `len` messages at `bufs`, received in a callback.
///
/// # Safety
/// `bufs` points to `len` buffers valid as for [`bytes`] (or `len == 0`).
pub(crate) unsafe fn decode_list<M: Message + Default>(
    bufs: *const mesos_shim_buf,
    len: usize,
    what: &str,
) -> Result<Vec<M>> {
    let bufs = if len == 0 {
        &[][..]
    } else {
        // SAFETY: the caller guarantees `len` valid buffers at `bufs`.
        unsafe { std::slice::from_raw_parts(bufs, len) }
    };
    // Sized up front: collecting through a `Result` would grow the vector
    // (and copy the messages) as it goes.
    let mut messages = Vec::with_capacity(bufs.len());
    for buf in bufs {
        // SAFETY: each buffer is valid, as above.
        messages.push(unsafe { decode(buf, what) }?);
    }
    Ok(messages)
}

/// An optional encoded message, passed as a pointer to its buffer (NULL
/// for none); the pointer is valid while `self` lives and is not moved.
pub(crate) struct EncodedOptional {
    // Keeps the bytes alive; `view` points into this heap allocation.
    _bytes: Option<Vec<u8>>,
    view: Option<mesos_shim_buf>,
}

impl EncodedOptional {
    pub(crate) fn new<M: Message>(message: Option<&M>) -> Self {
        let bytes = message.map(Message::encode_to_vec);
        let view = bytes.as_deref().map(buf);
        Self {
            _bytes: bytes,
            view,
        }
    }

    pub(crate) fn as_ptr(&self) -> *const mesos_shim_buf {
        self.view
            .as_ref()
            .map_or(std::ptr::null(), |view| view as *const mesos_shim_buf)
    }
}

/// A list of encoded messages (or strings) and the buffer array pointing
/// into them; the array is valid while `self` lives and is not mutated.
///
/// Every item is encoded into one shared buffer, so a list costs at most two
/// allocations whatever its length, and none when it is empty (the common
/// `reconcile_tasks(&[])`).
pub(crate) struct EncodedList {
    /// The bytes, and a view of each item's; `None` for an empty list, so
    /// that making one is a single store and dropping it a single test
    /// (`Option` keeps its tag in the `Vec`'s capacity).
    // The bytes are kept alive for the views, which point into their
    // allocation: it doesn't move when the Vec is moved, and is never
    // touched again.
    encoded: Option<(Vec<u8>, Vec<mesos_shim_buf>)>,
}

impl EncodedList {
    // `#[inline]` on these and on `build` keeps the empty case (every
    // `reconcile_tasks(&[])`) to a length check at the call site.
    #[inline]
    pub(crate) fn messages<'a, M: Message + 'a>(messages: impl IntoIterator<Item = &'a M>) -> Self {
        Self::build(messages, |message, bytes| {
            // Writing to a Vec<u8> can't run out of space.
            let _ = message.encode(bytes);
        })
    }

    #[inline]
    pub(crate) fn strings<S: AsRef<str>>(strings: impl IntoIterator<Item = S>) -> Self {
        Self::build(strings, |string, bytes| {
            bytes.extend_from_slice(string.as_ref().as_bytes())
        })
    }

    #[inline]
    fn build<T>(items: impl IntoIterator<Item = T>, append: impl Fn(T, &mut Vec<u8>)) -> Self {
        let items = items.into_iter();
        if items.size_hint().1 == Some(0) {
            return Self { encoded: None };
        }
        Self::encode(items, append)
    }

    /// Appends each item to one buffer with `append`, then points a view at
    /// each item's bytes (only once the buffer no longer grows).
    ///
    /// Never inlined: inlined, its loop made every caller save six
    /// registers and reserve its frame even for an empty list, a fifth of
    /// what the binding adds to `reconcile_tasks(&[])` (callgrind).
    #[inline(never)]
    fn encode<T>(items: impl Iterator<Item = T>, append: impl Fn(T, &mut Vec<u8>)) -> Self {
        let mut bytes = Vec::new();
        let mut views = Vec::with_capacity(items.size_hint().0);
        for item in items {
            let start = bytes.len();
            append(item, &mut bytes);
            views.push(mesos_shim_buf {
                data: std::ptr::null(),
                len: bytes.len() - start,
            });
        }
        let mut start = 0;
        for view in &mut views {
            view.data = bytes[start..].as_ptr();
            start += view.len;
        }
        Self {
            encoded: Some((bytes, views)),
        }
    }

    /// The views. Never NULL, even for an empty list (as an empty `Vec`'s
    /// is not): where the shim takes an optional list, NULL means "none
    /// given" and an empty array "given, empty" (the suppressed roles, the
    /// executor's environment).
    #[inline]
    pub(crate) fn as_ptr(&self) -> *const mesos_shim_buf {
        self.encoded.as_ref().map_or(
            std::ptr::NonNull::<mesos_shim_buf>::dangling().as_ptr(),
            |(_, views)| views.as_ptr(),
        )
    }

    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.encoded.as_ref().map_or(0, |(_, views)| views.len())
    }
}
