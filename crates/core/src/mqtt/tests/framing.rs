//! Framing: truncated, coalesced and byte-by-byte input, and every possible
//! first byte.

use crate::mqtt::packet::vectors::{all, Vector};
use crate::mqtt::{decode, Error, Packet, PacketType, ProtocolVersion};

const VERSIONS: [ProtocolVersion; 3] = [
    ProtocolVersion::V3_1,
    ProtocolVersion::V3_1_1,
    ProtocolVersion::V5,
];

#[test]
fn there_is_a_vector_for_every_packet_type_in_both_versions() {
    let vectors = all();
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        for nibble in 1..=15u8 {
            let kind = PacketType::from_nibble(nibble).unwrap();
            if kind == PacketType::Auth && !version.is_v5() {
                continue;
            }
            assert!(
                vectors
                    .iter()
                    .any(|v| v.version == version && v.packet.packet_type() == kind),
                "no {version} vector for {kind}"
            );
        }
    }
    assert!(vectors.iter().any(|v| v.version == ProtocolVersion::V3_1));
}

#[test]
fn every_strict_prefix_of_every_vector_needs_more_bytes() {
    for v in all() {
        let first = v.first();
        for k in 0..first.len() {
            assert_eq!(
                decode(&first[..k], usize::MAX, v.version),
                Ok(None),
                "{}: prefix of {k} bytes",
                v.name
            );
        }
    }
}

/// Splits `stream` into chunks of `sizes` (cycled), appends each to a
/// buffer the way bytes arrive from a socket, and decodes whatever is whole.
fn decode_in_chunks(stream: &[u8], sizes: &[usize], version: ProtocolVersion) -> Vec<Packet> {
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut rest = stream;
    let mut i = 0;
    while !rest.is_empty() {
        let n = sizes[i % sizes.len()].min(rest.len());
        i += 1;
        buf.extend_from_slice(&rest[..n]);
        rest = &rest[n..];
        while let Some((p, used)) = decode(&buf, usize::MAX, version).expect("valid stream") {
            out.push(p);
            buf.drain(..used);
        }
    }
    assert!(buf.is_empty(), "bytes left over");
    out
}

#[test]
fn all_vectors_of_a_version_in_one_stream_decode_in_order_whatever_the_chunking() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let vectors: Vec<Vector> = all().into_iter().filter(|v| v.version == version).collect();
        let stream: Vec<u8> = vectors.iter().flat_map(|v| v.bytes.clone()).collect();
        let expected: Vec<Packet> = vectors
            .iter()
            .flat_map(|v| [v.packet.clone(), v.next.clone()])
            .collect();
        for sizes in [&[usize::MAX][..], &[1], &[2, 3], &[7, 1, 13], &[64]] {
            assert_eq!(
                decode_in_chunks(&stream, sizes, version),
                expected,
                "{version} {sizes:?}"
            );
        }
    }
}

/// What the specification says about a first byte alone.
fn expected_for_first_byte(byte: u8, version: ProtocolVersion) -> Result<PacketType, Error> {
    let nibble = byte >> 4;
    let flags = byte & 0x0F;
    let kind = match nibble {
        0 => {
            return Err(Error::ReservedPacketType {
                packet_type: 0,
                version,
            })
        }
        15 if !version.is_v5() => {
            return Err(Error::ReservedPacketType {
                packet_type: 15,
                version,
            })
        }
        n => PacketType::from_nibble(n).unwrap(),
    };
    let ok = match kind {
        PacketType::Publish => {
            let qos = (flags >> 1) & 3;
            if qos == 3 {
                return Err(Error::InvalidQos(3));
            }
            if qos == 0 && flags & 8 != 0 {
                return Err(Error::DupWithQos0);
            }
            true
        }
        PacketType::PubRel | PacketType::Subscribe | PacketType::Unsubscribe => flags == 0b0010,
        _ => flags == 0,
    };
    if ok {
        Ok(kind)
    } else {
        Err(Error::InvalidFixedHeaderFlags {
            packet: kind,
            flags,
        })
    }
}

#[test]
fn every_first_byte_needs_more_bytes_or_is_the_specific_error() {
    let mut valid = 0;
    for version in VERSIONS {
        for byte in 0..=255u8 {
            let got = decode(&[byte], usize::MAX, version);
            match expected_for_first_byte(byte, version) {
                Err(e) => assert_eq!(got, Err(e), "{byte:#04x} {version}"),
                Ok(kind) => {
                    valid += 1;
                    assert_eq!(got, Ok(None), "{byte:#04x} {version}");
                    // With a Remaining Length of 0 the packet is complete:
                    // only the packets that may be empty decode.
                    let empty = decode(&[byte, 0], usize::MAX, version);
                    let may_be_empty = matches!(
                        kind,
                        PacketType::PingReq
                            | PacketType::PingResp
                            | PacketType::Disconnect
                            | PacketType::Auth
                    );
                    if may_be_empty {
                        assert!(
                            matches!(empty, Ok(Some((_, 2)))),
                            "{byte:#04x} {version}: {empty:?}"
                        );
                    } else {
                        assert!(empty.is_err(), "{byte:#04x} {version}: {empty:?}");
                    }
                }
            }
        }
    }
    // Per version: 13 types with fixed flags plus 10 valid PUBLISH flag sets
    // (16, minus 4 with QoS 3 and 2 with DUP on QoS 0); 5.0 adds AUTH.
    assert_eq!(valid, 23 + 23 + 24);
}

#[test]
fn a_too_large_packet_is_reported_from_its_fixed_header() {
    // A PUBLISH announcing 1,000,000 bytes: refused before they arrive.
    let header = [0x30, 0xC0, 0x84, 0x3D];
    assert_eq!(
        decode(&header, 1024, ProtocolVersion::V3_1_1),
        Err(Error::PacketTooLarge {
            size: 1_000_004,
            max: 1024
        })
    );
    // The limit counts the whole packet, fixed header included.
    let ping = [0xC0, 0x00];
    assert_eq!(
        decode(&ping, 1, ProtocolVersion::V5),
        Err(Error::PacketTooLarge { size: 2, max: 1 })
    );
    assert_eq!(
        decode(&ping, 2, ProtocolVersion::V5),
        Ok(Some((Packet::PingReq, 2)))
    );
}

#[test]
fn remaining_length_must_be_short_and_minimal() {
    let v = ProtocolVersion::V3_1_1;
    assert_eq!(
        decode(&[0x30, 0xFF, 0xFF, 0xFF, 0xFF], usize::MAX, v),
        Err(Error::MalformedRemainingLength)
    );
    assert_eq!(decode(&[0x30, 0xFF, 0xFF, 0xFF], usize::MAX, v), Ok(None));
    assert_eq!(
        decode(&[0xC0, 0x80, 0x00], usize::MAX, v),
        Err(Error::NonMinimalVarInt { value: 0, len: 2 })
    );
    // The largest Remaining Length is fine (and needs more bytes).
    assert_eq!(
        decode(&[0x30, 0xFF, 0xFF, 0xFF, 0x7F], usize::MAX, v),
        Ok(None)
    );
}
