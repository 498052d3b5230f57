//! AddDevice, ShowDevice, ListDevices, DeleteDevice, ResetDeviceSecret.

use iotda_platform::directory::{DeviceStatus, Directory, StatusChange, StatusReason};
use iotda_testkit::Scratch;
use serde_json::{json, Value};

use crate::{assert_error, product, Server};

fn add(c: &iotda_platform::client::Client, body: Value) -> iotda_platform::client::Reply {
    c.call("POST", "devices", Some(&body)).unwrap()
}

#[test]
fn a_secret_device_is_added_shown_listed_reset_and_deleted() {
    let dir = Scratch::new("api-devices");
    let server = Server::start(dir.path(), false);
    let c = server.client();
    product(&c, "p1");
    let r = add(
        &c,
        json!({
            "node_id": "n1", "product_id": "p1", "device_name": "meter one",
            "auth_info": {"auth_type": "SECRET", "secret": "12345678", "secondary_secret": "abcdefgh", "secure_access": false}
        }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let d = &r.body;
    assert_eq!(d["device_id"], "p1_n1");
    assert_eq!(d["node_id"], "n1");
    assert_eq!(d["device_name"], "meter one");
    assert_eq!(d["product_id"], "p1");
    assert_eq!(d["product_name"], "Product p1");
    assert_eq!(d["status"], "INACTIVE");
    assert_eq!(d["auth_info"]["auth_type"], "SECRET");
    assert_eq!(d["auth_info"]["secret"], "12345678");
    assert_eq!(d["auth_info"]["secondary_secret"], "abcdefgh");
    assert_eq!(d["auth_info"]["secure_access"], false);

    let shown = c.call("GET", "devices/p1_n1", None).unwrap();
    assert_eq!(shown.status, 200);
    assert_eq!(shown.body, r.body);

    let reset = c
        .call(
            "POST",
            "devices/p1_n1/action?action_id=resetSecret",
            Some(&json!({"secret": "newsecret1"})),
        )
        .unwrap();
    assert_eq!(reset.status, 200, "{}", reset.text);
    assert_eq!(
        reset.body,
        json!({"device_id": "p1_n1", "secret": "newsecret1", "secret_type": "PRIMARY"})
    );
    let generated = c
        .call(
            "POST",
            "devices/p1_n1/action?action_id=resetSecret",
            Some(&json!({"secret_type": "SECONDARY"})),
        )
        .unwrap();
    assert_eq!(generated.body["secret"].as_str().unwrap().len(), 32);
    let shown = c.call("GET", "devices/p1_n1", None).unwrap();
    assert_eq!(shown.body["auth_info"]["secret"], "newsecret1");
    assert_eq!(
        shown.body["auth_info"]["secondary_secret"],
        generated.body["secret"]
    );

    assert_eq!(c.call("DELETE", "devices/p1_n1", None).unwrap().status, 204);
    assert_error(
        &c.call("GET", "devices/p1_n1", None).unwrap(),
        404,
        "IOTDA.014000",
    );
    assert_error(
        &c.call("DELETE", "devices/p1_n1", None).unwrap(),
        404,
        "IOTDA.014000",
    );
}

#[test]
fn a_certificate_device_keeps_its_fingerprint_and_has_no_secret() {
    let dir = Scratch::new("api-cert-device");
    let server = Server::start(dir.path(), false);
    let c = server.client();
    product(&c, "p1");
    let fp = "AB:".repeat(31) + "AB";
    let r = add(
        &c,
        json!({"device_id": "dev-1", "node_id": "c1", "product_id": "p1",
               "auth_info": {"auth_type": "CERTIFICATES", "fingerprint": fp, "secondary_fingerprint": "cd".repeat(20)}}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["device_id"], "dev-1");
    assert_eq!(r.body["auth_info"]["fingerprint"], "ab".repeat(32));
    assert_eq!(
        r.body["auth_info"]["secondary_fingerprint"],
        "cd".repeat(20)
    );
    assert_eq!(r.body["auth_info"]["secure_access"], true);
    assert!(r.body["auth_info"].get("secret").is_none());
    let reset = c
        .call("POST", "devices/dev-1/action?action_id=resetSecret", None)
        .unwrap();
    assert_error(&reset, 400, "IOTDA.014904");
}

#[test]
fn refusals_say_what_was_wrong() {
    let dir = Scratch::new("api-device-refusals");
    let server = Server::start(dir.path(), false);
    let c = server.client();
    product(&c, "p1");
    assert_eq!(
        add(&c, json!({"node_id": "n1", "product_id": "p1"})).status,
        201
    );
    assert_error(
        &add(&c, json!({"node_id": "n1", "product_id": "p1"})),
        409,
        "IOTDA.014031",
    );
    assert_error(
        &add(&c, json!({"node_id": "n1", "product_id": "nope"})),
        404,
        "IOTDA.014901",
    );
    let msg = assert_error(
        &add(
            &c,
            json!({"node_id": "n2", "product_id": "p1", "auth_info": {"secret": "short"}}),
        ),
        400,
        "IOTDA.000006",
    );
    assert!(msg.contains("auth_info.secret"), "{msg}");
    let msg = assert_error(
        &add(
            &c,
            json!({"node_id": "n3", "product_id": "p1", "auth_info": {"auth_type": "CERTIFICATES", "fingerprint": "ab".repeat(30)}}),
        ),
        400,
        "IOTDA.000006",
    );
    assert!(
        msg.contains("auth_info.fingerprint") && msg.contains("60"),
        "{msg}"
    );
    assert_error(
        &add(&c, json!({"node_id": "bad id!", "product_id": "p1"})),
        400,
        "IOTDA.000006",
    );
    assert_error(
        &add(
            &c,
            json!({"node_id": "n4", "product_id": "p1", "auth_info": {"auth_type": "PSK"}}),
        ),
        400,
        "IOTDA.000006",
    );
    assert_error(
        &c.call("DELETE", "products/p1", None).unwrap(),
        409,
        "IOTDA.014903",
    );
    assert_error(
        &c.call("GET", "devices?status=SLEEPING", None).unwrap(),
        400,
        "IOTDA.000006",
    );
}

#[test]
fn lists_filter_by_status_and_product_and_page_by_marker() {
    let dir = Scratch::new("api-device-list");
    let server = Server::start(dir.path(), false);
    let c = server.client();
    product(&c, "p1");
    product(&c, "p2");
    for n in 0..5 {
        assert_eq!(
            add(&c, json!({"node_id": format!("n{n}"), "product_id": "p1"})).status,
            201
        );
    }
    assert_eq!(
        add(&c, json!({"node_id": "m0", "product_id": "p2"})).status,
        201
    );
    // The access layer marks a device online through the Directory.
    let registry = iotda_platform::registry::Registry::open(
        &dir.join(iotda_platform::platform::REGISTRY_FILE),
        std::sync::Arc::new(iotda_platform::registry::SystemSource),
    )
    .unwrap();
    registry
        .set_status(
            "p1_n2",
            &StatusChange {
                status: DeviceStatus::Online,
                reason: StatusReason::Connected,
                detail: String::new(),
                at: 1_700_000_000,
            },
        )
        .unwrap();

    let online = c.call("GET", "devices?status=ONLINE", None).unwrap();
    assert_eq!(online.status, 200);
    assert_eq!(online.body["page"]["count"], 1);
    assert_eq!(online.body["devices"][0]["device_id"], "p1_n2");
    assert_eq!(online.body["devices"][0]["status"], "ONLINE");
    assert!(
        online.body["devices"][0].get("auth_info").is_none(),
        "lists hold no secrets"
    );
    let shown = c.call("GET", "devices/p1_n2", None).unwrap();
    assert_eq!(
        shown.body["connection_status_update_time"],
        "20231114T221320Z"
    );

    let first = c
        .call("GET", "devices?product_id=p1&limit=2", None)
        .unwrap();
    assert_eq!(first.body["page"]["count"], 5);
    let ids = |r: &Value| -> Vec<String> {
        r["devices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["node_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&first.body), ["n4", "n3"]);
    let marker = first.body["page"]["marker"].as_str().unwrap();
    let second = c
        .call(
            "GET",
            &format!("devices?product_id=p1&limit=2&marker={marker}"),
            None,
        )
        .unwrap();
    assert_eq!(ids(&second.body), ["n2", "n1"]);
    let offset = c
        .call("GET", "devices?product_id=p1&limit=2&offset=4", None)
        .unwrap();
    assert_eq!(ids(&offset.body), ["n0"]);
    let all = c.call("GET", "devices", None).unwrap();
    assert_eq!(all.body["page"]["count"], 6);
}
