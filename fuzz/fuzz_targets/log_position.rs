//! `Position::from_identity` on any bytes (an identity a framework stored,
//! read back): exactly the 8-byte ones are positions, the identity round
//! trips, and positions order as their identities do (big-endian), which
//! is libmesos's order. Anything else is `InvalidArgument`, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mesos_native::log::Position;
use mesos_native::Error;

fuzz_target!(|data: &[u8]| {
    let (left, right) = data.split_at(data.len().min(8));
    match Position::from_identity(data) {
        Ok(position) => {
            assert_eq!(data.len(), 8);
            assert_eq!(position.identity(), data);
            assert_eq!(Position::from_value(position.value()), position);
        }
        Err(Error::InvalidArgument { .. }) => assert_ne!(data.len(), 8),
        Err(other) => panic!("unexpected error {other:?}"),
    }
    // Two identities from one input: their order is the positions' order.
    if let (Ok(a), Ok(b)) = (
        Position::from_identity(left),
        Position::from_identity(right),
    ) {
        assert_eq!(a.cmp(&b), left.cmp(right));
    }
});
