//! Helpers for the workspace's tests: a real mosquitto broker started on
//! 127.0.0.1 from a generated config, free loopback ports, scratch
//! folders, and a raw HTTP client ([`http`]). Everything started here is stopped when its guard drops.
//!
//! Not a product crate; only tests depend on it.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod http;

use std::fmt::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// A free TCP port on 127.0.0.1 (free when asked; bind soon).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Waits until something accepts TCP connections on `addr`.
pub fn wait_for_port(addr: SocketAddr, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    true
}

/// A scratch folder under the system temp dir, removed on drop.
#[derive(Debug)]
pub struct Scratch(PathBuf);

impl Scratch {
    /// A new empty folder named after `label`, readable by other users (a
    /// broker running as `mosquitto` reads its config and certificates here).
    pub fn new(label: &str) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "iotda-{label}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a scratch folder");
        chmod(&dir, 0o755);
        Self(dir)
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// A path inside the folder.
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Sets Unix permissions (tests run on Linux).
pub fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// TLS settings of a broker listener.
#[derive(Debug, Clone)]
pub struct TlsListener {
    /// CA certificates that client certificates must chain to.
    pub cafile: PathBuf,
    /// The broker's certificate.
    pub certfile: PathBuf,
    /// The broker's key (must be readable by the broker's user).
    pub keyfile: PathBuf,
    /// Require a client certificate and use its CN as the user name.
    pub require_certificate: bool,
}

/// What to start.
#[derive(Debug, Clone, Default)]
pub struct BrokerConfig {
    /// Also listen for MQTT over WebSocket.
    pub websocket: bool,
    /// Also listen for MQTT over TLS.
    pub tls: Option<TlsListener>,
    /// A `mosquitto_passwd` file: the plain MQTT and WebSocket listeners
    /// then refuse clients without a user name and password from it.
    pub password_file: Option<PathBuf>,
    /// Keep sessions and queued messages across [`Mosquitto::restart`]
    /// (mosquitto saves them when it is stopped with SIGTERM).
    pub persistent: bool,
    /// No limit on the messages queued for a slow client
    /// (`max_queued_messages 0`): by default mosquitto drops messages for a
    /// client more than 1000 behind, which a flood test must not mistake for
    /// a loss of the client's.
    pub unbounded_queues: bool,
}

/// A running mosquitto, stopped on drop.
#[derive(Debug)]
pub struct Mosquitto {
    child: Child,
    /// Plain MQTT port.
    pub mqtt_port: u16,
    /// WebSocket port, if configured.
    pub ws_port: Option<u16>,
    /// TLS port, if configured.
    pub tls_port: Option<u16>,
    dir: Scratch,
}

impl Mosquitto {
    /// Starts Debian's mosquitto on free 127.0.0.1 ports and waits until
    /// every listener accepts connections.
    ///
    /// Ports are found free and only later bound by mosquitto, so another
    /// broker (of a parallel test, here or in another process) may take one
    /// in between; mosquitto then exits with "Address already in use" while
    /// the port answers for the other broker. Brokers of this process are
    /// therefore started one at a time, and a broker that dies right after
    /// starting is started again on fresh ports.
    pub fn start(config: &BrokerConfig) -> Self {
        static STARTING: Mutex<()> = Mutex::new(());
        let _one_at_a_time = STARTING.lock().unwrap_or_else(PoisonError::into_inner);
        let mut failures = Vec::new();
        for _ in 0..5 {
            match Self::try_start(config) {
                Ok(broker) => return broker,
                Err(why) => failures.push(why),
            }
        }
        panic!("mosquitto did not start: {failures:#?}");
    }

    fn try_start(config: &BrokerConfig) -> Result<Self, String> {
        let dir = Scratch::new("mosquitto");
        let mqtt_port = free_port();
        let mut conf = String::from(
            "per_listener_settings true\nlog_dest stderr\nlog_type error\nlog_type warning\n",
        );
        if config.persistent {
            // The broker may drop to the `mosquitto` user: it must write here.
            let db = dir.join("db");
            std::fs::create_dir_all(&db).expect("create the persistence folder");
            chmod(dir.path(), 0o755);
            chmod(&db, 0o777);
            let _ = writeln!(
                conf,
                "persistence true\npersistence_location {}/",
                db.display()
            );
        } else {
            conf.push_str("persistence false\n");
        }
        if config.unbounded_queues {
            conf.push_str("max_queued_messages 0\n");
        }
        let _ = writeln!(conf, "listener {mqtt_port} 127.0.0.1");
        let auth = match &config.password_file {
            Some(file) => format!("allow_anonymous false\npassword_file {}\n", file.display()),
            None => "allow_anonymous true\n".to_owned(),
        };
        conf.push_str(&auth);
        let ws_port = config.websocket.then(free_port);
        if let Some(port) = ws_port {
            let _ = write!(
                conf,
                "listener {port} 127.0.0.1\nprotocol websockets\nsocket_domain ipv4\n{auth}"
            );
        }
        let tls_port = config.tls.as_ref().map(|_| free_port());
        if let (Some(port), Some(tls)) = (tls_port, &config.tls) {
            let _ = write!(
                conf,
                "listener {port} 127.0.0.1\nallow_anonymous true\ncafile {}\ncertfile {}\nkeyfile {}\n",
                tls.cafile.display(),
                tls.certfile.display(),
                tls.keyfile.display()
            );
            if tls.require_certificate {
                conf.push_str("require_certificate true\nuse_identity_as_username true\n");
            }
        }
        let conf_path = dir.join("mosquitto.conf");
        std::fs::write(&conf_path, conf).expect("write mosquitto.conf");
        chmod(&conf_path, 0o644);
        let child = spawn_mosquitto(&conf_path);
        let mut broker = Self {
            child,
            mqtt_port,
            ws_port,
            tls_port,
            dir,
        };
        for port in [Some(mqtt_port), ws_port, tls_port].into_iter().flatten() {
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            if !wait_for_port(addr, Duration::from_secs(10)) {
                return Err(format!(
                    "nothing listens on {addr}; config in {}",
                    broker.dir.path().display()
                ));
            }
        }
        // A listener that failed to bind makes mosquitto exit at once.
        let settle = Instant::now() + Duration::from_millis(150);
        while Instant::now() < settle {
            if let Ok(Some(status)) = broker.child.try_wait() {
                return Err(format!(
                    "mosquitto exited ({status}) on ports {:?}",
                    [Some(mqtt_port), ws_port, tls_port]
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(broker)
    }
}

impl Mosquitto {
    /// Stops the broker as an operator would (SIGTERM, so a persistent one
    /// saves its sessions) and starts it again with the same configuration
    /// on the same ports; returns when it listens again.
    pub fn restart(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let _ = self.child.wait();
        self.child = spawn_mosquitto(&self.dir.join("mosquitto.conf"));
        for port in [Some(self.mqtt_port), self.ws_port, self.tls_port]
            .into_iter()
            .flatten()
        {
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            assert!(
                wait_for_port(addr, Duration::from_secs(10)),
                "mosquitto did not listen again on {addr}"
            );
        }
    }
}

fn spawn_mosquitto(conf: &Path) -> Child {
    Command::new("mosquitto")
        .arg("-c")
        .arg(conf)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start mosquitto (apt-get install mosquitto)")
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Python of the workspace's venv `.tools/venv`, which `scripts/lib.sh`'s
/// `python_tools` makes with the tests' third-party clients (Eclipse Paho,
/// Huawei's SDK); panics with how to make it when it is missing.
pub fn venv_python() -> PathBuf {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/venv/bin/python");
    assert!(
        python.exists(),
        "paho-mqtt is not installed: run `bash -c 'source scripts/lib.sh && python_tools'` (scripts/test.sh does)"
    );
    python
}

/// Runs `mosquitto_pub` (a client nobody here wrote) with `args` against a
/// listener that only reads its CONNECT, never answers, and returns that
/// packet's bytes in hex, space-separated, as a capture shows them.
pub fn capture_mosquitto_pub_connect(args: &[&str]) -> String {
    use std::io::Read;
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a capture port");
    let port = listener.local_addr().expect("its port").port().to_string();
    let mut publisher = Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &port, "-t", "t", "-m", "m"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run mosquitto_pub (apt-get install mosquitto-clients)");
    let (mut stream, _) = listener.accept().expect("mosquitto_pub connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    let mut bytes = Vec::new();
    let mut buf = [0u8; 512];
    // The fixed header: the type byte, then the Remaining Length, a
    // variable-length integer of up to four bytes.
    let whole = |bytes: &[u8]| {
        let (mut length, mut shift) = (0usize, 0);
        for (i, b) in bytes.iter().enumerate().skip(1).take(4) {
            length |= usize::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                return bytes.len() >= i + 1 + length;
            }
        }
        false
    };
    while !whole(&bytes) {
        let n = stream.read(&mut buf).expect("read the CONNECT");
        assert!(
            n > 0,
            "mosquitto_pub closed before its CONNECT was complete"
        );
        bytes.extend_from_slice(&buf[..n]);
    }
    drop(stream);
    let _ = publisher.kill();
    let _ = publisher.wait();
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `openssl` with `args` in `dir`; panics with its stderr if it fails.
/// Returns its stdout.
pub fn openssl(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// With `openssl`: a self-signed P-256 CA `{name}.pem` / `{name}.key` in
/// `dir`, subject CN=`cn`, valid 30 days.
pub fn openssl_ca(dir: &Path, name: &str, cn: &str) {
    let (key, pem, subj) = (
        format!("{name}.key"),
        format!("{name}.pem"),
        format!("/CN={cn}"),
    );
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &pem,
            "-subj",
            &subj,
            "-days",
            "30",
        ],
    );
}

/// With `openssl`: a P-256 key `{name}.key` and CSR `{name}.csr` in `dir`
/// for `subject` (e.g. `/CN=device`).
pub fn openssl_key_and_csr(dir: &Path, name: &str, subject: &str) {
    let (key, csr) = (format!("{name}.key"), format!("{name}.csr"));
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &csr,
            "-subj",
            subject,
        ],
    );
}

/// With `openssl`: `{out}.pem` / `{out}.key` in `dir`, a P-256 certificate
/// of CN=`cn` issued by the CA `{ca}.pem` / `{ca}.key`, valid 30 days (an
/// X.509 v1 certificate: `openssl x509 -req` adds no extensions).
pub fn openssl_issue(dir: &Path, ca: &str, cn: &str, out: &str) {
    issue(dir, ca, cn, out, &[]);
}

/// [`openssl_issue`] as an X.509 v3 client certificate (basic constraints
/// CA:FALSE, digital signature, client authentication), which rustls
/// requires of a client it presents.
pub fn openssl_issue_client(dir: &Path, ca: &str, cn: &str, out: &str) {
    let ext = format!("{out}.ext");
    std::fs::write(
        dir.join(&ext),
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n",
    )
    .expect("write the extensions");
    issue(dir, ca, cn, out, &["-extfile", &ext]);
}

fn issue(dir: &Path, ca: &str, cn: &str, out: &str, extra: &[&str]) {
    let (csr, pem) = (format!("{out}.csr"), format!("{out}.pem"));
    let (ca_pem, ca_key) = (format!("{ca}.pem"), format!("{ca}.key"));
    openssl_key_and_csr(dir, out, &format!("/CN={cn}"));
    let args = [
        "x509",
        "-req",
        "-in",
        &csr,
        "-CA",
        &ca_pem,
        "-CAkey",
        &ca_key,
        "-CAcreateserial",
        "-out",
        &pem,
        "-days",
        "30",
    ];
    openssl(dir, &[&args[..], extra].concat());
}

/// The two JSON files of a console-shaped product-model ZIP that amplifies:
/// `profile/devicetype-capability.json` lists `refs` references to service
/// type `S`, and `service/S/profile/servicetype-capability.json` defines it
/// with `properties` properties of 128-character descriptions. Each
/// reference copies the whole definition when the model is built.
pub fn amplifying_model(refs: usize, properties: usize) -> [(&'static str, String); 2] {
    let mut device = String::from(r#"{"devices":[{"serviceTypeCapabilities":["#);
    for i in 0..refs {
        let comma = if i == 0 { "" } else { "," };
        let _ = write!(device, r#"{comma}{{"serviceId":"S{i}","serviceType":"S"}}"#);
    }
    device.push_str("]}]}");
    let description = "d".repeat(128);
    let mut service = String::from(r#"{"services":[{"serviceType":"S","properties":["#);
    for i in 0..properties {
        let comma = if i == 0 { "" } else { "," };
        let _ = write!(
            service,
            r#"{comma}{{"propertyName":"p{i}","dataType":"int","method":"R","description":"{description}"}}"#
        );
    }
    service.push_str("]}]}");
    [
        ("profile/devicetype-capability.json", device),
        ("service/S/profile/servicetype-capability.json", service),
    ]
}
