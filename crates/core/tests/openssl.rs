//! `iotda_core::pki` checked against an independent implementation: the
//! real `openssl` (OpenSSL 3) command. Everything we generate must be
//! accepted by OpenSSL, and keys, CSRs and certificates OpenSSL generates
//! must be read and signed by us correctly. Also: bad-input tables (each
//! asserting the specific error) and a never-panic loop over random and
//! mutated input.
//!
//! Files live in a fresh directory under `std::env::temp_dir()`, removed
//! when each test ends.
// Helpers outside #[test] functions panic on failure too; that is the point.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use iotda_core::pki::{
    self, check_fingerprint, create_ca, create_csr, create_device_cert, create_verification_cert,
    fingerprint, inspect, key_matches, sign_csr, to_pkcs12, verify_signed_by, Certificate, Csr,
    Error, FingerprintAlg, Item, KeyType, P12Mode, PrivateKey, Subject, Validity,
};
use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// A fixed "now" (2025-06-15T15:06:40Z) so runs are reproducible; OpenSSL
/// checks validity against the real clock, so certificates start in the
/// past and last long enough.
const NOW: i64 = 1_750_000_000;

const OPENSSL: &str = "/usr/bin/openssl";
/// `-attime` for `openssl verify`, so that the checks do not depend on the
/// machine's clock.
const AT: &str = "1750000000";

/// A temporary directory, removed on drop.
struct Tmp(PathBuf);

impl Tmp {
    fn new(name: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "iotda-pki-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }

    fn write(&self, file: &str, data: impl AsRef<[u8]>) -> String {
        let p = self.path(file);
        std::fs::write(&p, data).unwrap();
        p.to_string_lossy().into_owned()
    }

    fn read(&self, file: &str) -> Vec<u8> {
        std::fs::read(self.path(file)).unwrap()
    }

    fn read_string(&self, file: &str) -> String {
        String::from_utf8(self.read(file)).unwrap()
    }

    /// Runs openssl in this directory; panics with its output on failure.
    /// Returns stdout + stderr.
    fn openssl(&self, args: &[&str]) -> String {
        let (ok, out) = self.openssl_status(args);
        assert!(ok, "openssl {} failed:\n{out}", args.join(" "));
        out
    }

    fn openssl_status(&self, args: &[&str]) -> (bool, String) {
        let out = Command::new(OPENSSL)
            .args(args)
            .current_dir(&self.0)
            .output()
            .expect("run /usr/bin/openssl");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// Validity that OpenSSL (which reads the real clock) accepts: starts a
/// day before the fixed NOW and runs for years.
fn validity(days: u32) -> Validity {
    Validity::new(NOW - 86_400, days)
}

/// `openssl x509 -fingerprint` output ("sha256 Fingerprint=AB:CD...") to
/// our form (no colons).
fn openssl_fingerprint(out: &str) -> String {
    let line = out.lines().find(|l| l.contains("Fingerprint=")).unwrap();
    line.split_once('=').unwrap().1.trim().replace(':', "")
}

/// Checks that `key` and `cert` (files in `tmp`) hold the same public key,
/// as OpenSSL sees them.
fn assert_openssl_key_matches(tmp: &Tmp, key_file: &str, cert_file: &str, pass: Option<&str>) {
    let mut args = vec!["pkey", "-in", key_file, "-pubout"];
    let passin;
    if let Some(p) = pass {
        passin = format!("pass:{p}");
        args.extend(["-passin", passin.as_str()]);
    }
    let from_key = tmp.openssl(&args);
    let from_cert = tmp.openssl(&["x509", "-in", cert_file, "-pubkey", "-noout"]);
    assert_eq!(from_key, from_cert, "{key_file} does not match {cert_file}");
}

/// The whole IoTDA flow for one key type, every artifact checked by OpenSSL.
fn full_chain(key_type: KeyType, seed: u64, default_pkcs8_iterations: bool) {
    let tmp = Tmp::new(key_type.name());
    let mut rng = rng(seed);

    let ca_key = PrivateKey::generate(key_type, &mut rng).unwrap();
    let ca_subject = Subject::parse("/C=CN/ST=GD/L=SZ/O=Org/OU=IoT/CN=Device CA").unwrap();
    let ca = create_ca(
        &ca_key,
        &ca_subject,
        validity(pki::DEFAULT_CA_DAYS),
        &mut rng,
    )
    .unwrap();
    let device_key = PrivateKey::generate(key_type, &mut rng).unwrap();
    let device_subject =
        Subject::parse("/C=CN/O=Org/OU=IoT/CN=product_node-1/emailAddress=ops@example.com")
            .unwrap();
    let (csr, device) = create_device_cert(
        &ca,
        &ca_key,
        &device_key,
        &device_subject,
        validity(pki::DEFAULT_DEVICE_DAYS),
        &mut rng,
    )
    .unwrap();
    let code = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    let (verify_key, verify_cert) = create_verification_cert(
        &ca,
        &ca_key,
        code,
        validity(pki::DEFAULT_VERIFICATION_DAYS),
        &mut rng,
    )
    .unwrap();

    tmp.write("rootCA.pem", ca.pem());
    tmp.write("rootCA.key", ca_key.to_pkcs8_pem().unwrap());
    tmp.write("deviceCert.pem", device.pem());
    tmp.write("deviceCert.key", device_key.to_pkcs8_pem().unwrap());
    tmp.write("deviceCert.csr", csr.pem());
    tmp.write("verifyCert.pem", verify_cert.pem());
    tmp.write("verifyCert.key", verify_key.to_pkcs8_pem().unwrap());

    // Chains verify.
    let out = tmp.openssl(&[
        "verify",
        "-attime",
        AT,
        "-CAfile",
        "rootCA.pem",
        "deviceCert.pem",
    ]);
    assert!(out.contains("deviceCert.pem: OK"), "{out}");
    let out = tmp.openssl(&[
        "verify",
        "-attime",
        AT,
        "-CAfile",
        "rootCA.pem",
        "verifyCert.pem",
    ]);
    assert!(out.contains("verifyCert.pem: OK"), "{out}");
    verify_signed_by(&device, &ca).unwrap();
    verify_signed_by(&verify_cert, &ca).unwrap();

    // Every CSR verifies: ours, and one for the verification key.
    let out = tmp.openssl(&["req", "-verify", "-noout", "-in", "deviceCert.csr"]);
    assert!(out.contains("verify OK"), "{out}");
    let vcsr = create_csr(&verify_key, &Subject::with_common_name(code), &mut rng).unwrap();
    tmp.write("verifyCert.csr", vcsr.pem());
    let out = tmp.openssl(&["req", "-verify", "-noout", "-in", "verifyCert.csr"]);
    assert!(out.contains("verify OK"), "{out}");

    // Fingerprints equal OpenSSL's, colons removed.
    for (alg, flag) in [
        (FingerprintAlg::Sha256, "-sha256"),
        (FingerprintAlg::Sha1, "-sha1"),
    ] {
        let out = tmp.openssl(&[
            "x509",
            "-noout",
            "-fingerprint",
            flag,
            "-in",
            "deviceCert.pem",
        ]);
        assert_eq!(
            fingerprint(device.der(), alg, false),
            openssl_fingerprint(&out)
        );
        assert_eq!(device.fingerprint(alg, false), openssl_fingerprint(&out));
        assert!(check_fingerprint(&device.fingerprint(alg, true)).is_ok());
    }

    // The verification certificate's CN is exactly the code.
    let out = tmp.openssl(&[
        "x509",
        "-noout",
        "-subject",
        "-nameopt",
        "RFC2253",
        "-in",
        "verifyCert.pem",
    ]);
    assert_eq!(out.trim(), format!("subject=CN={code}"));

    // Extensions as promised.
    let ca_text = tmp.openssl(&["x509", "-noout", "-text", "-in", "rootCA.pem"]);
    for needle in [
        "X509v3 Basic Constraints: critical",
        "CA:TRUE",
        "X509v3 Key Usage: critical",
        "Certificate Sign, CRL Sign",
        "X509v3 Subject Key Identifier",
        "X509v3 Authority Key Identifier",
    ] {
        assert!(ca_text.contains(needle), "CA lacks {needle}:\n{ca_text}");
    }
    let sig = if key_type.is_rsa() {
        "sha256WithRSAEncryption"
    } else if key_type == KeyType::P384 {
        "ecdsa-with-SHA384"
    } else {
        "ecdsa-with-SHA256"
    };
    assert!(
        ca_text.contains(&format!("Signature Algorithm: {sig}")),
        "{ca_text}"
    );
    let dev_text = tmp.openssl(&["x509", "-noout", "-text", "-in", "deviceCert.pem"]);
    for needle in [
        "CA:FALSE",
        "TLS Web Client Authentication",
        "Digital Signature",
        "X509v3 Subject Key Identifier",
        "X509v3 Authority Key Identifier",
    ] {
        assert!(
            dev_text.contains(needle),
            "device cert lacks {needle}:\n{dev_text}"
        );
    }
    assert_eq!(dev_text.contains("Key Encipherment"), key_type.is_rsa());
    let ca_ski = ca.subject_key_id().unwrap();
    assert_eq!(device.authority_key_id(), Some(ca_ski));
    assert_eq!(device.issuer(), ca.subject());

    // Keys match their certificates, as OpenSSL sees them and as we do.
    assert_openssl_key_matches(&tmp, "rootCA.key", "rootCA.pem", None);
    assert_openssl_key_matches(&tmp, "deviceCert.key", "deviceCert.pem", None);
    assert_openssl_key_matches(&tmp, "verifyCert.key", "verifyCert.pem", None);
    assert!(key_matches(&device, &device_key));
    assert!(!key_matches(&device, &ca_key));

    // Our encrypted PKCS#8 decrypts with OpenSSL.
    let enc = if default_pkcs8_iterations {
        device_key
            .to_encrypted_pkcs8_pem("pa ss:wörd", &mut rng)
            .unwrap()
    } else {
        device_key
            .to_encrypted_pkcs8_pem_with_iterations("pa ss:wörd", 10_000, &mut rng)
            .unwrap()
    };
    tmp.write("deviceCert.enc.key", &enc);
    assert_openssl_key_matches(
        &tmp,
        "deviceCert.enc.key",
        "deviceCert.pem",
        Some("pa ss:wörd"),
    );
    let asn1 = tmp.openssl(&["asn1parse", "-in", "deviceCert.enc.key"]);
    for needle in ["PBES2", "PBKDF2", "hmacWithSHA256", "aes-256-cbc"] {
        assert!(
            asn1.contains(needle),
            "encrypted key lacks {needle}:\n{asn1}"
        );
    }

    // PKCS#12 in both modes, read by OpenSSL 3 without -legacy.
    for (mode, mac, cipher) in [
        (P12Mode::Modern, "MAC: sha256", "AES-256-CBC"),
        (
            P12Mode::Compat,
            "MAC: sha1",
            "pbeWithSHA1And3-KeyTripleDES-CBC",
        ),
    ] {
        let p12 = to_pkcs12(
            &device_key,
            &device,
            std::slice::from_ref(&ca),
            "p12 secret",
            mode,
            Some("product_node-1"),
            &mut rng,
        )
        .unwrap();
        let file = format!("device-{mode:?}.p12");
        tmp.write(&file, &p12);
        let info = tmp.openssl(&[
            "pkcs12",
            "-info",
            "-noout",
            "-in",
            &file,
            "-passin",
            "pass:p12 secret",
        ]);
        assert!(info.contains(mac), "{mode:?}: {info}");
        assert!(info.contains(cipher), "{mode:?}: {info}");
        let (ok, out) = tmp.openssl_status(&[
            "pkcs12",
            "-info",
            "-noout",
            "-in",
            &file,
            "-passin",
            "pass:wrong",
        ]);
        assert!(!ok, "{mode:?}: a wrong password was accepted: {out}");

        let pem_file = format!("device-{mode:?}.pem");
        tmp.openssl(&[
            "pkcs12",
            "-in",
            &file,
            "-nodes",
            "-passin",
            "pass:p12 secret",
            "-out",
            &pem_file,
        ]);
        let text = tmp.read_string(&pem_file);
        assert!(text.contains("friendlyName: product_node-1"), "{text}");
        let key = PrivateKey::from_pem(&text, None).unwrap();
        assert_eq!(
            key.public_key_der().unwrap(),
            device_key.public_key_der().unwrap()
        );
        let certs = Certificate::parse_all(&text).unwrap();
        assert_eq!(certs.len(), 2, "{text}");
        assert!(certs.contains(&device) && certs.contains(&ca));
    }
}

#[test]
fn chain_p256_checked_by_openssl() {
    full_chain(KeyType::P256, 1, true);
}

#[test]
fn chain_rsa2048_checked_by_openssl() {
    full_chain(KeyType::Rsa2048, 2, false);
}

#[test]
fn chain_p384_checked_by_openssl() {
    full_chain(KeyType::P384, 3, false);
}

/// RSA 3072 and 4096: key generation and a CA, once each (slow in debug
/// builds).
#[test]
fn large_rsa_keys_and_cas() {
    let tmp = Tmp::new("rsa-large");
    let mut rng = rng(4);
    for key_type in [KeyType::Rsa3072, KeyType::Rsa4096] {
        let key = PrivateKey::generate(key_type, &mut rng).unwrap();
        assert_eq!(key.key_type(), Some(key_type));
        assert_eq!(key.bits(), key_type.bits());
        let ca = create_ca(
            &key,
            &Subject::with_common_name(format!("{key_type} CA")),
            validity(30),
            &mut rng,
        )
        .unwrap();
        let ca_file = format!("{key_type}.pem");
        let key_file = format!("{key_type}.key");
        tmp.write(&ca_file, ca.pem());
        tmp.write(&key_file, key.to_pkcs8_pem().unwrap());
        let out = tmp.openssl(&["verify", "-attime", AT, "-CAfile", &ca_file, &ca_file]);
        assert!(out.contains(": OK"), "{out}");
        let text = tmp.openssl(&["x509", "-noout", "-text", "-in", &ca_file]);
        assert!(
            text.contains(&format!("Public-Key: ({} bit)", key_type.bits())),
            "{text}"
        );
        assert_openssl_key_matches(&tmp, &key_file, &ca_file, None);
        let out = tmp.openssl(&["pkey", "-in", &key_file, "-check", "-noout"]);
        assert!(out.contains("valid"), "{out}");
    }
}

/// Keys made elsewhere as PKCS#8 DER (as the browser's WebCrypto exports
/// them, here by `openssl genpkey` and `openssl pkcs8 -topk8`) are imported with
/// `PrivateKey::from_der` and make a CA, its verification certificate and
/// a device certificate that OpenSSL accepts.
#[test]
fn pkcs8_der_rsa_keys_make_the_whole_chain() {
    let tmp = Tmp::new("pkcs8-der");
    let mut rng = rng(6);
    // OpenSSL writes an RSA key's DER as PKCS#1: `pkcs8 -topk8` makes it
    // the PKCS#8 `PrivateKeyInfo` WebCrypto exports.
    let imported = |file: &str| {
        tmp.openssl(&[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "new.pem",
        ]);
        tmp.openssl(&[
            "pkcs8", "-topk8", "-nocrypt", "-in", "new.pem", "-outform", "DER", "-out", file,
        ]);
        let key = PrivateKey::from_der(&tmp.read(file)).unwrap();
        assert_eq!(key.key_type(), Some(KeyType::Rsa2048));
        key
    };
    let (ca_key, verify_key, device_key) = (
        imported("ca.der"),
        imported("verify.der"),
        imported("device.der"),
    );
    let ca = create_ca(
        &ca_key,
        &Subject::with_common_name("Imported CA"),
        validity(30),
        &mut rng,
    )
    .unwrap();
    assert_eq!(pki::verification_key_type(&ca_key), KeyType::Rsa2048);
    let verify = pki::create_verification_cert_for(
        &ca,
        &ca_key,
        &verify_key,
        "0123456789abcdef",
        validity(30),
        &mut rng,
    )
    .unwrap();
    let device = pki::batch::issue_device_with_key(
        &ca,
        &ca_key,
        "node-1",
        device_key,
        validity(30),
        &mut rng,
    )
    .unwrap();
    tmp.write("ca.pem", ca.pem());
    tmp.write("verify.pem", verify.pem());
    tmp.write("device.pem", device.cert.pem());
    tmp.write("device.key", device.key.to_pkcs8_pem().unwrap());
    let out = tmp.openssl(&[
        "verify",
        "-attime",
        AT,
        "-CAfile",
        "ca.pem",
        "verify.pem",
        "device.pem",
    ]);
    assert_eq!(out, "verify.pem: OK\ndevice.pem: OK\n");
    for file in ["ca.pem", "verify.pem", "device.pem"] {
        let text = tmp.openssl(&["x509", "-noout", "-text", "-in", file]);
        assert!(text.contains("Public-Key: (2048 bit)"), "{file}: {text}");
    }
    assert_openssl_key_matches(&tmp, "device.key", "device.pem", None);
    // The verification certificate holds the imported key, not a new one.
    assert!(key_matches(&verify, &verify_key));
}

/// Keys, CSRs and certificates made by OpenSSL are read, inspected and
/// signed by us, and OpenSSL accepts what we sign.
#[test]
fn openssl_material_is_imported_and_signed() {
    let tmp = Tmp::new("import");
    let mut rng = rng(5);

    // A P-256 CA made by OpenSSL (PKCS#8 key).
    tmp.openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "3650",
        "-subj",
        "/C=CN/ST=Guangdong/L=Shenzhen/O=OpenSSL CA Org/OU=Unit/CN=ossl-ca",
    ]);
    let ca_pem = tmp.read_string("ca.pem");
    let ca = Certificate::from_pem(&ca_pem).unwrap();
    // OpenSSL's certificates start at the machine's clock: issue ours from
    // then, and verify an hour later.
    let t0 = ca.not_before();
    let at = (t0 + 3600).to_string();
    let at = at.as_str();
    let validity = |days| Validity::new(t0, days);
    let ca_key = PrivateKey::from_pem(&tmp.read_string("ca.key"), None).unwrap();
    assert_eq!(ca_key.key_type(), Some(KeyType::P256));
    assert!(ca.is_ca() && ca.is_self_signed());
    assert_eq!(
        ca.subject(),
        "/C=CN/ST=Guangdong/L=Shenzhen/O=OpenSSL CA Org/OU=Unit/CN=ossl-ca"
    );
    assert!(key_matches(&ca, &ca_key));
    let items = inspect(
        format!("{ca_pem}{}", tmp.read_string("ca.key")).as_bytes(),
        t0,
    )
    .unwrap();
    match items.as_slice() {
        [Item::Certificate(c), Item::PrivateKey(k)] => {
            assert!(c.is_ca && c.self_signed);
            assert_eq!(c.key, "ECDSA P-256");
            assert_eq!(c.signature_algorithm, "ecdsa-with-SHA256");
            assert_eq!(k.format, "PKCS#8");
            let out = tmp.openssl(&["x509", "-noout", "-fingerprint", "-sha256", "-in", "ca.pem"]);
            assert_eq!(c.sha256_fingerprint, openssl_fingerprint(&out));
            let out = tmp.openssl(&["x509", "-noout", "-serial", "-in", "ca.pem"]);
            assert_eq!(format!("serial={}", c.serial), out.trim());
        }
        other => panic!("{other:?}"),
    }

    // An EC CSR made by OpenSSL, signed by us with OpenSSL's CA.
    tmp.openssl(&[
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "dev.key",
        "-out",
        "dev.csr",
        "-subj",
        "/C=CN/ST=GD/O=Dev Org/OU=a/CN=dev-ossl/emailAddress=a@b.example",
    ]);
    let csr_pem = tmp.read("dev.csr");
    let dev = sign_csr(&ca, &ca_key, &csr_pem, validity(500), &mut rng).unwrap();
    assert_eq!(
        dev.subject(),
        "/C=CN/ST=GD/O=Dev Org/OU=a/CN=dev-ossl/emailAddress=a@b.example"
    );
    tmp.write("dev.pem", dev.pem());
    let out = tmp.openssl(&["verify", "-attime", at, "-CAfile", "ca.pem", "dev.pem"]);
    assert!(out.contains("dev.pem: OK"), "{out}");
    assert_openssl_key_matches(&tmp, "dev.key", "dev.pem", None);
    verify_signed_by(&dev, &ca).unwrap();
    // The same CSR as DER.
    tmp.openssl(&[
        "req",
        "-in",
        "dev.csr",
        "-outform",
        "DER",
        "-out",
        "dev.csr.der",
    ]);
    let dev2 = sign_csr(
        &ca,
        &ca_key,
        &tmp.read("dev.csr.der"),
        validity(500),
        &mut rng,
    )
    .unwrap();
    assert_eq!(dev2.subject(), dev.subject());

    // RSA: PKCS#8 from genrsa, PKCS#1 from genrsa -traditional; an RSA CSR
    // signed by the EC CA.
    tmp.openssl(&["genrsa", "-out", "rsa.key", "2048"]);
    tmp.openssl(&["genrsa", "-traditional", "-out", "rsa1.key", "2048"]);
    assert!(tmp
        .read_string("rsa1.key")
        .contains("BEGIN RSA PRIVATE KEY"));
    for file in ["rsa.key", "rsa1.key"] {
        let key = PrivateKey::from_pem(&tmp.read_string(file), None).unwrap();
        assert_eq!(key.key_type(), Some(KeyType::Rsa2048));
        let ours = pem_public_key(&key);
        let theirs = tmp.openssl(&["pkey", "-in", file, "-pubout"]);
        assert_eq!(ours, theirs, "{file}");
    }
    tmp.openssl(&[
        "req",
        "-new",
        "-key",
        "rsa.key",
        "-subj",
        "/CN=rsa-dev",
        "-out",
        "rsa.csr",
    ]);
    let rsa_dev = sign_csr(&ca, &ca_key, &tmp.read("rsa.csr"), validity(500), &mut rng).unwrap();
    tmp.write("rsa-dev.pem", rsa_dev.pem());
    let out = tmp.openssl(&["verify", "-attime", at, "-CAfile", "ca.pem", "rsa-dev.pem"]);
    assert!(out.contains("rsa-dev.pem: OK"), "{out}");
    let text = tmp.openssl(&["x509", "-noout", "-text", "-in", "rsa-dev.pem"]);
    assert!(
        text.contains("Digital Signature, Key Encipherment"),
        "{text}"
    );

    // An RSA CA made by OpenSSL signs a P-384 CSR (OpenSSL signs it with
    // SHA-256, a combination we must verify too).
    tmp.openssl(&[
        "req",
        "-x509",
        "-key",
        "rsa1.key",
        "-out",
        "rsa-ca.pem",
        "-days",
        "3650",
        "-subj",
        "/O=RSA CA/CN=ossl-rsa-ca",
    ]);
    let rsa_ca = Certificate::from_pem(&tmp.read_string("rsa-ca.pem")).unwrap();
    let rsa_ca_key = PrivateKey::from_pem(&tmp.read_string("rsa1.key"), None).unwrap();
    tmp.openssl(&[
        "ecparam",
        "-genkey",
        "-name",
        "secp384r1",
        "-noout",
        "-out",
        "p384.key",
    ]);
    tmp.openssl(&[
        "req",
        "-new",
        "-key",
        "p384.key",
        "-subj",
        "/CN=p384-dev",
        "-out",
        "p384.csr",
    ]);
    let csr = Csr::from_pem(&tmp.read_string("p384.csr")).unwrap();
    csr.verify_signature().unwrap();
    let p384_dev = sign_csr(&rsa_ca, &rsa_ca_key, csr.der(), validity(500), &mut rng).unwrap();
    tmp.write("p384-dev.pem", p384_dev.pem());
    let out = tmp.openssl(&[
        "verify",
        "-attime",
        at,
        "-CAfile",
        "rsa-ca.pem",
        "p384-dev.pem",
    ]);
    assert!(out.contains("p384-dev.pem: OK"), "{out}");

    // SEC1 keys from `openssl ecparam -genkey` (with its EC PARAMETERS block).
    tmp.openssl(&[
        "ecparam",
        "-genkey",
        "-name",
        "prime256v1",
        "-out",
        "sec1.key",
    ]);
    let sec1 = tmp.read_string("sec1.key");
    assert!(sec1.contains("BEGIN EC PARAMETERS") && sec1.contains("BEGIN EC PRIVATE KEY"));
    let key = PrivateKey::from_pem(&sec1, None).unwrap();
    assert_eq!(key.key_type(), Some(KeyType::P256));
    assert_eq!(
        pem_public_key(&key),
        tmp.openssl(&["pkey", "-in", "sec1.key", "-pubout"])
    );
    match inspect(sec1.as_bytes(), NOW).unwrap().as_slice() {
        [Item::PrivateKey(k)] => {
            assert_eq!((k.key.as_str(), k.format.as_str()), ("ECDSA P-256", "SEC1"))
        }
        other => panic!("{other:?}"),
    }
    let p384 = PrivateKey::from_pem(&tmp.read_string("p384.key"), None).unwrap();
    assert_eq!(p384.key_type(), Some(KeyType::P384));

    // Encrypted PKCS#8 from OpenSSL: PBKDF2 + AES-256-CBC, and scrypt.
    tmp.openssl(&[
        "pkcs8",
        "-topk8",
        "-v2",
        "aes-256-cbc",
        "-in",
        "sec1.key",
        "-passout",
        "pass:pw",
        "-out",
        "enc.key",
    ]);
    tmp.openssl(&[
        "pkcs8",
        "-topk8",
        "-scrypt",
        "-in",
        "rsa.key",
        "-passout",
        "pass:pw",
        "-out",
        "enc-scrypt.key",
    ]);
    let enc = tmp.read_string("enc.key");
    let key = PrivateKey::from_pem(&enc, Some("pw")).unwrap();
    assert_eq!(
        pem_public_key(&key),
        tmp.openssl(&["pkey", "-in", "sec1.key", "-pubout"])
    );
    assert_eq!(
        PrivateKey::from_pem(&enc, None).unwrap_err(),
        Error::PassphraseRequired
    );
    assert_eq!(
        PrivateKey::from_pem(&enc, Some("nope")).unwrap_err(),
        Error::WrongPassphrase
    );
    assert_eq!(
        inspect(enc.as_bytes(), NOW).unwrap(),
        vec![Item::EncryptedPrivateKey]
    );
    let key = PrivateKey::from_pem(&tmp.read_string("enc-scrypt.key"), Some("pw")).unwrap();
    assert_eq!(
        pem_public_key(&key),
        tmp.openssl(&["pkey", "-in", "rsa.key", "-pubout"])
    );

    // DER inputs to inspect: certificate, CSR, PKCS#8 key, public key.
    tmp.openssl(&["x509", "-in", "ca.pem", "-outform", "DER", "-out", "ca.der"]);
    tmp.openssl(&[
        "pkey",
        "-in",
        "ca.key",
        "-outform",
        "DER",
        "-out",
        "ca.key.der",
    ]);
    tmp.openssl(&[
        "pkey",
        "-in",
        "ca.key",
        "-pubout",
        "-outform",
        "DER",
        "-out",
        "ca.pub.der",
    ]);
    assert!(matches!(
        inspect(&tmp.read("ca.der"), NOW).unwrap().as_slice(),
        [Item::Certificate(_)]
    ));
    assert!(
        matches!(inspect(&tmp.read("dev.csr.der"), NOW).unwrap().as_slice(), [Item::Csr(c)] if c.signature_valid)
    );
    assert!(matches!(
        inspect(&tmp.read("ca.key.der"), NOW).unwrap().as_slice(),
        [Item::PrivateKey(_)]
    ));
    assert!(
        matches!(inspect(&tmp.read("ca.pub.der"), NOW).unwrap().as_slice(), [Item::PublicKey(k)] if k.key == "ECDSA P-256")
    );
    assert_eq!(Certificate::parse(&tmp.read("ca.der")).unwrap(), ca);
}

fn pem_public_key(key: &PrivateKey) -> String {
    let der = key.public_key_der().unwrap();
    // Same layout OpenSSL prints: 64-column base64, LF.
    let b64 = base64(&der);
    let mut out = String::from("-----BEGIN PUBLIC KEY-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out.push_str("-----END PUBLIC KEY-----\n");
    out
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(T[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A CA, a device certificate and its key for the input tests.
fn sample(seed: u64) -> (PrivateKey, Certificate, PrivateKey, Certificate, Csr) {
    let mut rng = rng(seed);
    let ca_key = PrivateKey::generate(KeyType::P256, &mut rng).unwrap();
    let ca = create_ca(
        &ca_key,
        &Subject::with_common_name("CA"),
        validity(100),
        &mut rng,
    )
    .unwrap();
    let dev_key = PrivateKey::generate(KeyType::P256, &mut rng).unwrap();
    let (csr, dev) = create_device_cert(
        &ca,
        &ca_key,
        &dev_key,
        &Subject::parse("/O=Org/CN=dev").unwrap(),
        validity(100),
        &mut rng,
    )
    .unwrap();
    (ca_key, ca, dev_key, dev, csr)
}

#[test]
fn bad_inputs_give_specific_errors() {
    let tmp = Tmp::new("bad");
    let mut rng = rng(6);
    let (ca_key, ca, dev_key, dev, csr) = sample(6);
    let cert_pem = dev.pem();
    let lines: Vec<&str> = cert_pem.lines().collect();

    // Truncated PEM: no END line.
    let no_end = lines[..lines.len() - 1].join("\n");
    assert_eq!(
        Certificate::from_pem(&no_end),
        Err(Error::PemMissingEnd {
            label: "CERTIFICATE".into()
        })
    );
    // Base64 cut short inside a line.
    let mut cut = lines.clone();
    let short = &lines[2][..lines[2].len() - 3];
    cut[2] = short;
    assert_eq!(
        Certificate::from_pem(&cut.join("\n")),
        Err(Error::PemBase64 {
            label: "CERTIFICATE".into()
        })
    );
    // A whole line missing: valid base64, truncated DER.
    let mut missing = lines.clone();
    missing.remove(3);
    assert!(matches!(
        Certificate::from_pem(&missing.join("\n")),
        Err(Error::MalformedDer { what, .. }) if what == iotda_core::text::keys::pki::WHAT_CERTIFICATE
    ));
    // Wrong label: a key where a certificate is expected, and the reverse.
    let key_pem = dev_key.to_pkcs8_pem().unwrap();
    let err = Certificate::from_pem(&key_pem).unwrap_err();
    assert_eq!(
        err,
        Error::WrongPemLabel {
            expected: iotda_core::text::keys::pki::EXPECTED_CERTIFICATE,
            found: "PRIVATE KEY".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "expected a certificate, found a PRIVATE KEY block"
    );
    assert_eq!(
        PrivateKey::from_pem(&cert_pem, None).unwrap_err(),
        Error::WrongPemLabel {
            expected: iotda_core::text::keys::pki::EXPECTED_PRIVATE_KEY,
            found: "CERTIFICATE".into()
        }
    );
    // Garbage and empty input.
    let garbage = [0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x13, 0x37];
    assert_eq!(
        inspect(&garbage, NOW),
        Err(Error::UnrecognizedInput { len: 8 })
    );
    assert!(matches!(
        Certificate::parse(&garbage),
        Err(Error::MalformedDer { what, .. }) if what == iotda_core::text::keys::pki::WHAT_CERTIFICATE
    ));
    assert_eq!(inspect(b"", NOW), Err(Error::EmptyInput));
    assert_eq!(Certificate::from_pem(""), Err(Error::EmptyInput));
    assert_eq!(
        Certificate::from_pem("no pem here"),
        Err(Error::NoPem {
            expected: "CERTIFICATE"
        })
    );
    assert_eq!(
        Error::NoPem {
            expected: "CERTIFICATE"
        }
        .to_string(),
        "no PEM block found: expected -----BEGIN CERTIFICATE-----"
    );

    // A CSR with one flipped signature byte: rejected by us and by OpenSSL.
    let mut der = csr.der().to_vec();
    let last = der.len() - 1;
    der[last] ^= 0x01;
    let err = sign_csr(&ca, &ca_key, &der, validity(10), &mut rng).unwrap_err();
    assert_eq!(err, Error::CsrSignatureInvalid);
    assert_eq!(
        err.to_string(),
        "the CSR's signature does not verify: it was changed after signing"
    );
    tmp.write("tampered.csr", &der);
    // (OpenSSL 3.0 exits 0 here, so read what it says.)
    let (_, out) = tmp.openssl_status(&[
        "req",
        "-verify",
        "-noout",
        "-inform",
        "DER",
        "-in",
        "tampered.csr",
    ]);
    assert!(
        out.contains("verify failure") && !out.contains("verify OK"),
        "{out}"
    );
    // A changed subject byte (inside the signed part) is caught too.
    let mut der = csr.der().to_vec();
    let pos = der.windows(3).position(|w| w == b"dev").unwrap();
    der[pos] = b'D';
    assert_eq!(
        sign_csr(&ca, &ca_key, &der, validity(10), &mut rng),
        Err(Error::CsrSignatureInvalid)
    );

    // Passphrases.
    let enc = dev_key
        .to_encrypted_pkcs8_pem_with_iterations("right", 1000, &mut rng)
        .unwrap();
    assert_eq!(
        PrivateKey::from_pem(&enc, Some("wrong")).unwrap_err(),
        Error::WrongPassphrase
    );
    assert_eq!(
        Error::WrongPassphrase.to_string(),
        "wrong passphrase for the encrypted private key"
    );
    assert_eq!(
        PrivateKey::from_pem(&enc, None).unwrap_err(),
        Error::PassphraseRequired
    );

    // Subjects.
    assert_eq!(
        Subject::parse("/C=C/CN=x"),
        Err(Error::InvalidCountry { value: "C".into() })
    );
    assert_eq!(
        Subject::parse(&format!("/CN={}", "x".repeat(65))),
        Err(Error::SubjectValueTooLong {
            key: "CN",
            max: 64,
            len: 65
        })
    );
    assert_eq!(
        Subject::parse("/C=CN/FOO=bar/CN=x"),
        Err(Error::UnknownSubjectKey { key: "FOO".into() })
    );
    // Verification code with a newline.
    assert!(matches!(
        create_verification_cert(&ca, &ca_key, "ABC123\n", validity(10), &mut rng),
        Err(Error::InvalidVerificationCode { .. })
    ));
    // Fingerprints.
    assert_eq!(
        check_fingerprint(&"A".repeat(63)),
        Err(Error::FingerprintLength { len: 63 })
    );
    // A certificate checked against the wrong CA.
    let mut rng2 = self::rng(8);
    let other_key = PrivateKey::generate(KeyType::P256, &mut rng2).unwrap();
    let other_ca = create_ca(
        &other_key,
        &Subject::with_common_name("Other CA"),
        validity(100),
        &mut rng2,
    )
    .unwrap();
    assert_eq!(
        verify_signed_by(&dev, &other_ca),
        Err(Error::IssuerMismatch {
            issuer: "/CN=CA".into(),
            ca_subject: "/CN=Other CA".into()
        })
    );
    // Same name, different key: the signature check must catch it.
    let impostor = create_ca(
        &other_key,
        &Subject::with_common_name("CA"),
        validity(100),
        &mut rng2,
    )
    .unwrap();
    assert_eq!(
        verify_signed_by(&dev, &impostor),
        Err(Error::CertSignatureInvalid)
    );
    assert_eq!(
        to_pkcs12(&ca_key, &dev, &[], "pw", P12Mode::Modern, None, &mut rng),
        Err(Error::KeyMismatch)
    );
}

#[test]
fn inspect_bundles_and_rewrapped_pem() {
    let (_, ca, dev_key, dev, csr) = sample(9);
    let bundle = format!(
        "Bag Attributes\n    friendlyName: x\n{}\n\nsome text\n{}{}",
        ca.pem(),
        dev.pem(),
        dev_key.to_pkcs8_pem().unwrap()
    );
    let items = inspect(bundle.as_bytes(), NOW).unwrap();
    match items.as_slice() {
        [Item::Certificate(a), Item::Certificate(b), Item::PrivateKey(k)] => {
            assert_eq!(a.subject, "/CN=CA");
            assert!(a.is_ca && a.self_signed);
            assert_eq!(b.subject, "/O=Org/CN=dev");
            assert_eq!(b.issuer, "/CN=CA");
            assert!(!b.is_ca && !b.self_signed);
            assert_eq!(b.key_usage, vec!["digitalSignature".to_string()]);
            assert_eq!(
                b.sha256_fingerprint,
                dev.fingerprint(FingerprintAlg::Sha256, false)
            );
            assert_eq!(b.sha1_fingerprint.len(), 40);
            assert_eq!(b.not_before, NOW - 86_400);
            assert_eq!(b.not_before_iso, "2025-06-14T15:06:40Z");
            assert!(!b.expired && !b.not_yet_valid);
            assert_eq!(k.key, "ECDSA P-256");
            assert_eq!(k.bits, 256);
            assert_eq!(
                k.public_key_sha256,
                fingerprint(
                    &dev.public_key_der().unwrap(),
                    FingerprintAlg::Sha256,
                    false
                )
            );
        }
        other => panic!("{other:?}"),
    }
    // Validity flags follow `now`.
    match inspect(dev.pem().as_bytes(), NOW + 95 * 86_400)
        .unwrap()
        .as_slice()
    {
        [Item::Certificate(c)] => assert!(c.expires_within_30_days && !c.expired),
        other => panic!("{other:?}"),
    }
    match inspect(dev.pem().as_bytes(), NOW + 200 * 86_400)
        .unwrap()
        .as_slice()
    {
        [Item::Certificate(c)] => assert!(c.expired && !c.expires_within_30_days),
        other => panic!("{other:?}"),
    }
    match inspect(dev.pem().as_bytes(), NOW - 2 * 86_400)
        .unwrap()
        .as_slice()
    {
        [Item::Certificate(c)] => assert!(c.not_yet_valid),
        other => panic!("{other:?}"),
    }

    // 76-column base64, CRLF, junk lines before and after: same result.
    let body: String = dev
        .pem()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let mut rewrapped = String::from("junk before\r\n\r\n-----BEGIN CERTIFICATE-----\r\n");
    for chunk in body.as_bytes().chunks(76) {
        rewrapped.push_str(std::str::from_utf8(chunk).unwrap());
        rewrapped.push_str("\r\n");
    }
    rewrapped.push_str("-----END CERTIFICATE-----\r\njunk after\r\n");
    assert_eq!(
        inspect(rewrapped.as_bytes(), NOW).unwrap(),
        inspect(dev.pem().as_bytes(), NOW).unwrap()
    );
    assert_eq!(Certificate::from_pem(&rewrapped).unwrap(), dev);

    // CSR, public key and encrypted key blocks.
    let mut rng = rng(10);
    let text = format!(
        "{}{}-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        csr.pem(),
        dev_key
            .to_encrypted_pkcs8_pem_with_iterations("x", 1000, &mut rng)
            .unwrap(),
        base64(&dev_key.public_key_der().unwrap())
    );
    match inspect(text.as_bytes(), NOW).unwrap().as_slice() {
        [Item::Csr(c), Item::EncryptedPrivateKey, Item::PublicKey(p)] => {
            assert!(c.signature_valid);
            assert_eq!(c.subject, "/O=Org/CN=dev");
            assert_eq!(c.public_key_sha256, p.public_key_sha256);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        inspect(
            b"-----BEGIN X509 CRL-----\nMAMCAQE=\n-----END X509 CRL-----\n",
            NOW
        ),
        Err(Error::UnsupportedPemLabel {
            label: "X509 CRL".into()
        })
    );
}

/// Random bytes, and valid PEM / DER with random damage, never panic.
#[test]
fn random_and_mutated_input_never_panics() {
    let (ca_key, ca, dev_key, dev, csr) = sample(11);
    let mut rng = rng(12);
    let enc = dev_key
        .to_encrypted_pkcs8_pem_with_iterations("pw", 1000, &mut rng)
        .unwrap();
    let seeds: Vec<Vec<u8>> = vec![
        dev.der().to_vec(),
        ca.der().to_vec(),
        csr.der().to_vec(),
        dev_key.to_pkcs8_der().unwrap(),
        dev_key.public_key_der().unwrap(),
        dev.pem().into_bytes(),
        format!("{}{}", csr.pem(), ca_key.to_pkcs8_pem().unwrap()).into_bytes(),
        enc.into_bytes(),
    ];
    let exercise = |input: &[u8]| {
        let _ = inspect(input, NOW);
        let _ = Certificate::parse(input);
        let _ = Csr::parse(input);
        let _ = PrivateKey::parse(input, Some("pw"));
        let text = String::from_utf8_lossy(input);
        let _ = Certificate::parse_all(&text);
        let _ = Subject::parse(&text);
        let _ = check_fingerprint(&text);
        let _ = sign_csr(&ca, &ca_key, input, validity(1), &mut self::rng(0));
    };
    for i in 0..3000 {
        let input: Vec<u8> = match i % 4 {
            // Pure random bytes of random length.
            0 => {
                let len = (rng.next_u32() % 300) as usize;
                let mut v = vec![0u8; len];
                rng.fill_bytes(&mut v);
                v
            }
            // A valid object with a few bytes changed.
            1 => {
                let mut v = seeds[i / 4 % seeds.len()].clone();
                for _ in 0..1 + rng.next_u32() % 4 {
                    let pos = rng.next_u32() as usize % v.len();
                    v[pos] = rng.next_u32() as u8;
                }
                v
            }
            // A valid object cut short.
            2 => {
                let v = &seeds[i / 4 % seeds.len()];
                v[..rng.next_u32() as usize % v.len()].to_vec()
            }
            // A valid object with random bytes inserted.
            _ => {
                let mut v = seeds[i / 4 % seeds.len()].clone();
                let pos = rng.next_u32() as usize % v.len();
                let mut extra = vec![0u8; 1 + rng.next_u32() as usize % 8];
                rng.fill_bytes(&mut extra);
                v.splice(pos..pos, extra);
                v
            }
        };
        exercise(&input);
    }
    // All 256 one-byte inputs and every prefix of a certificate.
    for b in 0..=255u8 {
        exercise(&[b]);
    }
    for n in 0..dev.der().len() {
        assert!(inspect(&dev.der()[..n], NOW).is_err());
    }
}
