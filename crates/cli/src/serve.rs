//! `iotda-kit serve`: the built web app on 127.0.0.1, served by the local
//! platform's HTTP stack ([`iotda_platform::app_files`] on
//! [`iotda_platform::http_server`]: axum and tower-http on tokio), so the kit
//! has one server for its files.
//!
//! What it promises (dotfiles refused, no link followed out of the folder,
//! the `Host` checked, bounded requests and connections, client routes,
//! precompressed files, security headers) is listed with its tests in
//! `docs/serve.md`. This module only binds, runs and stops it.

use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::thread::{self, JoinHandle};

use iotda_platform::app_files;
use iotda_platform::http_server::{self, Limits};
use tokio::runtime::Runtime;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::oneshot;

use crate::args::ServeArgs;
use crate::CliError;

/// Threads reading files for the server at most (tokio's blocking pool);
/// connections themselves are tasks on one thread.
const FILE_THREADS: usize = 4;

/// A bound server, not yet answering.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    router: axum::Router,
    runtime: Runtime,
}

impl Server {
    /// Binds `127.0.0.1:port` (0: any free port) for the built app in
    /// `root`, which must hold trunk's `index.html` with its policy.
    pub fn bind(root: impl Into<PathBuf>, port: u16) -> io::Result<Self> {
        let router = app_files::router(root.into()).map_err(io::Error::other)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .max_blocking_threads(FILE_THREADS)
            .build()?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        listener.set_nonblocking(true)?;
        Ok(Self {
            listener,
            router,
            runtime,
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Answers requests on this thread until `shutdown` completes.
    fn run_until(self, shutdown: impl Future<Output = ()>) -> io::Result<()> {
        let Self {
            listener,
            router,
            runtime,
        } = self;
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            http_server::serve(listener, router, Limits::default(), shutdown).await
        })
    }

    /// Answers requests on this thread until SIGINT or SIGTERM, then
    /// returns `Ok` (the user stopping it is not a failure).
    pub fn run(self) -> io::Result<()> {
        let (mut interrupt, mut terminate) = {
            let _entered = self.runtime.enter();
            (
                signal(SignalKind::interrupt())?,
                signal(SignalKind::terminate())?,
            )
        };
        self.run_until(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }

    /// Runs the server on a background thread, for as long as the process
    /// runs, and returns its address.
    pub fn spawn(self) -> io::Result<SocketAddr> {
        let addr = self.local_addr()?;
        thread::spawn(move || self.run_until(std::future::pending()));
        Ok(addr)
    }

    /// Runs the server on a background thread until the returned handle is
    /// dropped, which closes its port (a test's "server down").
    pub fn start(self) -> io::Result<Running> {
        let addr = self.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = thread::spawn(move || {
            self.run_until(async {
                // A dropped sender stops the server as well.
                let _ = stopped.await;
            })
        });
        Ok(Running {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

/// A server started with [`Server::start`]; dropping it stops the server
/// and closes its port.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl Running {
    /// The address it answers on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The `serve` command: serves until Ctrl-C or SIGTERM, then exits 0
/// without a word.
pub fn run(args: &ServeArgs) -> Result<(), CliError> {
    let cannot = |e: io::Error| CliError::Failure(format!("cannot serve: {e}"));
    let server = Server::bind(&args.dir, args.port).map_err(cannot)?;
    let addr = server.local_addr().map_err(cannot)?;
    println!("serving {} on http://{addr}/", args.dir.display());
    server.run().map_err(cannot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream;

    #[test]
    fn a_started_server_answers_until_dropped_then_its_port_is_closed() {
        let dir = iotda_testkit::Scratch::new("serve-stop");
        std::fs::write(
            dir.join("index.html"),
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\"><p>hi</p>",
        )
        .unwrap();
        let running = Server::bind(dir.path(), 0).unwrap().start().unwrap();
        let addr = running.addr();
        let mut stream = TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "GET /connect HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
        assert!(answer.ends_with("<p>hi</p>"), "{answer}");
        drop(running);
        assert!(TcpStream::connect(addr).is_err(), "the port is closed");
    }
}
