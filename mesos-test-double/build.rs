//! Test binaries run without LD_LIBRARY_PATH: an rpath to the libmesos
//! mesos-native-sys linked (its `links = "mesos"` metadata), as in tools/build.rs.
fn main() {
    if let Ok(libdir) = std::env::var("DEP_MESOS_LIBDIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{libdir}");
    }
}
