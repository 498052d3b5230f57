//! The MQTT broker behind the access layer: by default Debian's `mosquitto`
//! started and supervised on 127.0.0.1, or an external broker given as
//! `mqtt://user:pass@host:port`.
//!
//! The supervised mosquitto listens on a free loopback port, admits only
//! the user and password in its password file (made with
//! `mosquitto_passwd -b`, a random password only the platform knows) and
//! keeps its sessions in `<data>/mosquitto/`, saved after every change
//! (`autosave_on_changes`), so persistent sessions and queued QoS 1
//! messages survive a restart. When it exits on its own it is started
//! again on the same port; on shutdown it gets SIGTERM (by PID) and is
//! waited for.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::process::{Child, Command};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::log::{Event, LogSink};

/// How long mosquitto has to listen after it is started.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// Which broker to use.
#[derive(Debug, Clone)]
pub enum BrokerChoice {
    /// Start and supervise mosquitto, keeping its files in this folder.
    Supervised {
        /// The platform's data folder (mosquitto's files go in
        /// `mosquitto/` under it).
        data_dir: PathBuf,
    },
    /// Use a running broker.
    External(BrokerEndpoint),
}

/// Where the access layer opens its broker connections, and with which
/// credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct BrokerEndpoint {
    /// `host:port`.
    pub addr: String,
    /// User name, if the broker wants one.
    pub username: Option<String>,
    /// Password, if the broker wants one.
    pub password: Option<String>,
}

impl fmt::Debug for BrokerEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BrokerEndpoint")
            .field("addr", &self.addr)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[elided]"))
            .finish()
    }
}

impl BrokerEndpoint {
    /// Parses `mqtt://[user[:pass]@]host:port`.
    pub fn parse(url: &str) -> Result<Self, Error> {
        let bad = |why: &str| Error::BadUrl {
            url: url.to_string(),
            why: why.to_string(),
        };
        let rest = url
            .strip_prefix("mqtt://")
            .ok_or_else(|| bad("it must start with mqtt://"))?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let (userinfo, hostport) = match rest.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, rest),
        };
        let (host, port) = hostport
            .rsplit_once(':')
            .ok_or_else(|| bad("it needs a port, e.g. mqtt://127.0.0.1:1883"))?;
        if host.is_empty() || port.parse::<u16>().is_err() {
            return Err(bad("the host is empty or the port is not a number 0-65535"));
        }
        let (username, password) = match userinfo {
            Some(u) => match u.split_once(':') {
                Some((user, pass)) => (Some(user.to_string()), Some(pass.to_string())),
                None => (Some(u.to_string()), None),
            },
            None => (None, None),
        };
        Ok(Self {
            addr: hostport.to_string(),
            username,
            password,
        })
    }
}

/// Why the broker could not be started.
#[derive(Debug)]
pub enum Error {
    /// `--broker` is not `mqtt://user:pass@host:port`.
    BadUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        why: String,
    },
    /// A file or process operation failed.
    Io {
        /// What was being done.
        what: String,
        /// The OS error.
        error: std::io::Error,
    },
    /// mosquitto exited or did not listen in time.
    DidNotStart {
        /// What was seen.
        detail: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadUrl { url, why } => write!(
                f,
                "broker URL {url:?}: {why}; write mqtt://user:pass@host:port"
            ),
            Self::Io { what, error } => write!(f, "{what}: {error}"),
            Self::DidNotStart { detail } => write!(
                f,
                "mosquitto did not start: {detail}; is Debian's mosquitto installed (apt-get install mosquitto)?"
            ),
        }
    }
}

impl std::error::Error for Error {}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
    let what = what.into();
    move |error| Error::Io { what, error }
}

/// The broker in use: its endpoint, and the supervisor of a mosquitto the
/// platform started.
#[derive(Debug)]
pub struct Broker {
    endpoint: BrokerEndpoint,
    supervisor: Option<Supervisor>,
}

#[derive(Debug)]
struct Supervisor {
    pid: Arc<AtomicU32>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Broker {
    /// Starts (or, for an external broker, just records) the broker.
    pub async fn start(choice: BrokerChoice, log: LogSink) -> Result<Self, Error> {
        match choice {
            BrokerChoice::External(endpoint) => Ok(Self {
                endpoint,
                supervisor: None,
            }),
            BrokerChoice::Supervised { data_dir } => Self::supervise(&data_dir, log).await,
        }
    }

    /// Where to connect and with which credentials.
    pub fn endpoint(&self) -> &BrokerEndpoint {
        &self.endpoint
    }

    /// The supervised mosquitto's current process id (`None` for an
    /// external broker).
    pub fn pid(&self) -> Option<u32> {
        self.supervisor
            .as_ref()
            .map(|s| s.pid.load(Ordering::SeqCst))
    }

    /// Stops a supervised mosquitto (SIGTERM, so it saves its sessions) and
    /// waits for it.
    pub async fn shutdown(self) {
        if let Some(s) = self.supervisor {
            let _ = s.stop.send(true);
            let _ = s.task.await;
        }
    }

    async fn supervise(data_dir: &Path, log: LogSink) -> Result<Self, Error> {
        let dir = data_dir.join("mosquitto");
        std::fs::create_dir_all(&dir).map_err(io(format!("create {}", dir.display())))?;
        let password = random_hex(32)?;
        let username = "iotda-platform".to_string();
        let passwd = dir.join("passwd");
        let _ = std::fs::remove_file(&passwd);
        let status = Command::new("mosquitto_passwd")
            .arg("-c")
            .arg("-b")
            .arg(&passwd)
            .arg(&username)
            .arg(&password)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .await
            .map_err(io("run mosquitto_passwd (apt-get install mosquitto)"))?;
        if !status.success() {
            return Err(Error::DidNotStart {
                detail: format!("mosquitto_passwd exited with {status}"),
            });
        }
        let conf = dir.join("mosquitto.conf");
        let user = if is_root().await { "user root\n" } else { "" };
        let mut last = String::new();
        // The port is found free and then bound by mosquitto; another
        // process may take it in between, so try a few.
        for _ in 0..5 {
            let port = free_port()?;
            let text = format!(
                "# Written by the IoTDA Kit platform at each start.\n\
                 {user}listener {port} 127.0.0.1\n\
                 socket_domain ipv4\n\
                 allow_anonymous false\n\
                 password_file {passwd}\n\
                 persistence true\n\
                 persistence_location {dir}/\n\
                 autosave_interval 1\n\
                 autosave_on_changes true\n\
                 max_queued_messages 0\n\
                 log_dest stderr\n\
                 log_type error\n",
                passwd = passwd.display(),
                dir = dir.display(),
            );
            std::fs::write(&conf, text).map_err(io(format!("write {}", conf.display())))?;
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            match spawn(&conf, addr).await {
                Ok(child) => {
                    let pid = Arc::new(AtomicU32::new(child.id().unwrap_or(0)));
                    log(Event::BrokerStarted {
                        pid: pid.load(Ordering::SeqCst),
                        addr,
                    });
                    let (stop, stopped) = watch::channel(false);
                    let task = tokio::spawn(watch_over(
                        child,
                        conf.clone(),
                        addr,
                        pid.clone(),
                        stopped,
                        log,
                    ));
                    return Ok(Self {
                        endpoint: BrokerEndpoint {
                            addr: addr.to_string(),
                            username: Some(username),
                            password: Some(password),
                        },
                        supervisor: Some(Supervisor { pid, stop, task }),
                    });
                }
                Err(e) => last = e.to_string(),
            }
        }
        Err(Error::DidNotStart { detail: last })
    }
}

/// Restarts mosquitto whenever it exits, until told to stop.
async fn watch_over(
    mut child: Child,
    conf: PathBuf,
    addr: SocketAddr,
    pid: Arc<AtomicU32>,
    mut stop: watch::Receiver<bool>,
    log: LogSink,
) {
    loop {
        tokio::select! {
            status = child.wait() => {
                let status = status.map_or_else(|e| e.to_string(), |s| s.to_string());
                log(Event::BrokerDied { pid: pid.load(Ordering::SeqCst), status });
                // Restart on the same port, so that the access layer's
                // endpoint stays right; retry while the port is released.
                loop {
                    if *stop.borrow() {
                        return;
                    }
                    match spawn(&conf, addr).await {
                        Ok(c) => {
                            child = c;
                            pid.store(child.id().unwrap_or(0), Ordering::SeqCst);
                            log(Event::BrokerStarted { pid: pid.load(Ordering::SeqCst), addr });
                            break;
                        }
                        Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
                    }
                }
            }
            _ = stop.changed() => {
                if let Some(id) = child.id() {
                    let _ = Command::new("kill").arg("-TERM").arg(id.to_string()).status().await;
                }
                if tokio::time::timeout(Duration::from_secs(5), child.wait()).await.is_err() {
                    let _ = child.kill().await;
                }
                return;
            }
        }
    }
}

/// util-linux's setpriv, present on every Debian and most Linux systems.
const SETPRIV: &str = "/usr/bin/setpriv";
/// setpriv's exit status when the program it runs is not found.
const NOT_FOUND: i32 = 127;

/// Starts mosquitto with `conf` and waits until it accepts on `addr`.
async fn spawn(conf: &Path, addr: SocketAddr) -> Result<Child, Error> {
    let mut command = if Path::new(SETPRIV).exists() {
        // The broker goes with the platform even when the platform is
        // killed (kill -9 leaves no task to stop it): util-linux's setpriv
        // sets the parent-death signal, then runs mosquitto as the same
        // process. The signal fires when the spawning thread ends; this
        // runs on the runtime's worker threads, which live as long as the
        // platform.
        let mut c = Command::new(SETPRIV);
        c.args(["--pdeathsig", "TERM", "mosquitto"]);
        c
    } else {
        Command::new("mosquitto")
    };
    let mut child = command
        .arg("-c")
        .arg(conf)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(io("run mosquitto (apt-get install mosquitto)"))?;
    let deadline = tokio::time::Instant::now() + START_TIMEOUT;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let detail = if status.code() == Some(NOT_FOUND) {
                "mosquitto is not installed (apt-get install mosquitto)".to_string()
            } else {
                format!("it exited with {status} (port {} taken?)", addr.port())
            };
            return Err(Error::DidNotStart { detail });
        }
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            return Ok(child);
        }
        if tokio::time::Instant::now() > deadline {
            let _ = child.kill().await;
            return Err(Error::DidNotStart {
                detail: format!("nothing listens on {addr} after {START_TIMEOUT:?}"),
            });
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// mosquitto run as root drops to the user `mosquitto`, who cannot write
/// the data folder; as root it is told to stay root.
async fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .await
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

fn free_port() -> Result<u16, Error> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(io("find a free port for mosquitto"))
}

/// `bytes` random bytes from the OS, as lowercase hex.
pub(crate) fn random_hex(bytes: usize) -> Result<String, Error> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| Error::Io {
        what: "read OS randomness".into(),
        error: std::io::Error::other(e.to_string()),
    })?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broker_urls_parse_and_bad_ones_say_why() {
        let e = BrokerEndpoint::parse("mqtt://user:p%ss@10.0.0.1:1883").expect("parsed");
        assert_eq!(e.addr, "10.0.0.1:1883");
        assert_eq!(e.username.as_deref(), Some("user"));
        assert_eq!(e.password.as_deref(), Some("p%ss"));
        assert!(!format!("{e:?}").contains("p%ss"));
        let plain = BrokerEndpoint::parse("mqtt://localhost:1883").expect("parsed");
        assert_eq!(plain.username, None);
        for bad in ["tcp://h:1", "mqtt://h", "mqtt://:1883", "mqtt://h:99999"] {
            let err = BrokerEndpoint::parse(bad).expect_err(bad);
            assert!(
                err.to_string().contains("mqtt://user:pass@host:port"),
                "{err}"
            );
        }
    }
}
