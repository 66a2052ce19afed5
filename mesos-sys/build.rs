//! Finds libmesos, compiles the C++ shim in `wrapper/` against it and links
//! it. Without libmesos the crate still builds: it then exports no native
//! driver (see `mesos_sys::native()`), and creating a driver fails at run
//! time with an error naming `MESOS_NATIVE_LIBRARY`.
//!
//! Where libmesos is looked for, first match wins:
//!   1. `MESOS_NATIVE_LIBRARY`: path of `libmesos.so` (what the official Java
//!      and Python bindings read); headers are taken from `<prefix>/include`,
//!      where `<prefix>` is the directory above the library's.
//!   2. pkg-config, package `mesos`.
//!   3. `MESOS_HOME`: an install prefix (`$MESOS_HOME/lib/libmesos.so`).
//!
//! `MESOS_INCLUDE_DIRS` (a PATH-style list) adds header directories, for
//! installs whose protobuf/glog/boost headers live elsewhere. Mesos installs
//! its bundled ones under `<prefix>/lib/mesos/3rdparty/include`, which is
//! added automatically when it exists.

use std::env;
use std::path::{Path, PathBuf};

/// A libmesos install the shim can be compiled against.
struct Libmesos {
    /// Directory holding `libmesos.so`.
    lib_dir: PathBuf,
    /// Header directories: Mesos's own and its dependencies'.
    include_dirs: Vec<PathBuf>,
    /// How it was found, for the build log.
    found_by: String,
}

const ENV_VARS: &[&str] = &[
    "MESOS_NATIVE_LIBRARY",
    "MESOS_HOME",
    "MESOS_INCLUDE_DIRS",
    "MESOS_SYS_DISABLE_NATIVE",
    "PKG_CONFIG_PATH",
    "DOCS_RS",
];

fn main() {
    for var in ENV_VARS {
        println!("cargo:rerun-if-env-changed={var}");
    }
    for source in [
        "mesos_shim.h",
        "shim_common.hpp",
        "forwarding_scheduler.hpp",
        "shim_common.cpp",
        "scheduler_shim.cpp",
        "executor_shim.cpp",
    ] {
        println!("cargo:rerun-if-changed=wrapper/{source}");
    }
    println!("cargo:rustc-check-cfg=cfg(mesos_native)");

    // docs.rs (and anyone who asks) gets the pure-Rust build.
    let disabled =
        env::var_os("DOCS_RS").is_some() || env::var_os("MESOS_SYS_DISABLE_NATIVE").is_some();
    let found = if disabled { None } else { find_libmesos() };

    match found {
        Some(libmesos) => build_shim(&libmesos),
        None => {
            println!("cargo:native=0");
            if !disabled {
                println!(
                    "cargo:warning=libmesos not found: building mesos-sys without the native driver. \
                     Set MESOS_NATIVE_LIBRARY=/path/to/libmesos.so (or MESOS_HOME, or install mesos.pc \
                     for pkg-config) to enable it."
                );
            }
        }
    }
}

fn find_libmesos() -> Option<Libmesos> {
    from_native_library_var()
        .or_else(from_pkg_config)
        .or_else(from_mesos_home)
        .map(|mut libmesos| {
            add_extra_include_dirs(&mut libmesos);
            libmesos
        })
}

fn from_native_library_var() -> Option<Libmesos> {
    let library = PathBuf::from(env::var_os("MESOS_NATIVE_LIBRARY")?);
    if !library.is_file() {
        panic!(
            "MESOS_NATIVE_LIBRARY is set to {}, which is not a file. Point it at libmesos.so \
             (e.g. /opt/mesos/lib/libmesos.so) or unset it.",
            library.display()
        );
    }
    let lib_dir = library.parent()?.to_path_buf();
    let prefix = lib_dir.parent().unwrap_or(Path::new("/")).to_path_buf();
    Some(Libmesos {
        include_dirs: vec![prefix.join("include")],
        lib_dir,
        found_by: format!("MESOS_NATIVE_LIBRARY={}", library.display()),
    })
}

fn from_pkg_config() -> Option<Libmesos> {
    let library = pkg_config::Config::new()
        .cargo_metadata(false)
        .env_metadata(true)
        .probe("mesos")
        .ok()?;
    let lib_dir = library.link_paths.first()?.clone();
    Some(Libmesos {
        include_dirs: library.include_paths.clone(),
        found_by: format!("pkg-config mesos {}", library.version),
        lib_dir,
    })
}

fn from_mesos_home() -> Option<Libmesos> {
    let home = PathBuf::from(env::var_os("MESOS_HOME")?);
    let lib_dir = home.join("lib");
    if !lib_dir.join("libmesos.so").exists() {
        println!(
            "cargo:warning=MESOS_HOME={} holds no lib/libmesos.so; ignoring it",
            home.display()
        );
        return None;
    }
    Some(Libmesos {
        include_dirs: vec![home.join("include")],
        lib_dir,
        found_by: format!("MESOS_HOME={}", home.display()),
    })
}

fn add_extra_include_dirs(libmesos: &mut Libmesos) {
    let bundled = libmesos.lib_dir.join("mesos/3rdparty/include");
    if bundled.is_dir() {
        libmesos.include_dirs.push(bundled);
    }
    if let Some(extra) = env::var_os("MESOS_INCLUDE_DIRS") {
        libmesos.include_dirs.extend(env::split_paths(&extra));
    }
}

fn build_shim(libmesos: &Libmesos) {
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .std("c++14")
        .include("wrapper")
        .define("__STDC_FORMAT_MACROS", None)
        .define("PICOJSON_USE_INT64", None)
        // Mesos's headers are noisy under new compilers; their warnings are
        // not ours to fix.
        .flag_if_supported("-Wno-deprecated-declarations")
        .flag_if_supported("-Wno-unused-parameter")
        .warnings(false)
        .file("wrapper/shim_common.cpp")
        .file("wrapper/scheduler_shim.cpp")
        .file("wrapper/executor_shim.cpp");
    for dir in &libmesos.include_dirs {
        build.include(dir);
    }
    build.compile("mesos_shim");

    let lib_dir = libmesos.lib_dir.display();
    println!("cargo:rustc-link-search=native={lib_dir}");
    println!("cargo:rustc-link-lib=dylib=mesos");
    // The shim parses and serializes messages itself, so it needs the
    // protobuf runtime libmesos was built with: the system's, or the one
    // Mesos bundles under <prefix>/lib/mesos/3rdparty/lib.
    let bundled_lib = libmesos.lib_dir.join("mesos/3rdparty/lib");
    if bundled_lib.join("libprotobuf.so").exists() {
        println!("cargo:rustc-link-search=native={}", bundled_lib.display());
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", bundled_lib.display());
    }
    println!("cargo:rustc-link-lib=dylib=protobuf");
    // The shim's C++ runtime needs; libmesos brings protobuf and glog.
    println!("cargo:rustc-link-lib=dylib=stdc++");
    println!("cargo:rustc-cfg=mesos_native");
    // Dependents read these as DEP_MESOS_*: the safe crate adds an rpath to
    // its own binaries from `libdir` so they run without LD_LIBRARY_PATH.
    println!("cargo:native=1");
    println!("cargo:libdir={lib_dir}");
    // `include`: the header directories the shim was compiled with (the
    // shim's own first, then Mesos's and its dependencies'), `:`-joined, for
    // dependents that compile C++ against the same libmesos (mesos-bench).
    let wrapper =
        Path::new(&env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR not set"))
            .join("wrapper");
    let include = env::join_paths(std::iter::once(&wrapper).chain(&libmesos.include_dirs))
        .expect("an include directory contains ':'");
    println!("cargo:include={}", include.to_string_lossy());
    println!("cargo:rustc-link-arg=-Wl,-rpath,{lib_dir}");
    println!(
        "cargo:warning=mesos-sys: using libmesos from {} ({})",
        lib_dir, libmesos.found_by
    );
}
