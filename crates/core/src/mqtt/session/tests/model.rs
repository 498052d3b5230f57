//! A model test: random requests, lost connections and resumed or new
//! sessions against a broker that answers everything. Whatever happens,
//! every publish is reported done exactly once, QoS 1 and 2 messages reach
//! the broker, and the session never sees a protocol violation.

use std::collections::{BTreeMap, BTreeSet};

use proptest::collection::vec;
use proptest::prelude::*;

use super::*;
use crate::mqtt::{
    PubAck, PubComp, PubRec, QosPid, SubAck, SubAckReasonCode, Subscribe, UnsubAck,
    UnsubAckReasonCode, Unsubscribe,
};

#[derive(Debug, Clone)]
enum Op {
    Publish(QoS),
    Subscribe,
    /// The broker reads what the client wrote, and prepares its answers.
    BrokerReads,
    /// The broker's answers arrive.
    BrokerAnswers,
    /// The connection drops: unread bytes and unsent answers are lost.
    Drop,
    /// A new transport; the broker resumes the session or starts afresh.
    Reconnect {
        session_present: bool,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => prop_oneof![
            Just(QoS::AtMostOnce),
            Just(QoS::AtLeastOnce),
            Just(QoS::ExactlyOnce)
        ]
        .prop_map(Op::Publish),
        1 => Just(Op::Subscribe),
        3 => Just(Op::BrokerReads),
        3 => Just(Op::BrokerAnswers),
        1 => Just(Op::Drop),
        1 => any::<bool>().prop_map(|session_present| Op::Reconnect { session_present }),
    ]
}

/// The broker's answer to one client packet.
fn answer(packet: &Packet, version: ProtocolVersion) -> Option<Packet> {
    Some(match packet {
        Packet::Publish(p) => match p.qos_pid {
            QosPid::AtMostOnce => return None,
            QosPid::AtLeastOnce(pid) => Packet::PubAck(PubAck::new(pid)),
            QosPid::ExactlyOnce(pid) => Packet::PubRec(PubRec::new(pid)),
        },
        Packet::PubRel(r) => Packet::PubComp(PubComp::new(r.pid)),
        Packet::Subscribe(Subscribe { pid, filters, .. }) => Packet::SubAck(SubAck::new(
            *pid,
            vec![SubAckReasonCode::GrantedQos1; filters.len()],
        )),
        Packet::Unsubscribe(Unsubscribe { pid, filters, .. }) => {
            let reasons = if version.is_v5() {
                vec![UnsubAckReasonCode::Success; filters.len()]
            } else {
                vec![]
            };
            Packet::UnsubAck(UnsubAck::new(*pid, reasons))
        }
        Packet::PingReq => Packet::PingResp,
        _ => return None,
    })
}

struct Model {
    h: Harness,
    up: bool,
    answers: Vec<u8>,
    /// Request id of each publish, its QoS and payload (unique).
    published: BTreeMap<RequestId, (QoS, String)>,
    /// How often each request was reported done.
    done: BTreeMap<RequestId, u32>,
    /// Payloads of QoS 1 and 2 messages the broker received.
    received: BTreeSet<String>,
}

impl Model {
    fn new(version: ProtocolVersion) -> Self {
        let mut o = options(version);
        o.clean_start = false;
        o.keep_alive = 0;
        o.reconnect = None;
        let mut h = Harness::new(o);
        h.open();
        h.connack(false);
        Self {
            h,
            up: true,
            answers: Vec::new(),
            published: BTreeMap::new(),
            done: BTreeMap::new(),
            received: BTreeSet::new(),
        }
    }

    fn apply(&mut self, op: Op) -> Result<(), TestCaseError> {
        let h = &mut self.h;
        match op {
            Op::Publish(qos) => {
                let payload = (self.published.len() + 1).to_string();
                let id =
                    h.s.publish(h.at(), message("m", qos, &payload))
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                self.published.insert(id, (qos, payload));
            }
            Op::Subscribe => {
                h.s.subscribe(
                    h.at(),
                    vec![Subscription::new(filter("m"), QoS::AtLeastOnce)],
                )
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            }
            Op::BrokerReads if self.up => {
                for packet in h.sent() {
                    if let Packet::Publish(p) = &packet {
                        if p.qos_pid != QosPid::AtMostOnce {
                            self.received
                                .insert(String::from_utf8_lossy(&p.payload).into_owned());
                        }
                    }
                    if let Some(a) = answer(&packet, h.version) {
                        self.answers.extend(encode(&a, h.version));
                    }
                }
            }
            Op::BrokerAnswers if self.up => {
                let answers = std::mem::take(&mut self.answers);
                h.s.handle_bytes(h.at(), &answers);
            }
            Op::Drop if self.up => {
                h.closed();
                self.answers.clear();
                self.up = false;
                prop_assert_eq!(h.s.poll_transmit(), None, "unwritten bytes are dropped");
            }
            Op::Reconnect { session_present } if !self.up => {
                h.s.handle_connected(h.at());
                let connect = h.sent();
                prop_assert!(matches!(connect.as_slice(), [Packet::Connect(_)]));
                h.connack(session_present);
                self.up = true;
            }
            Op::BrokerReads | Op::BrokerAnswers | Op::Drop | Op::Reconnect { .. } => {}
        }
        for event in h.events() {
            match event {
                Event::Published { id, qos } => {
                    prop_assert_eq!(self.published.get(&id).map(|p| p.0), Some(qos));
                    *self.done.entry(id).or_default() += 1;
                }
                Event::ConnectionLost {
                    cause: LostCause::Transport(_),
                    ..
                }
                | Event::Connected(_)
                | Event::Warning(Warning::ClientIdInUse { .. })
                | Event::Subscribed { .. }
                | Event::Resubscribed { .. }
                | Event::Message(_) => {}
                other => prop_assert!(false, "unexpected event {:?}", other),
            }
        }
        Ok(())
    }

    /// Reconnects if needed and lets the broker answer until all is quiet.
    fn settle(&mut self, session_present: bool) -> Result<(), TestCaseError> {
        self.apply(Op::Reconnect { session_present })?;
        for _ in 0..8 {
            self.apply(Op::BrokerReads)?;
            self.apply(Op::BrokerAnswers)?;
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_publish_is_done_exactly_once_whatever_the_losses(
        v5 in any::<bool>(),
        ops in vec(op(), 0..60),
        final_session_present in any::<bool>(),
    ) {
        let version = if v5 { ProtocolVersion::V5 } else { ProtocolVersion::V3_1_1 };
        let mut m = Model::new(version);
        for op in ops {
            m.apply(op)?;
        }
        m.settle(final_session_present)?;
        prop_assert_eq!(m.h.s.queued(), 0);
        prop_assert_eq!(m.h.s.in_flight(), 0);
        for (id, (qos, payload)) in &m.published {
            prop_assert_eq!(m.done.get(id), Some(&1), "{} ({:?})", id, qos);
            if *qos != QoS::AtMostOnce {
                prop_assert!(m.received.contains(payload), "{} never reached the broker", id);
            }
        }
    }
}
