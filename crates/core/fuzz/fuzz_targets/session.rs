//! Feeds arbitrary bytes, in arbitrary slices and with the clock moving, to
//! a session waiting for CONNACK or already connected, in MQTT 3.1.1 and
//! 5.0. Besides "never panics", checks that everything the session writes
//! is a valid packet.
#![no_main]

use iotda_core::mqtt::session::{Instant, Options, Session};
use iotda_core::mqtt::{decode, ConnAck, ConnectReasonCode, Packet, ProtocolVersion};
use libfuzzer_sys::fuzz_target;

/// Every packet in `bytes` must decode.
fn check_written(bytes: &[u8], version: ProtocolVersion) {
    let mut rest = bytes;
    while !rest.is_empty() {
        match decode(rest, usize::MAX, version) {
            Ok(Some((_, used))) => rest = &rest[used..],
            other => panic!("the session wrote {rest:?}: {other:?}"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, data)) = data.split_first() else {
        return;
    };
    let version = if control & 1 == 0 {
        ProtocolVersion::V3_1_1
    } else {
        ProtocolVersion::V5
    };
    let mut options = Options::new("fuzz");
    options.version = version;
    options.keep_alive = 5;
    let Ok(mut session) = Session::new(options, u64::from(control)) else {
        return;
    };
    let mut now = 0u64;
    session.connect(Instant::from_millis(now));
    session.handle_connected(Instant::from_millis(now));
    if control & 2 != 0 {
        let mut connack = Vec::new();
        if Packet::from(ConnAck::new(ConnectReasonCode::Success))
            .encode(version, &mut connack)
            .is_ok()
        {
            session.handle_bytes(Instant::from_millis(now), &connack);
        }
    }
    // Each chunk: one byte giving its length (and a clock step), then the bytes.
    let mut rest = data;
    while let Some((&len, tail)) = rest.split_first() {
        let n = usize::from(len & 0x3F).min(tail.len());
        let (chunk, tail) = tail.split_at(n);
        rest = tail;
        now += u64::from(len >> 6) * 2_500;
        let t = Instant::from_millis(now);
        session.handle_bytes(t, chunk);
        session.handle_timeout(t);
        if let Some(bytes) = session.poll_transmit() {
            check_written(&bytes, version);
        }
        while session.poll_event().is_some() {}
        while session.poll_transport().is_some() {}
        let _ = session.poll_timeout();
    }
});
