//! `cargo bench -p iotda-core --bench codec`: how many packets per second
//! the MQTT codec encodes and decodes natively, for a 12-byte PUBLISH and a
//! 1 KB IoTDA property report, in MQTT 3.1.1 and 5.0. Printed as a table; it
//! measures and asserts nothing about speed.
//!
//! The same workloads as wasm in headless Chromium, beside the npm
//! `mqtt-packet` library, are measured by `scripts/bench.sh`
//! (`crates/e2e/benches/codec_browser.rs`).

#[path = "codec/workload.rs"]
mod workload;

use std::time::Duration;

use iotda_core::iotda::{Payload, PropertiesReport, Topic, TopicKind};
use iotda_core::mqtt::{self, Packet, ProtocolVersion};
use workload::{per_second, Workload, DEVICE_ID, VERSIONS};

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing
    // and only wants to see the bench build and run once, quickly.
    let quick = !std::env::args().any(|a| a == "--bench");
    let budget = Duration::from_millis(if quick { 10 } else { 500 });
    check_workloads();

    println!(
        "| workload | MQTT | op | packet | native ({}) |",
        std::env::consts::ARCH
    );
    println!("| --- | --- | --- | ---: | ---: |");
    for w in Workload::ALL {
        for version in VERSIONS {
            let (size, encode, decode) = w.native_rates(version, budget).expect("workload");
            for (op, pps) in [("encode", encode), ("decode", decode)] {
                println!(
                    "| {} | {version} | {op} | {size} B | {} |",
                    w.name(),
                    per_second(pps)
                );
            }
        }
    }
}

/// The workloads are what their names say, and every packet decodes back to
/// itself. Checked once, before any timing.
fn check_workloads() {
    let small = Workload::SmallPublish
        .bytes(ProtocolVersion::V3_1_1)
        .expect("small publish");
    assert_eq!(small.len(), 12, "the small PUBLISH must be 12 bytes");

    let report = Workload::PropertyReport.publish().expect("report");
    assert_eq!(
        report.payload.len(),
        1024,
        "the report must be 1 KB of JSON"
    );
    PropertiesReport::decode(&report.payload).expect("an IoTDA property report");
    let topic = Topic::parse(report.topic.as_str()).expect("an IoTDA topic");
    assert_eq!(topic.kind(), TopicKind::PropertiesReport);
    assert_eq!(topic.device_id(), DEVICE_ID);

    for w in Workload::ALL {
        for version in VERSIONS {
            let bytes = w.bytes(version).expect("encode");
            let decoded = mqtt::decode(&bytes, bytes.len(), version).expect("decode");
            let publish = w.publish().expect("publish");
            assert_eq!(decoded, Some((Packet::Publish(publish), bytes.len())));
        }
    }
}
