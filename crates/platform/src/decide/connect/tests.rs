//! Admission with plain records and a simulated clock.

use std::sync::Mutex;

use iotda_core::credentials::{Credentials, SignType, Timestamp};
use iotda_core::mqtt::{Connect, ProtocolVersion, QoS, TopicName, Will};
use iotda_core::pki::{self, KeyType, PrivateKey, Subject, Validity};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::*;
use crate::directory::{DeviceSecret, DeviceStatus, DirectoryError, StatusChange};

/// 2026-12-07T06:30:00Z, the simulated "now".
const NOW: i64 = 1_796_625_000;
const ID: &str = "prod_node-1";
const SECRET: &str = "secret-123";

fn hour(offset_hours: i64) -> Timestamp {
    Timestamp::from_unix_seconds(NOW + offset_hours * 3600).expect("in range")
}

fn secret_device() -> DeviceRecord {
    DeviceRecord {
        device_id: ID.into(),
        node_id: "node-1".into(),
        product_id: "prod".into(),
        auth: DeviceAuth::Secret {
            secret: DeviceSecret::new(SECRET),
            secondary: Some(DeviceSecret::new("second-456")),
        },
        secure_access: false,
        status: DeviceStatus::Inactive,
    }
}

fn connect_with(secret: &str, sign: SignType, at: Timestamp) -> Connect {
    let c = Credentials::compute(ID, secret, sign, at).expect("credentials");
    let mut connect = Connect::new(ProtocolVersion::V3_1_1, c.client_id, 120);
    connect.username = Some(c.username);
    connect.password = Some(c.password.expose().as_bytes().to_vec());
    connect
}

/// An in-memory directory for `admit`.
struct Dir {
    devices: Vec<DeviceRecord>,
    cas: Vec<CaRecord>,
    fail: bool,
    reads: Mutex<u32>,
}

impl Directory for Dir {
    fn device(&self, id: &str) -> Result<Option<DeviceRecord>, DirectoryError> {
        *self.reads.lock().expect("lock") += 1;
        if self.fail {
            return Err(DirectoryError("disk I/O error".into()));
        }
        Ok(self.devices.iter().find(|d| d.device_id == id).cloned())
    }
    fn verified_cas(&self) -> Result<Vec<CaRecord>, DirectoryError> {
        Ok(self.cas.clone())
    }
    fn bind_fingerprint(&self, _: &str, _: &str) -> Result<(), DirectoryError> {
        Ok(())
    }
    fn set_status(&self, _: &str, _: &StatusChange) -> Result<(), DirectoryError> {
        Ok(())
    }
}

fn dir(devices: Vec<DeviceRecord>, cas: Vec<CaRecord>) -> Dir {
    Dir {
        devices,
        cas,
        fail: false,
        reads: Mutex::new(0),
    }
}

fn plain(connect: &Connect) -> ConnectRequest<'_> {
    ConnectRequest {
        connect,
        transport: Transport::Plain,
        client_chain: &[],
    }
}

fn refusal(r: Result<Admitted, Refusal>) -> Refusal {
    r.expect_err("refused")
}

#[test]
fn the_right_secret_is_admitted_with_either_sign_type_and_the_secondary() {
    let d = dir(vec![secret_device()], vec![]);
    for (secret, sign) in [
        (SECRET, SignType::NoTimestampCheck),
        (SECRET, SignType::CheckTimestamp),
        ("second-456", SignType::CheckTimestamp),
    ] {
        let c = connect_with(secret, sign, hour(0));
        let admitted = admit(&plain(&c), &d, NOW).expect("admitted");
        assert_eq!(admitted.device_id, ID);
        assert_eq!(admitted.bind_fingerprint, None);
    }
}

#[test]
fn a_wrong_secret_is_connack_4_and_says_so() {
    let d = dir(vec![secret_device()], vec![]);
    let c = connect_with("not-the-secret", SignType::NoTimestampCheck, hour(0));
    let r = refusal(admit(&plain(&c), &d, NOW));
    assert_eq!((r.return_code, r.reason_code.code()), (4, 0x86));
    assert_eq!(
        r.reason,
        RefusalReason::WrongSecret {
            device_id: ID.into()
        }
    );
    assert!(r.to_string().contains("wrong secret"), "{r}");
    assert_eq!(
        r.connack(Some(ProtocolVersion::V3_1_1)).0.reason.to_v3(),
        Some(4)
    );
    assert_eq!(r.connack(Some(ProtocolVersion::V5)).0.reason.code(), 0x86);
}

#[test]
fn sign_type_1_accepts_one_hour_either_way_and_refuses_a_stale_hour() {
    let d = dir(vec![secret_device()], vec![]);
    for off in [-1, 1] {
        let c = connect_with(SECRET, SignType::CheckTimestamp, hour(off));
        assert!(admit(&plain(&c), &d, NOW).is_ok(), "{off} h");
    }
    let stale = connect_with(SECRET, SignType::CheckTimestamp, hour(-2));
    let r = refusal(admit(&plain(&stale), &d, NOW));
    assert_eq!(r.return_code, 4);
    assert!(
        matches!(r.reason, RefusalReason::StaleTimestamp { .. }),
        "{r}"
    );
    // Sign type 0 never looks at the hour.
    let old = connect_with(SECRET, SignType::NoTimestampCheck, hour(-500));
    assert!(admit(&plain(&old), &d, NOW).is_ok());
}

#[test]
fn unknown_device_and_wrong_username_are_connack_4() {
    let d = dir(vec![], vec![]);
    let c = connect_with(SECRET, SignType::NoTimestampCheck, hour(0));
    let r = refusal(admit(&plain(&c), &d, NOW));
    assert_eq!(r.return_code, 4);
    assert_eq!(
        r.reason,
        RefusalReason::UnknownDevice {
            device_id: ID.into()
        }
    );

    let mut c = connect_with(SECRET, SignType::NoTimestampCheck, hour(0));
    c.username = Some("someone".into());
    let r = refusal(admit(&plain(&c), &dir(vec![secret_device()], vec![]), NOW));
    assert_eq!(r.return_code, 4);
    assert!(matches!(
        r.reason,
        RefusalReason::UsernameNotDeviceId { .. }
    ));
}

#[test]
fn malformed_client_ids_are_connack_2_before_the_registry_is_read() {
    let d = dir(vec![secret_device()], vec![]);
    for id in [
        "prod_node-1",
        "prod_node-1_1_0_2026120706",
        "prod_node-1_0_2_2026120706",
        "prod_node-1_0_0_20261207",
        "prod_node-1_0_0_2026130706",
        "_0_0_2026120706",
        "bad id_0_0_2026120706",
    ] {
        let mut c = connect_with(SECRET, SignType::NoTimestampCheck, hour(0));
        c.client_id = id.into();
        let r = refusal(admit(&plain(&c), &d, NOW));
        assert_eq!(
            (r.return_code, r.reason_code.code()),
            (2, 0x85),
            "{id}: {r}"
        );
        assert!(
            matches!(r.reason, RefusalReason::MalformedClientId { .. }),
            "{id}"
        );
    }
    assert_eq!(*d.reads.lock().expect("lock"), 0);
}

#[test]
fn device_ids_with_underscores_parse_from_the_right() {
    let p = parse_client_id("my_product_node_1_0_1_2026120706").expect("parsed");
    assert_eq!(p.device_id, "my_product_node_1");
    assert_eq!(p.sign_type, SignType::CheckTimestamp);
    assert_eq!(p.timestamp.to_string(), "2026120706");
}

#[test]
fn keep_alive_outside_30_to_1200_is_connack_2() {
    let d = dir(vec![secret_device()], vec![]);
    for (ka, ok) in [
        (10, false),
        (29, false),
        (30, true),
        (1200, true),
        (1201, false),
        (0, false),
    ] {
        let mut c = connect_with(SECRET, SignType::NoTimestampCheck, hour(0));
        c.keep_alive = ka;
        let r = admit(&plain(&c), &d, NOW);
        assert_eq!(r.is_ok(), ok, "{ka}");
        if let Err(r) = r {
            assert_eq!(r.return_code, 2);
            assert_eq!(r.reason, RefusalReason::KeepAlive { keep_alive: ka });
        }
    }
}

#[test]
fn a_will_is_refused_with_the_precise_v5_code() {
    let d = dir(vec![secret_device()], vec![]);
    for (qos, retain, v5) in [
        (QoS::AtMostOnce, false, 0x87),
        (QoS::ExactlyOnce, false, 0x9B),
        (QoS::AtLeastOnce, true, 0x9A),
    ] {
        let mut c = connect_with(SECRET, SignType::NoTimestampCheck, hour(0));
        c.will = Some(Will {
            topic: TopicName::new("$oc/devices/prod_node-1/sys/events/up").expect("topic"),
            payload: b"gone".to_vec(),
            qos,
            retain,
            properties: Default::default(),
        });
        let r = refusal(admit(&plain(&c), &d, NOW));
        assert_eq!((r.return_code, r.reason_code.code()), (5, v5));
    }
}

#[test]
fn secure_access_devices_are_refused_on_plain_listeners() {
    let mut device = secret_device();
    device.secure_access = true;
    let d = dir(vec![device], vec![]);
    let c = connect_with(SECRET, SignType::NoTimestampCheck, hour(0));
    let r = refusal(admit(&plain(&c), &d, NOW));
    assert_eq!(r.return_code, 5);
    let tls = ConnectRequest {
        connect: &c,
        transport: Transport::Tls,
        client_chain: &[],
    };
    assert!(admit(&tls, &d, NOW).is_ok());
}

#[test]
fn a_failing_registry_is_connack_3() {
    let mut d = dir(vec![secret_device()], vec![]);
    d.fail = true;
    let c = connect_with(SECRET, SignType::NoTimestampCheck, hour(0));
    let r = refusal(admit(&plain(&c), &d, NOW));
    assert_eq!((r.return_code, r.reason_code.code()), (3, 0x88));
}

#[test]
fn an_unsupported_protocol_level_is_connack_1_in_311_form() {
    // CONNECT, protocol "MQTT" level 6.
    let bytes = [
        0x10, 0x0A, 0, 4, b'M', b'Q', b'T', b'T', 6, 0x02, 0, 60, 0, 0,
    ];
    let err = iotda_core::mqtt::decode(&bytes, 1024, ProtocolVersion::V3_1_1).expect_err("level 6");
    let r = refusal_for_decode_error(&err).expect("a CONNACK");
    assert_eq!(r.return_code, 1);
    let (connack, version) = r.connack(None);
    assert_eq!(version, ProtocolVersion::V3_1_1);
    assert_eq!(connack.reason.to_v3(), Some(1));
    // Other decoding errors close without a CONNACK.
    assert_eq!(
        refusal_for_decode_error(&iotda_core::mqtt::Error::ConnectReservedFlag),
        None
    );
}

// ---- certificate devices ----

struct Pki {
    ca: pki::Certificate,
    ca_key: PrivateKey,
    rng: ChaCha20Rng,
}

impl Pki {
    fn new(seed: u64, cn: &str) -> Self {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let ca_key = PrivateKey::generate(KeyType::P256, &mut rng).expect("key");
        let ca = pki::create_ca(
            &ca_key,
            &Subject::with_common_name(cn),
            Validity::new(NOW - 86_400, 3650),
            &mut rng,
        )
        .expect("ca");
        Self { ca, ca_key, rng }
    }

    fn device_cert(&mut self, not_before: i64, days: u32) -> Vec<u8> {
        let key = PrivateKey::generate(KeyType::P256, &mut self.rng).expect("key");
        let (_, cert) = pki::create_device_cert(
            &self.ca,
            &self.ca_key,
            &key,
            &Subject::with_common_name(ID),
            Validity::new(not_before, days),
            &mut self.rng,
        )
        .expect("cert");
        cert.der().to_vec()
    }

    fn record(&self, verified: bool) -> CaRecord {
        CaRecord {
            certificate_id: "ca1".into(),
            der: self.ca.der().to_vec(),
            verified,
        }
    }
}

fn cert_device(fingerprint: Option<String>, secondary: Option<String>) -> DeviceRecord {
    DeviceRecord {
        auth: DeviceAuth::Certificate {
            fingerprint,
            secondary,
        },
        ..secret_device()
    }
}

fn cert_connect() -> Connect {
    let client_id = iotda_core::credentials::client_id(ID, SignType::NoTimestampCheck, hour(0))
        .expect("client id");
    let mut c = Connect::new(ProtocolVersion::V5, client_id, 120);
    c.username = Some(ID.into());
    c
}

fn tls<'a>(connect: &'a Connect, chain: &'a [Vec<u8>]) -> ConnectRequest<'a> {
    ConnectRequest {
        connect,
        transport: Transport::Tls,
        client_chain: chain,
    }
}

fn sha256(der: &[u8]) -> String {
    pki::fingerprint(der, pki::FingerprintAlg::Sha256, false)
}

#[test]
fn a_certificate_of_a_verified_ca_with_its_fingerprint_is_admitted() {
    let mut p = Pki::new(1, "Device CA");
    let leaf = p.device_cert(NOW - 3600, 365);
    let chain = [leaf.clone()];
    let c = cert_connect();
    // Registered with colons and uppercase, as the console shows it.
    let colons = pki::fingerprint(&leaf, pki::FingerprintAlg::Sha256, true);
    let d = dir(vec![cert_device(Some(colons), None)], vec![p.record(true)]);
    assert_eq!(
        admit(&tls(&c, &chain), &d, NOW)
            .expect("admitted")
            .bind_fingerprint,
        None
    );
    // A SHA-1 secondary also matches.
    let sha1 = pki::fingerprint(&leaf, pki::FingerprintAlg::Sha1, false);
    let d = dir(
        vec![cert_device(Some("00".repeat(32)), Some(sha1))],
        vec![p.record(true)],
    );
    assert!(admit(&tls(&c, &chain), &d, NOW).is_ok());
}

#[test]
fn no_registered_fingerprint_binds_the_first_certificate() {
    let mut p = Pki::new(2, "Device CA");
    let leaf = p.device_cert(NOW - 3600, 365);
    let chain = [leaf.clone()];
    let c = cert_connect();
    let d = dir(vec![cert_device(None, None)], vec![p.record(true)]);
    let admitted = admit(&tls(&c, &chain), &d, NOW).expect("admitted");
    assert_eq!(
        admitted.bind_fingerprint,
        Some(sha256(&leaf).to_ascii_lowercase())
    );
}

#[test]
fn certificate_refusals_are_connack_5_with_their_reason() {
    let mut p = Pki::new(3, "Device CA");
    let leaf = p.device_cert(NOW - 3600, 365);
    let fp = Some(sha256(&leaf));
    let c = cert_connect();
    let chain = [leaf.clone()];

    let unverified = dir(vec![cert_device(fp.clone(), None)], vec![p.record(false)]);
    let r = refusal(admit(&tls(&c, &chain), &unverified, NOW));
    assert_eq!((r.return_code, r.reason_code.code()), (5, 0x87));
    assert!(
        matches!(r.reason, RefusalReason::UntrustedCertificate { .. }),
        "{r}"
    );

    let mut other = Pki::new(4, "Device CA");
    let stranger = [other.device_cert(NOW - 3600, 365)];
    let d = dir(vec![cert_device(fp.clone(), None)], vec![p.record(true)]);
    let r = refusal(admit(&tls(&c, &stranger), &d, NOW));
    assert!(
        matches!(r.reason, RefusalReason::UntrustedCertificate { .. }),
        "same name, other key: {r}"
    );

    let second = [p.device_cert(NOW - 3600, 365)];
    let r = refusal(admit(&tls(&c, &second), &d, NOW));
    assert_eq!(r.return_code, 5);
    assert!(
        matches!(r.reason, RefusalReason::FingerprintMismatch { .. }),
        "{r}"
    );

    let expired = [p.device_cert(NOW - 10 * 86_400, 1)];
    let d2 = dir(vec![cert_device(None, None)], vec![p.record(true)]);
    let r = refusal(admit(&tls(&c, &expired), &d2, NOW));
    assert!(
        matches!(r.reason, RefusalReason::CertificateExpired { .. }),
        "{r}"
    );

    let future = [p.device_cert(NOW + 86_400, 30)];
    let r = refusal(admit(&tls(&c, &future), &d2, NOW));
    assert!(
        matches!(r.reason, RefusalReason::CertificateNotYetValid { .. }),
        "{r}"
    );

    let r = refusal(admit(&tls(&c, &[]), &d, NOW));
    assert!(
        matches!(r.reason, RefusalReason::NoClientCertificate { .. }),
        "{r}"
    );

    let garbage = [vec![0x30, 0x03, 1, 2, 3]];
    let r = refusal(admit(&tls(&c, &garbage), &d, NOW));
    assert!(
        matches!(r.reason, RefusalReason::BadClientCertificate { .. }),
        "{r}"
    );

    let mut with_password = cert_connect();
    with_password.password = Some(b"x".to_vec());
    let r = refusal(admit(&tls(&with_password, &chain), &d, NOW));
    assert_eq!(r.return_code, 4);
    assert!(matches!(
        r.reason,
        RefusalReason::PasswordWithCertificate { .. }
    ));
}
