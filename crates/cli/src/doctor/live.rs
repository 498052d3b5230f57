//! `iotda-kit doctor --host`: the connection tried step by step (IoTDA's
//! rules on what will be sent, DNS, TCP, TLS, CONNECT, CONNACK, and with
//! `--hold` staying connected), each step's outcome as it happens, and on
//! failure one diagnosis.
//!
//! A connection dropped soon after the broker accepted it is the takeover
//! IoTDA (one connection per device id) and MQTT brokers (one session per
//! ClientId) do when another client connects as the same device.
//!
//! When TLS or the CONNACK fails, the port is probed without credentials to
//! tell a TLS client at a plain MQTT port from a plain client at a TLS
//! port: a TLS handshake that trusts any certificate, or a CONNECT with no
//! user name or password.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use iotda_core::credentials::{self, Credentials, Timestamp};
use iotda_core::doctor::{self, Attempt, Finding};
use iotda_core::mqtt::{self, ConnectReasonCode, Packet, ProtocolVersion};
use serde::Serialize;

use super::DoctorArgs;
use crate::args::SecretArg;
use crate::net::{self, Stream, TlsOptions, PROBE_CLIENT_ID};
use crate::CliError;

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Outcome {
    /// It worked.
    Ok,
    /// It failed; later steps did not run.
    Failed,
    /// Not needed for this connection.
    Skipped,
}

/// One step and what it found.
#[derive(Debug, Serialize)]
pub(super) struct Step {
    step: &'static str,
    outcome: Outcome,
    detail: String,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let outcome = match self.outcome {
            Outcome::Ok => "ok",
            Outcome::Failed => "FAILED",
            Outcome::Skipped => "skipped",
        };
        write!(f, "{:<8} {outcome:<7} {}", self.step, self.detail)
    }
}

/// The steps run and, when one failed or a rule is broken, the diagnosis
/// (the broken rule when there is one, as it is the cause).
pub(super) struct Report {
    pub steps: Vec<Step>,
    pub finding: Option<Finding>,
    pub diagnosis: Option<String>,
    /// The local platform's own reason for refusing the CONNECT
    /// (`--platform`), or why it could not be read.
    pub platform: Option<String>,
    /// Print each step as it ends (the text form), so a slow step shows
    /// where the doctor is.
    print: bool,
}

impl Report {
    fn push(&mut self, step: &'static str, outcome: Outcome, detail: impl Into<String>) {
        let step = Step {
            step,
            outcome,
            detail: detail.into(),
        };
        if self.print {
            println!("{step}");
        }
        self.steps.push(step);
    }

    /// A failed step: recorded, and its explanation is the diagnosis unless
    /// a broken rule explains it already.
    fn fail(mut self, step: &'static str, why: String) -> Self {
        self.push(step, Outcome::Failed, why.clone());
        if self.diagnosis.is_none() {
            self.diagnosis = Some(why);
        }
        self
    }
}

/// What the doctor will send.
struct Sent {
    attempt: Attempt,
    keep_alive: u16,
}

/// Runs the live steps against `host`.
pub(super) fn run(args: &DoctorArgs, host: &str, now: i64) -> Result<Report, CliError> {
    let tls = args.tls
        || args.server_ca.is_some()
        || args.insecure
        || args.cert.is_some()
        || args.tls_name.is_some();
    let port = args.port.unwrap_or(if tls { 8883 } else { 1883 });
    let timeout = Duration::from_secs(u64::from(args.connect_timeout.max(1)));
    let sent = what_to_send(args, now)?;
    let mut report = Report {
        steps: Vec::new(),
        finding: rules(args, &sent.attempt, now)?,
        diagnosis: None,
        platform: None,
        print: !args.json,
    };
    match &report.finding {
        Some(f) => {
            let text = f.to_string();
            report.diagnosis = Some(text.clone());
            report.push("rules", Outcome::Failed, text);
        }
        None if args.device_id.is_some() || args.cert.is_some() => report.push(
            "rules",
            Outcome::Ok,
            "what will be sent follows IoTDA's rules",
        ),
        None => report.push(
            "rules",
            Outcome::Skipped,
            "no --device-id or --cert: IoTDA's rules are not checked",
        ),
    }
    let addr = match (host, port).to_socket_addrs().map(|mut a| a.next()) {
        Ok(Some(addr)) => addr,
        Ok(None) | Err(_) => {
            return Ok(report.fail(
                "dns",
                format!("{host} does not resolve to an address: check the host name"),
            ))
        }
    };
    report.push("dns", Outcome::Ok, format!("{host} is {}", addr.ip()));
    let tcp = match TcpStream::connect_timeout(&addr, timeout) {
        Ok(tcp) => tcp,
        Err(e) => {
            let why = match e.kind() {
            io::ErrorKind::ConnectionRefused => format!(
                "nothing listens on {addr}: check the port (IoTDA: 1883 MQTT, 8883 MQTTS)"
            ),
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => format!(
                "{addr} did not answer within {}s: a firewall drops the connection, or the host is wrong",
                timeout.as_secs()
            ),
            _ => format!("cannot connect to {addr}: {e}"),
        };
            return Ok(report.fail("tcp", why));
        }
    };
    report.push("tcp", Outcome::Ok, format!("{addr} accepts connections"));
    let mut stream = if tls {
        // The TLS connection resolves and connects on its own.
        drop(tcp);
        let opts = TlsOptions {
            ca: args.server_ca.clone(),
            cert: args.cert.clone(),
            key: args.key.clone(),
            key_passphrase: args.key_passphrase.clone(),
            insecure: args.insecure,
            tls_name: args.tls_name.clone(),
            flags: net::Flags {
                ca: "--server-ca",
                insecure: true,
            },
        };
        match net::connect(host, port, Some(&opts), timeout) {
            Ok(stream) => {
                report.push("tls", Outcome::Ok, "handshake complete");
                stream
            }
            Err(CliError::Usage(msg)) => return Err(CliError::Usage(msg)),
            // A TLS client at a plain port is told apart there.
            Err(CliError::Failure(msg)) => return Ok(report.fail("tls", msg)),
        }
    } else {
        report.push("tls", Outcome::Skipped, "plain MQTT");
        if let Err(e) = tcp.set_read_timeout(Some(timeout)) {
            return Ok(report.fail("tcp", format!("cannot use the connection: {e}")));
        }
        Stream::Plain(tcp)
    };
    let connect = connect_packet(&sent);
    let mut bytes = Vec::new();
    mqtt::Packet::Connect(connect)
        .encode(ProtocolVersion::V3_1_1, &mut bytes)
        .map_err(|e| CliError::Usage(format!("the CONNECT cannot be encoded: {e}")))?;
    if let Err(e) = stream.write_all(&bytes).and_then(|()| stream.flush()) {
        return Ok(report.fail("connect", format!("sending the CONNECT failed: {e}")));
    }
    report.push(
        "connect",
        Outcome::Ok,
        format!(
            "sent ClientId {:?}, keep alive {} s{}",
            sent.attempt.client_id,
            sent.keep_alive,
            if sent.attempt.password.is_some() {
                ", with a password"
            } else {
                ""
            }
        ),
    );
    let answer = read_packet(&mut stream, timeout);
    let report = match answer {
        Answer::Packet(packet) => match *packet {
            Packet::ConnAck(ack) if ack.reason == ConnectReasonCode::Success => {
                report.push("connack", Outcome::Ok, "accepted");
                return Ok(hold(report, &mut stream, &sent, args.hold));
            }
            Packet::ConnAck(ack) => {
                let code = ack
                    .reason
                    .to_v3()
                    .map_or_else(|| format!("0x{:02X}", ack.reason.code()), |c| c.to_string());
                let mut report = report.fail(
                    "connack",
                    format!(
                        "refused with code {code}: {}",
                        doctor::explain_refusal(ack.reason)
                    ),
                );
                if args.platform || args.platform_data.is_some() {
                    report.platform = Some(platform_reason(args, &sent, &stream));
                }
                report
            }
            other => report.fail(
                "connack",
                format!(
                    "the broker answered {:?} instead of CONNACK: it is not an MQTT broker",
                    other.packet_type()
                ),
            ),
        },
        Answer::Nothing(why) if !tls && speaks_tls(host, port, timeout) => report.fail(
            "connack",
            format!(
                "{addr} speaks TLS and {why}: connect with TLS (--tls), or to the plain MQTT port (IoTDA: 1883)"
            ),
        ),
        Answer::Nothing(why) => report.fail(
            "connack",
            format!("{why} and no CONNACK came: not an MQTT broker, or one that refused the CONNECT"),
        ),
    };
    stream.shutdown();
    Ok(report)
}

/// What the local platform logged when it refused this connection (found
/// by its ClientId and, when it sees the same address, the doctor's
/// address), or why that could not be had.
fn platform_reason(args: &DoctorArgs, sent: &Sent, stream: &Stream) -> String {
    let found = crate::platform::refusal_reason(
        args.platform_data.as_deref(),
        &sent.attempt.client_id,
        stream.local_addr().ok(),
    );
    match found {
        Ok(Some(reason)) => reason,
        Ok(None) => format!(
            "the platform has no refusal of ClientId {:?} on record: is --host that platform?",
            sent.attempt.client_id
        ),
        Err(CliError::Usage(why) | CliError::Failure(why)) => {
            format!("its own reason could not be read: {why}")
        }
    }
}

/// Stays connected for `seconds` (PINGREQ at half the keep alive), then
/// says DISCONNECT; a connection the broker closes meanwhile is reported as
/// a takeover.
fn hold(mut report: Report, stream: &mut Stream, sent: &Sent, seconds: u16) -> Report {
    if seconds == 0 {
        report.push("hold", Outcome::Skipped, "no --hold");
        stream.shutdown();
        return report;
    }
    let start = Instant::now();
    let end = start + Duration::from_secs(u64::from(seconds));
    let ping_every = Duration::from_secs(u64::from(sent.keep_alive.max(2) / 2));
    let mut next_ping = start + ping_every;
    // Short reads, so pings go out on time.
    let _ = stream.set_read_timeout(Duration::from_millis(200));
    let mut chunk = [0u8; 1024];
    while Instant::now() < end {
        if Instant::now() >= next_ping {
            let mut ping = Vec::new();
            let sent_ping = Packet::PingReq
                .encode(ProtocolVersion::V3_1_1, &mut ping)
                .is_ok()
                && stream
                    .write_all(&ping)
                    .and_then(|()| stream.flush())
                    .is_ok();
            if !sent_ping {
                return dropped(report, start.elapsed());
            }
            next_ping += ping_every;
        }
        match stream.read(&mut chunk) {
            Ok(0) => return dropped(report, start.elapsed()),
            // Pings answered, or messages the broker delivers: fine.
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return dropped(report, start.elapsed()),
        }
    }
    let mut bye = Vec::new();
    if Packet::Disconnect(mqtt::Disconnect::new(
        mqtt::DisconnectReasonCode::NormalDisconnection,
    ))
    .encode(ProtocolVersion::V3_1_1, &mut bye)
    .is_ok()
    {
        // Leaving anyway; a broker gone already changes nothing.
        let _ = stream.write_all(&bye);
    }
    stream.shutdown();
    report.push(
        "hold",
        Outcome::Ok,
        format!("stayed connected for {seconds} s"),
    );
    report
}

/// The broker closed an accepted connection after `after`.
fn dropped(report: Report, after: Duration) -> Report {
    report.fail(
        "hold",
        format!(
            "the broker closed the connection {:.1} s after accepting it: another client connected with the same ClientId (IoTDA keeps one connection per device id, so two clients with one id take turns kicking each other); stop the other client or give each its own device",
            after.as_secs_f32()
        ),
    )
}

/// The attempt the doctor makes: the ClientId, user name and password
/// given, or those computed for `--device-id` (with `--secret`) at `now`.
fn what_to_send(args: &DoctorArgs, now: i64) -> Result<Sent, CliError> {
    let keep_alive = args.keepalive.unwrap_or(120);
    let mut attempt = if let Some(client_id) = &args.client_id {
        Attempt::new(
            client_id.as_str(),
            args.username.as_deref(),
            args.password.as_ref().map(SecretArg::expose),
        )
    } else if let Some(device_id) = &args.device_id {
        let hour = Timestamp::from_unix_seconds(now)
            .map_err(|e| CliError::Failure(format!("the system clock gives no hour: {e}")))?;
        let sign = super::sign_type(args)?.unwrap_or_default();
        match &args.secret {
            Some(secret) => {
                let c = Credentials::compute(device_id, secret.expose(), sign, hour)
                    .map_err(|e| CliError::Usage(format!("{e}")))?;
                Attempt::new(c.client_id, Some(device_id), Some(c.password.expose()))
            }
            None => {
                let client_id = credentials::client_id(device_id, sign, hour)
                    .map_err(|e| CliError::Usage(format!("--device-id: {e}")))?;
                Attempt::new(client_id, Some(device_id), None)
            }
        }
    } else {
        Attempt::new(PROBE_CLIENT_ID, None, None)
    };
    attempt.keep_alive = Some(keep_alive);
    Ok(Sent {
        attempt,
        keep_alive,
    })
}

/// IoTDA's rules on what will be sent (when the device id is known) and
/// on the certificate files (when given).
fn rules(args: &DoctorArgs, attempt: &Attempt, now: i64) -> Result<Option<Finding>, CliError> {
    if let Some(device_id) = &args.device_id {
        let sign_type = super::sign_type(args)?;
        let finding = match &args.secret {
            Some(secret) => {
                doctor::diagnose_secret(device_id, secret.expose(), sign_type, attempt, now)
            }
            None => doctor::check_identity(device_id, sign_type, attempt, now),
        }
        .map_err(super::usage)?;
        if finding.is_some() {
            return Ok(finding);
        }
    }
    super::certificate(args, now)
}

fn connect_packet(sent: &Sent) -> mqtt::Connect {
    let a = &sent.attempt;
    let mut c = mqtt::Connect::new(
        ProtocolVersion::V3_1_1,
        a.client_id.as_str(),
        sent.keep_alive,
    );
    c.username = a.username.clone();
    c.password = a.password.as_ref().map(|p| p.expose().as_bytes().to_vec());
    c
}

/// What came back after the CONNECT.
enum Answer {
    /// A whole MQTT packet.
    Packet(Box<Packet>),
    /// No packet: why, as a clause.
    Nothing(String),
}

/// Reads one MQTT 3.1.1 packet within `timeout`.
fn read_packet(stream: &mut impl Read, timeout: Duration) -> Answer {
    let deadline = Instant::now() + timeout;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        match mqtt::decode(&buf, 1 << 16, ProtocolVersion::V3_1_1) {
            Ok(Some((packet, _))) => return Answer::Packet(Box::new(packet)),
            Ok(None) => {}
            Err(_) if looks_like_tls(&buf) => {
                return Answer::Nothing("answered with a TLS record".into())
            }
            Err(e) => return Answer::Nothing(format!("answered bytes that are not MQTT ({e})")),
        }
        if Instant::now() > deadline {
            return Answer::Nothing(format!("nothing answered within {}s", timeout.as_secs()));
        }
        match stream.read(&mut chunk) {
            Ok(0) => {
                return Answer::Nothing(if buf.is_empty() {
                    "it closed the connection".into()
                } else {
                    "it closed the connection mid-packet".into()
                })
            }
            Ok(n) => buf.extend_from_slice(chunk.get(..n).unwrap_or_default()),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(e) => return Answer::Nothing(format!("the connection failed ({e})")),
        }
    }
}

/// A TLS record header: handshake (22) or alert (21), version 3.x.
fn looks_like_tls(buf: &[u8]) -> bool {
    matches!(buf, [21 | 22, 3, ..])
}

/// Whether `host:port` completes a TLS handshake when any certificate is
/// trusted (no client certificate, nothing sent after).
fn speaks_tls(host: &str, port: u16, timeout: Duration) -> bool {
    let probe = TlsOptions {
        insecure: true,
        ..TlsOptions::default()
    };
    net::connect(host, port, Some(&probe), timeout)
        .map(|mut s| s.shutdown())
        .is_ok()
}
