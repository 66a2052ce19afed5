//! Literal transcriptions of the parsers libmesos runs on inputs the
//! binding checks first, each from Mesos 1.11's source (the file is named
//! on each). The binding's checks exist because libmesos answers a failed
//! parse by killing the process (`CHECK`, `EXIT`, `LOG(FATAL)`); the
//! targets assert that what the binding accepts, the model accepts too.
//!
//! A model returns `None` where the C++ outcome depends on more than the
//! text (a host name's DNS answer): the targets do not judge those.

/// C's `isspace` in the "C" locale.
fn c_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// libprocess's `UPID(const std::string&)` then `operator bool`
/// (3rdparty/libprocess/src/pid.cpp, include/process/pid.hpp): what
/// `CHECK(upid)` in both executor libraries lets through.
pub fn libprocess_pid_is_valid(text: &str) -> Option<bool> {
    // `stream >> str`: the first whitespace-delimited word.
    let word = text.trim_start_matches(c_space);
    let word = &word[..word.find(c_space).unwrap_or(word.len())];
    if word.is_empty() {
        return Some(false);
    }
    let Some((id, rest)) = word.split_once('@') else {
        return Some(false);
    };
    // `str.find(':')`: the first colon after the '@'.
    let Some((host, port)) = rest.split_once(':') else {
        return Some(false);
    };
    // `net::IP::parse(host, AF_INET)`, else `net::getIP` (DNS).
    let ip = match host.parse::<std::net::Ipv4Addr>() {
        Ok(ip) => ip,
        Err(_) if host.is_empty() => return Some(false),
        Err(_) => return None,
    };
    // `sscanf("%hu")`: digits after an optional sign; only the plain
    // in-range case is modelled, the rest is left unjudged.
    let digits = &port[..port
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(port.len())];
    let port = if digits.is_empty() {
        if port.starts_with(['+', '-']) {
            return None;
        }
        return Some(false);
    } else {
        match digits.parse::<u16>() {
            Ok(port) => port,
            Err(_) => return None,
        }
    };
    // `operator bool`: an id, an IP that is not INADDR_ANY, a port.
    Some(!id.is_empty() && !ip.is_unspecified() && port != 0)
}

/// stout's `Duration::parse` (3rdparty/stout/include/stout/duration.hpp):
/// a number of digits and dots (`numify<double>`), then a unit, within
/// what an `int64_t` of nanoseconds holds.
pub fn stout_duration_is_valid(text: &str) -> bool {
    let Some(index) = text.find(|c: char| !(c.is_ascii_digit() || c == '.')) else {
        return false; // no unit: "Invalid duration"
    };
    let (number, unit) = text.split_at(index);
    // boost::lexical_cast<double> on digits and dots agrees with Rust's
    // parser: "1." and ".5" are numbers, "", "." and "1.2.3" are not.
    let Ok(value) = number.parse::<f64>() else {
        return false;
    };
    let factor: f64 = match unit {
        "ns" => 1.0,
        "us" => 1e3,
        "ms" => 1e6,
        "secs" => 1e9,
        "mins" => 60e9,
        "hrs" => 3600e9,
        "days" => 86400e9,
        "weeks" => 604800e9,
        _ => return false,
    };
    // `nanos > max().nanos`: int64_t's max, as a double, is 2^63.
    value * factor <= i64::MAX as f64
}

/// The environment both executor libraries read (src/exec/exec.cpp's
/// `MesosExecutorDriver::start`, src/executor/executor.cpp's
/// `MesosProcess`), given as the shim gives it: `NAME=VALUE` entries into
/// a `std::map`, so the last entry of a name wins. `Some(false)` where
/// libmesos would kill the process.
pub fn executor_environment_is_valid(entries: &[String], v1: bool) -> Option<bool> {
    let mut map = std::collections::BTreeMap::new();
    for entry in entries {
        let (name, value) = entry.split_once('=')?; // the shim refuses these
        map.insert(name, value);
    }
    let get = |name: &str| map.get(name).copied();
    let required: &[&str] = if v1 {
        &["MESOS_SLAVE_PID"]
    } else {
        &[
            "MESOS_SLAVE_PID",
            "MESOS_SLAVE_ID",
            "MESOS_FRAMEWORK_ID",
            "MESOS_EXECUTOR_ID",
            "MESOS_DIRECTORY",
        ]
    };
    if required.iter().any(|name| get(name).is_none()) {
        return Some(false);
    }
    match libprocess_pid_is_valid(get("MESOS_SLAVE_PID")?) {
        Some(true) => {}
        other => return other,
    }
    let checkpoint = get("MESOS_CHECKPOINT") == Some("1");
    let mut durations = vec![("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", v1)];
    if checkpoint {
        durations.push(("MESOS_RECOVERY_TIMEOUT", v1));
        if v1 {
            durations.push(("MESOS_SUBSCRIPTION_BACKOFF_MAX", true));
        }
    }
    for (name, required) in durations {
        match get(name) {
            None if required => return Some(false),
            None => {}
            Some(value) if !stout_duration_is_valid(value) => return Some(false),
            Some(_) => {}
        }
    }
    Some(true)
}

/// The ZooKeeper 3.4 C client's `getaddrs` (Mesos bundles 3.4.8), which
/// libmesos's `zookeeper_init` loop runs on a location's servers: it
/// retries a failure for ten minutes, then `PLOG(FATAL)`. `None` when a
/// host is a name (its DNS answer decides).
pub fn zookeeper_client_accepts_servers(servers: &str) -> Option<bool> {
    if servers.is_empty() || servers.contains('\0') {
        return Some(false);
    }
    // zookeeper_init takes what follows a '/' as a chroot path.
    if servers.contains('/') {
        return Some(false);
    }
    let mut judged = Some(true);
    let mut hosts = 0;
    // strtok_r(hosts, ","): empty tokens are skipped.
    for host in servers.split(',').filter(|host| !host.is_empty()) {
        hosts += 1;
        let Some((host, port)) = host.rsplit_once(':') else {
            return Some(false); // "no port"
        };
        // strtol(port, &end, 0) must take the whole rest, and not be 0;
        // only plain decimal ports are modelled.
        if port.is_empty() {
            return Some(false);
        }
        if port.bytes().all(|b| b.is_ascii_digit()) {
            match port.parse::<u64>() {
                Ok(0) => return Some(false),
                Ok(1..=65535) => {}
                _ => judged = None,
            }
        } else {
            judged = None;
        }
        // getaddrinfo(host): leading whitespace is skipped first.
        let host = host.trim_start_matches(c_space);
        if host.is_empty() {
            return Some(false);
        }
        if host.parse::<std::net::IpAddr>().is_err() {
            judged = None;
        }
    }
    if hosts == 0 {
        return Some(false); // no address: zookeeper_init has none to try
    }
    judged
}

/// Mesos's `roles::validate` (src/common/roles.cpp).
pub fn mesos_role_is_valid(role: &str) -> bool {
    if role == "*" {
        return true;
    }
    if role.starts_with('/') || role.ends_with('/') || role.contains("//") {
        return false;
    }
    // strings::tokenize drops empty tokens; none is empty here but "".
    let components: Vec<&str> = role.split('/').filter(|c| !c.is_empty()).collect();
    if components.is_empty() {
        return false;
    }
    components.iter().all(|component| {
        !matches!(*component, "." | ".." | "*")
            && !component.starts_with('-')
            && !component.contains(['\t', '\n', '\x0b', '\x0c', '\r', ' ', '\x7f'])
    })
}

/// The ZooKeeper C client's `isValidPath` (zookeeper.c, 3.4), which every
/// operation on a znode runs first: absolute, no empty, `.` or `..`
/// component, no trailing '/', no NUL (C strings end there) and no
/// control character (`c > 0x00 && c < 0x1f`; the `0x7f`-`0x9f` half of
/// that test never holds for x86's signed `char`).
pub fn zookeeper_path_is_valid(path: &str) -> bool {
    if !path.starts_with('/') {
        return false;
    }
    if path == "/" {
        return true;
    }
    if path.ends_with('/') || path.bytes().any(|b| b == 0 || (b > 0 && b < 0x1f)) {
        return false;
    }
    path[1..]
        .split('/')
        .all(|component| !matches!(component, "" | "." | ".."))
}
