//! Finds libmesos, compiles the C++ shim in `wrapper/` against it and links
//! it. Without libmesos the crate still builds: it then exports no native
//! driver (see `mesos_native_sys::native()`), and creating a driver fails at run
//! time with an error naming `MESOS_NATIVE_LIBRARY`.
//!
//! Where libmesos is looked for, first match wins. The explicit variables
//! come before the implicit pkg-config probe, as `OPENSSL_DIR` does for
//! openssl-sys, and one that is set but points at no libmesos stops the
//! build rather than fall through to another install:
//!   1. `MESOS_NATIVE_LIBRARY`: path of `libmesos.so` (what the official Java
//!      and Python bindings read); headers are taken from `<prefix>/include`,
//!      where `<prefix>` is the directory above the library's.
//!   2. `MESOS_HOME`: an install prefix (`$MESOS_HOME/lib/libmesos.so`,
//!      headers in `$MESOS_HOME/include`).
//!   3. pkg-config, package `mesos` (Mesos installs `mesos.pc`), at a version
//!      the shim compiles against: [`PKG_CONFIG_VERSIONS`].
//!
//! `MESOS_INCLUDE_DIRS` (a PATH-style list) adds header directories, for
//! installs whose protobuf/glog/boost headers live elsewhere. Mesos installs
//! its bundled ones under `<prefix>/lib/mesos/3rdparty/include`, which is
//! added automatically when it exists. All of these are Mesos's headers, not
//! ours: they are passed as `-isystem`, so their warnings stay quiet while
//! the shim's own code is compiled with `-Wall -Wextra -Wpedantic`.
//! `MESOS_SYS_WERROR=1` makes the shim's warnings errors (`.ci/run` sets it).
//! It is not keyed on `CI`: a downstream crate's CI must not fail on a
//! warning that a newer compiler finds in our shim.
//!
//! `MESOS_SYS_DISABLE_NATIVE` (any value) or `DOCS_RS` skips the search and
//! builds the pure-Rust crate.
//!
//! Every variable this script reads is printed with its value on a plain line
//! of the build script's output (`cargo build -vv`, or
//! `target/*/build/mesos-sys-*/output`), and is a `rerun-if-env-changed`.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

/// Mesos versions the shim compiles against, for the pkg-config probe: 1.10
/// (the oldest tried), 1.11 and 1.12 (master). `updateFramework`'s offer
/// constraints exist from 1.11 on; the shim checks for them itself. An
/// explicit `MESOS_NATIVE_LIBRARY` or `MESOS_HOME` is taken at any version.
const PKG_CONFIG_VERSIONS: std::ops::Range<&str> = "1.10.0".."1.13.0";

/// The shim, one list for compiling, `rerun-if-changed` and packaging: every
/// file in `wrapper/` with one of these extensions; the `.cpp` ones are
/// compiled. `Cargo.toml`'s `include` names the same three patterns.
const SHIM_EXTENSIONS: &[&str] = &["h", "hpp", "cpp"];

/// Header directories that the compiler searches as system directories
/// already. Passing them again as `-isystem` would move them ahead of the
/// C++ standard library's own directories, and `#include_next` in
/// libstdc++'s `<cstdlib>` would then fail.
const DEFAULT_INCLUDE_DIRS: &[&str] = &["/usr/include", "/usr/local/include"];

/// The environment this script reads, each variable read once, up front, so
/// the build log shows all of them together.
struct Config {
    native_library: Option<PathBuf>,
    home: Option<PathBuf>,
    include_dirs: Vec<PathBuf>,
    disabled_by: Option<&'static str>,
    werror: bool,
}

impl Config {
    fn from_env() -> Config {
        let native_library = env_var("MESOS_NATIVE_LIBRARY").map(PathBuf::from);
        let home = env_var("MESOS_HOME").map(PathBuf::from);
        let include_dirs = env_var("MESOS_INCLUDE_DIRS")
            .map(|dirs| env::split_paths(&dirs).collect())
            .unwrap_or_default();
        let disabled_by = if env_var("MESOS_SYS_DISABLE_NATIVE").is_some() {
            Some("MESOS_SYS_DISABLE_NATIVE")
        } else if env_var("DOCS_RS").is_some() {
            Some("DOCS_RS")
        } else {
            None
        };
        let werror = match env_var("MESOS_SYS_WERROR")
            .as_deref()
            .and_then(|v| v.to_str())
        {
            None | Some("0") => false,
            Some("1") => true,
            Some(other) => panic!("MESOS_SYS_WERROR is {other:?}: set it to 1 or 0, or unset it"),
        };
        // Read by the pkg-config crate, not by us; printed so that the log
        // tells where mesos.pc was looked for.
        env_var("PKG_CONFIG_PATH");
        Config {
            native_library,
            home,
            include_dirs,
            disabled_by,
            werror,
        }
    }
}

/// Reads one environment variable, the way openssl-sys does: registers it
/// with `rerun-if-env-changed` and prints it with its value. An empty value
/// counts as unset.
fn env_var(name: &str) -> Option<OsString> {
    println!("cargo:rerun-if-env-changed={name}");
    match env::var_os(name) {
        Some(value) if !value.is_empty() => {
            println!("mesos-native-sys: {name} = {}", value.to_string_lossy());
            Some(value)
        }
        Some(_) => {
            println!("mesos-native-sys: {name} is empty, taken as unset");
            None
        }
        None => {
            println!("mesos-native-sys: {name} unset");
            None
        }
    }
}

/// A libmesos install the shim can be compiled against.
struct Libmesos {
    /// Directory holding `libmesos.so`.
    lib_dir: PathBuf,
    /// Header directories: Mesos's own and its dependencies'.
    include_dirs: Vec<PathBuf>,
    /// How it was found, for the build log.
    found_by: String,
}

fn main() {
    let sources = shim_files();
    println!("cargo:rustc-check-cfg=cfg(mesos_native)");
    let config = Config::from_env();

    if let Some(variable) = config.disabled_by {
        println!("mesos-native-sys: {variable} is set: building without the native driver");
        println!("cargo:native=0");
        return;
    }
    match find_libmesos(&config) {
        Some(libmesos) => build_shim(&libmesos, &sources, config.werror),
        None => {
            println!("cargo:native=0");
            println!(
                "cargo:warning=libmesos not found: building mesos-native-sys without the native driver. \
                 Set MESOS_NATIVE_LIBRARY=/path/to/libmesos.so (or MESOS_HOME=<prefix>, or install \
                 a mesos.pc of Mesos >= {}, < {} for pkg-config) to enable it; \
                 `cargo build -vv` shows where it was looked for.",
                PKG_CONFIG_VERSIONS.start, PKG_CONFIG_VERSIONS.end
            );
        }
    }
}

/// The shim's files in `wrapper/`, sorted, each registered with
/// `rerun-if-changed`, as is the directory itself, so that a new file
/// reruns the build.
///
/// `wrapper` is a symlink to the workspace's `wrapper/`, which `cargo
/// package` follows. A crate without the sources is broken however it is
/// built, so their absence stops the build even without libmesos (that is
/// what makes `cargo package`'s verification build catch it).
fn shim_files() -> Vec<PathBuf> {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR not set"));
    let dir = manifest_dir.join("wrapper");
    let entries = fs::read_dir(&dir).unwrap_or_else(|error| {
        panic!(
            "cannot read the shim's sources in {}: {error}. In the repository, mesos-sys/wrapper \
             is a symlink to ../wrapper.",
            dir.display()
        )
    });
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("read an entry of wrapper/").path())
        .filter(|path| {
            path.extension()
                .and_then(|ext| ext.to_str())
                .is_some_and(|ext| SHIM_EXTENSIONS.contains(&ext))
        })
        .collect();
    files.sort();
    if !files.iter().any(|path| is_source(path)) {
        panic!(
            "{} holds no .cpp file: the shim's sources are missing",
            dir.display()
        );
    }
    println!("cargo:rerun-if-changed={}", dir.display());
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    files
}

fn is_source(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "cpp")
}

fn find_libmesos(config: &Config) -> Option<Libmesos> {
    let mut libmesos = if let Some(library) = &config.native_library {
        if config.home.is_some() {
            println!("mesos-native-sys: MESOS_NATIVE_LIBRARY is set, so MESOS_HOME is not used to find libmesos");
        }
        from_native_library(library)
    } else if let Some(home) = &config.home {
        from_mesos_home(home)
    } else {
        from_pkg_config()?
    };
    let bundled = libmesos.lib_dir.join("mesos/3rdparty/include");
    if bundled.is_dir() {
        libmesos.include_dirs.push(bundled);
    }
    libmesos
        .include_dirs
        .extend(config.include_dirs.iter().cloned());
    let mut seen = Vec::new();
    libmesos.include_dirs.retain(|dir| {
        let new = !seen.contains(dir);
        seen.push(dir.clone());
        new
    });
    Some(libmesos)
}

/// Headers libmesos's v1 scheduler and executor headers include beyond the
/// v0 ones: libprocess's, stout's, and the master detector the shim makes.
const V1_HEADERS: &[&str] = &[
    "mesos/v1/scheduler.hpp",
    "mesos/v1/executor.hpp",
    "mesos/master/detector.hpp",
    "process/future.hpp",
    "stout/option.hpp",
];

/// Headers libmesos's State, Log and leader-election headers include beyond
/// the v0 ones.
const STATE_HEADERS: &[&str] = &[
    "mesos/state/zookeeper.hpp",
    "zookeeper.h",
    "mesos/state/state.pb.h",
    "mesos/log/log.hpp",
    "mesos/zookeeper/contender.hpp",
    "mesos/zookeeper/detector.hpp",
    "process/future.hpp",
    "stout/uuid.hpp",
];

/// The directory of ZooKeeper's C client header, which libmesos's log and
/// ZooKeeper headers include as `<zookeeper.h>`: Debian installs it in a
/// `zookeeper/` subdirectory (Mesos's bundled copy sits beside its other
/// third-party headers). `None` when a header directory already holds it,
/// or none holds it at all.
fn zookeeper_include_dir(include_dirs: &[PathBuf]) -> Option<PathBuf> {
    let searched: Vec<PathBuf> = include_dirs
        .iter()
        .cloned()
        .chain(DEFAULT_INCLUDE_DIRS.iter().map(PathBuf::from))
        .collect();
    if searched.iter().any(|dir| dir.join("zookeeper.h").is_file()) {
        return None;
    }
    let found = searched
        .iter()
        .map(|dir| dir.join("zookeeper"))
        .find(|dir| dir.join("zookeeper.h").is_file());
    if let Some(dir) = &found {
        println!(
            "mesos-native-sys: ZooKeeper's C header in {}",
            dir.display()
        );
    }
    found
}

/// The first of `headers` no header directory holds, if any. The shim's
/// halves that need them are compiled only when there is none.
fn first_missing(include_dirs: &[PathBuf], headers: &[&'static str]) -> Option<&'static str> {
    let searched = include_dirs
        .iter()
        .map(PathBuf::as_path)
        .chain(DEFAULT_INCLUDE_DIRS.iter().map(Path::new));
    let searched: Vec<&Path> = searched.collect();
    headers
        .iter()
        .copied()
        .find(|header| !searched.iter().any(|dir| dir.join(header).is_file()))
}

fn from_native_library(library: &Path) -> Libmesos {
    if !library.is_file() {
        panic!(
            "MESOS_NATIVE_LIBRARY is set to {}, which is not a file. Point it at libmesos.so \
             (e.g. /opt/mesos/lib/libmesos.so) or unset it.",
            library.display()
        );
    }
    let lib_dir = library.parent().unwrap_or(Path::new("/")).to_path_buf();
    let prefix = lib_dir.parent().unwrap_or(Path::new("/")).to_path_buf();
    Libmesos {
        include_dirs: vec![prefix.join("include")],
        lib_dir,
        found_by: format!("MESOS_NATIVE_LIBRARY={}", library.display()),
    }
}

fn from_mesos_home(home: &Path) -> Libmesos {
    let lib_dir = home.join("lib");
    if !lib_dir.join("libmesos.so").exists() {
        panic!(
            "MESOS_HOME is set to {}, which holds no lib/libmesos.so. Point it at the prefix \
             Mesos was installed to (e.g. /opt/mesos), set MESOS_NATIVE_LIBRARY instead, or unset \
             it to let pkg-config look for mesos.pc.",
            home.display()
        );
    }
    Libmesos {
        include_dirs: vec![home.join("include")],
        lib_dir,
        found_by: format!("MESOS_HOME={}", home.display()),
    }
}

fn from_pkg_config() -> Option<Libmesos> {
    let probe = pkg_config::Config::new()
        .range_version(PKG_CONFIG_VERSIONS)
        .cargo_metadata(false)
        .env_metadata(true)
        .probe("mesos");
    let library = match probe {
        Ok(library) => library,
        Err(error) => {
            // Usually "not found"; also a mesos.pc of a version the shim
            // does not support, or no pkg-config program.
            for line in error.to_string().lines().filter(|line| !line.is_empty()) {
                println!("mesos-native-sys: pkg-config: {line}");
            }
            return None;
        }
    };
    // pkg-config drops -L of the default library directories; libdir is
    // there all the same.
    let lib_dir = match library.link_paths.first() {
        Some(dir) => dir.clone(),
        None => PathBuf::from(
            pkg_config::get_variable("mesos", "libdir")
                .unwrap_or_else(|error| panic!("pkg-config found mesos but no libdir: {error}")),
        ),
    };
    Some(Libmesos {
        include_dirs: library.include_paths.clone(),
        found_by: format!("pkg-config mesos {}", library.version),
        lib_dir,
    })
}

fn build_shim(libmesos: &Libmesos, sources: &[PathBuf], werror: bool) {
    println!(
        "mesos-native-sys: using libmesos from {} ({})",
        libmesos.lib_dir.display(),
        libmesos.found_by
    );
    // A Mesos installed again at the same prefix (another version, say)
    // rebuilds the shim: the library and the headers' version are
    // watched, not only the variables that name them.
    println!(
        "cargo:rerun-if-changed={}",
        libmesos.lib_dir.join("libmesos.so").display()
    );
    for dir in &libmesos.include_dirs {
        let version = dir.join("mesos/version.hpp");
        if version.is_file() {
            println!("cargo:rerun-if-changed={}", version.display());
        }
    }
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .std("c++14")
        .include("wrapper")
        .define("__STDC_FORMAT_MACROS", None)
        .define("PICOJSON_USE_INT64", None)
        // -Wall and -Wextra, on the shim's own code only: Mesos's headers
        // come in as system headers below.
        .warnings(true)
        .extra_warnings(true)
        .flag("-Wpedantic")
        .warnings_into_errors(werror);
    println!(
        "mesos-native-sys: shim warnings are {}",
        if werror {
            "errors (MESOS_SYS_WERROR=1)"
        } else {
            "warnings (MESOS_SYS_WERROR=1 makes them errors)"
        }
    );
    let mut include_dirs = libmesos.include_dirs.clone();
    include_dirs.extend(zookeeper_include_dir(&libmesos.include_dirs));
    for dir in &include_dirs {
        if DEFAULT_INCLUDE_DIRS
            .iter()
            .any(|default| dir == Path::new(default))
        {
            continue;
        }
        println!(
            "mesos-native-sys: system header directory {}",
            dir.display()
        );
        build.flag("-isystem").flag(dir);
    }
    let v1 = first_missing(&libmesos.include_dirs, V1_HEADERS);
    match &v1 {
        None => println!("mesos-native-sys: v1 scheduler and executor: compiled"),
        Some(missing) => println!(
            "cargo:warning=mesos-sys: no v1 scheduler or executor in this build: {missing} is not \
             in any header directory (Mesos installs libprocess's and stout's headers only when \
             configured with --enable-install-module-dependencies; MESOS_INCLUDE_DIRS can add \
             them). The v0 drivers are unaffected; creating a v1 object reports this at run time."
        ),
    }
    build.define("MESOS_SHIM_V1", if v1.is_none() { "1" } else { "0" });
    let state = first_missing(&include_dirs, STATE_HEADERS);
    match &state {
        None => println!("mesos-native-sys: State, replicated log and leader election: compiled"),
        Some(missing) => println!(
            "cargo:warning=mesos-sys: no State, replicated log or leader election in this build: \
             {missing} is not in any header directory (see the v1 note: \
             --enable-install-module-dependencies, or MESOS_INCLUDE_DIRS). Creating a State, Log \
             or election reports this at run time."
        ),
    }
    build.define("MESOS_SHIM_STATE", if state.is_none() { "1" } else { "0" });
    for source in sources.iter().filter(|path| is_source(path)) {
        build.file(source);
    }
    build.compile("mesos_shim");

    let lib_dir = libmesos.lib_dir.display();
    println!("cargo:rustc-link-search=native={lib_dir}");
    println!("cargo:rustc-link-lib=dylib=mesos");
    // The shim parses and serializes messages itself, so it needs the
    // protobuf runtime libmesos was built with: the system's, or the one
    // Mesos bundles under <prefix>/lib/mesos/3rdparty/lib.
    let bundled_lib = libmesos.lib_dir.join("mesos/3rdparty/lib");
    if ["libprotobuf.so", "libglog.so"]
        .iter()
        .any(|library| bundled_lib.join(library).exists())
    {
        println!("cargo:rustc-link-search=native={}", bundled_lib.display());
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", bundled_lib.display());
    }
    println!("cargo:rustc-link-lib=dylib=protobuf");
    // The shim's inline CHECKs (libprocess's headers) call glog. A libmesos
    // built with Mesos's bundled glog carries glog inside; one built against
    // a shared glog (`--with-glog=/usr`, as distributions build it) only
    // names it, and then the shim must link that glog itself.
    let needed = needed_libraries(&libmesos.lib_dir.join("libmesos.so"));
    if needed
        .iter()
        .any(|library| library.starts_with("libglog.so"))
    {
        println!("mesos-native-sys: libmesos uses a shared glog: linking it");
        println!("cargo:rustc-link-lib=dylib=glog");
    }
    // The shim's C++ runtime.
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
}

/// The libraries the ELF shared object at `path` names as needed
/// (`DT_NEEDED`); empty when it cannot be read as a 64-bit little-endian
/// ELF file, the only kind Mesos builds for.
fn needed_libraries(path: &Path) -> Vec<String> {
    std::fs::read(path)
        .ok()
        .and_then(|elf| elf_needed(&elf))
        .unwrap_or_default()
}

/// `DT_NEEDED` of an ELF64 little-endian image: the dynamic section's
/// entries of tag 1, each an offset into the string table it links to.
fn elf_needed(elf: &[u8]) -> Option<Vec<String>> {
    let bytes = |at: usize, n: usize| elf.get(at..at.checked_add(n)?);
    let u16_at = |at| Some(u16::from_le_bytes(bytes(at, 2)?.try_into().ok()?) as usize);
    let u32_at = |at| Some(u32::from_le_bytes(bytes(at, 4)?.try_into().ok()?) as usize);
    let u64_at = |at| usize::try_from(u64::from_le_bytes(bytes(at, 8)?.try_into().ok()?)).ok();
    if bytes(0, 6)? != b"\x7fELF\x02\x01" {
        return None;
    }
    const SHT_DYNAMIC: usize = 6;
    const DT_NULL: usize = 0;
    const DT_NEEDED: usize = 1;
    let (table, entry_size, count) = (u64_at(0x28)?, u16_at(0x3a)?, u16_at(0x3c)?);
    let section = |index: usize| table.checked_add(index.checked_mul(entry_size)?);
    for index in 0..count {
        let header = section(index)?;
        if u32_at(header + 4)? != SHT_DYNAMIC {
            continue;
        }
        let (start, size) = (u64_at(header + 0x18)?, u64_at(header + 0x20)?);
        let strings = u64_at(section(u32_at(header + 0x28)?)? + 0x18)?;
        let mut needed = Vec::new();
        for entry in (start..start.checked_add(size)?).step_by(16) {
            match u64_at(entry)? {
                DT_NULL => break,
                DT_NEEDED => {
                    let name = elf.get(strings.checked_add(u64_at(entry + 8)?)?..)?;
                    let end = name.iter().position(|&byte| byte == 0)?;
                    needed.push(String::from_utf8_lossy(&name[..end]).into_owned());
                }
                _ => {}
            }
        }
        return Some(needed);
    }
    None
}
