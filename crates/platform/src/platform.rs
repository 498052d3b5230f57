//! Starting the local IoTDA: the data folder, the API's AK/SK and project
//! id (made on first start, kept in the folder), the registry, one HTTP
//! server on 127.0.0.1 for the management API, the platform CA certificate
//! and the built app, and the device access layer with the registry as its
//! directory.
//!
//! [`start`] is the one place the platform's parts are put together.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use crate::access::{self, AccessConfig, DeviceAccess};
use crate::api::{self, ApiState, PageSession};
use crate::app_files::{self, AppFilesError};
use crate::directory::Directory;
use crate::http_server::{self, Limits};
use crate::hub::{Hub, DEFAULT_COMMAND_TIMEOUT};
use crate::log::LogSink;
use crate::refusals::{Refusals, REFUSAL_LIMIT};
use crate::registry::{self, Registry, Source, SystemSource, DEFAULT_HISTORY_LIMIT};
use crate::signer::AkSk;

/// The API's port when none is given; the next free one is taken if busy.
pub const DEFAULT_API_PORT: u16 = 8080;
/// The registry's file in the data folder.
pub const REGISTRY_FILE: &str = "registry.sqlite";
/// The API credentials' file in the data folder.
pub const CREDENTIALS_FILE: &str = "api-credentials.json";
/// Where the running platform's API listens (`http://127.0.0.1:PORT`),
/// written at each start, for `iotda-kit platform product|device|ca`.
pub const API_URL_FILE: &str = "api-url";
/// Where the platform CA certificate is offered for download.
pub const PLATFORM_CA_PATH: &str = "/platform-ca.crt";
/// How many ports after a busy one are tried.
const PORT_TRIES: u16 = 20;

/// What `iotda-kit platform` was asked for.
#[derive(Debug, Clone)]
pub struct Config {
    /// The data folder (registry, credentials).
    pub data_dir: PathBuf,
    /// The API's port; 0 lets the system choose.
    pub api_port: u16,
    /// Accept unsigned API requests from loopback.
    pub no_auth: bool,
    /// The built app (trunk's `dist/`), served at `/` by the API's server,
    /// so the page and the API share one origin; `None` serves the API
    /// alone.
    pub app_dir: Option<PathBuf>,
    /// Device access (its listeners and broker); `None` runs the registry
    /// and the API only.
    pub access: Option<AccessConfig>,
    /// How many status events and how many messages are kept per device
    /// (the oldest are dropped first).
    pub history_limit: u32,
    /// How long a command waits for the device's answer before IoTDA's
    /// timeout error (IoTDA: 20 s; shorter values are a test aid).
    pub command_timeout: Duration,
}

impl Config {
    /// The registry and API on `api_port` of `data_dir`, signed requests
    /// only, no app, device access on IoTDA's ports with a supervised
    /// mosquitto.
    pub fn new(data_dir: PathBuf, api_port: u16) -> Self {
        Self {
            access: Some(AccessConfig::new(data_dir.clone())),
            data_dir,
            api_port,
            no_auth: false,
            app_dir: None,
            history_limit: DEFAULT_HISTORY_LIMIT,
            command_timeout: DEFAULT_COMMAND_TIMEOUT,
        }
    }
}

/// The AK/SK and project id applications use with the API. `Debug` elides
/// the secret key; it is overwritten with zeros when dropped.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// The access key id.
    pub ak: String,
    /// The secret access key.
    pub sk: String,
    /// The project id to put in paths (any is accepted).
    pub project_id: String,
}

impl Drop for Credentials {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.sk);
    }
}

impl zeroize::ZeroizeOnDrop for Credentials {}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("ak", &self.ak)
            .field("sk", &"[elided]")
            .field("project_id", &self.project_id)
            .finish()
    }
}

impl Credentials {
    /// As signing keys.
    pub fn keys(&self) -> AkSk {
        AkSk {
            ak: self.ak.clone(),
            sk: self.sk.clone(),
        }
    }
}

/// Why the platform could not start.
#[derive(Debug)]
pub enum StartError {
    /// The data folder could not be created or read.
    DataDir {
        /// The folder.
        path: PathBuf,
        /// Why.
        error: io::Error,
    },
    /// The data folder has no credentials yet. Likely cause: the platform
    /// never ran with this `--data`.
    CredentialsMissing {
        /// The file looked for.
        path: PathBuf,
    },
    /// The credentials file is unreadable or damaged.
    Credentials {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The registry could not be opened.
    Registry(registry::Error),
    /// The app's folder cannot be served.
    AppFiles(AppFilesError),
    /// Device access did not start.
    Access(access::Error),
    /// The platform's own session on the broker did not open.
    Session(String),
    /// No port could be bound.
    Bind {
        /// The first port tried.
        port: u16,
        /// Why.
        error: io::Error,
    },
    /// The server failed while running.
    Serve(io::Error),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DataDir { path, error } => {
                write!(f, "cannot use the data folder {}: {error}", path.display())
            }
            Self::CredentialsMissing { path } => write!(
                f,
                "no API credentials at {}: run `iotda-kit platform` with this --data once, or give --ak and --sk",
                path.display()
            ),
            Self::Credentials { path, reason } => write!(
                f,
                "cannot read the API credentials {}: {reason} (delete the file to make new ones)",
                path.display()
            ),
            Self::Registry(e) => write!(f, "{e}"),
            Self::AppFiles(e) => write!(f, "{e}"),
            Self::Access(e) => write!(f, "device access: {e}"),
            Self::Session(e) => write!(f, "device access: {e}"),
            Self::Bind { port, error } => write!(
                f,
                "cannot listen on 127.0.0.1:{port} or the {PORT_TRIES} ports after it: {error}; choose another --api-port"
            ),
            Self::Serve(e) => write!(f, "the API server failed: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// Draws `len` characters of `alphabet` uniformly (rejection sampling).
fn random_text(source: &dyn Source, alphabet: &[u8], len: usize) -> Option<String> {
    let limit = 256 - 256 % alphabet.len();
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let mut byte = [0u8; 1];
        if !source.fill(&mut byte) {
            return None;
        }
        if usize::from(byte[0]) < limit {
            out.push(char::from(alphabet[usize::from(byte[0]) % alphabet.len()]));
        }
    }
    Some(out)
}

/// Reads the credentials kept in `data_dir`.
pub fn read_credentials(data_dir: &Path) -> Result<Credentials, StartError> {
    let path = data_dir.join(CREDENTIALS_FILE);
    let text = std::fs::read(&path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => StartError::CredentialsMissing { path: path.clone() },
        _ => StartError::Credentials {
            path: path.clone(),
            reason: e.to_string(),
        },
    })?;
    serde_json::from_slice(&text).map_err(|e| StartError::Credentials {
        path,
        reason: e.to_string(),
    })
}

/// Reads the credentials kept in `data_dir`, or makes and keeps new ones
/// (AK: 20 of `A-Z0-9`, SK: 40 of `A-Za-z0-9`, as Huawei's look; project
/// id: 32 hex digits), readable by the owner only.
pub fn load_or_create_credentials(
    data_dir: &Path,
    source: &dyn Source,
) -> Result<Credentials, StartError> {
    let path = data_dir.join(CREDENTIALS_FILE);
    if path.exists() {
        return read_credentials(data_dir);
    }
    const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const MIXED: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const HEX: &[u8] = b"0123456789abcdef";
    let no_random = || StartError::Credentials {
        path: path.clone(),
        reason: "the operating system gave no random bytes".into(),
    };
    let credentials = Credentials {
        ak: random_text(source, UPPER, 20).ok_or_else(no_random)?,
        sk: random_text(source, MIXED, 40).ok_or_else(no_random)?,
        project_id: random_text(source, HEX, 32).ok_or_else(no_random)?,
    };
    let json = serde_json::to_vec_pretty(&credentials).map_err(|e| StartError::Credentials {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    let partial = data_dir.join(format!("{CREDENTIALS_FILE}.partial"));
    write_private(&partial, &json)
        .and_then(|()| std::fs::rename(&partial, &path))
        .map_err(|error| StartError::DataDir {
            path: data_dir.to_path_buf(),
            error,
        })?;
    Ok(credentials)
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The platform's HTTP app: the management API, the platform CA
/// certificate (when device access made one) and, for every other path,
/// the built app in `app_dir`.
pub fn app(
    state: ApiState,
    platform_ca: Option<&Path>,
    app_dir: Option<&Path>,
    packages: Option<SocketAddr>,
) -> Result<Router, StartError> {
    let mut router = api::router(state).route(
        "/v5/{*rest}",
        axum::routing::any(|uri: axum::http::Uri| async move {
            api::ApiError::no_such_operation(uri.path())
        }),
    );
    if let Some(ca) = platform_ca {
        let pem = std::fs::read(ca).map_err(|error| StartError::DataDir {
            path: ca.to_path_buf(),
            error,
        })?;
        router = router.route(
            PLATFORM_CA_PATH,
            axum::routing::get(move || {
                let pem = pem.clone();
                async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/x-pem-file")],
                        pem,
                    )
                }
            }),
        );
    }
    if let Some(dir) = app_dir {
        // The simulator's worker downloads upgrade packages from there.
        let connect = packages
            .map(|a| format!("https://{a}"))
            .into_iter()
            .collect();
        router = router.fallback_service(
            app_files::router_connecting(dir, connect).map_err(StartError::AppFiles)?,
        );
    }
    Ok(router)
}

/// Binds 127.0.0.1:`port`, or the next free port after it.
async fn bind(port: u16) -> Result<TcpListener, StartError> {
    let mut last = None;
    let tries = if port == 0 { 1 } else { PORT_TRIES + 1 };
    for offset in 0..tries {
        let Some(p) = port.checked_add(offset) else {
            break;
        };
        match TcpListener::bind((Ipv4Addr::LOCALHOST, p)).await {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => last = Some(e),
            Err(error) => return Err(StartError::Bind { port, error }),
        }
    }
    Err(StartError::Bind {
        port,
        error: last.unwrap_or_else(|| io::Error::from(io::ErrorKind::AddrInUse)),
    })
}

/// A started platform.
#[derive(Debug)]
pub struct Running {
    /// Where the API (and the app, when served) listens.
    pub api_addr: SocketAddr,
    /// Whether the app is served at `/`.
    pub serves_app: bool,
    /// Device access, when started.
    pub access: Option<access::Running>,
    /// The API's AK/SK and project id.
    pub credentials: Credentials,
    /// The data folder.
    pub data_dir: PathBuf,
    /// The registry.
    pub registry: Arc<Registry>,
    /// The application side (device access takes it as its `Directory`).
    pub hub: Arc<Hub>,
    /// Where upgrade packages are served over HTTPS (with device access).
    pub ota_addr: Option<SocketAddr>,
    shutdown: oneshot::Sender<()>,
    link: Option<(watch::Sender<bool>, JoinHandle<()>)>,
    server: JoinHandle<io::Result<()>>,
    ota: Option<(oneshot::Sender<()>, JoinHandle<io::Result<()>>)>,
}

impl Running {
    /// The lines `iotda-kit platform` prints at start: every URL on a line
    /// of its own, then what each is, the keys and the folders.
    pub fn banner(&self) -> Vec<String> {
        let http = format!("http://{}", self.api_addr);
        let mut lines = vec![http.clone()];
        let urls = self.access.as_ref().map(|a| &a.urls);
        lines.extend(urls.iter().flat_map(|u| {
            [&u.mqtt, &u.mqtts, &u.ws, &u.wss]
                .into_iter()
                .flatten()
                .cloned()
        }));
        if self.serves_app {
            lines.push(format!("app: {http}/"));
        }
        if let Some(ota) = self.ota_addr {
            lines.push(format!(
                "upgrade packages: https://{ota}/kit/ota/packages/..."
            ));
        }
        lines.push(format!(
            "API: {http}/v5/iotda/projects/{}/...",
            self.credentials.project_id
        ));
        if let Some(ca) = self.access.as_ref().and_then(|a| a.platform_ca.as_ref()) {
            lines.push(format!(
                "platform CA: {} (also {http}{PLATFORM_CA_PATH})",
                ca.display()
            ));
        }
        lines.extend([
            format!("AK: {}", self.credentials.ak),
            format!("SK: {}", self.credentials.sk),
            format!("project id: {}", self.credentials.project_id),
            format!("data: {}", self.data_dir.display()),
        ]);
        lines
    }

    /// Stops accepting, finishes the requests in flight, closes the
    /// devices' connections, stops a supervised broker and returns.
    pub async fn stop(self) -> Result<(), StartError> {
        // The server may have ended already; then its result says why.
        let _ = self.shutdown.send(());
        if let Some((stop, task)) = self.ota {
            let _ = stop.send(());
            let _ = task.await;
        }
        if let Some((stop, task)) = self.link {
            let _ = stop.send(true);
            let _ = task.await;
        }
        if let Some(access) = self.access {
            access.shutdown().await;
        }
        match self.server.await {
            Ok(result) => result.map_err(StartError::Serve),
            Err(e) => Err(StartError::Serve(io::Error::other(e.to_string()))),
        }
    }
}

/// Opens the data folder and the registry, starts device access (with the
/// registry as its directory) and the HTTP server. `log` receives the
/// device side's events.
pub async fn start(config: Config, log: LogSink) -> Result<Running, StartError> {
    let data_dir = config.data_dir;
    let dir_error = |error| StartError::DataDir {
        path: data_dir.clone(),
        error,
    };
    if !data_dir.exists() {
        std::fs::create_dir_all(&data_dir).map_err(dir_error)?;
        // The registry holds device secrets: a new folder is the owner's
        // only.
        #[cfg(unix)]
        std::fs::set_permissions(
            &data_dir,
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .map_err(dir_error)?;
    }
    let source: Arc<dyn Source> = Arc::new(SystemSource);
    let refusals = Arc::new(Refusals::new(REFUSAL_LIMIT));
    let log = refusals.tap(log, source.clone());
    let credentials = load_or_create_credentials(&data_dir, source.as_ref())?;
    let registry = Arc::new(
        Registry::open(&data_dir.join(REGISTRY_FILE), source.clone())
            .map_err(StartError::Registry)?,
    );
    registry.set_history_limit(config.history_limit);
    let hub = Hub::new(registry.clone(), log.clone(), config.command_timeout);
    let page_token = random_text(source.as_ref(), b"0123456789abcdef", 64).ok_or_else(|| {
        StartError::Credentials {
            path: data_dir.clone(),
            reason: "the operating system gave no random bytes".into(),
        }
    })?;
    let mut state = ApiState {
        hub: hub.clone(),
        registry: registry.clone(),
        keys: credentials.keys(),
        no_auth: config.no_auth,
        page: PageSession::new(page_token, credentials.project_id.clone()),
        source,
        refusals,
    };
    let listener = bind(config.api_port).await?;
    let api_addr = listener.local_addr().map_err(StartError::Serve)?;
    let access = match config.access {
        Some(access) => {
            let directory: Arc<dyn Directory> = hub.clone();
            Some(
                DeviceAccess::start(access, directory, log)
                    .await
                    .map_err(StartError::Access)?,
            )
        }
        None => None,
    };
    let link = match &access {
        Some(a) => {
            let (stop, stopped) = watch::channel(false);
            match hub.start_link(a.broker().endpoint().clone(), stopped).await {
                Ok(task) => Some((stop, task)),
                Err(e) => {
                    if let Some(access) = access {
                        access.shutdown().await;
                    }
                    return Err(StartError::Session(e));
                }
            }
        }
        None => None,
    };
    let platform_ca = access.as_ref().and_then(|a| a.platform_ca.clone());
    let urls = access.as_ref().map(|a| &a.urls);
    let ca_file = platform_ca.as_deref().and_then(Path::to_str);
    state.page = state
        .page
        .with_websockets(
            urls.and_then(|u| u.ws.as_deref()),
            urls.and_then(|u| u.wss.as_deref()),
        )
        .with_mqtts(urls.and_then(|u| u.mqtts.as_deref()), ca_file);
    let ota = match &access {
        Some(_) => {
            let pages = page_origins(api_addr, config.app_dir.is_some());
            Some(start_ota(&data_dir, &hub, pages).await?)
        }
        None => None,
    };
    let ota_addr = ota.as_ref().map(|o| o.0);
    let router = match app(
        state,
        platform_ca.as_deref(),
        config.app_dir.as_deref(),
        ota_addr,
    ) {
        Ok(router) => router,
        Err(e) => {
            if let Some((_, stop, task)) = ota {
                let _ = stop.send(());
                let _ = task.await;
            }
            if let Some((stop, task)) = link {
                let _ = stop.send(true);
                let _ = task.await;
            }
            if let Some(access) = access {
                access.shutdown().await;
            }
            return Err(e);
        }
    };
    std::fs::write(data_dir.join(API_URL_FILE), format!("http://{api_addr}\n"))
        .map_err(dir_error)?;
    let (shutdown, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(http_server::serve(
        listener,
        router,
        Limits::default(),
        async {
            let _ = stopped.await;
        },
    ));
    Ok(Running {
        api_addr,
        serves_app: config.app_dir.is_some(),
        access,
        credentials,
        data_dir,
        registry,
        hub,
        ota_addr: ota.as_ref().map(|o| o.0),
        shutdown,
        link,
        server,
        ota: ota.map(|(_, stop, task)| (stop, task)),
    })
}

/// The origins of the page this platform serves (none when it serves
/// none): `http://{api_addr}`, and on a loopback address also
/// `http://localhost:{port}`, the two ways the banner's URL is opened.
fn page_origins(api_addr: SocketAddr, serves_app: bool) -> Vec<String> {
    if !serves_app {
        return Vec::new();
    }
    let mut origins = vec![format!("http://{api_addr}")];
    if api_addr.ip().is_loopback() {
        origins.push(format!("http://localhost:{}", api_addr.port()));
    }
    origins
}

/// Starts the HTTPS server of upgrade packages on a free loopback port,
/// with the platform's TLS identity (the CA devices trust for MQTTS).
async fn start_ota(
    data_dir: &Path,
    hub: &Arc<Hub>,
    page_origins: Vec<String>,
) -> Result<(SocketAddr, oneshot::Sender<()>, JoinHandle<io::Result<()>>), StartError> {
    let tls = crate::tls::PlatformTls::load_or_create(data_dir)
        .map_err(|e| StartError::Access(access::Error::Tls(e)))?;
    let listener = bind(0).await?;
    let addr = listener.local_addr().map_err(StartError::Serve)?;
    hub.set_ota_base(format!("https://{addr}"));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(http_server::serve_tls(
        listener,
        api::package_router(hub.registry().clone(), page_origins.clone()),
        Limits::default(),
        tokio_rustls::TlsAcceptor::from(tls.server_config),
        page_origins,
        async {
            let _ = stopped.await;
        },
    ));
    Ok((addr, stop, task))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_server_allows_only_the_page_the_platform_serves() {
        let loopback: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        assert_eq!(
            page_origins(loopback, true),
            ["http://127.0.0.1:8080", "http://localhost:8080"]
        );
        let lan: SocketAddr = "192.168.1.5:8080".parse().unwrap();
        assert_eq!(page_origins(lan, true), ["http://192.168.1.5:8080"]);
        assert!(page_origins(loopback, false).is_empty());
    }

    #[test]
    fn debug_of_the_api_credentials_elides_the_secret_key() {
        let credentials = Credentials {
            ak: "AKVALUE".into(),
            sk: "SKSECRETVALUE".into(),
            project_id: "local".into(),
        };
        for shown in [
            format!("{credentials:?}"),
            format!("{:?}", credentials.keys()),
        ] {
            assert!(!shown.contains("SKSECRETVALUE"), "{shown}");
            assert!(
                shown.contains("AKVALUE") && shown.contains("[elided]"),
                "{shown}"
            );
        }
    }

    #[test]
    fn secrets_are_zeroed_on_drop() {
        fn zeroed_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        zeroed_on_drop::<Credentials>();
        zeroed_on_drop::<crate::signer::AkSk>();
        zeroed_on_drop::<crate::directory::DeviceSecret>();
    }
}
