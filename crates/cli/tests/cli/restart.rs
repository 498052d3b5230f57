//! A broker restart under `simulate` and `sub`, both with clean session
//! off (`--no-clean`), on a persistent mosquitto (it saves sessions and
//! queued messages when stopped): every QoS 1 report the simulator made
//! reaches the subscriber, in MQTT 3.1.1 and 5.

use std::collections::BTreeSet;
use std::time::Duration;

use iotda_testkit::{BrokerConfig, Mosquitto};
use serde_json::Value;

use super::mqtt::{port, Subscriber};
use super::Running;

const REPORTS: usize = 6;
const WAIT: Duration = Duration::from_secs(30);

#[test]
fn a_broker_restart_loses_no_report_between_simulate_and_sub() {
    let mut broker = Mosquitto::start(&BrokerConfig {
        persistent: true,
        ..BrokerConfig::default()
    });
    let port = port(&broker);
    for protocol in ["4", "5"] {
        let dev = format!("restart_v{protocol}");
        let topic = format!("$oc/devices/{dev}/sys/properties/report");
        let resuming = |client_id: &str, rest: &[&str]| -> Vec<String> {
            let connection = [
                "--host",
                "127.0.0.1",
                "--port",
                &port,
                "--protocol",
                protocol,
                "--client-id",
                client_id,
                "--no-clean",
            ];
            connection
                .iter()
                .chain(rest)
                .map(|s| s.to_string())
                .collect()
        };
        let watcher = format!("watch_v{protocol}");
        let sub = Subscriber::start(&strs(&resuming(
            &watcher,
            &["--topic", &topic, "--qos", "1", "--json"],
        )));
        let count = REPORTS.to_string();
        let mut sim_args = vec!["simulate".to_owned()];
        sim_args.extend(resuming(
            &dev,
            &[
                "--username",
                &dev,
                "--interval",
                "1",
                "--count",
                &count,
                "--seed",
                "7",
            ],
        ));
        let sim = Running::start(&strs(&sim_args));

        // Two reports through, then the broker stops and starts again.
        let mut received = BTreeSet::new();
        for _ in 0..2 {
            received.insert(payload(&sub.next(WAIT)));
        }
        broker.restart();

        let reported: BTreeSet<String> = (1..=REPORTS)
            .map(|n| {
                let line = sim.stdout_until(WAIT, |_| true);
                let prefix = format!("report {n} ");
                line.strip_prefix(&prefix)
                    .unwrap_or_else(|| panic!("MQTT {protocol}: {line}"))
                    .to_owned()
            })
            .collect();
        assert_eq!(reported.len(), REPORTS, "reports differ: {reported:#?}");
        let (code, _, stderr) = sim.finish();
        assert_eq!(code, Some(0), "MQTT {protocol}: simulate: {stderr}");
        assert!(
            stderr.contains("reconnecting"),
            "MQTT {protocol}: the simulator saw the restart: {stderr}"
        );

        // QoS 1: a report may come twice, none may be missing.
        while !reported.is_subset(&received) {
            received.insert(payload(&sub.next(WAIT)));
        }
        let (code, _, stderr) = sub.interrupt();
        assert_eq!(code, Some(0), "MQTT {protocol}: sub: {stderr}");
        assert!(
            stderr.contains("reconnecting"),
            "MQTT {protocol}: the subscriber saw the restart: {stderr}"
        );
        assert_eq!(received, reported, "MQTT {protocol}");
    }
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// The payload of a `sub --json` line.
fn payload(line: &str) -> String {
    let line: Value = serde_json::from_str(line).expect("sub --json line");
    line["payload"].as_str().expect("text payload").to_owned()
}
