//! [`Shim`]: which implementation of the C shim's API the native objects
//! are made through (libmesos, or a double of it), the version of the
//! libmesos behind it, and the shim's own errors.

use std::ffi::CStr;
use std::os::raw::c_char;

use mesos_native_sys::ShimApi;

use crate::error::{Error, Result, ShimErrorKind};

/// The C shim every native object of this crate (drivers, v1 schedulers
/// and executors, State, Log, elections) is made through: libmesos itself,
/// from [`Shim::native`], which the constructors use unless told
/// otherwise; or another implementation of the same C API, such as the
/// in-memory double `mesos-native-testing` builds its harnesses on.
///
/// ```
/// match mesos_native::Shim::native() {
///     Ok(shim) => println!("libmesos {:?}", shim.library_version().loaded),
///     Err(error) => println!("no libmesos in this build: {error}"),
/// }
/// ```
#[derive(Clone, Copy)]
pub struct Shim {
    api: &'static ShimApi,
}

impl Shim {
    /// The shim over the libmesos this build was linked against, or
    /// [`Error::NativeUnavailable`] when `mesos-native-sys` found none.
    pub fn native() -> Result<Self> {
        mesos_native_sys::native()
            .map(|api| Self { api })
            .ok_or_else(|| Error::NativeUnavailable {
                reason: mesos_native_sys::NATIVE_UNAVAILABLE_REASON.to_string(),
            })
    }

    /// Another implementation of the shim's C API.
    ///
    /// # Safety
    /// Every function of `api` must keep the contract written in
    /// `wrapper/mesos_shim.h` (what each argument must be, what it returns,
    /// which buffers it borrows and for how long, on which threads it calls
    /// back): the crate's safe code relies on it as on libmesos's shim.
    pub unsafe fn from_api(api: &'static ShimApi) -> Self {
        Self { api }
    }

    /// The version of the libmesos behind this shim, and the one the shim
    /// was compiled for.
    pub fn library_version(&self) -> LibraryVersion {
        library_version(self.api)
    }

    /// The address libprocess gives its peers (`IP:PORT`): what a master
    /// connects back to a v0 scheduler at. `None` where this build has no
    /// libprocess headers. Initializes libprocess if nothing has yet.
    pub fn libprocess_address(&self) -> Option<String> {
        libprocess_address(self.api)
    }

    /// The loaded libmesos's version, as numbers; `None` when its file
    /// name does not tell.
    pub(crate) fn running(version: &LibraryVersion) -> Option<crate::features::Version> {
        version.loaded.as_deref().and_then(crate::features::parse)
    }

    pub(crate) fn api(&self) -> &'static ShimApi {
        self.api
    }

    /// Logs the versions, and refuses a libmesos older than the shim's
    /// headers: it may lack the symbols or the behaviour the shim uses.
    pub(crate) fn check_version(&self) -> Result<LibraryVersion> {
        let version = self.library_version();
        match version.loaded.as_deref() {
            Some(loaded) => {
                log::info!(
                    "using libmesos {loaded} at {} (shim compiled against Mesos {})",
                    version.path,
                    version.compiled
                );
                if let (Some(have), Some(need)) = (
                    crate::features::parse(loaded),
                    crate::features::parse(&version.compiled),
                ) {
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
                "cannot tell the version of libmesos at '{}' (its file name is not \
                 libmesos-X.Y.Z.so); assuming it matches the Mesos {} headers the shim was \
                 compiled against",
                version.path,
                version.compiled
            ),
        }
        Ok(version)
    }
}

impl std::fmt::Debug for Shim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let native = mesos_native_sys::native().is_some_and(|api| std::ptr::eq(api, self.api));
        f.write_str(if native {
            "Shim(libmesos)"
        } else {
            "Shim(other)"
        })
    }
}

/// The version of the loaded libmesos and the one the shim was built for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LibraryVersion {
    /// Version of the headers the shim was compiled against.
    pub compiled: String,
    /// Version of the libmesos loaded at run time, read from its file name
    /// (`libmesos-X.Y.Z.so`); `None` if it can't be told.
    pub loaded: Option<String>,
    /// Path of the loaded libmesos, if known.
    pub path: String,
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

/// See [`Shim::libprocess_address`].
pub(crate) fn libprocess_address(api: &ShimApi) -> Option<String> {
    // SAFETY: a query without arguments; the string is valid until the
    // next call on this thread, and copied at once.
    let text = unsafe { static_str((api.mesos_shim_libprocess_address)()) };
    (!text.is_empty()).then_some(text)
}

/// The shim's description of the last error on this thread.
fn last_error(api: &ShimApi) -> String {
    // SAFETY: the shim returns a thread-local NUL-terminated string valid
    // until the next shim call on this thread; we copy it at once.
    let message = unsafe { static_str((api.mesos_shim_last_error)()) };
    if message.is_empty() {
        "no details".to_string()
    } else {
        message
    }
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
    Error::Shim {
        kind: ShimErrorKind::from_code(code),
        message: last_error(api),
    }
}

/// Why a shim constructor returned NULL: the code and message it left.
pub(crate) fn creation_error(api: &ShimApi) -> Error {
    // SAFETY: a query without arguments of the calling thread's last error.
    let code = unsafe { (api.mesos_shim_last_error_code)() };
    Error::Shim {
        kind: ShimErrorKind::from_code(code),
        message: last_error(api),
    }
}

/// Reads both versions through the shim.
fn library_version(api: &ShimApi) -> LibraryVersion {
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
    crate::features::parse(version).map(|_| version.to_string())
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
    }
}
