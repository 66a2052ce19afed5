//! Finding the leading master through ZooKeeper, as libmesos's master
//! detector does: the masters' election group at the `zk://` path names
//! its leader, whose member data is its `MasterInfo`, in JSON (label
//! `json.info`, what masters write since Mesos 0.24) or, from older
//! masters, as a protobuf.

use std::time::Duration;

use prost::Message;

use super::address::{self, Origin};
use super::error::OperatorErrorKind;
use crate::error::Error;
use crate::proto::v1::MasterInfo;
use crate::zookeeper::ZooKeeper;

/// Looks up the leading master in `zookeeper`, waiting up to `timeout`
/// for one. Without libmesos this is [`Error::NativeUnavailable`].
pub(crate) fn leading_master(
    zookeeper: &ZooKeeper,
    scheme: &str,
    timeout: Duration,
) -> Result<Origin, LookupError> {
    let data = crate::election::leader_data(zookeeper, timeout).map_err(|error| match error {
        Error::NativeUnavailable { reason } => LookupError::Native(Error::NativeUnavailable {
            reason: format!(
                "a zk:// address is resolved by libmesos's leader detector, and {reason}; or \
                 give the address of a master (http://HOST:PORT): a master that does not lead \
                 redirects to the one that does"
            ),
        }),
        Error::TimedOut { after, .. } => LookupError::Kind(OperatorErrorKind::NoLeader {
            reason: format!(
                "no master leads there after {after:?}: is a master running with this --zk, \
                 and is ZooKeeper reachable?"
            ),
        }),
        other => LookupError::Kind(OperatorErrorKind::NoLeader {
            reason: other.to_string(),
        }),
    })?;
    let data = data.ok_or_else(|| {
        LookupError::Kind(OperatorErrorKind::NoLeader {
            reason: "nobody leads the masters' election".into(),
        })
    })?;
    let (host, port) = master_address(&data)
        .map_err(|reason| LookupError::Kind(OperatorErrorKind::NoLeader { reason }))?;
    Ok(address::leader_origin(scheme, &host, port))
}

/// Why no leader was found: an operator error, or a build without libmesos.
pub(crate) enum LookupError {
    Kind(OperatorErrorKind),
    Native(Error),
}

/// The host and port a master's election data names.
pub(crate) fn master_address(data: &[u8]) -> Result<(String, u16), String> {
    let info = match serde_json::from_slice::<serde_json::Value>(data) {
        Ok(json) => from_json(&json)?,
        Err(json_error) => MasterInfo::decode(data).map_err(|protobuf_error| {
            format!(
                "the leader's data in ZooKeeper is neither a JSON MasterInfo ({json_error}) nor a \
                 protobuf one ({protobuf_error})"
            )
        })?,
    };
    let port = info
        .address
        .as_ref()
        .and_then(|address| address.port.try_into().ok())
        .or_else(|| u16::try_from(info.port).ok())
        .filter(|port| *port != 0)
        .ok_or("the leading master's data in ZooKeeper has no port")?;
    // A master's own redirects name its hostname when it has one, else its
    // IP: do the same.
    let host = info
        .address
        .as_ref()
        .and_then(|address| address.hostname.clone().or_else(|| address.ip.clone()))
        .or(info.hostname.clone())
        .filter(|host| !host.is_empty())
        // `ip` holds the address's bytes in network order, read as a
        // little-endian number by the (x86) master that wrote it.
        .or_else(|| {
            (info.ip != 0).then(|| std::net::Ipv4Addr::from(info.ip.to_le_bytes()).to_string())
        })
        .ok_or("the leading master's data in ZooKeeper names neither a hostname nor an IP")?;
    Ok((host, port))
}

/// The fields of a JSON MasterInfo that locate the master.
fn from_json(json: &serde_json::Value) -> Result<MasterInfo, String> {
    let text = |value: &serde_json::Value| value.as_str().map(str::to_string);
    let number = |value: &serde_json::Value| value.as_u64().and_then(|n| u32::try_from(n).ok());
    if !json.is_object() {
        return Err(format!(
            "the leader's data in ZooKeeper is JSON but no MasterInfo object: {json}"
        ));
    }
    let address = json["address"]
        .is_object()
        .then(|| crate::proto::v1::Address {
            hostname: text(&json["address"]["hostname"]),
            ip: text(&json["address"]["ip"]),
            port: number(&json["address"]["port"]).map_or(0, |port| port as i32),
        });
    Ok(MasterInfo {
        id: text(&json["id"]).unwrap_or_default(),
        ip: number(&json["ip"]).unwrap_or(0),
        port: number(&json["port"]).unwrap_or(0),
        hostname: text(&json["hostname"]),
        address,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_master_info_names_its_host_and_port() {
        let data = br#"{"address":{"hostname":"master-1","ip":"10.0.0.1","port":5050},
            "hostname":"master-1","id":"1d7c","ip":16777226,"pid":"master@10.0.0.1:5050",
            "port":5050,"version":"1.11.0"}"#;
        assert_eq!(master_address(data).unwrap(), ("master-1".into(), 5050));

        let no_hostname = br#"{"address":{"ip":"10.0.0.1","port":5051},"ip":16777226,"port":5051}"#;
        assert_eq!(
            master_address(no_hostname).unwrap(),
            ("10.0.0.1".into(), 5051)
        );

        // Only the packed IP: 10.0.0.1, as an x86 master writes it.
        let packed = br#"{"ip":16777226,"port":5050}"#;
        assert_eq!(master_address(packed).unwrap(), ("10.0.0.1".into(), 5050));
    }

    #[test]
    fn a_protobuf_master_info_is_read_too() {
        let info = MasterInfo {
            id: "1d7c".into(),
            ip: 16777226,
            port: 5052,
            hostname: Some("master-2".into()),
            ..Default::default()
        };
        assert_eq!(
            master_address(&info.encode_to_vec()).unwrap(),
            ("master-2".into(), 5052)
        );
    }

    #[test]
    fn unreadable_data_is_an_error_not_a_panic() {
        for data in [
            &b"[1,2]"[..],
            b"{\"hostname\":\"m\"}",
            b"{\"port\":5050}",
            b"\xff\xfe garbage",
        ] {
            let error = master_address(data).unwrap_err();
            assert!(error.contains("ZooKeeper"), "{error}");
        }
    }
}
