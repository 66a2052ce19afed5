//! Round trips of protobuf bytes captured from a real Mesos cluster
//! (`tests/data/real-mesos`, made with `tools/src/bin/capture_test_data.rs`
//! against the reference cluster after `reserve_cluster`). Decoding with
//! our schema and encoding again must give back the very same bytes: a
//! field missing from the schema would be dropped by prost and show up
//! here as a difference.

use std::path::Path;

use mesos_native::proto::{FrameworkId, MasterInfo, Offer, TaskStatus};
use prost::Message;

fn round_trip<M: Message + Default>(name: &str, bytes: &[u8]) -> M {
    let message = M::decode(bytes).unwrap_or_else(|e| panic!("{name} does not decode: {e}"));
    assert_eq!(
        message.encode_to_vec(),
        bytes,
        "{name} changed in a decode/encode round trip"
    );
    message
}

fn captured() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real-mesos");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&path).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn real_mesos_messages_round_trip_byte_for_byte() {
    let files = captured();
    assert!(
        files.iter().any(|(name, _)| name.starts_with("offer_")),
        "no captured offers"
    );
    for (name, bytes) in &files {
        match name.as_str() {
            "framework_id.bin" => {
                round_trip::<FrameworkId>(name, bytes);
            }
            "master_info.bin" => {
                let master: MasterInfo = round_trip(name, bytes);
                assert!(
                    master.version.is_some(),
                    "a real master reports its version"
                );
            }
            "task_status.bin" => {
                let status: TaskStatus = round_trip(name, bytes);
                assert_eq!(status.task_id.value, "no-such-task");
            }
            offer if offer.starts_with("offer_") => {
                round_trip::<Offer>(name, bytes);
            }
            other if other.ends_with(".bin") => panic!("unexpected capture {other}"),
            _ => {}
        }
    }
}

#[test]
fn captured_offers_carry_refinable_reservations() {
    // The capture ran against the reference cluster: the framework in
    // tenant1/private/test-framework was offered resources reserved to
    // tenant1/private (a two-level stack) with allocation info.
    let offers: Vec<Offer> = captured()
        .into_iter()
        .filter(|(name, _)| name.starts_with("offer_"))
        .map(|(_, bytes)| Offer::decode(&bytes[..]).unwrap())
        .collect();
    let resources = mesos_native::Resources::from(
        offers
            .iter()
            .flat_map(|o| o.resources.clone())
            .collect::<Vec<_>>(),
    );
    let private = resources.reserved(Some("tenant1/private"));
    assert!(
        !private.is_empty(),
        "no tenant1/private reservation in {resources}"
    );
    for resource in private.iter() {
        assert_eq!(resource.reservations.len(), 2, "{resource:?}");
        assert_eq!(
            resource
                .allocation_info
                .as_ref()
                .and_then(|a| a.role.as_deref()),
            Some("tenant1/private/test-framework")
        );
    }
    assert!(private
        .refine("tenant1/private/test-framework", None)
        .is_ok());
}
