//! One device connection: read its CONNECT (bounded in size and time),
//! decide, open the broker connection on the device's behalf, subscribe
//! the implicit downlinks, then relay packets both ways, checking each one
//! the device sends.
//!
//! ```text
//! device --CONNECT--> [decide::admit] --CONNECT(client id = device id,
//!                                               platform's credentials)--> broker
//!        <--CONNACK-- (after the broker's CONNACK and the implicit SUBACK,
//!                      which is swallowed)
//!        --PUBLISH/SUBSCRIBE--> [decide::check_*] --allowed--> broker
//!        <--refusal answered here (SUBACK codes spliced in, PUBACK 0x87,
//!           DISCONNECT, or the connection closed)
//! ```
//!
//! The broker-side client id is the device id, so a device's persistent
//! session survives ClientIds that change with the hour, and the broker
//! itself also ends an older connection of the same device.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use iotda_core::mqtt::{
    self, ConnAck, Connect, ConnectReasonCode, Disconnect, DisconnectReasonCode, Packet, Pid,
    ProtocolVersion, PubAck, Publish, QoS, SubAck, SubAckReasonCode, Subscribe, Subscription,
    TopicFilter,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

use super::stream::DeviceStream;
use super::Shared;
use crate::decide::{self, ConnectRequest, PublishAnswer, Refusal, Transport};
use crate::directory::{DeviceStatus, StatusReason};
use crate::log::{Event, PAYLOAD_PREVIEW};

/// Largest CONNECT read before the device is authenticated.
pub(crate) const MAX_CONNECT_SIZE: usize = 64 * 1024;
/// Largest packet a device may send: a 1 MB publish and its header.
pub(crate) const MAX_DEVICE_PACKET: usize = decide::MAX_PUBLISH_PAYLOAD + 64 * 1024;
/// Largest packet accepted from the broker.
const MAX_BROKER_PACKET: usize = 16 * 1024 * 1024;
/// How long the broker has to answer CONNECT and the implicit SUBSCRIBE.
const BROKER_TIMEOUT: Duration = Duration::from_secs(10);
/// The packet id of the implicit SUBSCRIBE (sent before any of the
/// device's packets, and answered before they are relayed).
const IMPLICIT_PID: u16 = 1;

/// PINGREQ: the barrier behind held PUBACKs.
const PINGREQ: [u8; 2] = [0xC0, 0x00];

/// Why a relayed connection ended.
pub(crate) enum Closer {
    /// A newer connection of the same device took over.
    TakenOver,
}

/// Who the connection is and how it came in.
pub(crate) struct Origin {
    pub(crate) listener: &'static str,
    pub(crate) peer: SocketAddr,
    pub(crate) transport: Transport,
    pub(crate) client_chain: Vec<Vec<u8>>,
}

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Serves one device connection to its end.
pub(crate) async fn serve(mut device: DeviceStream, origin: Origin, shared: Arc<Shared>) {
    let dropped = |why: String| {
        (shared.log)(Event::Dropped {
            listener: origin.listener,
            peer: origin.peer,
            why,
        })
    };
    let mut buf = Vec::new();
    let read = tokio::time::timeout(shared.connect_timeout, read_connect(&mut device, &mut buf));
    let connect = match read.await {
        Err(_) => {
            dropped(format!(
                "no complete CONNECT within {} s",
                shared.connect_timeout.as_secs_f32()
            ));
            device.close().await;
            return;
        }
        Ok(Err(ConnectError::Closed)) => return dropped("closed before sending CONNECT".into()),
        Ok(Err(ConnectError::Io(e))) => return dropped(format!("read failed: {e}")),
        Ok(Err(ConnectError::NotConnect(kind))) => {
            dropped(format!("the first packet is {kind:?}, not CONNECT"));
            device.close().await;
            return;
        }
        Ok(Err(ConnectError::Decode(e))) => {
            match decide::refusal_for_decode_error(&e) {
                Some(refusal) => {
                    let (connack, version) = refusal.connack(None);
                    // Logged first: whoever reads the CONNACK finds the reason.
                    (shared.log)(Event::Refused {
                        listener: origin.listener,
                        peer: origin.peer,
                        client_id: String::new(),
                        refusal,
                    });
                    let _ = send(&mut device, Packet::ConnAck(connack), version).await;
                }
                None => dropped(format!("not a valid MQTT CONNECT: {e}")),
            }
            device.close().await;
            return;
        }
        Ok(Ok(connect)) => connect,
    };
    buf.clear();

    // The registry may block (SQLite): ask it off the async threads.
    let decided = {
        let (connect, chain, transport) = (
            connect.clone(),
            origin.client_chain.clone(),
            origin.transport,
        );
        shared
            .registry(move |directory| {
                let request = ConnectRequest {
                    connect: &connect,
                    transport,
                    client_chain: &chain,
                };
                decide::admit(&request, directory, now())
            })
            .await
            .unwrap_or_else(|error| Err(Refusal::registry_unavailable(error)))
    };
    let admitted = match decided {
        Ok(a) => a,
        Err(refusal) => {
            let (connack, version) = refusal.connack(Some(connect.protocol));
            // Logged first: whoever reads the CONNACK (the doctor asks the
            // API at once) finds the reason.
            (shared.log)(Event::Refused {
                listener: origin.listener,
                peer: origin.peer,
                client_id: connect.client_id.clone(),
                refusal,
            });
            let _ = send(&mut device, Packet::ConnAck(connack), version).await;
            device.close().await;
            return;
        }
    };
    let device_id = admitted.device_id.clone();
    if let Some(sha256) = &admitted.bind_fingerprint {
        let (id, fp) = (device_id.clone(), sha256.clone());
        let bound = shared
            .registry(move |directory| {
                directory
                    .bind_fingerprint(&id, &fp)
                    .map_err(|e| e.to_string())
            })
            .await
            .and_then(|r| r);
        match bound {
            Ok(()) => (shared.log)(Event::FingerprintBound {
                device_id: device_id.clone(),
                sha256: sha256.clone(),
            }),
            Err(error) => (shared.log)(Event::RegistryError {
                what: format!("bind the fingerprint of {device_id:?}"),
                error,
            }),
        }
    }

    // Take over before the broker connection, so the older connection is
    // closed (and logged as taken over) rather than cut by the broker.
    let (id, taken_over, took_over) = shared.register(&device_id);

    let version = connect.protocol;
    let opened = tokio::time::timeout(BROKER_TIMEOUT, open_broker(&shared, &connect, &device_id));
    let (mut broker, connack_and_pending) = match opened.await {
        Ok(Ok(b)) => b,
        failed => {
            let why = match failed {
                Ok(Err(why)) => why,
                _ => "the broker did not answer in time".to_string(),
            };
            let refusal_code = ConnectReasonCode::ServerUnavailable;
            let _ = send(
                &mut device,
                Packet::ConnAck(ConnAck::new(refusal_code)),
                version,
            )
            .await;
            dropped(format!(
                "device {device_id:?} admitted but the broker is unavailable (CONNACK 3): {why}"
            ));
            shared.unregister(&device_id, id);
            device.close().await;
            return;
        }
    };
    if device.write_all(&connack_and_pending).await.is_err() {
        shared.unregister(&device_id, id);
        return;
    }
    (shared.log)(Event::Connected {
        listener: origin.listener,
        peer: origin.peer,
        device_id: device_id.clone(),
    });
    let (reason, detail) = if took_over {
        (
            StatusReason::TakenOver,
            format!(
                "connected from {} over {}, closing its previous connection",
                origin.peer, origin.listener
            ),
        )
    } else {
        (
            StatusReason::Connected,
            format!("connected from {} over {}", origin.peer, origin.listener),
        )
    };
    shared
        .set_status(&device_id, DeviceStatus::Online, reason, detail)
        .await;

    let mut relay = Relay {
        device_id: device_id.clone(),
        version,
        broker_version: broker_version(version),
        splices: HashMap::new(),
        pings: VecDeque::new(),
        shared: shared.clone(),
        keep_alive: keep_alive_limit(connect.keep_alive),
        last_heard: tokio::time::Instant::now(),
    };
    let why = relay
        .run(
            &mut device,
            &mut broker,
            taken_over,
            &mut shared.shutdown.clone(),
        )
        .await;
    let _ = broker.shutdown().await;
    device.close().await;
    // The broker enforces the same keep-alive on its side and may close
    // first: a silent device's end is a keep-alive timeout either way.
    let why = match (why, relay.keep_alive) {
        (End::Other(_), Some(limit)) if relay.last_heard.elapsed() >= limit => {
            End::KeepAlive(limit)
        }
        (why, _) => why,
    };
    let (reason, detail) = match why {
        End::TakenOver => {
            (shared.log)(Event::TakenOver {
                device_id: device_id.clone(),
                peer: origin.peer,
            });
            (StatusReason::TakenOver, String::new())
        }
        End::KeepAlive(limit) => {
            let why = format!(
                "nothing heard for {} s, 1.5 times its keep-alive [MQTT-3.1.2-24]",
                limit.as_secs_f32()
            );
            (shared.log)(Event::Disconnected {
                device_id: device_id.clone(),
                peer: origin.peer,
                why: why.clone(),
            });
            (StatusReason::KeepAliveTimeout, why)
        }
        End::Other(why) => {
            (shared.log)(Event::Disconnected {
                device_id: device_id.clone(),
                peer: origin.peer,
                why: why.clone(),
            });
            (StatusReason::Disconnected, why)
        }
    };
    // A connection taken over is no longer the device's current one: the
    // device stays online.
    if shared.unregister(&device_id, id) {
        shared
            .set_status(&device_id, DeviceStatus::Offline, reason, detail)
            .await;
    }
}

enum ConnectError {
    Closed,
    Io(std::io::Error),
    Decode(mqtt::Error),
    NotConnect(mqtt::PacketType),
}

async fn read_connect(
    device: &mut DeviceStream,
    buf: &mut Vec<u8>,
) -> Result<Connect, ConnectError> {
    loop {
        match mqtt::decode(buf, MAX_CONNECT_SIZE, ProtocolVersion::V3_1_1) {
            Ok(Some((Packet::Connect(c), _))) => return Ok(c),
            Ok(Some((other, _))) => return Err(ConnectError::NotConnect(other.packet_type())),
            Err(e) => return Err(ConnectError::Decode(e)),
            Ok(None) => {}
        }
        match device.read_into(buf).await {
            Ok(0) => return Err(ConnectError::Closed),
            Ok(_) => {}
            Err(e) => return Err(ConnectError::Io(e)),
        }
    }
}

async fn send(
    device: &mut DeviceStream,
    packet: Packet,
    version: ProtocolVersion,
) -> std::io::Result<()> {
    let mut out = Vec::new();
    packet
        .encode(version, &mut out)
        .map_err(std::io::Error::other)?;
    device.write_all(&out).await
}

/// MQTT 3.1's CONNECT limits ClientIds to 23 characters; every other
/// packet is the same as 3.1.1, so the broker connection speaks 3.1.1.
fn broker_version(device: ProtocolVersion) -> ProtocolVersion {
    match device {
        ProtocolVersion::V3_1 => ProtocolVersion::V3_1_1,
        v => v,
    }
}

/// Connects to the broker as the device, subscribes the implicit downlinks
/// and returns the stream with the bytes to send the device first: the
/// broker's CONNACK and anything it sent before the implicit SUBACK.
async fn open_broker(
    shared: &Shared,
    device_connect: &Connect,
    device_id: &str,
) -> Result<(TcpStream, Vec<u8>), String> {
    let endpoint = &shared.broker;
    let mut broker = TcpStream::connect(&endpoint.addr)
        .await
        .map_err(|e| format!("connect to {}: {e}", endpoint.addr))?;
    let _ = broker.set_nodelay(true);
    let version = broker_version(device_connect.protocol);
    let mut connect = Connect::new(version, device_id, device_connect.keep_alive);
    connect.clean_start = device_connect.clean_start;
    connect.username = endpoint.username.clone();
    connect.password = endpoint.password.clone().map(String::into_bytes);
    if version.is_v5() {
        connect.properties = device_connect.properties.clone();
    }
    let mut out = Vec::new();
    Packet::Connect(connect)
        .encode(version, &mut out)
        .map_err(|e| e.to_string())?;
    let filters = decide::implicit_filters(device_id)
        .into_iter()
        .map(|f| TopicFilter::new(f).map(|f| Subscription::new(f, QoS::AtMostOnce)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let pid = Pid::new(IMPLICIT_PID).ok_or("packet id 0")?;
    Packet::Subscribe(Subscribe::new(pid, filters))
        .encode(version, &mut out)
        .map_err(|e| e.to_string())?;
    broker.write_all(&out).await.map_err(|e| e.to_string())?;

    let mut buf = Vec::new();
    let mut to_device = Vec::new();
    let mut connack_seen = false;
    loop {
        while let Some((packet, used)) =
            mqtt::decode(&buf, MAX_BROKER_PACKET, version).map_err(|e| e.to_string())?
        {
            match packet {
                Packet::ConnAck(ack) if !connack_seen => {
                    if ack.reason != ConnectReasonCode::Success {
                        return Err(format!("the broker refused: {}", ack.reason));
                    }
                    connack_seen = true;
                    if version.is_v5() {
                        Packet::ConnAck(advertise_limits(ack))
                            .encode(version, &mut to_device)
                            .map_err(|e| e.to_string())?;
                    } else {
                        to_device.extend_from_slice(&buf[..used]);
                    }
                }
                Packet::SubAck(ack) if ack.pid == pid => {
                    buf.drain(..used);
                    to_device.extend_from_slice(&buf);
                    return Ok((broker, to_device));
                }
                _ => to_device.extend_from_slice(&buf[..used]),
            }
            buf.drain(..used);
        }
        match broker.read_buf(&mut buf).await {
            Ok(0) => return Err("the broker closed the connection".into()),
            Ok(_) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// Tells an MQTT 5 device IoTDA's limits in its CONNACK: QoS 1 at most,
/// no retained messages, packets of at most [`MAX_DEVICE_PACKET`], and no
/// topic aliases (the ACL judges a PUBLISH by its topic name).
fn advertise_limits(mut ack: ConnAck) -> ConnAck {
    let p = &mut ack.properties;
    p.maximum_qos = Some(QoS::AtLeastOnce);
    p.retain_available = Some(false);
    p.topic_alias_maximum = None;
    p.maximum_packet_size = u32::try_from(MAX_DEVICE_PACKET)
        .ok()
        .and_then(std::num::NonZeroU32::new);
    ack
}

enum End {
    TakenOver,
    KeepAlive(Duration),
    Other(String),
}

/// How long a device with this keep-alive may stay silent: 1.5 times it
/// ([MQTT-3.1.2-24]); `None` for 0 (no keep-alive).
fn keep_alive_limit(keep_alive: u16) -> Option<Duration> {
    (keep_alive > 0).then(|| Duration::from_millis(u64::from(keep_alive) * 1500))
}

/// The relay of one admitted device.
struct Relay {
    device_id: String,
    version: ProtocolVersion,
    broker_version: ProtocolVersion,
    /// For each SUBSCRIBE relayed with refused filters removed: the codes
    /// of the refused filters at their places (`None` = the broker's code).
    splices: HashMap<u16, Vec<Option<SubAckReasonCode>>>,
    /// Whose PINGREQ each PINGRESP the broker owes answers, in order.
    pings: VecDeque<Ping>,
    shared: Arc<Shared>,
    /// The silence after which the device is cut off.
    keep_alive: Option<Duration>,
    /// When the device last sent anything.
    last_heard: tokio::time::Instant,
}

/// The sender of a PINGREQ the broker has not answered yet.
enum Ping {
    /// The device's: its PINGRESP is relayed.
    Device,
    /// The relay's barrier: the PUBACKs held until its PINGRESP.
    Barrier(Vec<u8>),
}

/// What to do with one packet from the device.
enum Verdict {
    /// Relay it as received.
    Forward,
    /// Relay these bytes instead.
    ForwardAs(Vec<u8>),
    /// Answer the device with these bytes; relay nothing.
    Answer(Vec<u8>),
    /// Send the device these bytes (maybe none), then end the connection.
    Close(Vec<u8>, String),
}

impl Relay {
    async fn run(
        &mut self,
        device: &mut DeviceStream,
        broker: &mut TcpStream,
        mut taken_over: oneshot::Receiver<Closer>,
        shutdown: &mut tokio::sync::watch::Receiver<bool>,
    ) -> End {
        let mut from_device = Vec::new();
        let mut from_broker = Vec::new();
        // Far enough never to fire when there is no keep-alive.
        let never = Duration::from_secs(86_400 * 365);
        loop {
            let silence_ends = self.last_heard + self.keep_alive.unwrap_or(never);
            tokio::select! {
                _ = &mut taken_over => return self.taken_over(device).await,
                read = device.read_into(&mut from_device) => {
                    match read {
                        Ok(0) => return End::Other("the device closed the connection".into()),
                        Err(e) => return End::Other(format!("device read failed: {e}")),
                        Ok(_) => {}
                    }
                    self.last_heard = tokio::time::Instant::now();
                    let (to_broker, to_device, close) = self.judge_device_bytes(&mut from_device);
                    if !to_device.is_empty() && device.write_all(&to_device).await.is_err() {
                        return End::Other("device write failed".into());
                    }
                    if !to_broker.is_empty() && broker.write_all(&to_broker).await.is_err() {
                        return End::Other("the broker connection failed".into());
                    }
                    if let Some(why) = close {
                        return End::Other(why);
                    }
                }
                read = broker.read_buf(&mut from_broker) => {
                    match read {
                        // A takeover is signalled before the newer
                        // connection reaches the broker: the broker's close
                        // it causes may be seen first when this task runs
                        // late, and is still the takeover.
                        Ok(0) | Err(_) if taken_over.try_recv().is_ok() => {
                            return self.taken_over(device).await;
                        }
                        Ok(0) => return End::Other("the broker closed the session".into()),
                        Err(e) => return End::Other(format!("broker read failed: {e}")),
                        Ok(_) => {}
                    }
                    let (to_device, to_broker) = match self.relay_broker_bytes(&mut from_broker) {
                        Ok(out) => out,
                        Err(why) => return End::Other(why),
                    };
                    if !to_broker.is_empty() && broker.write_all(&to_broker).await.is_err() {
                        return End::Other("the broker connection failed".into());
                    }
                    if device.write_all(&to_device).await.is_err() {
                        return End::Other("device write failed".into());
                    }
                }
                _ = tokio::time::sleep_until(silence_ends), if self.keep_alive.is_some() => {
                    return End::KeepAlive(self.keep_alive.unwrap_or(never));
                }
                _ = shutdown.changed() => {
                    if self.version.is_v5() {
                        let _ = send(device, Disconnect::new(DisconnectReasonCode::ServerShuttingDown).into(), self.version).await;
                    }
                    return End::Other("the platform is shutting down".into());
                }
            }
        }
    }

    /// Ends a connection another took over: an MQTT 5 device is told why.
    async fn taken_over(&self, device: &mut DeviceStream) -> End {
        if self.version.is_v5() {
            let disconnect = Disconnect::new(DisconnectReasonCode::SessionTakenOver);
            let _ = send(device, disconnect.into(), self.version).await;
        }
        End::TakenOver
    }

    /// Frames and judges what the device sent; returns the bytes for the
    /// broker, the bytes for the device and, if the connection must end,
    /// why.
    fn judge_device_bytes(&mut self, buf: &mut Vec<u8>) -> (Vec<u8>, Vec<u8>, Option<String>) {
        let mut to_broker = Vec::new();
        let mut to_device = Vec::new();
        let mut start = 0;
        let close = loop {
            let packet = match mqtt::decode(&buf[start..], MAX_DEVICE_PACKET, self.version) {
                Ok(Some(p)) => p,
                Ok(None) => break None,
                Err(e) => {
                    if let (mqtt::Error::PacketTooLarge { .. }, true) = (&e, self.version.is_v5()) {
                        let _ = Packet::from(Disconnect::new(DisconnectReasonCode::PacketTooLarge))
                            .encode(self.version, &mut to_device);
                    }
                    break Some(format!("malformed or oversized packet: {e}"));
                }
            };
            let (packet, used) = packet;
            let raw = &buf[start..start + used];
            start += used;
            match self.judge(packet) {
                Verdict::Forward => to_broker.extend_from_slice(raw),
                Verdict::ForwardAs(bytes) => to_broker.extend_from_slice(&bytes),
                Verdict::Answer(bytes) => to_device.extend_from_slice(&bytes),
                Verdict::Close(bytes, why) => {
                    to_device.extend_from_slice(&bytes);
                    break Some(why);
                }
            }
        };
        buf.drain(..start);
        (to_broker, to_device, close)
    }

    fn judge(&mut self, packet: Packet) -> Verdict {
        let log = &self.shared.log;
        match packet {
            Packet::Publish(p) => match decide::check_publish(&self.device_id, &p, self.version) {
                Ok(()) => {
                    log(published(&self.device_id, &p));
                    Verdict::Forward
                }
                Err(refusal) => {
                    let answer = refusal.answer;
                    let pid = p.qos_pid.pid();
                    log(Event::PublishRefused(refusal.clone()));
                    match (answer, pid) {
                        (PublishAnswer::PubAck(code), Some(pid)) => {
                            let mut ack = PubAck::new(pid);
                            ack.reason = code;
                            self.encode_answer(ack.into())
                        }
                        (PublishAnswer::Disconnect(code), _) => Verdict::Close(
                            self.encoded(Disconnect::new(code).into()),
                            refusal.to_string(),
                        ),
                        _ => Verdict::Close(Vec::new(), refusal.to_string()),
                    }
                }
            },
            Packet::Subscribe(s) => self.judge_subscribe(s),
            Packet::Connect(_) => Verdict::Close(
                Vec::new(),
                "a second CONNECT on the connection [MQTT-3.1.0-2]".into(),
            ),
            Packet::Disconnect(_) => Verdict::Close(Vec::new(), "the device disconnected".into()),
            Packet::PingReq => {
                self.pings.push_back(Ping::Device);
                Verdict::Forward
            }
            _ => Verdict::Forward,
        }
    }

    fn judge_subscribe(&mut self, mut s: Subscribe) -> Verdict {
        let mut plan = Vec::with_capacity(s.filters.len());
        let mut allowed = Vec::with_capacity(s.filters.len());
        let mut changed = false;
        for sub in &s.filters {
            match decide::check_subscription(&self.device_id, sub, self.version) {
                Ok(a) => {
                    changed |= a != *sub;
                    allowed.push(a);
                    plan.push(None);
                }
                Err(refusal) => {
                    changed = true;
                    plan.push(Some(refusal.code));
                    (self.shared.log)(Event::SubscriptionRefused(refusal));
                }
            }
        }
        if allowed.is_empty() {
            let codes = plan.into_iter().flatten().collect();
            return self.encode_answer(SubAck::new(s.pid, codes).into());
        }
        if !changed {
            return Verdict::Forward;
        }
        if plan.iter().any(Option::is_some) {
            self.splices.insert(s.pid.get(), plan);
        }
        s.filters = allowed;
        let mut out = Vec::new();
        match Packet::Subscribe(s).encode(self.broker_version, &mut out) {
            Ok(()) => Verdict::ForwardAs(out),
            Err(e) => Verdict::Close(Vec::new(), format!("could not re-encode SUBSCRIBE: {e}")),
        }
    }

    fn encoded(&self, packet: Packet) -> Vec<u8> {
        let mut out = Vec::new();
        // Answers built here are valid for the device's version.
        let _ = packet.encode(self.version, &mut out);
        out
    }

    fn encode_answer(&self, packet: Packet) -> Verdict {
        Verdict::Answer(self.encoded(packet))
    }

    /// Frames what the broker sent; SUBACKs of filtered SUBSCRIBEs get the
    /// refused filters' codes back in place, and the device's own uplinks
    /// are not echoed back to it (acknowledged to the broker here). Returns
    /// the bytes for the device and those for the broker.
    ///
    /// PUBACKs for the device's messages are held behind a barrier: a
    /// PINGREQ sent after them, whose PINGRESP releases them. mosquitto
    /// answers in one single-threaded loop that writes the PUBACK and then
    /// saves its database (`autosave_on_changes`) before it reads anything
    /// else, so the PINGRESP proves the acknowledged message is on disk: a
    /// device never holds a PUBACK for a message a `kill -9` could lose.
    fn relay_broker_bytes(&mut self, buf: &mut Vec<u8>) -> Result<(Vec<u8>, Vec<u8>), String> {
        let mut out = Vec::new();
        let mut acks = Vec::new();
        let mut to_broker = Vec::new();
        let mut start = 0;
        while let Some((packet, used)) =
            mqtt::decode(&buf[start..], MAX_BROKER_PACKET, self.broker_version)
                .map_err(|e| format!("the broker sent a malformed packet: {e}"))?
        {
            let raw = &buf[start..start + used];
            start += used;
            match packet {
                Packet::SubAck(mut ack) if self.splices.contains_key(&ack.pid.get()) => {
                    let plan = self.splices.remove(&ack.pid.get()).unwrap_or_default();
                    let mut granted = ack.reasons.into_iter();
                    ack.reasons = plan
                        .into_iter()
                        .map(|p| {
                            p.or_else(|| granted.next())
                                .unwrap_or(SubAckReasonCode::UnspecifiedError)
                        })
                        .collect();
                    Packet::SubAck(ack)
                        .encode(self.version, &mut out)
                        .map_err(|e| e.to_string())?;
                }
                Packet::PubAck(_) => acks.extend_from_slice(raw),
                Packet::Publish(p)
                    if p.qos_pid.qos() != QoS::ExactlyOnce
                        && decide::is_own_uplink(&self.device_id, p.topic.as_str()) =>
                {
                    if let Some(pid) = p.qos_pid.pid() {
                        Packet::PubAck(PubAck::new(pid))
                            .encode(self.broker_version, &mut to_broker)
                            .map_err(|e| e.to_string())?;
                    }
                }
                Packet::PingResp => match self.pings.pop_front() {
                    Some(Ping::Barrier(held)) => out.extend_from_slice(&held),
                    Some(Ping::Device) | None => out.extend_from_slice(raw),
                },
                _ => out.extend_from_slice(raw),
            }
        }
        buf.drain(..start);
        if !acks.is_empty() {
            self.pings.push_back(Ping::Barrier(acks));
            to_broker.extend_from_slice(&PINGREQ);
        }
        Ok((out, to_broker))
    }
}

/// The log's line for an accepted uplink.
fn published(device_id: &str, p: &Publish) -> Event {
    let shown = &p.payload[..p.payload.len().min(PAYLOAD_PREVIEW)];
    Event::Published {
        device_id: device_id.to_string(),
        topic: p.topic.as_str().to_string(),
        qos: p.qos_pid.qos() as u8,
        size: p.payload.len(),
        preview: String::from_utf8_lossy(shown).into_owned(),
    }
}
