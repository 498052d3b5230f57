//! The MQTT session against a real mosquitto on 127.0.0.1, over a plain
//! `std::net` TCP socket. The test loop is the session's caller: it owns the
//! socket, reads with a short timeout, and passes the time measured here.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::Duration;

use iotda_core::mqtt::session::{
    Backoff, ConnectionState, Event, Instant, LostCause, Message, Options, Session,
    SubscribeOutcome, TransportAction,
};
use iotda_core::mqtt::{
    ConnectReasonCode, ProtocolVersion, QoS, Subscription, TopicFilter, TopicName,
};
use iotda_testkit::{BrokerConfig, Mosquitto};

/// How long any expected event may take.
const PATIENCE: Duration = Duration::from_secs(10);

fn broker() -> Mosquitto {
    Mosquitto::start(&BrokerConfig::default())
}

/// A session, its socket, and everything it reported.
struct Client {
    session: Session,
    addr: SocketAddr,
    stream: Option<TcpStream>,
    start: std::time::Instant,
    events: Vec<Event>,
}

impl Client {
    fn new(broker: &Mosquitto, options: Options) -> Self {
        Self {
            session: Session::new(options, 0x5EED).expect("valid options"),
            addr: SocketAddr::from(([127, 0, 0, 1], broker.mqtt_port)),
            stream: None,
            start: std::time::Instant::now(),
            events: Vec::new(),
        }
    }

    fn now(&self) -> Instant {
        Instant::from_millis(u64::try_from(self.start.elapsed().as_millis()).expect("ms fit"))
    }

    /// Writes what the session wants written and carries out its transport
    /// actions, until it wants nothing more.
    fn pump(&mut self) {
        loop {
            if let Some(bytes) = self.session.poll_transmit() {
                if let Some(stream) = &mut self.stream {
                    stream.write_all(&bytes).expect("write to mosquitto");
                }
            }
            match self.session.poll_transport() {
                Some(TransportAction::Open) => match TcpStream::connect(self.addr) {
                    Ok(stream) => {
                        stream.set_nodelay(true).expect("nodelay");
                        stream
                            .set_read_timeout(Some(Duration::from_millis(10)))
                            .expect("read timeout");
                        self.stream = Some(stream);
                        self.session.handle_connected(self.now());
                    }
                    Err(e) => self
                        .session
                        .handle_disconnected(self.now(), LostCause::said(&e)),
                },
                Some(TransportAction::Close) => {
                    self.stream = None;
                    self.session
                        .handle_disconnected(self.now(), LostCause::said("closed as asked"));
                }
                None => break,
            }
        }
        while let Some(event) = self.session.poll_event() {
            self.events.push(event);
        }
    }

    /// One turn of the caller's loop: timers, writes, one read.
    fn turn(&mut self) {
        self.session.handle_timeout(self.now());
        self.pump();
        let mut buf = [0u8; 4096];
        let read = match &mut self.stream {
            Some(stream) => stream.read(&mut buf),
            None => {
                std::thread::sleep(Duration::from_millis(10));
                return;
            }
        };
        match read {
            Ok(0) => {
                self.stream = None;
                self.session.handle_disconnected(
                    self.now(),
                    LostCause::said("the broker closed the connection"),
                );
            }
            Ok(n) => self.session.handle_bytes(self.now(), &buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => {
                self.stream = None;
                self.session
                    .handle_disconnected(self.now(), LostCause::said(&e));
            }
        }
        self.pump();
    }

    /// Runs the loop until the events so far satisfy `done`.
    fn wait_until(&mut self, what: &str, done: impl Fn(&[Event]) -> bool) {
        let deadline = std::time::Instant::now() + PATIENCE;
        while !done(&self.events) {
            assert!(
                std::time::Instant::now() < deadline,
                "no {what} within {PATIENCE:?}; events: {:#?}",
                self.events
            );
            self.turn();
        }
    }

    /// Runs the loop until an event (so far) matches `wanted`, and returns it.
    fn wait_for(&mut self, what: &str, wanted: impl Fn(&Event) -> bool) -> Event {
        self.wait_until(what, |events| events.iter().any(&wanted));
        self.events
            .iter()
            .find(|e| wanted(e))
            .cloned()
            .expect("found above")
    }

    /// Runs the loop for `d`, whatever happens.
    fn run_for(&mut self, d: Duration) {
        let until = std::time::Instant::now() + d;
        while std::time::Instant::now() < until {
            self.turn();
        }
    }

    fn connect(&mut self) {
        self.session.connect(self.now());
        self.wait_for("CONNACK", |e| matches!(e, Event::Connected(_)));
        assert_eq!(self.session.state(), ConnectionState::Connected);
    }

    fn messages(&self) -> Vec<&Message> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Message(m) => Some(m),
                _ => None,
            })
            .collect()
    }
}

fn options(version: ProtocolVersion, client_id: &str) -> Options {
    let mut o = Options::new(client_id);
    o.version = version;
    o.keep_alive = 60;
    o
}

fn versions() -> [ProtocolVersion; 2] {
    [ProtocolVersion::V3_1_1, ProtocolVersion::V5]
}

#[test]
fn publishes_at_every_qos_come_back_exactly_once() {
    let broker = broker();
    for version in versions() {
        let mut c = Client::new(
            &broker,
            options(version, &format!("loop-{}", version.level())),
        );
        c.connect();

        let filter = TopicFilter::new("kit/loop/#").expect("filter");
        let sub = c
            .session
            .subscribe(c.now(), vec![Subscription::new(filter, QoS::ExactlyOnce)])
            .expect("subscribe");
        let granted = c.wait_for(
            "SUBACK",
            |e| matches!(e, Event::Subscribed { id, .. } if *id == sub),
        );
        let Event::Subscribed { results, .. } = granted else {
            unreachable!()
        };
        assert_eq!(
            results[0].outcome,
            SubscribeOutcome::Granted(QoS::ExactlyOnce)
        );

        let mut ids = Vec::new();
        for (qos, name) in [
            (QoS::AtMostOnce, "zero"),
            (QoS::AtLeastOnce, "one"),
            (QoS::ExactlyOnce, "two"),
        ] {
            let topic = TopicName::new(format!("kit/loop/{name}")).expect("topic");
            let id = c
                .session
                .publish(c.now(), Message::new(topic, qos, name))
                .expect("publish");
            ids.push((id, qos));
        }
        for (id, qos) in ids {
            let done = c.wait_for("publish completion", |e| {
                matches!(e, Event::Published { id: done, .. } | Event::PublishFailed { id: done, .. } if *done == id)
            });
            assert_eq!(done, Event::Published { id, qos }, "{version}");
        }
        c.wait_for(
            "the QoS 2 message",
            |e| matches!(e, Event::Message(m) if m.payload == b"two"),
        );
        // Long enough for any duplicate to arrive.
        c.run_for(Duration::from_millis(300));
        let mut got: Vec<(String, QoS, String)> = c
            .messages()
            .iter()
            .map(|m| {
                (
                    m.topic.to_string(),
                    m.qos,
                    String::from_utf8_lossy(&m.payload).into_owned(),
                )
            })
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                ("kit/loop/one".into(), QoS::AtLeastOnce, "one".into()),
                ("kit/loop/two".into(), QoS::ExactlyOnce, "two".into()),
                ("kit/loop/zero".into(), QoS::AtMostOnce, "zero".into()),
            ],
            "{version}"
        );
        assert_eq!(c.session.in_flight(), 0);

        c.session.disconnect(c.now());
        c.pump();
        assert!(c.events.contains(&Event::Disconnected));
        assert!(c.stream.is_none(), "the socket is closed");
        assert_eq!(c.session.state(), ConnectionState::Disconnected);
        assert!(
            !c.events
                .iter()
                .any(|e| matches!(e, Event::ConnectionLost { .. })),
            "{:#?}",
            c.events
        );
    }
}

#[test]
fn an_idle_connection_pings_and_stays_up() {
    let broker = broker();
    for version in versions() {
        let mut o = options(version, &format!("ping-{}", version.level()));
        o.keep_alive = 1;
        let mut c = Client::new(&broker, o);
        c.connect();
        // Nothing is sent or received but pings: two round trips in a row.
        c.wait_until("two PINGRESPs", |events| {
            events
                .iter()
                .filter(|e| matches!(e, Event::Pong { .. }))
                .count()
                >= 2
        });
        for e in &c.events {
            if let Event::Pong { round_trip } = e {
                assert!(*round_trip < Duration::from_secs(1), "{round_trip:?}");
            }
        }
        assert_eq!(c.session.state(), ConnectionState::Connected);
        assert!(
            !c.events
                .iter()
                .any(|e| matches!(e, Event::ConnectionLost { .. })),
            "{:#?}",
            c.events
        );
    }
}

#[test]
fn a_lost_connection_comes_back_and_delivers_what_was_queued() {
    let broker = broker();
    for version in versions() {
        let mut o = options(version, &format!("again-{}", version.level()));
        o.clean_start = false;
        if version.is_v5() {
            // Without it an MQTT 5 session ends with its connection.
            o.session_expiry = Some(60);
        }
        o.reconnect = Some(
            Backoff::new(
                Duration::from_millis(50),
                Duration::from_millis(200),
                2.0,
                0.0,
            )
            .expect("backoff"),
        );
        let mut c = Client::new(&broker, o);
        c.connect();
        let filter = TopicFilter::new("kit/again").expect("filter");
        c.session
            .subscribe(c.now(), vec![Subscription::new(filter, QoS::AtLeastOnce)])
            .expect("subscribe");
        c.wait_for("SUBACK", |e| matches!(e, Event::Subscribed { .. }));

        // The network goes away under the session.
        c.stream
            .as_ref()
            .expect("connected")
            .shutdown(Shutdown::Both)
            .expect("shutdown");
        c.wait_for("the loss", |e| matches!(e, Event::ConnectionLost { .. }));
        c.events.clear();
        let topic = TopicName::new("kit/again").expect("topic");
        let id = c
            .session
            .publish(c.now(), Message::new(topic, QoS::AtLeastOnce, "queued"))
            .expect("queued");
        let connected = c.wait_for("the new connection", |e| matches!(e, Event::Connected(_)));
        assert!(
            matches!(connected, Event::Connected(ref info) if info.session_present),
            "the broker resumed the session: {connected:?}"
        );
        c.wait_for(
            "completion",
            |e| matches!(e, Event::Published { id: done, .. } if *done == id),
        );
        c.wait_for(
            "the queued message",
            |e| matches!(e, Event::Message(m) if m.payload == b"queued"),
        );
        c.session.disconnect(c.now());
        c.pump();
    }
}

#[test]
fn a_refusal_by_mosquitto_is_explained() {
    let broker = broker();
    // An empty client id needs a clean session [MQTT-3.1.3-7].
    let mut o = options(ProtocolVersion::V3_1_1, "");
    o.clean_start = false;
    let mut c = Client::new(&broker, o);
    c.session.connect(c.now());
    let refused = c.wait_for("CONNACK", |e| matches!(e, Event::Refused { .. }));
    let Event::Refused {
        refusal,
        reconnect_at,
    } = refused
    else {
        unreachable!()
    };
    assert_eq!(refusal.reason, ConnectReasonCode::ClientIdentifierNotValid);
    assert_eq!(refusal.code, 2);
    assert!(
        refusal.to_string().contains("client identifier"),
        "{refusal}"
    );
    assert_eq!(
        reconnect_at, None,
        "the same CONNECT would be refused again"
    );
    c.run_for(Duration::from_millis(50));
    assert!(c.stream.is_none());
    assert_eq!(c.session.state(), ConnectionState::Disconnected);
    assert!(!c.events.iter().any(|e| matches!(
        e,
        Event::ConnectionLost {
            cause: LostCause::Protocol(_),
            ..
        }
    )));
}

/// Publisher and subscriber sessions that resume across a broker restart.
fn resuming_options(version: ProtocolVersion, client_id: &str) -> Options {
    let mut o = options(version, client_id);
    o.clean_start = false;
    if version.is_v5() {
        o.session_expiry = Some(300);
    }
    o.reconnect = Some(
        Backoff::new(
            Duration::from_millis(50),
            Duration::from_millis(400),
            2.0,
            0.0,
        )
        .expect("backoff"),
    );
    o
}

#[test]
fn a_broker_restart_in_the_middle_of_a_qos1_stream_loses_nothing() {
    const COUNT: u32 = 200;
    let mut broker = Mosquitto::start(&BrokerConfig {
        persistent: true,
        ..BrokerConfig::default()
    });
    for version in versions() {
        let level = version.level();
        let topic_text = format!("kit/stream/{level}");
        let mut sub = Client::new(&broker, resuming_options(version, &format!("sub-{level}")));
        sub.connect();
        let filter = TopicFilter::new(topic_text.clone()).expect("filter");
        sub.session
            .subscribe(sub.now(), vec![Subscription::new(filter, QoS::AtLeastOnce)])
            .expect("subscribe");
        sub.wait_for("SUBACK", |e| matches!(e, Event::Subscribed { .. }));
        let mut publisher =
            Client::new(&broker, resuming_options(version, &format!("pub-{level}")));
        publisher.connect();

        let topic = TopicName::new(topic_text).expect("topic");
        for i in 1..=COUNT {
            publisher
                .session
                .publish(
                    publisher.now(),
                    Message::new(topic.clone(), QoS::AtLeastOnce, i.to_string()),
                )
                .expect("publish or queue");
            publisher.turn();
            sub.turn();
            if i == COUNT / 2 {
                broker.restart();
            }
        }
        let deadline = std::time::Instant::now() + PATIENCE * 3;
        let received = |c: &Client| {
            c.messages()
                .iter()
                .filter_map(|m| std::str::from_utf8(&m.payload).ok()?.parse::<u32>().ok())
                .collect::<std::collections::BTreeSet<u32>>()
        };
        let published = |c: &Client| {
            c.events
                .iter()
                .filter(|e| matches!(e, Event::Published { .. }))
                .count()
        };
        while received(&sub).len() < COUNT as usize || published(&publisher) < COUNT as usize {
            assert!(
                std::time::Instant::now() < deadline,
                "MQTT {level}: publisher has {} of {COUNT} acknowledged, subscriber has {} of \
                 {COUNT}; missing: {:?}",
                published(&publisher),
                received(&sub).len(),
                (1..=COUNT)
                    .filter(|i| !received(&sub).contains(i))
                    .collect::<Vec<_>>()
            );
            publisher.turn();
            sub.turn();
        }
        // Both sides lost their connection once and came back by themselves.
        for (who, c) in [("publisher", &publisher), ("subscriber", &sub)] {
            assert!(
                c.events
                    .iter()
                    .any(|e| matches!(e, Event::ConnectionLost { .. })),
                "MQTT {level}: the {who} saw the restart"
            );
            assert_eq!(c.session.state(), ConnectionState::Connected, "{who}");
        }
        assert_eq!(published(&publisher), COUNT as usize);
        assert_eq!(received(&sub), (1..=COUNT).collect());
        let duplicates = sub.messages().len() - COUNT as usize;
        println!("MQTT {level}: {COUNT} sent, {COUNT} received, {duplicates} duplicates (QoS 1)");
        publisher.session.disconnect(publisher.now());
        publisher.pump();
        sub.session.disconnect(sub.now());
        sub.pump();
    }
}
