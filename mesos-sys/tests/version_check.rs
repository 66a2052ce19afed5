//! Checks that the libmesos loaded at run time is the version of the Mesos
//! headers the shim was compiled against. A mismatch means the loader found
//! another install than the one the build used (LD_LIBRARY_PATH, an rpath,
//! a second Mesos under /usr/local): the shim's C++ calls would then go to a
//! library with another ABI.
//!
//! Without libmesos the test says so loudly and passes, unless
//! `MESOS_TEST_REQUIRE=1` asks for every check to run.

mod common;

use std::ffi::CStr;
use std::os::raw::c_char;
use std::path::Path;

/// # Safety
/// `text` is NULL or a NUL-terminated string that outlives the call.
unsafe fn string(text: *const c_char) -> String {
    if text.is_null() {
        return String::new();
    }
    // SAFETY: guaranteed by the caller.
    unsafe { CStr::from_ptr(text) }
        .to_string_lossy()
        .into_owned()
}

/// `.../libmesos-1.12.0.so` -> `1.12.0`.
fn version_in_file_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let version = name.strip_prefix("libmesos-")?.strip_suffix(".so")?;
    Some(version.to_string())
}

#[test]
fn loaded_libmesos_is_the_version_the_shim_was_compiled_for() {
    let Some(api) = mesos_native_sys::native() else {
        common::skip(&format!(
            "libmesos version check: {}",
            mesos_native_sys::NATIVE_UNAVAILABLE_REASON
        ));
        return;
    };
    // SAFETY: both functions return static NUL-terminated strings.
    let compiled = unsafe { string((api.mesos_shim_compiled_version)()) };
    // SAFETY: as above.
    let loaded_path = unsafe { string((api.mesos_shim_loaded_library_path)()) };
    assert!(
        !loaded_path.is_empty(),
        "the shim cannot tell which libmesos the process loaded"
    );
    // libmesos.so is a symlink to the versioned file.
    let real_path = std::fs::canonicalize(&loaded_path)
        .unwrap_or_else(|error| panic!("cannot resolve {loaded_path}: {error}"));
    let Some(loaded) = version_in_file_name(&real_path) else {
        common::skip(&format!(
            "libmesos version check: {} is not named libmesos-X.Y.Z.so, so its version can't be told \
             (the shim was compiled against Mesos {compiled})",
            real_path.display()
        ));
        return;
    };
    eprintln!(
        "libmesos {loaded} loaded from {}; shim compiled against Mesos {compiled}",
        real_path.display()
    );
    assert_eq!(
        loaded,
        compiled,
        "the process loaded libmesos {loaded} from {}, but mesos-sys was compiled against the \
         Mesos {compiled} headers: point MESOS_NATIVE_LIBRARY (or MESOS_HOME) and the run-time \
         library path at the same install",
        real_path.display()
    );
}
