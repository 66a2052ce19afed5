//! [`ZooKeeper`]: a ZooKeeper location, where a State's entries, a Log's
//! replica group or an election live.

use std::time::Duration;

use mesos_native_sys::mesos_shim_buf;

use crate::boundary::buf;
use crate::error::{Error, Result};

/// A ZooKeeper ensemble and a znode under it: where a
/// [`State`](crate::state::State)'s entries, a [`Log`](crate::log::Log)'s
/// replica group or an [`Election`](crate::election::Election) live.
///
/// ```
/// use std::time::Duration;
/// use mesos_native::ZooKeeper;
///
/// let zk = ZooKeeper::parse("127.0.0.1:2181,127.0.0.2:2181/frameworks/test").unwrap();
/// assert_eq!(zk.servers, "127.0.0.1:2181,127.0.0.2:2181");
/// assert_eq!(zk.znode, "/frameworks/test");
/// assert_eq!(zk.session_timeout, Duration::from_secs(10));
/// assert!(ZooKeeper::parse("127.0.0.1:2181").is_err()); // no znode
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ZooKeeper {
    /// `host:port[,host:port...]`.
    pub servers: String,
    /// The ZooKeeper session timeout: how long libmesos keeps a session
    /// through a lost connection.
    pub session_timeout: Duration,
    /// An absolute path, e.g. `/marathon/state`; libmesos creates it.
    pub znode: String,
    /// Digest authentication credentials, `user:password`, or `None`.
    pub digest: Option<String>,
}

impl ZooKeeper {
    /// `servers` and `znode`, a 10 s session timeout (Mesos's default), no
    /// authentication.
    pub fn new(servers: impl Into<String>, znode: impl Into<String>) -> Self {
        Self {
            servers: servers.into(),
            session_timeout: Duration::from_secs(10),
            znode: znode.into(),
            digest: None,
        }
    }

    /// `HOST:PORT[,HOST:PORT...]/ZNODE` (a `zk://` prefix is accepted), as
    /// the examples take it on the command line.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.strip_prefix("zk://").unwrap_or(text);
        let Some(slash) = text.find('/') else {
            return Err(invalid(format!(
                "'{text}' has no znode: expected HOST:PORT/ZNODE, e.g. 127.0.0.1:2181/my-framework"
            )));
        };
        let zookeeper = Self::new(&text[..slash], &text[slash..]);
        zookeeper.check()?;
        Ok(zookeeper)
    }

    /// Refuses what ZooKeeper or libmesos would refuse later, less clearly,
    /// or worse: libmesos retries a `zookeeper_init` that fails on its
    /// servers string for ten minutes, then kills the process
    /// (`PLOG(FATAL)`), and hands ZooKeeper the session timeout as an
    /// `int` of milliseconds.
    pub(crate) fn check(&self) -> Result<()> {
        check_servers(&self.servers)?;
        check_znode(&self.znode)?;
        let ms = self.session_timeout.as_millis();
        if ms == 0 || ms > i32::MAX as u128 {
            return Err(invalid(format!(
                "the session timeout {:?} is not between 1 ms and {} ms (about 24 days): \
                 libmesos gives ZooKeeper an int of milliseconds",
                self.session_timeout,
                i32::MAX
            )));
        }
        if let Some(digest) = &self.digest {
            if !digest.contains(':') || digest.contains('\0') {
                return Err(invalid(
                    "digest credentials are not of the form user:password".into(),
                ));
            }
        }
        Ok(())
    }

    /// The session timeout in nanoseconds, as the shim takes it.
    fn timeout_ns(&self) -> i64 {
        i64::try_from(self.session_timeout.as_nanos()).unwrap_or(i64::MAX)
    }

    /// Lends `call` this location as the shim's four ZooKeeper arguments
    /// (every `*_zookeeper_new` and `mesos_shim_group_new` take them),
    /// valid until it returns, which is all the shim borrows them for.
    pub(crate) fn lend<T>(&self, call: impl FnOnce(ShimArguments) -> T) -> T {
        let digest = self.digest.as_deref().map(str::as_bytes).map(buf);
        call(ShimArguments {
            servers: buf(self.servers.as_bytes()),
            timeout_ns: self.timeout_ns(),
            znode: buf(self.znode.as_bytes()),
            digest: digest
                .as_ref()
                .map_or(std::ptr::null(), |digest| digest as *const _),
        })
    }
}

/// A [`ZooKeeper`] as the shim takes it; see [`ZooKeeper::lend`].
pub(crate) struct ShimArguments {
    pub(crate) servers: mesos_shim_buf,
    pub(crate) timeout_ns: i64,
    pub(crate) znode: mesos_shim_buf,
    /// `user:password`, or NULL for no authentication.
    pub(crate) digest: *const mesos_shim_buf,
}

/// The servers as the ZooKeeper C client's `getaddrs` reads them:
/// `HOST:PORT` entries separated by commas. It takes a '/' as the start
/// of a chroot path, and a NUL ends the C string; an entry without a port
/// it refuses.
fn check_servers(servers: &str) -> Result<()> {
    const EXPECTED: &str =
        "expected HOST:PORT[,HOST:PORT...], e.g. 127.0.0.1:2181 (IPv6: ::1:2181, no brackets)";
    if servers.is_empty() {
        return Err(invalid(format!("no servers: {EXPECTED}")));
    }
    if let Some(bad) = servers
        .chars()
        .find(|c| *c == '/' || c.is_whitespace() || c.is_control())
    {
        return Err(invalid(format!(
            "servers '{}' contain {bad:?}: {EXPECTED}",
            servers.escape_debug()
        )));
    }
    for server in servers.split(',') {
        // getaddrinfo takes no brackets: an IPv6 address is written bare,
        // as in ::1:2181 (the port is after the last ':').
        let usable = server.rsplit_once(':').is_some_and(|(host, port)| {
            !host.is_empty()
                && !host.contains(['[', ']'])
                && !port.is_empty()
                && port.bytes().all(|byte| byte.is_ascii_digit())
                && port.parse::<u16>().is_ok_and(|port| port != 0)
        });
        if !usable {
            return Err(invalid(format!(
                "server '{}' is not HOST:PORT with a port from 1 to 65535: {EXPECTED}",
                server.escape_debug()
            )));
        }
    }
    Ok(())
}

/// A znode path as ZooKeeper takes one: absolute, below the root, no
/// trailing '/', no empty, `.` or `..` component, no control character
/// (the C client stops at a NUL and refuses the others).
fn check_znode(znode: &str) -> Result<()> {
    let refuse = |why: &str| {
        Err(invalid(format!(
            "znode '{}' {why}: expected an absolute path below the root, e.g. /my-framework",
            znode.escape_debug()
        )))
    };
    if !znode.starts_with('/') || znode.len() < 2 {
        return refuse("is not an absolute path below the root");
    }
    if znode.ends_with('/') {
        return refuse("ends with '/'");
    }
    if znode[1..]
        .split('/')
        .any(|component| matches!(component, "" | "." | ".."))
    {
        return refuse("has an empty, '.' or '..' component");
    }
    if znode.chars().any(char::is_control) {
        return refuse("contains a control character");
    }
    Ok(())
}

fn invalid(reason: String) -> Error {
    Error::InvalidArgument {
        what: "ZooKeeper location",
        reason,
    }
}

/// Never prints the credentials.
impl std::fmt::Debug for ZooKeeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZooKeeper")
            .field("servers", &self.servers)
            .field("session_timeout", &self.session_timeout)
            .field("znode", &self.znode)
            .field("digest", &self.digest.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl std::fmt::Display for ZooKeeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ZooKeeper {}{}", self.servers, self.znode)
    }
}
