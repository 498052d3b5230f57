//! The connection doctor against a corpus of deliberately broken attempts,
//! each with the one diagnosis it must get. The broken passwords are made
//! here from the known secret with the hash crates directly (not through
//! the doctor's own candidates), so a mistake computed wrong on either side
//! fails the test.
#![allow(clippy::unwrap_used)]

use base64ct::{Base64, Encoding};
use hmac::{KeyInit, Mac};
use iotda_core::credentials::{SignType, Timestamp, TimestampError};
use iotda_core::doctor::{self, diagnose_secret, Attempt, Finding, IdMistake, Mistake, Whitespace};

const PRODUCT: &str = "66a0b1c2d3e4f5a6b7c8d9e0";
const NODE: &str = "meter-7";
const DEVICE: &str = "66a0b1c2d3e4f5a6b7c8d9e0_meter-7";
const SECRET: &str = "s3cretKey_2025";
/// 2025-04-14T01:20:00Z, inside the hour 2025041401.
const AT: i64 = 1_744_593_600;
const HOUR: &str = "2025041401";

fn hmac<M: Mac + KeyInit>(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = <M as KeyInit>::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

fn sha256(key: &str, msg: &str) -> Vec<u8> {
    hmac::<hmac::Hmac<sha2::Sha256>>(key.as_bytes(), msg.as_bytes())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The right password for `secret` and `hour`, computed here.
fn password(secret: &str, hour: &str) -> String {
    hex(&sha256(hour, secret))
}

/// `hour` moved by `hours`.
fn shift(hour: &str, hours: i64) -> String {
    let t = Timestamp::parse(hour).unwrap();
    Timestamp::from_unix_seconds(t.to_unix_seconds() + hours * 3600)
        .unwrap()
        .to_string()
}

fn client_id(sign: u8, hour: &str) -> String {
    format!("{DEVICE}_0_{sign}_{hour}")
}

fn attempt(client_id: &str, username: Option<&str>, password: Option<&str>) -> Attempt {
    Attempt::new(client_id, username, password)
}

/// Diagnoses an attempt with the right ClientId (sign type 0) and user name
/// and `password`.
fn with_password(password: &str) -> Option<Finding> {
    let a = attempt(&client_id(0, HOUR), Some(DEVICE), Some(password));
    diagnose_secret(DEVICE, SECRET, None, &a, AT).unwrap()
}

fn wrong(mistakes: &[Mistake]) -> Option<Finding> {
    Some(Finding::WrongPassword {
        mistakes: mistakes.to_vec(),
    })
}

#[test]
fn right_attempts_pass() {
    let right = password(SECRET, HOUR);
    assert_eq!(with_password(&right), None);
    let a = attempt(&client_id(1, HOUR), Some(DEVICE), Some(&right));
    assert_eq!(
        diagnose_secret(DEVICE, SECRET, Some(SignType::CheckTimestamp), &a, AT),
        Ok(None)
    );
    // Sign type 0: an old hour is fine, the platform checks the password only.
    let old = shift(HOUR, -30 * 24);
    let a = attempt(
        &client_id(0, &old),
        Some(DEVICE),
        Some(&password(SECRET, &old)),
    );
    assert_eq!(diagnose_secret(DEVICE, SECRET, None, &a, AT), Ok(None));
}

/// Huawei's published vector (secret 12345678, hour 2025041401, as in the
/// credentials module's tests) recognised as right.
#[test]
fn huawei_published_vector_is_right() {
    let a = attempt(
        "5f8d_node1_0_0_2025041401",
        Some("5f8d_node1"),
        Some("c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a"),
    );
    assert_eq!(
        diagnose_secret("5f8d_node1", "12345678", None, &a, AT),
        Ok(None)
    );
}

#[test]
fn client_id_and_user_name_corpus() {
    let right = password(SECRET, HOUR);
    let cases: Vec<(String, Option<&str>, Option<SignType>, Finding)> = vec![
        (
            format!("{DEVICE}_0_{HOUR}"),
            Some(DEVICE),
            None,
            Finding::ClientIdFields {
                client_id: format!("{DEVICE}_0_{HOUR}"),
            },
        ),
        (
            format!("{DEVICE}_0_0_{HOUR}20"),
            Some(DEVICE),
            None,
            Finding::ClientIdTimestamp {
                found: format!("{HOUR}20"),
                error: TimestampError::Length(12),
            },
        ),
        (
            format!("{DEVICE}_0_0_2025041425"),
            Some(DEVICE),
            None,
            Finding::ClientIdTimestamp {
                found: "2025041425".into(),
                error: TimestampError::Hour(25),
            },
        ),
        (
            format!("{DEVICE}_0_2_{HOUR}"),
            Some(DEVICE),
            None,
            Finding::SignTypeDigit { found: "2".into() },
        ),
        (
            format!("{DEVICE}_1_0_{HOUR}"),
            Some(DEVICE),
            None,
            Finding::DeviceType { found: "1".into() },
        ),
        (
            format!("{NODE}_0_0_{HOUR}"),
            Some(DEVICE),
            None,
            Finding::ClientIdDeviceId {
                found: NODE.into(),
                expected: DEVICE.into(),
                kind: IdMistake::NodeId,
            },
        ),
        (
            format!("{PRODUCT}_0_0_{HOUR}"),
            Some(DEVICE),
            None,
            Finding::ClientIdDeviceId {
                found: PRODUCT.into(),
                expected: DEVICE.into(),
                kind: IdMistake::ProductId,
            },
        ),
        (
            client_id(0, HOUR),
            Some(NODE),
            None,
            Finding::Username {
                found: NODE.into(),
                expected: DEVICE.into(),
                kind: IdMistake::NodeId,
            },
        ),
        (
            client_id(0, HOUR),
            Some(PRODUCT),
            None,
            Finding::Username {
                found: PRODUCT.into(),
                expected: DEVICE.into(),
                kind: IdMistake::ProductId,
            },
        ),
        (
            client_id(0, HOUR),
            Some("other_device"),
            None,
            Finding::Username {
                found: "other_device".into(),
                expected: DEVICE.into(),
                kind: IdMistake::Other,
            },
        ),
        (client_id(0, HOUR), None, None, Finding::MissingUsername),
        (
            client_id(0, HOUR),
            Some(DEVICE),
            Some(SignType::CheckTimestamp),
            Finding::SignTypeNotExpected {
                expected: SignType::CheckTimestamp,
                found: SignType::NoTimestampCheck,
            },
        ),
        (
            format!("{}_0_0_{HOUR}", "d".repeat(250)),
            Some(DEVICE),
            None,
            Finding::ClientIdTooLong(265),
        ),
    ];
    for (cid, user, sign, want) in cases {
        let a = attempt(&cid, user, Some(&right));
        let got = diagnose_secret(DEVICE, SECRET, sign, &a, AT).unwrap();
        assert_eq!(got, Some(want), "{cid} {user:?}");
    }
}

#[test]
fn keep_alive_corpus() {
    let right = password(SECRET, HOUR);
    for (k, want) in [
        (10, Some(Finding::KeepAlive(10))),
        (0, Some(Finding::KeepAlive(0))),
        (29, Some(Finding::KeepAlive(29))),
        (1201, Some(Finding::KeepAlive(1201))),
        (30, None),
        (1200, None),
    ] {
        let mut a = attempt(&client_id(0, HOUR), Some(DEVICE), Some(&right));
        a.keep_alive = Some(k);
        assert_eq!(
            diagnose_secret(DEVICE, SECRET, None, &a, AT).unwrap(),
            want,
            "{k}"
        );
    }
}

#[test]
fn sign_type_one_checks_the_hour() {
    for hours in [-3, 8, 1, -1, 30] {
        let hour = shift(HOUR, hours);
        let a = attempt(
            &client_id(1, &hour),
            Some(DEVICE),
            Some(&password(SECRET, &hour)),
        );
        let got = diagnose_secret(DEVICE, SECRET, None, &a, AT).unwrap();
        assert_eq!(
            got,
            Some(Finding::TimestampNotCurrent {
                timestamp: Timestamp::parse(&hour).unwrap(),
                now: Timestamp::parse(HOUR).unwrap(),
            }),
            "{hours}"
        );
    }
    // A device whose whole clock is local time (UTC+8): the zone is named.
    let local = shift(HOUR, 8);
    let a = attempt(
        &client_id(1, &local),
        Some(DEVICE),
        Some(&password(SECRET, &local)),
    );
    let text = diagnose_secret(DEVICE, SECRET, None, &a, AT)
        .unwrap()
        .unwrap()
        .to_string();
    assert!(text.contains("UTC+8, China Standard Time"), "{text}");
}

#[test]
fn missing_password() {
    let a = attempt(&client_id(0, HOUR), Some(DEVICE), None);
    assert_eq!(
        diagnose_secret(DEVICE, SECRET, None, &a, AT),
        Ok(Some(Finding::MissingPassword))
    );
}

/// The password signed in each local time zone, the ClientId in UTC: the
/// zone is named, and for +1 / -1 the previous / next hour too (the same
/// bytes).
#[test]
fn local_time_corpus() {
    for offset_hours in (-12i8..=14).filter(|h| *h != 0) {
        let sent = password(SECRET, &shift(HOUR, i64::from(offset_hours)));
        let mut want = vec![Mistake::LocalTime { offset_hours }];
        match offset_hours {
            -1 => want.push(Mistake::PreviousHour),
            1 => want.push(Mistake::NextHour),
            _ => {}
        }
        assert_eq!(with_password(&sent), wrong(&want), "UTC{offset_hours:+}");
    }
    let text = with_password(&password(SECRET, &shift(HOUR, 1)))
        .unwrap()
        .to_string();
    assert!(text.contains("2 known mistakes"), "{text}");
    assert!(
        text.contains("UTC+1") && text.contains("hour after"),
        "{text}"
    );
}

#[test]
fn digest_mistake_corpus() {
    let digest = sha256(HOUR, SECRET);
    let right = hex(&digest);
    let b64 = Base64::encode_string(&digest);
    let cases = [
        (hex(&sha256(SECRET, HOUR)), Mistake::KeyMessageSwapped),
        (right.to_uppercase(), Mistake::UpperCaseHex),
        (b64.clone(), Mistake::Base64),
        (b64.trim_end_matches('=').to_owned(), Mistake::Base64),
        (
            hex(&hmac::<hmac::Hmac<sha1::Sha1>>(
                HOUR.as_bytes(),
                SECRET.as_bytes(),
            )),
            Mistake::HmacSha1,
        ),
        (
            hex(&hmac::<hmac::Hmac<md5::Md5>>(
                HOUR.as_bytes(),
                SECRET.as_bytes(),
            )),
            Mistake::HmacMd5,
        ),
        (
            password(&format!("{SECRET}\n"), HOUR),
            Mistake::SecretWhitespace(Whitespace::TrailingNewline),
        ),
        (
            password(&format!("{SECRET}\r\n"), HOUR),
            Mistake::SecretWhitespace(Whitespace::TrailingCrLf),
        ),
        (
            password(&format!("{SECRET} "), HOUR),
            Mistake::SecretWhitespace(Whitespace::TrailingSpace),
        ),
        (
            password(&format!("{SECRET}\t"), HOUR),
            Mistake::SecretWhitespace(Whitespace::TrailingTab),
        ),
        (
            password(&format!(" {SECRET}"), HOUR),
            Mistake::SecretWhitespace(Whitespace::LeadingSpace),
        ),
    ];
    for (sent, mistake) in cases {
        assert_eq!(with_password(&sent), wrong(&[mistake]), "{mistake}");
    }
}

/// A C device that treats the digest as a string stops at its first zero
/// byte; the hour is searched for one whose digest has a zero byte.
#[test]
fn digest_cut_at_zero_byte() {
    let (hour, kept) = (0..5000)
        .map(|h| shift(HOUR, h))
        .find_map(|hour| {
            let d = sha256(&hour, SECRET);
            d.iter().position(|b| *b == 0).map(|i| (hour, i))
        })
        .unwrap();
    let sent = hex(sha256(&hour, SECRET).get(..kept).unwrap());
    let a = attempt(&client_id(0, &hour), Some(DEVICE), Some(&sent));
    assert_eq!(
        diagnose_secret(DEVICE, SECRET, None, &a, AT).unwrap(),
        wrong(&[Mistake::CutAtZeroByte { kept_bytes: kept }])
    );
}

#[test]
fn given_secret_with_whitespace() {
    let a = attempt(
        &client_id(0, HOUR),
        Some(DEVICE),
        Some(&password(SECRET, HOUR)),
    );
    assert_eq!(
        diagnose_secret(DEVICE, &format!("{SECRET}\n"), None, &a, AT).unwrap(),
        wrong(&[Mistake::GivenSecretWhitespace])
    );
}

/// Another device's secret reproduces no known mistake: said so, no guess.
#[test]
fn unknown_password_is_not_guessed() {
    let got = with_password(&password("an0ther-secret", HOUR));
    assert_eq!(got, wrong(&[]));
    assert!(got
        .unwrap()
        .to_string()
        .contains("no known mistake reproduces it"));
}

#[test]
fn bad_input_is_an_error() {
    let a = attempt(&client_id(0, HOUR), Some(DEVICE), Some("x"));
    assert_eq!(
        diagnose_secret(DEVICE, "", None, &a, AT),
        Err(doctor::Error::EmptySecret)
    );
    assert!(matches!(
        diagnose_secret("dev ice", SECRET, None, &a, AT),
        Err(doctor::Error::DeviceId(_))
    ));
    assert!(matches!(
        diagnose_secret(DEVICE, SECRET, None, &a, i64::MIN),
        Err(doctor::Error::Time(_))
    ));
}

/// Every finding is one sentence: a capital, one final full stop, a fix
/// after the colon.
#[test]
fn findings_read_as_one_sentence() {
    let findings = [
        with_password(&password(SECRET, &shift(HOUR, 1))).unwrap(),
        with_password("nope").unwrap(),
        Finding::KeepAlive(10),
        Finding::MissingUsername,
        Finding::ClientIdFields {
            client_id: "x".into(),
        },
    ];
    for f in findings {
        let text = f.to_string();
        assert!(text.starts_with(char::is_uppercase), "{text}");
        assert!(
            text.ends_with('.') && !text.trim_end_matches('.').contains(". "),
            "{text}"
        );
        assert!(text.contains(": "), "{text}");
    }
}

mod certificates {
    //! The certificate rules on certificates made with the core's own PKI
    //! (the CLI tests make them with `openssl`): the cases that need files
    //! put together by hand, a chain file, a DER file, bad input.

    use iotda_core::doctor::{check_certificate, CertCheck, CertFile, Error, FingerprintSource};
    use iotda_core::pki::{
        self, create_ca, create_device_cert, FingerprintAlg, KeyType, PrivateKey, Subject, Validity,
    };
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    use super::*;

    /// 2025-06-15T15:06:40Z; the certificates start a day before and last
    /// ten days.
    const NOW: i64 = 1_750_000_000;

    struct Files {
        ca_pem: String,
        cert_pem: String,
        cert_der: Vec<u8>,
        key_pem: String,
        ca_sha256: String,
        cert_sha256: String,
    }

    fn files() -> Files {
        let mut rng = ChaCha20Rng::seed_from_u64(19);
        let validity = Validity::new(NOW - 86_400, 10);
        let ca_key = PrivateKey::generate(KeyType::P256, &mut rng).unwrap();
        let ca = create_ca(
            &ca_key,
            &Subject::with_common_name("CA"),
            validity,
            &mut rng,
        )
        .unwrap();
        let key = PrivateKey::generate(KeyType::P256, &mut rng).unwrap();
        let subject = Subject::with_common_name("meter-7");
        let (_, cert) =
            create_device_cert(&ca, &ca_key, &key, &subject, validity, &mut rng).unwrap();
        Files {
            ca_pem: ca.pem(),
            cert_pem: cert.pem(),
            cert_der: cert.der().to_vec(),
            key_pem: key.to_pkcs8_pem().unwrap(),
            ca_sha256: ca.fingerprint(FingerprintAlg::Sha256, false),
            cert_sha256: cert.fingerprint(FingerprintAlg::Sha256, false),
        }
    }

    /// A check of `cert` alone.
    fn only(cert: &[u8]) -> CertCheck<'_> {
        CertCheck {
            cert,
            key: None,
            key_passphrase: None,
            ca: None,
            fingerprint: None,
        }
    }

    fn check(cert: &[u8], ca: Option<&str>, fingerprint: Option<&str>) -> Option<Finding> {
        let c = CertCheck {
            ca: ca.map(str::as_bytes),
            fingerprint,
            ..only(cert)
        };
        check_certificate(&c, NOW).unwrap()
    }

    #[test]
    fn right_files_pass_in_pem_and_der() {
        let f = files();
        let c = CertCheck {
            key: Some(f.key_pem.as_bytes()),
            ca: Some(f.ca_pem.as_bytes()),
            fingerprint: Some(&f.cert_sha256),
            ..only(f.cert_pem.as_bytes())
        };
        assert_eq!(check_certificate(&c, NOW), Ok(None));
        assert_eq!(
            check(&f.cert_der, Some(&f.ca_pem), Some(&f.cert_sha256)),
            None
        );
    }

    #[test]
    fn fingerprints_of_other_things_are_named() {
        let f = files();
        let chain = format!("{}{}", f.cert_pem, f.ca_pem);
        // The CA's fingerprint: named as the CA's when the CA is given,
        // as another certificate of the file when only the chain has it.
        assert_eq!(
            check(chain.as_bytes(), Some(&f.ca_pem), Some(&f.ca_sha256)),
            Some(Finding::FingerprintOf(FingerprintSource::CaCertificate))
        );
        assert_eq!(
            check(chain.as_bytes(), None, Some(&f.ca_sha256)),
            Some(Finding::FingerprintOf(
                FingerprintSource::OtherCertificateInFile
            ))
        );
        let of_pem = pki::fingerprint(f.cert_pem.as_bytes(), FingerprintAlg::Sha256, false);
        assert_eq!(
            check(f.cert_pem.as_bytes(), None, Some(&of_pem)),
            Some(Finding::FingerprintOf(FingerprintSource::PemText))
        );
        let of_sha1_colons = pki::fingerprint(&f.cert_der, FingerprintAlg::Sha1, true);
        assert_eq!(
            check(f.cert_pem.as_bytes(), None, Some(&of_sha1_colons)),
            Some(Finding::FingerprintColons)
        );
        assert_eq!(
            check(f.cert_pem.as_bytes(), None, Some("AB-CD")),
            Some(Finding::FingerprintChar('-'))
        );
    }

    #[test]
    fn validity_is_judged_at_the_time_given() {
        let f = files();
        let c = |at| check_certificate(&only(f.cert_pem.as_bytes()), at).unwrap();
        assert!(matches!(
            c(NOW - 2 * 86_400),
            Some(Finding::CertNotYetValid { .. })
        ));
        assert!(matches!(
            c(NOW + 10 * 86_400),
            Some(Finding::CertExpired { .. })
        ));
        let text = c(NOW + 10 * 86_400).unwrap().to_string();
        assert!(
            text.starts_with("The certificate expired at 2025-06-24T15:06:40Z"),
            "{text}"
        );
    }

    #[test]
    fn unreadable_files_are_errors_naming_the_file() {
        let f = files();
        assert!(matches!(
            check_certificate(&only(f.key_pem.as_bytes()), NOW),
            Err(Error::File {
                file: CertFile::Certificate,
                ..
            })
        ));
        let c = CertCheck {
            key: Some(b"not a key"),
            ..only(f.cert_pem.as_bytes())
        };
        assert!(matches!(
            check_certificate(&c, NOW),
            Err(Error::File {
                file: CertFile::Key,
                ..
            })
        ));
    }
}
