//! AddCertificate, ListCertificates, CheckCertificate, DeleteCertificate,
//! with certificates made by OpenSSL.

use iotda_core::pki::rand_core::SeedableRng;
use iotda_core::pki::{create_ca, KeyType, PrivateKey, Subject, Validity};
use iotda_platform::client::{Client, Reply};
use iotda_testkit::{openssl_ca as make_ca, openssl_issue as make_signed, Scratch};
use serde_json::json;

use crate::{assert_error, Server};

/// AddCertificate with `content`.
fn upload(c: &Client, content: &str) -> Reply {
    c.call("POST", "certificates", Some(&json!({ "content": content })))
        .unwrap()
}

fn read(dir: &Scratch, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn a_ca_is_uploaded_verified_by_openssl_made_proof_listed_and_deleted() {
    let dir = Scratch::new("api-ca");
    make_ca(dir.path(), "root", "Root CA");
    let server = Server::start(dir.path(), false);
    let c = server.client();
    let up = upload(&c, &read(&dir, "root.pem"));
    assert_eq!(up.status, 201, "{}", up.text);
    assert_eq!(up.body["cn_name"], "Root CA");
    assert_eq!(up.body["status"], false);
    let id = up.body["certificate_id"].as_str().unwrap().to_string();
    let code = up.body["verify_code"].as_str().unwrap().to_string();
    assert!(code.len() >= 16, "{code}");

    // A certificate of the code signed by another key with the same name.
    let other = Scratch::new("api-ca-other");
    make_ca(other.path(), "root", "Root CA");
    make_signed(other.path(), "root", &code, "foreign");
    let verify = |pem: &str| {
        c.call(
            "POST",
            &format!("certificates/{id}/action?action_id=verify"),
            Some(&json!({ "verify_content": pem })),
        )
        .unwrap()
    };
    let msg = assert_error(&verify(&read(&other, "foreign.pem")), 400, "IOTDA.014909");
    assert!(msg.contains("not signed by this CA"), "{msg}");
    make_signed(dir.path(), "root", "not-the-code", "wrongcn");
    let msg = assert_error(&verify(&read(&dir, "wrongcn.pem")), 400, "IOTDA.014909");
    assert!(msg.contains("not-the-code") && msg.contains(&code), "{msg}");
    assert_error(
        &verify("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"),
        400,
        "IOTDA.014906",
    );

    make_signed(dir.path(), "root", &code, "proof");
    let ok = verify(&read(&dir, "proof.pem"));
    assert_eq!(ok.status, 200, "{}", ok.text);

    let list = c.call("GET", "certificates", None).unwrap();
    assert_eq!(list.status, 200);
    assert_eq!(list.body["page"]["count"], 1);
    assert_eq!(list.body["certificates"][0]["certificate_id"], id);
    assert_eq!(list.body["certificates"][0]["status"], true);

    let wrong_action = c
        .call(
            "POST",
            &format!("certificates/{id}/action?action_id=revoke"),
            Some(&json!({"verify_content": "x"})),
        )
        .unwrap();
    assert_error(&wrong_action, 400, "IOTDA.000006");
    assert_eq!(
        c.call("DELETE", &format!("certificates/{id}"), None)
            .unwrap()
            .status,
        204
    );
    assert_error(
        &c.call("DELETE", &format!("certificates/{id}"), None)
            .unwrap(),
        404,
        "IOTDA.014905",
    );
}

#[test]
fn a_pem_that_is_not_a_certificate_and_a_duplicate_are_refused() {
    let dir = Scratch::new("api-ca-bad");
    make_ca(dir.path(), "root", "Root");
    let server = Server::start(dir.path(), false);
    let c = server.client();
    let key = upload(&c, &read(&dir, "root.key"));
    let msg = assert_error(&key, 400, "IOTDA.014906");
    assert!(msg.contains("not a certificate"), "{msg}");
    let garbage = upload(&c, "hello");
    assert_error(&garbage, 400, "IOTDA.014906");
    assert_eq!(upload(&c, &read(&dir, "root.pem")).status, 201);
    let again = upload(&c, &read(&dir, "root.pem"));
    assert_error(&again, 409, "IOTDA.014907");
}

#[test]
fn the_101st_ca_is_refused() {
    let dir = Scratch::new("api-ca-limit");
    let server = Server::start(dir.path(), false);
    let c = server.client();
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(101);
    let key = PrivateKey::generate(KeyType::P256, &mut rng).unwrap();
    let upload_ca = |n: usize, rng: &mut rand_chacha::ChaCha20Rng| {
        let subject = Subject {
            common_name: Some(format!("CA {n}")),
            ..Subject::default()
        };
        let cert = create_ca(&key, &subject, Validity::new(1_700_000_000, 3650), rng).unwrap();
        upload(&c, &cert.pem())
    };
    for n in 0..100 {
        assert_eq!(upload_ca(n, &mut rng).status, 201);
    }
    let msg = assert_error(&upload_ca(100, &mut rng), 400, "IOTDA.014908");
    assert!(msg.contains("100"), "{msg}");
    let list = c
        .call("GET", "certificates?limit=50&offset=50", None)
        .unwrap();
    assert_eq!(list.body["page"]["count"], 100);
    assert_eq!(list.body["certificates"].as_array().unwrap().len(), 50);
}
