//! Where a client sends its calls: the address a user gives (`host:port`,
//! `http://...`, `zk://...`), and the master a redirect names. Pure text
//! handling, no I/O, so that any transport (a later async one too) can
//! share it.

use crate::error::{Error, Result};
use crate::zookeeper::ZooKeeper;

/// Where the operator API of one master or agent is: a base URL
/// (`scheme://host:port`, plus a path prefix behind a proxy) without
/// `/api/v1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Origin {
    base: String,
}

impl Origin {
    /// The URL calls are posted to.
    pub(crate) fn api(&self) -> String {
        format!("{}/api/v1", self.base)
    }

    fn scheme(&self) -> &str {
        self.base.split("://").next().unwrap_or("http")
    }

    /// `scheme://host:port` (the path prefix dropped).
    pub(crate) fn authority(&self) -> &str {
        let after_scheme = self.base.find("://").map_or(0, |at| at + 3);
        match self.base[after_scheme..].find('/') {
            Some(slash) => &self.base[..after_scheme + slash],
            None => &self.base,
        }
    }

    /// `scheme://rest`, with any trailing `/` and `/api/v1` taken off.
    fn from_url(url: &str) -> Self {
        let mut base = url.trim_end_matches('/');
        base = base.strip_suffix("/api/v1").unwrap_or(base);
        Self {
            base: base.trim_end_matches('/').to_string(),
        }
    }
}

/// What the user pointed the client at.
#[derive(Clone, Debug)]
pub(crate) enum Address {
    /// One master or agent.
    Http(Origin),
    /// The masters' election in ZooKeeper: the leader is looked up there.
    ZooKeeper(ZooKeeper),
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Address::Http(origin) => f.write_str(&origin.api()),
            // Never the digest credentials.
            Address::ZooKeeper(zk) => write!(f, "zk://{}{}", zk.servers, zk.znode),
        }
    }
}

const EXPECTED: &str = "expected HOST:PORT, http://HOST:PORT, https://HOST:PORT or (for a master) \
     zk://HOST:PORT[,HOST:PORT...]/PATH";

/// Parses what the user gave; `default_port` completes a bare `HOST`
/// (5050 for a master, 5051 for an agent).
pub(crate) fn parse(text: &str, default_port: u16) -> Result<Address> {
    let text = text.trim();
    let invalid = |reason: String| Error::InvalidArgument {
        what: "operator API address",
        reason,
    };
    if text.is_empty() {
        return Err(invalid(format!("it is empty; {EXPECTED}")));
    }
    if let Some(rest) = text.strip_prefix("zk://") {
        return zookeeper(rest).map(Address::ZooKeeper);
    }
    let (scheme, rest) = match text.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => ("http".to_string(), text),
    };
    if scheme != "http" && scheme != "https" {
        return Err(invalid(format!(
            "'{text}' has the scheme {scheme}://; {EXPECTED}"
        )));
    }
    if scheme == "https" && !cfg!(feature = "operator-tls") {
        return Err(invalid(format!(
            "'{text}' is https://, and this build has no TLS: enable the mesos-native crate's feature \
             `operator-tls`"
        )));
    }
    let (authority, path) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, ""),
    };
    if authority.is_empty() || authority.contains('@') || authority.contains(char::is_whitespace) {
        return Err(invalid(format!(
            "'{text}' has no usable host (credentials go to .credentials(), not into the \
             address); {EXPECTED}"
        )));
    }
    let authority = if has_port(authority) {
        authority.to_string()
    } else {
        format!("{authority}:{default_port}")
    };
    Ok(Address::Http(Origin::from_url(&format!(
        "{scheme}://{authority}{path}"
    ))))
}

/// Whether `host[:port]` (or `[v6]:port`) names a port.
fn has_port(authority: &str) -> bool {
    match authority.rsplit_once(':') {
        Some((host, port)) => {
            !port.is_empty()
                && port.chars().all(|c| c.is_ascii_digit())
                && (!host.starts_with('[') || host.ends_with(']'))
        }
        None => false,
    }
}

/// `[user:password@]HOST:PORT[,HOST:PORT...]/PATH`, as masters take `--zk`.
fn zookeeper(rest: &str) -> Result<ZooKeeper> {
    let (digest, location) = match rest.find('/').map(|slash| rest[..slash].rfind('@')) {
        Some(Some(at)) => (Some(rest[..at].to_string()), &rest[at + 1..]),
        _ => (None, rest),
    };
    let mut zookeeper = ZooKeeper::parse(location)?;
    zookeeper.digest = digest;
    zookeeper.check()?;
    Ok(zookeeper)
}

/// Where a redirect from `from` points: Mesos sends `//host:port/api/v1`
/// (the scheme is the request's); absolute URLs and bare paths are taken
/// too.
pub(crate) fn redirect(from: &Origin, location: &str) -> std::result::Result<Origin, String> {
    let location = location.trim();
    let url = if let Some(rest) = location.strip_prefix("//") {
        format!("{}://{rest}", from.scheme())
    } else if location.starts_with('/') {
        format!("{}{location}", from.authority())
    } else if location.starts_with("http://") || location.starts_with("https://") {
        location.to_string()
    } else {
        return Err(format!("a redirect to '{location}', which is not a URL"));
    };
    let host = url
        .split_once("://")
        .map_or("", |(_, rest)| rest.split('/').next().unwrap_or_default());
    if host.is_empty() {
        return Err(format!("a redirect to '{location}', which names no host"));
    }
    Ok(Origin::from_url(&url))
}

/// The origin of a leading master found in ZooKeeper.
pub(crate) fn leader_origin(scheme: &str, host: &str, port: u16) -> Origin {
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    Origin::from_url(&format!("{scheme}://{host}:{port}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(text: &str) -> Origin {
        match parse(text, 5050).unwrap() {
            Address::Http(origin) => origin,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn addresses_are_completed_to_the_api_url() {
        let cases = [
            ("127.0.0.1:5050", "http://127.0.0.1:5050/api/v1"),
            ("master.example", "http://master.example:5050/api/v1"),
            ("http://10.0.0.1:5050/", "http://10.0.0.1:5050/api/v1"),
            ("http://10.0.0.1:5050/api/v1", "http://10.0.0.1:5050/api/v1"),
            ("HTTP://10.0.0.1", "http://10.0.0.1:5050/api/v1"),
            ("http://proxy:80/mesos/", "http://proxy:80/mesos/api/v1"),
            ("[::1]:5050", "http://[::1]:5050/api/v1"),
            ("[::1]", "http://[::1]:5050/api/v1"),
        ];
        for (given, api) in cases {
            assert_eq!(origin(given).api(), api, "{given}");
        }
        assert_eq!(
            origin("http://proxy:80/mesos").authority(),
            "http://proxy:80"
        );
    }

    #[test]
    fn bad_addresses_say_what_is_expected() {
        for bad in [
            "",
            "ftp://host:21",
            "http://",
            "http://user:pw@host:5050",
            "zk://127.0.0.1:2181",
        ] {
            let error = parse(bad, 5050).unwrap_err().to_string();
            assert!(
                error.contains("expected") || error.contains("znode"),
                "{bad}: {error}"
            );
        }
        if !cfg!(feature = "operator-tls") {
            let error = parse("https://master:5050", 5050).unwrap_err();
            assert!(error.to_string().contains("operator-tls"), "{error}");
        }
    }

    #[test]
    fn zookeeper_addresses_keep_their_credentials_out_of_sight() {
        let Address::ZooKeeper(zk) =
            parse("zk://ops:secret@zk1:2181,zk2:2181/mesos", 5050).unwrap()
        else {
            panic!("not ZooKeeper")
        };
        assert_eq!(zk.servers, "zk1:2181,zk2:2181");
        assert_eq!(zk.znode, "/mesos");
        assert_eq!(zk.digest.as_deref(), Some("ops:secret"));
        let shown = Address::ZooKeeper(zk).to_string();
        assert_eq!(shown, "zk://zk1:2181,zk2:2181/mesos");
    }

    #[test]
    fn redirects_resolve_against_the_master_that_sent_them() {
        let from = origin("http://127.0.0.1:5050");
        let to = |location| redirect(&from, location).map(|o| o.api());
        assert_eq!(
            to("//127.0.0.1:5051/api/v1").unwrap(),
            "http://127.0.0.1:5051/api/v1"
        );
        assert_eq!(
            to("http://master2:5050/api/v1").unwrap(),
            "http://master2:5050/api/v1"
        );
        assert_eq!(to("/api/v1").unwrap(), "http://127.0.0.1:5050/api/v1");
        assert!(to("elsewhere").is_err());
        assert!(to("//").is_err());
    }

    #[test]
    fn leaders_found_in_zookeeper_become_origins() {
        assert_eq!(
            leader_origin("http", "10.0.0.2", 5050).api(),
            "http://10.0.0.2:5050/api/v1"
        );
        assert_eq!(
            leader_origin("http", "::1", 5050).api(),
            "http://[::1]:5050/api/v1"
        );
    }
}
