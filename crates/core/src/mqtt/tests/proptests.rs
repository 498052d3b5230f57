//! Property tests: encode -> decode is the identity for every valid packet
//! of every version, and no input makes `decode` panic.

use proptest::collection::vec;
use proptest::prelude::*;

use super::strategies::packet;
use crate::mqtt::{decode, Packet, ProtocolVersion};

/// Encodes, decodes and compares; also every strict prefix needs more bytes.
fn round_trip(p: &Packet, version: ProtocolVersion) -> Result<(), TestCaseError> {
    let mut buf = vec![0xAB];
    p.encode(version, &mut buf)
        .map_err(|e| TestCaseError::fail(format!("{e}: {p:?}")))?;
    let bytes = &buf[1..];
    let decoded = decode(bytes, usize::MAX, version);
    prop_assert_eq!(decoded, Ok(Some((p.clone(), bytes.len()))));
    for k in [0, 1, bytes.len() / 2, bytes.len() - 1] {
        prop_assert_eq!(decode(&bytes[..k], usize::MAX, version), Ok(None));
    }
    Ok(())
}

/// For any input: no panic, and whatever decodes re-encodes to bytes that
/// decode to the same packet.
fn never_panics(bytes: &[u8], max: usize, version: ProtocolVersion) -> Result<(), TestCaseError> {
    if let Ok(Some((p, n))) = decode(bytes, max, version) {
        prop_assert!(n <= bytes.len() && n <= max);
        let mut again = Vec::new();
        p.encode(version, &mut again)
            .map_err(|e| TestCaseError::fail(format!("{e}: {p:?}")))?;
        prop_assert_eq!(
            decode(&again, usize::MAX, version),
            Ok(Some((p, again.len())))
        );
    }
    Ok(())
}

proptest! {
    #[test]
    fn round_trip_v3_1(p in packet(ProtocolVersion::V3_1)) {
        round_trip(&p, ProtocolVersion::V3_1)?;
    }

    #[test]
    fn round_trip_v3_1_1(p in packet(ProtocolVersion::V3_1_1)) {
        round_trip(&p, ProtocolVersion::V3_1_1)?;
    }

    #[test]
    fn round_trip_v5(p in packet(ProtocolVersion::V5)) {
        round_trip(&p, ProtocolVersion::V5)?;
    }

    #[test]
    fn random_bytes_never_panic(bytes in vec(any::<u8>(), 0..64), max in 0usize..128) {
        for version in [ProtocolVersion::V3_1, ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
            never_panics(&bytes, max, version)?;
        }
    }

    /// Random bytes rarely get past the first checks; damaged valid packets do.
    #[test]
    fn damaged_packets_never_panic(
        p in packet(ProtocolVersion::V5),
        edits in vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
            let mut bytes = Vec::new();
            if p.encode(version, &mut bytes).is_err() {
                continue; // a 5.0-only packet
            }
            for (i, b) in &edits {
                let at = i.index(bytes.len());
                bytes[at] = *b;
            }
            never_panics(&bytes, usize::MAX, version)?;
            never_panics(&bytes[..cut.index(bytes.len() + 1)], usize::MAX, version)?;
        }
    }
}
