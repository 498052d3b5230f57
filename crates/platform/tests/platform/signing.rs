//! Requests signed with the platform's AK/SK pass; others are refused with
//! API Gateway's error; `--no-auth` admits unsigned requests from loopback.

use iotda_platform::client::Client;
use iotda_testkit::Scratch;

use crate::{assert_error, Server};

#[test]
fn unsigned_and_wrongly_signed_requests_are_refused() {
    let dir = Scratch::new("api-sign");
    let server = Server::start(dir.path(), false);
    let good = server.credentials();
    let unsigned = Client::new(&server.url(), None, &good.project_id);
    let msg = assert_error(
        &unsigned.call("GET", "products", None).unwrap(),
        401,
        "APIG.0301",
    );
    assert!(msg.contains("not signed"), "{msg}");
    let mut wrong = good.clone();
    wrong.sk = "x".repeat(40);
    let wrong_sk = Client::new(&server.url(), Some(wrong), &good.project_id);
    let msg = assert_error(
        &wrong_sk.call("GET", "products", None).unwrap(),
        401,
        "APIG.0301",
    );
    assert!(msg.contains("signature"), "{msg}");
    let mut wrong = good.clone();
    wrong.ak = "AKNOTTHEPLATFORMS000".into();
    let wrong_ak = Client::new(&server.url(), Some(wrong), &good.project_id);
    assert_error(
        &wrong_ak.call("GET", "products", None).unwrap(),
        401,
        "APIG.0301",
    );
    // Any project id is accepted.
    let other_project = Client::new(&server.url(), Some(good), "anyproject");
    assert_eq!(
        other_project.call("GET", "products", None).unwrap().status,
        200
    );
}

#[test]
fn no_auth_admits_unsigned_loopback_requests_but_still_checks_signed_ones() {
    let dir = Scratch::new("api-noauth");
    let server = Server::start(dir.path(), true);
    let good = server.credentials();
    let unsigned = Client::new(&server.url(), None, "p");
    assert_eq!(unsigned.call("GET", "products", None).unwrap().status, 200);
    let mut wrong = good;
    wrong.sk = "y".repeat(40);
    let wrong_sk = Client::new(&server.url(), Some(wrong), "p");
    assert_error(
        &wrong_sk.call("GET", "products", None).unwrap(),
        401,
        "APIG.0301",
    );
}
