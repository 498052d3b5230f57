//! `iotda-kit pub` and `iotda-kit sub`: the core's sans-IO MQTT session
//! driven over TCP or TLS, with the clock and the randomness read here.
//!
//! One loop runs the session (see `iotda_core::mqtt::session`): write what
//! it wants written, open or close the connection when it asks, hand its
//! events to the command, then read the socket until the next timer.
//! [`Client`] is that loop, shared with `simulate`; after
//! [`Client::stop_on_signals`], Ctrl-C or SIGTERM ends it with a clean
//! DISCONNECT.

use std::io::{self, IsTerminal, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use iotda_core::credentials::{self, Credentials, SignType, Timestamp};
use iotda_core::endpoint::is_iotda_host;
use iotda_core::mqtt::session::{
    Event, Instant, Login, LostCause, Message, Options, Secret, Session, SubscribeOutcome,
    SubscribeResult, TransportAction,
};
use iotda_core::mqtt::{ProtocolVersion, QoS, Subscription, TopicFilter, TopicName};
use serde::Serialize;

use crate::args::{ConnectionArgs, PubArgs, SubArgs};
use crate::net::{self, Stream, TlsOptions};
use crate::{unix_now, CliError};

/// Runs `iotda-kit pub`.
pub fn publish(args: &PubArgs) -> Result<(), CliError> {
    let topic =
        TopicName::new(args.topic.clone()).map_err(|e| CliError::Usage(format!("--topic: {e}")))?;
    let qos = qos(args.qos)?;
    let payload = if args.message == "-" {
        crate::input::read_stdin("the message")?
    } else {
        args.message.clone().into_bytes()
    };
    let mut message = Message::new(topic, qos, payload);
    message.retain = args.retain;

    let mut client = Client::new(&args.connection, false)?;
    let deadline = client.now() + client.timeout;
    let mut message = Some(message);
    let mut sent = None;
    let mut done = None;
    let outcome = client.run(Some(deadline), |session, now, event| {
        match event {
            Event::Connected(_) => {
                if let Some(message) = message.take() {
                    let id = session
                        .publish(now, message)
                        .map_err(|e| CliError::Usage(format!("cannot publish: {e}")))?;
                    sent = Some(id);
                }
            }
            Event::Published { id, qos } if Some(id) == sent => {
                done = Some(qos);
                session.disconnect(now);
            }
            Event::PublishFailed { error, .. } => {
                return Err(CliError::Failure(format!("publish failed: {error}")))
            }
            Event::Disconnected => return Ok(Flow::Stop),
            other => report(other)?,
        }
        Ok(Flow::Continue)
    })?;
    // Scripts rely on silence; a person at a terminal is told.
    if let Some(qos) = done.filter(|_| io::stderr().is_terminal()) {
        eprintln!("{}", published(&args.topic, qos));
    }
    match outcome {
        Outcome::Stopped | Outcome::Interrupted | Outcome::Yielded => Ok(()),
        Outcome::DeadlinePassed => Err(CliError::Failure(format!(
            "no answer from the broker within {} s ({})",
            client.timeout.as_secs(),
            if sent.is_some() {
                "the message was sent but not acknowledged"
            } else {
                "not connected"
            }
        ))),
    }
}

/// What `pub` says on a terminal once its message is done: acknowledged
/// at QoS 1 and 2, only written at QoS 0 (which has no acknowledgement).
fn published(topic: &str, qos: QoS) -> String {
    let done = match qos {
        QoS::AtMostOnce => "sent; QoS 0 is not acknowledged",
        QoS::AtLeastOnce => "acknowledged",
        QoS::ExactlyOnce => "completed",
    };
    format!("published 1 message to {topic} (QoS {}, {done})", qos as u8)
}

/// One received message, as `sub --json` prints it.
#[derive(Serialize)]
struct JsonMessage<'a> {
    topic: &'a str,
    qos: u8,
    retain: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload_hex: Option<String>,
}

/// Runs `iotda-kit sub`.
pub fn subscribe(args: &SubArgs) -> Result<(), CliError> {
    let qos = qos(args.qos)?;
    let subscriptions = args
        .topic
        .iter()
        .map(|t| {
            TopicFilter::new(t.clone())
                .map(|f| Subscription::new(f, qos))
                .map_err(|e| CliError::Usage(format!("--topic {t:?}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if args.count == Some(0) {
        return Err(CliError::Usage("--count: must be at least 1".into()));
    }
    let mut client = Client::new(&args.connection, true)?;
    client.stop_on_signals()?;
    let deadline = args.timeout.map(|s| client.now() + Duration::from_secs(s));
    let mut pending = Some(subscriptions);
    let mut received: u64 = 0;
    let stdout = io::stdout();
    let outcome = client.run(deadline, |session, now, event| {
        match event {
            Event::Connected(_) => {
                // Later connections renew the subscriptions by themselves.
                if let Some(subscriptions) = pending.take() {
                    session
                        .subscribe(now, subscriptions)
                        .map_err(|e| CliError::Usage(format!("cannot subscribe: {e}")))?;
                }
            }
            Event::Subscribed { results, .. } | Event::Resubscribed { results } => {
                subscribed(&results)?;
            }
            Event::Message(m) => {
                print_message(&mut stdout.lock(), &m, args.json)?;
                received += 1;
                if args.count == Some(received) {
                    session.disconnect(now);
                }
            }
            Event::Disconnected => return Ok(Flow::Stop),
            other => report(other)?,
        }
        Ok(Flow::Continue)
    })?;
    match (outcome, args.count) {
        (Outcome::DeadlinePassed, Some(n)) if received < n => Err(CliError::Failure(format!(
            "timed out after {} s with {received} of {n} messages",
            args.timeout.unwrap_or_default()
        ))),
        _ => Ok(()),
    }
}

fn print_message(out: &mut impl Write, m: &Message, json: bool) -> Result<(), CliError> {
    let text = std::str::from_utf8(&m.payload).ok();
    let line = if json {
        let record = JsonMessage {
            topic: m.topic.as_str(),
            qos: m.qos as u8,
            retain: m.retain,
            payload: text,
            payload_hex: text
                .is_none()
                .then(|| m.payload.iter().map(|b| format!("{b:02x}")).collect()),
        };
        serde_json::to_string(&record)
            .map_err(|e| CliError::Failure(format!("cannot write JSON: {e}")))?
    } else {
        match text {
            Some(text) => format!("{} {text}", m.topic.as_str()),
            None => format!(
                "{} hex:{}",
                m.topic.as_str(),
                m.payload
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            ),
        }
    };
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| CliError::Failure(format!("cannot write the message: {e}")))
}

/// Says on stderr which subscriptions the broker granted; a refused one is
/// the end.
pub(crate) fn subscribed(results: &[SubscribeResult]) -> Result<(), CliError> {
    for r in results {
        match r.outcome {
            SubscribeOutcome::Granted(q) => {
                eprintln!("subscribed to {} (QoS {})", r.filter, q as u8);
            }
            SubscribeOutcome::Refused(_) => {
                return Err(CliError::Failure(format!(
                    "the broker refused the subscription to {}: {}",
                    r.filter, r.outcome
                )))
            }
        }
    }
    Ok(())
}

/// What the common events mean for a command: a note on stderr, or the end.
pub(crate) fn report(event: Event) -> Result<(), CliError> {
    match event {
        Event::Warning(w) => eprintln!("warning: {w}"),
        Event::Refused {
            refusal,
            reconnect_at: None,
        } => {
            return Err(CliError::Failure(format!(
                "the broker refused the connection: {refusal}"
            )))
        }
        Event::Refused { refusal, .. } => {
            eprintln!("the broker refused the connection: {refusal}; trying again");
        }
        Event::ConnectionLost {
            cause: cause @ LostCause::OnlyMqtt311,
            reconnect_at: None,
        } => return Err(CliError::Failure(format!("{cause} (--protocol 4)"))),
        Event::ConnectionLost {
            cause,
            reconnect_at: None,
        } => return Err(CliError::Failure(cause.to_string())),
        Event::ConnectionLost { cause, .. } => {
            eprintln!("connection lost: {cause}; reconnecting");
        }
        Event::Reconnecting { attempt } => eprintln!("reconnecting (attempt {attempt})"),
        _ => {}
    }
    Ok(())
}

/// What the command wants after an event.
pub(crate) enum Flow {
    /// More events.
    Continue,
    /// Done.
    Stop,
    /// Back to the caller, to act between runs (with a new deadline).
    Yield,
}

/// How [`Client::run`] ended.
pub(crate) enum Outcome {
    /// The command said it is done.
    Stopped,
    /// The deadline passed first.
    DeadlinePassed,
    /// Ctrl-C or SIGTERM: the session said DISCONNECT and closed the
    /// connection.
    Interrupted,
    /// The command asked to act between runs.
    Yielded,
}

/// A session and its connection.
pub(crate) struct Client {
    session: Session,
    stream: Option<Stream>,
    started: std::time::Instant,
    host: String,
    port: u16,
    tls: Option<TlsOptions>,
    timeout: Duration,
    /// Set by SIGINT or SIGTERM after [`Client::stop_on_signals`].
    stop: Option<Arc<AtomicBool>>,
    /// A password goes without TLS: checked (and said) before the first
    /// connection only.
    password_in_clear: bool,
}

impl Client {
    /// A session for the connection on the command line, asked to connect.
    /// With `reconnect`, a lost connection is opened again.
    pub(crate) fn new(args: &ConnectionArgs, reconnect: bool) -> Result<Self, CliError> {
        let (tls, port) = transport(args);
        let password_in_clear = !tls && (args.password.is_some() || args.secret.is_some());
        let mut options = options(args)?;
        if !reconnect {
            options.reconnect = None;
        }
        options.connect_timeout = Duration::from_secs(u64::from(args.connect_timeout.max(1)));
        let mut seed = [0u8; 8];
        getrandom::fill(&mut seed)
            .map_err(|e| CliError::Failure(format!("the system's random source failed: {e}")))?;
        let mut session = Session::new(options, u64::from_le_bytes(seed))
            .map_err(|e| CliError::Usage(e.to_string()))?;
        if let Some(source) = login_source(args)? {
            session.set_login_source(source);
        }
        let tls = tls.then(|| TlsOptions {
            ca: args.ca.clone(),
            cert: args.cert.clone(),
            key: args.key.clone(),
            key_passphrase: args.key_passphrase.clone(),
            insecure: args.insecure,
            tls_name: args.tls_name.clone(),
            flags: net::Flags::default(),
        });
        let mut client = Self {
            session,
            stream: None,
            started: std::time::Instant::now(),
            host: args.host.clone(),
            port,
            tls,
            timeout: Duration::from_secs(u64::from(args.connect_timeout.max(1))),
            stop: None,
            password_in_clear,
        };
        let now = client.now();
        client.session.connect(now);
        Ok(client)
    }

    /// Makes Ctrl-C (SIGINT) and SIGTERM end [`Client::run`] with a clean
    /// DISCONNECT, noticed within a second. A second Ctrl-C while that
    /// hangs ends the process at once.
    pub(crate) fn stop_on_signals(&mut self) -> Result<(), CliError> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        use signal_hook::flag;
        let stop = Arc::new(AtomicBool::new(false));
        for signal in [SIGINT, SIGTERM] {
            flag::register_conditional_shutdown(signal, 1, Arc::clone(&stop))
                .and_then(|_| flag::register(signal, Arc::clone(&stop)))
                .map_err(|e| CliError::Failure(format!("cannot handle signal {signal}: {e}")))?;
        }
        self.stop = Some(stop);
        Ok(())
    }

    /// The session, for requests made between runs.
    pub(crate) fn session(&mut self) -> &mut Session {
        &mut self.session
    }

    /// Milliseconds since the client started, as the session counts time.
    pub(crate) fn now(&self) -> Instant {
        let millis = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Instant::from_millis(millis)
    }

    /// Drives the session until `on_event` says [`Flow::Stop`], it fails,
    /// `deadline` passes, or a signal asks to stop.
    pub(crate) fn run(
        &mut self,
        deadline: Option<Instant>,
        mut on_event: impl FnMut(&mut Session, Instant, Event) -> Result<Flow, CliError>,
    ) -> Result<Outcome, CliError> {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            self.flush()?;
            let now = self.now();
            if self.stop.as_ref().is_some_and(|s| s.load(Ordering::SeqCst)) {
                self.session.disconnect(now);
                self.flush()?;
                return Ok(Outcome::Interrupted);
            }
            if let Some(event) = self.session.poll_event() {
                match on_event(&mut self.session, now, event)? {
                    Flow::Continue => continue,
                    Flow::Stop => return Ok(Outcome::Stopped),
                    Flow::Yield => return Ok(Outcome::Yielded),
                }
            }
            if deadline.is_some_and(|d| now >= d) {
                return Ok(Outcome::DeadlinePassed);
            }
            if self.session.poll_timeout().is_some_and(|t| now >= t) {
                self.session.handle_timeout(now);
                continue;
            }
            let next = [self.session.poll_timeout(), deadline]
                .into_iter()
                .flatten()
                .min();
            let wait = next
                .map_or(Duration::from_secs(1), |t| t.saturating_duration_since(now))
                .clamp(Duration::from_millis(1), Duration::from_secs(1));
            self.read(&mut buf, wait);
        }
    }

    /// Waits up to `wait` for bytes and hands them to the session.
    fn read(&mut self, buf: &mut [u8], wait: Duration) {
        let Some(stream) = self.stream.as_mut() else {
            std::thread::sleep(wait);
            return;
        };
        let result = stream
            .set_read_timeout(wait)
            .and_then(|()| stream.read(buf));
        let now = self.now();
        match result {
            Ok(0) => {
                self.stream = None;
                self.session
                    .handle_disconnected(now, LostCause::said("the broker closed the connection"));
            }
            Ok(n) => self
                .session
                .handle_bytes(now, buf.get(..n).unwrap_or_default()),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                self.stream = None;
                let why = net::explain(&e, &self.host, self.tls.as_ref());
                self.session.handle_disconnected(now, LostCause::said(&why));
            }
        }
    }

    /// Writes what the session wants written and opens or closes the
    /// connection when it asks.
    fn flush(&mut self) -> Result<(), CliError> {
        loop {
            if let Some(bytes) = self.session.poll_transmit() {
                let Some(stream) = self.stream.as_mut() else {
                    continue;
                };
                if let Err(e) = stream.write_all(&bytes).and_then(|()| stream.flush()) {
                    self.stream = None;
                    let why = net::explain(&e, &self.host, self.tls.as_ref());
                    let now = self.now();
                    self.session.handle_disconnected(now, LostCause::said(&why));
                }
                continue;
            }
            match self.session.poll_transport() {
                Some(TransportAction::Open) => {
                    if std::mem::take(&mut self.password_in_clear) {
                        if let Some(warning) = net::cleartext_warning(&self.host, self.port) {
                            eprintln!("warning: {warning}");
                        }
                    }
                    let opened =
                        net::connect(&self.host, self.port, self.tls.as_ref(), self.timeout);
                    let now = self.now();
                    match opened {
                        Ok(stream) => {
                            self.stream = Some(stream);
                            self.session.handle_connected(now);
                        }
                        // Bad TLS files: no point in trying again.
                        Err(CliError::Usage(msg)) => return Err(CliError::Usage(msg)),
                        Err(CliError::Failure(msg)) => {
                            self.session.handle_disconnected(now, LostCause::said(&msg))
                        }
                    }
                }
                Some(TransportAction::Close) => {
                    if let Some(mut stream) = self.stream.take() {
                        stream.shutdown();
                    }
                    let now = self.now();
                    self.session
                        .handle_disconnected(now, LostCause::said("closed by the client"));
                }
                None => return Ok(()),
            }
        }
    }
}

/// TLS or not, and the port: TLS when asked for (`--tls`, `--ca`,
/// `--cert`, `--insecure`, `--tls-name`) and, for an IoTDA host, unless `--port 1883`
/// asks for its plain port; the port defaults to 8883 with TLS, else 1883.
fn transport(args: &ConnectionArgs) -> (bool, u16) {
    let asked = args.tls
        || args.ca.is_some()
        || args.cert.is_some()
        || args.insecure
        || args.tls_name.is_some();
    let tls = asked || (is_iotda_host(&args.host) && args.port != Some(1883));
    (tls, args.port.unwrap_or(if tls { 8883 } else { 1883 }))
}

fn qos(level: u8) -> Result<QoS, CliError> {
    QoS::try_from(level).map_err(|_| CliError::Usage(format!("--qos: {level} is not 0, 1 or 2")))
}

/// The session options from the command line: IoTDA credentials computed
/// from --device-id (and --secret), or plain MQTT ones.
fn options(args: &ConnectionArgs) -> Result<Options, CliError> {
    let mut options = match &args.device_id {
        Some(device_id) => {
            let sign_type: SignType = args
                .sign_type
                .parse()
                .map_err(|e| CliError::Usage(format!("--sign-type: {e}")))?;
            let timestamp = match &args.timestamp {
                Some(text) => Timestamp::parse(text)
                    .map_err(|e| CliError::Usage(format!("--timestamp: {e}")))?,
                None => Timestamp::from_unix_seconds(unix_now()?)
                    .map_err(|e| CliError::Failure(format!("the system clock: {e}")))?,
            };
            match &args.secret {
                Some(secret) => {
                    let creds =
                        Credentials::compute(device_id, secret.expose(), sign_type, timestamp)
                            .map_err(|e| CliError::Usage(format!("--device-id/--secret: {e}")))?;
                    // As `credentials` warns: a secret IoTDA would not have
                    // issued (said once, not at every reconnection).
                    for warning in &creds.warnings {
                        eprintln!("warning: {warning}");
                    }
                    Options::iotda(&creds)
                }
                None => {
                    // A certificate device: same ClientId and user name, no password.
                    let client_id = credentials::client_id(device_id, sign_type, timestamp)
                        .map_err(|e| CliError::Usage(format!("--device-id: {e}")))?;
                    let mut options = Options::new(client_id);
                    options.username = Some(device_id.clone());
                    options.iotda = true;
                    options
                }
            }
        }
        None => {
            let client_id = match &args.client_id {
                Some(id) => id.clone(),
                None => {
                    let mut bytes = [0u8; 6];
                    getrandom::fill(&mut bytes).map_err(|e| {
                        CliError::Failure(format!("the system's random source failed: {e}"))
                    })?;
                    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                    format!("iotda-kit-{hex}")
                }
            };
            let mut options = Options::new(client_id);
            options.username = args.username.clone();
            options.password = args.password.as_ref().map(|p| Secret::from(p.expose()));
            options
        }
    };
    options.version = protocol_version(&args.protocol)?;
    options.keep_alive = args.keepalive;
    options.clean_start = !args.no_clean;
    if args.session_expiry.is_some() && !options.version.is_v5() {
        return Err(CliError::Usage(
            "--session-expiry: only MQTT 5 has it (--protocol 5)".into(),
        ));
    }
    // Without an expiry an MQTT 5 session ends with its connection, and
    // --no-clean would resume nothing.
    let resumable = (args.no_clean && options.version.is_v5()).then_some(DEFAULT_SESSION_EXPIRY);
    options.session_expiry = args.session_expiry.or(resumable);
    Ok(options)
}

/// The MQTT 5 Session Expiry Interval of `--no-clean` when
/// `--session-expiry` does not give one: an hour.
const DEFAULT_SESSION_EXPIRY: u32 = 3600;

/// For an IoTDA device whose hour was not pinned with `--timestamp`: a
/// login signed with the current UTC hour before every CONNECT, so a
/// reconnection after the hour is not refused (sign type 1 checks it).
fn login_source(
    args: &ConnectionArgs,
) -> Result<Option<impl FnMut(Instant) -> Option<Login> + Send + 'static>, CliError> {
    let (Some(device_id), None) = (args.device_id.clone(), &args.timestamp) else {
        return Ok(None);
    };
    let sign_type: SignType = args
        .sign_type
        .parse()
        .map_err(|e| CliError::Usage(format!("--sign-type: {e}")))?;
    let secret = args.secret.clone();
    Ok(Some(move |_: Instant| {
        let hour = Timestamp::from_unix_seconds(unix_now().ok()?).ok()?;
        match &secret {
            Some(secret) => Credentials::compute(&device_id, secret.expose(), sign_type, hour)
                .ok()
                .map(|c| Login::from(&c)),
            None => Some(Login {
                client_id: credentials::client_id(&device_id, sign_type, hour).ok()?,
                username: Some(device_id.clone()),
                password: None,
            }),
        }
    }))
}

/// `--protocol`: 3 (MQTT 3.1), 4 (3.1.1) or 5 (5.0).
pub fn protocol_version(text: &str) -> Result<ProtocolVersion, CliError> {
    match text.trim() {
        "3" => Ok(ProtocolVersion::V3_1),
        "4" => Ok(ProtocolVersion::V3_1_1),
        "5" => Ok(ProtocolVersion::V5),
        other => Err(CliError::Usage(format!(
            "--protocol: {other:?} is not 3 (MQTT 3.1), 4 (3.1.1) or 5 (5.0)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::args::{Cli, Command};

    fn transport_of(args: &[&str]) -> (bool, u16) {
        let cli =
            Cli::try_parse_from([&["iotda-kit", "pub", "-t", "t", "-m", "m"][..], args].concat())
                .expect("valid arguments");
        let Command::Pub(args) = cli.command else {
            panic!("pub");
        };
        transport(&args.connection)
    }

    #[test]
    fn pub_says_what_was_acknowledged() {
        assert_eq!(
            published("$oc/devices/p_n/sys/messages/up", QoS::AtLeastOnce),
            "published 1 message to $oc/devices/p_n/sys/messages/up (QoS 1, acknowledged)"
        );
        assert_eq!(
            published("t", QoS::AtMostOnce),
            "published 1 message to t (QoS 0, sent; QoS 0 is not acknowledged)"
        );
    }

    #[test]
    fn iotda_hosts_default_to_tls_on_8883() {
        let iotda = "a1b2.st1.iotda-device.cn-north-4.myhuaweicloud.com";
        assert_eq!(transport_of(&["--host", iotda]), (true, 8883));
        assert_eq!(
            transport_of(&["--host", "iot-mqtts.cn-north-4.myhuaweicloud.com"]),
            (true, 8883)
        );
        assert_eq!(
            transport_of(&["--host", iotda, "--port", "8883"]),
            (true, 8883)
        );
        // IoTDA's plain port, asked for by name.
        assert_eq!(
            transport_of(&["--host", iotda, "--port", "1883"]),
            (false, 1883)
        );
        // Other brokers: plain unless asked.
        assert_eq!(transport_of(&["--host", "127.0.0.1"]), (false, 1883));
        assert_eq!(
            transport_of(&["--host", "127.0.0.1", "--tls"]),
            (true, 8883)
        );
    }
}
