//! Hostile inputs are refused within a bounded amount of memory: every
//! allocation of this test binary is counted (`stats_alloc`), and the tests
//! run one at a time so a count is one test's.
//!
//! The bound asserted is on the bytes allocated in total while reading,
//! which is at least the peak; before the limits, these inputs expanded to
//! gigabytes (the process aborted on allocation failure).
// Helpers outside #[test] functions unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used)]

use std::alloc::System;
use std::sync::{Mutex, PoisonError};

use iotda_core::iotda::model::Limit;
use iotda_core::iotda::{ModelError, ProductModel};
use iotda_core::mqtt::{self, PropertyId, ProtocolVersion, VarInt};
use iotda_core::zip::ZipWriter;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// One measurement at a time: the counters are the process's.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs `f` and returns its result and the bytes it allocated.
fn measured<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let region = Region::new(GLOBAL);
    let out = f();
    (out, region.change().bytes_allocated)
}

/// [`iotda_testkit::amplifying_model`], stored.
fn amplifying_zip(refs: usize, properties: usize) -> Vec<u8> {
    let mut zip = ZipWriter::new();
    for (name, json) in iotda_testkit::amplifying_model(refs, properties) {
        zip.add_file(name, json.as_bytes(), 0).unwrap();
    }
    zip.finish().unwrap()
}

/// Reads `zip` and returns the result and the bytes allocated.
fn read_measured(zip: &[u8]) -> (Result<ProductModel, ModelError>, usize) {
    measured(|| ProductModel::from_zip(zip))
}

const MIB: usize = 1024 * 1024;

#[test]
fn zip_amplification_is_refused_in_bounded_memory() {
    // 50 million properties once expanded (tens of GB as structs).
    let bomb = amplifying_zip(5000, 10_000);
    let (result, allocated) = read_measured(&bomb);
    assert!(
        matches!(
            result,
            Err(ModelError::TooLarge {
                limit: Limit::Services,
                found: 5000,
                ..
            })
        ),
        "{result:?}"
    );
    assert!(
        allocated < 4 * bomb.len() + MIB,
        "{allocated} bytes allocated for a {}-byte ZIP",
        bomb.len()
    );

    // Within the counts, 62 MB once expanded: refused at the size bound,
    // having built one copy.
    let bomb = amplifying_zip(500, 500);
    let (result, allocated) = read_measured(&bomb);
    assert!(
        matches!(
            result,
            Err(ModelError::TooLarge {
                limit: Limit::ModelJson,
                ..
            })
        ),
        "{result:?}"
    );
    assert!(allocated < 8 * MIB, "{allocated} bytes allocated");
}

#[test]
fn a_model_at_the_bounds_stays_small() {
    // The largest amplification allowed is bounded by the model's JSON size.
    let zip = amplifying_zip(30, 500);
    let (result, allocated) = read_measured(&zip);
    let model = result.unwrap();
    assert_eq!(model.service_capabilities.len(), 30);
    assert!(allocated < 64 * MIB, "{allocated} bytes allocated");
}

#[test]
fn a_packet_of_user_properties_is_refused_in_bounded_memory() {
    // A 2 MB MQTT 5 PUBLISH (the session's default packet limit is 2 MiB)
    // of 400,000 empty User Properties: some 20 MB of pairs if all were kept.
    const PAIRS: usize = 400_000;
    let mut body = vec![0, 1, b't'];
    VarInt::new(u32::try_from(5 * PAIRS).unwrap())
        .unwrap()
        .encode(&mut body);
    for _ in 0..PAIRS {
        body.extend_from_slice(&[0x26, 0, 0, 0, 0]);
    }
    let mut packet = vec![0x30];
    VarInt::new(u32::try_from(body.len()).unwrap())
        .unwrap()
        .encode(&mut packet);
    packet.extend_from_slice(&body);
    let (result, allocated) = measured(|| mqtt::decode(&packet, 2 * MIB, ProtocolVersion::V5));
    assert_eq!(
        result.map(|_| ()),
        Err(mqtt::Error::TooManyProperties {
            property: PropertyId::UserProperty,
            max: mqtt::property::MAX_REPEATED_PROPERTIES,
        })
    );
    assert!(allocated < 64 * 1024, "{allocated} bytes allocated");
}
