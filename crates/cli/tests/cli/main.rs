//! Runs the built `iotda-kit` binary as a user would.
// Helpers outside #[test] functions unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod bridge;
mod cert;
mod credentials;
mod doctor;
mod doctor_live;
mod gateway;
mod inputs;
mod model;
mod mqtt;
mod ota;
mod packet;
mod payload;
mod platform;
mod restart;
mod serve;
mod simulate;
mod tls_name;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// The console's offline product-model ZIP of the core's tests (services
/// Battery, Connectivity, DM, Switch01).
pub const PROFILE_ZIP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../core/tests/fixtures/iotda/product_model_profile.zip"
);

/// Runs `iotda-kit` with `args`, without any IOTDA_* variable of the caller.
pub fn kit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iotda-kit"))
        .args(args)
        .env_remove("IOTDA_SECRET")
        .env_remove("IOTDA_KEY_PASSPHRASE")
        .output()
        .expect("run iotda-kit")
}

/// Like [`kit`], with path arguments.
pub fn kit_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iotda-kit"))
        .args(args)
        .current_dir(dir)
        .env_remove("IOTDA_SECRET")
        .env_remove("IOTDA_KEY_PASSPHRASE")
        .output()
        .expect("run iotda-kit")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8 output")
}

/// Asserts a command succeeded, showing its stderr otherwise.
pub fn ok(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    text(&out.stdout)
}

/// `iotda-kit` running in the background, its stdout and stderr read line
/// by line as they come. Killed on drop if it is still running.
pub struct Running {
    child: Option<Child>,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
}

impl Running {
    /// Starts `iotda-kit` with `args`, without any IOTDA_* variable of the
    /// caller.
    pub fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_iotda-kit"))
            .args(args)
            .env_remove("IOTDA_SECRET")
            .env_remove("IOTDA_PASSWORD")
            .env_remove("IOTDA_KEY_PASSPHRASE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start iotda-kit");
        let stdout = lines(child.stdout.take().expect("stdout"));
        let stderr = lines(child.stderr.take().expect("stderr"));
        Self {
            child: Some(child),
            stdout,
            stderr,
        }
    }

    /// The next stdout line for which `wanted` holds, skipping the others;
    /// panics after `within` or when the command ends first.
    pub fn stdout_until(&self, within: Duration, wanted: impl Fn(&str) -> bool) -> String {
        until(&self.stdout, within, wanted, "stdout")
    }

    /// The same, on stderr.
    pub fn stderr_until(&self, within: Duration, wanted: impl Fn(&str) -> bool) -> String {
        until(&self.stderr, within, wanted, "stderr")
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// Sends `signal` (`TERM`, `INT`) to this process, and no other.
    pub fn signal(&self, signal: &str) {
        let pid = self.pid().to_string();
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{signal} {pid}");
    }

    /// Waits for the command to exit: its exit code, and the stdout and
    /// stderr lines not read yet.
    pub fn finish(mut self) -> (Option<i32>, String, String) {
        let status = self.child.take().expect("running").wait().expect("wait");
        // The readers end with the pipes, which end with the process.
        let rest = |rx: &Receiver<String>| rx.iter().map(|l| l + "\n").collect::<String>();
        (status.code(), rest(&self.stdout), rest(&self.stderr))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `mosquitto_sub -d` on a broker's plain port: the witness, written by
/// nobody here, that a message reached the broker. Stopped on drop.
pub struct Witness {
    child: Child,
    stdout: Receiver<String>,
}

impl Witness {
    /// Subscribes to `topic` (QoS 1) on `127.0.0.1:port`; returns once the
    /// broker has acknowledged the subscription.
    pub fn start(port: u16, topic: &str) -> Self {
        // Line-buffered, or its debug lines wait in a pipe buffer.
        let mut child = Command::new("stdbuf")
            .args([
                "-oL",
                "mosquitto_sub",
                "-d",
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .args(["-t", topic, "-q", "1", "-C", "1", "-W", "30"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run mosquitto_sub");
        let stdout = lines(child.stdout.take().expect("stdout"));
        until(
            &stdout,
            Duration::from_secs(20),
            |l| l.contains("received SUBACK"),
            "mosquitto_sub",
        );
        Self { child, stdout }
    }

    /// The payload of the message it receives (its first line that is not
    /// debug output).
    pub fn received(&self, within: Duration) -> String {
        until(
            &self.stdout,
            within,
            |l| !l.starts_with("Client ") && !l.starts_with("Subscribed "),
            "mosquitto_sub",
        )
    }
}

impl Drop for Witness {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lines(pipe: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn until(
    rx: &Receiver<String>,
    within: Duration,
    wanted: impl Fn(&str) -> bool,
    name: &str,
) -> String {
    let deadline = Instant::now() + within;
    let mut skipped = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if wanted(&line) => return line,
            Ok(line) => skipped.push(line),
            Err(e) => panic!("no such line on {name} ({e}); got: {skipped:#?}"),
        }
    }
}
