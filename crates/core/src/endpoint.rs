//! Where a device connects, and the settings other MQTT clients need to do
//! the same: a `mosquitto_pub` command line, an MQTTX CLI command and the
//! fields of MQTT.fx's connection profile.
//!
//! A device logs in with a password computed from its secret, or with an
//! X.509 certificate: then the TLS handshake authenticates it, the ClientId
//! and user name stay as for a secret and the password is left blank (the
//! seed: "Leave it blank when the X.509 certificate is used"). The files
//! the generated settings name are those the Certificates page downloads.
//!
//! Pure text generation: nothing here resolves names or opens sockets.

use std::fmt;

use crate::text::{Message, Say};

use serde::{Deserialize, Serialize};

/// The platform's legacy shared access host (CN North-Beijing4, basic
/// edition): "Obtaining Resources" says instances subscribed before 14 July
/// 2020 can still use it.
pub const LEGACY_HOST: &str = "iot-mqtts.cn-north-4.myhuaweicloud.com";
/// The path IoTDA serves MQTT over WebSocket on.
pub const DEFAULT_WS_PATH: &str = "/mqtt";

/// The device certificate file, as the Certificates page downloads it.
pub const DEVICE_CERT_FILE: &str = "deviceCert.pem";
/// The device key file, as the Certificates page downloads it.
pub const DEVICE_KEY_FILE: &str = "deviceCert.key";
/// The platform CA certificate the device trusts: Huawei's "Obtaining
/// Resources" page publishes it per region and edition without a fixed file
/// name, so the settings use the name the local platform gives its own
/// (`tls/platform-ca.crt`).
pub const PLATFORM_CA_FILE: &str = "platform-ca.crt";

mod regions;

pub use regions::{
    platform_ca, region_of, PlatformCa, Region, OBTAINING_RESOURCES, OBTAINING_RESOURCES_INTL,
};

/// The per-instance device access host of CN North-Beijing4, with the
/// `{prefix}` the user must fill: the Connection page's default host.
///
/// Huawei's Java demo of the IoTDA developer guide connects to
/// `ssl://******.st1.iotda-device.cn-north-4.myhuaweicloud.com:8883`; the
/// prefix is the instance's, shown under Overview > Access Details.
pub const DEFAULT_HOST: &str = "{prefix}.st1.iotda-device.cn-north-4.myhuaweicloud.com";

/// What a host suggestion is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostPreset {
    /// The per-instance host of an IoTDA region.
    Instance(Region),
    /// The legacy shared host ([`LEGACY_HOST`]).
    Legacy,
    /// The local broker of the kit's run command (`127.0.0.1`).
    Local,
}

impl HostPreset {
    /// Every suggestion, in the order offered: each region's instance host,
    /// the legacy host, the local broker.
    pub fn all() -> impl Iterator<Item = HostPreset> {
        Region::ALL
            .into_iter()
            .map(Self::Instance)
            .chain([Self::Legacy, Self::Local])
    }

    /// The host; `{prefix}` marks the part to replace.
    pub fn host(self) -> String {
        match self {
            Self::Instance(region) => region.instance_host(),
            Self::Legacy => LEGACY_HOST.to_owned(),
            Self::Local => "127.0.0.1".to_owned(),
        }
    }
}

/// The transport a client speaks to the broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// MQTT over plain TCP (IoTDA port 1883).
    Mqtt,
    /// MQTT over TLS (IoTDA port 8883).
    #[default]
    Mqtts,
    /// MQTT over plain WebSocket (local brokers only; IoTDA has none).
    Ws,
    /// MQTT over WebSocket over TLS (IoTDA port 443, path `/mqtt`).
    Wss,
}

impl Transport {
    /// Every transport, in menu order.
    pub const ALL: [Transport; 4] = [Self::Mqtt, Self::Mqtts, Self::Ws, Self::Wss];

    /// The port IoTDA (or, for plain WebSocket, the URL scheme) uses.
    pub fn default_port(self) -> u16 {
        match self {
            Self::Mqtt => 1883,
            Self::Mqtts => 8883,
            Self::Ws => 80,
            Self::Wss => 443,
        }
    }

    /// The port of this transport on the kit's local IoTDA as
    /// `scripts/run.sh` starts it (`iotda-kit platform --ws-port 9001`:
    /// MQTT 1883, MQTTS 8883, WS 9001, WSS 8443): our choice, used for a
    /// host on this computer.
    pub fn local_port(self) -> u16 {
        match self {
            Self::Mqtt => 1883,
            Self::Mqtts => 8883,
            Self::Ws => 9001,
            Self::Wss => 8443,
        }
    }

    /// The port this transport is expected on at `host`: the local IoTDA's
    /// for a host on this computer, IoTDA's otherwise.
    pub fn port_for(self, host: &str) -> u16 {
        if is_loopback_host(host) {
            self.local_port()
        } else {
            self.default_port()
        }
    }

    /// Whether the connection is encrypted.
    pub fn is_tls(self) -> bool {
        matches!(self, Self::Mqtts | Self::Wss)
    }

    /// Whether MQTT is carried in WebSocket frames.
    pub fn is_websocket(self) -> bool {
        matches!(self, Self::Ws | Self::Wss)
    }

    /// The URL scheme (`mqtt`, `mqtts`, `ws`, `wss`), also MQTTX's `-l` value.
    pub fn scheme(self) -> &'static str {
        match self {
            Self::Mqtt => "mqtt",
            Self::Mqtts => "mqtts",
            Self::Ws => "ws",
            Self::Wss => "wss",
        }
    }

    /// Parses a scheme as written by [`Transport::scheme`].
    pub fn from_scheme(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.scheme() == s)
    }

    /// A short human label, e.g. `MQTTS (TLS) 8883`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Mqtt => "MQTT 1883",
            Self::Mqtts => "MQTTS (TLS) 8883",
            Self::Ws => "WS (plain WebSocket, local brokers)",
            Self::Wss => "WSS 443, path /mqtt",
        }
    }
}

/// Why an endpoint is not usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointError {
    /// The host is empty.
    EmptyHost,
    /// The host still has the `{prefix}` placeholder of a preset.
    HostPlaceholder,
    /// A URL was pasted where the host alone belongs.
    HostHasScheme(String),
    /// The host has a character that no host name has.
    HostChar {
        /// The offending character.
        ch: char,
        /// Its 1-based position.
        position: usize,
    },
    /// A dot-separated part of the host is empty, longer than 63, or starts
    /// or ends with '-'.
    HostLabel(String),
    /// The host is longer than 253 characters.
    HostTooLong(usize),
    /// The port is not a number from 1 to 65535.
    Port(String),
    /// A WebSocket path that does not start with '/'.
    Path(String),
    /// An X.509 device over a transport without TLS.
    CertificateNeedsTls(Transport),
}

impl EndpointError {
    /// Whether the error is about the port field (else host or path).
    pub fn is_port(&self) -> bool {
        matches!(self, Self::Port(_))
    }

    /// Whether the error is about the transport field.
    pub fn is_transport(&self) -> bool {
        matches!(self, Self::CertificateNeedsTls(_))
    }

    /// Whether the error is about the WebSocket path field.
    pub fn is_path(&self) -> bool {
        matches!(self, Self::Path(_))
    }
}

impl Say for EndpointError {
    fn message(&self) -> Message {
        use crate::text::keys::endpoint as k;
        match self {
            Self::EmptyHost => Message::new(k::EMPTY_HOST),
            Self::HostPlaceholder => Message::new(k::HOST_PLACEHOLDER),
            Self::HostHasScheme(scheme) => {
                Message::new(k::HOST_HAS_SCHEME).with("scheme", format_args!("{scheme:?}"))
            }
            Self::HostChar { ch, position } => Message::new(k::HOST_CHAR)
                .with("ch", format_args!("{ch:?}"))
                .with("position", position),
            Self::HostLabel(label) => {
                Message::new(k::HOST_LABEL).with("label", format_args!("{label:?}"))
            }
            Self::HostTooLong(n) => Message::new(k::HOST_TOO_LONG).with("n", n),
            Self::Port(p) => Message::new(k::PORT).with("port", format_args!("{p:?}")),
            Self::Path(p) => Message::new(k::PATH).with("path", format_args!("{p:?}")),
            Self::CertificateNeedsTls(t) => {
                Message::new(k::CERTIFICATE_NEEDS_TLS).with("scheme", t.scheme())
            }
        }
    }
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for EndpointError {}

/// Parses a port typed by a user.
pub fn parse_port(text: &str) -> Result<u16, EndpointError> {
    text.parse::<u16>()
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| EndpointError::Port(text.to_owned()))
}

/// Whether `host` is a Huawei Cloud access host (`*.myhuaweicloud.com`,
/// which covers the per-instance `*.iotda-device.*` hosts and the legacy
/// [`LEGACY_HOST`]): clients default to TLS for these, as IoTDA's plain
/// port 1883 works only where the instance and the device allow
/// non-secure access.
pub fn is_iotda_host(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    host.ends_with(".myhuaweicloud.com")
}

/// Whether `host` names this computer: `localhost` (or `*.localhost`) or
/// a loopback address. Names are not resolved.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim();
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host.ends_with(".localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Checks a host name or IP address typed by a user.
pub fn check_host(host: &str) -> Result<(), EndpointError> {
    if host.is_empty() {
        return Err(EndpointError::EmptyHost);
    }
    if host.contains("{prefix}") {
        return Err(EndpointError::HostPlaceholder);
    }
    if let Some(i) = host.find("://") {
        return Err(EndpointError::HostHasScheme(host[..i + 3].to_owned()));
    }
    if host.parse::<std::net::Ipv6Addr>().is_ok() {
        return Ok(());
    }
    if let Some((i, ch)) = host
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '.' || *c == '-'))
    {
        return Err(EndpointError::HostChar {
            ch,
            position: i + 1,
        });
    }
    if host.len() > 253 {
        return Err(EndpointError::HostTooLong(host.len()));
    }
    // A single trailing dot (fully qualified form) is allowed.
    let body = host.strip_suffix('.').unwrap_or(host);
    match body.split('.').find(|label| {
        label.is_empty() || label.len() > 63 || label.starts_with('-') || label.ends_with('-')
    }) {
        Some(label) => Err(EndpointError::HostLabel(label.to_owned())),
        None => Ok(()),
    }
}

/// A broker endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// Host name or IP address.
    pub host: String,
    /// Transport.
    pub transport: Transport,
    /// TCP port.
    pub port: u16,
    /// Path of the WebSocket URL (used only by WebSocket transports).
    pub path: String,
}

impl Endpoint {
    /// An endpoint with the transport's default port and IoTDA's path.
    pub fn new(host: impl Into<String>, transport: Transport) -> Self {
        Self {
            host: host.into(),
            transport,
            port: transport.default_port(),
            path: DEFAULT_WS_PATH.to_owned(),
        }
    }

    /// Checks the host, port and (for WebSocket) the path.
    pub fn check(&self) -> Result<(), EndpointError> {
        self.check_for(&Auth::Password(""))
    }

    /// [`Endpoint::check`], and for a certificate device, that the
    /// transport has TLS.
    pub fn check_for(&self, auth: &Auth<'_>) -> Result<(), EndpointError> {
        self.problems(auth).into_iter().next().map_or(Ok(()), Err)
    }

    /// Every problem [`Endpoint::check_for`] finds, not only the first: at
    /// most one a field, in the order host, port, path, transport.
    pub fn problems(&self, auth: &Auth<'_>) -> Vec<EndpointError> {
        let mut problems = Vec::new();
        if let Err(e) = check_host(&self.host) {
            problems.push(e);
        }
        if self.port == 0 {
            problems.push(EndpointError::Port("0".to_owned()));
        }
        if self.transport.is_websocket() && !self.path.starts_with('/') {
            problems.push(EndpointError::Path(self.path.clone()));
        }
        if matches!(auth, Auth::Certificate) && !self.transport.is_tls() {
            problems.push(EndpointError::CertificateNeedsTls(self.transport));
        }
        problems
    }

    /// The URL form, e.g. `mqtts://host:8883` or `wss://host:443/mqtt`.
    pub fn url(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let path = if self.transport.is_websocket() {
            self.path.as_str()
        } else {
            ""
        };
        format!("{}://{host}:{}{path}", self.transport.scheme(), self.port)
    }
}

/// How a device proves who it is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Auth<'a> {
    /// The MQTT password computed from the device secret.
    Password(&'a str),
    /// An X.509 device certificate ([`DEVICE_CERT_FILE`], [`DEVICE_KEY_FILE`])
    /// presented in the TLS handshake, trusting [`PLATFORM_CA_FILE`]; no
    /// password.
    Certificate,
}

impl fmt::Debug for Auth<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Password(_) => f.write_str("Password([elided])"),
            Self::Certificate => f.write_str("Certificate"),
        }
    }
}

/// What a client presents in CONNECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Login<'a> {
    /// MQTT ClientId.
    pub client_id: &'a str,
    /// MQTT user name.
    pub username: &'a str,
    /// Password or certificate.
    pub auth: Auth<'a>,
}

/// A message to publish in the generated commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample<'a> {
    /// Topic.
    pub topic: &'a str,
    /// Payload.
    pub payload: &'a str,
}

/// Why a client cannot be configured for an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsupported {
    /// `mosquitto_pub` 2.0 speaks MQTT over TCP only.
    MosquittoWebSocket,
    /// `iotda-kit pub` speaks MQTT over TCP only.
    IotdaKitWebSocket,
}

impl Say for Unsupported {
    fn message(&self) -> Message {
        use crate::text::keys::endpoint as k;
        match self {
            Self::MosquittoWebSocket => Message::new(k::MOSQUITTO_WEB_SOCKET),
            Self::IotdaKitWebSocket => Message::new(k::IOTDA_KIT_WEB_SOCKET),
        }
    }
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for Unsupported {}

/// The topic and a payload of a property report that fits the onboarding
/// guide's example product model (service `Battery`, property `batteryLevel`).
pub fn sample_report(device_id: &str) -> (String, &'static str) {
    (
        format!("$oc/devices/{device_id}/sys/properties/report"),
        r#"{"services":[{"service_id":"Battery","properties":{"batteryLevel":80}}]}"#,
    )
}

/// Quotes a word for a POSIX shell, only when it needs quoting.
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// A client's words for how the device authenticates; `flags` are the
/// client's password flag, its flag for TLS with the system's CAs (used
/// only when `transport` has TLS) and its CA file flag.
fn auth_words<'a>(
    login: &Login<'a>,
    transport: Transport,
    [password_flag, system_tls_flag, ca_flag]: [&'static str; 3],
) -> Vec<&'a str> {
    match login.auth {
        Auth::Password(password) => {
            let mut words = vec![password_flag, password];
            if transport.is_tls() {
                words.push(system_tls_flag);
            }
            words
        }
        Auth::Certificate => vec![
            ca_flag,
            PLATFORM_CA_FILE,
            "--cert",
            DEVICE_CERT_FILE,
            "--key",
            DEVICE_KEY_FILE,
        ],
    }
}

fn command(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| shell_quote(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A `mosquitto_pub` command line (MQTT 3.1.1, QoS 1) publishing `sample`.
///
/// With a password, TLS uses the operating system's trusted CAs
/// (`--tls-use-os-certs`); with a certificate, the platform CA file.
pub fn mosquitto_pub(
    endpoint: &Endpoint,
    login: &Login<'_>,
    sample: &Sample<'_>,
) -> Result<String, Unsupported> {
    if endpoint.transport.is_websocket() {
        return Err(Unsupported::MosquittoWebSocket);
    }
    let port = endpoint.port.to_string();
    let mut words = vec![
        "mosquitto_pub",
        "-h",
        &endpoint.host,
        "-p",
        &port,
        "-V",
        "mqttv311",
        "-i",
        login.client_id,
        "-u",
        login.username,
    ];
    words.extend(auth_words(
        login,
        endpoint.transport,
        ["-P", "--tls-use-os-certs", "--cafile"],
    ));
    words.extend(["-q", "1", "-t", sample.topic, "-m", sample.payload]);
    Ok(command(&words))
}

/// An MQTTX CLI command (MQTT 3.1.1, QoS 1) publishing `sample`.
pub fn mqttx_pub(endpoint: &Endpoint, login: &Login<'_>, sample: &Sample<'_>) -> String {
    let port = endpoint.port.to_string();
    let mut words = vec![
        "mqttx",
        "pub",
        "-h",
        &endpoint.host,
        "-p",
        &port,
        "-l",
        endpoint.transport.scheme(),
    ];
    if endpoint.transport.is_websocket() {
        words.extend(["--path", &endpoint.path]);
    }
    words.extend(["-V", "3.1.1", "-i", login.client_id, "-u", login.username]);
    // The scheme (`-l mqtts`) already says TLS: no flag for it.
    words.extend(auth_words(login, Transport::Mqtt, ["-P", "", "--ca"]));
    words.extend(["-q", "1", "-t", sample.topic, "-m", sample.payload]);
    command(&words)
}

/// An `iotda-kit pub` command (QoS 1) publishing `sample`: with a
/// password over TLS it trusts the built-in public roots (`--tls`); with a
/// certificate it trusts [`PLATFORM_CA_FILE`] and presents the device's
/// files.
pub fn iotda_kit_pub(
    endpoint: &Endpoint,
    login: &Login<'_>,
    sample: &Sample<'_>,
) -> Result<String, Unsupported> {
    if endpoint.transport.is_websocket() {
        return Err(Unsupported::IotdaKitWebSocket);
    }
    let port = endpoint.port.to_string();
    let mut words = vec![
        "iotda-kit",
        "pub",
        "--host",
        &endpoint.host,
        "--port",
        &port,
        "--client-id",
        login.client_id,
        "--username",
        login.username,
    ];
    words.extend(auth_words(
        login,
        endpoint.transport,
        ["--password", "--tls", "--ca"],
    ));
    words.extend(["-q", "1", "-t", sample.topic, "-m", sample.payload]);
    Ok(command(&words))
}

/// The fields of an MQTT.fx connection profile, as (label, value) pairs in
/// the order MQTT.fx shows them, with the labels of Huawei's MQTT.fx guides:
/// a secret device trusts the platform's "CA certificate file"; a
/// certificate device leaves the password blank and uses "Self signed
/// certificates" with the CA, client certificate and client key files,
/// "PEM formatted".
pub fn mqttfx_profile(endpoint: &Endpoint, login: &Login<'_>) -> Vec<(&'static str, String)> {
    let tls = match (endpoint.transport.is_tls(), login.auth) {
        (false, _) => "Enable SSL/TLS: no".to_owned(),
        (true, Auth::Password(_)) => {
            format!("Enable SSL/TLS: yes; TLS 1.2; CA certificate file: {PLATFORM_CA_FILE}")
        }
        (true, Auth::Certificate) => {
            "Enable SSL/TLS: yes; TLS 1.2; Self signed certificates".to_owned()
        }
    };
    let password = match login.auth {
        Auth::Password(password) => password.to_owned(),
        Auth::Certificate => String::new(),
    };
    let mut rows = vec![
        ("Broker Address", endpoint.host.clone()),
        ("Broker Port", endpoint.port.to_string()),
        ("Client ID", login.client_id.to_owned()),
        ("User Name", login.username.to_owned()),
        ("Password", password),
        ("SSL/TLS", tls),
    ];
    if let (true, Auth::Certificate) = (endpoint.transport.is_tls(), login.auth) {
        rows.extend([
            ("CA file", PLATFORM_CA_FILE.to_owned()),
            ("Client certificate file", DEVICE_CERT_FILE.to_owned()),
            ("Client key file", DEVICE_KEY_FILE.to_owned()),
            ("PEM formatted", "yes".to_owned()),
        ]);
    }
    rows.extend([
        ("MQTT Version", "3.1.1".to_owned()),
        ("Keep Alive Interval", "120".to_owned()),
    ]);
    if endpoint.transport.is_websocket() {
        rows.push(("WebSocket path", endpoint.path.clone()));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iotda_hosts_are_recognised_by_their_domain() {
        for host in [
            LEGACY_HOST,
            "a1b2c3.st1.iotda-device.cn-north-4.myhuaweicloud.com",
            "A1B2C3.ST1.IOTDA-DEVICE.CN-EAST-3.MYHUAWEICLOUD.COM.",
        ] {
            assert!(is_iotda_host(host), "{host}");
        }
        for host in [
            "127.0.0.1",
            "localhost",
            "myhuaweicloud.com.evil.example",
            "broker.example",
        ] {
            assert!(!is_iotda_host(host), "{host}");
        }
    }

    const LOGIN: Login<'static> = Login {
        client_id: "p_n_0_0_2025041401",
        username: "p_n",
        auth: Auth::Password("c751"),
    };
    const CERT_LOGIN: Login<'static> = Login {
        auth: Auth::Certificate,
        ..LOGIN
    };
    const SAMPLE: Sample<'static> = Sample {
        topic: "$oc/devices/p_n/sys/properties/report",
        payload: r#"{"services":[{"service_id":"Battery","properties":{"batteryLevel":80}}]}"#,
    };

    #[test]
    fn presets_are_distinct_valid_hosts_once_the_prefix_is_filled() {
        let hosts: std::collections::BTreeSet<String> =
            HostPreset::all().map(|p| p.host()).collect();
        assert_eq!(hosts.len(), HostPreset::all().count());
        assert_eq!(hosts.len(), 14);
        for host in &hosts {
            assert_eq!(check_host(&host.replace("{prefix}", "a1b2c3d4e5")), Ok(()));
        }
        assert_eq!(
            HostPreset::all().next().map(|p| p.host()).as_deref(),
            Some(DEFAULT_HOST)
        );
    }

    #[test]
    fn every_problem_is_found_one_a_field() {
        let endpoint = Endpoint {
            host: "bad host".into(),
            transport: Transport::Ws,
            port: 0,
            path: "mqtt".into(),
        };
        let problems = endpoint.problems(&Auth::Certificate);
        assert_eq!(
            problems,
            [
                EndpointError::HostChar {
                    ch: ' ',
                    position: 4
                },
                EndpointError::Port("0".into()),
                EndpointError::Path("mqtt".into()),
                EndpointError::CertificateNeedsTls(Transport::Ws),
            ]
        );
        assert_eq!(
            endpoint.check_for(&Auth::Certificate),
            Err(problems[0].clone())
        );
        assert_eq!(endpoint.problems(&Auth::Password("p")).len(), 3);
        let good = Endpoint::new("127.0.0.1", Transport::Mqtts);
        assert!(good.problems(&Auth::Certificate).is_empty());
        assert_eq!(good.check(), Ok(()));
    }

    #[test]
    fn a_host_on_this_computer_expects_the_local_platforms_ports() {
        for host in [
            "127.0.0.1",
            "localhost",
            "::1",
            "[::1]",
            "a.localhost",
            "127.1.2.3",
        ] {
            assert!(is_loopback_host(host), "{host}");
            assert_eq!(Transport::Ws.port_for(host), 9001, "{host}");
        }
        for host in [LEGACY_HOST, "10.0.0.2", "localhost.example.com", ""] {
            assert!(!is_loopback_host(host), "{host}");
            assert_eq!(Transport::Ws.port_for(host), 80, "{host}");
        }
        assert_eq!(
            Transport::ALL.map(Transport::local_port),
            [1883, 8883, 9001, 8443]
        );
    }

    #[test]
    fn host_checks() {
        assert_eq!(check_host(LEGACY_HOST), Ok(()));
        assert_eq!(check_host("127.0.0.1"), Ok(()));
        assert_eq!(check_host("::1"), Ok(()));
        assert_eq!(check_host("example.com."), Ok(()));
        assert_eq!(check_host(""), Err(EndpointError::EmptyHost));
        assert_eq!(
            check_host(DEFAULT_HOST),
            Err(EndpointError::HostPlaceholder)
        );
        assert_eq!(
            check_host("mqtts://a.example:8883"),
            Err(EndpointError::HostHasScheme("mqtts://".into()))
        );
        assert_eq!(
            check_host("a.example:8883"),
            Err(EndpointError::HostChar {
                ch: ':',
                position: 10
            })
        );
        assert_eq!(
            check_host("a..b"),
            Err(EndpointError::HostLabel(String::new()))
        );
        assert_eq!(
            check_host("-a.b"),
            Err(EndpointError::HostLabel("-a".into()))
        );
        let long = format!("{}.com", "a".repeat(64));
        assert_eq!(
            check_host(&long),
            Err(EndpointError::HostLabel("a".repeat(64)))
        );
        let too_long = vec!["a".repeat(60); 5].join(".");
        assert_eq!(check_host(&too_long), Err(EndpointError::HostTooLong(304)));
    }

    #[test]
    fn port_and_path_checks() {
        assert_eq!(parse_port("8883"), Ok(8883));
        for bad in ["", "0", "65536", "-1", "88 83", "x"] {
            let err = parse_port(bad).unwrap_err();
            assert!(err.is_port(), "{bad:?}");
        }
        let mut e = Endpoint::new("h.example", Transport::Wss);
        e.path = "mqtt".into();
        let err = e.check().unwrap_err();
        assert!(err.is_path());
        e.transport = Transport::Mqtts;
        assert_eq!(e.check(), Ok(()), "path is ignored without WebSocket");
        e.port = 0;
        assert!(e.check().unwrap_err().is_port());
    }

    #[test]
    fn urls() {
        assert_eq!(
            Endpoint::new("h.example", Transport::Wss).url(),
            "wss://h.example:443/mqtt"
        );
        assert_eq!(
            Endpoint::new("h.example", Transport::Mqtts).url(),
            "mqtts://h.example:8883"
        );
        assert_eq!(
            Endpoint::new("::1", Transport::Ws).url(),
            "ws://[::1]:80/mqtt"
        );
    }

    #[test]
    fn transport_round_trip() {
        for t in Transport::ALL {
            assert_eq!(Transport::from_scheme(t.scheme()), Some(t));
        }
        assert_eq!(Transport::from_scheme("http"), None);
    }

    #[test]
    fn mosquitto_command_over_tls() {
        let e = Endpoint::new(LEGACY_HOST, Transport::Mqtts);
        assert_eq!(
            mosquitto_pub(&e, &LOGIN, &SAMPLE).unwrap(),
            "mosquitto_pub -h iot-mqtts.cn-north-4.myhuaweicloud.com -p 8883 -V mqttv311 \
             -i p_n_0_0_2025041401 -u p_n -P c751 --tls-use-os-certs -q 1 \
             -t '$oc/devices/p_n/sys/properties/report' \
             -m '{\"services\":[{\"service_id\":\"Battery\",\"properties\":{\"batteryLevel\":80}}]}'"
        );
    }

    #[test]
    fn mosquitto_command_with_a_certificate_has_files_and_no_password() {
        let e = Endpoint::new(LEGACY_HOST, Transport::Mqtts);
        let cmd = mosquitto_pub(&e, &CERT_LOGIN, &SAMPLE).unwrap();
        assert!(
            cmd.starts_with(
                "mosquitto_pub -h iot-mqtts.cn-north-4.myhuaweicloud.com -p 8883 -V mqttv311 \
             -i p_n_0_0_2025041401 -u p_n --cafile platform-ca.crt --cert deviceCert.pem \
             --key deviceCert.key -q 1 -t "
            ),
            "{cmd}"
        );
        assert!(
            !cmd.contains(" -P ") && !cmd.contains("--tls-use-os-certs"),
            "{cmd}"
        );
    }

    #[test]
    fn a_certificate_needs_tls() {
        let mut e = Endpoint::new("h.example", Transport::Mqtt);
        assert_eq!(e.check_for(&LOGIN.auth), Ok(()));
        let err = e.check_for(&Auth::Certificate).unwrap_err();
        assert!(err.is_transport());
        assert!(err.to_string().contains("mqtt has not"), "{err}");
        e.transport = Transport::Mqtts;
        assert_eq!(e.check_for(&Auth::Certificate), Ok(()));
        e.port = 0;
        assert!(e.check_for(&Auth::Certificate).unwrap_err().is_port());
    }

    #[test]
    fn debug_of_a_password_is_elided() {
        let shown = format!("{LOGIN:?}");
        assert!(
            !shown.contains("c751") && shown.contains("[elided]"),
            "{shown}"
        );
    }

    #[test]
    fn iotda_kit_commands() {
        let e = Endpoint::new("127.0.0.1", Transport::Mqtts);
        let cmd = iotda_kit_pub(&e, &CERT_LOGIN, &SAMPLE).unwrap();
        assert!(cmd.starts_with(
            "iotda-kit pub --host 127.0.0.1 --port 8883 --client-id p_n_0_0_2025041401 --username p_n \
             --ca platform-ca.crt --cert deviceCert.pem --key deviceCert.key -q 1 -t "
        ), "{cmd}");
        assert!(!cmd.contains("--password"), "{cmd}");
        let cmd = iotda_kit_pub(&e, &LOGIN, &SAMPLE).unwrap();
        assert!(cmd.contains(" --password c751 --tls -q 1 "), "{cmd}");
        assert_eq!(
            iotda_kit_pub(&Endpoint::new("h.example", Transport::Wss), &LOGIN, &SAMPLE),
            Err(Unsupported::IotdaKitWebSocket)
        );
    }

    #[test]
    fn mosquitto_has_no_websocket() {
        let e = Endpoint::new(LEGACY_HOST, Transport::Wss);
        assert_eq!(
            mosquitto_pub(&e, &LOGIN, &SAMPLE),
            Err(Unsupported::MosquittoWebSocket)
        );
    }

    #[test]
    fn debug_of_a_login_elides_the_password() {
        let login = Login {
            client_id: "dev_0_0_2025041401",
            username: "dev",
            auth: Auth::Password("c75150e6cb84"),
        };
        let shown = format!("{login:?}");
        assert!(!shown.contains("c75150e6cb84"), "{shown}");
        assert!(shown.contains("Password([elided])"), "{shown}");
        assert!(shown.contains("dev_0_0_2025041401"), "{shown}");
    }

    #[test]
    fn mqttx_command_over_wss_without_password() {
        let e = Endpoint::new(LEGACY_HOST, Transport::Wss);
        let cmd = mqttx_pub(&e, &CERT_LOGIN, &SAMPLE);
        assert!(cmd.starts_with(
            "mqttx pub -h iot-mqtts.cn-north-4.myhuaweicloud.com -p 443 -l wss --path /mqtt -V 3.1.1 -i p_n_0_0_2025041401 -u p_n \
             --ca platform-ca.crt --cert deviceCert.pem --key deviceCert.key -q 1 "
        ), "{cmd}");
        assert!(!cmd.contains(" -P "));
    }

    #[test]
    fn mqttfx_rows() {
        let e = Endpoint::new("127.0.0.1", Transport::Mqtt);
        let rows = mqttfx_profile(&e, &LOGIN);
        assert_eq!(rows[0], ("Broker Address", "127.0.0.1".to_owned()));
        assert_eq!(rows[1], ("Broker Port", "1883".to_owned()));
        assert_eq!(rows[4], ("Password", "c751".to_owned()));
        assert_eq!(rows[5], ("SSL/TLS", "Enable SSL/TLS: no".to_owned()));
        assert_eq!(rows.len(), 8);
        let wss = mqttfx_profile(&Endpoint::new("h.example", Transport::Wss), &LOGIN);
        assert_eq!(wss.last(), Some(&("WebSocket path", "/mqtt".to_owned())));
        assert_eq!(
            wss[5],
            (
                "SSL/TLS",
                "Enable SSL/TLS: yes; TLS 1.2; CA certificate file: platform-ca.crt".to_owned()
            )
        );
    }

    #[test]
    fn mqttfx_rows_for_a_certificate() {
        let e = Endpoint::new(LEGACY_HOST, Transport::Mqtts);
        let rows = mqttfx_profile(&e, &CERT_LOGIN);
        let labels: Vec<_> = rows.iter().map(|(label, _)| *label).collect();
        assert_eq!(
            labels,
            [
                "Broker Address",
                "Broker Port",
                "Client ID",
                "User Name",
                "Password",
                "SSL/TLS",
                "CA file",
                "Client certificate file",
                "Client key file",
                "PEM formatted",
                "MQTT Version",
                "Keep Alive Interval",
            ]
        );
        assert_eq!(rows[1].1, "8883");
        assert_eq!(rows[4].1, "", "the password is left blank");
        assert!(rows[5].1.ends_with("Self signed certificates"));
        assert_eq!(rows[7].1, "deviceCert.pem");
        assert_eq!(rows[8].1, "deviceCert.key");
    }

    #[test]
    fn sample_report_topic_and_payload() {
        let (topic, payload) = sample_report("p_n");
        assert_eq!(topic, SAMPLE.topic);
        assert_eq!(payload, SAMPLE.payload);
    }

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("abc-1.2"), "abc-1.2");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("$x"), "'$x'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
