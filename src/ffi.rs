//! Moving bytes and strings across the shim, following the ownership rules
//! of `mesos_shim.h`: what we pass in is borrowed for the call; what we
//! receive in a callback is borrowed until the callback returns.

use std::ffi::CStr;
use std::os::raw::c_char;

use mesos_sys::{mesos_shim_buf, ShimApi};
use prost::Message;

use crate::error::{Error, Result, ShimErrorKind};

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
    // Keeps the bytes alive; `views` points into this allocation, which
    // doesn't move when the Vec is moved, and is never touched again.
    _bytes: Vec<u8>,
    views: Vec<mesos_shim_buf>,
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
            return Self {
                _bytes: Vec::new(),
                views: Vec::new(),
            };
        }
        Self::encode(items, append)
    }

    /// Appends each item to one buffer with `append`, then points a view at
    /// each item's bytes (only once the buffer no longer grows).
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
            _bytes: bytes,
            views,
        }
    }

    pub(crate) fn as_ptr(&self) -> *const mesos_shim_buf {
        self.views.as_ptr()
    }

    pub(crate) fn len(&self) -> usize {
        self.views.len()
    }
}

/// Reads a NUL-terminated static string returned by a shim query.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that outlives the call.
unsafe fn static_str(ptr: *const c_char) -> String {
    if ptr.is_null() {
        String::new()
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { CStr::from_ptr(ptr) }
            .to_string_lossy()
            .into_owned()
    }
}

/// The shim's description of the last error on this thread.
pub(crate) fn last_error(api: &ShimApi) -> String {
    // SAFETY: the shim returns a thread-local NUL-terminated string valid
    // until the next shim call on this thread; we copy it at once.
    unsafe { static_str((api.mesos_shim_last_error)()) }
}

/// The error for a shim result code that is no driver status: one of the
/// shim's own errors (negative), or a status libmesos does not have.
pub(crate) fn shim_error(api: &ShimApi, code: i32) -> Error {
    if code >= 0 {
        return Error::Shim {
            kind: ShimErrorKind::Unknown(code),
            message: format!("unexpected status {code} from libmesos"),
        };
    }
    let message = last_error(api);
    let message = if message.is_empty() {
        "no details".to_string()
    } else {
        message
    };
    Error::Shim {
        kind: ShimErrorKind::from_code(code),
        message,
    }
}

/// Why a shim constructor returned NULL: the code and message it left.
pub(crate) fn creation_error(api: &ShimApi) -> Error {
    // SAFETY: a query without arguments of the calling thread's last error.
    let code = unsafe { (api.mesos_shim_last_error_code)() };
    let message = last_error(api);
    Error::Shim {
        kind: ShimErrorKind::from_code(code),
        message: if message.is_empty() {
            "no details".to_string()
        } else {
            message
        },
    }
}

/// The version of the loaded libmesos and the one the shim was built for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryVersion {
    /// Version of the headers the shim was compiled against.
    pub compiled: String,
    /// Version of the libmesos loaded at run time, read from its file name
    /// (`libmesos-X.Y.Z.so`); `None` if it can't be told.
    pub loaded: Option<String>,
    /// Path of the loaded libmesos, if known.
    pub path: String,
}

/// Reads both versions through the shim.
pub(crate) fn library_version(api: &ShimApi) -> LibraryVersion {
    // SAFETY: both functions return static NUL-terminated strings.
    let compiled = unsafe { static_str((api.mesos_shim_compiled_version)()) };
    // SAFETY: as above.
    let path = unsafe { static_str((api.mesos_shim_loaded_library_path)()) };
    // libmesos.so is normally a symlink to libmesos-X.Y.Z.so; the real file
    // name carries the version.
    let real = std::fs::canonicalize(&path)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.clone());
    LibraryVersion {
        compiled,
        loaded: version_from_file_name(&real),
        path: real,
    }
}

/// `.../libmesos-1.11.0.so` → `1.11.0`.
fn version_from_file_name(path: &str) -> Option<String> {
    let name = path.rsplit('/').next()?;
    let version = name.strip_prefix("libmesos-")?.strip_suffix(".so")?;
    parse_version(version).map(|_| version.to_string())
}

fn parse_version(version: &str) -> Option<(u32, u32, u32)> {
    let mut parts = version.split('.').map(|part| part.parse::<u32>().ok());
    let triple = (parts.next()??, parts.next()??, parts.next()??);
    Some(triple)
}

/// Logs the versions and refuses a libmesos older than the shim's headers.
pub(crate) fn check_library_version(api: &ShimApi) -> Result<LibraryVersion> {
    let version = library_version(api);
    match version.loaded.as_deref() {
        Some(loaded) => {
            log::info!(
                "using libmesos {loaded} at {} (shim compiled against Mesos {})",
                version.path,
                version.compiled
            );
            if let (Some(have), Some(need)) =
                (parse_version(loaded), parse_version(&version.compiled))
            {
                if have < need {
                    return Err(Error::IncompatibleLibrary {
                        loaded: loaded.to_string(),
                        compiled: version.compiled.clone(),
                        path: version.path.clone(),
                    });
                }
            }
        }
        None => log::warn!(
            "cannot tell the version of libmesos at '{}' (its file name is not libmesos-X.Y.Z.so); \
             assuming it matches the Mesos {} headers the shim was compiled against",
            version.path,
            version.compiled
        ),
    }
    Ok(version)
}

/// The real shim, or the error explaining why this build has none.
pub(crate) fn native_api() -> Result<&'static ShimApi> {
    mesos_sys::native().ok_or_else(|| Error::NativeUnavailable {
        reason: mesos_sys::NATIVE_UNAVAILABLE_REASON.to_string(),
    })
}

/// A master address as the shim takes it: NUL-terminated, not empty. What
/// it names is libmesos's to judge (at `start`).
pub(crate) fn master_string(master: String) -> Result<std::ffi::CString> {
    const EXPECTED: &str = "expected host:port, zk://host:port/path, file:///path or local";
    if master.is_empty() {
        return Err(Error::InvalidArgument {
            what: "master",
            reason: format!("is empty; {EXPECTED}"),
        });
    }
    std::ffi::CString::new(master).map_err(|_| Error::InvalidArgument {
        what: "master",
        reason: format!("contains a NUL byte; {EXPECTED}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_real_file_names() {
        assert_eq!(
            version_from_file_name("/opt/mesos/lib/libmesos-1.11.0.so").as_deref(),
            Some("1.11.0")
        );
        assert_eq!(version_from_file_name("/usr/lib/libmesos.so"), None);
        assert_eq!(version_from_file_name("/x/libmesos-abc.so"), None);
        assert!(parse_version("1.10.0") < parse_version("1.11.0"));
        assert!(parse_version("1.9.0") < parse_version("1.10.0"));
    }
}
