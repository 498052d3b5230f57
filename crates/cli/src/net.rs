//! TCP and TLS connections to a broker, for `pub` and `sub`: what a browser
//! cannot do, such as presenting a client certificate (IoTDA's X.509
//! devices).
//!
//! TLS is rustls with the ring provider. The broker's certificate is checked
//! against `--ca` when given (like `mosquitto_pub --cafile`), else against
//! the Mozilla roots compiled in, and against the name `--tls-name` gives
//! (also sent as SNI) or else `--host`: connecting by IP while verifying the
//! name the certificate was issued for. `--insecure` skips the check of the
//! certificate (not of the handshake's signatures) for test brokers.
//! Failures are explained in words: which side refused what, and the flag
//! that fixes it.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use iotda_core::mqtt::{self, Packet, ProtocolVersion};
use iotda_core::pki::{key_matches, Certificate, PrivateKey};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{ring, verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore, StreamOwned};

use crate::args::SecretArg;
use crate::{read_file, CliError};

/// How to speak TLS, from the command line.
#[derive(Debug, Default, Clone)]
pub struct TlsOptions {
    /// CA certificates (PEM) to trust instead of the built-in roots.
    pub ca: Option<PathBuf>,
    /// The client certificate (PEM, the device certificate first).
    pub cert: Option<PathBuf>,
    /// The client certificate's private key.
    pub key: Option<PathBuf>,
    /// Passphrase of an encrypted `key`.
    pub key_passphrase: Option<SecretArg>,
    /// Accept any broker certificate (testing only).
    pub insecure: bool,
    /// The name to verify the broker's certificate against and to send as
    /// SNI, when it is not the host connected to (`--tls-name`).
    pub tls_name: Option<String>,
    /// The command's flags that failures name.
    pub flags: Flags,
}

/// The flags of a command that TLS failures point to, where commands
/// differ: `doctor` takes the broker's CA as `--server-ca`, and `bridge`
/// offers no `--insecure`.
#[derive(Debug, Clone, Copy)]
pub struct Flags {
    /// The flag of the broker's CA.
    pub ca: &'static str,
    /// Whether `--insecure` is offered.
    pub insecure: bool,
}

impl Default for Flags {
    fn default() -> Self {
        Self {
            ca: "--ca",
            insecure: true,
        }
    }
}

/// A connection to the broker, plain or TLS.
pub enum Stream {
    /// MQTT over TCP.
    Plain(TcpStream),
    /// MQTT over TLS over TCP.
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Self::Plain(tcp) => tcp,
            Self::Tls(tls) => tls.get_ref(),
        }
    }

    /// The local address of the connection (what the broker sees as the
    /// peer, on loopback).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.tcp().local_addr()
    }

    /// How long a read waits before it gives up with `WouldBlock` or
    /// `TimedOut` (the caller's loop then checks its timers).
    pub fn set_read_timeout(&self, timeout: Duration) -> io::Result<()> {
        self.tcp().set_read_timeout(Some(timeout))
    }

    /// Closes both directions (after a TLS close_notify).
    pub fn shutdown(&mut self) {
        if let Self::Tls(tls) = self {
            tls.conn.send_close_notify();
            // The peer may be gone already; nothing to do about it.
            let _ = tls.conn.complete_io(&mut tls.sock);
        }
        let _ = self.tcp().shutdown(std::net::Shutdown::Both);
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Plain(tcp) => tcp.read(buf),
            Self::Tls(tls) => tls.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Plain(tcp) => tcp.write(buf),
            Self::Tls(tls) => tls.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Plain(tcp) => tcp.flush(),
            Self::Tls(tls) => tls.flush(),
        }
    }
}

/// Opens a TCP connection to `host:port` (each resolved address in turn,
/// `timeout` each) and, with `tls`, completes the TLS handshake.
pub fn connect(
    host: &str,
    port: u16,
    tls: Option<&TlsOptions>,
    timeout: Duration,
) -> Result<Stream, CliError> {
    let config = tls.map(client_config).transpose()?;
    let addrs = (host, port)
        .to_socket_addrs()
        .map_err(|e| CliError::Failure(format!("cannot resolve {host}: {e}")))?;
    let mut last = None;
    let mut tcp = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(stream) => {
                tcp = Some((stream, addr));
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let (mut tcp, addr) = tcp.ok_or_else(|| {
        let why = last.map_or_else(|| "no address".to_owned(), |e| e.to_string());
        CliError::Failure(format!(
            "cannot connect to {host}:{port}: {why} (is the broker running, and is this its \
             MQTT port?)"
        ))
    })?;
    // MQTT packets are small and latency matters more than batching.
    let _ = tcp.set_nodelay(true);
    let (Some(config), Some(opts)) = (config, tls) else {
        return Ok(Stream::Plain(tcp));
    };
    let name = server_name(host, opts)?;
    let mut conn = ClientConnection::new(Arc::new(config), name)
        .map_err(|e| CliError::Failure(format!("TLS setup failed: {e}")))?;
    tcp.set_read_timeout(Some(timeout))
        .map_err(|e| CliError::Failure(e.to_string()))?;
    let mut counted = Counted {
        inner: &mut tcp,
        read: 0,
    };
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut counted) {
            let why = if counted.read == 0 && closed(&e) {
                not_tls(addr, host, port, timeout, Some(opts))
            } else {
                explain(&e, host, Some(opts))
            };
            return Err(CliError::Failure(why));
        }
    }
    Ok(Stream::Tls(Box::new(StreamOwned::new(conn, tcp))))
}

/// A stream that counts the bytes read from it: a peer that closes the
/// TLS handshake having sent nothing at all is no TLS server.
struct Counted<'a> {
    inner: &'a mut TcpStream,
    read: usize,
}

impl Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n;
        Ok(n)
    }
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Whether `e` is the peer closing the connection, without a TLS alert.
fn closed(e: &io::Error) -> bool {
    let tls_error = e
        .get_ref()
        .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some());
    !tls_error
        && matches!(
            e.kind(),
            io::ErrorKind::ConnectionReset | io::ErrorKind::UnexpectedEof
        )
}

/// The peer at `addr` closed the TLS handshake without sending a byte:
/// what a plain MQTT port does with a ClientHello. A CONNECT without
/// credentials tells for sure ([`probe_plain`]); the fix is the port or no
/// TLS, and only without `--cert` may a client certificate be missing.
fn not_tls(
    addr: SocketAddr,
    host: &str,
    port: u16,
    timeout: Duration,
    tls: Option<&TlsOptions>,
) -> String {
    let fix = "check --port (IoTDA: 8883 is MQTTS, 1883 plain MQTT), or connect without TLS \
               (drop --tls)";
    match probe_plain(addr, timeout) {
        Some(found) => format!(
            "{host}:{port} answers {found}, not TLS (it closed the TLS handshake without a \
             word): {fix}"
        ),
        None => {
            let cert = if tls.is_some_and(|t| t.cert.is_some()) {
                ""
            } else {
                "; or, if it is a TLS port, it may want a client certificate (--cert and --key)"
            };
            format!(
                "{host}:{port} closed the connection during the TLS handshake without a TLS \
                 alert: the port likely speaks plain MQTT, not TLS: {fix}{cert}"
            )
        }
    }
}

/// The ClientId of the probe CONNECT (no user name, no password).
pub const PROBE_CLIENT_ID: &str = "iotda-kit-doctor-probe";

/// What answers a plain CONNECT without credentials at `addr`: "plain
/// MQTT", "HTTP", or `None` when nothing recognisable does.
pub fn probe_plain(addr: SocketAddr, timeout: Duration) -> Option<&'static str> {
    let mut tcp = TcpStream::connect_timeout(&addr, timeout).ok()?;
    tcp.set_read_timeout(Some(Duration::from_millis(250)))
        .ok()?;
    let mut bytes = Vec::new();
    Packet::Connect(mqtt::Connect::new(
        ProtocolVersion::V3_1_1,
        PROBE_CLIENT_ID,
        60,
    ))
    .encode(ProtocolVersion::V3_1_1, &mut bytes)
    .ok()?;
    tcp.write_all(&bytes).ok()?;
    let mut first = [0u8; 5];
    let deadline = std::time::Instant::now() + timeout;
    let n = loop {
        match tcp.read(&mut first) {
            Ok(n) => break n,
            Err(_) if std::time::Instant::now() < deadline => {}
            Err(_) => return None,
        }
    };
    let _ = tcp.shutdown(std::net::Shutdown::Both);
    match first.get(..n)? {
        [0x20, ..] => Some("plain MQTT"),
        [b'H', b'T', b'T', b'P', ..] => Some("HTTP"),
        _ => None,
    }
}

/// The name rustls verifies the certificate against and sends as SNI (an
/// IP address is verified but, as RFC 6066 wants, not sent).
pub fn server_name(host: &str, opts: &TlsOptions) -> Result<ServerName<'static>, CliError> {
    let (flag, name) = match &opts.tls_name {
        Some(name) => ("--tls-name", name.as_str()),
        None => ("--host", host),
    };
    ServerName::try_from(name.to_owned())
        .map_err(|_| CliError::Usage(format!("{flag}: {name:?} is not a host name or address")))
}

/// The warning to give before a password goes to `host:port` without
/// TLS, if any address of the host is not loopback (on loopback it never
/// leaves the machine). `None` when the host does not resolve: connecting
/// then says so.
pub fn cleartext_warning(host: &str, port: u16) -> Option<String> {
    let addr = (host, port)
        .to_socket_addrs()
        .ok()?
        .find(|a| !a.ip().is_loopback())?;
    Some(format!(
        "the password goes to {host} ({addr}) in clear text, without TLS: anyone on the way \
         can read it; use --tls (IoTDA: port 8883; its port 1883 works only where the instance \
         and the device allow non-secure access)"
    ))
}

/// A connection failure in words, with the flag that fixes it. `tls` is
/// how the connection to `host` speaks TLS, if it does.
pub fn explain(e: &io::Error, host: &str, tls: Option<&TlsOptions>) -> String {
    use rustls::{CertificateError as Cert, Error as Tls};
    let tls_error = e.get_ref().and_then(|inner| inner.downcast_ref::<Tls>());
    let flags = tls.map(|t| t.flags).unwrap_or_default();
    let tls_name = tls.and_then(|t| t.tls_name.as_deref());
    let has_cert = tls.is_some_and(|t| t.cert.is_some());
    match tls_error {
        // BadSignature: a CA with the same name but another key.
        Some(Tls::InvalidCertificate(Cert::UnknownIssuer | Cert::BadSignature)) => format!(
            "TLS: the certificate of {host} is not signed by a CA this command trusts: pass \
             the broker's CA with {} FILE (for IoTDA, the platform CA certificate of the \
             region from Huawei's \"Obtaining Resources\" page){}",
            flags.ca,
            if flags.insecure {
                "; or --insecure, for a test broker only"
            } else {
                ""
            }
        ),
        Some(Tls::InvalidCertificate(Cert::NotValidForName)) => {
            wrong_name(host, tls_name, &[], flags)
        }
        Some(Tls::InvalidCertificate(Cert::NotValidForNameContext { presented, .. })) => {
            wrong_name(host, tls_name, presented, flags)
        }
        Some(Tls::InvalidCertificate(Cert::Expired))
        | Some(Tls::InvalidCertificate(Cert::ExpiredContext { .. })) => {
            "TLS: the broker's certificate has expired".to_owned()
        }
        Some(Tls::AlertReceived(alert)) if has_cert && is_certificate_alert(*alert) => format!(
            "TLS: the broker refused the handshake ({alert:?}): it does not accept the client \
             certificate given (--cert): it must be issued by a CA the broker trusts (for IoTDA, \
             a device CA uploaded and verified on the console), and be valid today"
        ),
        Some(Tls::AlertReceived(alert)) if is_certificate_alert(*alert) => format!(
            "TLS: the broker refused the handshake ({alert:?}): it wants a client certificate \
             (--cert and --key) issued by a CA it trusts"
        ),
        Some(other) => format!("TLS: {other}"),
        None if closed(e) && tls.is_some() && has_cert => {
            "the broker closed the TLS connection without a TLS alert: it may not accept the \
             client certificate given (--cert), or the port may speak plain MQTT, not TLS \
             (IoTDA: 8883 is MQTTS, 1883 plain MQTT)"
                .to_owned()
        }
        None if closed(e) && tls.is_some() => {
            "the broker closed the TLS connection without a TLS alert: it may want a client \
             certificate it trusts (--cert and --key), or the port may speak plain MQTT, not \
             TLS (IoTDA: 8883 is MQTTS, 1883 plain MQTT)"
                .to_owned()
        }
        None if closed(e) => "the broker closed the connection".to_owned(),
        None => e.to_string(),
    }
}

/// The alerts a broker sends when it wants a client certificate it trusts.
fn is_certificate_alert(alert: rustls::AlertDescription) -> bool {
    use rustls::AlertDescription as Alert;
    matches!(
        alert,
        Alert::CertificateRequired
            | Alert::BadCertificate
            | Alert::UnknownCA
            | Alert::CertificateUnknown
            | Alert::HandshakeFailure
            | Alert::DecryptError
    )
}

/// The broker's certificate is not issued for the name verified: which
/// name was verified, which names the certificate holds, and the flag that
/// fixes it (`--tls-name` when connecting by address).
fn wrong_name(host: &str, tls_name: Option<&str>, presented: &[String], flags: Flags) -> String {
    let names: Vec<String> = presented.iter().map(|p| plain_name(p)).collect();
    let holds = match names.as_slice() {
        [] => String::new(),
        names => format!(" (it names {})", names.join(", ")),
    };
    let first = names.first().map_or("NAME", String::as_str);
    match tls_name {
        Some(name) => format!(
            "TLS: the broker's certificate is not issued for {name} (--tls-name){holds}: \
             give --tls-name the name it was issued for{}",
            insecure_hint(flags)
        ),
        None if host.parse::<std::net::IpAddr>().is_ok() => format!(
            "TLS: the broker's certificate is not issued for the address {host}{holds}: keep \
             --host {host} and verify the name it was issued for with --tls-name {first}"
        ),
        None => format!(
            "TLS: the broker's certificate is not issued for {host}{holds}: connect to the \
             host name it was issued for, or verify that name with --tls-name {first}{}",
            insecure_hint(flags)
        ),
    }
}

/// The way out for a test broker, where the command offers it.
fn insecure_hint(flags: Flags) -> &'static str {
    if flags.insecure {
        " (or --insecure, for a test broker only)"
    } else {
        ""
    }
}

/// `DnsName("localhost")` or `IpAddress(127.0.0.1)`, as webpki lists a
/// certificate's names, as the bare name.
fn plain_name(presented: &str) -> String {
    for prefix in ["DnsName(\"", "IpAddress("] {
        if let Some(rest) = presented.strip_prefix(prefix) {
            return rest.trim_end_matches(')').trim_end_matches('"').to_owned();
        }
    }
    presented.to_owned()
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(ring::default_provider())
}

/// The rustls client configuration for `opts`: the roots to trust (or
/// none, with `--insecure`) and the client certificate.
pub fn client_config(opts: &TlsOptions) -> Result<ClientConfig, CliError> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| CliError::Failure(format!("TLS setup failed: {e}")))?;
    let builder = if opts.insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider())))
    } else {
        builder.with_root_certificates(roots(opts.ca.as_deref())?)
    };
    match (opts.cert.as_deref(), opts.key.as_deref()) {
        (None, None) => Ok(builder.with_no_client_auth()),
        (Some(cert), Some(key)) => {
            let (chain, key) = client_identity(
                cert,
                key,
                opts.key_passphrase.as_ref().map(SecretArg::expose),
            )?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| CliError::Usage(format!("--cert/--key: {e}")))
        }
        (Some(_), None) => Err(CliError::Usage(
            "--cert needs --key: the private key of the client certificate".into(),
        )),
        (None, Some(_)) => Err(CliError::Usage(
            "--key needs --cert: the client certificate of that key".into(),
        )),
    }
}

fn roots(ca: Option<&Path>) -> Result<RootCertStore, CliError> {
    let mut store = RootCertStore::empty();
    let Some(path) = ca else {
        store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        return Ok(store);
    };
    for cert in read_certificates(path)? {
        store
            .add(CertificateDer::from(cert.der().to_vec()))
            .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
    }
    Ok(store)
}

fn client_identity(
    cert: &Path,
    key: &Path,
    passphrase: Option<&str>,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), CliError> {
    let chain = read_certificates(cert)?;
    let bytes = read_file(key)?;
    let private = PrivateKey::parse(&bytes, passphrase)
        .map_err(|e| CliError::Usage(format!("{}: {e}", key.display())))?;
    if let Some(first) = chain.first() {
        if !key_matches(first, &private) {
            return Err(CliError::Usage(format!(
                "{} is not the private key of {}: choose the key the certificate was issued for",
                key.display(),
                cert.display()
            )));
        }
    }
    let der = private
        .to_pkcs8_der()
        .map_err(|e| CliError::Failure(e.to_string()))?;
    Ok((
        chain
            .iter()
            .map(|c| CertificateDer::from(c.der().to_vec()))
            .collect(),
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der)),
    ))
}

fn read_certificates(path: &Path) -> Result<Vec<Certificate>, CliError> {
    let bytes = read_file(path)?;
    let parsed = match std::str::from_utf8(&bytes) {
        Ok(text) => Certificate::parse_all(text),
        Err(_) => Certificate::parse(&bytes).map(|c| vec![c]),
    };
    parsed.map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))
}

/// `--insecure`: any certificate is accepted, but the handshake signatures
/// are still checked (so the session keys are at least bound to the
/// certificate shown).
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_certificate_is_asked_for_only_when_none_was_given() {
        let alert = io::Error::other(rustls::Error::AlertReceived(
            rustls::AlertDescription::HandshakeFailure,
        ));
        let eof = io::Error::from(io::ErrorKind::UnexpectedEof);
        let without = TlsOptions::default();
        let with = TlsOptions {
            cert: Some("device.pem".into()),
            key: Some("device.key".into()),
            ..TlsOptions::default()
        };
        let asked = explain(&alert, "h", Some(&without));
        assert!(
            asked.contains("wants a client certificate (--cert and --key)"),
            "{asked}"
        );
        let given = explain(&alert, "h", Some(&with));
        assert!(
            given.contains("does not accept the client certificate given (--cert)")
                && !given.contains("--cert and --key"),
            "{given}"
        );
        for opts in [&without, &with] {
            let closed = explain(&eof, "h", Some(opts));
            assert!(
                closed.contains("the port may speak plain MQTT, not TLS"),
                "{closed}"
            );
        }
        assert!(explain(&eof, "h", Some(&with)).contains("client certificate given (--cert)"));
        assert_eq!(explain(&eof, "h", None), "the broker closed the connection");
    }

    #[test]
    fn names_webpki_lists_are_shown_bare() {
        assert_eq!(plain_name("DnsName(\"localhost\")"), "localhost");
        assert_eq!(plain_name("IpAddress(127.0.0.1)"), "127.0.0.1");
        assert_eq!(plain_name("DirectoryName"), "DirectoryName");
    }

    #[test]
    fn a_wrong_name_says_which_flag_fixes_it() {
        let presented = ["DnsName(\"localhost\")".to_owned()];
        let flags = Flags::default();
        let by_ip = wrong_name("10.0.0.7", None, &presented, flags);
        assert!(by_ip.contains("--tls-name localhost"), "{by_ip}");
        let given = wrong_name("10.0.0.7", Some("iot.example"), &presented, flags);
        assert!(
            given.contains("iot.example (--tls-name) (it names localhost)"),
            "{given}"
        );
        let by_name = wrong_name("other.example", None, &[], flags);
        assert!(by_name.contains("--tls-name NAME"), "{by_name}");
        assert!(by_name.contains("--insecure"), "{by_name}");
        let no_insecure = Flags {
            ca: "--ca",
            insecure: false,
        };
        let bridge = wrong_name("other.example", None, &[], no_insecure);
        assert!(!bridge.contains("--insecure"), "{bridge}");
    }
}
