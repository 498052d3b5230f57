//! The hub's own session on the broker: the platform's side of every
//! device topic.
//!
//! ```text
//! hub --CONNECT (client id $iotda-platform-hub, the platform's broker user)--> broker
//!     --SUBSCRIBE $oc/devices/+/sys/ messages/+, commands/response/+,
//!                 properties/+, gateway/sub_devices/properties/report,
//!                 properties/set|get/response/+,
//!                 shadow/get/+ (QoS 0)-->
//!     <--PUBLISH what devices send there-- (handed to Hub::heard)
//!     --PUBLISH downlinks (QoS 0, as IoTDA's implicit subscriptions)-->
//! ```
//!
//! Devices reach the broker only through the access layer, which lets each
//! publish only under its own `$oc/devices/{device_id}/`, so the device id
//! in a topic the hub hears is the publisher's. The session is opened again
//! (every [`RETRY`]) whenever it ends, e.g. when the supervised broker is
//! restarted; downlinks wait in the outbox meanwhile.

use std::sync::Arc;
use std::time::Duration;

use iotda_core::mqtt::{
    self, Connect, Packet, Pid, ProtocolVersion, Publish, QoS, QosPid, Subscribe, Subscription,
    TopicFilter, TopicName,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, watch};

use super::Hub;
use crate::broker::BrokerEndpoint;
use crate::log::Event;

/// The hub's client id: `$` never starts a device id, so it cannot take a
/// device's session over.
pub(crate) const CLIENT_ID: &str = "$iotda-platform-hub";
/// What the hub hears. `messages/+`, `properties/+` and
/// `gateway/sub_devices/properties/+` rather than `messages/up`,
/// `properties/report` and `.../report`: a topic filter matches whole
/// levels, and the documented `messages/up?request_id={id}` and
/// `properties/report?request_id={id}`, and the SDKs' `?encoding=gzip`
/// forms, end their last level differently (`Hub::heard` sorts them, and ignores the
/// hub's own `messages/down` that `messages/+` also brings back).
const FILTERS: [&str; 8] = [
    "$oc/devices/+/sys/messages/+",
    "$oc/devices/+/sys/events/up",
    "$oc/devices/+/sys/commands/response/+",
    "$oc/devices/+/sys/properties/+",
    "$oc/devices/+/sys/gateway/sub_devices/properties/+",
    "$oc/devices/+/sys/properties/set/response/+",
    "$oc/devices/+/sys/properties/get/response/+",
    "$oc/devices/+/sys/shadow/get/+",
];
/// How long to wait before opening the session again.
const RETRY: Duration = Duration::from_millis(300);
/// The session's keep-alive; a PINGREQ goes every half of it.
const KEEP_ALIVE: u16 = 60;
/// Largest packet accepted from the broker.
const MAX_PACKET: usize = 16 * 1024 * 1024;
const VERSION: ProtocolVersion = ProtocolVersion::V3_1_1;

/// A downlink for the broker.
#[derive(Debug)]
pub(crate) struct Outgoing {
    pub(crate) topic: String,
    pub(crate) payload: Vec<u8>,
}

/// Runs the session until `shutdown`; `ready` is told once the first
/// subscription is in place.
pub(crate) async fn run(
    endpoint: BrokerEndpoint,
    hub: Arc<Hub>,
    mut outbox: mpsc::UnboundedReceiver<Outgoing>,
    mut shutdown: watch::Receiver<bool>,
    ready: oneshot::Sender<()>,
) {
    let mut ready = Some(ready);
    loop {
        let why = match open(&endpoint).await {
            Ok((stream, buf)) => {
                if let Some(r) = ready.take() {
                    let _ = r.send(());
                }
                match serve(stream, buf, &hub, &mut outbox, &mut shutdown).await {
                    Ok(()) => return,
                    Err(why) => why,
                }
            }
            Err(why) => why,
        };
        (hub.log)(Event::SessionFailed { why });
        tokio::select! {
            _ = tokio::time::sleep(RETRY) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Connects and subscribes; returns the stream and any bytes read after
/// the SUBACK.
async fn open(endpoint: &BrokerEndpoint) -> Result<(TcpStream, Vec<u8>), String> {
    let mut stream = TcpStream::connect(&endpoint.addr)
        .await
        .map_err(|e| format!("connect to {}: {e}", endpoint.addr))?;
    let _ = stream.set_nodelay(true);
    let mut connect = Connect::new(VERSION, CLIENT_ID, KEEP_ALIVE);
    connect.username = endpoint.username.clone();
    connect.password = endpoint.password.clone().map(String::into_bytes);
    let mut out = Vec::new();
    Packet::Connect(connect)
        .encode(VERSION, &mut out)
        .map_err(|e| e.to_string())?;
    let filters = FILTERS
        .iter()
        .map(|f| TopicFilter::new(*f).map(|f| Subscription::new(f, QoS::AtMostOnce)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let pid = Pid::new(1).ok_or("packet id 0")?;
    Packet::Subscribe(Subscribe::new(pid, filters))
        .encode(VERSION, &mut out)
        .map_err(|e| e.to_string())?;
    stream.write_all(&out).await.map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    let answer = async {
        loop {
            while let Some((packet, used)) =
                mqtt::decode(&buf, MAX_PACKET, VERSION).map_err(|e| e.to_string())?
            {
                buf.drain(..used);
                match packet {
                    Packet::ConnAck(a) if a.reason != mqtt::ConnectReasonCode::Success => {
                        return Err(format!("the broker refused the platform: {}", a.reason));
                    }
                    Packet::SubAck(_) => return Ok(()),
                    _ => {}
                }
            }
            match stream.read_buf(&mut buf).await {
                Ok(0) => return Err("the broker closed the connection".to_string()),
                Ok(_) => {}
                Err(e) => return Err(e.to_string()),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), answer)
        .await
        .map_err(|_| "the broker did not answer in 10 s".to_string())??;
    Ok((stream, buf))
}

/// Relays until shutdown (`Ok`) or the session fails (`Err`).
async fn serve(
    mut stream: TcpStream,
    mut buf: Vec<u8>,
    hub: &Arc<Hub>,
    outbox: &mut mpsc::UnboundedReceiver<Outgoing>,
    shutdown: &mut watch::Receiver<bool>,
) -> Result<(), String> {
    let mut ping = tokio::time::interval(Duration::from_secs(u64::from(KEEP_ALIVE) / 2));
    loop {
        while let Some((packet, used)) =
            mqtt::decode(&buf, MAX_PACKET, VERSION).map_err(|e| e.to_string())?
        {
            buf.drain(..used);
            if let Packet::Publish(p) = packet {
                hub.heard(p.topic.as_str(), p.payload).await;
            }
        }
        tokio::select! {
            read = stream.read_buf(&mut buf) => match read {
                Ok(0) => return Err("the broker closed the platform's session".into()),
                Ok(_) => {}
                Err(e) => return Err(e.to_string()),
            },
            Some(out) = outbox.recv() => {
                let mut bytes = Vec::new();
                let topic = match TopicName::new(out.topic.as_str()) {
                    Ok(t) => t,
                    Err(e) => {
                        (hub.log)(Event::SessionFailed { why: format!("not published: {e}") });
                        continue;
                    }
                };
                Packet::Publish(Publish::new(topic, QosPid::AtMostOnce, out.payload))
                    .encode(VERSION, &mut bytes)
                    .map_err(|e| e.to_string())?;
                stream.write_all(&bytes).await.map_err(|e| e.to_string())?;
            }
            _ = ping.tick() => {
                stream.write_all(&[0xC0, 0x00]).await.map_err(|e| e.to_string())?;
            }
            _ = shutdown.changed() => {
                let _ = stream.write_all(&[0xE0, 0x00]).await;
                return Ok(());
            }
        }
    }
}
