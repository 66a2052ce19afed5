//! The two fields a v1 status update needs that the standard library can
//! make: a random 16-byte UUID (version 4, as Mesos's own `id::UUID`
//! makes) and the time in seconds since the epoch.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A random version-4 UUID, as its 16 bytes. Random enough to be unique
/// (SipHash under the process's random keys, of a counter and the time);
/// not for secrets.
pub(crate) fn random() -> [u8; 16] {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let keys = RandomState::new();
    let mut bytes = [0u8; 16];
    for (half, chunk) in bytes.chunks_mut(8).enumerate() {
        let mut hasher = keys.build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        hasher.write_u128(now_nanos());
        hasher.write_usize(half);
        chunk.copy_from_slice(&hasher.finish().to_le_bytes());
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    bytes
}

/// Seconds since the epoch, as `TaskStatus.timestamp` holds them.
pub(crate) fn now_seconds() -> f64 {
    now_nanos() as f64 / 1e9
}

fn now_nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn uuids_are_version_4_and_differ() {
        let (a, b) = (super::random(), super::random());
        assert_ne!(a, b);
        assert_eq!(a[6] >> 4, 4);
        assert_eq!(a[8] >> 6, 0b10);
    }
}
