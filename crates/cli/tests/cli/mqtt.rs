//! `iotda-kit pub` and `sub` against a real mosquitto: plain MQTT 3.1, 3.1.1 and
//! 5, IoTDA credentials checked by a password file, and mutual TLS with
//! certificates made by `iotda-kit cert`.

use std::process::{Command, Stdio};
use std::time::Duration;

use iotda_testkit::{chmod, BrokerConfig, Mosquitto, Scratch};

use super::cert::mtls_broker;
use super::{kit, kit_in, ok, text, Running};

/// `iotda-kit sub` running in the background; `start` returns once the
/// broker has granted the subscriptions.
pub struct Subscriber(Running);

impl Subscriber {
    pub fn start(args: &[&str]) -> Self {
        let sub = Running::start(&[&["sub"][..], args].concat());
        let line = sub.stderr_until(Duration::from_secs(20), |_| true);
        assert!(line.starts_with("subscribed to "), "{line}");
        Self(sub)
    }

    /// The next message it prints (one per line).
    pub fn next(&self, within: Duration) -> String {
        self.0.stdout_until(within, |_| true)
    }

    /// Waits for the subscriber to exit; its exit code, stdout and stderr.
    pub fn finish(self) -> (Option<i32>, String, String) {
        self.0.finish()
    }

    /// Ctrl-C, then [`Subscriber::finish`].
    pub fn interrupt(self) -> (Option<i32>, String, String) {
        self.0.signal("INT");
        self.0.finish()
    }
}

pub fn port(broker: &Mosquitto) -> String {
    broker.mqtt_port.to_string()
}

#[test]
fn sub_receives_what_pub_sends_at_every_qos_in_mqtt_3_1_3_1_1_and_5() {
    let broker = Mosquitto::start(&BrokerConfig::default());
    let port = port(&broker);
    // 3 is MQTT 3.1 ("MQIsdp", level 3), which mosquitto also speaks.
    for protocol in ["3", "4", "5"] {
        let topic = format!("kit/v{protocol}");
        let filter = format!("{topic}/#");
        let sub = Subscriber::start(&[
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--protocol",
            protocol,
            "--topic",
            &filter,
            "--qos",
            "2",
            "--count",
            "4",
            "--timeout",
            "30",
            "--json",
        ]);
        for qos in ["0", "1", "2"] {
            ok(&kit(&[
                "pub",
                "--host",
                "127.0.0.1",
                "--port",
                &port,
                "--protocol",
                protocol,
                "--topic",
                &format!("{topic}/q{qos}"),
                "--message",
                &format!("{{\"qos\":{qos}}}"),
                "--qos",
                qos,
            ]));
        }
        // Not UTF-8: printed as hex.
        let mut pub_stdin = Command::new(env!("CARGO_BIN_EXE_iotda-kit"))
            .args([
                "pub",
                "--host",
                "127.0.0.1",
                "--port",
                &port,
                "--protocol",
                protocol,
            ])
            .args([
                "--topic",
                &format!("{topic}/bin"),
                "--message",
                "-",
                "--qos",
                "1",
            ])
            .stdin(Stdio::piped())
            .spawn()
            .expect("start pub");
        {
            use std::io::Write;
            let mut stdin = pub_stdin.stdin.take().expect("stdin");
            stdin.write_all(&[0xff, 0x00, 0x41]).expect("write stdin");
        }
        assert!(pub_stdin.wait().expect("wait").success());

        let (code, stdout, stderr) = sub.finish();
        assert_eq!(code, Some(0), "v{protocol}: {stderr}");
        let lines: Vec<serde_json::Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
            .collect();
        assert_eq!(lines.len(), 4, "v{protocol}: {stdout}");
        for (line, qos) in lines.iter().zip([0, 1, 2]) {
            assert_eq!(line["topic"], format!("{topic}/q{qos}"));
            assert_eq!(line["qos"], qos);
            assert_eq!(line["payload"], format!("{{\"qos\":{qos}}}"));
            assert_eq!(line["retain"], false);
        }
        assert_eq!(lines[3]["payload_hex"], "ff0041");
        assert!(lines[3].get("payload").is_none());
    }
}

#[test]
fn iotda_device_credentials_are_accepted_and_a_wrong_secret_is_refused_in_words() {
    let dir = Scratch::new("mqtt-passwd");
    let d = dir.path();
    let creds = ok(&kit(&[
        "credentials",
        "--device-id",
        "5f8d_node1",
        "--secret",
        "12345678",
        "--timestamp",
        "2025041401",
        "--json",
    ]));
    let creds: serde_json::Value = serde_json::from_str(creds.trim()).expect("JSON");
    let password = creds["password"].as_str().expect("password");
    let status = Command::new("mosquitto_passwd")
        .args(["-b", "-c", "passwd", "5f8d_node1", password])
        .current_dir(d)
        .status()
        .expect("run mosquitto_passwd");
    assert!(status.success());
    chmod(d, 0o755);
    chmod(&d.join("passwd"), 0o644);
    let broker = Mosquitto::start(&BrokerConfig {
        password_file: Some(d.join("passwd")),
        ..BrokerConfig::default()
    });
    let port = port(&broker);
    let publish = |secret: &str| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_iotda-kit"));
        cmd.args(["pub", "--host", "127.0.0.1", "--port", &port])
            .args(["--device-id", "5f8d_node1", "--timestamp", "2025041401"])
            .args([
                "--topic",
                "$oc/devices/5f8d_node1/sys/properties/report",
                "--message",
                r#"{"services":[{"service_id":"Battery","properties":{"batteryLevel":80}}]}"#,
                "--qos",
                "1",
            ])
            .env("IOTDA_SECRET", secret);
        cmd.output().expect("run pub")
    };
    ok(&publish("12345678"));
    let refused = publish("87654321");
    let stderr = text(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("refused the connection"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn mutual_tls_with_our_certificates_and_clear_refusals() {
    let dir = Scratch::new("mqtt-mtls");
    let d = dir.path();
    let broker = mtls_broker(d);
    let port = broker.tls_port.expect("tls port").to_string();
    let publish = |extra: &[&str]| {
        kit_in(
            d,
            &[
                &[
                    "pub",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    &port,
                    "--ca",
                    "rootCA.pem",
                ][..],
                extra,
                &["--topic", "mtls/test", "--message", "hello", "--qos", "1"],
            ]
            .concat(),
        )
    };
    // A subscriber over TLS with the device certificate receives what the
    // publisher, also over TLS with it, sends at QoS 1.
    let abs = |f: &str| d.join(f).display().to_string();
    let (ca, cert, key) = (
        abs("rootCA.pem"),
        abs("deviceCert.pem"),
        abs("deviceCert.key"),
    );
    let sub = Subscriber::start(&[
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--ca",
        &ca,
        "--cert",
        &cert,
        "--key",
        &key,
        "--topic",
        "mtls/#",
        "--qos",
        "1",
        "--count",
        "1",
        "--timeout",
        "30",
    ]);
    ok(&publish(&[
        "--cert",
        "deviceCert.pem",
        "--key",
        "deviceCert.key",
    ]));
    let (code, stdout, stderr) = sub.finish();
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.trim(), "mtls/test hello");
    for (extra, why) in [
        (
            &[
                "--cert",
                "other/deviceCert.pem",
                "--key",
                "other/deviceCert.key",
            ][..],
            "another CA",
        ),
        (&[][..], "no certificate"),
    ] {
        let out = publish(extra);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{why}: {stderr}");
        assert!(
            stderr.contains("client certificate"),
            "{why}: the refusal names the fix: {stderr}"
        );
    }
    // A broker certificate from a CA we were not told to trust.
    let out = kit_in(
        d,
        &[
            "pub",
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--ca",
            "other/rootCA.pem",
            "--cert",
            "deviceCert.pem",
            "--key",
            "deviceCert.key",
            "--topic",
            "t",
            "--message",
            "m",
        ],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--ca"), "{stderr}");
}

#[test]
fn bad_input_is_one_line_with_exit_2() {
    let dir = Scratch::new("mqtt-bad");
    let d = dir.path();
    std::fs::write(d.join("garbage.pem"), "not a certificate").expect("write");
    let base = [
        "pub",
        "--host",
        "127.0.0.1",
        "--port",
        "1",
        "--topic",
        "t",
        "--message",
        "m",
    ];
    let cases: &[(&[&str], &str)] = &[
        (&["--qos", "3"], "--qos"),
        (&["--protocol", "6"], "--protocol"),
        (&["--session-expiry", "60"], "--session-expiry"),
        (&["--cert", "garbage.pem"], "--key"),
        (
            &["--device-id", "d", "--client-id", "c"],
            "cannot be used with",
        ),
        (&["--device-id", "bad id!"], "--device-id"),
        (
            &["--device-id", "d", "--timestamp", "2025133301"],
            "--timestamp",
        ),
        (&["--ca", "garbage.pem"], "garbage.pem"),
        (&["--ca", "missing.pem"], "missing.pem"),
    ];
    for (extra, must_contain) in cases {
        let args = [&base[..], extra].concat();
        let out = kit_in(d, &args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{extra:?}: {stderr}");
        assert!(stderr.contains(must_contain), "{extra:?}: {stderr}");
    }
    let out = kit(&["sub", "--host", "127.0.0.1", "--topic", "a/#/b"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--topic"));
    // Nothing listens on port 1: a failure to run (exit 1), not bad input.
    let out = kit(&[
        "pub",
        "--host",
        "127.0.0.1",
        "--port",
        "1",
        "-t",
        "t",
        "-m",
        "m",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot connect to 127.0.0.1:1"));
}

#[test]
fn a_broker_speaking_only_mqtt_3_1_1_is_named_and_3_1_1_offered() {
    use std::io::{Read, Write};
    // A 3.1.1-only broker, as far as a 5.0 CONNECT sees it: it reads the
    // CONNECT and answers with a 3.1.1 CONNACK "unacceptable protocol
    // version" (mosquitto 2.0 speaks 5.0, so it cannot play this part).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port().to_string();
    let broker = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        let mut connect = [0u8; 2];
        stream.read_exact(&mut connect).expect("read CONNECT");
        assert_eq!(connect[0], 0x10, "a CONNECT comes first");
        stream.write_all(&[0x20, 0x02, 0x00, 0x01]).expect("write");
        // Until the client closes.
        let _ = stream.read_to_end(&mut Vec::new());
    });
    let out = kit(&[
        "pub",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--protocol",
        "5",
        "--topic",
        "t",
        "--message",
        "m",
    ]);
    broker.join().expect("the broker thread");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("the broker speaks only MQTT 3.1.1") && stderr.contains("--protocol 4"),
        "{stderr}"
    );
}

#[test]
fn a_password_in_clear_beyond_loopback_is_warned_about() {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never routed, so nothing is sent;
    // the warning comes before the connection is tried.
    let publish = |extra: &[&str]| {
        kit(&[
            &[
                "pub",
                "--host",
                "192.0.2.1",
                "--connect-timeout",
                "1",
                "-t",
                "t",
                "-m",
                "m",
            ][..],
            extra,
        ]
        .concat())
    };
    let out = publish(&["--port", "1883", "--username", "u", "--password", "p"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr
            .starts_with("warning: the password goes to 192.0.2.1 (192.0.2.1:1883) in clear text"),
        "{stderr}"
    );
    assert!(stderr.contains("--tls"), "{stderr}");
    // IoTDA credentials too.
    let out = publish(&["--device-id", "p_n", "--secret", "12345678"]);
    assert!(text(&out.stderr).starts_with("warning: the password goes to"));
    // With TLS, or without a password: no warning.
    for extra in [
        &["--tls", "--username", "u", "--password", "p"][..],
        &["--username", "u"][..],
    ] {
        let out = publish(extra);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{extra:?}: {stderr}");
        assert!(!stderr.contains("warning"), "{extra:?}: {stderr}");
    }
    // On loopback the password never leaves the machine.
    let broker = Mosquitto::start(&BrokerConfig::default());
    let out = kit(&[
        "pub",
        "--host",
        "127.0.0.1",
        "--port",
        &port(&broker),
        "--username",
        "u",
        "--password",
        "p",
        "-t",
        "t",
        "-m",
        "m",
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn tls_with_a_client_certificate_to_a_plain_port_names_the_port_not_the_certificate() {
    let dir = Scratch::new("mqtt-tls-plain");
    let d = dir.path();
    let broker = mtls_broker(d);
    // The broker's plain MQTT listener, spoken to in TLS with every file given.
    let plain = port(&broker);
    for command in ["pub", "sub"] {
        // `sub` tries again until its timeout, saying why each time.
        let what: &[&str] = if command == "pub" {
            &["--message", "m"]
        } else {
            &["--count", "1", "--timeout", "2"]
        };
        let out = kit_in(
            d,
            &[
                &[
                    command,
                    "--host",
                    "127.0.0.1",
                    "--port",
                    &plain,
                    "--tls",
                    "--ca",
                    "rootCA.pem",
                    "--cert",
                    "deviceCert.pem",
                    "--key",
                    "deviceCert.key",
                    "--topic",
                    "t",
                ][..],
                what,
            ]
            .concat(),
        );
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "127.0.0.1:{plain} answers plain MQTT, not TLS (it closed the TLS handshake"
            )),
            "{command}: {stderr}"
        );
        assert!(
            stderr.contains("check --port (IoTDA: 8883 is MQTTS, 1883 plain MQTT)")
                && stderr.contains("drop --tls"),
            "{command}: {stderr}"
        );
        assert!(
            !stderr.contains("client certificate"),
            "{command}: the certificate was given: {stderr}"
        );
    }
}

#[test]
fn a_secret_outside_iotda_s_rule_is_warned_about_once_as_credentials_does() {
    let broker = Mosquitto::start(&BrokerConfig::default());
    let port = port(&broker);
    let warning = "warning: secret is 4 characters; IoTDA secrets are 8-32, so the platform \
                   will likely reject this password\n";
    let expected = text(&kit(&["credentials", "--device-id", "p_n", "--secret", "abcd"]).stderr);
    assert_eq!(expected, warning, "credentials' own warning");
    // `pub` as `p_n` with `secret` through IOTDA_SECRET.
    let publish = |secret: &str| {
        Command::new(env!("CARGO_BIN_EXE_iotda-kit"))
            .args(["pub", "--host", "127.0.0.1", "--port", &port])
            .args(["--device-id", "p_n", "--topic", "t", "--message", "m"])
            .env("IOTDA_SECRET", secret)
            .stdin(Stdio::null())
            .output()
            .expect("run iotda-kit")
    };
    // The broker (anonymous) accepts; the warning is all there is on stderr.
    let out = publish("abcd");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), warning);
    // Through --secret, to `simulate`: once, however many reports follow.
    let out = kit(&[
        "simulate",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--device-id",
        "p_n",
        "--secret",
        "abc def!x",
        "--interval",
        "1",
        "--count",
        "2",
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stderr.matches("warning: secret contains").count(),
        1,
        "{stderr}"
    );
    // A secret within the rule: no warning.
    let out = publish("12345678");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn pub_says_what_was_acknowledged_on_a_terminal_and_nothing_to_a_script() {
    let broker = Mosquitto::start(&BrokerConfig::default());
    let port = port(&broker);
    let args = [
        "pub",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--topic",
        "kit/tty",
        "--message",
        "hi",
        "--qos",
        "1",
    ];
    // Not a terminal: silent, as scripts expect.
    let out = kit(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    assert_eq!(text(&out.stdout), "");
    // A terminal (util-linux `script` gives the command a pseudo-terminal).
    let line = format!("{} {}", env!("CARGO_BIN_EXE_iotda-kit"), args.join(" "));
    let out = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .stdin(Stdio::null())
        .env_remove("IOTDA_SECRET")
        .output()
        .expect("run script (util-linux)");
    let shown = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert_eq!(
        shown.trim_end(),
        "published 1 message to kit/tty (QoS 1, acknowledged)"
    );
}
