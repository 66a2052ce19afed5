//! The `testbed` CLI runs without LD_LIBRARY_PATH, like the tools:
//! mesos-native-sys reports the directory of the libmesos it linked
//! (`links = "mesos"` metadata `libdir`), added here as an rpath.

fn main() {
    if let Ok(libdir) = std::env::var("DEP_MESOS_LIBDIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{libdir}");
    }
}
