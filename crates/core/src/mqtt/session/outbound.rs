//! The application's requests on their way out: sent at once or queued,
//! flow control, packet identifiers, and the server's limits.

use super::super::{
    Error as CodecError, Packet, Pid, Publish, QoS, QosPid, Subscribe, Unsubscribe, VarInt,
};
use super::{
    Awaiting, Ending, Error, Event, InFlight, Instant, LostCause, Message, PendingSubscribe,
    PendingUnsubscribe, PublishError, Request, RequestId, Session, State, PROBE_PID,
};

impl Session {
    /// Sends a request at once if connected and nothing waits before it,
    /// else queues it.
    pub(super) fn submit(&mut self, now: Instant, request: Request) -> Result<(), Error> {
        if matches!(self.state, State::Up(_)) && self.queue.is_empty() && self.window_open(&request)
        {
            return self
                .send(now, request)
                .map_err(|_| Error::PacketIdsExhausted);
        }
        let size = request.size();
        let limits = self.options.queue;
        if self.queue.len() >= limits.messages || self.queued_bytes + size > limits.bytes {
            return Err(Error::QueueFull {
                limits,
                messages: self.queue.len(),
                bytes: self.queued_bytes,
                request: size,
            });
        }
        self.queued_bytes += size;
        self.queue.push_back(request);
        Ok(())
    }

    /// MQTT 5 flow control: no more QoS 1 and 2 publishes in flight than
    /// the server's Receive Maximum [MQTT-4.9.0-2].
    fn window_open(&self, request: &Request) -> bool {
        match request {
            Request::Publish { message, .. } if message.qos != QoS::AtMostOnce => {
                self.in_flight.len() < usize::from(self.limits.receive_maximum)
            }
            _ => true,
        }
    }

    /// Sends queued requests, in order, while connected, the flow-control
    /// window is open and packet identifiers are free.
    pub(super) fn flush(&mut self, now: Instant) {
        self.resend_waiting(now);
        while matches!(self.state, State::Up(_)) {
            let Some(front) = self.queue.front() else {
                return;
            };
            if !self.window_open(front) {
                return;
            }
            let Some(request) = self.queue.pop_front() else {
                return;
            };
            let size = request.size();
            if let Err(request) = self.send(now, request) {
                self.queue.push_front(request);
                return;
            }
            self.queued_bytes = self.queued_bytes.saturating_sub(size);
        }
    }

    /// Writes a request with a new packet identifier (none for QoS 0) and
    /// records what it waits for; gives the request back if every packet
    /// identifier is in use.
    fn send(&mut self, now: Instant, request: Request) -> Result<(), Request> {
        match request {
            Request::Publish { id, message } => {
                let qos_pid = if message.qos == QoS::AtMostOnce {
                    QosPid::AtMostOnce
                } else {
                    let Some(pid) = self.pids.allocate() else {
                        return Err(Request::Publish { id, message });
                    };
                    with_pid(message.qos, pid)
                };
                self.send_publish(now, id, *message, qos_pid);
            }
            Request::Subscribe { id, subscriptions } => {
                let Some(pid) = self.pids.allocate() else {
                    return Err(Request::Subscribe { id, subscriptions });
                };
                self.write(
                    now,
                    &Packet::Subscribe(Subscribe::new(pid, subscriptions.clone())),
                );
                let pending = PendingSubscribe {
                    id: Some(id),
                    subscriptions,
                };
                self.subscribing.insert(pid, pending);
            }
            Request::Unsubscribe { id, filters } => {
                let Some(pid) = self.pids.allocate() else {
                    return Err(Request::Unsubscribe { id, filters });
                };
                self.write(
                    now,
                    &Packet::Unsubscribe(Unsubscribe::new(pid, filters.clone())),
                );
                self.unsubscribing
                    .insert(pid, PendingUnsubscribe { id, filters });
            }
        }
        Ok(())
    }

    fn send_publish(&mut self, now: Instant, id: RequestId, message: Message, qos_pid: QosPid) {
        // The limits of a CONNACK that came after the request was queued.
        let checked = match self.packet_size(&message) {
            Ok(size) => self.check_limits(&message, size),
            Err(e) => {
                self.end(now, Ending::Lost(LostCause::Internal(e)), true, None);
                return;
            }
        };
        if let Err(error) = checked {
            if let Some(pid) = qos_pid.pid() {
                self.pids.release(pid);
            }
            self.events.push_back(Event::PublishFailed { id, error });
            return;
        }
        let publish = Publish {
            dup: false,
            qos_pid,
            retain: message.retain,
            topic: message.topic,
            properties: message.properties,
            payload: message.payload,
        };
        self.write_publish(now, &publish);
        let (pid, stage) = match qos_pid {
            QosPid::AtMostOnce => {
                let qos = QoS::AtMostOnce;
                self.events.push_back(Event::Published { id, qos });
                return;
            }
            QosPid::AtLeastOnce(pid) => (pid, Awaiting::Ack(publish)),
            QosPid::ExactlyOnce(pid) => (pid, Awaiting::Rec(publish)),
        };
        self.next_seq += 1;
        let seq = self.next_seq;
        self.in_flight.insert(
            pid,
            InFlight {
                id,
                seq,
                stage,
                resend: false,
            },
        );
    }

    /// The size of `message` as a PUBLISH packet, checking on the way that
    /// it can be encoded (without copying the payload).
    pub(super) fn packet_size(&self, message: &Message) -> Result<usize, CodecError> {
        let head = Publish {
            dup: false,
            qos_pid: with_pid(message.qos, PROBE_PID),
            retain: message.retain,
            topic: message.topic.clone(),
            properties: message.properties.clone(),
            payload: Vec::new(),
        };
        let mut bytes = Vec::new();
        head.encode(self.options.version, &mut bytes)?;
        let head_body = bytes
            .get(1..)
            .and_then(|b| VarInt::decode(b).ok().flatten())
            .map_or(0, |(len, _)| len.get() as usize);
        let body = head_body + message.payload.len();
        let len = u32::try_from(body)
            .ok()
            .and_then(VarInt::new)
            .ok_or(CodecError::RemainingLengthTooLarge(body))?;
        Ok(1 + len.encoded_len() + body)
    }

    /// Checks a publish against the limits of the server's last CONNACK.
    pub(super) fn check_limits(&self, message: &Message, size: usize) -> Result<(), PublishError> {
        let limits = self.limits;
        if message.qos > limits.maximum_qos {
            return Err(PublishError::QosNotSupported {
                qos: message.qos,
                maximum: limits.maximum_qos,
            });
        }
        if message.retain && !limits.retain_available {
            return Err(PublishError::RetainNotSupported);
        }
        if let Some(max) = limits.maximum_packet_size {
            if size > usize::try_from(max).unwrap_or(usize::MAX) {
                return Err(PublishError::TooLarge { size, max });
            }
        }
        Ok(())
    }
}

/// The QoS with its packet identifier (none for QoS 0).
fn with_pid(qos: QoS, pid: Pid) -> QosPid {
    match qos {
        QoS::AtMostOnce => QosPid::AtMostOnce,
        QoS::AtLeastOnce => QosPid::AtLeastOnce(pid),
        QoS::ExactlyOnce => QosPid::ExactlyOnce(pid),
    }
}
