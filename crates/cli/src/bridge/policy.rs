//! The bridge's decisions, without I/O: which page origins may open a
//! session, whether the first MQTT packet may be forwarded, and how a
//! session's end is told to the WebSocket client (close code and reason).
//!
//! The I/O in [`super`] only moves bytes and asks these functions.

use std::fmt;
use std::io;

use iotda_core::mqtt::{self, Packet, ProtocolVersion};

/// Largest first packet (the CONNECT) read before it is judged.
pub const MAX_CONNECT_SIZE: usize = 64 * 1024;

/// The longest close reason a WebSocket close frame can carry (RFC 6455
/// §5.5: a control frame's payload is at most 125 bytes, 2 of them the
/// code).
pub const MAX_REASON_BYTES: usize = 123;

/// The page origins a session may come from: the kit's own loopback
/// origins, and those `--origin` adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origins(Vec<OriginPattern>);

/// One allowed origin: scheme and host exactly, the port exactly or any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginPattern {
    scheme: String,
    host: String,
    /// `None`: any port (`:*`).
    port: Option<Option<u16>>,
}

/// What is wrong with an `--origin`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadOrigin(pub String);

impl fmt::Display for BadOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not an origin: give scheme://host or scheme://host:port (http or https, \
             no path; :* for any port)",
            self.0
        )
    }
}

impl OriginPattern {
    /// Parses `scheme://host[:port]` (a trailing `/` is allowed; `:*`
    /// means any port).
    pub fn parse(text: &str) -> Result<Self, BadOrigin> {
        let bad = || BadOrigin(text.to_owned());
        let trimmed = text.trim().trim_end_matches('/');
        let (scheme, rest) = trimmed.split_once("://").ok_or_else(bad)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(bad());
        }
        let (host, port) = split_host_port(rest).ok_or_else(bad)?;
        let port = match port {
            Some("*") => None,
            Some(p) => Some(Some(p.parse::<u16>().map_err(|_| bad())?)),
            None => Some(None),
        };
        if host.is_empty() || host.contains(['/', '?', '#', '@', ' ']) {
            return Err(bad());
        }
        Ok(Self {
            scheme,
            host: host.to_ascii_lowercase(),
            port,
        })
    }

    fn matches(&self, scheme: &str, host: &str, port: Option<u16>) -> bool {
        self.scheme == scheme && self.host == host && self.port.is_none_or(|wanted| wanted == port)
    }
}

/// `host[:port]` or `[v6][:port]`, with the port text if any.
fn split_host_port(text: &str) -> Option<(&str, Option<&str>)> {
    if let Some(rest) = text.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let host = text.get(..inside.len() + 2)?;
        return match after {
            "" => Some((host, None)),
            p => Some((host, Some(p.strip_prefix(':')?))),
        };
    }
    match text.rsplit_once(':') {
        Some((host, port)) => Some((host, Some(port))),
        None => Some((text, None)),
    }
}

impl Origins {
    /// The kit's page on loopback, any port: `http://127.0.0.1`,
    /// `http://localhost`, `http://[::1]` (where `iotda-kit serve`, the local
    /// platform and `trunk serve` put it), then `extra`.
    pub fn with_defaults(extra: &[String]) -> Result<Self, BadOrigin> {
        let mut all = Vec::new();
        for default in ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"] {
            all.push(OriginPattern::parse(default)?);
            // No port at all is port 80, which `:*` does not cover.
            all.push(OriginPattern::parse(default.trim_end_matches(":*"))?);
        }
        for text in extra {
            all.push(OriginPattern::parse(text)?);
        }
        Ok(Self(all))
    }

    /// Whether a WebSocket handshake with this `Origin` header may go on.
    /// No header: not a browser (a browser always sends one on a WebSocket),
    /// and a local program could send any header it likes, so the check
    /// would protect nothing: allowed. `null` (a sandboxed or file page) is
    /// refused.
    pub fn allows(&self, origin: Option<&str>) -> bool {
        let Some(origin) = origin else {
            return true;
        };
        let Ok(given) = OriginPattern::parse(origin) else {
            return false;
        };
        let Some(port) = given.port else {
            return false;
        };
        self.0
            .iter()
            .any(|p| p.matches(&given.scheme, &given.host, port))
    }
}

/// How a session ended, as the WebSocket client is told in the close frame
/// (code and reason) and the bridge's stderr in a longer line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Close {
    /// 1000: the platform closed the connection (after a DISCONNECT, or
    /// after refusing the CONNECT with its CONNACK).
    PlatformClosed,
    /// 1000: the WebSocket client closed the session.
    ClientClosed,
    /// 1001: the bridge is stopping (Ctrl-C, SIGTERM).
    Stopping,
    /// 1003: a text message; MQTT over WebSocket is binary.
    TextMessage,
    /// 4000: the platform could not be reached (name, refused, timeout).
    Unreachable(String),
    /// 4001: the platform's certificate is not signed by a CA the bridge
    /// trusts (`--ca`).
    UnknownCa,
    /// 4002: the platform's certificate is not issued for the name verified
    /// (`--host` or `--tls-name`).
    NameMismatch(String),
    /// 4003: the platform refused the device certificate (another CA, not
    /// registered, revoked).
    CertificateRefused,
    /// 4004: another TLS failure (an expired certificate, a protocol
    /// error).
    Tls(String),
    /// 4005: the CONNECT carries a password; an X.509 device sends none.
    Password,
    /// 4006: the first packet is not a well-formed CONNECT, or none came in
    /// time.
    NotConnect(String),
    /// 4007: the connection to the platform failed after it was set up.
    Lost(String),
}

impl Close {
    /// The close code: 1000-1003 as RFC 6455 §7.4.1 defines them, 4000-4007
    /// the bridge's own (the range RFC 6455 leaves to applications).
    pub fn code(&self) -> u16 {
        match self {
            Self::PlatformClosed | Self::ClientClosed => 1000,
            Self::Stopping => 1001,
            Self::TextMessage => 1003,
            Self::Unreachable(_) => 4000,
            Self::UnknownCa => 4001,
            Self::NameMismatch(_) => 4002,
            Self::CertificateRefused => 4003,
            Self::Tls(_) => 4004,
            Self::Password => 4005,
            Self::NotConnect(_) => 4006,
            Self::Lost(_) => 4007,
        }
    }

    /// The close reason: what happened and what to do, at most 123 bytes.
    pub fn reason(&self) -> String {
        let text = match self {
            Self::PlatformClosed => "the platform closed the connection".to_owned(),
            Self::ClientClosed => "closed by the client".to_owned(),
            Self::Stopping => "the bridge is stopping".to_owned(),
            Self::TextMessage => "text message refused: MQTT over WebSocket is binary".to_owned(),
            Self::Unreachable(why) => format!("platform unreachable: {why}"),
            Self::UnknownCa => {
                "unknown CA: the platform's certificate is not signed by a CA the bridge trusts \
                 (start it with --ca)"
                    .to_owned()
            }
            Self::NameMismatch(name) => format!(
                "name mismatch: the platform's certificate is not issued for {name} (--tls-name)"
            ),
            Self::CertificateRefused => {
                "certificate refused: the platform did not accept the device certificate \
                 (--cert/--key)"
                    .to_owned()
            }
            Self::Tls(why) => format!("TLS failed: {why}"),
            Self::Password => {
                "password refused: an X.509 device sends none; clear the password field".to_owned()
            }
            Self::NotConnect(why) => format!("not an MQTT CONNECT: {why}"),
            Self::Lost(why) => format!("connection to the platform lost: {why}"),
        };
        truncate(text, MAX_REASON_BYTES)
    }
}

/// `text` cut to at most `max` bytes on a character boundary.
fn truncate(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// Whether the bytes of a session's start may be forwarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstPacket {
    /// Not all of it yet: read more.
    Partial,
    /// A CONNECT without a password: forward everything.
    Connect,
    /// Refused: close with this.
    Refused(Close),
}

/// Judges the first packet of a session from the bytes read so far: it
/// must be a CONNECT (decoded by the core's codec, which never panics on
/// hostile bytes) without a password. Only this packet is read; the rest
/// is forwarded as it comes.
pub fn first_packet(buf: &[u8]) -> FirstPacket {
    match mqtt::decode(buf, MAX_CONNECT_SIZE, ProtocolVersion::V3_1_1) {
        Ok(None) => FirstPacket::Partial,
        Ok(Some((Packet::Connect(c), _))) if c.password.is_some() => {
            FirstPacket::Refused(Close::Password)
        }
        Ok(Some((Packet::Connect(_), _))) => FirstPacket::Connect,
        Ok(Some((other, _))) => FirstPacket::Refused(Close::NotConnect(format!(
            "the first packet is {:?}",
            other.packet_type()
        ))),
        Err(e) => FirstPacket::Refused(Close::NotConnect(e.to_string())),
    }
}

/// The close for a failure to open the TCP connection or complete TLS, or
/// to read the platform later: `name` is what the certificate was verified
/// against; `answered` says whether the platform has sent any byte yet.
pub fn classify(e: &io::Error, name: &str, answered: bool) -> Close {
    use rustls::{AlertDescription as Alert, CertificateError as Cert, Error as Tls};
    let tls = e.get_ref().and_then(|inner| inner.downcast_ref::<Tls>());
    match tls {
        Some(Tls::InvalidCertificate(Cert::UnknownIssuer | Cert::BadSignature)) => Close::UnknownCa,
        Some(Tls::InvalidCertificate(
            Cert::NotValidForName | Cert::NotValidForNameContext { .. },
        )) => Close::NameMismatch(name.to_owned()),
        // The server's alerts about the client's certificate; with TLS 1.3
        // they come after the client's handshake is done, on the first read.
        Some(Tls::AlertReceived(
            Alert::CertificateRequired
            | Alert::BadCertificate
            | Alert::UnknownCA
            | Alert::CertificateUnknown
            | Alert::CertificateRevoked
            | Alert::CertificateExpired
            | Alert::UnsupportedCertificate
            | Alert::AccessDenied
            | Alert::HandshakeFailure
            | Alert::DecryptError,
        )) => Close::CertificateRefused,
        Some(other) => Close::Tls(other.to_string()),
        None if !answered
            && matches!(
                e.kind(),
                io::ErrorKind::ConnectionReset | io::ErrorKind::UnexpectedEof
            ) =>
        {
            // Dropped before a single byte: what a TLS server does to a
            // client certificate it refuses without an alert.
            Close::CertificateRefused
        }
        None if matches!(
            e.kind(),
            io::ErrorKind::ConnectionRefused
                | io::ErrorKind::TimedOut
                | io::ErrorKind::HostUnreachable
                | io::ErrorKind::NetworkUnreachable
                | io::ErrorKind::NotFound
        ) =>
        {
            Close::Unreachable(e.to_string())
        }
        None => Close::Lost(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kits_loopback_origins_are_allowed_and_others_refused() {
        let origins = Origins::with_defaults(&[]).unwrap();
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:3000",
            "http://LOCALHOST:1",
            "http://[::1]:8080",
            "http://localhost",
        ] {
            assert!(origins.allows(Some(ok)), "{ok}");
        }
        for refused in [
            "https://127.0.0.1:8080",
            "http://evil.example",
            "http://127.0.0.1.evil.example:8080",
            "http://localhost.evil.example",
            "null",
            "file://",
            "http://127.0.0.1:99999",
        ] {
            assert!(!origins.allows(Some(refused)), "{refused}");
        }
        assert!(origins.allows(None), "not a browser");
    }

    #[test]
    fn origins_given_are_added_exactly_or_with_any_port() {
        let extra = [
            "https://kit.example/".to_owned(),
            "http://10.0.0.2:*".to_owned(),
        ];
        let origins = Origins::with_defaults(&extra).unwrap();
        assert!(origins.allows(Some("https://kit.example")));
        assert!(!origins.allows(Some("https://kit.example:8443")));
        assert!(origins.allows(Some("http://10.0.0.2:8443")));
        for bad in [
            "kit.example",
            "ftp://kit.example",
            "https://kit.example/app",
            "http://:80",
        ] {
            assert!(OriginPattern::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reasons_fit_a_close_frame_and_codes_are_distinct() {
        let long = "x".repeat(300);
        let all = [
            Close::PlatformClosed,
            Close::Stopping,
            Close::TextMessage,
            Close::Unreachable(long.clone()),
            Close::UnknownCa,
            Close::NameMismatch(long.clone()),
            Close::CertificateRefused,
            Close::Tls("é".repeat(100)),
            Close::Password,
            Close::NotConnect(long.clone()),
            Close::Lost(long),
        ];
        for close in &all {
            assert!(close.reason().len() <= MAX_REASON_BYTES, "{close:?}");
        }
        let mut codes: Vec<u16> = all.iter().map(Close::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }

    /// A 3.1.1 CONNECT: client id "d", user name "u", and the password "p"
    /// when `password`.
    fn connect(password: bool) -> Vec<u8> {
        let flags: u8 = if password { 0xC2 } else { 0x82 };
        let mut body = vec![0, 4, b'M', b'Q', b'T', b'T', 4, flags, 0, 60];
        body.extend_from_slice(&[0, 1, b'd', 0, 1, b'u']);
        if password {
            body.extend_from_slice(&[0, 1, b'p']);
        }
        let mut packet = vec![0x10, u8::try_from(body.len()).unwrap()];
        packet.extend_from_slice(&body);
        packet
    }

    #[test]
    fn only_a_connect_without_password_goes_through() {
        let plain = connect(false);
        for end in 0..plain.len() {
            assert_eq!(first_packet(&plain[..end]), FirstPacket::Partial, "{end}");
        }
        assert_eq!(first_packet(&plain), FirstPacket::Connect);
        // Coalesced with the next packet (PINGREQ): still judged on the first.
        assert_eq!(
            first_packet(&[&plain[..], &[0xC0, 0]].concat()),
            FirstPacket::Connect
        );
        assert_eq!(
            first_packet(&connect(true)),
            FirstPacket::Refused(Close::Password)
        );
        assert!(matches!(
            first_packet(&[0xC0, 0]),
            FirstPacket::Refused(Close::NotConnect(_))
        ));
        assert!(matches!(
            first_packet(b"GET / HTTP/1.1\r\n"),
            FirstPacket::Refused(Close::NotConnect(_))
        ));
    }

    #[test]
    fn tls_failures_are_named() {
        use rustls::{AlertDescription, CertificateError, Error};
        let tls = |e: Error| io::Error::new(io::ErrorKind::InvalidData, e);
        assert_eq!(
            classify(&tls(CertificateError::UnknownIssuer.into()), "h", false),
            Close::UnknownCa
        );
        assert_eq!(
            classify(&tls(CertificateError::NotValidForName.into()), "h", false),
            Close::NameMismatch("h".into())
        );
        assert_eq!(
            classify(
                &tls(Error::AlertReceived(AlertDescription::UnknownCA)),
                "h",
                true
            ),
            Close::CertificateRefused
        );
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        assert_eq!(classify(&reset, "h", false), Close::CertificateRefused);
        assert!(matches!(classify(&reset, "h", true), Close::Lost(_)));
        let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
        assert!(matches!(
            classify(&refused, "h", false),
            Close::Unreachable(_)
        ));
    }
}
