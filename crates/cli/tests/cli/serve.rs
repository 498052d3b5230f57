//! `iotda-kit serve`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use super::{kit, text};

/// The serve process, killed when the test ends.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connect to serve");
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").expect("send a request");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read the answer");
    out
}

#[test]
fn serve_answers_files_and_routes_on_loopback() {
    let dir = std::env::temp_dir().join(format!("iotda-cli-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<p>kit</p>").unwrap();
    std::fs::write(dir.join("app.wasm"), [0u8, 0x61, 0x73, 0x6d]).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_iotda-kit"))
        .args(["serve", "--port", "0", "--dir"])
        .arg(&dir)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let served = Served(child);
    let addr = first
        .trim()
        .rsplit("http://")
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    assert!(addr.starts_with("127.0.0.1:"), "{first}");
    let index = get(&addr, "/connect");
    assert!(index.starts_with("HTTP/1.1 200 OK"), "{index}");
    assert!(index.ends_with("<p>kit</p>"));
    let wasm = get(&addr, "/app.wasm");
    assert!(wasm.contains("Content-Type: application/wasm"));
    assert!(get(&addr, "/../../etc/passwd").starts_with("HTTP/1.1 404"));
    assert!(get(&addr, "/nope.js").starts_with("HTTP/1.1 404"));
    drop(served);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn serve_refuses_a_folder_without_the_app() {
    let out = kit(&["serve", "--port", "0", "--dir", "/nonexistent-iotda"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("has no index.html; build the app first"));
}
