//! What the testbed needs from the machine, checked before anything is
//! made: root, the system's tools, and (for a Mesos cluster) Mesos, Java
//! with ZooKeeper's jar, and Python for the file server. Everything missing
//! is named at once, each with the Debian package (or setting) that
//! provides it, so one run tells the whole story.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The system tools every testbed runs, found once as absolute paths (a
/// non-root `PATH` often lacks `/usr/sbin`, where `ip` and `nft` live).
#[derive(Clone, Debug)]
pub struct Tools {
    /// iproute2's `ip`: namespaces, links, addresses, routes.
    pub ip: PathBuf,
    /// nftables' `nft`: the cuts and the NAT.
    pub nft: PathBuf,
    /// util-linux's `unshare`: an agent's own mount namespace.
    pub unshare: PathBuf,
    /// `mount`: the empty file system laid over the hidden tree.
    pub mount: PathBuf,
    /// A POSIX shell, which mounts over the hidden paths, then runs the
    /// agent.
    pub sh: PathBuf,
}

/// What a Mesos cluster needs on top of [`Tools`].
#[derive(Clone, Debug)]
pub struct MesosInstall {
    /// `mesos-master`.
    pub master: PathBuf,
    /// `mesos-agent`.
    pub agent: PathBuf,
    /// Java, to run ZooKeeper.
    pub java: PathBuf,
    /// ZooKeeper's server jar (its manifest names its dependencies).
    pub zookeeper_jar: PathBuf,
    /// Python 3, whose `http.server` is the executors' file server.
    pub python: PathBuf,
}

/// Checks that the process runs as root and finds the tools; otherwise an
/// [`Error::Unavailable`] naming everything missing.
pub fn tools() -> Result<Tools> {
    let mut missing = Vec::new();
    if !is_root() {
        missing.push(
            "not running as root, which network namespaces, links and nft rules need (run \
             as root, e.g. `sudo -E cargo test ...`)"
                .to_string(),
        );
    }
    let mut find = |name: &str, package: &str| {
        find_program(name).unwrap_or_else(|| {
            missing.push(format!("no `{name}` (apt-get install -y {package})"));
            PathBuf::new()
        })
    };
    let tools = Tools {
        ip: find("ip", "iproute2"),
        nft: find("nft", "nftables"),
        unshare: find("unshare", "util-linux"),
        mount: find("mount", "mount"),
        sh: find("sh", "dash"),
    };
    if missing.is_empty() {
        Ok(tools)
    } else {
        Err(Error::Unavailable(missing.join("; ")))
    }
}

/// Finds Mesos ([`mesos_sbin`]), Java (`JAVA_HOME`, `PATH`), ZooKeeper's jar
/// (`ZOOKEEPER_JAR`, or Debian's) and Python 3; otherwise an
/// [`Error::Unavailable`] naming everything missing.
pub fn mesos() -> Result<MesosInstall> {
    let mut missing = Vec::new();
    let sbin = mesos_sbin()?;
    let (master, agent) = match &sbin {
        Some(sbin) => (sbin.join("mesos-master"), sbin.join("mesos-agent")),
        None => {
            missing.push(
                "no mesos-master and mesos-agent (build and install Mesos, then set MESOS_HOME \
                 to its prefix, or put its sbin on PATH; looked in the loaded libmesos's \
                 prefix, MESOS_HOME/sbin, PATH, /opt/mesos/sbin, /usr/local/sbin)"
                    .to_string(),
            );
            (PathBuf::new(), PathBuf::new())
        }
    };
    let java = std::env::var_os("JAVA_HOME")
        .map(|home| PathBuf::from(home).join("bin/java"))
        .filter(|java| java.is_file())
        .or_else(|| find_program("java"))
        .unwrap_or_else(|| {
            missing.push(
                "no `java`, to run ZooKeeper (apt-get install -y default-jre-headless)".into(),
            );
            PathBuf::new()
        });
    let zookeeper_jar = std::env::var_os("ZOOKEEPER_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/java/zookeeper.jar"));
    if !zookeeper_jar.is_file() {
        missing.push(format!(
            "no ZooKeeper jar {} (apt-get install -y zookeeper, or set ZOOKEEPER_JAR)",
            zookeeper_jar.display()
        ));
    }
    // Debian's own first: a user's pyenv or venv shim on PATH may not run
    // the same in a namespace.
    let debian_python = PathBuf::from("/usr/bin/python3");
    let python = Some(debian_python)
        .filter(|p| is_executable(p))
        .or_else(|| find_program("python3"))
        .unwrap_or_else(|| {
            missing.push(
                "no `python3`, the executors' file server (apt-get install -y python3)".into(),
            );
            PathBuf::new()
        });
    if missing.is_empty() {
        Ok(MesosInstall {
            master,
            agent,
            java,
            zookeeper_jar,
            python,
        })
    } else {
        Err(Error::Unavailable(missing.join("; ")))
    }
}

/// Whether the effective user is root.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Where `mesos-master` and `mesos-agent` both are, looked for so that
/// the daemons are always the release of the libmesos this process
/// loaded: that install's `sbin` first, then `MESOS_HOME/sbin`, `PATH`,
/// `/opt/mesos/sbin`, `/usr/local/sbin`. The loopback tests use it too.
///
/// An [`Error::Invalid`] when `MESOS_HOME` names another install than the
/// loaded libmesos's: a build left over from another prefix (a shared
/// target directory) would otherwise run one release's library against
/// another's daemons without a word.
pub fn mesos_sbin() -> Result<Option<PathBuf>> {
    let loaded = mesos_native::Shim::native()
        .ok()
        .map(|shim| PathBuf::from(shim.library_version().path))
        .and_then(|lib| Some(lib.parent()?.parent()?.to_path_buf()))
        .and_then(|prefix| prefix.canonicalize().ok());
    let home = std::env::var_os("MESOS_HOME").map(PathBuf::from);
    if let (Some(loaded), Some(home)) = (&loaded, &home) {
        if !home.canonicalize().is_ok_and(|home| &home == loaded) {
            return Err(Error::Invalid(format!(
                "MESOS_HOME is {} but this program loads libmesos from {}: a build for \
                 another install (the target directory is shared). Rebuild with this \
                 MESOS_HOME (cargo rebuilds mesos-native-sys when it changes), or use a \
                 CARGO_TARGET_DIR per install",
                home.display(),
                loaded.display()
            )));
        }
    }
    let mut candidates = Vec::new();
    candidates.extend(loaded.map(|prefix| prefix.join("sbin")));
    candidates.extend(home.map(|home| home.join("sbin")));
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path));
    }
    candidates.push(PathBuf::from("/opt/mesos/sbin"));
    candidates.push(PathBuf::from("/usr/local/sbin"));
    Ok(candidates
        .into_iter()
        .find(|dir| dir.join("mesos-master").is_file() && dir.join("mesos-agent").is_file()))
}

/// `name` on `PATH`, or in the system directories a non-root `PATH` leaves
/// out.
fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
