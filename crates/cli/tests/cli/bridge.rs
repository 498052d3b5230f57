//! `iotda-kit bridge` with real parts: a mosquitto whose TLS listener
//! requires a client certificate (our CA, its server certificate made by
//! openssl), the bridge run as the built binary, and WebSocket clients
//! nobody here wrote: Eclipse Paho over websockets (the venv of
//! `scripts/lib.sh`'s `python_tools`) and tungstenite.

use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use iotda_testkit::{http, venv_python, Scratch};
use tungstenite::client::IntoClientRequest;
use tungstenite::Message;

use super::cert::mtls_broker;
use super::{text, Running, Witness};

/// The kit's page as `iotda-kit serve` puts it.
const PAGE: &str = "http://127.0.0.1:8080";
const WAIT: Duration = Duration::from_secs(20);

/// A bridge to `127.0.0.1:port` as the device of `dir/cert.pem`,
/// `dir/key`, trusting `ca`, plus `extra`; with the URL of its banner.
pub(super) fn bridge(d: &Path, port: u16, files: [&str; 3], extra: &[&str]) -> (Running, String) {
    let abs = |f: &str| d.join(f).display().to_string();
    let (ca, cert, key) = (abs(files[0]), abs(files[1]), abs(files[2]));
    let port = port.to_string();
    let run = Running::start(
        &[
            &[
                "bridge",
                "--host",
                "127.0.0.1",
                "--port",
                &port,
                "--ca",
                &ca,
                "--cert",
                &cert,
                "--key",
                &key,
                "--listen-port",
                "0",
            ][..],
            extra,
        ]
        .concat(),
    );
    let banner = run.stdout_until(WAIT, |l| l.starts_with("bridging "));
    let url = banner
        .split_whitespace()
        .find(|w| w.starts_with("ws://"))
        .unwrap_or_else(|| panic!("no URL in {banner:?}"))
        .to_owned();
    (run, url)
}

const OURS: [&str; 3] = ["rootCA.pem", "deviceCert.pem", "deviceCert.key"];

fn addr_of(url: &str) -> SocketAddr {
    let rest = url.strip_prefix("ws://").expect("a ws:// URL");
    rest.split('/').next().unwrap().parse().expect("an address")
}

/// Paho through the bridge at `url` from the kit's page: client id, user
/// name, filter subscribed and topic published to (`who`), the payload, and
/// what to wait for; its events, and its output for messages.
pub(super) fn paho(
    url: &str,
    who: [&str; 4],
    payload: &str,
    want: &str,
) -> (Vec<serde_json::Value>, String) {
    let out = Command::new(venv_python())
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/cli/paho_bridge.py"
        ))
        .args([url, PAGE])
        .args(who)
        .args([payload, want])
        .output()
        .expect("run paho");
    let lines = format!("{}{}", text(&out.stdout), text(&out.stderr));
    let events = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    (events, lines)
}

/// A 3.1.1 CONNECT of client id `client_id`, user name `u`, and `password`
/// if any, keep alive 60 s.
fn connect_packet(client_id: &str, password: Option<&str>) -> Vec<u8> {
    let field = |s: &str| {
        let mut f = u16::try_from(s.len()).unwrap().to_be_bytes().to_vec();
        f.extend_from_slice(s.as_bytes());
        f
    };
    // Protocol name "MQTT", level 4, flags: user name (0x80), password
    // (0x40), clean session (0x02); keep alive 60.
    let flags = 0x82 | if password.is_some() { 0x40 } else { 0 };
    let mut body = [&field("MQTT")[..], &[4, flags, 0, 60]].concat();
    body.extend(field(client_id));
    body.extend(field("u"));
    if let Some(p) = password {
        body.extend(field(p));
    }
    let mut packet = vec![0x10, u8::try_from(body.len()).unwrap()];
    packet.extend(body);
    packet
}

type Ws = tungstenite::WebSocket<TcpStream>;

/// A tungstenite WebSocket session from `origin`, subprotocol `mqtt`.
fn open_session(url: &str, origin: &str) -> Ws {
    let mut request = url.into_client_request().unwrap();
    let headers = request.headers_mut();
    headers.insert("Origin", origin.parse().unwrap());
    headers.insert("Sec-WebSocket-Protocol", "mqtt".parse().unwrap());
    let tcp = TcpStream::connect(addr_of(url)).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let (ws, response) = tungstenite::client(request, tcp).expect("the handshake");
    assert_eq!(
        response.headers().get("Sec-WebSocket-Protocol").unwrap(),
        "mqtt"
    );
    ws
}

/// Reads until the bridge closes: the close code and reason.
fn close_of(ws: &mut Ws) -> (u16, String) {
    loop {
        match ws.read() {
            Ok(Message::Close(Some(frame))) => {
                return (u16::from(frame.code), frame.reason.as_str().to_owned())
            }
            Ok(Message::Close(None)) => panic!("closed without a code"),
            Ok(_) => {}
            Err(e) => panic!("no close frame: {e}"),
        }
    }
}

/// A session that sends `first` as one binary message (or text when
/// `as_text`), then reads until the bridge closes.
fn closed_with(url: &str, origin: &str, first: Vec<u8>, as_text: bool) -> (u16, String) {
    let mut ws = open_session(url, origin);
    let message = if as_text {
        Message::text(String::from_utf8(first).unwrap())
    } else {
        Message::binary(first)
    };
    ws.send(message).unwrap();
    close_of(&mut ws)
}

/// The addresses listening on `port` (IPv4 and IPv6), from the kernel's
/// socket tables, as hex.
fn listening_addresses(port: u16) -> Vec<String> {
    let port = format!("{port:04X}");
    let mut found = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (Some(local), Some("0A")) = (fields.get(1), fields.get(3).copied()) else {
                continue;
            };
            if let Some((addr, p)) = local.split_once(':') {
                if p == port {
                    found.push(addr.to_owned());
                }
            }
        }
    }
    found
}

#[test]
fn paho_subscribes_publishes_and_receives_through_the_bridge_on_loopback_only() {
    let dir = Scratch::new("bridge");
    let d = dir.path();
    let broker = mtls_broker(d);
    let tls_port = broker.tls_port.expect("tls port");
    let (bridge, url) = bridge(d, tls_port, OURS, &[]);
    assert!(
        url.starts_with("ws://127.0.0.1:") && url.ends_with("/mqtt"),
        "{url}"
    );
    let addr = addr_of(&url);
    assert_eq!(
        listening_addresses(addr.port()),
        ["0100007F"],
        "the bridge listens on 127.0.0.1 only"
    );

    let witness = Witness::start(broker.mqtt_port, "bridge/#");
    let (events, lines) = paho(
        &url,
        ["page-device", "ignored", "bridge/#", "bridge/test"],
        "through the bridge",
        "puback+message",
    );
    assert_eq!(
        events.first(),
        Some(&serde_json::json!({"connack": 0})),
        "{lines}"
    );
    assert!(
        events.contains(&serde_json::json!({"suback": [1]})),
        "{lines}"
    );
    assert!(
        events.contains(&serde_json::json!({"puback": 0})),
        "{lines}"
    );
    assert!(
        events.contains(&serde_json::json!({"message": {
            "topic": "bridge/test", "payload": "through the bridge", "qos": 1
        }})),
        "{lines}"
    );
    assert_eq!(witness.received(WAIT), "through the bridge");
    bridge.stderr_until(WAIT, |l| l.contains("connected to 127.0.0.1:"));

    // Another page's origin: HTTP 403 before any WebSocket.
    let handshake = |origin: &str| {
        format!(
            "GET /mqtt HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Protocol: mqtt\r\nOrigin: {origin}\r\n\r\n"
        )
    };
    let refused = http::raw(addr, handshake("http://evil.example").as_bytes());
    assert_eq!(refused.status, 403);
    assert!(
        String::from_utf8_lossy(&refused.body)
            .contains("origin http://evil.example is not allowed"),
        "{refused:?}"
    );
    bridge.stderr_until(WAIT, |l| l.contains("evil.example is not allowed"));

    // A password never goes through: refused before the platform is asked.
    let (code, reason) = closed_with(&url, PAGE, connect_packet("pw", Some("secret")), false);
    assert_eq!(code, 4005, "{reason}");
    assert!(reason.contains("password refused"), "{reason}");
    // Text messages are not MQTT over WebSocket.
    let (code, reason) = closed_with(&url, PAGE, b"hello".to_vec(), true);
    assert_eq!(code, 1003, "{reason}");

    // Stopped while a session is connected: it is told, and the bridge
    // exits 0 at once.
    let mut ws = open_session(&url, PAGE);
    ws.send(Message::binary(connect_packet("stopping", None)))
        .unwrap();
    let connack = ws.read().expect("the CONNACK");
    assert_eq!(connack.into_data().as_ref(), [0x20, 2, 0, 0]);
    // And one still to send its CONNECT.
    let mut idle = open_session(&url, PAGE);
    bridge.signal("TERM");
    let stopping = (1001, "the bridge is stopping".to_owned());
    assert_eq!(close_of(&mut ws), stopping);
    assert_eq!(close_of(&mut idle), stopping);
    let (code, _, stderr) = bridge.finish();
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn tls_refusals_reach_the_websocket_client_in_words() {
    let dir = Scratch::new("bridge-refusals");
    let d = dir.path();
    let broker = mtls_broker(d);
    let tls_port = broker.tls_port.expect("tls port");
    let connect = || connect_packet("refused", None);

    // A device certificate and key from a CA the broker does not trust.
    let intruder = ["rootCA.pem", "other/deviceCert.pem", "other/deviceCert.key"];
    let (bridge_a, url) = bridge(d, tls_port, intruder, &[]);
    let (code, reason) = closed_with(&url, PAGE, connect(), false);
    assert_eq!(code, 4003, "{reason}");
    assert!(reason.starts_with("certificate refused"), "{reason}");
    bridge_a.stderr_until(WAIT, |l| l.contains("client certificate"));

    // The broker's certificate checked against another CA.
    let other_ca = ["other/rootCA.pem", "deviceCert.pem", "deviceCert.key"];
    let (bridge_b, url) = bridge(d, tls_port, other_ca, &[]);
    let (code, reason) = closed_with(&url, PAGE, connect(), false);
    assert_eq!(code, 4001, "{reason}");
    assert!(reason.starts_with("unknown CA"), "{reason}");
    // In full on stderr, with the bridge's own flags (it has no --insecure).
    let line = bridge_b.stderr_until(WAIT, |l| l.contains("not signed by a CA"));
    assert!(
        line.contains("--ca FILE") && !line.contains("--insecure"),
        "{line}"
    );

    // A name the broker's certificate (IP 127.0.0.1 only) does not hold.
    let (_bridge_c, url) = bridge(d, tls_port, OURS, &["--tls-name", "broker.example"]);
    let (code, reason) = closed_with(&url, PAGE, connect(), false);
    assert_eq!(code, 4002, "{reason}");
    assert!(reason.contains("not issued for broker.example"), "{reason}");

    // Nothing listening there.
    let closed_port = iotda_testkit::free_port();
    let (bridge_d, url) = bridge(d, closed_port, OURS, &[]);
    // A page's probe (open, then close without a CONNECT) opens nothing
    // towards the platform, so it succeeds even here.
    let mut probe = open_session(&url, PAGE);
    probe.close(None).unwrap();
    while probe.read().is_ok() {}
    let line = bridge_d.stderr_until(WAIT, |l| l.contains(": closed, "));
    assert!(
        line.ends_with("closed, 1000 closed by the client"),
        "{line}"
    );
    let (code, reason) = closed_with(&url, PAGE, connect(), false);
    assert_eq!(code, 4000, "{reason}");
    assert!(reason.starts_with("platform unreachable"), "{reason}");
}

#[test]
fn a_key_that_is_not_the_certificates_stops_the_bridge_at_start() {
    let dir = Scratch::new("bridge-key");
    let d = dir.path();
    let _broker = mtls_broker(d);
    let out = super::kit_in(
        d,
        &[
            "bridge",
            "--host",
            "127.0.0.1",
            "--cert",
            "deviceCert.pem",
            "--key",
            "other/deviceCert.key",
            "--listen-port",
            "0",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("is not the private key of deviceCert.pem"),
        "{}",
        text(&out.stderr)
    );
    let out = super::kit(&[
        "bridge", "--host", "h", "--cert", "c", "--key", "k", "--origin", "evil",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--origin"),
        "{}",
        text(&out.stderr)
    );
}
