//! The packets the MQTT codec benchmark times, and the loops that time them.
//!
//! One definition for every column of the benchmark: the native bench
//! (`crates/core/benches/codec.rs`) declares it as a module, the wasm the
//! browser runs (`crates/bench-wasm`) includes this file by path, and the
//! browser bench (`crates/e2e/benches/codec_browser.rs`) calls it natively
//! through that crate. The loops read no clock, so the same code runs in
//! wasm: natively [`rate`] times them, in the page `bench.js` does the same
//! with `performance.now()`.

use std::hint::black_box;
use std::num::NonZeroU16;
#[cfg(not(target_arch = "wasm32"))]
use std::time::{Duration, Instant};

use iotda_core::mqtt::{self, Pid, ProtocolVersion, Publish, QosPid, TopicName};

/// The MQTT versions measured.
pub const VERSIONS: [ProtocolVersion; 2] = [ProtocolVersion::V3_1_1, ProtocolVersion::V5];

/// The largest packet the decoder accepts: IoTDA's 1 MB publish limit.
const MAX_PACKET_SIZE: usize = 1024 * 1024;

/// The device the property report comes from (`{product_id}_{node_id}`).
pub const DEVICE_ID: &str = "6571f2a0b3c4d5e6f7a8b9c0_meter-0001";

/// A property report of exactly 1024 bytes, as a meter might send it.
const REPORT_JSON: &str = concat!(
    r#"{"services":[{"service_id":"EnvironmentMeter","properties":{"#,
    r#""temperature":23.6,"humidity":61.2,"pressure":1013.25,"co2_ppm":412,"#,
    r#""pm2_5":8.4,"pm10":15.1,"tvoc_ppb":120,"noise_db":41.7,"#,
    r#""illuminance_lux":356,"uv_index":2.1,"#,
    r#""voltage_l1":229.8,"voltage_l2":230.4,"voltage_l3":231.1,"#,
    r#""current_l1":4.12,"current_l2":3.97,"current_l3":4.05,"#,
    r#""active_power_w":2768.5,"reactive_power_var":312.4,"power_factor":0.98,"#,
    r#""frequency_hz":50.01,"energy_import_kwh":18342.77,"energy_export_kwh":1203.5,"#,
    r#""valve_position_pct":42,"flow_rate_lpm":12.75,"water_temp_c":18.3,"#,
    r#""leak_detected":false,"battery_level":87,"battery_voltage":3.71,"#,
    r#""signal_rssi":-71,"signal_snr":9.5,"cell_id":"460-00-24A1-0F3C","#,
    r#""door_open":false,"tamper_detected":false,"alarm_state":"normal","#,
    r#""firmware_version":"v2.4.1-build.0318","last_maintenance":"20260914T080000Z","#,
    r#""uptime_s":1726493,"reboot_count":3,"#,
    r#""location":{"latitude":22.543096,"longitude":114.057865,"altitude_m":31.0},"#,
    r#""site":"Futian pump station 3, north wall, floor 2, cabinet B"},"#,
    r#""event_time":"20261128T093000Z"}]}"#,
);

/// What is encoded and decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// A QoS 0 PUBLISH of `21` to `s/temp`: 12 bytes in MQTT 3.1.1 (13 in
    /// 5.0, which adds an empty property length).
    SmallPublish,
    /// An IoTDA property report: a QoS 1 PUBLISH of 1024 bytes of JSON to
    /// `$oc/devices/{device_id}/sys/properties/report`.
    PropertyReport,
}

impl Workload {
    /// Every workload, in table order.
    pub const ALL: [Self; 2] = [Self::SmallPublish, Self::PropertyReport];

    /// The workload's name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::SmallPublish => "12-byte PUBLISH",
            Self::PropertyReport => "1 KB property report",
        }
    }

    /// The packet.
    pub fn publish(self) -> Result<Publish, mqtt::Error> {
        Ok(match self {
            Self::SmallPublish => Publish::new(
                TopicName::new("s/temp")?,
                QosPid::AtMostOnce,
                b"21".to_vec(),
            ),
            Self::PropertyReport => Publish::new(
                TopicName::new(format!("$oc/devices/{DEVICE_ID}/sys/properties/report"))?,
                QosPid::AtLeastOnce(Pid::from(NonZeroU16::MIN)),
                REPORT_JSON.as_bytes().to_vec(),
            ),
        })
    }

    /// The packet's bytes in `version`.
    pub fn bytes(self, version: ProtocolVersion) -> Result<Vec<u8>, mqtt::Error> {
        let mut out = Vec::new();
        self.publish()?.encode(version, &mut out)?;
        Ok(out)
    }

    /// Natively, in `version`: the packet's size, then its encode and its
    /// decode rate in packets per second (see [`rate`]).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn native_rates(
        self,
        version: ProtocolVersion,
        budget: Duration,
    ) -> Result<(usize, f64, f64), mqtt::Error> {
        let publish = self.publish()?;
        let bytes = self.bytes(version)?;
        // Both succeeded once on these very packets; a failure in the loop
        // counts no bytes, which `rate` reports.
        let encode = rate(budget, bytes.len(), |n| {
            encode_runs(&publish, version, n).unwrap_or(0)
        });
        let decode = rate(budget, bytes.len(), |n| {
            decode_runs(&bytes, version, n).unwrap_or(0)
        });
        Ok((bytes.len(), encode, decode))
    }
}

/// Encodes `publish` `runs` times into one buffer the caller would reuse (as
/// a session's transmit buffer is); returns the bytes encoded in all.
pub fn encode_runs(
    publish: &Publish,
    version: ProtocolVersion,
    runs: u32,
) -> Result<usize, mqtt::Error> {
    let mut out = Vec::new();
    let mut total = 0;
    for _ in 0..runs {
        out.clear();
        black_box(publish).encode(version, &mut out)?;
        total += black_box(&out).len();
    }
    Ok(total)
}

/// Decodes `bytes`, one whole packet, `runs` times into owned packets;
/// returns the bytes decoded in all (`runs * bytes.len()` unless `bytes` is
/// cut short).
pub fn decode_runs(
    bytes: &[u8],
    version: ProtocolVersion,
    runs: u32,
) -> Result<usize, mqtt::Error> {
    let mut total = 0;
    for _ in 0..runs {
        if let Some((packet, used)) = mqtt::decode(black_box(bytes), MAX_PACKET_SIZE, version)? {
            total += used;
            black_box(packet);
        }
    }
    Ok(total)
}

/// Packets per second of `run(n)`, which handles `n` packets of `size`
/// bytes and returns the bytes it handled, measured natively: `n` doubles
/// until one call takes a tenth of `budget` (which also warms up), then five
/// calls of about `budget / 5` each; the median. The page's `bench.js`
/// measures the same way.
#[cfg(not(target_arch = "wasm32"))]
pub fn rate(budget: Duration, size: usize, mut run: impl FnMut(u32) -> usize) -> f64 {
    let mut timed = |n: u32| {
        let start = Instant::now();
        let handled = run(n);
        let took = start.elapsed().as_secs_f64();
        assert_eq!(handled, n as usize * size, "every packet handled");
        took
    };
    let mut n = 1u32;
    let mut took = timed(n);
    while took < budget.as_secs_f64() / 10.0 && n < 1 << 30 {
        n *= 2;
        took = timed(n);
    }
    let n = ((f64::from(n) * budget.as_secs_f64() / 5.0 / took.max(1e-6)).ceil() as u32).max(1);
    let mut rates: Vec<f64> = (0..5).map(|_| f64::from(n) / timed(n)).collect();
    rates.sort_by(f64::total_cmp);
    rates[2]
}

/// A rate for tables: `1234567.8` as `1,234,568/s`.
pub fn per_second(rate: f64) -> String {
    let digits = format!("{rate:.0}");
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out + "/s"
}
