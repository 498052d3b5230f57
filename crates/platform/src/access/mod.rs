//! Device access: the listeners devices connect to, in front of the broker.
//!
//! ```text
//! mqtt://127.0.0.1:P   MQTT over TCP                      \
//! mqtts://127.0.0.1:P  MQTT over TLS, client cert optional  \  decide (IoTDA auth,
//! ws://127.0.0.1:P/mqtt   MQTT over WebSocket              /   ACL, limits) -> broker
//! wss://127.0.0.1:P/mqtt  MQTT over secure WebSocket      /
//! ```
//!
//! Each listener binds the port asked for, or the next free one when it is
//! taken (0: any free port). [`DeviceAccess::start`] starts the broker (a
//! supervised mosquitto unless an external one is given), loads or makes
//! the platform's TLS certificates, binds the listeners and returns a
//! [`Running`] with their URLs; [`Running::shutdown`] closes the listeners
//! and every connection and stops the broker.
//!
//! This module moves bytes and reads the clock; every decision is made by
//! [`crate::decide`].

mod connection;
mod stream;

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};

use crate::broker::{self, Broker, BrokerChoice, BrokerEndpoint};
use crate::decide::{ConnectionId, Sessions, Transport};
use crate::directory::{DeviceStatus, Directory, StatusChange, StatusReason};
use crate::log::{Event, LogSink};
use crate::tls::{self, PlatformTls};
use connection::{Closer, Origin};
use stream::DeviceStream;

/// How many ports above a busy one are tried.
const PORT_SEARCH: u16 = 100;
/// How long shutdown waits for connections to end before dropping them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);
/// The WebSocket path, as IoTDA's.
pub const WS_PATH: &str = "/mqtt";

/// What to start. A port of `None` leaves that listener off; `Some(0)`
/// takes any free port.
#[derive(Debug, Clone)]
pub struct AccessConfig {
    /// The data folder (TLS certificates, mosquitto's files).
    pub data_dir: PathBuf,
    /// Which broker to use.
    pub broker: BrokerChoice,
    /// MQTT over TCP (IoTDA: 1883).
    pub mqtt_port: Option<u16>,
    /// MQTT over TLS (IoTDA: 8883).
    pub mqtts_port: Option<u16>,
    /// MQTT over plain WebSocket, for the page in the browser.
    pub ws_port: Option<u16>,
    /// MQTT over secure WebSocket (IoTDA: 443).
    pub wss_port: Option<u16>,
    /// How long a connection has to complete its CONNECT (and TLS and
    /// WebSocket handshakes).
    pub connect_timeout: Duration,
}

impl AccessConfig {
    /// IoTDA's ports (1883, 8883, 443 → 8443 as 443 needs root, and 8083
    /// for plain WebSocket), a supervised mosquitto, 10 s to connect.
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            broker: BrokerChoice::Supervised {
                data_dir: data_dir.clone(),
            },
            data_dir,
            mqtt_port: Some(1883),
            mqtts_port: Some(8883),
            ws_port: Some(8083),
            wss_port: Some(8443),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// Why device access could not start.
#[derive(Debug)]
pub enum Error {
    /// The broker did not start.
    Broker(broker::Error),
    /// The TLS certificates could not be made or loaded.
    Tls(tls::Error),
    /// No port could be bound.
    Bind {
        /// The listener.
        listener: &'static str,
        /// The port asked for.
        port: u16,
        /// The last OS error.
        error: std::io::Error,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Broker(e) => e.fmt(f),
            Self::Tls(e) => e.fmt(f),
            Self::Bind {
                listener,
                port,
                error,
            } => write!(
                f,
                "the {listener} listener could not bind 127.0.0.1:{port} or the {PORT_SEARCH} ports above it: {error}; choose another port"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// The URLs devices connect to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Urls {
    /// `mqtt://127.0.0.1:P`.
    pub mqtt: Option<String>,
    /// `mqtts://127.0.0.1:P`.
    pub mqtts: Option<String>,
    /// `ws://127.0.0.1:P/mqtt`.
    pub ws: Option<String>,
    /// `wss://127.0.0.1:P/mqtt`.
    pub wss: Option<String>,
}

/// What every connection shares.
pub(crate) struct Shared {
    pub(crate) directory: Arc<dyn Directory>,
    pub(crate) log: LogSink,
    pub(crate) broker: BrokerEndpoint,
    pub(crate) connect_timeout: Duration,
    pub(crate) shutdown: watch::Receiver<bool>,
    sessions: Mutex<(Sessions, HashMap<ConnectionId, oneshot::Sender<Closer>>)>,
    next_id: AtomicU64,
}

impl Shared {
    /// Makes `device_id`'s new connection its current one, closing the one
    /// it takes over. Returns the new connection's id, the receiver that
    /// tells it when it is taken over in turn, and whether it took over.
    pub(crate) fn register(
        &self,
        device_id: &str,
    ) -> (ConnectionId, oneshot::Receiver<Closer>, bool) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        let mut guard = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        let (sessions, closers) = &mut *guard;
        let old = sessions.connect(device_id, id);
        if let Some(old) = old {
            if let Some(close) = closers.remove(&old) {
                let _ = close.send(Closer::TakenOver);
            }
        }
        closers.insert(id, tx);
        (id, rx, old.is_some())
    }

    /// Runs `ask` on the directory on a blocking thread (the registry may
    /// wait on its database); `Err` if it panicked.
    pub(crate) async fn registry<T: Send + 'static>(
        &self,
        ask: impl FnOnce(&dyn Directory) -> T + Send + 'static,
    ) -> Result<T, String> {
        let directory = self.directory.clone();
        tokio::task::spawn_blocking(move || ask(directory.as_ref()))
            .await
            .map_err(|e| format!("the registry call failed: {e}"))
    }

    /// Records a device's status now, with why; a failure is logged.
    pub(crate) async fn set_status(
        &self,
        device_id: &str,
        status: DeviceStatus,
        reason: StatusReason,
        detail: String,
    ) {
        let id = device_id.to_string();
        let change = StatusChange {
            status,
            reason,
            detail,
            at: connection::now(),
        };
        let result = self
            .registry(move |d| d.set_status(&id, &change).map_err(|e| e.to_string()))
            .await
            .and_then(|r| r);
        if let Err(error) = result {
            (self.log)(Event::RegistryError {
                what: format!("mark {device_id:?} {}", status.as_str()),
                error,
            });
        }
    }

    /// Forgets a connection; true if it was its device's current one.
    pub(crate) fn unregister(&self, device_id: &str, id: ConnectionId) -> bool {
        let mut guard = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        let (sessions, closers) = &mut *guard;
        closers.remove(&id);
        sessions.disconnect(device_id, id)
    }
}

/// The device side's entry point.
pub struct DeviceAccess;

impl DeviceAccess {
    /// Starts the broker and the listeners.
    pub async fn start(
        config: AccessConfig,
        directory: Arc<dyn Directory>,
        log: LogSink,
    ) -> Result<Running, Error> {
        let tls = if config.mqtts_port.is_some() || config.wss_port.is_some() {
            Some(PlatformTls::load_or_create(&config.data_dir).map_err(Error::Tls)?)
        } else {
            None
        };
        let broker = Broker::start(config.broker.clone(), log.clone())
            .await
            .map_err(Error::Broker)?;
        let (stop, shutdown) = watch::channel(false);
        let shared = Arc::new(Shared {
            directory,
            log: log.clone(),
            broker: broker.endpoint().clone(),
            connect_timeout: config.connect_timeout,
            shutdown,
            sessions: Mutex::new((Sessions::new(), HashMap::new())),
            next_id: AtomicU64::new(1),
        });
        let acceptor = tls
            .as_ref()
            .map(|t| TlsAcceptor::from(t.server_config.clone()));
        let mut urls = Urls::default();
        let mut tasks = JoinSet::new();
        let kinds = [
            (Kind::Mqtt, config.mqtt_port),
            (Kind::Mqtts, config.mqtts_port),
            (Kind::Ws, config.ws_port),
            (Kind::Wss, config.wss_port),
        ];
        for (kind, port) in kinds {
            let Some(port) = port else { continue };
            let listener = match bind(kind, port).await {
                Ok(l) => l,
                Err(e) => {
                    let _ = stop.send(true);
                    broker.shutdown().await;
                    return Err(e);
                }
            };
            let addr = listener.local_addr().map_err(|error| Error::Bind {
                listener: kind.scheme(),
                port,
                error,
            })?;
            let url = kind.url(addr);
            log(Event::Listening { url: url.clone() });
            *match kind {
                Kind::Mqtt => &mut urls.mqtt,
                Kind::Mqtts => &mut urls.mqtts,
                Kind::Ws => &mut urls.ws,
                Kind::Wss => &mut urls.wss,
            } = Some(url);
            tasks.spawn(accept_loop(
                kind,
                listener,
                shared.clone(),
                acceptor.clone(),
            ));
        }
        Ok(Running {
            urls,
            platform_ca: tls.map(|t| t.ca_path),
            broker,
            stop,
            tasks,
        })
    }
}

/// Device access running.
pub struct Running {
    /// Where devices connect.
    pub urls: Urls,
    /// The platform CA certificate's file, when a TLS listener is on.
    pub platform_ca: Option<PathBuf>,
    broker: Broker,
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

impl fmt::Debug for Running {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Running")
            .field("urls", &self.urls)
            .field("platform_ca", &self.platform_ca)
            .field("broker", &self.broker)
            .finish()
    }
}

impl Running {
    /// The broker behind the listeners.
    pub fn broker(&self) -> &Broker {
        &self.broker
    }

    /// Closes the listeners and every device connection (a 5.0 device gets
    /// DISCONNECT 0x8B first), then stops a supervised broker.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        while self.tasks.join_next().await.is_some() {}
        self.broker.shutdown().await;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Mqtt,
    Mqtts,
    Ws,
    Wss,
}

impl Kind {
    fn scheme(self) -> &'static str {
        match self {
            Self::Mqtt => "mqtt",
            Self::Mqtts => "mqtts",
            Self::Ws => "ws",
            Self::Wss => "wss",
        }
    }

    fn url(self, addr: SocketAddr) -> String {
        match self {
            Self::Mqtt | Self::Mqtts => format!("{}://{addr}", self.scheme()),
            Self::Ws | Self::Wss => format!("{}://{addr}{WS_PATH}", self.scheme()),
        }
    }

    fn transport(self) -> Transport {
        match self {
            Self::Mqtt | Self::Ws => Transport::Plain,
            Self::Mqtts | Self::Wss => Transport::Tls,
        }
    }
}

/// Binds 127.0.0.1:`port`, or the next free port above it.
async fn bind(kind: Kind, port: u16) -> Result<TcpListener, Error> {
    let mut last = None;
    for p in (0..PORT_SEARCH).map_while(|i| port.checked_add(i)) {
        match TcpListener::bind(("127.0.0.1", p)).await {
            Ok(l) => return Ok(l),
            Err(e) => last = Some(e),
        }
        if port == 0 {
            break;
        }
    }
    Err(Error::Bind {
        listener: kind.scheme(),
        port,
        error: last.unwrap_or_else(|| std::io::Error::other("no port in range")),
    })
}

/// Accepts connections until shutdown; each is served by its own task,
/// and shutdown waits for all of them.
async fn accept_loop(
    kind: Kind,
    listener: TcpListener,
    shared: Arc<Shared>,
    acceptor: Option<TlsAcceptor>,
) {
    let mut shutdown = shared.shutdown.clone();
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((tcp, peer)) = accepted else { continue };
                let _ = tcp.set_nodelay(true);
                connections.spawn(handle(kind, tcp, peer, shared.clone(), acceptor.clone()));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
    drop(listener);
    // Relaying connections end at once (an MQTT 5 device gets DISCONNECT
    // 0x8B); one still in its handshake or CONNECT is not waited for.
    let drain = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(SHUTDOWN_GRACE, drain).await.is_err() {
        connections.abort_all();
        while connections.join_next().await.is_some() {}
    }
}

/// Completes the transport's handshakes (bounded by the connect timeout)
/// and serves the connection.
async fn handle(
    kind: Kind,
    tcp: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<TlsAcceptor>,
) {
    let handshake = async {
        match (kind, acceptor) {
            (Kind::Mqtt, _) => Ok((DeviceStream::Tcp(tcp), Vec::new())),
            (Kind::Ws, _) => ws_accept(tcp)
                .await
                .map(|ws| (DeviceStream::Ws(Box::new(ws)), Vec::new())),
            (Kind::Mqtts, Some(acceptor)) => {
                let tls = acceptor
                    .accept(tcp)
                    .await
                    .map_err(|e| format!("TLS handshake failed: {e}"))?;
                let chain = client_chain(&tls);
                Ok((DeviceStream::Tls(Box::new(tls)), chain))
            }
            (Kind::Wss, Some(acceptor)) => {
                let tls = acceptor
                    .accept(tcp)
                    .await
                    .map_err(|e| format!("TLS handshake failed: {e}"))?;
                let chain = client_chain(&tls);
                let ws = ws_accept(tls).await?;
                Ok((DeviceStream::Wss(Box::new(ws)), chain))
            }
            (Kind::Mqtts | Kind::Wss, None) => Err("no TLS configuration".to_string()),
        }
    };
    let dropped = |why: String| {
        (shared.log)(Event::Dropped {
            listener: kind.scheme(),
            peer,
            why,
        })
    };
    match tokio::time::timeout(shared.connect_timeout, handshake).await {
        Ok(Ok((device, client_chain))) => {
            let origin = Origin {
                listener: kind.scheme(),
                peer,
                transport: kind.transport(),
                client_chain,
            };
            connection::serve(device, origin, shared.clone()).await;
        }
        Ok(Err(why)) => dropped(why),
        Err(_) => dropped(format!(
            "handshake not completed within {} s",
            shared.connect_timeout.as_secs_f32()
        )),
    }
}

fn client_chain(tls: &tokio_rustls::server::TlsStream<TcpStream>) -> Vec<Vec<u8>> {
    tls.get_ref()
        .1
        .peer_certificates()
        .map(|certs| certs.iter().map(|c| c.as_ref().to_vec()).collect())
        .unwrap_or_default()
}

/// The WebSocket handshake: path `/mqtt` only, subprotocol `mqtt` when the
/// client offers it.
async fn ws_accept<S>(stream: S) -> Result<tokio_tungstenite::WebSocketStream<S>, String>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    #[allow(clippy::result_large_err)] // the callback's type is tungstenite's
    let check = |request: &Request, mut response: Response| -> Result<Response, ErrorResponse> {
        if request.uri().path() != WS_PATH {
            let mut refusal = ErrorResponse::new(Some(format!(
                "MQTT over WebSocket is served at {WS_PATH}\n"
            )));
            *refusal.status_mut() = StatusCode::NOT_FOUND;
            return Err(refusal);
        }
        let offers_mqtt = request
            .headers()
            .get_all("Sec-WebSocket-Protocol")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|p| p.trim().eq_ignore_ascii_case("mqtt"));
        if offers_mqtt {
            response
                .headers_mut()
                .insert("Sec-WebSocket-Protocol", HeaderValue::from_static("mqtt"));
        }
        Ok(response)
    };
    tokio_tungstenite::accept_hdr_async(stream, check)
        .await
        .map_err(|e| format!("WebSocket handshake failed: {e}"))
}
