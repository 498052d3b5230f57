//! CONNECT, CONNACK, refusals, options, warnings, disconnects, and protocol
//! violations.

use std::num::{NonZeroU16, NonZeroU32};

use super::*;
use crate::mqtt::{
    Auth, Disconnect, DisconnectReasonCode, Error as CodecError, Properties, PubAck, Publish,
    QosPid, SubAck, SubAckReasonCode, Subscribe, Will,
};

#[test]
fn connect_is_written_when_the_transport_opens_and_carries_the_options() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let mut o = options(version);
        o.username = Some("user".into());
        o.password = Some(Secret::from("pw"));
        o.clean_start = false;
        o.keep_alive = 45;
        o.will = Some(Will {
            topic: topic("will/t"),
            payload: b"gone".to_vec(),
            qos: QoS::AtLeastOnce,
            retain: true,
            properties: Properties::default(),
        });
        if version.is_v5() {
            o.session_expiry = Some(600);
        }
        let mut h = Harness::new(o.clone());
        assert_eq!(h.s.state(), ConnectionState::Disconnected);
        assert_eq!(h.s.poll_timeout(), None);
        assert_eq!(h.s.poll_transmit(), None);
        let connect = h.open();
        assert_eq!(h.s.state(), ConnectionState::Connecting);
        assert_eq!(connect.protocol, version);
        assert_eq!(connect.client_id, "client-1");
        assert_eq!(connect.username.as_deref(), Some("user"));
        assert_eq!(connect.password.as_deref(), Some(&b"pw"[..]));
        assert!(!connect.clean_start);
        assert_eq!(connect.keep_alive, 45);
        assert_eq!(connect.will, o.will);
        if version.is_v5() {
            assert_eq!(connect.properties.session_expiry_interval, Some(600));
            assert_eq!(
                connect.properties.maximum_packet_size,
                Some(Options::DEFAULT_MAX_PACKET_SIZE)
            );
        } else {
            assert!(connect.properties.is_empty());
        }
        // Waiting for CONNACK, for at most the connect timeout.
        assert_eq!(h.s.poll_timeout(), Some(Instant::from_millis(30_000)));
        h.connack(false);
        assert_eq!(
            h.event(),
            Event::Connected(Connected {
                session_present: false,
                keep_alive: 45,
                properties: Properties::default(),
            })
        );
        assert_eq!(h.s.state(), ConnectionState::Connected);
    }
}

#[test]
fn options_are_checked_when_the_session_is_made() {
    let mut o = options(ProtocolVersion::V3_1);
    o.client_id = String::new();
    assert_eq!(
        Session::new(o.clone(), 0).err(),
        Some(Error::ClientIdRequired(ProtocolVersion::V3_1))
    );
    o.client_id = "client-1".into();
    o.version = ProtocolVersion::V3_1_1;
    o.session_expiry = Some(5);
    assert_eq!(
        Session::new(o.clone(), 0).err(),
        Some(Error::Codec(CodecError::NotInVersion {
            feature: crate::text::keys::mqtt_codec::FEATURE_SESSION_EXPIRY_INTERVAL,
            version: ProtocolVersion::V3_1_1
        }))
    );
    o.session_expiry = None;
    o.password = Some(Secret::from("pw"));
    assert_eq!(
        Session::new(o.clone(), 0).err(),
        Some(Error::Codec(CodecError::PasswordWithoutUsername))
    );
    o.password = None;
    o.client_id = "a\0b".into();
    assert_eq!(
        Session::new(o, 0).err(),
        Some(Error::Codec(CodecError::NullCharacter {
            field: crate::text::keys::mqtt_codec::FIELD_CLIENT_IDENTIFIER
        }))
    );
}

#[test]
fn credentials_can_be_replaced_for_the_next_connect() {
    let mut h = Harness::new(options(ProtocolVersion::V3_1_1));
    assert_eq!(
        h.s.set_credentials(None, Some(Secret::from("pw"))),
        Err(Error::Codec(CodecError::PasswordWithoutUsername))
    );
    assert_eq!(
        h.s.options().password,
        None,
        "a refused change changes nothing"
    );
    h.s.set_credentials(Some("dev".into()), Some(Secret::from("new")))
        .unwrap();
    let connect = h.open();
    assert_eq!(connect.username.as_deref(), Some("dev"));
    assert_eq!(connect.password.as_deref(), Some(&b"new"[..]));
}

#[test]
fn debug_output_never_shows_the_password() {
    let mut o = options(ProtocolVersion::V3_1_1);
    o.username = Some("user".into());
    o.password = Some(Secret::from("s3cret-pa55"));
    let mut h = Harness::new(o);
    h.open();
    let debug = format!("{:?}", h.s);
    assert!(debug.contains("[elided]"), "{debug}");
    assert!(!debug.contains("s3cret-pa55"), "{debug}");
}

#[test]
fn iotda_mode_warns_when_keep_alive_is_outside_30_to_1200_seconds() {
    for (keep_alive, warned) in [
        (0, true),
        (29, true),
        (30, false),
        (120, false),
        (1200, false),
        (1201, true),
    ] {
        let mut o = options(ProtocolVersion::V3_1_1);
        o.keep_alive = keep_alive;
        o.iotda = true;
        let mut h = Harness::new(o.clone());
        let expected = if warned {
            vec![Event::Warning(Warning::IotdaKeepAlive { keep_alive })]
        } else {
            vec![]
        };
        assert_eq!(h.events(), expected, "keep alive {keep_alive}");
        o.iotda = false;
        assert_eq!(Harness::new(o).events(), [], "no IoTDA mode, no warning");
    }
    let warning = Warning::IotdaKeepAlive { keep_alive: 10 };
    assert!(warning.to_string().contains("30 to 1200 seconds"));
}

#[test]
fn iotda_mode_warns_about_what_the_platform_does_not_support() {
    let mut o = options(ProtocolVersion::V3_1_1);
    o.keep_alive = 120;
    o.iotda = true;
    o.will = Some(Will {
        topic: topic("w"),
        payload: vec![],
        qos: QoS::AtMostOnce,
        retain: false,
        properties: Properties::default(),
    });
    let mut h = Harness::connected(o.clone());
    h.s.publish(h.at(), message("t", QoS::ExactlyOnce, "x"))
        .unwrap();
    let mut retained = message("t", QoS::AtMostOnce, "x");
    retained.retain = true;
    h.s.publish(h.at(), retained).unwrap();
    h.s.subscribe(
        h.at(),
        vec![Subscription::new(filter("a"), QoS::ExactlyOnce)],
    )
    .unwrap();
    let warnings: Vec<Warning> = h
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::Warning(w) => Some(w),
            _ => None,
        })
        .collect();
    assert_eq!(
        warnings,
        [Warning::IotdaQos2, Warning::IotdaRetain, Warning::IotdaQos2]
    );
    assert_eq!(
        Harness::new(o).events(),
        [Event::Warning(Warning::IotdaWill)]
    );
}

/// The refusal a CONNACK with `code` (on the wire) produces.
fn refusal(version: ProtocolVersion, iotda: bool, code: u8) -> (ConnectRefusal, Option<Instant>) {
    let mut o = options(version);
    o.iotda = iotda;
    o.keep_alive = 120;
    let mut h = Harness::new(o);
    h.open();
    h.events();
    let mut bytes = vec![0x20, 0x02, 0x00, code];
    if version.is_v5() {
        bytes[1] = 3;
        bytes.push(0); // no properties
    }
    h.s.handle_bytes(h.at(), &bytes);
    assert_eq!(h.actions(), [TransportAction::Close]);
    match h.event() {
        Event::Refused {
            refusal,
            reconnect_at,
        } => (refusal, reconnect_at),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn refusals_give_the_code_and_a_sentence_in_iotda_terms() {
    let cases = [
        (
            1,
            ConnectReasonCode::UnsupportedProtocolVersion,
            "MQTT version",
        ),
        (2, ConnectReasonCode::ClientIdentifierNotValid, "30 to 1200"),
        (
            3,
            ConnectReasonCode::ServerUnavailable,
            "platform is unavailable",
        ),
        (4, ConnectReasonCode::BadUserNameOrPassword, "HMAC-SHA256"),
        (5, ConnectReasonCode::NotAuthorized, "frozen"),
    ];
    for (code, reason, words) in cases {
        let (r, reconnect_at) = refusal(ProtocolVersion::V3_1_1, true, code);
        assert_eq!(r.reason, reason);
        assert_eq!(r.code, code);
        let text = r.to_string();
        assert!(text.contains(&format!("return code {code}")), "{text}");
        assert!(text.contains(&reason.to_string()), "{text}");
        assert!(text.contains(words), "{text}");
        // Only "unavailable" is worth another try with the same options.
        assert_eq!(reconnect_at.is_some(), code == 3, "{text}");
    }
    let (r, _) = refusal(ProtocolVersion::V3_1_1, false, 4);
    assert_eq!(
        r.sentence().to_string(),
        "The user name or password is wrong."
    );
}

#[test]
fn mqtt5_refusals_are_reason_codes_in_words() {
    let (r, reconnect_at) = refusal(ProtocolVersion::V5, false, 0x8A);
    assert_eq!(r.reason, ConnectReasonCode::Banned);
    assert_eq!(
        r.to_string(),
        "connection refused, CONNACK reason code 0x8a (Banned): The server has banned this client."
    );
    assert_eq!(reconnect_at, None);
    let (r, reconnect_at) = refusal(ProtocolVersion::V5, true, 0x86);
    assert!(r.sentence().to_string().contains("device ID"), "{r}");
    assert_eq!(reconnect_at, None);
    let (r, reconnect_at) = refusal(ProtocolVersion::V5, false, 0x89);
    assert_eq!(r.reason, ConnectReasonCode::ServerBusy);
    assert!(reconnect_at.is_some());
    // Every reason has its own sentence.
    for &reason in ConnectReasonCode::ALL {
        let r = ConnectRefusal {
            reason,
            code: reason.code(),
            version: ProtocolVersion::V5,
            iotda: false,
            reason_string: Some("because".into()),
        };
        assert!(r.sentence().to_string().ends_with('.'), "{reason}");
        assert!(r.to_string().ends_with("The server says: \"because\"."));
    }
}

#[test]
fn server_assigned_client_id_and_keep_alive_are_used() {
    let mut o = options(ProtocolVersion::V5);
    o.client_id = String::new();
    let mut h = Harness::new(o);
    h.open();
    let mut ack = ConnAck::new(ConnectReasonCode::Success);
    ack.properties.assigned_client_identifier = Some("auto-7".into());
    ack.properties.server_keep_alive = Some(4);
    h.feed(ack);
    match h.event() {
        Event::Connected(c) => assert_eq!(c.keep_alive, 4),
        other => panic!("{other:?}"),
    }
    // The ping comes after the server's 4 s, not the client's 10 s.
    assert_eq!(h.s.poll_timeout(), Some(Instant::from_millis(4_000)));
    h.closed();
    h.advance_to(h.s.poll_timeout().unwrap().as_millis());
    h.s.handle_connected(h.at());
    match h.sent().as_slice() {
        [Packet::Connect(c)] => assert_eq!(c.client_id, "auto-7"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn disconnect_is_clean_and_stops_reconnection() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let mut h = Harness::connected(options(version));
        h.s.disconnect(h.at());
        assert_eq!(
            h.sent(),
            [Packet::Disconnect(Disconnect::new(
                DisconnectReasonCode::NormalDisconnection
            ))]
        );
        assert_eq!(h.actions(), [TransportAction::Close]);
        assert_eq!(h.event(), Event::Disconnected);
        assert_eq!(h.s.state(), ConnectionState::Closing);
        h.closed();
        assert_eq!(h.events(), []);
        assert_eq!(h.s.state(), ConnectionState::Disconnected);
        assert_eq!(h.s.poll_timeout(), None);
        h.advance_to(1_000_000);
        assert_eq!(h.actions(), []);
        // A second disconnect has nothing to do.
        h.s.disconnect(h.at());
        assert_eq!(h.events(), []);
    }
}

#[test]
fn disconnect_while_waiting_to_reconnect_cancels_it() {
    let mut h = Harness::connected(options(ProtocolVersion::V3_1_1));
    h.closed();
    assert!(h.s.poll_timeout().is_some());
    h.events();
    h.s.disconnect(h.at());
    assert_eq!(h.event(), Event::Disconnected);
    assert_eq!(h.s.poll_timeout(), None);
    assert_eq!(h.actions(), []);
}

#[test]
fn mqtt5_server_disconnect_is_reported_in_words() {
    let mut h = Harness::connected(options(ProtocolVersion::V5));
    let mut d = Disconnect::new(DisconnectReasonCode::ServerShuttingDown);
    d.properties.reason_string = Some("maintenance".into());
    h.feed(d);
    let Event::ConnectionLost {
        cause,
        reconnect_at,
    } = h.event()
    else {
        panic!("expected ConnectionLost");
    };
    assert_eq!(
        cause.to_string(),
        "the server closed the connection: Server shutting down (0x8b), saying \"maintenance\". \
         From IoTDA this means: the platform is busy or restarting: reconnect after a while, \
         with a growing delay"
    );
    assert!(reconnect_at.is_some());
    assert_eq!(h.actions(), [TransportAction::Close]);
    assert_eq!(h.sent(), [], "no DISCONNECT back");

    // Taken over by another connection with the same client id: reconnecting
    // would only take it back.
    let mut h = Harness::connected(options(ProtocolVersion::V5));
    h.feed(Disconnect::new(DisconnectReasonCode::SessionTakenOver));
    let events = h.events();
    assert!(matches!(
        &events[0],
        Event::Warning(Warning::ClientIdInUse { client_id, drops: 1 }) if client_id == "client-1"
    ));
    assert!(matches!(
        &events[1],
        Event::ConnectionLost {
            cause: LostCause::ServerDisconnect(ServerDisconnect {
                reason: DisconnectReasonCode::SessionTakenOver,
                ..
            }),
            reconnect_at: None
        }
    ));
}

#[test]
fn packets_a_server_must_not_send_close_the_connection() {
    let unexpected_after_connack: Vec<(ProtocolVersion, Packet)> = vec![
        (
            ProtocolVersion::V3_1_1,
            Packet::Disconnect(Disconnect::default()),
        ),
        (ProtocolVersion::V3_1_1, Packet::PingReq),
        (
            ProtocolVersion::V3_1_1,
            Packet::ConnAck(ConnAck::new(ConnectReasonCode::Success)),
        ),
        (
            ProtocolVersion::V5,
            Packet::Subscribe(Subscribe::new(
                pid(1),
                vec![Subscription::new(filter("a"), QoS::AtMostOnce)],
            )),
        ),
        (
            ProtocolVersion::V5,
            Packet::Connect(crate::mqtt::Connect::new(ProtocolVersion::V5, "x", 0)),
        ),
        (ProtocolVersion::V5, Packet::Auth(Auth::default())),
    ];
    for (version, packet) in unexpected_after_connack {
        let mut h = Harness::connected(options(version));
        let kind = packet.packet_type();
        h.feed(packet);
        assert_eq!(
            closed_for_violation(&mut h),
            ProtocolError::UnexpectedPacket {
                packet: kind,
                phase: Phase::Connected
            }
        );
    }
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let mut h = Harness::new(options(version));
        h.open();
        h.feed(Publish::new(topic("t"), QosPid::AtMostOnce, vec![]));
        let error = closed_for_violation(&mut h);
        assert_eq!(
            error,
            ProtocolError::UnexpectedPacket {
                packet: PacketType::Publish,
                phase: Phase::AwaitingConnAck
            }
        );
        assert_eq!(
            error.to_string(),
            "the server sent PUBLISH before CONNACK, which it must not"
        );
    }
}

#[test]
fn malformed_or_oversized_bytes_close_the_connection() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let mut h = Harness::connected(options(version));
        h.s.handle_bytes(h.at(), &[0x00, 0x00]);
        let error = closed_for_violation(&mut h);
        assert!(
            matches!(
                error,
                ProtocolError::Malformed(CodecError::ReservedPacketType { packet_type: 0, .. })
            ),
            "{error:?}"
        );

        let mut o = options(version);
        o.max_packet_size = NonZeroU32::new(64).unwrap();
        let mut h = Harness::connected(o);
        // Only the fixed header of a 200-byte PUBLISH: refused at once,
        // without buffering the body.
        h.s.handle_bytes(h.at(), &[0x30, 0xC5, 0x01]);
        let error = closed_for_violation(&mut h);
        assert_eq!(
            error,
            ProtocolError::Malformed(CodecError::PacketTooLarge { size: 200, max: 64 })
        );
        assert_eq!(
            error.disconnect_reason(),
            DisconnectReasonCode::PacketTooLarge
        );
    }
}

#[test]
fn session_present_after_a_clean_start_is_a_violation() {
    let mut h = Harness::new(options(ProtocolVersion::V3_1_1));
    h.open();
    h.connack(true);
    assert_eq!(
        closed_for_violation(&mut h),
        ProtocolError::SessionPresentOnCleanStart
    );
}

#[test]
fn topic_aliases_are_not_allowed_from_the_server() {
    let mut h = Harness::connected(options(ProtocolVersion::V5));
    let mut p = Publish::new(topic("t"), QosPid::AtMostOnce, vec![]);
    p.properties.topic_alias = NonZeroU16::new(3);
    h.feed(p);
    let error = closed_for_violation(&mut h);
    assert_eq!(error, ProtocolError::TopicAliasNotAllowed(3));
    assert_eq!(
        error.disconnect_reason(),
        DisconnectReasonCode::TopicAliasInvalid
    );
}

#[test]
fn bytes_after_the_session_ended_the_connection_are_ignored() {
    let mut h = Harness::connected(options(ProtocolVersion::V3_1_1));
    // A violation and, in the same read, more packets.
    let mut bytes = encode(&Packet::PingReq, h.version);
    bytes.extend(encode(&Packet::PingResp, h.version));
    bytes.extend(encode(&Packet::PubAck(PubAck::new(pid(9))), h.version));
    h.s.handle_bytes(h.at(), &bytes);
    closed_for_violation(&mut h);
    h.feed(SubAck::new(pid(1), vec![SubAckReasonCode::GrantedQos0]));
    h.feed(Packet::PingResp);
    assert_eq!(h.events(), []);
    assert_eq!(h.sent(), []);
}

#[test]
fn a_refused_connection_waits_for_the_transport_before_reconnecting() {
    let (_, reconnect_at) = refusal(ProtocolVersion::V3_1_1, false, 3);
    assert!(reconnect_at.is_some());
    let mut h = Harness::new(options(ProtocolVersion::V3_1_1));
    h.open();
    h.s.handle_bytes(h.at(), &[0x20, 0x02, 0x00, 0x03]);
    h.events();
    assert_eq!(h.actions(), [TransportAction::Close]);
    // Long past the reconnect time, but the old transport is not closed yet.
    h.advance_to(10_000_000);
    assert_eq!(h.actions(), []);
    assert_eq!(h.s.poll_timeout(), None);
    // Closed: now the reconnection is due.
    h.closed();
    assert_eq!(h.events(), [], "the session ended it; no second event");
    h.advance_to(10_000_000);
    assert_eq!(h.actions(), [TransportAction::Open]);
    assert_eq!(h.event(), Event::Reconnecting { attempt: 1 });
}

#[test]
fn a_broker_speaking_only_mqtt_3_1_1_is_named_and_not_retried() {
    let mut o = options(ProtocolVersion::V5);
    o.reconnect = Some(Backoff::default());
    let mut h = Harness::new(o);
    h.open();
    // 3.1.1 CONNACK: no session present, return code 1 (unacceptable
    // protocol version); not a valid MQTT 5 CONNACK (no 0x01 reason code,
    // no Property Length).
    h.s.handle_bytes(h.at(), &[0x20, 0x02, 0x00, 0x01]);
    let Event::ConnectionLost {
        cause,
        reconnect_at: None,
    } = h.event()
    else {
        panic!("expected the end of the session");
    };
    assert_eq!(cause, LostCause::OnlyMqtt311);
    assert!(
        cause
            .to_string()
            .starts_with("the broker speaks only MQTT 3.1.1"),
        "{cause}"
    );
    assert_eq!(h.actions(), [TransportAction::Close]);
    assert_eq!(h.sent(), [], "no MQTT 5 DISCONNECT to a 3.1.1 broker");
    h.closed();
    assert_eq!(h.s.poll_timeout(), None);

    // Other bytes a v5 client cannot read stay a malformed packet.
    let mut h = Harness::new(options(ProtocolVersion::V5));
    h.open();
    h.s.handle_bytes(h.at(), &[0x20, 0x02, 0x00, 0x05]);
    assert!(matches!(
        closed_for_violation(&mut h),
        ProtocolError::Malformed(CodecError::InvalidReasonCode { code: 5, .. })
    ));
}
