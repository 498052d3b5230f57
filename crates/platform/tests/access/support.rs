//! Test support: an in-memory `Directory` (the SQLite registry replaces it
//! in the CLI), a platform started on free ports with a supervised
//! mosquitto, a log collector, and runners for the mosquitto clients.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use iotda_core::credentials::{Credentials, SignType, Timestamp};
use iotda_core::mqtt::{self, Connect, Packet, ProtocolVersion};
use iotda_platform::access::{AccessConfig, DeviceAccess, Running};
use iotda_platform::directory::{
    CaRecord, DeviceAuth, DeviceRecord, DeviceSecret, DeviceStatus, Directory, DirectoryError,
    StatusChange,
};
use iotda_platform::log::{Event, LogSink};
use iotda_testkit::Scratch;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The registry's stand-in: devices and CAs in memory, statuses recorded.
#[derive(Default)]
pub struct MemDirectory {
    pub devices: Mutex<HashMap<String, DeviceRecord>>,
    pub cas: Mutex<Vec<CaRecord>>,
}

impl MemDirectory {
    pub fn add(&self, record: DeviceRecord) {
        self.devices
            .lock()
            .expect("lock")
            .insert(record.device_id.clone(), record);
    }

    pub fn status(&self, id: &str) -> Option<DeviceStatus> {
        self.devices.lock().expect("lock").get(id).map(|d| d.status)
    }

    /// Waits up to 10 s for the device to reach `status`.
    pub async fn wait_status(&self, id: &str, status: DeviceStatus) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.status(id) != Some(status) {
            assert!(
                Instant::now() < deadline,
                "{id} is {:?}, not {status:?}",
                self.status(id)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn record(&self, id: &str) -> Option<DeviceRecord> {
        self.devices.lock().expect("lock").get(id).cloned()
    }
}

impl Directory for MemDirectory {
    fn device(&self, id: &str) -> Result<Option<DeviceRecord>, DirectoryError> {
        Ok(self.record(id))
    }
    fn verified_cas(&self) -> Result<Vec<CaRecord>, DirectoryError> {
        Ok(self
            .cas
            .lock()
            .expect("lock")
            .iter()
            .filter(|c| c.verified)
            .cloned()
            .collect())
    }
    fn bind_fingerprint(&self, id: &str, sha256: &str) -> Result<(), DirectoryError> {
        if let Some(d) = self.devices.lock().expect("lock").get_mut(id) {
            d.auth = DeviceAuth::Certificate {
                fingerprint: Some(sha256.to_string()),
                secondary: None,
            };
        }
        Ok(())
    }
    fn set_status(&self, id: &str, change: &StatusChange) -> Result<(), DirectoryError> {
        if let Some(d) = self.devices.lock().expect("lock").get_mut(id) {
            d.status = change.status;
        }
        Ok(())
    }
}

pub fn secret_device(id: &str, secret: &str) -> DeviceRecord {
    DeviceRecord {
        device_id: id.to_string(),
        node_id: id.rsplit('_').next().unwrap_or(id).to_string(),
        product_id: "prod".to_string(),
        auth: DeviceAuth::Secret {
            secret: DeviceSecret::new(secret),
            secondary: None,
        },
        secure_access: false,
        status: DeviceStatus::Inactive,
    }
}

/// A running platform with its directory, log and data folder.
pub struct Platform {
    pub running: Option<Running>,
    pub directory: Arc<MemDirectory>,
    pub lines: Arc<Mutex<Vec<String>>>,
    pub data: Scratch,
}

impl Platform {
    /// Starts the device side on free ports (all four listeners), a
    /// supervised mosquitto, and a 1 s CONNECT timeout.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// As [`Platform::start`], with the configuration changed by `change`.
    pub async fn start_with(change: impl FnOnce(&mut AccessConfig)) -> Self {
        let data = Scratch::new("platform");
        let directory = Arc::new(MemDirectory::default());
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink_lines = lines.clone();
        let log: LogSink = Arc::new(move |e: Event| {
            sink_lines.lock().expect("lock").push(e.to_string());
        });
        let mut config = AccessConfig::new(data.path().to_path_buf());
        config.mqtt_port = Some(0);
        config.mqtts_port = Some(0);
        config.ws_port = Some(0);
        config.wss_port = Some(0);
        config.connect_timeout = Duration::from_secs(1);
        change(&mut config);
        let running = DeviceAccess::start(config, directory.clone(), log)
            .await
            .expect("the platform starts");
        Self {
            running: Some(running),
            directory,
            lines,
            data,
        }
    }

    pub fn running(&self) -> &Running {
        self.running.as_ref().expect("running")
    }

    fn port_of(url: &Option<String>) -> u16 {
        let url = url.as_deref().expect("listener on");
        let after = url.rsplit(':').next().expect("port");
        after
            .split('/')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("numeric port")
    }

    pub fn mqtt_port(&self) -> u16 {
        Self::port_of(&self.running().urls.mqtt)
    }

    pub fn mqtts_port(&self) -> u16 {
        Self::port_of(&self.running().urls.mqtts)
    }

    pub fn mqtt_addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.mqtt_port()))
    }

    pub fn ca_path(&self) -> PathBuf {
        self.running().platform_ca.clone().expect("platform CA")
    }

    /// Arguments that connect a mosquitto client to the broker behind,
    /// with the platform's own credentials (what platform services do).
    pub fn broker_args(&self) -> Vec<String> {
        let e = self.running().broker().endpoint();
        let (host, port) = e.addr.rsplit_once(':').expect("host:port");
        vec![
            "-h".into(),
            host.into(),
            "-p".into(),
            port.into(),
            "-u".into(),
            e.username.clone().expect("user"),
            "-P".into(),
            e.password.clone().expect("password"),
        ]
    }

    pub fn log(&self) -> Vec<String> {
        self.lines.lock().expect("lock").clone()
    }

    /// Waits up to 10 s for a log line containing every part; panics with
    /// the whole log otherwise.
    pub async fn expect_log(&self, parts: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(line) = self
                .log()
                .into_iter()
                .find(|l| parts.iter().all(|p| l.contains(p)))
            {
                return line;
            }
            assert!(
                Instant::now() < deadline,
                "no log line with {parts:?}; log:\n{}",
                self.log().join("\n")
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
    }
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .expect("clock after 1970")
}

pub fn hour(offset_hours: i64) -> Timestamp {
    Timestamp::from_unix_seconds(now() + offset_hours * 3600).expect("hour")
}

pub fn credentials(id: &str, secret: &str, sign: SignType, at: Timestamp) -> Credentials {
    Credentials::compute(id, secret, sign, at).expect("credentials")
}

/// `-i ClientId -u Username -P Password` for a secret device.
pub fn secret_args(c: &Credentials) -> Vec<String> {
    vec![
        "-i".into(),
        c.client_id.clone(),
        "-u".into(),
        c.username.clone(),
        "-P".into(),
        c.password.expose().to_string(),
    ]
}

/// Runs a mosquitto client to its end (at most 20 s).
pub async fn run(program: &str, args: &[String]) -> Output {
    let child = tokio::process::Command::new(program)
        .args(args)
        .kill_on_drop(true)
        .output();
    tokio::time::timeout(Duration::from_secs(20), child)
        .await
        .unwrap_or_else(|_| panic!("{program} {args:?} did not end"))
        .expect("run the mosquitto client")
}

pub fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// A raw client on the core codec, keeping bytes that arrive together
/// with a packet for the next one.
pub struct Raw {
    stream: TcpStream,
    buf: Vec<u8>,
    version: ProtocolVersion,
}

impl Raw {
    /// Connects and returns the client and its CONNACK.
    pub async fn connect(addr: SocketAddr, connect: Connect) -> (Self, mqtt::ConnAck) {
        let version = connect.protocol;
        let mut raw = Self {
            stream: TcpStream::connect(addr).await.expect("connect"),
            buf: Vec::new(),
            version,
        };
        let mut out = Vec::new();
        Packet::Connect(connect)
            .encode(version, &mut out)
            .expect("encode");
        raw.write_bytes(&out).await;
        match raw.next().await {
            Some(Packet::ConnAck(a)) => (raw, a),
            other => panic!("expected CONNACK, got {other:?}"),
        }
    }

    pub async fn write_bytes(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.expect("write");
    }

    pub async fn send(&mut self, packet: Packet) {
        let mut out = Vec::new();
        packet.encode(self.version, &mut out).expect("encode");
        self.write_bytes(&out).await;
    }

    /// The next packet; `None` when the connection closes first.
    pub async fn next(&mut self) -> Option<Packet> {
        loop {
            if let Some((p, used)) =
                mqtt::decode(&self.buf, 1 << 24, self.version).expect("valid packet")
            {
                self.buf.drain(..used);
                return Some(p);
            }
            let read =
                tokio::time::timeout(Duration::from_secs(10), self.stream.read_buf(&mut self.buf))
                    .await
                    .expect("a packet or the close within 10 s");
            match read {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }

    /// Waits for the close; returns what was read before.
    pub async fn expect_closed(&mut self) -> Vec<u8> {
        let mut got = std::mem::take(&mut self.buf);
        got.extend(expect_closed(&mut self.stream).await);
        got
    }
}

pub fn secret_connect(c: &Credentials, version: ProtocolVersion) -> Connect {
    let mut connect = Connect::new(version, c.client_id.clone(), 60);
    connect.username = Some(c.username.clone());
    connect.password = Some(c.password.expose().as_bytes().to_vec());
    connect
}

/// Waits for the peer to close (EOF or reset) within 10 s; returns what
/// was read before.
pub async fn expect_closed(s: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read_buf(&mut got)).await {
            Err(_) => panic!("the connection stayed open; read {got:02x?}"),
            Ok(Ok(0) | Err(_)) => return got,
            Ok(Ok(_)) => {}
        }
    }
}

/// Runs `paho_client.py` with the venv's Python (made by `scripts/lib.sh`'s
/// `python_tools`); returns its JSON lines.
pub async fn paho(list: &[String]) -> Vec<serde_json::Value> {
    let out = run(&paho_python(), &paho_args(list)).await;
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(!lines.is_empty(), "paho printed nothing: {}", text(&out));
    lines
}

pub fn paho_python() -> String {
    iotda_testkit::venv_python().display().to_string()
}

pub fn paho_args(list: &[String]) -> Vec<String> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/access/paho_client.py");
    let mut a = vec![script.display().to_string()];
    a.extend(list.iter().cloned());
    a
}
