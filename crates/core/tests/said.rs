//! The English of the messages whose words are chosen by the value: an
//! optional tail, a nested name, a list, a variant that picks one of
//! several sentences. Each is said exactly as the CLI prints it, so
//! turning them into keys (`iotda_core::text`) changed no byte.

use iotda_core::doctor::{CertFile, Finding, FingerprintSource, IdMistake, Mistake, Whitespace};
use iotda_core::endpoint::EndpointError;
use iotda_core::iotda::model::Limit;
use iotda_core::iotda::{
    DataType, ModelError, Problem, ProblemKind, TopicError, TopicKind, UpgradeResult,
};
use iotda_core::mqtt::session::{
    ConnectRefusal, Error as SessionError, LostCause, Phase, ProtocolError, PublishError,
    QueueLimits, ServerDisconnect, SubscribeOutcome,
};
use iotda_core::mqtt::{ConnectReasonCode, DisconnectReasonCode, PacketType, ProtocolVersion, QoS};
use iotda_core::mqtt::{PubAckReasonCode, SubAckReasonCode};
use iotda_core::{doctor, pki, Timestamp};

fn says(value: impl std::fmt::Display, english: &str) {
    assert_eq!(value.to_string(), english);
}

#[test]
fn session_tails_and_nested_names() {
    let closed = |reason_string: Option<&str>, server_reference: Option<&str>| ServerDisconnect {
        reason: DisconnectReasonCode::UseAnotherServer,
        reason_string: reason_string.map(Into::into),
        server_reference: server_reference.map(Into::into),
    };
    says(
        closed(None, None),
        "the server closed the connection: Use another server (0x9c)",
    );
    says(
        closed(Some("full"), Some("b.example")),
        "the server closed the connection: Use another server (0x9c), saying \"full\"; it points \
         to the server \"b.example\"",
    );
    says(
        closed(None, Some("b.example")),
        "the server closed the connection: Use another server (0x9c); it points to the server \
         \"b.example\"",
    );
    says(
        LostCause::ServerDisconnect(closed(Some("bye"), None)),
        "the server closed the connection: Use another server (0x9c), saying \"bye\"",
    );
    says(
        LostCause::ServerDisconnect(ServerDisconnect {
            reason: DisconnectReasonCode::SessionTakenOver,
            reason_string: None,
            server_reference: None,
        }),
        "the server closed the connection: Session taken over (0x8e). From IoTDA this means: \
         another client connected with this device's id: IoTDA keeps one connection per directly \
         connected device, so two clients with one id push each other out; stop the other one",
    );
    says(
        PublishError::Refused {
            reason: PubAckReasonCode::QuotaExceeded,
            reason_string: None,
        },
        "the server refused the message: Quota exceeded (0x97)",
    );
    says(
        PublishError::QosNotSupported {
            qos: QoS::ExactlyOnce,
            maximum: QoS::AtLeastOnce,
        },
        "the server accepts QoS 1 at most, not QoS 2; publish with a lower QoS",
    );
    says(
        SessionError::QueueFull {
            limits: QueueLimits {
                messages: 10,
                bytes: 2048,
            },
            messages: 10,
            bytes: 1500,
            request: 600,
        },
        "the send queue is full (10 of 10 requests, 1500 of 2048 bytes; this one needs 600 \
         bytes); wait until the session is connected or raise the limits",
    );
    says(
        ProtocolError::UnexpectedPacket {
            packet: PacketType::Publish,
            phase: Phase::Connected,
        },
        "the server sent PUBLISH after CONNACK, which it must not",
    );
    says(
        SubscribeOutcome::Refused(SubAckReasonCode::NotAuthorized),
        "refused: Not authorized (0x87)",
    );
    let refusal = |version, iotda, reason_string: Option<&str>| ConnectRefusal {
        reason: ConnectReasonCode::ClientIdentifierNotValid,
        code: if version == ProtocolVersion::V5 {
            0x85
        } else {
            2
        },
        version,
        iotda,
        reason_string: reason_string.map(Into::into),
    };
    says(
        refusal(ProtocolVersion::V3_1_1, true, None),
        "connection refused, CONNACK return code 2 (Client Identifier not valid): IoTDA rejected \
         the ClientId or the keep alive: the ClientId must be {device_id}_0_{sign_type}_{YYYYMMDDHH} \
         and the keep alive 30 to 1200 seconds.",
    );
    says(
        refusal(ProtocolVersion::V5, false, Some("too long")),
        "connection refused, CONNACK reason code 0x85 (Client Identifier not valid): The server \
         rejected the client identifier; check its length and characters. The server says: \"too \
         long\".",
    );
}

#[test]
fn iotda_names_limits_and_words() {
    says(
        TopicError::EmptyRequestId {
            kind: TopicKind::ShadowGetResponse,
        },
        "the request id of this shadow get response topic is empty",
    );
    says(UpgradeResult::AlreadyLatest, "already the latest version");
    says(
        Limit::ModelJson,
        "bytes as JSON, each service copied once per reference (this kit reads models of at most \
         4 MiB)",
    );
    says(
        ModelError::TooLarge {
            path: String::new(),
            limit: Limit::Services,
            found: 501,
        },
        "the model has 501 services; IoTDA allows at most 500 a product, so it is refused; split \
         it or remove what the devices do not use",
    );
    says(
        ModelError::TooLarge {
            path: "services[0].properties[1].unit".into(),
            limit: Limit::Unit,
            found: 17,
        },
        "services[0].properties[1].unit has 17 characters; IoTDA allows at most 16, so it is \
         refused; split it or remove what the devices do not use",
    );
    let not_a_model = |keys: &[&str]| ModelError::NotAModel {
        keys: keys.iter().map(|k| k.to_string()).collect(),
    };
    let tail = ", not a product model, which has \"service_capabilities\"; export the model from \
                the IoTDA console (JSON or ZIP) and choose that file";
    says(
        not_a_model(&["services"]),
        &format!("this is a device's property report (it has \"services\"){tail}"),
    );
    says(
        not_a_model(&[]),
        &format!("this is an empty JSON object{tail}"),
    );
    says(
        not_a_model(&["a", "b"]),
        &format!("this is a JSON object with a, b{tail}"),
    );
    says(
        Problem {
            path: "services[0].properties.level".into(),
            kind: ProblemKind::WrongType {
                expected: DataType::DateTime,
                found: iotda_core::text::keys::validate::FOUND_FRACTION,
            },
        },
        "services[0].properties.level: must be a string yyyyMMdd'T'HHmmss'Z' (DateTime); got a \
         number with a fraction or exponent",
    );
    says(
        ProblemKind::NotInEnum {
            value: "x".into(),
            allowed: vec!["on".into(), "off".into()],
        },
        "\"x\" is not one of the allowed values: on, off",
    );
}

#[test]
fn doctor_lists_hours_and_names() {
    let hour = |t: &str| Timestamp::parse(t).unwrap();
    let not_current = |timestamp, now| Finding::TimestampNotCurrent {
        timestamp: hour(timestamp),
        now: hour(now),
    };
    let start = "With sign type 1 the platform checks the ClientId's hour";
    let end = ": sign with the current UTC hour, or use sign type 0.";
    says(
        not_current("2025041410", "2025041402"),
        &format!(
            "{start} 2025041410 against its clock, and the UTC hour of the attempt was 2025041402 \
             (the device's clock may be on local time UTC+8, China Standard Time, Singapore, \
             Perth){end}"
        ),
    );
    says(
        not_current("2025041400", "2025041402"),
        &format!(
            "{start} 2025041400 against its clock, and the UTC hour of the attempt was 2025041402 \
             (the hour may be an old one reused, or the device's clock on local time UTC-2, South \
             Georgia, Fernando de Noronha){end}"
        ),
    );
    says(
        not_current("2025040100", "2025041402"),
        &format!(
            "{start} 2025040100 against its clock, and the UTC hour of the attempt was \
             2025041402{end}"
        ),
    );
    let wrong = |mistakes: Vec<Mistake>| Finding::WrongPassword { mistakes };
    says(
        wrong(vec![Mistake::LocalTime { offset_hours: 8 }]),
        "The password is keyed with the local hour of UTC+8 (China Standard Time, Singapore, \
         Perth): key the HMAC with the same UTC hour the ClientId carries.",
    );
    says(
        wrong(vec![
            Mistake::HmacSha1,
            Mistake::SecretWhitespace(Whitespace::TrailingCrLf),
            Mistake::CutAtZeroByte { kept_bytes: 3 },
        ]),
        "The password is reproduced exactly by 3 known mistakes, any of which the device may \
         make: HMAC-SHA1 instead of HMAC-SHA256 (use HMAC-SHA256); or the secret with a CR LF \
         line end after it (strip the whitespace from the device's secret); or the digest cut at \
         its first zero byte (3 of 32 bytes kept) (hex-encode all 32 digest bytes with their \
         length, not as a C string).",
    );
    let user = |kind| Finding::Username {
        found: "n1".into(),
        expected: "p_n1".into(),
        kind,
    };
    says(
        user(IdMistake::NodeId),
        "The user name \"n1\" is the node id, not the device id: send \"p_n1\" as the user name.",
    );
    says(
        Finding::ClientIdDeviceId {
            found: "p_n1_x".into(),
            expected: "x".into(),
            kind: IdMistake::GivenIsNodeId,
        },
        "The ClientId starts with \"p_n1_x\", which is a device id whose node id is \"x\": if it \
         is this device, give the doctor its full device id \"p_n1_x\".",
    );
    says(
        Finding::FingerprintOf(FingerprintSource::PemText),
        "The registered fingerprint is the hash of the PEM file's text: register the device \
         certificate's fingerprint (openssl x509 -noout -fingerprint -sha256, colons removed).",
    );
    says(
        doctor::Error::File {
            file: CertFile::Ca,
            error: pki::Error::EmptyInput,
        },
        "the CA certificate: the input is empty: paste PEM text or choose a file",
    );
    says(
        EndpointError::Path("mqtt".into()),
        "WebSocket path must start with '/' (IoTDA uses /mqtt); got \"mqtt\"",
    );
}
