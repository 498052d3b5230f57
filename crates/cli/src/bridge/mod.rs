//! `iotda-kit bridge`: MQTT over WebSocket on loopback, carried as MQTT
//! over mutual TLS to the platform, so that a page (whose script cannot
//! present a client certificate) can connect as an X.509 device.
//!
//! ```text
//! page --ws://127.0.0.1:P/mqtt (subprotocol mqtt, binary)--> bridge
//!      --TLS to H:port, client certificate --cert/--key--> platform
//! ```
//!
//! Each WebSocket session gets its own TLS connection. The bridge reads
//! the first packet, which must be a CONNECT without a password
//! ([`policy::first_packet`]), and then forwards bytes both ways without
//! parsing them. It listens on 127.0.0.1 only, and accepts WebSockets only
//! from the allowed page origins ([`policy::Origins`]). Every end of a
//! session is told to the WebSocket client as a close frame whose code and
//! reason say why ([`policy::Close`]), and on stderr in a longer line.
//!
//! It lives in the CLI because it is the CLI's TLS client (the same
//! [`crate::net`] configuration, trust and error words as `pub`) behind a
//! WebSocket listener; the local platform's access layer shares no code
//! with it beyond the crates (tokio, tokio-tungstenite, tokio-rustls).

mod policy;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use rustls::pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::args::BridgeArgs;
use crate::net::{self, TlsOptions};
use crate::CliError;
use policy::{Close, FirstPacket, Origins};

/// The WebSocket path, as IoTDA's and the local platform's.
const WS_PATH: &str = "/mqtt";
/// Sessions at once; more are turned away until one ends.
const MAX_SESSIONS: usize = 32;
/// How long the client has to send its CONNECT, and the platform to accept
/// the TCP connection and complete TLS.
const STEP_TIMEOUT: Duration = Duration::from_secs(30);

/// What every session shares.
struct Shared {
    connector: TlsConnector,
    host: String,
    port: u16,
    /// The name the platform's certificate is verified against.
    name: ServerName<'static>,
    /// The TLS options, for the failures in words on stderr.
    tls: TlsOptions,
    origins: Origins,
    stop: watch::Receiver<bool>,
}

/// Runs `iotda-kit bridge` until Ctrl-C or SIGTERM.
pub fn run(args: &BridgeArgs) -> Result<(), CliError> {
    let origins = Origins::with_defaults(&args.origin)
        .map_err(|e| CliError::Usage(format!("--origin: {e}")))?;
    let tls = TlsOptions {
        ca: args.ca.clone(),
        cert: Some(args.cert.clone()),
        key: Some(args.key.clone()),
        key_passphrase: args.key_passphrase.clone(),
        insecure: false,
        tls_name: args.tls_name.clone(),
        flags: net::Flags {
            ca: "--ca",
            insecure: false,
        },
    };
    // Bad files are found now, not at the first session.
    let config = net::client_config(&tls)?;
    let name = net::server_name(&args.host, &tls)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Failure(format!("cannot start: {e}")))?;
    runtime.block_on(async {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, args.listen_port))
            .await
            .map_err(|e| {
                CliError::Failure(format!(
                    "cannot listen on 127.0.0.1:{}: {e} (choose another --listen-port)",
                    args.listen_port
                ))
            })?;
        let local = listener
            .local_addr()
            .map_err(|e| CliError::Failure(e.to_string()))?;
        let (stop_tx, stop) = watch::channel(false);
        let shared = Arc::new(Shared {
            connector: TlsConnector::from(Arc::new(config)),
            host: args.host.clone(),
            port: args.port,
            name: name.clone(),
            tls,
            origins,
            stop,
        });
        println!(
            "bridging ws://{local}{WS_PATH} to {}:{} (mutual TLS as {}, verifying {})",
            args.host,
            args.port,
            args.cert.display(),
            name.to_str()
        );
        serve(listener, shared, stop_tx).await
    })
}

/// Accepts sessions until a signal, then closes them with 1001.
async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    stop_tx: watch::Sender<bool>,
) -> Result<(), CliError> {
    use tokio::signal::unix::{signal, SignalKind};
    let cannot = |e: io::Error| CliError::Failure(format!("cannot handle signals: {e}"));
    let mut interrupt = signal(SignalKind::interrupt()).map_err(cannot)?;
    let mut terminate = signal(SignalKind::terminate()).map_err(cannot)?;
    let permits = Arc::new(Semaphore::new(MAX_SESSIONS));
    let mut sessions = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((tcp, peer)) = accepted else { continue };
                let Ok(permit) = permits.clone().try_acquire_owned() else {
                    eprintln!("{peer}: turned away: {MAX_SESSIONS} sessions are open");
                    continue;
                };
                let _ = tcp.set_nodelay(true);
                let shared = shared.clone();
                sessions.spawn(async move {
                    session(tcp, peer, &shared).await;
                    drop(permit);
                });
            }
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
            _ = interrupt.recv() => break,
            _ = terminate.recv() => break,
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let drain = async { while sessions.join_next().await.is_some() {} };
    if tokio::time::timeout(Duration::from_secs(5), drain)
        .await
        .is_err()
    {
        sessions.abort_all();
    }
    Ok(())
}

/// One WebSocket session, from the handshake to its close.
async fn session(tcp: TcpStream, peer: SocketAddr, shared: &Shared) {
    let mut origin = None;
    let accepted = tokio::time::timeout(STEP_TIMEOUT, ws_accept(tcp, &shared.origins, &mut origin));
    let mut ws = match accepted.await {
        Ok(Ok(ws)) => ws,
        Ok(Err(why)) => return eprintln!("{peer}: {why}"),
        Err(_) => return eprintln!("{peer}: no WebSocket handshake within {STEP_TIMEOUT:?}"),
    };
    let who = match &origin {
        Some(o) => format!("{peer} ({o})"),
        None => peer.to_string(),
    };
    let close = relay(&mut ws, shared, &who).await;
    eprintln!("{who}: closed, {} {}", close.code(), close.reason());
    let frame = CloseFrame {
        code: CloseCode::from(close.code()),
        reason: close.reason().into(),
    };
    // The client may be gone already; nothing more to tell it then.
    let _ = ws.close(Some(frame)).await;
}

/// The WebSocket handshake: path `/mqtt`, an allowed `Origin` (else 403),
/// subprotocol `mqtt` offered (else 400). `origin` gets the header's value.
async fn ws_accept(
    tcp: TcpStream,
    origins: &Origins,
    origin: &mut Option<String>,
) -> Result<WebSocketStream<TcpStream>, String> {
    let mut refused = None;
    #[allow(clippy::result_large_err)] // the callback's type is tungstenite's
    let check = |request: &Request, mut response: Response| -> Result<Response, ErrorResponse> {
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        };
        let given = header("Origin");
        *origin = given.clone();
        let refuse = |status: StatusCode, why: String| {
            let mut answer = ErrorResponse::new(Some(format!("{why}\n")));
            *answer.status_mut() = status;
            Err((answer, why))
        };
        let verdict = if request.uri().path() != WS_PATH {
            refuse(
                StatusCode::NOT_FOUND,
                format!("MQTT over WebSocket is served at {WS_PATH}"),
            )
        } else if !origins.allows(given.as_deref()) {
            refuse(
                StatusCode::FORBIDDEN,
                format!(
                    "origin {} is not allowed: the bridge serves the kit's page on loopback \
                     (start it with --origin to add one)",
                    given.as_deref().unwrap_or_default()
                ),
            )
        } else if !offers_mqtt(request) {
            refuse(
                StatusCode::BAD_REQUEST,
                "offer the WebSocket subprotocol mqtt".to_owned(),
            )
        } else {
            response
                .headers_mut()
                .insert("Sec-WebSocket-Protocol", HeaderValue::from_static("mqtt"));
            Ok(response)
        };
        verdict.map_err(|(answer, why)| {
            refused = Some(why);
            answer
        })
    };
    let result = tokio_tungstenite::accept_hdr_async(tcp, check).await;
    match (result, refused) {
        (Ok(ws), _) => Ok(ws),
        (Err(_), Some(why)) => Err(format!("refused: {why}")),
        (Err(e), None) => Err(format!("WebSocket handshake failed: {e}")),
    }
}

fn offers_mqtt(request: &Request) -> bool {
    request
        .headers()
        .get_all("Sec-WebSocket-Protocol")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim().eq_ignore_ascii_case("mqtt"))
}

/// Reads the CONNECT, opens the TLS connection, then moves bytes both ways
/// until one side ends; returns why.
async fn relay(ws: &mut WebSocketStream<TcpStream>, shared: &Shared, who: &str) -> Close {
    let mut stop = shared.stop.clone();
    let mut start = Vec::new();
    let first = until_stopped(&mut stop, STEP_TIMEOUT, async {
        loop {
            match policy::first_packet(&start) {
                FirstPacket::Partial => {}
                FirstPacket::Connect => return Ok(()),
                FirstPacket::Refused(close) => return Err(close),
            }
            match ws_read(ws, &mut start).await {
                Ok(true) => {}
                Ok(false) => return Err(Close::ClientClosed),
                Err(close) => return Err(close),
            }
        }
    });
    match first.await {
        Step::Done(Ok(())) => {}
        Step::Done(Err(close)) => return close,
        Step::Stopped => return Close::Stopping,
        Step::TimedOut => {
            return Close::NotConnect(format!("no CONNECT within {} s", STEP_TIMEOUT.as_secs()))
        }
    }
    let mut tls = match until_stopped(&mut stop, STEP_TIMEOUT, open(shared, who)).await {
        Step::Done(Ok(tls)) => tls,
        Step::Done(Err(close)) => return close,
        Step::Stopped => return Close::Stopping,
        Step::TimedOut => {
            return Close::Unreachable(format!(
                "no TLS connection within {} s",
                STEP_TIMEOUT.as_secs()
            ))
        }
    };
    eprintln!("{who}: connected to {}:{}", shared.host, shared.port);
    if let Err(e) = write_tls(&mut tls, &start).await {
        return failed(&e, shared, who, false);
    }
    let mut up = start;
    up.clear();
    let mut answered = false;
    let mut down = vec![0u8; 16 * 1024];
    loop {
        tokio::select! {
            read = tls.read(&mut down) => match read {
                Ok(0) if answered => return Close::PlatformClosed,
                // Closed before a byte: with TLS 1.3 a refused client
                // certificate can end this way.
                Ok(0) => {
                    eprintln!(
                        "{who}: the platform closed the connection without answering the \
                         CONNECT: it does not accept the device certificate (--cert/--key)"
                    );
                    return Close::CertificateRefused;
                }
                Ok(n) => {
                    answered = true;
                    let bytes = down.get(..n).unwrap_or_default().to_vec();
                    if ws.send(Message::binary(bytes)).await.is_err() {
                        return Close::ClientClosed;
                    }
                }
                Err(e) => return failed(&e, shared, who, answered),
            },
            read = ws_read(ws, &mut up) => match read {
                Ok(true) => {
                    let bytes = std::mem::take(&mut up);
                    if let Err(e) = write_tls(&mut tls, &bytes).await {
                        return failed(&e, shared, who, answered);
                    }
                }
                Ok(false) => {
                    let _ = tls.shutdown().await;
                    return Close::ClientClosed;
                }
                Err(close) => {
                    let _ = tls.shutdown().await;
                    return close;
                }
            },
            _ = stop.changed() => {
                let _ = tls.shutdown().await;
                return Close::Stopping;
            }
        }
    }
}

/// How a step before the relay ended.
enum Step<T> {
    /// It finished.
    Done(T),
    /// The bridge is stopping.
    Stopped,
    /// It took longer than allowed.
    TimedOut,
}

/// Runs `step` for at most `limit`, or until the bridge stops.
async fn until_stopped<T>(
    stop: &mut watch::Receiver<bool>,
    limit: Duration,
    step: impl std::future::Future<Output = T>,
) -> Step<T> {
    tokio::select! {
        done = tokio::time::timeout(limit, step) => done.map_or(Step::TimedOut, Step::Done),
        _ = stop.changed() => Step::Stopped,
    }
}

/// Opens TCP and TLS to the platform.
async fn open(shared: &Shared, who: &str) -> Result<TlsStream<TcpStream>, Close> {
    let tcp = TcpStream::connect((shared.host.as_str(), shared.port))
        .await
        .map_err(|e| Close::Unreachable(format!("{}:{}: {e}", shared.host, shared.port)))?;
    let _ = tcp.set_nodelay(true);
    shared
        .connector
        .connect(shared.name.clone(), tcp)
        .await
        .map_err(|e| failed(&e, shared, who, false))
}

/// The close for a failure of the platform's side, said in full on stderr
/// (with the flag that fixes it) before the shorter close reason.
fn failed(e: &io::Error, shared: &Shared, who: &str, answered: bool) -> Close {
    eprintln!(
        "{who}: {}",
        net::explain(e, &shared.host, Some(&shared.tls))
    );
    policy::classify(e, &shared.name.to_str(), answered)
}

async fn write_tls(tls: &mut TlsStream<TcpStream>, bytes: &[u8]) -> io::Result<()> {
    tls.write_all(bytes).await?;
    tls.flush().await
}

/// Appends the next binary message's bytes to `buf`: `Ok(true)` when some
/// came, `Ok(false)` when the client closed. A text message is refused.
async fn ws_read(ws: &mut WebSocketStream<TcpStream>, buf: &mut Vec<u8>) -> Result<bool, Close> {
    loop {
        match ws.next().await {
            None | Some(Ok(Message::Close(_))) => return Ok(false),
            Some(Ok(Message::Binary(b))) => {
                buf.extend_from_slice(&b);
                return Ok(true);
            }
            Some(Ok(Message::Text(_))) => return Err(Close::TextMessage),
            // Pings are answered by tungstenite.
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
            Some(Err(_)) => return Ok(false),
        }
    }
}
