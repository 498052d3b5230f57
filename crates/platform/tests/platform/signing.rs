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

/// A page on another site can make the browser send a request here (a form
/// post, a `no-cors` fetch with a text body) but the browser names that
/// page's origin: with `--no-auth` such a request must not reach a handler.
#[test]
fn no_auth_refuses_what_another_sites_page_sends() {
    let dir = Scratch::new("api-origin");
    let server = Server::start(dir.path(), true);
    let addr: std::net::SocketAddr = server.url().trim_start_matches("http://").parse().unwrap();
    let body = r#"{"name":"Forged","device_type":"Meter","protocol_type":"MQTT","data_format":"json","service_capabilities":[],"product_id":"forged"}"#;
    let post = |origin: &str| {
        let request = format!(
            "POST /v5/iot/p/products HTTP/1.1\r\nHost: {addr}\r\nOrigin: {origin}\r\n\
             Content-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        iotda_testkit::http::raw(addr, request.as_bytes())
    };
    for foreign in ["http://evil.example", "null", "https://127.0.0.1:1"] {
        let answer = post(foreign);
        assert_eq!(answer.status, 403, "{foreign}");
        assert!(
            String::from_utf8_lossy(&answer.body).contains("its own origin"),
            "{foreign}"
        );
    }
    let unsigned = Client::new(&server.url(), None, "p");
    let listed = unsigned.call("GET", "products", None).unwrap();
    assert_eq!(
        listed.body["products"],
        serde_json::json!([]),
        "nothing was made"
    );
    // The platform's own page, at either loopback name, is served.
    let own = post(&format!("http://{addr}"));
    assert_eq!(own.status, 201, "{}", String::from_utf8_lossy(&own.body));
}

/// The platform's own page calls the API with the token it reads at
/// `/kit/page-session`, not with the SK.
#[test]
fn the_page_calls_the_api_with_its_session_token() {
    let dir = Scratch::new("api-page-token");
    let server = Server::start(dir.path(), false);
    let good = server.credentials();
    let addr: std::net::SocketAddr = server.url().trim_start_matches("http://").parse().unwrap();
    let get = |path: &str, extra: &str| {
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n");
        iotda_testkit::http::raw(addr, request.as_bytes())
    };
    let session = get("/kit/page-session", "");
    assert_eq!(session.status, 200);
    assert_eq!(session.header("cache-control"), Some("no-store"));
    assert_eq!(
        session.header("cross-origin-resource-policy"),
        Some("same-origin")
    );
    let body: serde_json::Value = serde_json::from_slice(&session.body).unwrap();
    let token = body["token"].as_str().unwrap().to_owned();
    assert_eq!(body["project_id"], good.project_id.as_str());
    // No device access, so no WebSocket listener to tell of.
    assert_eq!(body["ws_url"], serde_json::Value::Null);
    assert_eq!(body["wss_url"], serde_json::Value::Null);
    assert_eq!(body["mqtts_url"], serde_json::Value::Null);
    assert!(
        token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "{token}"
    );
    assert!(token != good.sk && token != good.ak);

    let products = format!("/v5/iot/{}/products", good.project_id);
    let with = get(&products, &format!("X-Kit-Token: {token}\r\n"));
    assert_eq!(with.status, 200, "{}", String::from_utf8_lossy(&with.body));
    let mut wrong = token.clone().into_bytes();
    wrong[0] = if wrong[0] == b'0' { b'1' } else { b'0' };
    let wrong = String::from_utf8(wrong).unwrap();
    for extra in [format!("X-Kit-Token: {wrong}\r\n"), String::new()] {
        assert_eq!(get(&products, &extra).status, 401, "{extra}");
    }
    // Another site's page cannot ask for it: the browser names its origin.
    let foreign = get("/kit/page-session", "Origin: http://evil.example\r\n");
    assert_eq!(foreign.status, 403);
}

/// With device access, the page session tells the page where devices
/// connect over WebSocket (the Console's "Local platform") and over MQTTS
/// with the platform CA's file (the Guide's command for the device).
#[test]
fn the_page_session_names_the_websocket_listener() {
    let dir = Scratch::new("api-page-ws");
    let server = Server::start_with(dir.path(), |c| {
        if let Some(access) = c.access.as_mut() {
            access.ws_port = Some(0);
            access.wss_port = Some(0);
            access.mqtts_port = Some(0);
        }
    });
    let addr: std::net::SocketAddr = server.url().trim_start_matches("http://").parse().unwrap();
    let request =
        format!("GET /kit/page-session HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let session = iotda_testkit::http::raw(addr, request.as_bytes());
    assert_eq!(session.status, 200);
    let body: serde_json::Value = serde_json::from_slice(&session.body).unwrap();
    let urls = &server.running().access.as_ref().unwrap().urls;
    let (ws, wss) = (urls.ws.clone().unwrap(), urls.wss.clone().unwrap());
    assert!(
        ws.starts_with("ws://127.0.0.1:") && ws.ends_with("/mqtt"),
        "{ws}"
    );
    assert!(
        wss.starts_with("wss://127.0.0.1:") && wss.ends_with("/mqtt"),
        "{wss}"
    );
    assert_eq!(body["ws_url"], ws.as_str());
    assert_eq!(body["wss_url"], wss.as_str());
    let mqtts = urls.mqtts.clone().unwrap();
    assert!(mqtts.starts_with("mqtts://127.0.0.1:"), "{mqtts}");
    assert_eq!(body["mqtts_url"], mqtts.as_str());
    let ca = body["platform_ca"]
        .as_str()
        .expect("the platform CA's file");
    assert!(ca.ends_with("tls/platform-ca.crt"), "{ca}");
    assert!(std::path::Path::new(ca).is_file(), "{ca}");
}
