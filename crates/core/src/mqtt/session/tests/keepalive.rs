//! Keep alive: pings when idle, the dead-connection timeout, the connect
//! timeout, and `poll_timeout`.

use std::time::Duration;

use super::*;
use crate::mqtt::{Publish, QosPid};

fn t(ms: u64) -> Option<Instant> {
    Some(Instant::from_millis(ms))
}

#[test]
fn an_idle_connection_pings_after_keep_alive_and_reports_the_pong() {
    let mut h = Harness::connected(options(ProtocolVersion::V3_1_1));
    assert_eq!(h.s.poll_timeout(), t(10_000));
    h.advance_to(9_999);
    assert_eq!(h.sent(), []);
    h.advance_to(10_000);
    assert_eq!(h.sent(), [Packet::PingReq]);
    // One ping at a time; now only the dead-connection deadline runs.
    assert_eq!(h.s.poll_timeout(), t(15_000));
    h.advance_to(12_000);
    assert_eq!(h.sent(), []);
    h.now = 10_040;
    h.feed(Packet::PingResp);
    assert_eq!(
        h.event(),
        Event::Pong {
            round_trip: Duration::from_millis(40)
        }
    );
    assert_eq!(h.s.poll_timeout(), t(20_000));
}

#[test]
fn traffic_both_ways_postpones_the_ping_and_one_way_does_not() {
    let mut h = Harness::connected(options(ProtocolVersion::V3_1_1));
    h.now = 3_000;
    h.s.publish(h.at(), message("t", QoS::AtMostOnce, "x"))
        .unwrap();
    assert_eq!(h.sent().len(), 1);
    // The client sent, but has not heard from the server since 0.
    assert_eq!(h.s.poll_timeout(), t(10_000));
    h.now = 6_000;
    h.feed(Publish::new(topic("in"), QosPid::AtMostOnce, vec![]));
    assert_eq!(h.s.poll_timeout(), t(13_000));
    h.s.publish(h.at(), message("t", QoS::AtMostOnce, "x"))
        .unwrap();
    assert_eq!(h.sent().len(), 1);
    assert_eq!(h.s.poll_timeout(), t(16_000));
    h.advance_to(15_999);
    assert_eq!(h.sent(), []);
    h.advance_to(16_000);
    assert_eq!(h.sent(), [Packet::PingReq]);
}

#[test]
fn silence_for_one_and_a_half_keep_alives_is_a_lost_connection() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let mut h = Harness::connected(options(version));
        h.advance_to(10_000);
        assert_eq!(h.sent(), [Packet::PingReq]);
        h.advance_to(14_999);
        assert_eq!(h.events(), []);
        h.advance_to(15_000);
        let Event::ConnectionLost {
            cause,
            reconnect_at,
        } = h.event()
        else {
            panic!("expected ConnectionLost");
        };
        assert_eq!(cause, LostCause::KeepAliveTimeout(Duration::from_secs(15)));
        assert!(cause.to_string().contains("nothing received"), "{cause}");
        assert!(reconnect_at.is_some_and(|at| at > h.at()));
        assert_eq!(h.actions(), [TransportAction::Close]);
        assert_eq!(h.sent(), [], "a dead connection gets no DISCONNECT");
        assert_eq!(h.s.state(), ConnectionState::Closing);
    }
}

#[test]
fn any_packet_from_the_server_shows_the_connection_is_alive() {
    let mut h = Harness::connected(options(ProtocolVersion::V3_1_1));
    h.advance_to(10_000);
    assert_eq!(h.sent(), [Packet::PingReq]);
    h.now = 14_000;
    h.feed(Publish::new(topic("in"), QosPid::AtMostOnce, vec![]));
    h.events();
    h.advance_to(15_000);
    assert_eq!(h.events(), []);
    assert_eq!(h.s.poll_timeout(), t(29_000));
}

#[test]
fn keep_alive_zero_runs_no_timer() {
    let mut o = options(ProtocolVersion::V3_1_1);
    o.keep_alive = 0;
    let mut h = Harness::connected(o);
    assert_eq!(h.s.poll_timeout(), None);
    h.advance_to(u64::MAX);
    assert_eq!(h.sent(), []);
    assert_eq!(h.events(), []);
}

#[test]
fn no_connack_or_no_transport_within_the_connect_timeout_is_a_lost_connection() {
    let mut o = options(ProtocolVersion::V3_1_1);
    o.connect_timeout = Duration::from_secs(5);
    let mut h = Harness::new(o.clone());
    h.open();
    assert_eq!(h.s.poll_timeout(), t(5_000));
    h.advance_to(4_999);
    assert_eq!(h.events(), []);
    h.advance_to(5_000);
    assert!(matches!(
        h.event(),
        Event::ConnectionLost {
            cause: LostCause::ConnectTimeout(d),
            reconnect_at: Some(_)
        } if d == Duration::from_secs(5)
    ));
    assert_eq!(h.actions(), [TransportAction::Close]);

    // The transport never opened.
    let mut h = Harness::new(o);
    h.s.connect(h.at());
    assert_eq!(h.actions(), [TransportAction::Open]);
    assert_eq!(h.s.state(), ConnectionState::Connecting);
    h.advance_to(5_000);
    assert!(matches!(
        h.event(),
        Event::ConnectionLost {
            cause: LostCause::ConnectTimeout(_),
            ..
        }
    ));
    assert_eq!(h.actions(), [TransportAction::Close]);
}

#[test]
fn time_going_backwards_makes_nothing_due() {
    let mut h = Harness::connected(options(ProtocolVersion::V3_1_1));
    h.now = 20_000;
    h.feed(Packet::PingResp);
    h.advance_to(5);
    assert_eq!(h.sent(), []);
    assert_eq!(h.events(), []);
    assert_eq!(h.s.state(), ConnectionState::Connected);
}
