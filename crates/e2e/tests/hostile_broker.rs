//! The Console against a hostile broker, played by a WebSocket server in
//! this test (loopback, written by hand: mosquitto never sends such
//! frames). One 10 MB binary frame of 5-byte PUBLISHes is refused from its
//! length, "frame too large", before a byte of it enters the page; a text
//! frame closes the connection as MQTT says [MQTT-6.0.0-1]; the page
//! stays responsive and its JavaScript heap small.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use iotda_kit_e2e::{serve_dist, Chromedriver};

/// The size of the flood frame.
const FLOOD_BYTES: usize = 10 * 1024 * 1024;

/// Answers the WebSocket handshake on `stream` with subprotocol `mqtt`.
fn handshake(stream: &mut TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
    let mut key = None;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("read the request");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("sec-websocket-key") {
                key = Some(value.trim().to_owned());
            }
        }
    }
    let key = key.expect("a Sec-WebSocket-Key");
    let accept = {
        use sha1::Digest;
        let digest = sha1::Sha1::digest(format!("{key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
        <base64ct::Base64 as base64ct::Encoding>::encode_string(&digest)
    };
    write!(
        stream,
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n"
    )
    .expect("answer the handshake");
}

/// Reads one (masked) frame from the page and returns its payload.
fn read_frame(stream: &mut TcpStream) -> Vec<u8> {
    let mut head = [0u8; 2];
    stream.read_exact(&mut head).expect("a frame");
    let len = match head[1] & 0x7F {
        126 => {
            let mut n = [0u8; 2];
            stream.read_exact(&mut n).expect("its length");
            u64::from(u16::from_be_bytes(n))
        }
        127 => {
            let mut n = [0u8; 8];
            stream.read_exact(&mut n).expect("its length");
            u64::from_be_bytes(n)
        }
        n => u64::from(n),
    };
    let mut mask = [0u8; 4];
    stream.read_exact(&mut mask).expect("its mask");
    let mut payload = vec![0u8; usize::try_from(len).expect("a small frame")];
    stream.read_exact(&mut payload).expect("its payload");
    for (i, b) in payload.iter_mut().enumerate() {
        *b ^= mask[i % 4];
    }
    payload
}

/// A server frame (unmasked) of `opcode` holding `payload`.
fn frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0x80 | opcode];
    match payload.len() {
        n if n < 126 => out.push(n as u8),
        n if n <= 0xFFFF => {
            out.push(126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    out.extend_from_slice(payload);
    out
}

/// Accepts the page's next connection, reads its CONNECT, accepts it and
/// sends `then`.
fn serve_one(listener: &TcpListener, then: &[u8]) -> TcpStream {
    let (mut stream, _) = listener.accept().expect("the page connects");
    handshake(&mut stream);
    let connect = read_frame(&mut stream);
    assert_eq!(connect.first(), Some(&0x10), "a CONNECT: {connect:?}");
    stream
        .write_all(&frame(2, &[0x20, 0x02, 0x00, 0x00]))
        .expect("send CONNACK");
    // The page closes as soon as it has refused the frame: a write cut
    // short is what is expected then.
    let _ = stream.write_all(then);
    stream
}

#[tokio::test(flavor = "multi_thread")]
async fn a_huge_frame_and_a_text_frame_close_the_connection_and_the_page_stays_small() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().expect("its address").port();
    let server = std::thread::spawn(move || {
        // A PUBLISH QoS 0 to topic "t" with no payload, 5 bytes, over and over.
        let publish = [0x30u8, 0x03, 0x00, 0x01, b't'];
        let flood: Vec<u8> = publish.iter().copied().cycle().take(FLOOD_BYTES).collect();
        let first = serve_one(&listener, &frame(2, &flood));
        let second = serve_one(&listener, &frame(1, b"hello"));
        // The third connection is kept open: the page connects normally.
        let third = serve_one(&listener, &[]);
        std::thread::sleep(Duration::from_secs(30));
        drop((first, second, third));
    });

    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1000).await;
    browser.open_console(addr, port, "hostile-test").await;
    browser.click("#console-connect").await;
    // The activity list is folded away: read its text, not what is shown.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let activity = loop {
        let text = browser
            .run("return document.querySelector('#console-activity').textContent;")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if text.contains("text WebSocket frame") || std::time::Instant::now() > deadline {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        activity.contains(&format!(
            "frame too large: the broker sent a WebSocket frame of {FLOOD_BYTES} bytes"
        )),
        "{activity}"
    );
    assert!(
        activity.contains("the broker sent a text WebSocket frame, which MQTT forbids"),
        "{activity}"
    );
    // None of the flood's million PUBLISHes reached the log.
    assert_eq!(browser.attr("#console-counts", "data-received").await, "0");
    // Still responsive: it reconnects, and disconnects when asked.
    browser
        .wait_text("#console-status", |t| t.starts_with("Connected"))
        .await;
    let heap = browser
        .run("return performance.memory ? performance.memory.usedJSHeapSize : -1;")
        .await
        .as_f64()
        .expect("a heap size");
    assert!(heap > 0.0, "performance.memory is missing");
    // A page that took the flood in holds about 1 GB; this one, a few MB.
    assert!(heap < 64.0 * 1024.0 * 1024.0, "JS heap {heap} bytes");
    browser.click("#console-disconnect").await;
    browser
        .wait_text("#console-status", |t| t == "Not connected")
        .await;
    browser.close().await;
    drop(server);
}
