//! The byte interface: packets split across reads or coalesced in one, at
//! every boundary, and hostile bytes.

use proptest::collection::vec;
use proptest::prelude::*;

use super::*;
use crate::mqtt::{Publish, QosPid};

/// What a broker sends right after CONNECT: CONNACK, then three messages
/// (QoS 1, QoS 2, QoS 0), one with a payload long enough for a two-byte
/// Remaining Length.
fn broker_stream(version: ProtocolVersion) -> Vec<u8> {
    let packets = [
        Packet::ConnAck(ConnAck::new(ConnectReasonCode::Success)),
        Packet::Publish(Publish::new(
            topic("a/1"),
            QosPid::AtLeastOnce(pid(1)),
            b"one".to_vec(),
        )),
        Packet::Publish(Publish::new(
            topic("a/2"),
            QosPid::ExactlyOnce(pid(2)),
            vec![b'x'; 200],
        )),
        Packet::Publish(Publish::new(topic("a/0"), QosPid::AtMostOnce, vec![])),
    ];
    packets.iter().flat_map(|p| encode(p, version)).collect()
}

/// Feeds `chunks` to a session that has just written CONNECT; what it
/// reported and wrote.
fn run<'a>(
    version: ProtocolVersion,
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> (Vec<Event>, Vec<Packet>) {
    let mut h = Harness::new(options(version));
    h.open();
    for chunk in chunks {
        h.s.handle_bytes(h.at(), chunk);
    }
    (h.events(), h.sent())
}

#[test]
fn the_whole_stream_at_once_is_four_packets() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let stream = broker_stream(version);
        let (events, sent) = run(version, [&stream[..]]);
        assert_eq!(events.len(), 4, "{events:?}");
        assert!(matches!(events[0], Event::Connected(_)));
        assert!(matches!(&events[2], Event::Message(m) if m.payload.len() == 200));
        assert_eq!(sent.len(), 2, "PUBACK and PUBREC: {sent:?}");
    }
}

#[test]
fn a_split_at_every_byte_boundary_gives_the_same_result() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let stream = broker_stream(version);
        let whole = run(version, [&stream[..]]);
        for i in 0..=stream.len() {
            let (head, tail) = stream.split_at(i);
            assert_eq!(run(version, [head, tail]), whole, "{version}, split at {i}");
        }
    }
}

#[test]
fn two_splits_at_every_pair_of_boundaries_give_the_same_result() {
    let version = ProtocolVersion::V3_1_1;
    let stream = broker_stream(version);
    let whole = run(version, [&stream[..]]);
    // The long payload adds nothing here but time; leave it out.
    let short = &stream[..stream.len() - 2];
    let whole_short = run(version, [short]);
    assert_eq!(whole_short.0.len(), 3);
    for i in 0..=short.len() {
        for j in i..=short.len() {
            let chunks = [&short[..i], &short[i..j], &short[j..]];
            assert_eq!(run(version, chunks), whole_short, "splits at {i} and {j}");
        }
    }
    assert_eq!(run(version, stream.chunks(1)), whole);
}

#[test]
fn one_byte_at_a_time_gives_the_same_result() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let stream = broker_stream(version);
        assert_eq!(run(version, stream.chunks(1)), run(version, [&stream[..]]));
    }
}

/// A server packet a connected client may receive at any time.
fn server_packet() -> impl Strategy<Value = Packet> {
    prop_oneof![
        (vec(any::<u8>(), 0..300), "[a-z]{1,8}").prop_map(|(payload, t)| {
            Packet::Publish(Publish::new(topic(&t), QosPid::AtMostOnce, payload))
        }),
        (vec(any::<u8>(), 0..40), 1..=u16::MAX).prop_map(|(payload, n)| {
            Packet::Publish(Publish::new(
                topic("q1"),
                QosPid::AtLeastOnce(pid(n)),
                payload,
            ))
        }),
        (vec(any::<u8>(), 0..40), 1..=u16::MAX).prop_map(|(payload, n)| {
            Packet::Publish(Publish::new(
                topic("q2"),
                QosPid::ExactlyOnce(pid(n)),
                payload,
            ))
        }),
        (1..=u16::MAX).prop_map(|n| Packet::PubRel(crate::mqtt::PubRel::new(pid(n)))),
        Just(Packet::PingResp),
    ]
}

fn version() -> impl Strategy<Value = ProtocolVersion> {
    prop_oneof![Just(ProtocolVersion::V3_1_1), Just(ProtocolVersion::V5)]
}

/// Cuts `bytes` into chunks of the given sizes (cycled; 0 means 1).
fn chunked<'a>(bytes: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    let mut chunks = Vec::new();
    let mut rest = bytes;
    let mut sizes = sizes.iter().cycle();
    while !rest.is_empty() {
        let n = sizes.next().copied().unwrap_or(1).clamp(1, rest.len());
        let (head, tail) = rest.split_at(n);
        chunks.push(head);
        rest = tail;
    }
    chunks
}

proptest! {
    /// However a valid stream is cut into reads, the session sees the same
    /// packets: the same events, the same answers.
    #[test]
    fn any_chunking_of_a_valid_stream_gives_the_same_result(
        version in version(),
        packets in vec(server_packet(), 0..12),
        sizes in vec(0usize..64, 1..8),
    ) {
        let mut stream = encode(&Packet::ConnAck(ConnAck::new(ConnectReasonCode::Success)), version);
        for p in &packets {
            stream.extend(encode(p, version));
        }
        let whole = run(version, [&stream[..]]);
        prop_assert!(!whole.0.is_empty());
        prop_assert_eq!(run(version, chunked(&stream, &sizes)), whole);
    }

    /// Hostile bytes, before or after CONNACK, in any slicing and with the
    /// clock moving, never make the session panic, and whatever it writes is
    /// valid MQTT.
    #[test]
    fn hostile_bytes_never_panic(
        version in version(),
        connected in any::<bool>(),
        garbage in vec(any::<u8>(), 0..512),
        sizes in vec(0usize..64, 1..8),
        ticks in vec(0u64..30_000, 0..8),
    ) {
        let mut h = if connected {
            Harness::connected(options(version))
        } else {
            let mut h = Harness::new(options(version));
            h.open();
            h
        };
        let mut ticks = ticks.into_iter();
        for chunk in chunked(&garbage, &sizes) {
            h.s.handle_bytes(h.at(), chunk);
            if let Some(dt) = ticks.next() {
                h.advance_to(h.now + dt);
            }
            h.sent();
            h.events();
            h.actions();
            let _ = h.s.poll_timeout();
        }
    }

    /// A valid stream followed by garbage: everything before the garbage is
    /// handled, then the connection is closed for a typed reason.
    #[test]
    fn valid_packets_then_garbage(
        version in version(),
        packets in vec(server_packet(), 0..6),
        garbage in vec(any::<u8>(), 1..64),
    ) {
        let mut h = Harness::connected(options(version));
        let mut stream = Vec::new();
        for p in &packets {
            stream.extend(encode(p, version));
        }
        stream.extend(&garbage);
        h.s.handle_bytes(h.at(), &stream);
        let _ = h.sent();
        let expected = |e: &Event| matches!(e, Event::Message(_) | Event::ConnectionLost { .. });
        prop_assert!(h.events().iter().all(expected));
    }
}
