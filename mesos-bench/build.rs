//! Compiles the C++ halves of the in-process benchmarks (`cpp/offer_path.cpp`,
//! `cpp/offer_path_v1.cpp` for the v1 API, and `cpp/paired.cpp`)
//! when, and only when, mesos-native-sys was built against a libmesos: it needs
//! libmesos's protobuf classes and the shim's `ForwardingScheduler`. mesos-native-sys
//! reports what it found through its `links = "mesos"` metadata:
//! `DEP_MESOS_NATIVE` (1 or 0), `DEP_MESOS_LIBDIR`, and `DEP_MESOS_INCLUDE`
//! (the `:`-joined header directories the shim was compiled with, the
//! shim's own `wrapper/` first). The helper is compiled with the same
//! language standard and defines as the shim, so both see the same classes,
//! and like the shim with its own warnings on, Mesos's headers as system
//! headers (`-isystem`), and `MESOS_SYS_WERROR=1` making warnings errors.
//!
//! Sets `cfg(cpp_helpers)` when the helpers are linked in; without it,
//! `bench offers` and the paired workloads say libmesos is missing. The C++ twin (`cpp/bench.cpp`)
//! is a separate program, built by scripts/bench.sh.

use std::env;

fn main() {
    println!("cargo:rustc-check-cfg=cfg(cpp_helpers)");
    println!("cargo:rerun-if-changed=cpp/offer_path.cpp");
    println!("cargo:rerun-if-changed=cpp/offer_path_v1.cpp");
    println!("cargo:rerun-if-changed=cpp/paired.cpp");
    println!("cargo:rerun-if-changed=cpp/bench_scheduler.hpp");
    println!("cargo:rerun-if-changed=cpp/bench_common.hpp");
    println!("cargo:rerun-if-changed=../wrapper/v1_common.hpp");
    println!("cargo:rerun-if-changed=cpp/offer_batch.hpp");
    println!("cargo:rerun-if-changed=../wrapper/forwarding_scheduler.hpp");
    println!("cargo:rerun-if-changed=../wrapper/shim_common.hpp");

    if env::var("DEP_MESOS_NATIVE").as_deref() != Ok("1") {
        return;
    }
    let include = env::var_os("DEP_MESOS_INCLUDE")
        .expect("mesos-native-sys found libmesos but reported no include directories");
    println!("cargo:rerun-if-env-changed=MESOS_SYS_WERROR");
    let werror = env::var("MESOS_SYS_WERROR").as_deref() == Ok("1");
    println!("mesos-bench: MESOS_SYS_WERROR=1: {werror}");
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .std("c++14")
        .define("__STDC_FORMAT_MACROS", None)
        .define("PICOJSON_USE_INT64", None)
        .warnings(true)
        .extra_warnings(true)
        .flag("-Wpedantic")
        .warnings_into_errors(werror)
        .include("cpp")
        .file("cpp/offer_path.cpp")
        .file("cpp/offer_path_v1.cpp")
        .file("cpp/paired.cpp");
    let mut dirs = env::split_paths(&include);
    // The shim's own headers are ours; the rest are Mesos's.
    if let Some(wrapper) = dirs.next() {
        build.include(wrapper);
    }
    for dir in dirs {
        build.flag("-isystem").flag(dir);
    }
    build.compile("mesos_bench_cpp");
    println!("cargo:rustc-cfg=cpp_helpers");

    // Run without LD_LIBRARY_PATH, like the mesos-native crate's own binaries.
    if let Ok(libdir) = env::var("DEP_MESOS_LIBDIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{libdir}");
    }
}
