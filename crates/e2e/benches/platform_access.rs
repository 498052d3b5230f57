//! `cargo bench -p iotda-kit-e2e --bench platform_access`: the local IoTDA's
//! device access layer against the mosquitto behind it, with the same client
//! code (the core's MQTT codec over tokio, rustls for TLS) in the same run.
//!
//! The platform runs as `iotda_platform::platform::start` in a child
//! process (this bench's own binary, started with [`HOST_ENV`]), so its
//! memory is measured alone; it prints its listeners and the broker behind
//! it (`access::Running::broker()`: address, the platform's credentials,
//! mosquitto's pid) and stops when its stdin closes. Measured, each beside
//! the peer:
//!
//! - connections a second, N devices connecting 32 at a time and held open:
//!   secret devices over MQTT, and certificate devices over MQTTS (client
//!   certificates from the core's PKI, their CA uploaded and verified in the
//!   registry). The peer for secrets is the supervised mosquitto itself (its
//!   password file); for certificates, a second mosquitto with the
//!   supervised one's settings plus a TLS listener requiring client
//!   certificates of that CA, with the platform's server certificate;
//! - a QoS 1 stream, one publisher and one subscriber: messages a second
//!   (a window of 32 unacknowledged) and the latency of a publish to its
//!   delivery, one at a time (p50, p99), for a device's uplink (device →
//!   access → broker → application) and downlink (application → broker →
//!   access → device), against both ends straight on the broker;
//! - memory: the resident set of the platform process, and of mosquitto,
//!   per 1,000 idle secret devices, holding 10,000 (fewer if the open-file
//!   limit does not allow it; the row says so).
//!
//! It asserts nothing about speed; it fails only if it cannot measure (the
//! platform or mosquitto does not start, a connection is refused, a message
//! is lost). Records the part `platform_access` of the bench table.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use iotda_core::credentials::{Credentials, SignType, Timestamp};
use iotda_core::mqtt::{
    self, Connect, ConnectReasonCode, Packet, Pid, ProtocolVersion, PubAck, Publish, QoS, QosPid,
    Subscribe, Subscription, TopicFilter, TopicName,
};
use iotda_core::pki::batch::issue_device;
use iotda_core::pki::{
    create_ca, create_verification_cert, KeyType, PrivateKey, Subject, Validity,
};
use iotda_kit_e2e::bench::{millis, print_and_record, thousands, Row};
use iotda_platform::access::AccessConfig;
use iotda_platform::broker::{BrokerChoice, BrokerEndpoint};
use iotda_platform::log::LogSink;
use iotda_platform::platform::{self, Config, REGISTRY_FILE};
use iotda_platform::registry::{AuthType, NewDevice, NewProduct, Registry, SystemSource};
use iotda_testkit::{chmod, free_port, wait_for_port, BrokerConfig, Mosquitto, Scratch};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, Semaphore};
use tokio_rustls::TlsConnector;

const SECTION: &str = "Platform";
/// Set to a data folder, the bench's binary hosts the platform instead.
const HOST_ENV: &str = "IOTDA_BENCH_PLATFORM_HOST";
/// With [`HOST_ENV`]: the platform uses this broker (`--broker`'s URL)
/// instead of starting its own mosquitto.
const BROKER_ENV: &str = "IOTDA_BENCH_PLATFORM_BROKER";
/// Connections opened at a time.
const CONCURRENCY: usize = 32;
/// QoS 1 PUBLISHes unacknowledged at a time in the throughput stream.
const WINDOW: usize = 32;
/// A stream message: a 100-byte payload, the first 8 bytes its send time.
const PAYLOAD: usize = 100;
/// The idle connections the issue asks to hold.
const IDLE_GOAL: usize = 10_000;
/// Keep-alive of every client: IoTDA's largest, so that idle devices send
/// nothing while held.
const KEEP_ALIVE: u16 = 1200;
const PRODUCT: &str = "benchprod";

/// Why a measurement could not be taken.
type Failed = String;

fn fail<E: std::fmt::Display>(what: &str) -> impl Fn(E) -> Failed + '_ {
    move |e| format!("{what}: {e}")
}

/// What the platform host tells the bench.
#[derive(Debug, Serialize, Deserialize)]
struct Hosted {
    pid: u32,
    mqtt: SocketAddr,
    mqtts: SocketAddr,
    broker: SocketAddr,
    broker_user: String,
    broker_password: String,
    mosquitto_pid: u32,
}

/// The `host:port` of a listener URL (`mqtt://127.0.0.1:P`).
fn addr_of(url: Option<&String>) -> Result<SocketAddr, Failed> {
    let url = url.ok_or("a listener is off")?;
    let hostport = url.split("://").nth(1).ok_or("no scheme")?;
    hostport
        .trim_end_matches('/')
        .parse()
        .map_err(fail("listener address"))
}

/// The child: starts the platform on free ports, prints [`Hosted`] as one
/// JSON line and serves until stdin closes.
fn host(data: PathBuf) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("platform host: no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let served = runtime.block_on(async {
        let mut config = Config::new(data.clone(), 0);
        let mut access = AccessConfig::new(data);
        access.mqtt_port = Some(0);
        access.mqtts_port = Some(0);
        access.ws_port = None;
        access.wss_port = None;
        if let Some(url) = std::env::var_os(BROKER_ENV) {
            let url = url.to_string_lossy();
            access.broker =
                BrokerChoice::External(BrokerEndpoint::parse(&url).map_err(fail("broker URL"))?);
        }
        config.access = Some(access);
        // The CLI prints each event; the bench measures the platform, not
        // a terminal, so they are dropped.
        let log: LogSink = Arc::new(|_| {});
        let running = platform::start(config, log)
            .await
            .map_err(fail("the platform did not start"))?;
        let access = running.access.as_ref().ok_or("no device access")?;
        let endpoint = access.broker().endpoint();
        let hosted = Hosted {
            pid: std::process::id(),
            mqtt: addr_of(access.urls.mqtt.as_ref())?,
            mqtts: addr_of(access.urls.mqtts.as_ref())?,
            broker: endpoint.addr.parse().map_err(fail("broker address"))?,
            broker_user: endpoint.username.clone().unwrap_or_default(),
            broker_password: endpoint.password.clone().unwrap_or_default(),
            mosquitto_pid: access.broker().pid().unwrap_or(0),
        };
        println!(
            "{}",
            serde_json::to_string(&hosted).map_err(fail("host line"))?
        );
        // Serve until the bench closes stdin (or dies).
        let _ = tokio::task::spawn_blocking(|| std::io::stdin().read_to_end(&mut Vec::new())).await;
        running.stop().await.map_err(fail("stop"))
    });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("platform host: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The platform host process, stopped (stdin closed, then waited for) on
/// drop.
struct PlatformProcess {
    child: Child,
    hosted: Hosted,
}

impl PlatformProcess {
    /// Starts the platform on `data`, with its own mosquitto or, given,
    /// the broker at `broker` (`mqtt://host:port`).
    fn start(data: &Path, broker: Option<&str>) -> Result<Self, Failed> {
        let exe = std::env::current_exe().map_err(fail("the bench's own binary"))?;
        let mut command = Command::new(exe);
        if let Some(url) = broker {
            command.env(BROKER_ENV, url);
        }
        let mut child = command
            .env(HOST_ENV, data)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(fail("start the platform host"))?;
        let stdout = child.stdout.take().ok_or("no stdout of the host")?;
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line);
        let hosted = read
            .map_err(fail("read the host's line"))
            .and_then(|_| serde_json::from_str(&line).map_err(fail("the host's line")));
        match hosted {
            Ok(hosted) => Ok(Self { child, hosted }),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(e)
            }
        }
    }
}

impl Drop for PlatformProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// A mosquitto with the supervised one's settings and a TLS listener that
/// requires client certificates of `cafile`; killed on drop.
struct TlsMosquitto {
    child: Child,
    addr: SocketAddr,
    _dir: Scratch,
}

impl TlsMosquitto {
    fn start(cafile: &Path, tls_dir: &Path) -> Result<Self, Failed> {
        let dir = Scratch::new("bench-tls-mosquitto");
        let db = dir.join("db");
        std::fs::create_dir_all(&db).map_err(fail("mosquitto's folder"))?;
        chmod(&db, 0o777);
        // mosquitto started by root drops to its own user: it must read
        // the key, so it gets a copy it can read.
        let mut files = Vec::new();
        for (from, to) in [
            (cafile.to_path_buf(), "device-ca.crt"),
            (tls_dir.join("server.crt"), "server.crt"),
            (tls_dir.join("server.key"), "server.key"),
        ] {
            let path = dir.join(to);
            std::fs::copy(&from, &path).map_err(fail("copy a certificate for mosquitto"))?;
            chmod(&path, 0o644);
            files.push(path);
        }
        let port = free_port();
        let conf = format!(
            "listener {port} 127.0.0.1\nsocket_domain ipv4\nallow_anonymous true\n\
             cafile {}\ncertfile {}\nkeyfile {}\nrequire_certificate true\n\
             use_identity_as_username true\npersistence true\npersistence_location {}/\n\
             autosave_interval 1\nautosave_on_changes true\nmax_queued_messages 0\n\
             log_dest stderr\nlog_type error\n",
            files[0].display(),
            files[1].display(),
            files[2].display(),
            db.display()
        );
        let conf_path = dir.join("mosquitto.conf");
        std::fs::write(&conf_path, conf).map_err(fail("write mosquitto.conf"))?;
        chmod(&conf_path, 0o644);
        let mut child = Command::new("mosquitto")
            .arg("-c")
            .arg(&conf_path)
            .stdout(Stdio::null())
            // It logs every device that leaves without closing TLS.
            .stderr(Stdio::null())
            .spawn()
            .map_err(fail("start mosquitto (apt-get install mosquitto)"))?;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        if !wait_for_port(addr, Duration::from_secs(10)) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("the TLS mosquitto does not listen on {addr}"));
        }
        Ok(Self {
            child,
            addr,
            _dir: dir,
        })
    }
}

impl Drop for TlsMosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Anything a client connection runs over.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Where a client connects.
#[derive(Clone)]
enum Endpoint {
    Tcp(SocketAddr),
    Tls(SocketAddr, Arc<rustls::ClientConfig>),
}

/// A client connection on the core's codec.
struct Conn {
    io: Box<dyn Io>,
    buf: Vec<u8>,
}

impl Conn {
    /// Connects, sends `connect` and waits for a successful CONNACK.
    async fn open(endpoint: &Endpoint, connect: &Connect) -> Result<Self, Failed> {
        let io: Box<dyn Io> = match endpoint {
            Endpoint::Tcp(addr) => {
                let tcp = TcpStream::connect(addr).await.map_err(fail("connect"))?;
                let _ = tcp.set_nodelay(true);
                Box::new(tcp)
            }
            Endpoint::Tls(addr, config) => {
                let tcp = TcpStream::connect(addr).await.map_err(fail("connect"))?;
                let _ = tcp.set_nodelay(true);
                let name = rustls_pki_types::ServerName::try_from("localhost")
                    .map_err(fail("server name"))?;
                let tls = TlsConnector::from(config.clone())
                    .connect(name, tcp)
                    .await
                    .map_err(fail("TLS handshake"))?;
                Box::new(tls)
            }
        };
        let mut conn = Self {
            io,
            buf: Vec::with_capacity(256),
        };
        conn.send(&Packet::Connect(connect.clone())).await?;
        match conn.next().await? {
            Packet::ConnAck(a) if a.reason == ConnectReasonCode::Success => Ok(conn),
            Packet::ConnAck(a) => Err(format!("{} was refused: {:?}", connect.client_id, a.reason)),
            other => Err(format!("expected CONNACK, got {other:?}")),
        }
    }

    async fn send(&mut self, packet: &Packet) -> Result<(), Failed> {
        write_packet(&mut self.io, packet).await
    }

    async fn next(&mut self) -> Result<Packet, Failed> {
        read_packet(&mut self.io, &mut self.buf).await
    }
}

async fn write_packet(io: &mut (impl AsyncWrite + Unpin), packet: &Packet) -> Result<(), Failed> {
    let mut out = Vec::with_capacity(160);
    packet
        .encode(ProtocolVersion::V3_1_1, &mut out)
        .map_err(fail("encode"))?;
    io.write_all(&out).await.map_err(fail("write"))
}

/// The next packet, keeping bytes that came with it for the next call.
async fn read_packet(
    io: &mut (impl AsyncRead + Unpin),
    buf: &mut Vec<u8>,
) -> Result<Packet, Failed> {
    loop {
        if let Some((packet, used)) =
            mqtt::decode(buf, 1 << 20, ProtocolVersion::V3_1_1).map_err(fail("decode"))?
        {
            buf.drain(..used);
            return Ok(packet);
        }
        let read = tokio::time::timeout(Duration::from_secs(30), io.read_buf(buf))
            .await
            .map_err(|_| "nothing from the server for 30 s".to_string())?
            .map_err(fail("read"))?;
        if read == 0 {
            return Err("the server closed the connection".into());
        }
    }
}

/// The CONNECT of a device (IoTDA ClientId, user name = device id;
/// `password` for a secret device).
fn device_connect(device_id: &str, password: Option<&str>, hour: Timestamp) -> Connect {
    let client_id = format!("{device_id}_0_0_{hour}");
    let mut connect = Connect::new(ProtocolVersion::V3_1_1, client_id, KEEP_ALIVE);
    connect.username = Some(device_id.to_string());
    connect.password = password.map(|p| p.as_bytes().to_vec());
    connect
}

/// The CONNECT of a client straight on the broker (client id as the
/// access layer gives it, the platform's credentials).
fn broker_connect(hosted: &Hosted, client_id: &str) -> Connect {
    let mut connect = Connect::new(ProtocolVersion::V3_1_1, client_id, KEEP_ALIVE);
    if !hosted.broker_user.is_empty() {
        connect.username = Some(hosted.broker_user.clone());
        connect.password = Some(hosted.broker_password.as_bytes().to_vec());
    }
    connect
}

/// Opens every connection, [`CONCURRENCY`] at a time, and holds them;
/// returns them and the seconds it took.
async fn ramp(clients: Vec<(Endpoint, Connect)>) -> Result<(Vec<Conn>, f64), Failed> {
    let count = clients.len();
    let queue = Arc::new(Mutex::new(clients.into_iter().collect::<VecDeque<_>>()));
    let start = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        let queue = queue.clone();
        workers.spawn(async move {
            let mut held = Vec::new();
            loop {
                let next = queue
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .pop_front();
                let Some((endpoint, connect)) = next else {
                    return Ok::<_, Failed>(held);
                };
                held.push(Conn::open(&endpoint, &connect).await?);
            }
        });
    }
    let mut all = Vec::with_capacity(count);
    while let Some(done) = workers.join_next().await {
        all.extend(done.map_err(fail("a connecting task"))??);
    }
    Ok((all, start.elapsed().as_secs_f64()))
}

/// Resident set of a process, in kB.
fn rss_kb(pid: u32) -> Result<u64, Failed> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(fail("read a process's status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kb| kb.parse().ok())
        .ok_or_else(|| format!("no VmRSS for process {pid}"))
}

/// This process's open-file limits (`ulimit -n` and `ulimit -Hn`).
fn open_file_limits() -> (usize, usize) {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let field = |n: usize| {
        limits
            .lines()
            .find(|l| l.starts_with("Max open files"))
            .and_then(|l| l.split_whitespace().nth(n))
            .and_then(|n| n.parse().ok())
            .unwrap_or(1024)
    };
    (field(3), field(4))
}

/// One QoS 1 stream's figures.
struct Stream {
    /// Messages of the throughput part.
    count: usize,
    /// From its first send to its last delivery.
    secs: f64,
    /// Publish to delivery of the one-at-a-time part, ms.
    latencies: Vec<f64>,
}

impl Stream {
    /// Two runs as one: messages over seconds, latencies pooled.
    fn join(mut self, other: Self) -> Self {
        self.count += other.count;
        self.secs += other.secs;
        self.latencies.extend(other.latencies);
        self.latencies.sort_by(f64::total_cmp);
        self
    }

    fn per_second(&self) -> f64 {
        self.count as f64 / self.secs
    }

    /// The `q` quantile of the latencies (NaN if none).
    fn quantile(&self, q: f64) -> f64 {
        let last = self.latencies.len().saturating_sub(1);
        let at = (last as f64 * q).round() as usize;
        self.latencies.get(at).copied().unwrap_or(f64::NAN)
    }
}

/// Nanoseconds since `epoch`, as the payload's first 8 bytes.
fn stamped(epoch: Instant) -> Vec<u8> {
    let mut payload = vec![b'x'; PAYLOAD];
    let nanos = u64::try_from(epoch.elapsed().as_nanos()).unwrap_or(u64::MAX);
    payload[..8].copy_from_slice(&nanos.to_be_bytes());
    payload
}

/// Runs the subscriber: acknowledges every QoS 1 delivery and sends its
/// latency (ms) to `delivered`.
async fn subscriber(mut conn: Conn, epoch: Instant, delivered: mpsc::UnboundedSender<f64>) {
    loop {
        let Ok(packet) = conn.next().await else {
            return;
        };
        if let Packet::Publish(p) = packet {
            let sent = p
                .payload
                .get(..8)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map_or(0, u64::from_be_bytes);
            let now = u64::try_from(epoch.elapsed().as_nanos()).unwrap_or(u64::MAX);
            let _ = delivered.send(now.saturating_sub(sent) as f64 / 1e6);
            if let Some(pid) = p.qos_pid.pid() {
                if conn.send(&Packet::PubAck(PubAck::new(pid))).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// How long each stream runs: the throughput part, then the one-at-a-time
/// part (at most [`SINGLES`] messages).
#[derive(Clone, Copy)]
struct Spans {
    flood: Duration,
    singles: Duration,
}

/// The most messages sent one at a time in a stream.
const SINGLES: usize = 1_000;

/// A QoS 1 stream from `publisher` on `topic` to `sub` (subscribed
/// already): messages with [`WINDOW`] unacknowledged for `spans.flood`,
/// then one at a time for the latency.
async fn stream(publisher: Conn, sub: Conn, topic: &str, spans: Spans) -> Result<Stream, Failed> {
    let topic = TopicName::new(topic).map_err(fail("topic"))?;
    let epoch = Instant::now();
    let (tx, mut delivered) = mpsc::unbounded_channel();
    let sub_task = tokio::spawn(subscriber(sub, epoch, tx));
    let (mut reader, mut writer) = tokio::io::split(publisher.io);
    let window = Arc::new(Semaphore::new(WINDOW));
    let acks = window.clone();
    let mut leftover = publisher.buf;
    let ack_task = tokio::spawn(async move {
        while let Ok(packet) = read_packet(&mut reader, &mut leftover).await {
            if matches!(packet, Packet::PubAck(_)) {
                acks.add_permits(1);
            }
        }
    });
    let next_pid = AtomicU64::new(0);
    // Packet ids 1..=65535 in turn: far more than the window apart.
    let publish = |payload: Vec<u8>| -> Result<Packet, Failed> {
        let n = next_pid.fetch_add(1, Ordering::Relaxed) % 65_535 + 1;
        let pid = u16::try_from(n)
            .ok()
            .and_then(Pid::new)
            .ok_or("packet id")?;
        Ok(Packet::Publish(Publish::new(
            topic.clone(),
            QosPid::AtLeastOnce(pid),
            payload,
        )))
    };
    let deliver_within = Duration::from_secs(30);
    let start = Instant::now();
    let mut count = 0usize;
    while start.elapsed() < spans.flood {
        window.acquire().await.map_err(fail("the window"))?.forget();
        write_packet(&mut writer, &publish(stamped(epoch))?).await?;
        count += 1;
    }
    for _ in 0..count {
        tokio::time::timeout(deliver_within, delivered.recv())
            .await
            .map_err(|_| "a message was not delivered within 30 s".to_string())?
            .ok_or("the subscriber ended")?;
    }
    let secs = start.elapsed().as_secs_f64();
    let mut latencies = Vec::with_capacity(SINGLES);
    let singles_start = Instant::now();
    while latencies.len() < SINGLES && singles_start.elapsed() < spans.singles {
        write_packet(&mut writer, &publish(stamped(epoch))?).await?;
        let ms = tokio::time::timeout(deliver_within, delivered.recv())
            .await
            .map_err(|_| "a message was not delivered within 30 s".to_string())?
            .ok_or("the subscriber ended")?;
        latencies.push(ms);
    }
    ack_task.abort();
    sub_task.abort();
    latencies.sort_by(f64::total_cmp);
    Ok(Stream {
        count,
        secs,
        latencies,
    })
}

/// Subscribes `conn` to `filter` at QoS 1 and waits for the SUBACK.
async fn subscribe(mut conn: Conn, filter: &str) -> Result<Conn, Failed> {
    let filter = TopicFilter::new(filter).map_err(fail("filter"))?;
    let pid = Pid::new(7).ok_or("pid")?;
    conn.send(&Packet::Subscribe(Subscribe::new(
        pid,
        vec![Subscription::new(filter, QoS::AtLeastOnce)],
    )))
    .await?;
    loop {
        if let Packet::SubAck(_) = conn.next().await? {
            return Ok(conn);
        }
    }
}

/// The devices and certificates the bench registers before the platform
/// starts.
struct Fleet {
    /// Secret devices: id and password.
    secret: Vec<(String, String)>,
    /// Certificate devices: id, certificate and PKCS#8 key (DER).
    certified: Vec<(String, Vec<u8>, Vec<u8>)>,
    /// The device CA's PEM file.
    device_ca: PathBuf,
}

/// Registers `secrets` secret devices and `certs` certificate devices
/// (their CA uploaded and verified) in the registry of `data`.
///
/// The registry commits each device with an fsync; 10,000 of them would
/// take most of the bench's time on a disk, so they are added in a folder
/// in memory (`/dev/shm`, when there is one) and the closed database is
/// copied into `data`, where the platform then runs on the disk.
fn register(data: &Path, secrets: usize, certs: usize, hour: Timestamp) -> Result<Fleet, Failed> {
    let shm = Path::new("/dev/shm");
    let staging = if shm.is_dir() {
        shm.join(format!("iotda-bench-registry-{}", std::process::id()))
    } else {
        data.join("staging")
    };
    std::fs::create_dir_all(&staging).map_err(fail("a folder for the registry"))?;
    let fleet = register_in(&staging, data, secrets, certs, hour);
    let copied = std::fs::copy(staging.join(REGISTRY_FILE), data.join(REGISTRY_FILE));
    let _ = std::fs::remove_dir_all(&staging);
    copied.map_err(fail("copy the registry"))?;
    fleet
}

/// [`register`] with the registry in `staging` (closed when it returns).
fn register_in(
    staging: &Path,
    data: &Path,
    secrets: usize,
    certs: usize,
    hour: Timestamp,
) -> Result<Fleet, Failed> {
    let registry = Registry::open(&staging.join(REGISTRY_FILE), Arc::new(SystemSource))
        .map_err(fail("open the registry"))?;
    registry
        .create_product(&NewProduct {
            product_id: Some(PRODUCT.into()),
            name: "bench".into(),
            device_type: "Meter".into(),
            protocol_type: "MQTT".into(),
            service_capabilities: serde_json::json!([]),
            ..NewProduct::default()
        })
        .map_err(fail("create the product"))?;
    let mut secret = Vec::with_capacity(secrets);
    for i in 0..secrets {
        let s = format!("secret{i:08}");
        let device = registry
            .add_device(&NewDevice {
                node_id: format!("s{i:05}"),
                product_id: PRODUCT.into(),
                secret: Some(iotda_platform::directory::DeviceSecret::new(s.clone())),
                secure_access: false,
                ..NewDevice::default()
            })
            .map_err(fail("add a secret device"))?;
        let c = Credentials::compute(&device.device_id, &s, SignType::NoTimestampCheck, hour)
            .map_err(fail("credentials"))?;
        secret.push((device.device_id, c.password.expose().to_string()));
    }

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(fail("clock"))?
        .as_secs();
    let validity = Validity::new(i64::try_from(now).map_err(fail("clock"))? - 3600, 30);
    let mut rng = ChaCha20Rng::seed_from_u64(16);
    let ca_key = PrivateKey::generate(KeyType::P256, &mut rng).map_err(fail("CA key"))?;
    let ca = create_ca(
        &ca_key,
        &Subject::with_common_name("BenchCA"),
        validity,
        &mut rng,
    )
    .map_err(fail("CA"))?;
    let uploaded = registry.add_ca(&ca.pem()).map_err(fail("upload the CA"))?;
    let (_, proof) =
        create_verification_cert(&ca, &ca_key, &uploaded.verify_code, validity, &mut rng)
            .map_err(fail("verification certificate"))?;
    registry
        .verify_ca(&uploaded.certificate_id, &proof.pem())
        .map_err(fail("verify the CA"))?;
    let device_ca = data.join("bench-device-ca.crt");
    std::fs::write(&device_ca, ca.pem()).map_err(fail("write the device CA"))?;

    let mut certified = Vec::with_capacity(certs);
    for i in 0..certs {
        let bundle = issue_device(
            &ca,
            &ca_key,
            &format!("c{i:05}"),
            KeyType::P256,
            validity,
            &mut rng,
        )
        .map_err(fail("device certificate"))?;
        let device = registry
            .add_device(&NewDevice {
                node_id: bundle.node_id.clone(),
                product_id: PRODUCT.into(),
                auth_type: AuthType::Certificates,
                fingerprint: Some(bundle.fingerprint()),
                secure_access: true,
                ..NewDevice::default()
            })
            .map_err(fail("add a certificate device"))?;
        let key = bundle.key.to_pkcs8_der().map_err(fail("device key"))?;
        certified.push((device.device_id, bundle.cert.der().to_vec(), key));
    }
    Ok(Fleet {
        secret,
        certified,
        device_ca,
    })
}

/// A device's TLS client configuration: trusts the platform CA (the
/// server certificate of both the platform and the TLS mosquitto), presents
/// the device's certificate.
fn tls_config(
    platform_ca: &Path,
    cert: &[u8],
    key: &[u8],
) -> Result<Arc<rustls::ClientConfig>, Failed> {
    let pem = std::fs::read_to_string(platform_ca).map_err(fail("read the platform CA"))?;
    let ca = iotda_core::pki::Certificate::from_pem(&pem).map_err(fail("the platform CA"))?;
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls_pki_types::CertificateDer::from(ca.der().to_vec()))
        .map_err(fail("trust the platform CA"))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(fail("TLS versions"))?
        .with_root_certificates(roots)
        .with_client_auth_cert(
            vec![rustls_pki_types::CertificateDer::from(cert.to_vec())],
            rustls_pki_types::PrivateKeyDer::Pkcs8(key.to_vec().into()),
        )
        .map_err(fail("the device's certificate"))?;
    Ok(Arc::new(config))
}

/// The QoS 1 streams through `hosted`'s access layer and straight on its
/// broker, with the secret devices `held` (publisher) and `held + 1`
/// (subscriber) of `fleet`: (uplink, downlink), each (through, direct).
async fn streams(
    hosted: &Hosted,
    fleet: &Fleet,
    held: usize,
    hour: Timestamp,
    spans: Spans,
) -> Result<((Stream, Stream), (Stream, Stream)), Failed> {
    // The streams, uplink then downlink, each direct, through access,
    // through access, direct (so that neither side gets the broker's
    // quieter moments), the two runs of a side joined.
    let access = Endpoint::Tcp(hosted.mqtt);
    let broker = Endpoint::Tcp(hosted.broker);
    let device = |i: usize| -> Result<(Endpoint, Connect), Failed> {
        let (id, password) = fleet.secret.get(i).ok_or("no such device")?;
        Ok((access.clone(), device_connect(id, Some(password), hour)))
    };
    let (pub_id, sub_id) = (&fleet.secret[held].0, &fleet.secret[held + 1].0);
    let app = |name: &str| broker_connect(hosted, name);
    let up_topic = format!("$oc/devices/{pub_id}/sys/messages/up");
    let down_topic = format!("$oc/devices/{sub_id}/sys/messages/down");
    let mut joined = Vec::new();
    for uplink in [true, false] {
        let topic = if uplink { &up_topic } else { &down_topic };
        let (mut ours, mut peer): (Option<Stream>, Option<Stream>) = (None, None);
        for through in [false, true, true, false] {
            let (publisher, subscriber) = match (uplink, through) {
                (true, true) => {
                    let (e, c) = device(held)?;
                    (
                        Conn::open(&e, &c).await?,
                        Conn::open(&broker, &app("bench-app")).await?,
                    )
                }
                (false, true) => {
                    let (e, c) = device(held + 1)?;
                    (
                        Conn::open(&broker, &app("bench-app")).await?,
                        Conn::open(&e, &c).await?,
                    )
                }
                // Straight on the broker: the device's side connects as the
                // access layer would for it (client id = device id).
                (true, false) => (
                    Conn::open(&broker, &app(pub_id)).await?,
                    Conn::open(&broker, &app("bench-app")).await?,
                ),
                (false, false) => (
                    Conn::open(&broker, &app("bench-app")).await?,
                    Conn::open(&broker, &app(sub_id)).await?,
                ),
            };
            let subscriber = subscribe(subscriber, topic).await?;
            let s = stream(publisher, subscriber, topic, spans).await?;
            println!(
                "{} {}: {:.0} messages/s, p50 {}, p99 {}",
                if uplink { "uplink" } else { "downlink" },
                if through { "through access" } else { "direct" },
                s.per_second(),
                millis(s.quantile(0.5)),
                millis(s.quantile(0.99))
            );
            let side = if through { &mut ours } else { &mut peer };
            *side = Some(match side.take() {
                Some(earlier) => earlier.join(s),
                None => s,
            });
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        joined.push((
            ours.ok_or("no stream through access")?,
            peer.ok_or("no direct stream")?,
        ));
    }
    let mut joined = joined.into_iter();
    let uplink = joined.next().ok_or("no uplink")?;
    let downlink = joined.next().ok_or("no downlink")?;
    Ok((uplink, downlink))
}

/// Figures of one run, for the table.
struct Figures {
    uplink: (Stream, Stream),
    downlink: (Stream, Stream),
    fast_uplink: (Stream, Stream),
    fast_downlink: (Stream, Stream),
    tls_rate: (f64, f64),
    tls_count: usize,
    secret_rate: (f64, f64),
    idle: Idle,
}

/// The idle hold: how many, and the resident sets' growth per 1,000.
struct Idle {
    held: usize,
    why_fewer: Option<String>,
    platform_kb: f64,
    behind_kb: f64,
    mosquitto_direct_kb: f64,
    platform_total_kb: u64,
}

/// Per 1,000 connections, in kB, from two resident sets.
fn per_thousand(before: u64, after: u64, count: usize) -> f64 {
    after.saturating_sub(before) as f64 * 1000.0 / count.max(1) as f64
}

async fn settle() {
    tokio::time::sleep(Duration::from_secs(2)).await;
}

async fn measure(quick: bool) -> Result<Figures, Failed> {
    let (limit, hard) = open_file_limits();
    // The platform holds two descriptors a device (the device's and its
    // broker connection), and a few of its own (listeners, the registry).
    let fd_room = limit.saturating_sub(64) / 2;
    let (idle_goal, certs, spans) = if quick {
        let span = Duration::from_millis(300);
        (
            200,
            20,
            Spans {
                flood: span,
                singles: span,
            },
        )
    } else {
        let spans = Spans {
            flood: Duration::from_secs(2),
            singles: Duration::from_millis(1500),
        };
        (IDLE_GOAL, 1_000, spans)
    };
    let held = idle_goal.min(fd_room);
    let why_fewer = (held < idle_goal).then(|| {
        let which = if limit >= hard { "hard " } else { "" };
        format!(
            "the {which}open-file limit is {} and the platform needs 2 descriptors a device",
            thousands(limit as u64)
        )
    });
    let hour = Timestamp::from_unix_seconds(
        i64::try_from(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_err(fail("clock"))?
                .as_secs(),
        )
        .map_err(fail("clock"))?,
    )
    .map_err(fail("hour"))?;

    let data = Scratch::new("bench-platform");
    let started = Instant::now();
    // Two more secret devices: the streams' publisher and subscriber.
    let fleet = register(data.path(), held + 2, certs, hour)?;
    println!(
        "registered {} secret and {certs} certificate devices in {:.1} s",
        held + 2,
        started.elapsed().as_secs_f64()
    );
    // The access layer's own cost: the streams again, the platform in
    // front of a mosquitto that keeps nothing on disk.
    let (fast_uplink, fast_downlink) = {
        let memory_only = Mosquitto::start(&BrokerConfig {
            unbounded_queues: true,
            ..BrokerConfig::default()
        });
        let data = Scratch::new("bench-platform-memory-broker");
        let fleet = register(data.path(), 2, 0, hour)?;
        let url = format!("mqtt://127.0.0.1:{}", memory_only.mqtt_port);
        let platform = PlatformProcess::start(data.path(), Some(&url))?;
        streams(&platform.hosted, &fleet, 0, hour, spans).await?
    };
    let platform = PlatformProcess::start(data.path(), None)?;
    let hosted = &platform.hosted;
    let broker = Endpoint::Tcp(hosted.broker);
    let access = Endpoint::Tcp(hosted.mqtt);
    let device = |i: usize| -> Result<(Endpoint, Connect), Failed> {
        let (id, password) = fleet.secret.get(i).ok_or("no such device")?;
        Ok((access.clone(), device_connect(id, Some(password), hour)))
    };

    // Secret devices straight on the broker, held to measure mosquitto's
    // resident set: first, while mosquitto's heap is fresh (later, what
    // the streams freed would hold them without growing).
    let direct: Vec<_> = fleet.secret[..held]
        .iter()
        .map(|(id, _)| (broker.clone(), broker_connect(hosted, id)))
        .collect();
    let mosquitto_before = rss_kb(hosted.mosquitto_pid)?;
    let (conns, secret_direct_secs) = ramp(direct).await?;
    settle().await;
    let mosquitto_after = rss_kb(hosted.mosquitto_pid)?;
    println!("mosquitto's RSS: {mosquitto_before} kB, {mosquitto_after} kB with {held} devices");
    let mosquitto_direct_kb = per_thousand(mosquitto_before, mosquitto_after, held);
    drop(conns);
    settle().await;

    let (uplink, downlink) = streams(&platform.hosted, &fleet, held, hour, spans).await?;

    // Certificate devices over TLS: the TLS mosquitto, then MQTTS.
    let platform_ca = data.path().join("tls/platform-ca.crt");
    let tls_mosquitto = TlsMosquitto::start(&fleet.device_ca, &data.path().join("tls"))?;
    let mut direct_tls = Vec::new();
    let mut access_tls = Vec::new();
    for (id, cert, key) in &fleet.certified {
        let config = tls_config(&platform_ca, cert, key)?;
        let connect = device_connect(id, None, hour);
        direct_tls.push((
            Endpoint::Tls(tls_mosquitto.addr, config.clone()),
            connect.clone(),
        ));
        access_tls.push((Endpoint::Tls(hosted.mqtts, config), connect));
    }
    let (conns, direct_secs) = ramp(direct_tls).await?;
    drop(conns);
    settle().await;
    let (conns, access_secs) = ramp(access_tls).await?;
    drop(conns);
    drop(tls_mosquitto);
    let tls_rate = (certs as f64 / access_secs, certs as f64 / direct_secs);
    println!(
        "{certs} TLS connections: {:.0}/s through access, {:.0}/s direct",
        tls_rate.0, tls_rate.1
    );
    settle().await;

    // Then through access, held to measure the platform's resident set.
    let through: Vec<_> = (0..held).map(device).collect::<Result<_, _>>()?;
    let (platform_before, behind_before) = (rss_kb(hosted.pid)?, rss_kb(hosted.mosquitto_pid)?);
    let (conns, access_secs) = ramp(through).await?;
    settle().await;
    let platform_after = rss_kb(hosted.pid)?;
    let idle = Idle {
        held: conns.len(),
        why_fewer,
        platform_kb: per_thousand(platform_before, platform_after, held),
        behind_kb: per_thousand(behind_before, rss_kb(hosted.mosquitto_pid)?, held),
        mosquitto_direct_kb,
        platform_total_kb: platform_after,
    };
    let secret_rate = (held as f64 / access_secs, held as f64 / secret_direct_secs);
    println!(
        "{held} secret connections: {:.0}/s through access, {:.0}/s direct; platform RSS {} kB",
        secret_rate.0, secret_rate.1, platform_after
    );
    drop(conns);
    drop(platform);
    Ok(Figures {
        uplink,
        downlink,
        fast_uplink,
        fast_downlink,
        tls_rate,
        tls_count: certs,
        secret_rate,
        idle,
    })
}

/// A rate for the table: `12,345/s`.
fn rate(per_second: f64) -> String {
    format!("{}/s", thousands(per_second.round() as u64))
}

/// A difference of times: `+0.12 ms`, `-3.40 ms`.
fn delta(ms: f64) -> String {
    if ms < 0.0 {
        format!("-{}", millis(-ms))
    } else {
        format!("+{}", millis(ms))
    }
}

/// A size in kB as MB with one decimal.
fn megabytes(kb: f64) -> String {
    format!("{:.1} MB", kb / 1024.0)
}

fn rows(f: &Figures) -> Vec<Row> {
    let mut rows = Vec::new();
    let direct = "straight to mosquitto";
    for (label, (ours, peer)) in [
        (
            "uplink (device → access → broker → application), the supervised mosquitto \
             (persistent, saves each change)",
            &f.uplink,
        ),
        (
            "downlink (application → broker → access → device), the supervised mosquitto",
            &f.downlink,
        ),
        (
            "uplink, a mosquitto in memory behind (`--broker`)",
            &f.fast_uplink,
        ),
        (
            "downlink, a mosquitto in memory behind (`--broker`)",
            &f.fast_downlink,
        ),
    ] {
        let share = ours.per_second() / peer.per_second();
        let met = |ok: bool| if ok { "met" } else { "NOT met" };
        let budget = format!(">= 80% of direct: {}", met(share >= 0.8));
        rows.push(
            Row::new(
                SECTION,
                format!("QoS 1 stream, {label}, {WINDOW} in flight, {PAYLOAD}-byte payload"),
                rate(ours.per_second()),
            )
            .peer(
                format!("{direct}: {}", rate(peer.per_second())),
                format!("{:.0}% of direct", share * 100.0),
            )
            .budget(budget),
        );
        let overhead = ours.quantile(0.5) - peer.quantile(0.5);
        let budget = if overhead < 0.5 {
            "overhead < 0.5 ms: met".to_string()
        } else {
            format!(
                "overhead < 0.5 ms: NOT met ({} over)",
                millis(overhead - 0.5)
            )
        };
        let latency = |what: String, ours: f64, peer: f64, ratio: String| {
            Row::new(SECTION, what, millis(ours)).peer(format!("{direct}: {}", millis(peer)), ratio)
        };
        rows.push(
            latency(
                format!("publish to delivery, one at a time, p50, {label}"),
                ours.quantile(0.5),
                peer.quantile(0.5),
                format!("{} overhead", delta(overhead)),
            )
            .budget(budget),
        );
        let (ours, peer) = (ours.quantile(0.99), peer.quantile(0.99));
        rows.push(latency(
            format!("the same, p99, {label}"),
            ours,
            peer,
            delta(ours - peer),
        ));
    }
    let (ours, peer) = f.tls_rate;
    rows.push(
        Row::new(
            SECTION,
            format!(
                "connections, MQTTS with client certificates (P-256, CA verified in the \
                 registry), {} devices {CONCURRENCY} at a time",
                thousands(f.tls_count as u64)
            ),
            rate(ours),
        )
        .peer(
            format!("mosquitto, TLS listener requiring them: {}", rate(peer)),
            format!("{:.0}% of direct", ours / peer * 100.0),
        ),
    );
    let (ours, peer) = f.secret_rate;
    let i = &f.idle;
    rows.push(
        Row::new(
            SECTION,
            format!(
                "connections, secret devices over MQTT, {} devices {CONCURRENCY} at a time",
                thousands(i.held as u64)
            ),
            rate(ours),
        )
        .peer(
            format!("{direct} (its password file): {}", rate(peer)),
            format!("{:.0}% of direct", ours / peer * 100.0),
        ),
    );
    let held_budget = match (&i.why_fewer, i.held >= IDLE_GOAL) {
        (_, true) => "10,000 held: met".to_string(),
        (Some(why), false) => format!(
            "10,000 held: NOT met ({} held: {why})",
            thousands(i.held as u64)
        ),
        (None, false) => format!("10,000 held: NOT met ({} held)", thousands(i.held as u64)),
    };
    rows.push(
        Row::new(
            SECTION,
            format!(
                "memory per 1,000 idle devices, platform process RSS ({} idle held; {} in \
                 all; mosquitto behind it grew {} per 1,000)",
                thousands(i.held as u64),
                megabytes(i.platform_total_kb as f64),
                megabytes(i.behind_kb)
            ),
            megabytes(i.platform_kb),
        )
        .peer(
            format!(
                "mosquitto's RSS, devices straight to it: {}",
                megabytes(i.mosquitto_direct_kb)
            ),
            if i.mosquitto_direct_kb > 0.0 {
                format!("{:.1}x mosquitto's", i.platform_kb / i.mosquitto_direct_kb)
            } else {
                String::new()
            },
        )
        .budget(held_budget),
    );
    rows
}

fn main() -> ExitCode {
    if let Some(data) = std::env::var_os(HOST_ENV) {
        return host(PathBuf::from(data));
    }
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing
    // and only wants to see the bench build and run once, quickly.
    let quick = !std::env::args().any(|a| a == "--bench");
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let figures = match runtime.block_on(measure(quick)) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("could not measure: {e}");
            return ExitCode::FAILURE;
        }
    };
    print_and_record("platform_access", &rows(&figures), !quick)
}
