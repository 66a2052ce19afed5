//! v1 scheduler events from a real master, round-tripped byte for byte:
//! decoding with our `mesos.v1` schema and encoding again must give the
//! same bytes (a field missing from the schema would be dropped by prost
//! and show up as a difference).
//!
//! Two sources:
//! - `tests/data/real-mesos-v1/*.bin`, committed, checked on every machine;
//! - live, against a loopback cluster (gated like the other real-cluster
//!   tests): the test subscribes over the master's HTTP scheduler API with
//!   protobuf (the wire libmesos's v1 library speaks), reads the RecordIO
//!   stream, and checks each event. `MESOS_CAPTURE_V1=1` also writes them
//!   to the data directory, to refresh the committed copies.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::{require_mesos, Cluster};
use mesos_native::proto::v1::scheduler::{call, event, Call, Event};
use mesos_native::proto::v1::FrameworkInfo;
use prost::Message;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real-mesos-v1")
}

fn round_trip(name: &str, bytes: &[u8]) -> Event {
    let event = Event::decode(bytes).unwrap_or_else(|e| panic!("{name} does not decode: {e}"));
    assert_eq!(
        event.encode_to_vec(),
        bytes,
        "{name} changed in a decode/encode round trip"
    );
    event
}

#[test]
fn committed_v1_events_round_trip_byte_for_byte() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .unwrap_or_else(|e| panic!("{}: {e}", data_dir().display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "bin"))
        .collect();
    files.sort();
    let types: Vec<event::Type> = files
        .iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            round_trip(&name, &std::fs::read(path).unwrap()).r#type()
        })
        .collect();
    assert!(types.contains(&event::Type::Subscribed), "{types:?}");
    assert!(types.contains(&event::Type::Offers), "{types:?}");
}

/// The events a real master sends a new v1 framework, until it has seen a
/// SUBSCRIBED, an OFFERS and a HEARTBEAT (or `limit` events).
fn subscribe_over_http(master: &str, limit: usize) -> Vec<Vec<u8>> {
    let mut framework_call = Call::default();
    framework_call.set_type(call::Type::Subscribe);
    framework_call.subscribe = Some(call::Subscribe {
        framework_info: FrameworkInfo {
            user: "root".into(),
            name: "v1 byte capture".into(),
            ..Default::default()
        },
        ..Default::default()
    });
    let body = framework_call.encode_to_vec();
    let mut stream = TcpStream::connect(master).expect("connect to the master");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        stream,
        "POST /api/v1/scheduler HTTP/1.1\r\nHost: {master}\r\n\
         Content-Type: application/x-protobuf\r\nAccept: application/x-protobuf\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(&body).unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.contains(" 200 "), "the master answered {line:?}");
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
    }
    // A chunked body holding RecordIO: "<length>\n<record>" after "<length>\n".
    let mut records = RecordIo::default();
    let mut events = Vec::new();
    let mut seen = (false, false, false);
    while events.len() < limit && !(seen.0 && seen.1 && seen.2) {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let size = usize::from_str_radix(line.trim(), 16).expect("a chunk size");
        let mut chunk = vec![0; size + 2];
        reader.read_exact(&mut chunk).unwrap();
        chunk.truncate(size);
        for record in records.feed(&chunk) {
            let event = Event::decode(record.as_slice()).expect("an event");
            eprintln!("event {}: {:?}", events.len(), event.r#type());
            match event.r#type() {
                event::Type::Subscribed => seen.0 = true,
                event::Type::Offers => seen.1 = true,
                event::Type::Heartbeat => seen.2 = true,
                _ => {}
            }
            events.push(record);
        }
    }
    events
}

/// Splits a RecordIO byte stream into records, across chunk boundaries.
#[derive(Default)]
struct RecordIo {
    buffer: Vec<u8>,
}

impl RecordIo {
    fn feed(&mut self, bytes: &[u8]) -> Vec<Vec<u8>> {
        self.buffer.extend_from_slice(bytes);
        let mut records = Vec::new();
        loop {
            let Some(newline) = self.buffer.iter().position(|b| *b == b'\n') else {
                return records;
            };
            let length: usize = std::str::from_utf8(&self.buffer[..newline])
                .unwrap()
                .parse()
                .expect("a RecordIO length");
            if self.buffer.len() < newline + 1 + length {
                return records;
            }
            records.push(self.buffer[newline + 1..newline + 1 + length].to_vec());
            self.buffer.drain(..newline + 1 + length);
        }
    }
}

#[test]
fn live_v1_events_from_a_real_master_round_trip_byte_for_byte() {
    let Some(install) = require_mesos("live_v1_events_from_a_real_master_round_trip_byte_for_byte")
    else {
        return;
    };
    let cluster = Cluster::start(&install, 1, "cpus:1;mem:512;disk:100");
    let events = subscribe_over_http(&cluster.master, 20);
    let capture = std::env::var("MESOS_CAPTURE_V1").as_deref() == Ok("1");
    for (index, bytes) in events.iter().enumerate() {
        let event = round_trip(&format!("event {index}"), bytes);
        if capture {
            let name = format!("event_{index}_{:?}.bin", event.r#type()).to_lowercase();
            std::fs::create_dir_all(data_dir()).unwrap();
            std::fs::write(data_dir().join(name), bytes).unwrap();
        }
    }
    let types: Vec<event::Type> = events
        .iter()
        .map(|bytes| Event::decode(bytes.as_slice()).unwrap().r#type())
        .collect();
    assert!(types.contains(&event::Type::Subscribed), "{types:?}");
    assert!(types.contains(&event::Type::Offers), "{types:?}");
}
