//! The packets the broker sends: CONNACK, messages, acknowledgements,
//! pings and DISCONNECT, each checked against what the session waits for.

use std::collections::BTreeMap;
use std::time::Duration;

use super::super::{
    decode, ConnAck, ConnectReasonCode, Disconnect, DisconnectReasonCode, Packet, PacketType, Pid,
    ProtocolVersion, PubAck, PubComp, PubCompReasonCode, PubRec, PubRel, Publish, QoS, QosPid,
    SubAck, Subscribe, UnsubAck, UnsubAckReasonCode,
};
use super::{
    message_from, Awaiting, ConnectRefusal, Connected, Ending, Event, InFlight, Instant, Link,
    LostCause, PendingSubscribe, Phase, ProtocolError, PublishError, Request, ServerDisconnect,
    ServerLimits, Session, State, SubscribeOutcome, SubscribeResult, UnsubscribeResult, Warning,
};

impl Session {
    /// Decodes and handles whole packets from `buf` until it runs out or the
    /// connection ends; returns the bytes used.
    pub(super) fn read_packets(&mut self, now: Instant, buf: &[u8]) -> usize {
        let max = usize::try_from(self.options.max_packet_size.get()).unwrap_or(usize::MAX);
        let mut used = 0;
        while self.is_open() {
            let rest = buf.get(used..).unwrap_or_default();
            match decode(rest, max, self.options.version) {
                Ok(Some((packet, n))) => {
                    used += n;
                    self.handle_packet(now, packet);
                }
                Ok(None) => break,
                Err(_) if self.refused_in_mqtt311(rest, max) => {
                    self.end(now, Ending::Lost(LostCause::OnlyMqtt311), false, None);
                }
                Err(e) => self.violation(now, ProtocolError::Malformed(e)),
            }
        }
        used
    }

    /// Whether `bytes`, which are no MQTT 5 packet, are the 3.1.1 CONNACK
    /// "unacceptable protocol version" answering this session's MQTT 5
    /// CONNECT: the broker speaks only 3.1.1.
    fn refused_in_mqtt311(&self, bytes: &[u8], max: usize) -> bool {
        self.options.version.is_v5()
            && matches!(self.state, State::AwaitConnAck { .. })
            && matches!(
                decode(bytes, max, ProtocolVersion::V3_1_1),
                Ok(Some((Packet::ConnAck(ack), _)))
                    if ack.reason == ConnectReasonCode::UnsupportedProtocolVersion
            )
    }

    fn handle_packet(&mut self, now: Instant, packet: Packet) {
        let up = match &mut self.state {
            State::Up(link) => {
                link.last_received = now;
                true
            }
            _ => false,
        };
        let unexpected = |packet: &Packet, phase| ProtocolError::UnexpectedPacket {
            packet: packet.packet_type(),
            phase,
        };
        if !up {
            match packet {
                Packet::ConnAck(ack) => self.on_connack(now, ack),
                Packet::Disconnect(d) if self.options.version.is_v5() => {
                    self.on_server_disconnect(now, d)
                }
                other => self.violation(now, unexpected(&other, Phase::AwaitingConnAck)),
            }
            return;
        }
        match packet {
            Packet::Publish(p) => self.on_publish(now, p),
            Packet::PubAck(ack) => self.on_puback(now, ack),
            Packet::PubRec(rec) => self.on_pubrec(now, rec),
            Packet::PubRel(rel) => self.on_pubrel(now, rel),
            Packet::PubComp(comp) => self.on_pubcomp(now, comp),
            Packet::SubAck(ack) => self.on_suback(now, ack),
            Packet::UnsubAck(ack) => self.on_unsuback(now, ack),
            Packet::PingResp => self.on_pingresp(now),
            Packet::Disconnect(d) if self.options.version.is_v5() => {
                self.on_server_disconnect(now, d)
            }
            other @ (Packet::Connect(_)
            | Packet::ConnAck(_)
            | Packet::Subscribe(_)
            | Packet::Unsubscribe(_)
            | Packet::PingReq
            | Packet::Disconnect(_)
            | Packet::Auth(_)) => self.violation(now, unexpected(&other, Phase::Connected)),
        }
    }

    fn on_connack(&mut self, now: Instant, ack: ConnAck) {
        let State::AwaitConnAck { sent, .. } = self.state else {
            return;
        };
        if ack.reason != ConnectReasonCode::Success {
            let version = self.options.version;
            let refusal = ConnectRefusal {
                reason: ack.reason,
                code: if version.is_v5() {
                    ack.reason.code()
                } else {
                    ack.reason.to_v3().unwrap_or(ack.reason.code())
                },
                version,
                iotda: self.options.iotda,
                reason_string: ack.properties.reason_string,
            };
            let reconnect = !refusal.is_permanent();
            self.end(now, Ending::Refused(refusal), reconnect, None);
            return;
        }
        if ack.session_present && self.options.clean_start {
            self.violation(now, ProtocolError::SessionPresentOnCleanStart);
            return;
        }
        let p = &ack.properties;
        self.limits = ServerLimits {
            receive_maximum: p.receive_maximum.map_or(u16::MAX, |n| n.get()),
            maximum_qos: p.maximum_qos.unwrap_or(QoS::ExactlyOnce),
            retain_available: p.retain_available.unwrap_or(true),
            maximum_packet_size: p.maximum_packet_size.map(|n| n.get()),
        };
        if let Some(id) = &p.assigned_client_identifier {
            self.assigned_client_id = Some(id.clone());
        }
        let keep_alive = p.server_keep_alive.unwrap_or(self.options.keep_alive);
        self.state = State::Up(Link {
            keep_alive: Duration::from_secs(u64::from(keep_alive)),
            last_sent: sent,
            last_received: now,
            ping_sent: None,
            since: now,
        });
        self.events.push_back(Event::Connected(Connected {
            session_present: ack.session_present,
            keep_alive,
            properties: ack.properties,
        }));
        if self.options.version == ProtocolVersion::V3_1 && !self.options.clean_start {
            // A 3.1 CONNACK has no Session Present: the server may hold the
            // session or have lost it. Publishes go again with DUP (new to
            // a server without them), and subscriptions are renewed (the
            // same subscription again replaces itself).
            self.retransmit(now);
            self.renew_subscriptions(now);
        } else if ack.session_present {
            self.retransmit(now);
        } else {
            self.discard_server_session(now);
        }
        self.flush(now);
    }

    /// The server resumed the session: PUBLISH (with DUP) and PUBREL again
    /// for everything unacknowledged, in the original order [MQTT-4.4.0-1],
    /// within the new CONNACK's limits. A publish the server now refuses
    /// (QoS above its Maximum QoS, retain unavailable, over its Maximum
    /// Packet Size) fails with [`Event::PublishFailed`] instead of being
    /// sent into a disconnection; beyond its Receive Maximum, publishes
    /// wait in order for acknowledgements [MQTT-4.9.0-2].
    fn retransmit(&mut self, now: Instant) {
        let mut in_flight = std::mem::take(&mut self.in_flight);
        let mut window = usize::from(self.limits.receive_maximum);
        for pid in sent_order(&in_flight) {
            let Some(entry) = in_flight.get_mut(&pid) else {
                continue;
            };
            match &mut entry.stage {
                Awaiting::Ack(publish) | Awaiting::Rec(publish) => {
                    let message = message_from(publish.clone());
                    // It was encoded once already, so its size is known to
                    // fit the codec: only the server's limits can refuse it.
                    let refused = match self.packet_size(&message) {
                        Ok(size) => self.check_limits(&message, size).err(),
                        Err(_) => None,
                    };
                    if let Some(error) = refused {
                        let id = entry.id;
                        in_flight.remove(&pid);
                        self.pids.release(pid);
                        self.events.push_back(Event::PublishFailed { id, error });
                        continue;
                    }
                    publish.dup = true;
                    entry.resend = window == 0;
                    if !entry.resend {
                        self.write_publish(now, publish);
                    }
                }
                Awaiting::Comp => self.write(now, &Packet::PubRel(PubRel::new(pid))),
            }
            window = window.saturating_sub(1);
        }
        self.in_flight = in_flight;
    }

    /// Sends again, in order, the publishes a resumed session holds back,
    /// as far as the server's Receive Maximum allows.
    pub(super) fn resend_waiting(&mut self, now: Instant) {
        if !matches!(self.state, State::Up(_)) {
            return;
        }
        let max = usize::from(self.limits.receive_maximum);
        let mut active = self.in_flight.values().filter(|f| !f.resend).count();
        for pid in sent_order(&self.in_flight) {
            if active >= max {
                return;
            }
            let Some(entry) = self.in_flight.get_mut(&pid) else {
                continue;
            };
            if !entry.resend {
                continue;
            }
            entry.resend = false;
            active += 1;
            if let Awaiting::Ack(publish) | Awaiting::Rec(publish) = &entry.stage {
                let publish = publish.clone();
                self.write_publish(now, &publish);
            }
        }
    }

    /// The server has no session for the client: what was in flight is sent
    /// again as new publishes (a QoS 2 publish the server already received,
    /// PUBREC, is complete), QoS 2 duplicates of the old session can no
    /// longer come, and active subscriptions are renewed.
    fn discard_server_session(&mut self, now: Instant) {
        let mut in_flight = std::mem::take(&mut self.in_flight);
        self.incoming_qos2.clear();
        let mut again = Vec::new();
        for pid in sent_order(&in_flight) {
            let Some(entry) = in_flight.remove(&pid) else {
                continue;
            };
            self.pids.release(pid);
            match entry.stage {
                Awaiting::Ack(publish) | Awaiting::Rec(publish) => {
                    again.push(Request::Publish {
                        id: entry.id,
                        message: Box::new(message_from(publish)),
                    });
                }
                Awaiting::Comp => self.events.push_back(Event::Published {
                    id: entry.id,
                    qos: QoS::ExactlyOnce,
                }),
            }
        }
        self.requeue_front(again);
        self.renew_subscriptions(now);
    }

    /// Subscribes again to every active subscription, in one SUBSCRIBE.
    fn renew_subscriptions(&mut self, now: Instant) {
        if self.subscriptions.is_empty() {
            return;
        }
        let subscriptions = self.subscriptions.clone();
        if let Some(pid) = self.pids.allocate() {
            self.write(
                now,
                &Packet::Subscribe(Subscribe::new(pid, subscriptions.clone())),
            );
            self.subscribing.insert(
                pid,
                PendingSubscribe {
                    id: None,
                    subscriptions,
                },
            );
        }
    }

    fn on_server_disconnect(&mut self, now: Instant, d: Disconnect) {
        let disconnect = ServerDisconnect {
            reason: d.reason,
            reason_string: d.properties.reason_string,
            server_reference: d.properties.server_reference,
        };
        let reconnect = !disconnect.is_permanent();
        if disconnect.reason == DisconnectReasonCode::SessionTakenOver {
            self.warn(Warning::ClientIdInUse {
                client_id: self.connect_packet().client_id,
                drops: 1,
            });
        } else {
            self.count_drop(now);
        }
        let cause = LostCause::ServerDisconnect(disconnect);
        self.end(now, Ending::Lost(cause), reconnect, None);
    }

    fn on_publish(&mut self, now: Instant, publish: Publish) {
        if let Some(alias) = publish.properties.topic_alias {
            self.violation(now, ProtocolError::TopicAliasNotAllowed(alias.get()));
            return;
        }
        match publish.qos_pid {
            QosPid::AtMostOnce => self.deliver(publish),
            QosPid::AtLeastOnce(pid) => {
                self.deliver(publish);
                self.write(now, &Packet::PubAck(PubAck::new(pid)));
            }
            QosPid::ExactlyOnce(pid) => {
                // Delivered on first receipt; a copy before PUBREL is the
                // same message sent again [MQTT-4.3.3-2].
                if self.incoming_qos2.insert(pid) {
                    self.deliver(publish);
                }
                self.write(now, &Packet::PubRec(PubRec::new(pid)));
            }
        }
    }

    fn deliver(&mut self, publish: Publish) {
        self.events.push_back(Event::Message(message_from(publish)));
    }

    fn on_pubrel(&mut self, now: Instant, rel: PubRel) {
        let mut comp = PubComp::new(rel.pid);
        if !self.incoming_qos2.remove(rel.pid) && self.options.version.is_v5() {
            comp.reason = PubCompReasonCode::PacketIdentifierNotFound;
        }
        self.write(now, &Packet::PubComp(comp));
    }

    fn on_puback(&mut self, now: Instant, ack: PubAck) {
        let waiting = self.in_flight.get(&ack.pid).map(|f| &f.stage);
        let Some(entry) = matches!(waiting, Some(Awaiting::Ack(_)))
            .then(|| self.in_flight.remove(&ack.pid))
            .flatten()
        else {
            self.unknown_pid(now, PacketType::PubAck, ack.pid);
            return;
        };
        self.pids.release(ack.pid);
        self.events.push_back(if ack.reason.is_error() {
            Event::PublishFailed {
                id: entry.id,
                error: PublishError::Refused {
                    reason: ack.reason,
                    reason_string: ack.properties.reason_string,
                },
            }
        } else {
            Event::Published {
                id: entry.id,
                qos: QoS::AtLeastOnce,
            }
        });
        self.flush(now);
    }

    fn on_pubrec(&mut self, now: Instant, rec: PubRec) {
        let pid = rec.pid;
        let Some(entry) = self.in_flight.get_mut(&pid) else {
            self.unknown_pid(now, PacketType::PubRec, pid);
            return;
        };
        match entry.stage {
            Awaiting::Rec(_) if rec.reason.is_error() => {
                let id = entry.id;
                self.in_flight.remove(&pid);
                self.pids.release(pid);
                self.events.push_back(Event::PublishFailed {
                    id,
                    error: PublishError::Refused {
                        reason: rec.reason,
                        reason_string: rec.properties.reason_string,
                    },
                });
                self.flush(now);
            }
            // A repeated PUBREC (the server did not see the PUBREL) is
            // answered again.
            Awaiting::Rec(_) | Awaiting::Comp => {
                entry.stage = Awaiting::Comp;
                // Received: nothing of it waits to be sent again.
                entry.resend = false;
                self.write(now, &Packet::PubRel(PubRel::new(pid)));
            }
            Awaiting::Ack(_) => self.unknown_pid(now, PacketType::PubRec, pid),
        }
    }

    fn on_pubcomp(&mut self, now: Instant, comp: PubComp) {
        let waiting = self.in_flight.get(&comp.pid).map(|f| &f.stage);
        let Some(entry) = matches!(waiting, Some(Awaiting::Comp))
            .then(|| self.in_flight.remove(&comp.pid))
            .flatten()
        else {
            self.unknown_pid(now, PacketType::PubComp, comp.pid);
            return;
        };
        self.pids.release(comp.pid);
        self.events.push_back(match comp.reason {
            PubCompReasonCode::Success => Event::Published {
                id: entry.id,
                qos: QoS::ExactlyOnce,
            },
            PubCompReasonCode::PacketIdentifierNotFound => Event::PublishFailed {
                id: entry.id,
                error: PublishError::PacketIdentifierNotFound,
            },
        });
        self.flush(now);
    }

    fn on_suback(&mut self, now: Instant, ack: SubAck) {
        let Some(expected) = self
            .subscribing
            .get(&ack.pid)
            .map(|p| p.subscriptions.len())
        else {
            self.unknown_pid(now, PacketType::SubAck, ack.pid);
            return;
        };
        if ack.reasons.len() != expected {
            // The request stays pending, to be sent again after reconnection.
            self.violation(
                now,
                ProtocolError::ReasonCountMismatch {
                    packet: PacketType::SubAck,
                    expected,
                    got: ack.reasons.len(),
                },
            );
            return;
        }
        let granted_too_much = self.subscribing.get(&ack.pid).and_then(|pending| {
            pending
                .subscriptions
                .iter()
                .zip(&ack.reasons)
                .find_map(|(s, code)| match SubscribeOutcome::from(*code) {
                    SubscribeOutcome::Granted(granted) if granted > s.options.qos => {
                        Some(ProtocolError::GrantedQosAboveRequested {
                            filter: s.filter.as_str().to_owned(),
                            requested: s.options.qos,
                            granted,
                        })
                    }
                    _ => None,
                })
        });
        if let Some(error) = granted_too_much {
            // The request stays pending, to be sent again after reconnection.
            self.violation(now, error);
            return;
        }
        let Some(pending) = self.subscribing.remove(&ack.pid) else {
            return;
        };
        self.pids.release(ack.pid);
        let mut results = Vec::with_capacity(ack.reasons.len());
        for (subscription, code) in pending.subscriptions.into_iter().zip(ack.reasons) {
            let outcome = SubscribeOutcome::from(code);
            match outcome {
                SubscribeOutcome::Granted(_) => {
                    self.keep_subscription(subscription.clone());
                }
                // A refused renewal leaves the subscription inactive; a
                // refused new request leaves any older one as it was.
                SubscribeOutcome::Refused(_) if pending.id.is_none() => {
                    self.drop_subscription(&subscription.filter);
                }
                SubscribeOutcome::Refused(_) => {}
            }
            results.push(SubscribeResult {
                filter: subscription.filter,
                outcome,
            });
        }
        self.events.push_back(match pending.id {
            Some(id) => Event::Subscribed { id, results },
            None => Event::Resubscribed { results },
        });
        self.flush(now);
    }

    fn on_unsuback(&mut self, now: Instant, ack: UnsubAck) {
        let Some(expected) = self.unsubscribing.get(&ack.pid).map(|p| p.filters.len()) else {
            self.unknown_pid(now, PacketType::UnsubAck, ack.pid);
            return;
        };
        let v5 = self.options.version.is_v5();
        if v5 && ack.reasons.len() != expected {
            // The request stays pending, to be sent again after reconnection.
            self.violation(
                now,
                ProtocolError::ReasonCountMismatch {
                    packet: PacketType::UnsubAck,
                    expected,
                    got: ack.reasons.len(),
                },
            );
            return;
        }
        let Some(pending) = self.unsubscribing.remove(&ack.pid) else {
            return;
        };
        self.pids.release(ack.pid);
        // MQTT 3.1.1 UNSUBACK has no codes: every filter is gone.
        let reasons = if v5 {
            ack.reasons
        } else {
            vec![UnsubAckReasonCode::Success; expected]
        };
        let mut results = Vec::with_capacity(reasons.len());
        for (filter, reason) in pending.filters.into_iter().zip(reasons) {
            if !reason.is_error() {
                self.drop_subscription(&filter);
            }
            results.push(UnsubscribeResult { filter, reason });
        }
        self.events.push_back(Event::Unsubscribed {
            id: pending.id,
            results,
        });
        self.flush(now);
    }

    fn on_pingresp(&mut self, now: Instant) {
        if let State::Up(link) = &mut self.state {
            if let Some(sent) = link.ping_sent.take() {
                self.events.push_back(Event::Pong {
                    round_trip: now.saturating_duration_since(sent),
                });
            }
        }
    }

    fn unknown_pid(&mut self, now: Instant, packet: PacketType, pid: Pid) {
        self.violation(now, ProtocolError::UnknownPacketId { packet, pid });
    }
}

/// The identifiers of the publishes in flight, in the order they were sent
/// (one sort for both callers: each sort's code costs the page's wasm).
fn sent_order(in_flight: &BTreeMap<Pid, InFlight>) -> Vec<Pid> {
    let mut order: Vec<(u64, Pid)> = in_flight.iter().map(|(p, f)| (f.seq, *p)).collect();
    order.sort_unstable();
    order.into_iter().map(|(_, pid)| pid).collect()
}
