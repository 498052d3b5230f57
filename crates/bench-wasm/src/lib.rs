//! The MQTT codec benchmark's workloads, exported to the bench page.
//!
//! Built as wasm (`scripts/lib.sh` `build_codec_bench`), it lets the page's
//! `bench.js` time `iotda_core::mqtt` on exactly the packets of
//! [`workload`], and hands the page those packets' fields so that the npm
//! `mqtt-packet` library is timed on the same ones. Built natively, it gives
//! the browser bench the same workloads for its native column.
//!
//! Nothing here reads a clock: the page times every call with
//! `performance.now()`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[path = "../../core/benches/codec/workload.rs"]
pub mod workload;

use iotda_core::mqtt::{self, Packet, ProtocolVersion, Publish};
use wasm_bindgen::prelude::*;
use workload::{Workload, VERSIONS};

/// One row of the benchmark: a workload in one MQTT version, with the
/// fields another library needs to build the same packet.
#[wasm_bindgen(getter_with_clone)]
pub struct Case {
    /// The workload's name in tables.
    pub workload: String,
    /// The MQTT version's name in tables.
    pub version: String,
    /// The protocol level: 4 for 3.1.1, 5 for 5.0 (`mqtt-packet`'s
    /// `protocolVersion`).
    pub level: u8,
    /// The PUBLISH's topic.
    pub topic: String,
    /// The PUBLISH's payload.
    pub payload: Vec<u8>,
    /// The PUBLISH's QoS.
    pub qos: u8,
    /// The PUBLISH's packet identifier, 0 for QoS 0 (which has none).
    pub message_id: u16,
    /// The packet as this codec encodes it.
    pub bytes: Vec<u8>,
    publish: Publish,
    protocol: ProtocolVersion,
}

/// Every workload in every version, in table order.
#[wasm_bindgen]
pub fn cases() -> Result<Vec<Case>, JsError> {
    let mut out = Vec::new();
    for w in Workload::ALL {
        for protocol in VERSIONS {
            let publish = w.publish()?;
            out.push(Case {
                workload: w.name().to_owned(),
                version: protocol.to_string(),
                level: protocol.level(),
                topic: publish.topic.as_str().to_owned(),
                payload: publish.payload.clone(),
                qos: publish.qos_pid.qos().into(),
                message_id: publish.qos_pid.pid().map_or(0, |p| p.get()),
                bytes: w.bytes(protocol)?,
                publish,
                protocol,
            });
        }
    }
    Ok(out)
}

#[wasm_bindgen]
impl Case {
    /// Encodes the packet `runs` times inside the wasm; returns the bytes
    /// encoded in all.
    pub fn encode_runs(&self, runs: u32) -> Result<usize, JsError> {
        Ok(workload::encode_runs(&self.publish, self.protocol, runs)?)
    }

    /// Decodes the packet's bytes `runs` times inside the wasm; returns the
    /// bytes decoded in all.
    pub fn decode_runs(&self, runs: u32) -> Result<usize, JsError> {
        Ok(workload::decode_runs(&self.bytes, self.protocol, runs)?)
    }

    /// Encodes the packet once and hands the bytes to JavaScript, as the
    /// page does for each packet it sends.
    pub fn encode_once(&self) -> Result<Vec<u8>, JsError> {
        let mut out = Vec::new();
        self.publish.encode(self.protocol, &mut out)?;
        Ok(out)
    }

    /// Decodes one packet handed over from JavaScript, as the page does for
    /// each WebSocket message; returns the bytes it used (0 if `bytes` ends
    /// early).
    pub fn decode_once(&self, bytes: &[u8]) -> Result<usize, JsError> {
        Ok(workload::decode_runs(bytes, self.protocol, 1)?)
    }

    /// Checks that `bytes`, encoded by another library, are exactly this
    /// case's packet: one whole PUBLISH equal to it.
    pub fn check_decodes(&self, bytes: &[u8]) -> Result<(), JsError> {
        let expected = Packet::Publish(self.publish.clone());
        match mqtt::decode(bytes, bytes.len(), self.protocol)? {
            Some((packet, used)) if packet == expected && used == bytes.len() => Ok(()),
            Some((packet, used)) => Err(JsError::new(&format!(
                "decoded {packet:?} from {used} of {} bytes; expected {expected:?}",
                bytes.len()
            ))),
            None => Err(JsError::new(&format!(
                "{} bytes are not a whole packet",
                bytes.len()
            ))),
        }
    }
}
