//! Feeds arbitrary bytes to `mqtt::decode` for every protocol version with a
//! small packet-size limit. Besides "never panics", checks that whatever
//! decodes re-encodes and decodes back to the same packet.
#![no_main]

use iotda_core::mqtt::{decode, ProtocolVersion};
use libfuzzer_sys::fuzz_target;

const MAX_PACKET_SIZE: usize = 4096;

fuzz_target!(|data: &[u8]| {
    for version in [
        ProtocolVersion::V3_1,
        ProtocolVersion::V3_1_1,
        ProtocolVersion::V5,
    ] {
        let Ok(Some((packet, used))) = decode(data, MAX_PACKET_SIZE, version) else {
            continue;
        };
        assert!(used <= data.len() && used <= MAX_PACKET_SIZE);
        let mut bytes = Vec::new();
        if let Err(e) = packet.encode(version, &mut bytes) {
            panic!("decoded {packet:?} with {version} but cannot encode it: {e}");
        }
        let again = decode(&bytes, usize::MAX, version);
        assert_eq!(again, Ok(Some((packet, bytes.len()))), "{version}");
    }
});
