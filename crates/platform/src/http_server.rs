//! The loopback HTTP server: serves an axum [`Router`] (the app's files,
//! the management API) on a listener the caller bound on 127.0.0.1, within
//! bounds.
//!
//! - The `Host` header (and an absolute request target's authority) must
//!   name the bound port on a loopback name: `127.0.0.1:PORT`,
//!   `localhost:PORT` or `[::1]:PORT`. Anything else is 421 Misdirected
//!   Request, so a page on another site whose name was re-pointed at
//!   127.0.0.1 (DNS rebinding) cannot read the app or call the API.
//! - A request with an `Origin` header must come from this server's own
//!   origin (`http://` and one of those names); anything else, `null`
//!   included, is 403 Forbidden. A page on another site can still make a
//!   browser send a request here (a form, a `no-cors` fetch), but the
//!   browser names the page's origin, so the request is refused before any
//!   handler runs: that is what keeps `--no-auth` from being cross-site
//!   request forgery's door.
//! - A request's head (request line and headers) is bounded in bytes and in
//!   header count (hyper answers 431 beyond them) and must arrive within a
//!   timeout, which also closes idle keep-alive connections.
//! - Connections are tasks on the caller's tokio runtime, at most
//!   [`Limits::max_connections`] at a time; beyond that, new connections
//!   wait in the kernel's backlog until one ends. No thread per connection.
//!
//! HTTP/1.1 only: the clients are a browser and tools on the same machine
//! (and, over TLS, devices downloading upgrade packages, see [`serve_tls`]).

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// The bounds of a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// Bytes of a request's head (request line and headers); at least
    /// 8,192 (hyper's floor, applied if lower).
    pub max_head_bytes: usize,
    /// Headers of a request.
    pub max_headers: usize,
    /// Time for a request's head to arrive, and for an idle kept-alive
    /// connection to send its next request.
    pub head_timeout: Duration,
}

impl Default for Limits {
    /// Enough for a browser loading the app (it opens about six connections)
    /// and a few tools beside it.
    fn default() -> Self {
        Self {
            max_connections: 128,
            max_head_bytes: 16 * 1024,
            max_headers: 64,
            head_timeout: Duration::from_secs(10),
        }
    }
}

/// hyper refuses a read buffer below this.
const HYPER_MIN_BUF: usize = 8 * 1024;

/// Serves `router` on `listener` until `shutdown` completes, then stops
/// accepting and returns; connections still open end with the runtime.
///
/// Errors only if the listener's own address cannot be read; a failed
/// accept (too many open files) is waited out, never fatal.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    run(listener, router, limits, None, Vec::new(), shutdown).await
}

/// [`serve`] over TLS with `acceptor`'s identity (the handshake bounded by
/// the head timeout): how the platform serves upgrade packages, with the
/// certificate devices already trust for MQTTS. Requests that name an
/// origin are taken only from `page_origins` (the page the platform
/// serves on its HTTP port; the router answers their CORS).
pub async fn serve_tls(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    acceptor: TlsAcceptor,
    page_origins: Vec<String>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    run(
        listener,
        router,
        limits,
        Some(acceptor),
        page_origins,
        shutdown,
    )
    .await
}

async fn run(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    tls: Option<TlsAcceptor>,
    page_origins: Vec<String>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let port = listener.local_addr()?.port();
    let mut hosts = LoopbackHosts::new(port);
    hosts.pages = page_origins;
    let app = router.layer(middleware::from_fn_with_state(Arc::new(hosts), check_host));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.head_timeout)
        .max_buf_size(limits.max_head_bytes.max(HYPER_MIN_BUF))
        .max_headers(limits.max_headers);
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_closed) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(_) => {
                    // Out of descriptors or a connection reset before
                    // accept: wait a little rather than spin.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // The peer's address, as axum's `ConnectInfo` (the API admits
        // unsigned requests only from loopback when told to).
        let service = TowerToHyperService::new(app.clone().map_request(
            move |mut request: Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            },
        ));
        let (http, tls) = (http.clone(), tls.clone());
        tokio::spawn(async move {
            // A client that hangs up or sends garbage ends its own
            // connection; nothing to report.
            match tls {
                None => {
                    let _ = http.serve_connection(TokioIo::new(stream), service).await;
                }
                Some(acceptor) => {
                    let handshake = acceptor.accept(stream);
                    if let Ok(Ok(stream)) =
                        tokio::time::timeout(limits.head_timeout, handshake).await
                    {
                        let _ = http.serve_connection(TokioIo::new(stream), service).await;
                    }
                }
            }
            drop(permit);
        });
    }
    Ok(())
}

/// The `Host` values naming this server, and the other origins whose
/// requests it takes.
#[derive(Debug)]
struct LoopbackHosts {
    hosts: [String; 3],
    /// Origins of another server's page that may call this one.
    pages: Vec<String>,
}

impl LoopbackHosts {
    fn new(port: u16) -> Self {
        Self {
            hosts: [
                format!("127.0.0.1:{port}"),
                format!("localhost:{port}"),
                format!("[::1]:{port}"),
            ],
            pages: Vec::new(),
        }
    }

    fn allows(&self, host: &str) -> bool {
        self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    }

    /// Whether `origin` (an `Origin` header's value) is this server's own,
    /// or one of the pages it takes requests from.
    fn is_origin(&self, origin: &str) -> bool {
        origin
            .strip_prefix("http://")
            .is_some_and(|host| self.allows(host))
            || self.pages.iter().any(|p| p == origin)
    }
}

/// Refuses a request whose `Host` (or absolute target) is not this server.
async fn check_host(
    State(hosts): State<Arc<LoopbackHosts>>,
    request: Request,
    next: Next,
) -> Response {
    let host = request.headers().get(header::HOST).map(HeaderValue::to_str);
    let authority = request.uri().authority().map(|a| a.as_str());
    let allowed = match (host, authority) {
        (Some(Ok(host)), authority) => {
            hosts.allows(host) && authority.is_none_or(|a| hosts.allows(a))
        }
        (None, Some(authority)) => hosts.allows(authority),
        _ => false,
    };
    if !allowed {
        return refusal(
            StatusCode::MISDIRECTED_REQUEST,
            "this server answers only to 127.0.0.1, localhost and [::1] on its own port\n",
        );
    }
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .map(HeaderValue::to_str);
    match origin {
        None => next.run(request).await,
        Some(Ok(origin)) if hosts.is_origin(origin) => next.run(request).await,
        Some(_) => refusal(
            StatusCode::FORBIDDEN,
            "this server answers only to pages of its own origin\n",
        ),
    }
}

/// A plain-text refusal with the security headers.
fn refusal(status: StatusCode, text: &'static str) -> Response {
    let mut response = (status, text).into_response();
    security_headers(response.headers_mut(), None);
    response
}

/// Sets the headers every response carries: the Content-Security-Policy
/// (`policy`, or one that allows nothing when the response is not the
/// app's), no MIME sniffing, no referrer, no framing, and a browsing context
/// of its own.
pub fn security_headers(headers: &mut HeaderMap, policy: Option<HeaderValue>) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        policy.unwrap_or(HeaderValue::from_static(
            "default-src 'none'; frame-ancestors 'none'",
        )),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_names_on_the_bound_port_are_this_server() {
        let hosts = LoopbackHosts::new(8080);
        for good in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LocalHost:8080",
            "[::1]:8080",
        ] {
            assert!(hosts.allows(good), "{good}");
        }
        for bad in [
            "evil.example:8080",
            "127.0.0.1",
            "localhost",
            "127.0.0.1:8081",
            "localhost.evil.example:8080",
            "",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
        assert!(hosts.is_origin("http://127.0.0.1:8080"));
        assert!(hosts.is_origin("http://localhost:8080"));
        for bad in [
            "null",
            "https://127.0.0.1:8080",
            "http://127.0.0.1:8081",
            "http://evil.example",
            "http://127.0.0.1:8080/",
        ] {
            assert!(!hosts.is_origin(bad), "{bad}");
        }
        // The package server takes the platform's page, exactly.
        let mut packages = LoopbackHosts::new(8443);
        packages.pages = vec!["http://127.0.0.1:8080".into()];
        assert!(packages.is_origin("http://127.0.0.1:8080"));
        for bad in ["http://127.0.0.1:8081", "http://127.0.0.1:8080/", "null"] {
            assert!(!packages.is_origin(bad), "{bad}");
        }
    }
}
