//! `iotda-kit serve`: a small static file server for the built web app.
//!
//! Binds 127.0.0.1 only. Answers GET and HEAD; a path without a file behind
//! it and without an extension gets `index.html`, so the app's routes
//! (`/connect`, `/console`, ...) load on refresh. Never serves outside the
//! folder.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::args::ServeArgs;
use crate::CliError;

/// A bound server, not yet answering.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    root: PathBuf,
}

impl Server {
    /// Binds `127.0.0.1:port` (0: any free port) for files under `root`.
    pub fn bind(root: impl Into<PathBuf>, port: u16) -> std::io::Result<Self> {
        let root = root.into();
        if !root.join("index.html").is_file() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!(
                    "{} has no index.html; build the app first (trunk build index.html --release)",
                    root.display()
                ),
            ));
        }
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        Ok(Self { listener, root })
    }

    /// The bound address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Answers requests until the process ends, one thread per connection.
    pub fn run(self) {
        for stream in self.listener.incoming().flatten() {
            let root = self.root.clone();
            thread::spawn(move || {
                // A client that hangs up mid-answer is not our problem.
                let _ = answer(stream, &root);
            });
        }
    }

    /// Runs the server on a background thread and returns its address.
    pub fn spawn(self) -> std::io::Result<SocketAddr> {
        let addr = self.local_addr()?;
        thread::spawn(move || self.run());
        Ok(addr)
    }

    /// Runs the server on a background thread until the returned handle is
    /// dropped, which closes its port (a test's "server down").
    pub fn start(self) -> std::io::Result<Running> {
        let addr = self.local_addr()?;
        self.listener.set_nonblocking(true)?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                match self.listener.accept() {
                    Ok((stream, _)) => {
                        let root = self.root.clone();
                        thread::spawn(move || {
                            let _ = stream.set_nonblocking(false);
                            let _ = answer(stream, &root);
                        });
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Ok(Running {
            addr,
            stop,
            thread: Some(thread),
        })
    }
}

/// A server started with [`Server::start`]; dropping it stops the server
/// and closes its port.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Running {
    /// The address it answers on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The `serve` command.
pub fn run(args: &ServeArgs) -> Result<(), CliError> {
    let server = Server::bind(&args.dir, args.port)
        .map_err(|e| CliError::Failure(format!("cannot serve: {e}")))?;
    let addr = server
        .local_addr()
        .map_err(|e| CliError::Failure(format!("cannot serve: {e}")))?;
    println!("serving {} on http://{addr}/", args.dir.display());
    server.run();
    Ok(())
}

fn answer(stream: TcpStream, root: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers; nothing in them changes the answer.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut stream = reader.into_inner();
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head = method == "HEAD";
    if method != "GET" && !head {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"",
            head,
        );
    }
    match resolve(root, target) {
        Some(path) => match std::fs::read(&path) {
            Ok(body) => respond(&mut stream, "200 OK", content_type(&path), &body, head),
            Err(_) => respond(
                &mut stream,
                "404 Not Found",
                "text/plain",
                b"not found\n",
                head,
            ),
        },
        None => respond(
            &mut stream,
            "404 Not Found",
            "text/plain",
            b"not found\n",
            head,
        ),
    }
}

/// The file for a request target: the file itself, or `index.html` for an
/// extension-less route; `None` for anything escaping `root`.
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let relative = Path::new(path.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let file = root.join(relative);
    if file.is_file() {
        return Some(file);
    }
    if relative.extension().is_none() {
        return Some(root.join("index.html"));
    }
    None
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
    head: bool,
) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\n\
         Referrer-Policy: no-referrer\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_files_routes_and_refuses_escapes() {
        let dir = std::env::temp_dir().join(format!("iotda-serve-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<html>").unwrap();
        std::fs::write(dir.join("app.wasm"), "w").unwrap();
        assert_eq!(resolve(&dir, "/app.wasm"), Some(dir.join("app.wasm")));
        assert_eq!(resolve(&dir, "/connect?x=1"), Some(dir.join("index.html")));
        assert_eq!(resolve(&dir, "/"), Some(dir.join("index.html")));
        assert_eq!(resolve(&dir, "/missing.js"), None);
        assert_eq!(resolve(&dir, "/../etc/passwd"), None);
        assert_eq!(resolve(&dir, "/a/../../x"), None);
        assert_eq!(content_type(Path::new("a.wasm")), "application/wasm");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_started_server_answers_until_dropped_then_its_port_is_closed() {
        let dir = std::env::temp_dir().join(format!("iotda-serve-stop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<html>hi</html>").unwrap();
        let running = Server::bind(&dir, 0).unwrap().start().unwrap();
        let addr = running.addr();
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .write_all(b"GET /connect HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        std::io::Read::read_to_string(&mut stream, &mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
        assert!(answer.ends_with("<html>hi</html>"), "{answer}");
        drop(running);
        assert!(TcpStream::connect(addr).is_err(), "the port is closed");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
