//! The app's files served by the real server over real HTTP (raw requests on
//! a TCP socket, so nothing a client library would fix up is hidden).

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::thread::JoinHandle;
use std::time::Duration;

use iotda_platform::app_files::{self, AppFilesError};
use iotda_platform::http_server::{self, Limits};
use iotda_testkit::http::{self, raw, Answer};
use iotda_testkit::Scratch;

const POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-abc='";

fn index_html(policy: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\" />\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\" /></head>\
         <body>the app</body></html>"
    )
}

/// A built app in a scratch folder, with a repository's secrets beside it.
fn app_folder() -> Scratch {
    let dir = Scratch::new("app-files");
    let write = |name: &str, body: &[u8]| {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, body).expect("write a file");
    };
    write("index.html", index_html(POLICY).as_bytes());
    write("app.js", b"console.log('app');");
    write("app.wasm", b"\0asm-raw");
    write("app.wasm.br", b"brotli bytes");
    write("app.wasm.gz", b"gzip bytes");
    write("manifest.webmanifest", b"{}");
    write("assets/logo.svg", b"<svg/>");
    write(".env", b"SECRET=env");
    write(".git/config", b"[core] secret");
    dir
}

/// A server on a free loopback port, stopped on drop.
struct Served {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Served {
    fn start(dir: &Path, limits: Limits) -> Self {
        let router = app_files::router(dir).expect("a servable folder");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
            .expect("bind");
        let addr = listener.local_addr().expect("an address");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let shutdown = async {
                let _ = stopped.await;
            };
            runtime
                .block_on(http_server::serve(listener, router, limits, shutdown))
                .expect("serve");
        });
        Self {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn host(&self) -> String {
        self.addr.to_string()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A GET with the right `Host` and the given extra header lines.
fn get(served: &Served, path: &str, extra: &str) -> Answer {
    http::get(served.addr, path, extra)
}

/// `path` is 404 and shows nothing of the secrets beside the app.
fn assert_not_served(served: &Served, path: &str) {
    let answer = get(served, path, "");
    assert_eq!(answer.status, 404, "{path}");
    let body = String::from_utf8_lossy(&answer.body).to_lowercase();
    assert!(!body.contains("secret"), "{path}: {body}");
}

fn header_policy() -> String {
    format!("{POLICY}; frame-ancestors 'none'")
}

#[test]
fn dotfiles_and_dot_folders_are_404_however_spelled() {
    let dir = app_folder();
    let served = Served::start(dir.path(), Limits::default());
    for path in [
        "/.env",
        "/.git/config",
        "/.git/",
        "/%2eenv",
        "/%2Egit/config",
        "/assets/../.env",
        "/assets/%2e%2e/.env",
        "/../.env",
    ] {
        assert_not_served(&served, path);
    }
    assert_eq!(get(&served, "/assets/logo.svg", "").status, 200);
}

#[test]
fn a_symlink_out_of_the_folder_is_never_followed() {
    let outside = Scratch::new("app-files-outside");
    std::fs::write(outside.join("secret.txt"), "outside secret").expect("write");
    std::fs::write(outside.join("secret.js"), "outside secret").expect("write");
    let dir = app_folder();
    let link = |target: &Path, name: &str| {
        std::os::unix::fs::symlink(target, dir.join(name)).expect("symlink");
    };
    link(&outside.join("secret.txt"), "secret.txt");
    link(outside.path(), "outside");
    link(Path::new("/etc/passwd"), "passwd");
    link(Path::new("/nonexistent-iotda-target"), "dangling.js");
    // A precompressed sibling leading out: ServeDir would send it to a
    // client accepting gzip instead of the file itself.
    std::fs::write(dir.join("lib.js"), "inside").expect("write");
    link(&outside.join("secret.js"), "lib.js.gz");
    // A link that stays inside is fine.
    link(&dir.join("app.js"), "alias.js");
    let served = Served::start(dir.path(), Limits::default());
    for path in [
        "/secret.txt",
        "/outside/secret.txt",
        "/passwd",
        "/dangling.js",
        "/outside",
        "/outside/",
    ] {
        assert_not_served(&served, path);
    }
    let gz = get(&served, "/lib.js", "Accept-Encoding: gzip\r\n");
    assert_eq!(gz.status, 404);
    let alias = get(&served, "/alias.js", "");
    assert_eq!(alias.status, 200);
    assert_eq!(alias.body, b"console.log('app');");
}

#[test]
fn only_the_bound_loopback_names_are_answered() {
    let dir = app_folder();
    let served = Served::start(dir.path(), Limits::default());
    let port = served.addr.port();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        format!("[::1]:{port}"),
    ] {
        let request = format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        assert_eq!(raw(served.addr, request.as_bytes()).status, 200, "{host}");
    }
    let refused = [
        format!("GET / HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n"),
        "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n".to_owned(),
        format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", port ^ 1),
        "GET / HTTP/1.0\r\n\r\n".to_owned(),
        format!(
            "GET http://evil.example:{port}/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        ),
    ];
    for request in refused {
        let answer = raw(served.addr, request.as_bytes());
        assert_eq!(answer.status, 421, "{request}");
        assert!(!String::from_utf8_lossy(&answer.body).contains("the app"));
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(
            answer.header("content-security-policy"),
            Some("default-src 'none'; frame-ancestors 'none'")
        );
    }
}

#[test]
fn a_request_head_beyond_the_bounds_is_refused() {
    let dir = app_folder();
    let served = Served::start(dir.path(), Limits::default());
    let host = served.host();
    let long_line = format!(
        "GET /{} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n",
        "a".repeat(40 * 1024)
    );
    let long = raw(served.addr, long_line.as_bytes());
    assert!(matches!(long.status, 414 | 431), "{long:?}");
    let many: String = (0..200).map(|i| format!("X-Header-{i}: {i}\r\n")).collect();
    let many = raw(
        served.addr,
        format!("GET / HTTP/1.1\r\nHost: {host}\r\n{many}Connection: close\r\n\r\n").as_bytes(),
    );
    assert_eq!(many.status, 431);
    let big_header = raw(
        served.addr,
        format!(
            "GET / HTTP/1.1\r\nHost: {host}\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
            "b".repeat(40 * 1024)
        )
        .as_bytes(),
    );
    assert_eq!(big_header.status, 431);
}

#[test]
fn a_connection_that_sends_no_request_is_closed_after_the_head_timeout() {
    let dir = app_folder();
    let limits = Limits {
        head_timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let served = Served::start(dir.path(), limits);
    let mut idle = TcpStream::connect(served.addr).expect("connect");
    idle.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    idle.write_all(b"GET / HT").expect("half a request line");
    let mut rest = Vec::new();
    // The server closes it (408 or a bare close); a read timeout would mean
    // it waits for ever.
    match idle.read_to_end(&mut rest) {
        Ok(_) => {}
        Err(e) => assert_ne!(e.kind(), ErrorKind::WouldBlock, "still open: {e}"),
    }
}

#[test]
fn connections_beyond_the_limit_wait_until_one_ends() {
    let dir = app_folder();
    let limits = Limits {
        max_connections: 2,
        ..Limits::default()
    };
    let served = Served::start(dir.path(), limits);
    let first = TcpStream::connect(served.addr).expect("connect");
    let second = TcpStream::connect(served.addr).expect("connect");
    // Both are held by the server once it answers on them.
    for mut held in [&first, &second] {
        write!(
            held,
            "GET /app.js HTTP/1.1\r\nHost: {}\r\n\r\n",
            served.host()
        )
        .expect("send");
        let mut buf = [0u8; 512];
        let n = held.read(&mut buf).expect("an answer on a held connection");
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    }
    let mut third = TcpStream::connect(served.addr).expect("the kernel accepts it");
    write!(
        third,
        "GET /app.js HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        served.host()
    )
    .expect("send");
    third
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("a read timeout");
    let mut buf = [0u8; 512];
    let waiting = third.read(&mut buf);
    assert!(
        matches!(&waiting, Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "the third connection is not served while two are open: {waiting:?}"
    );
    drop(first);
    third
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    let mut answer = Vec::new();
    third
        .read_to_end(&mut answer)
        .expect("served once one ended");
    assert_eq!(Answer::parse(&answer).status, 200);
}

#[test]
fn client_routes_get_index_html_and_missing_files_404() {
    let dir = app_folder();
    let served = Served::start(dir.path(), Limits::default());
    let index = std::fs::read(dir.join("index.html")).expect("read");
    for route in [
        "/",
        "/connect",
        "/console",
        "/certificates?tab=ca",
        "/a/b/c",
    ] {
        let answer = get(&served, route, "");
        assert_eq!(answer.status, 200, "{route}");
        assert_eq!(answer.body, index, "{route}");
        assert_eq!(
            answer.header("content-type"),
            Some("text/html; charset=utf-8")
        );
    }
    for missing in ["/missing.js", "/app.wasm.map", "/assets/none.svg"] {
        assert_eq!(get(&served, missing, "").status, 404, "{missing}");
    }
    let head = raw(
        served.addr,
        format!(
            "HEAD /app.js HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            served.host()
        )
        .as_bytes(),
    );
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let post = raw(
        served.addr,
        format!(
            "POST /app.js HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            served.host()
        )
        .as_bytes(),
    );
    assert_eq!(post.status, 405);
}

#[test]
fn precompressed_files_go_to_clients_that_accept_them() {
    let dir = app_folder();
    let served = Served::start(dir.path(), Limits::default());
    let cases: [(&str, Option<&str>, &[u8]); 4] = [
        ("Accept-Encoding: br, gzip\r\n", Some("br"), b"brotli bytes"),
        (
            "Accept-Encoding: gzip, deflate\r\n",
            Some("gzip"),
            b"gzip bytes",
        ),
        ("Accept-Encoding: identity\r\n", None, b"\0asm-raw"),
        ("", None, b"\0asm-raw"),
    ];
    for (accept, encoding, body) in cases {
        let answer = get(&served, "/app.wasm", accept);
        assert_eq!(answer.status, 200, "{accept}");
        assert_eq!(answer.header("content-encoding"), encoding, "{accept}");
        assert_eq!(answer.body, body, "{accept}");
        assert_eq!(answer.header("content-type"), Some("application/wasm"));
        assert!(
            answer
                .header("vary")
                .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
            "{accept}: {:?}",
            answer.headers
        );
    }
    // A file without a precompressed sibling is sent as it is.
    let js = get(&served, "/app.js", "Accept-Encoding: br, gzip\r\n");
    assert_eq!(js.header("content-encoding"), None);
    assert_eq!(js.body, b"console.log('app');");
}

#[test]
fn every_response_carries_the_security_headers_and_the_pages_policy() {
    let dir = app_folder();
    let served = Served::start(dir.path(), Limits::default());
    let policy = header_policy();
    for (path, status, content_type) in [
        ("/", 200, "text/html; charset=utf-8"),
        ("/console", 200, "text/html; charset=utf-8"),
        ("/app.js", 200, "text/javascript; charset=utf-8"),
        ("/app.wasm", 200, "application/wasm"),
        ("/manifest.webmanifest", 200, "application/manifest+json"),
        ("/assets/logo.svg", 200, "image/svg+xml"),
        ("/missing.js", 404, "text/plain; charset=utf-8"),
        ("/.env", 404, "text/plain; charset=utf-8"),
    ] {
        let answer = get(&served, path, "");
        assert_eq!(answer.status, status, "{path}");
        assert_eq!(answer.header("content-type"), Some(content_type), "{path}");
        assert_eq!(
            answer.header("content-security-policy"),
            Some(policy.as_str()),
            "{path}"
        );
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            answer.header("referrer-policy"),
            Some("no-referrer"),
            "{path}"
        );
        assert_eq!(
            answer.header("cross-origin-opener-policy"),
            Some("same-origin"),
            "{path}"
        );
        assert_eq!(answer.header("x-frame-options"), Some("DENY"), "{path}");
    }
}

#[test]
fn a_rebuilt_index_html_changes_the_header_policy_with_it() {
    let dir = app_folder();
    let served = Served::start(dir.path(), Limits::default());
    let newer = "default-src 'self'; script-src 'self' 'sha256-new='";
    // Another length too: the change is seen even within one mtime tick.
    std::fs::write(dir.join("index.html"), index_html(newer)).expect("rewrite");
    let answer = get(&served, "/", "");
    assert_eq!(
        answer.header("content-security-policy"),
        Some(format!("{newer}; frame-ancestors 'none'").as_str())
    );
}

#[test]
fn a_folder_that_is_not_the_built_app_is_refused_with_a_reason() {
    let empty = Scratch::new("app-files-empty");
    assert_eq!(
        app_files::router(empty.path()).err(),
        Some(AppFilesError::NoIndex(empty.path().to_path_buf()))
    );
    let message = app_files::router(empty.path()).err().map(|e| e.to_string());
    assert!(message.is_some_and(|m| m.contains("has no index.html; build the app first")));

    std::fs::write(empty.join("index.html"), "<p>no policy</p>").expect("write");
    assert!(matches!(
        app_files::router(empty.path()),
        Err(AppFilesError::NoPolicy(_))
    ));
    std::fs::write(
        empty.join("index.html"),
        index_html("script-src 'self' 'sha256-LOADER'"),
    )
    .expect("write");
    let unbuilt = app_files::router(empty.path()).err();
    assert!(matches!(unbuilt, Some(AppFilesError::Unbuilt(_))));
    assert!(unbuilt
        .map(|e| e.to_string())
        .is_some_and(|m| m.contains("serve the folder trunk built (dist/)")));
}
