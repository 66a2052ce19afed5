//! A throwaway ZooKeeper on loopback for the high-availability tests: its
//! own config and data dir, a free port, killed on drop.
//!
//! Found as Debian's `zookeeper` package installs it (`apt-get install -y
//! zookeeper`: `/usr/share/java/zookeeper.jar`, whose manifest names its
//! dependencies), or wherever `ZOOKEEPER_JAR` points; run with `java` from
//! `JAVA_HOME` or `PATH`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What it takes to run a ZooKeeper server here.
#[derive(Clone, Debug)]
pub struct ZooKeeperInstall {
    pub java: PathBuf,
    pub jar: PathBuf,
}

/// The install, or a loud SKIPPED line saying why there is none (a failure
/// instead with `MESOS_TEST_REQUIRE=1`).
pub fn require_zookeeper(test: &str) -> Option<ZooKeeperInstall> {
    match find() {
        Ok(install) => Some(install),
        Err(reason) => {
            super::skip(test, &format!("needs ZooKeeper: {reason}"));
            None
        }
    }
}

fn find() -> Result<ZooKeeperInstall, String> {
    let jar = std::env::var_os("ZOOKEEPER_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/java/zookeeper.jar"));
    if !jar.is_file() {
        return Err(format!(
            "{} not found (apt-get install -y zookeeper, or set ZOOKEEPER_JAR)",
            jar.display()
        ));
    }
    let mut candidates = Vec::new();
    if let Some(home) = std::env::var_os("JAVA_HOME") {
        candidates.push(PathBuf::from(home).join("bin/java"));
    }
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path).map(|dir| dir.join("java")));
    }
    let java = candidates
        .into_iter()
        .find(|java| java.is_file())
        .ok_or("no `java` on PATH or under JAVA_HOME")?;
    Ok(ZooKeeperInstall { java, jar })
}

/// A running standalone ZooKeeper server.
pub struct ZooKeeper {
    child: Child,
    pub port: u16,
}

impl ZooKeeperInstall {
    /// Starts a server with its data under `dir`, and waits until it
    /// answers `ruok`.
    pub fn start(&self, dir: &Path) -> Result<ZooKeeper, String> {
        self.start_on(dir, free_port()?)
    }

    /// [`start`](Self::start) on `port`: a restart, keeping `dir`'s data.
    pub fn start_on(&self, dir: &Path, port: u16) -> Result<ZooKeeper, String> {
        std::fs::create_dir_all(dir.join("data")).map_err(|e| e.to_string())?;
        // A short tick lets the masters use short session timeouts (a
        // killed leader's session expires after at least 2 ticks).
        let config = format!(
            "tickTime=250\ninitLimit=10\nsyncLimit=5\ndataDir={}\nclientPort={port}\n\
             clientPortAddress=127.0.0.1\nmaxClientCnxns=0\nadmin.enableServer=false\n\
             4lw.commands.whitelist=ruok\n",
            dir.join("data").display()
        );
        let config_path = dir.join("zoo.cfg");
        std::fs::write(&config_path, config).map_err(|e| e.to_string())?;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("zookeeper.out"))
            .map_err(|e| e.to_string())?;
        let child = Command::new(&self.java)
            .args(["-Xmx128m", "-XX:+UseSerialGC", "-cp"])
            .arg(&self.jar)
            .arg("org.apache.zookeeper.server.ZooKeeperServerMain")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.java.display()))?;
        let mut server = ZooKeeper { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if server.ruok() {
                return Ok(server);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!(
                    "the server exited ({status}); see {}",
                    dir.join("zookeeper.out").display()
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "the server did not answer within 60 s; see {}",
                    dir.join("zookeeper.out").display()
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl ZooKeeper {
    /// `zk://127.0.0.1:PORT/path`.
    pub fn url(&self, path: &str) -> String {
        format!("zk://127.0.0.1:{}{path}", self.port)
    }

    /// ZooKeeper's four-letter health check.
    fn ruok(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        let mut answer = String::new();
        stream.write_all(b"ruok").is_ok()
            && stream.read_to_string(&mut answer).is_ok()
            && answer == "imok"
    }
}

impl Drop for ZooKeeper {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}
