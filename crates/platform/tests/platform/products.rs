//! CreateProduct, ShowProduct, ListProducts, DeleteProduct.

use iotda_testkit::Scratch;
use serde_json::json;

use crate::{assert_error, model, product, Server};

#[test]
fn a_product_is_created_shown_listed_and_deleted_with_iotdas_fields() {
    let dir = Scratch::new("api-products");
    let server = Server::start(dir.path(), false);
    let c = server.client();
    let created = product(&c, "meter1").body;
    assert_eq!(created["product_id"], "meter1");
    assert_eq!(created["name"], "Product meter1");
    assert_eq!(created["device_type"], "Meter");
    assert_eq!(created["protocol_type"], "MQTT");
    assert_eq!(created["data_format"], "json");
    assert_eq!(created["service_capabilities"], model());
    let time = created["create_time"].as_str().unwrap();
    assert!(
        time.len() == 16 && time.ends_with('Z') && &time[8..9] == "T",
        "{time}"
    );

    let shown = c.call("GET", "products/meter1", None).unwrap();
    assert_eq!(shown.status, 200);
    assert_eq!(shown.body, created);

    product(&c, "meter2");
    product(&c, "meter3");
    // Newest first; offset skips, the marker continues after a page.
    let page = c.call("GET", "products?limit=1&offset=1", None).unwrap();
    assert_eq!(page.status, 200);
    assert_eq!(page.body["page"]["count"], 3);
    assert_eq!(page.body["products"][0]["product_id"], "meter2");
    assert!(page.body["products"][0]
        .get("service_capabilities")
        .is_none());
    let marker = page.body["page"]["marker"].as_str().unwrap();
    let next = c
        .call("GET", &format!("products?limit=5&marker={marker}"), None)
        .unwrap();
    assert_eq!(next.body["products"].as_array().unwrap().len(), 1);
    assert_eq!(next.body["products"][0]["product_id"], "meter1");
    let bad = c.call("GET", "products?marker=zz", None).unwrap();
    assert!(assert_error(&bad, 400, "IOTDA.000006").contains("marker"));

    let deleted = c.call("DELETE", "products/meter1", None).unwrap();
    assert_eq!(deleted.status, 204);
    let gone = c.call("GET", "products/meter1", None).unwrap();
    assert_error(&gone, 404, "IOTDA.014901");
}

#[test]
fn an_allocated_product_id_is_24_hex_digits() {
    let dir = Scratch::new("api-product-id");
    let server = Server::start(dir.path(), false);
    let r = server
        .client()
        .call(
            "POST",
            "products",
            Some(&json!({"name": "P", "device_type": "T", "protocol_type": "MQTT", "service_capabilities": []})),
        )
        .unwrap();
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["product_id"].as_str().unwrap();
    assert!(
        id.len() == 24 && id.chars().all(|c| c.is_ascii_hexdigit()),
        "{id}"
    );
}

#[test]
fn bad_products_are_refused_with_the_reason() {
    let dir = Scratch::new("api-product-bad");
    let server = Server::start(dir.path(), false);
    let c = server.client();
    let bad_model = c
        .call(
            "POST",
            "products",
            Some(&json!({
                "name": "P", "device_type": "T", "protocol_type": "MQTT",
                "service_capabilities": [{"service_id": "S", "properties": [
                    {"property_name": "p", "data_type": "int", "min": "10", "max": "1", "method": "R"}]}]
            })),
        )
        .unwrap();
    let msg = assert_error(&bad_model, 400, "IOTDA.000006");
    assert!(msg.contains("service_capabilities"), "{msg}");

    let bad_protocol = c
        .call(
            "POST",
            "products",
            Some(&json!({"name": "P", "device_type": "T", "protocol_type": "SMTP", "service_capabilities": []})),
        )
        .unwrap();
    assert!(assert_error(&bad_protocol, 400, "IOTDA.000006").contains("protocol_type"));

    product(&c, "dup");
    let dup = c
        .call(
            "POST",
            "products",
            Some(&json!({"product_id": "dup", "name": "P", "device_type": "T", "protocol_type": "MQTT", "service_capabilities": []})),
        )
        .unwrap();
    assert_error(&dup, 409, "IOTDA.014902");

    let limit = c.call("GET", "products?limit=51", None).unwrap();
    assert_error(&limit, 400, "IOTDA.000017");
}

#[test]
fn malformed_and_oversized_bodies_get_iotdas_errors_not_a_crash() {
    let dir = Scratch::new("api-malformed");
    let server = Server::start(dir.path(), false);
    let c = server.client();
    let truncated = c
        .call_raw("POST", "products", br#"{"name": "P", "device_t"#)
        .unwrap();
    let msg = assert_error(&truncated, 400, "IOTDA.000008");
    assert!(msg.contains("EOF"), "{msg}");
    let wrong_type = c
        .call_raw("POST", "products", br#"{"name": 5, "device_type": "T", "protocol_type": "MQTT", "service_capabilities": []}"#)
        .unwrap();
    assert!(assert_error(&wrong_type, 400, "IOTDA.000008").contains("invalid type"));
    let empty = c.call_raw("POST", "devices", b"").unwrap();
    assert_error(&empty, 400, "IOTDA.000008");
    let huge = vec![b' '; 2 * 1024 * 1024];
    let oversized = c.call_raw("POST", "products", &huge).unwrap();
    assert_error(&oversized, 413, "IOTDA.000008");
    // Still serving.
    assert_eq!(c.call("GET", "products", None).unwrap().status, 200);
}

#[test]
fn a_restart_keeps_the_registry() {
    let dir = Scratch::new("api-restart");
    let first = Server::start(dir.path(), false);
    let credentials = first.credentials();
    let c = first.client();
    product(&c, "kept");
    let added = c
        .call(
            "POST",
            "devices",
            Some(&json!({"node_id": "n1", "product_id": "kept", "auth_info": {"secret": "12345678"}})),
        )
        .unwrap();
    assert_eq!(added.status, 201, "{}", added.text);
    first.stop();

    let second = Server::start(dir.path(), false);
    assert_eq!(second.credentials(), credentials, "the AK/SK are kept");
    let c = second.client();
    assert_eq!(c.call("GET", "products/kept", None).unwrap().status, 200);
    let shown = c.call("GET", "devices/kept_n1", None).unwrap();
    assert_eq!(shown.status, 200, "{}", shown.text);
    assert_eq!(shown.body["auth_info"]["secret"], "12345678");
}
