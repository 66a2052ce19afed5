//! Build script of the `mesos-native` crate.
//!
//! Compiles the crate's own protobuf schema (`proto/mesos/**.proto`, a
//! wire-compatible mirror of Mesos's public protobuf API) into Rust with
//! `protox` (a pure-Rust protobuf compiler, so no system `protoc` is needed)
//! and `prost-build`. The generated `mesos.rs`, `mesos.scheduler.rs`,
//! `mesos.v1.rs`, `mesos.v1.scheduler.rs` and `mesos.v1.executor.rs` land in
//! `OUT_DIR` and are included by `src/proto.rs`, as are the operator API's
//! `mesos.v1.master.rs`, `mesos.v1.agent.rs` and the packages they import
//! (`maintenance`, `quota`, `allocator`).

use std::path::PathBuf;

/// Schema files, relative to the `proto/` include directory.
const PROTOS: &[&str] = &[
    "mesos/mesos.proto",
    "mesos/scheduler/scheduler.proto",
    "mesos/v1/mesos.proto",
    "mesos/v1/scheduler/scheduler.proto",
    "mesos/v1/executor/executor.proto",
    "mesos/v1/master/master.proto",
    "mesos/v1/agent/agent.proto",
];

fn main() {
    add_libmesos_rpath();
    let manifest_dir =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR not set"));
    let proto_dir = manifest_dir.join("proto");

    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={}", proto_dir.display());
    for proto in PROTOS {
        println!("cargo:rerun-if-changed={}", proto_dir.join(proto).display());
    }

    let fds = match protox::compile(PROTOS, [&proto_dir]) {
        Ok(fds) => fds,
        Err(err) => {
            // `protox::Error` implements `miette::Diagnostic`; its Debug output
            // carries the file, line and column of the problem.
            panic!(
                "failed to parse the protobuf schema in {}: {err:?}",
                proto_dir.display()
            );
        }
    };

    prost_build::Config::new()
        // prost keeps optional messages inline; DiskInfo is 960 bytes and
        // would make every Resource of every offer that big (see src/proto.rs).
        .boxed(".mesos.Resource.disk")
        // The v1 DiskInfo is the same message under another package, and as big.
        .boxed(".mesos.v1.Resource.disk")
        // An executor Event carries one payload, but prost lays out room for
        // all of them: a Launch (its TaskInfo is 2.6 KiB) and a Subscribed
        // (ExecutorInfo, FrameworkInfo, AgentInfo: 1.5 KiB) would make every
        // Event, a heartbeat included, 4.4 KiB instead of a few hundred bytes.
        .boxed(".mesos.v1.executor.Event.launch")
        .boxed(".mesos.v1.executor.Event.subscribed")
        // The same for the master's operator events: a TaskAdded alone is
        // 1.4 KiB, and every payload inline would make each event, a
        // heartbeat included, 3.8 KiB. `agent_removed` (an id) stays inline.
        .boxed(".mesos.v1.master.Event.subscribed")
        .boxed(".mesos.v1.master.Event.task_added")
        .boxed(".mesos.v1.master.Event.task_updated")
        .boxed(".mesos.v1.master.Event.agent_added")
        .boxed(".mesos.v1.master.Event.framework_added")
        .boxed(".mesos.v1.master.Event.framework_updated")
        .boxed(".mesos.v1.master.Event.framework_removed")
        .compile_fds(fds)
        .unwrap_or_else(|err| {
            panic!("failed to generate Rust code from the protobuf schema: {err}")
        });
}

/// Lets this package's own binaries (examples, tests, benches) find libmesos
/// without LD_LIBRARY_PATH: mesos-native-sys reports where it linked libmesos
/// (`links = "mesos"` metadata `libdir`), and we add it as an rpath.
/// Crates depending on `mesos` can do the same with `DEP_MESOS_LIBDIR`.
fn add_libmesos_rpath() {
    if let Ok(libdir) = std::env::var("DEP_MESOS_LIBDIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{libdir}");
    }
}
