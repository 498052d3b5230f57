//! `iotda-kit serve` as a process: what it answers, that it holds many
//! connections on a fixed set of threads, and that Ctrl-C or SIGTERM stops
//! it quietly. The server's promises one by one are tested in
//! `crates/platform/tests/app_files.rs`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use iotda_testkit::http::get;
use iotda_testkit::Scratch;

use super::{kit, text, Running};

const INDEX: &str =
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\"><p>kit</p>";

/// A built app's folder and `iotda-kit serve` on a free port, with its
/// address.
fn serve() -> (Scratch, Running, SocketAddr) {
    let dir = Scratch::new("cli-serve");
    std::fs::write(dir.join("index.html"), INDEX).unwrap();
    std::fs::write(dir.join("app.wasm"), [0u8, 0x61, 0x73, 0x6d]).unwrap();
    let dir_arg = dir.path().to_str().expect("a UTF-8 temp path").to_owned();
    let served = Running::start(&["serve", "--port", "0", "--dir", &dir_arg]);
    let first = served.stdout_until(Duration::from_secs(20), |l| l.starts_with("serving"));
    let addr = first
        .trim()
        .rsplit("http://")
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    assert!(addr.starts_with("127.0.0.1:"), "{first}");
    (dir, served, addr.parse().expect("an address"))
}

/// The threads of process `pid` now.
fn threads(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a Threads: line")
}

#[test]
fn serve_answers_files_and_routes_on_loopback() {
    let (_dir, _served, addr) = serve();
    let index = get(addr, "/connect", "");
    assert_eq!(index.status, 200);
    assert!(index.body.ends_with(b"<p>kit</p>"));
    assert_eq!(
        index.header("content-security-policy"),
        Some("default-src 'self'; frame-ancestors 'none'")
    );
    let wasm = get(addr, "/app.wasm", "");
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    assert_eq!(get(addr, "/../../etc/passwd", "").status, 404);
    assert_eq!(get(addr, "/nope.js", "").status, 404);
}

#[test]
fn serve_holds_many_connections_without_a_thread_each() {
    let (_dir, served, addr) = serve();
    // Warm up: the first file read starts the file-reading thread(s).
    assert_eq!(get(addr, "/app.wasm", "").status, 200);
    let before = threads(served.pid());
    let open: Vec<TcpStream> = (0..100)
        .map(|_| {
            let mut s = TcpStream::connect(addr).expect("connect");
            write!(s, "GET /app.wasm HTTP/1.1\r\nHost: {addr}\r\n\r\n").expect("send");
            let mut head = [0u8; 12];
            s.read_exact(&mut head).expect("an answer");
            assert_eq!(&head, b"HTTP/1.1 200");
            s
        })
        .collect();
    let during = threads(served.pid());
    assert_eq!(open.len(), 100);
    assert!(
        during <= before + 4,
        "100 open connections took {before} -> {during} threads"
    );
}

#[test]
fn ctrl_c_or_sigterm_stops_serve_quietly_with_status_0() {
    for signal in ["INT", "TERM"] {
        let (_dir, served, addr) = serve();
        assert_eq!(get(addr, "/", "").status, 200);
        served.signal(signal);
        let (code, stdout, stderr) = served.finish();
        assert_eq!(code, Some(0), "SIG{signal}: {stderr}");
        assert_eq!(stdout, "", "SIG{signal}");
        assert_eq!(stderr, "", "SIG{signal}");
        assert!(TcpStream::connect(addr).is_err(), "the port is closed");
    }
}

#[test]
fn serve_refuses_a_folder_without_the_app() {
    let out = kit(&["serve", "--port", "0", "--dir", "/nonexistent-iotda"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("has no index.html; build the app first"));
}

#[test]
fn serve_refuses_the_pages_source_instead_of_its_build() {
    // The repository's own index.html: its policy still has the placeholder.
    let source = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let out = kit(&["serve", "--port", "0", "--dir", source]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("is the page's source") && stderr.contains("dist/"),
        "{stderr}"
    );
}
