//! MQTT 5 properties (5.0 §2.2.2): what they are, which packet may carry
//! which, and their wire form.
//!
//! ```text
//! +------------------------+----------+---------+----------+---------+ ...
//! | Property Length (VBI)  | id (VBI) | value   | id       | value   |
//! +------------------------+----------+---------+----------+---------+ ...
//!   value: Byte | Two/Four Byte Integer | VBI | UTF-8 String | Binary | String Pair
//! ```
//!
//! One [`Properties`] struct holds every property; the codec checks which
//! ones each packet allows ([`PropertyId::allowed_in`], 5.0 Table 2-4) when
//! decoding and when encoding. Every property may appear once, except User
//! Property (any number, order kept [MQTT-3.3.2-18]) and Subscription
//! Identifier (any number in PUBLISH, one in SUBSCRIBE). MQTT 3.1.x packets
//! have no properties: encoding non-empty properties for them is an error.
//! What a property *means* (expiry, aliases, flow control) is for the
//! session, not this module.

use std::fmt;
use std::num::{NonZeroU16, NonZeroU32};

use crate::text::{Key, Message, Say};

use super::codec::{put_binary, put_str, put_u16, put_u32, with_length_prefix, Reader};
use super::{Error, QoS, TopicName, VarInt};

/// The identifier of an MQTT 5 property (5.0 §2.2.2.2, Table 2-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum PropertyId {
    /// 0x01, Byte: the payload is UTF-8 (1) or unspecified bytes (0).
    PayloadFormatIndicator = 0x01,
    /// 0x02, Four Byte Integer: message lifetime in seconds.
    MessageExpiryInterval = 0x02,
    /// 0x03, UTF-8 String: MIME type of the payload.
    ContentType = 0x03,
    /// 0x08, UTF-8 String: topic name for a response.
    ResponseTopic = 0x08,
    /// 0x09, Binary Data: matches a response to its request.
    CorrelationData = 0x09,
    /// 0x0B, Variable Byte Integer: identifies a subscription.
    SubscriptionIdentifier = 0x0B,
    /// 0x11, Four Byte Integer: session lifetime after disconnect, seconds.
    SessionExpiryInterval = 0x11,
    /// 0x12, UTF-8 String: client id the server chose.
    AssignedClientIdentifier = 0x12,
    /// 0x13, Two Byte Integer: keep alive the server imposes.
    ServerKeepAlive = 0x13,
    /// 0x15, UTF-8 String: name of the extended authentication method.
    AuthenticationMethod = 0x15,
    /// 0x16, Binary Data: data of the authentication method.
    AuthenticationData = 0x16,
    /// 0x17, Byte: whether the server may send reason strings and user properties.
    RequestProblemInformation = 0x17,
    /// 0x18, Four Byte Integer: delay before the will is published, seconds.
    WillDelayInterval = 0x18,
    /// 0x19, Byte: whether the client asks for Response Information.
    RequestResponseInformation = 0x19,
    /// 0x1A, UTF-8 String: basis for response topics.
    ResponseInformation = 0x1A,
    /// 0x1C, UTF-8 String: another server to use.
    ServerReference = 0x1C,
    /// 0x1F, UTF-8 String: human-readable reason.
    ReasonString = 0x1F,
    /// 0x21, Two Byte Integer: how many unacknowledged QoS 1/2 messages the sender accepts.
    ReceiveMaximum = 0x21,
    /// 0x22, Two Byte Integer: highest topic alias the sender accepts.
    TopicAliasMaximum = 0x22,
    /// 0x23, Two Byte Integer: number standing for the topic name.
    TopicAlias = 0x23,
    /// 0x24, Byte: highest QoS the server supports (0 or 1; absent = 2).
    MaximumQos = 0x24,
    /// 0x25, Byte: whether the server supports retained messages.
    RetainAvailable = 0x25,
    /// 0x26, UTF-8 String Pair: application-defined name and value.
    UserProperty = 0x26,
    /// 0x27, Four Byte Integer: largest packet the sender accepts.
    MaximumPacketSize = 0x27,
    /// 0x28, Byte: whether the server supports wildcard subscriptions.
    WildcardSubscriptionAvailable = 0x28,
    /// 0x29, Byte: whether the server supports subscription identifiers.
    SubscriptionIdentifierAvailable = 0x29,
    /// 0x2A, Byte: whether the server supports shared subscriptions.
    SharedSubscriptionAvailable = 0x2A,
}

/// Where a set of properties sits: a packet, or the will inside CONNECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PropertyScope {
    /// CONNECT's own properties.
    Connect,
    /// The will properties in CONNECT's payload.
    Will,
    /// CONNACK.
    ConnAck,
    /// PUBLISH.
    Publish,
    /// PUBACK.
    PubAck,
    /// PUBREC.
    PubRec,
    /// PUBREL.
    PubRel,
    /// PUBCOMP.
    PubComp,
    /// SUBSCRIBE.
    Subscribe,
    /// SUBACK.
    SubAck,
    /// UNSUBSCRIBE.
    Unsubscribe,
    /// UNSUBACK.
    UnsubAck,
    /// DISCONNECT.
    Disconnect,
    /// AUTH.
    Auth,
}

/// The will's scope in words; the others are packet names, the same in
/// every language.
impl Say for PropertyScope {
    fn message(&self) -> Message {
        use crate::text::keys::mqtt_codec as k;
        match self {
            Self::Will => Message::new(k::SCOPE_WILL),
            packet => Message::new(k::SCOPE_PACKET).with("packet", packet),
        }
    }
}

impl fmt::Display for PropertyScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "CONNECT",
            Self::Will => crate::text::keys::mqtt_codec::SCOPE_WILL.english(),
            Self::ConnAck => "CONNACK",
            Self::Publish => "PUBLISH",
            Self::PubAck => "PUBACK",
            Self::PubRec => "PUBREC",
            Self::PubRel => "PUBREL",
            Self::PubComp => "PUBCOMP",
            Self::Subscribe => "SUBSCRIBE",
            Self::SubAck => "SUBACK",
            Self::Unsubscribe => "UNSUBSCRIBE",
            Self::UnsubAck => "UNSUBACK",
            Self::Disconnect => "DISCONNECT",
            Self::Auth => "AUTH",
        })
    }
}

impl PropertyId {
    /// Every property, in identifier order.
    pub const ALL: [PropertyId; 27] = [
        Self::PayloadFormatIndicator,
        Self::MessageExpiryInterval,
        Self::ContentType,
        Self::ResponseTopic,
        Self::CorrelationData,
        Self::SubscriptionIdentifier,
        Self::SessionExpiryInterval,
        Self::AssignedClientIdentifier,
        Self::ServerKeepAlive,
        Self::AuthenticationMethod,
        Self::AuthenticationData,
        Self::RequestProblemInformation,
        Self::WillDelayInterval,
        Self::RequestResponseInformation,
        Self::ResponseInformation,
        Self::ServerReference,
        Self::ReasonString,
        Self::ReceiveMaximum,
        Self::TopicAliasMaximum,
        Self::TopicAlias,
        Self::MaximumQos,
        Self::RetainAvailable,
        Self::UserProperty,
        Self::MaximumPacketSize,
        Self::WildcardSubscriptionAvailable,
        Self::SubscriptionIdentifierAvailable,
        Self::SharedSubscriptionAvailable,
    ];

    /// The property with this identifier, if MQTT 5 defines one.
    pub fn from_u8(id: u8) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| *p as u8 == id)
    }

    /// The name the specification uses.
    pub fn name(self) -> &'static str {
        self.key().english()
    }

    /// The key of its name, which is also the field an error names.
    pub(crate) fn key(self) -> Key {
        use crate::text::keys::mqtt_property as k;
        match self {
            Self::PayloadFormatIndicator => k::PAYLOAD_FORMAT_INDICATOR,
            Self::MessageExpiryInterval => k::MESSAGE_EXPIRY_INTERVAL,
            Self::ContentType => k::CONTENT_TYPE,
            Self::ResponseTopic => k::RESPONSE_TOPIC,
            Self::CorrelationData => k::CORRELATION_DATA,
            Self::SubscriptionIdentifier => k::SUBSCRIPTION_IDENTIFIER,
            Self::SessionExpiryInterval => k::SESSION_EXPIRY_INTERVAL,
            Self::AssignedClientIdentifier => k::ASSIGNED_CLIENT_IDENTIFIER,
            Self::ServerKeepAlive => k::SERVER_KEEP_ALIVE,
            Self::AuthenticationMethod => k::AUTHENTICATION_METHOD,
            Self::AuthenticationData => k::AUTHENTICATION_DATA,
            Self::RequestProblemInformation => k::REQUEST_PROBLEM_INFORMATION,
            Self::WillDelayInterval => k::WILL_DELAY_INTERVAL,
            Self::RequestResponseInformation => k::REQUEST_RESPONSE_INFORMATION,
            Self::ResponseInformation => k::RESPONSE_INFORMATION,
            Self::ServerReference => k::SERVER_REFERENCE,
            Self::ReasonString => k::REASON_STRING,
            Self::ReceiveMaximum => k::RECEIVE_MAXIMUM,
            Self::TopicAliasMaximum => k::TOPIC_ALIAS_MAXIMUM,
            Self::TopicAlias => k::TOPIC_ALIAS,
            Self::MaximumQos => k::MAXIMUM_QOS,
            Self::RetainAvailable => k::RETAIN_AVAILABLE,
            Self::UserProperty => k::USER_PROPERTY,
            Self::MaximumPacketSize => k::MAXIMUM_PACKET_SIZE,
            Self::WildcardSubscriptionAvailable => k::WILDCARD_SUBSCRIPTION_AVAILABLE,
            Self::SubscriptionIdentifierAvailable => k::SUBSCRIPTION_IDENTIFIER_AVAILABLE,
            Self::SharedSubscriptionAvailable => k::SHARED_SUBSCRIPTION_AVAILABLE,
        }
    }

    /// Whether the specification allows this property in `scope`
    /// (5.0 Table 2-4).
    pub fn allowed_in(self, scope: PropertyScope) -> bool {
        use PropertyScope as S;
        match self {
            Self::PayloadFormatIndicator
            | Self::MessageExpiryInterval
            | Self::ContentType
            | Self::ResponseTopic
            | Self::CorrelationData => matches!(scope, S::Publish | S::Will),
            Self::SubscriptionIdentifier => matches!(scope, S::Publish | S::Subscribe),
            Self::SessionExpiryInterval => matches!(scope, S::Connect | S::ConnAck | S::Disconnect),
            Self::AssignedClientIdentifier
            | Self::ServerKeepAlive
            | Self::ResponseInformation
            | Self::MaximumQos
            | Self::RetainAvailable
            | Self::WildcardSubscriptionAvailable
            | Self::SubscriptionIdentifierAvailable
            | Self::SharedSubscriptionAvailable => scope == S::ConnAck,
            Self::AuthenticationMethod | Self::AuthenticationData => {
                matches!(scope, S::Connect | S::ConnAck | S::Auth)
            }
            Self::RequestProblemInformation | Self::RequestResponseInformation => {
                scope == S::Connect
            }
            Self::WillDelayInterval => scope == S::Will,
            Self::ServerReference => matches!(scope, S::ConnAck | S::Disconnect),
            Self::ReasonString => !matches!(
                scope,
                S::Connect | S::Will | S::Publish | S::Subscribe | S::Unsubscribe
            ),
            Self::ReceiveMaximum | Self::TopicAliasMaximum | Self::MaximumPacketSize => {
                matches!(scope, S::Connect | S::ConnAck)
            }
            Self::TopicAlias => scope == S::Publish,
            Self::UserProperty => true,
        }
    }
}

impl fmt::Display for PropertyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({:#04x})", self.name(), *self as u8)
    }
}

/// A Subscription Identifier: 1 ..= 268,435,455 (0 is a Protocol Error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubscriptionId(NonZeroU32);

impl SubscriptionId {
    /// The identifier, or `None` for 0 or values over 268,435,455.
    pub fn new(id: u32) -> Option<Self> {
        VarInt::new(id)?;
        NonZeroU32::new(id).map(Self)
    }

    /// The value.
    pub fn get(self) -> u32 {
        self.0.get()
    }
}

/// The properties of one MQTT 5 packet (or of a will). Absent properties are
/// `None` or empty; `Properties::default()` is "no properties", the only
/// value MQTT 3.1.x packets accept.
///
/// Byte-valued flags are `bool` (the specification allows only 0 and 1);
/// values where 0 is a Protocol Error are `NonZero*`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Properties {
    /// 0x01 Payload Format Indicator: `true` = UTF-8 payload (PUBLISH, will).
    pub payload_format_indicator: Option<bool>,
    /// 0x02 Message Expiry Interval in seconds (PUBLISH, will).
    pub message_expiry_interval: Option<u32>,
    /// 0x03 Content Type (PUBLISH, will).
    pub content_type: Option<String>,
    /// 0x08 Response Topic, a topic name without wildcards [MQTT-3.3.2-14] (PUBLISH, will).
    pub response_topic: Option<TopicName>,
    /// 0x09 Correlation Data (PUBLISH, will).
    pub correlation_data: Option<Vec<u8>>,
    /// 0x0B Subscription Identifiers (PUBLISH: any number; SUBSCRIBE: at most one).
    pub subscription_identifiers: Vec<SubscriptionId>,
    /// 0x11 Session Expiry Interval in seconds (CONNECT, CONNACK, DISCONNECT).
    pub session_expiry_interval: Option<u32>,
    /// 0x12 Assigned Client Identifier (CONNACK).
    pub assigned_client_identifier: Option<String>,
    /// 0x13 Server Keep Alive in seconds (CONNACK).
    pub server_keep_alive: Option<u16>,
    /// 0x15 Authentication Method (CONNECT, CONNACK, AUTH).
    pub authentication_method: Option<String>,
    /// 0x16 Authentication Data (CONNECT, CONNACK, AUTH).
    pub authentication_data: Option<Vec<u8>>,
    /// 0x17 Request Problem Information (CONNECT).
    pub request_problem_information: Option<bool>,
    /// 0x18 Will Delay Interval in seconds (will).
    pub will_delay_interval: Option<u32>,
    /// 0x19 Request Response Information (CONNECT).
    pub request_response_information: Option<bool>,
    /// 0x1A Response Information (CONNACK).
    pub response_information: Option<String>,
    /// 0x1C Server Reference (CONNACK, DISCONNECT).
    pub server_reference: Option<String>,
    /// 0x1F Reason String (all acknowledgements, DISCONNECT, AUTH).
    pub reason_string: Option<String>,
    /// 0x21 Receive Maximum (CONNECT, CONNACK).
    pub receive_maximum: Option<NonZeroU16>,
    /// 0x22 Topic Alias Maximum (CONNECT, CONNACK).
    pub topic_alias_maximum: Option<u16>,
    /// 0x23 Topic Alias (PUBLISH) [MQTT-3.3.2-8].
    pub topic_alias: Option<NonZeroU16>,
    /// 0x24 Maximum QoS: only [`QoS::AtMostOnce`] or [`QoS::AtLeastOnce`] (CONNACK).
    pub maximum_qos: Option<QoS>,
    /// 0x25 Retain Available (CONNACK).
    pub retain_available: Option<bool>,
    /// 0x26 User Properties, in order (every packet).
    pub user_properties: Vec<(String, String)>,
    /// 0x27 Maximum Packet Size (CONNECT, CONNACK).
    pub maximum_packet_size: Option<NonZeroU32>,
    /// 0x28 Wildcard Subscription Available (CONNACK).
    pub wildcard_subscription_available: Option<bool>,
    /// 0x29 Subscription Identifier Available (CONNACK).
    pub subscription_identifier_available: Option<bool>,
    /// 0x2A Shared Subscription Available (CONNACK).
    pub shared_subscription_available: Option<bool>,
}

/// The most User Properties (and, in a PUBLISH, Subscription Identifiers)
/// one packet may carry, sent or received. MQTT 5 sets no count, only the
/// packet size; without one, a 2 MiB packet of empty pairs would become
/// some 400,000 pairs and about 20 MB of memory. 64 is far above what
/// applications attach (IoTDA documents no User Properties of its own).
pub const MAX_REPEATED_PROPERTIES: usize = 64;

/// Lists only the properties that are present: a packet rarely carries more
/// than two or three of the 27, and the rest would bury them.
impl fmt::Debug for Properties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Properties");
        macro_rules! present {
            (options: $($opt:ident),* ; lists: $($list:ident),*) => {
                $(if let Some(v) = &self.$opt { d.field(stringify!($opt), v); })*
                $(if !self.$list.is_empty() { d.field(stringify!($list), &self.$list); })*
            };
        }
        present!(options: payload_format_indicator, message_expiry_interval, content_type, response_topic, correlation_data, session_expiry_interval, assigned_client_identifier, server_keep_alive, authentication_method, authentication_data, request_problem_information, will_delay_interval, request_response_information, response_information, server_reference, reason_string, receive_maximum, topic_alias_maximum, topic_alias, maximum_qos, retain_available, maximum_packet_size, wildcard_subscription_available, subscription_identifier_available, shared_subscription_available; lists: subscription_identifiers, user_properties);
        d.finish()
    }
}

/// Adds one more of a repeatable property, refusing the one past
/// [`MAX_REPEATED_PROPERTIES`] before it is stored.
fn push_bounded<T>(list: &mut Vec<T>, value: T, id: PropertyId) -> Result<(), Error> {
    if list.len() >= MAX_REPEATED_PROPERTIES {
        return Err(Error::TooManyProperties {
            property: id,
            max: MAX_REPEATED_PROPERTIES,
        });
    }
    list.push(value);
    Ok(())
}

fn set_once<T>(slot: &mut Option<T>, value: T, id: PropertyId) -> Result<(), Error> {
    if slot.is_some() {
        return Err(Error::DuplicateProperty(id));
    }
    *slot = Some(value);
    Ok(())
}

fn read_bool(r: &mut Reader<'_>, id: PropertyId) -> Result<bool, Error> {
    match r.u8(id.key())? {
        0 => Ok(false),
        1 => Ok(true),
        v => Err(Error::InvalidPropertyValue {
            property: id,
            value: u32::from(v),
        }),
    }
}

fn zero(id: PropertyId) -> Error {
    Error::InvalidPropertyValue {
        property: id,
        value: 0,
    }
}

impl Properties {
    /// Whether no property is set.
    pub fn is_empty(&self) -> bool {
        self.present().next().is_none()
    }

    /// The properties that are set, in identifier order.
    pub fn present(&self) -> impl Iterator<Item = PropertyId> + '_ {
        use PropertyId as P;
        let set = [
            (
                self.payload_format_indicator.is_some(),
                P::PayloadFormatIndicator,
            ),
            (
                self.message_expiry_interval.is_some(),
                P::MessageExpiryInterval,
            ),
            (self.content_type.is_some(), P::ContentType),
            (self.response_topic.is_some(), P::ResponseTopic),
            (self.correlation_data.is_some(), P::CorrelationData),
            (
                !self.subscription_identifiers.is_empty(),
                P::SubscriptionIdentifier,
            ),
            (
                self.session_expiry_interval.is_some(),
                P::SessionExpiryInterval,
            ),
            (
                self.assigned_client_identifier.is_some(),
                P::AssignedClientIdentifier,
            ),
            (self.server_keep_alive.is_some(), P::ServerKeepAlive),
            (
                self.authentication_method.is_some(),
                P::AuthenticationMethod,
            ),
            (self.authentication_data.is_some(), P::AuthenticationData),
            (
                self.request_problem_information.is_some(),
                P::RequestProblemInformation,
            ),
            (self.will_delay_interval.is_some(), P::WillDelayInterval),
            (
                self.request_response_information.is_some(),
                P::RequestResponseInformation,
            ),
            (self.response_information.is_some(), P::ResponseInformation),
            (self.server_reference.is_some(), P::ServerReference),
            (self.reason_string.is_some(), P::ReasonString),
            (self.receive_maximum.is_some(), P::ReceiveMaximum),
            (self.topic_alias_maximum.is_some(), P::TopicAliasMaximum),
            (self.topic_alias.is_some(), P::TopicAlias),
            (self.maximum_qos.is_some(), P::MaximumQos),
            (self.retain_available.is_some(), P::RetainAvailable),
            (!self.user_properties.is_empty(), P::UserProperty),
            (self.maximum_packet_size.is_some(), P::MaximumPacketSize),
            (
                self.wildcard_subscription_available.is_some(),
                P::WildcardSubscriptionAvailable,
            ),
            (
                self.subscription_identifier_available.is_some(),
                P::SubscriptionIdentifierAvailable,
            ),
            (
                self.shared_subscription_available.is_some(),
                P::SharedSubscriptionAvailable,
            ),
        ];
        set.into_iter()
            .filter(|(is_set, _)| *is_set)
            .map(|(_, id)| id)
    }

    /// Removes every property `scope` does not allow (and all but the first
    /// Subscription Identifier in SUBSCRIBE). Useful to build a valid value.
    pub fn retain_allowed(&mut self, scope: PropertyScope) {
        let mut clean = Properties::default();
        std::mem::swap(self, &mut clean);
        let keep = |id: PropertyId| id.allowed_in(scope);
        macro_rules! take {
            ($($field:ident: $id:ident),* $(,)?) => {
                $(if keep(PropertyId::$id) { self.$field = clean.$field; })*
            };
        }
        take!(
            payload_format_indicator: PayloadFormatIndicator,
            message_expiry_interval: MessageExpiryInterval,
            content_type: ContentType,
            response_topic: ResponseTopic,
            correlation_data: CorrelationData,
            subscription_identifiers: SubscriptionIdentifier,
            session_expiry_interval: SessionExpiryInterval,
            assigned_client_identifier: AssignedClientIdentifier,
            server_keep_alive: ServerKeepAlive,
            authentication_method: AuthenticationMethod,
            authentication_data: AuthenticationData,
            request_problem_information: RequestProblemInformation,
            will_delay_interval: WillDelayInterval,
            request_response_information: RequestResponseInformation,
            response_information: ResponseInformation,
            server_reference: ServerReference,
            reason_string: ReasonString,
            receive_maximum: ReceiveMaximum,
            topic_alias_maximum: TopicAliasMaximum,
            topic_alias: TopicAlias,
            maximum_qos: MaximumQos,
            retain_available: RetainAvailable,
            user_properties: UserProperty,
            maximum_packet_size: MaximumPacketSize,
            wildcard_subscription_available: WildcardSubscriptionAvailable,
            subscription_identifier_available: SubscriptionIdentifierAvailable,
            shared_subscription_available: SharedSubscriptionAvailable,
        );
        if scope == PropertyScope::Subscribe {
            self.subscription_identifiers.truncate(1);
        }
    }

    /// Rules that hold across properties of one scope, checked after
    /// decoding and before encoding.
    fn check(&self, scope: PropertyScope) -> Result<(), Error> {
        if let Some(id) = self.present().find(|id| !id.allowed_in(scope)) {
            return Err(Error::PropertyNotAllowed {
                property: id,
                scope,
            });
        }
        for (id, count) in [
            (PropertyId::UserProperty, self.user_properties.len()),
            (
                PropertyId::SubscriptionIdentifier,
                self.subscription_identifiers.len(),
            ),
        ] {
            if count > MAX_REPEATED_PROPERTIES {
                return Err(Error::TooManyProperties {
                    property: id,
                    max: MAX_REPEATED_PROPERTIES,
                });
            }
        }
        if scope == PropertyScope::Subscribe && self.subscription_identifiers.len() > 1 {
            return Err(Error::DuplicateProperty(PropertyId::SubscriptionIdentifier));
        }
        if self.maximum_qos == Some(QoS::ExactlyOnce) {
            return Err(Error::InvalidPropertyValue {
                property: PropertyId::MaximumQos,
                value: 2,
            });
        }
        if self
            .response_topic
            .as_ref()
            .is_some_and(TopicName::is_empty)
        {
            return Err(Error::EmptyTopic {
                field: crate::text::keys::mqtt_property::RESPONSE_TOPIC,
            });
        }
        if scope == PropertyScope::Connect
            && self.authentication_data.is_some()
            && self.authentication_method.is_none()
        {
            return Err(Error::AuthDataWithoutMethod);
        }
        Ok(())
    }

    /// Reads a Property Length and the properties it covers, checking each
    /// against `scope`.
    pub(crate) fn decode(r: &mut Reader<'_>, scope: PropertyScope) -> Result<Self, Error> {
        use PropertyId as P;
        let len = r
            .varint(crate::text::keys::mqtt_codec::FIELD_PROPERTY_LENGTH)?
            .get() as usize;
        let mut r = r.sub(len, crate::text::keys::mqtt_codec::FIELD_PROPERTIES)?;
        let mut p = Properties::default();
        while !r.is_empty() {
            let byte = r.u8(crate::text::keys::mqtt_codec::FIELD_PROPERTY_IDENTIFIER)?;
            let id = P::from_u8(byte).ok_or(Error::UnknownProperty(byte))?;
            if !id.allowed_in(scope) {
                return Err(Error::PropertyNotAllowed {
                    property: id,
                    scope,
                });
            }
            let name = id.key();
            match id {
                P::PayloadFormatIndicator => {
                    set_once(&mut p.payload_format_indicator, read_bool(&mut r, id)?, id)?
                }
                P::MessageExpiryInterval => {
                    set_once(&mut p.message_expiry_interval, r.u32(name)?, id)?
                }
                P::ContentType => set_once(&mut p.content_type, r.string(name)?, id)?,
                P::ResponseTopic => {
                    let topic = TopicName::new(r.string(name)?)?;
                    set_once(&mut p.response_topic, topic, id)?
                }
                P::CorrelationData => {
                    set_once(&mut p.correlation_data, r.binary(name)?.to_vec(), id)?
                }
                P::SubscriptionIdentifier => {
                    let v = r.varint(name)?.get();
                    let sid = SubscriptionId::new(v).ok_or(zero(id))?;
                    if scope != PropertyScope::Publish && !p.subscription_identifiers.is_empty() {
                        return Err(Error::DuplicateProperty(id));
                    }
                    push_bounded(&mut p.subscription_identifiers, sid, id)?;
                }
                P::SessionExpiryInterval => {
                    set_once(&mut p.session_expiry_interval, r.u32(name)?, id)?
                }
                P::AssignedClientIdentifier => {
                    set_once(&mut p.assigned_client_identifier, r.string(name)?, id)?
                }
                P::ServerKeepAlive => set_once(&mut p.server_keep_alive, r.u16(name)?, id)?,
                P::AuthenticationMethod => {
                    set_once(&mut p.authentication_method, r.string(name)?, id)?
                }
                P::AuthenticationData => {
                    set_once(&mut p.authentication_data, r.binary(name)?.to_vec(), id)?
                }
                P::RequestProblemInformation => set_once(
                    &mut p.request_problem_information,
                    read_bool(&mut r, id)?,
                    id,
                )?,
                P::WillDelayInterval => set_once(&mut p.will_delay_interval, r.u32(name)?, id)?,
                P::RequestResponseInformation => set_once(
                    &mut p.request_response_information,
                    read_bool(&mut r, id)?,
                    id,
                )?,
                P::ResponseInformation => {
                    set_once(&mut p.response_information, r.string(name)?, id)?
                }
                P::ServerReference => set_once(&mut p.server_reference, r.string(name)?, id)?,
                P::ReasonString => set_once(&mut p.reason_string, r.string(name)?, id)?,
                P::ReceiveMaximum => {
                    let v = NonZeroU16::new(r.u16(name)?).ok_or(zero(id))?;
                    set_once(&mut p.receive_maximum, v, id)?
                }
                P::TopicAliasMaximum => set_once(&mut p.topic_alias_maximum, r.u16(name)?, id)?,
                P::TopicAlias => {
                    let v = NonZeroU16::new(r.u16(name)?).ok_or(zero(id))?;
                    set_once(&mut p.topic_alias, v, id)?
                }
                P::MaximumQos => {
                    let q = match r.u8(name)? {
                        0 => QoS::AtMostOnce,
                        1 => QoS::AtLeastOnce,
                        v => {
                            return Err(Error::InvalidPropertyValue {
                                property: id,
                                value: u32::from(v),
                            })
                        }
                    };
                    set_once(&mut p.maximum_qos, q, id)?
                }
                P::RetainAvailable => {
                    set_once(&mut p.retain_available, read_bool(&mut r, id)?, id)?
                }
                P::UserProperty => {
                    let k = r.string(name)?;
                    let v = r.string(name)?;
                    push_bounded(&mut p.user_properties, (k, v), id)?;
                }
                P::MaximumPacketSize => {
                    let v = NonZeroU32::new(r.u32(name)?).ok_or(zero(id))?;
                    set_once(&mut p.maximum_packet_size, v, id)?
                }
                P::WildcardSubscriptionAvailable => set_once(
                    &mut p.wildcard_subscription_available,
                    read_bool(&mut r, id)?,
                    id,
                )?,
                P::SubscriptionIdentifierAvailable => set_once(
                    &mut p.subscription_identifier_available,
                    read_bool(&mut r, id)?,
                    id,
                )?,
                P::SharedSubscriptionAvailable => set_once(
                    &mut p.shared_subscription_available,
                    read_bool(&mut r, id)?,
                    id,
                )?,
            }
        }
        p.check(scope)?;
        Ok(p)
    }

    /// Appends Property Length and properties, in identifier order, after
    /// checking them against `scope`.
    pub(crate) fn encode(&self, scope: PropertyScope, out: &mut Vec<u8>) -> Result<(), Error> {
        use PropertyId as P;
        self.check(scope)?;
        with_length_prefix(out, Error::VarIntTooLarge, |out| {
            let flag = |out: &mut Vec<u8>, id: P, v: Option<bool>| {
                if let Some(v) = v {
                    out.extend_from_slice(&[id as u8, u8::from(v)]);
                }
            };
            let int4 = |out: &mut Vec<u8>, id: P, v: Option<u32>| {
                if let Some(v) = v {
                    out.push(id as u8);
                    put_u32(out, v);
                }
            };
            let int2 = |out: &mut Vec<u8>, id: P, v: Option<u16>| {
                if let Some(v) = v {
                    out.push(id as u8);
                    put_u16(out, v);
                }
            };
            let string = |out: &mut Vec<u8>, id: P, v: Option<&str>| -> Result<(), Error> {
                if let Some(v) = v {
                    out.push(id as u8);
                    put_str(out, id.key(), v)?;
                }
                Ok(())
            };
            let binary = |out: &mut Vec<u8>, id: P, v: Option<&[u8]>| -> Result<(), Error> {
                if let Some(v) = v {
                    out.push(id as u8);
                    put_binary(out, id.key(), v)?;
                }
                Ok(())
            };
            flag(
                out,
                P::PayloadFormatIndicator,
                self.payload_format_indicator,
            );
            int4(out, P::MessageExpiryInterval, self.message_expiry_interval);
            string(out, P::ContentType, self.content_type.as_deref())?;
            string(
                out,
                P::ResponseTopic,
                self.response_topic.as_ref().map(TopicName::as_str),
            )?;
            binary(out, P::CorrelationData, self.correlation_data.as_deref())?;
            for id in &self.subscription_identifiers {
                out.push(P::SubscriptionIdentifier as u8);
                // In range by construction of SubscriptionId.
                VarInt::new(id.get())
                    .ok_or(Error::VarIntTooLarge(id.get() as usize))?
                    .encode(out);
            }
            int4(out, P::SessionExpiryInterval, self.session_expiry_interval);
            string(
                out,
                P::AssignedClientIdentifier,
                self.assigned_client_identifier.as_deref(),
            )?;
            int2(out, P::ServerKeepAlive, self.server_keep_alive);
            string(
                out,
                P::AuthenticationMethod,
                self.authentication_method.as_deref(),
            )?;
            binary(
                out,
                P::AuthenticationData,
                self.authentication_data.as_deref(),
            )?;
            flag(
                out,
                P::RequestProblemInformation,
                self.request_problem_information,
            );
            int4(out, P::WillDelayInterval, self.will_delay_interval);
            flag(
                out,
                P::RequestResponseInformation,
                self.request_response_information,
            );
            string(
                out,
                P::ResponseInformation,
                self.response_information.as_deref(),
            )?;
            string(out, P::ServerReference, self.server_reference.as_deref())?;
            string(out, P::ReasonString, self.reason_string.as_deref())?;
            int2(
                out,
                P::ReceiveMaximum,
                self.receive_maximum.map(NonZeroU16::get),
            );
            int2(out, P::TopicAliasMaximum, self.topic_alias_maximum);
            int2(out, P::TopicAlias, self.topic_alias.map(NonZeroU16::get));
            if let Some(q) = self.maximum_qos {
                out.extend_from_slice(&[P::MaximumQos as u8, q as u8]);
            }
            flag(out, P::RetainAvailable, self.retain_available);
            for (k, v) in &self.user_properties {
                out.push(P::UserProperty as u8);
                put_str(out, P::UserProperty.key(), k)?;
                put_str(out, P::UserProperty.key(), v)?;
            }
            int4(
                out,
                P::MaximumPacketSize,
                self.maximum_packet_size.map(NonZeroU32::get),
            );
            flag(
                out,
                P::WildcardSubscriptionAvailable,
                self.wildcard_subscription_available,
            );
            flag(
                out,
                P::SubscriptionIdentifierAvailable,
                self.subscription_identifier_available,
            );
            flag(
                out,
                P::SharedSubscriptionAvailable,
                self.shared_subscription_available,
            );
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::PacketType;

    fn decode(bytes: &[u8], scope: PropertyScope) -> Result<Properties, Error> {
        let mut r = Reader::new(bytes, PacketType::Publish);
        let p = Properties::decode(&mut r, scope)?;
        r.finish()?;
        Ok(p)
    }

    #[test]
    fn repeated_properties_are_bounded_in_count() {
        // Property Length, then `n` empty User Properties (0x26, "", "").
        let user_properties = |n: usize| {
            let mut out = Vec::new();
            VarInt::new(u32::try_from(5 * n).unwrap())
                .unwrap()
                .encode(&mut out);
            for _ in 0..n {
                out.extend_from_slice(&[0x26, 0, 0, 0, 0]);
            }
            out
        };
        let scope = PropertyScope::Publish;
        let max = MAX_REPEATED_PROPERTIES;
        assert_eq!(
            decode(&user_properties(max), scope).map(|p| p.user_properties.len()),
            Ok(max)
        );
        let too_many = Error::TooManyProperties {
            property: PropertyId::UserProperty,
            max,
        };
        assert_eq!(
            decode(&user_properties(max + 1), scope),
            Err(too_many.clone())
        );
        // Nor are more sent.
        let p = Properties {
            user_properties: vec![(String::new(), String::new()); max + 1],
            ..Properties::default()
        };
        assert_eq!(p.encode(scope, &mut Vec::new()), Err(too_many));
        let p = Properties {
            subscription_identifiers: vec![SubscriptionId::new(1).unwrap(); max + 1],
            ..Properties::default()
        };
        assert_eq!(
            p.encode(scope, &mut Vec::new()),
            Err(Error::TooManyProperties {
                property: PropertyId::SubscriptionIdentifier,
                max,
            })
        );
    }

    #[test]
    fn every_property_round_trips_where_allowed() {
        let all = Properties {
            payload_format_indicator: Some(true),
            message_expiry_interval: Some(7),
            content_type: Some("text/plain".into()),
            response_topic: Some(TopicName::new("r/t").unwrap()),
            correlation_data: Some(vec![1, 2]),
            subscription_identifiers: vec![SubscriptionId::new(268_435_455).unwrap()],
            session_expiry_interval: Some(60),
            assigned_client_identifier: Some("id".into()),
            server_keep_alive: Some(30),
            authentication_method: Some("SCRAM".into()),
            authentication_data: Some(vec![9]),
            request_problem_information: Some(false),
            will_delay_interval: Some(5),
            request_response_information: Some(true),
            response_information: Some("ri".into()),
            server_reference: Some("other".into()),
            reason_string: Some("why".into()),
            receive_maximum: NonZeroU16::new(10),
            topic_alias_maximum: Some(0),
            topic_alias: NonZeroU16::new(3),
            maximum_qos: Some(QoS::AtLeastOnce),
            retain_available: Some(false),
            user_properties: vec![("k".into(), "v".into()), ("k".into(), "w".into())],
            maximum_packet_size: NonZeroU32::new(1024),
            wildcard_subscription_available: Some(true),
            subscription_identifier_available: Some(true),
            shared_subscription_available: Some(false),
        };
        assert_eq!(all.present().count(), 27);
        use PropertyScope as S;
        for scope in [
            S::Connect,
            S::Will,
            S::ConnAck,
            S::Publish,
            S::PubAck,
            S::PubRec,
            S::PubRel,
            S::PubComp,
            S::Subscribe,
            S::SubAck,
            S::Unsubscribe,
            S::UnsubAck,
            S::Disconnect,
            S::Auth,
        ] {
            let mut p = all.clone();
            p.retain_allowed(scope);
            assert!(p.present().all(|id| id.allowed_in(scope)));
            let mut out = Vec::new();
            p.encode(scope, &mut out).unwrap();
            assert_eq!(decode(&out, scope), Ok(p.clone()), "{scope}");
            // Everything not allowed is refused on encode.
            for id in all.present().filter(|id| !id.allowed_in(scope)) {
                let mut bad = p.clone();
                match id {
                    PropertyId::TopicAlias => bad.topic_alias = NonZeroU16::new(1),
                    PropertyId::ReasonString => bad.reason_string = Some("x".into()),
                    PropertyId::WillDelayInterval => bad.will_delay_interval = Some(1),
                    _ => continue,
                }
                assert_eq!(
                    bad.encode(scope, &mut Vec::new()),
                    Err(Error::PropertyNotAllowed {
                        property: id,
                        scope
                    })
                );
            }
        }
    }

    #[test]
    fn table_matches_the_specification_counts() {
        // 5.0 Table 2-4: how many packets (the will counted as one) allow each property.
        use PropertyScope as S;
        let scopes = [
            S::Connect,
            S::Will,
            S::ConnAck,
            S::Publish,
            S::PubAck,
            S::PubRec,
            S::PubRel,
            S::PubComp,
            S::Subscribe,
            S::SubAck,
            S::Unsubscribe,
            S::UnsubAck,
            S::Disconnect,
            S::Auth,
        ];
        let count = |id: PropertyId| scopes.iter().filter(|s| id.allowed_in(**s)).count();
        assert_eq!(count(PropertyId::UserProperty), 14);
        assert_eq!(count(PropertyId::ReasonString), 9);
        assert_eq!(count(PropertyId::SessionExpiryInterval), 3);
        assert_eq!(count(PropertyId::AuthenticationMethod), 3);
        assert_eq!(count(PropertyId::ServerReference), 2);
        assert_eq!(count(PropertyId::SubscriptionIdentifier), 2);
        assert_eq!(count(PropertyId::TopicAlias), 1);
        for id in PropertyId::ALL {
            assert_eq!(PropertyId::from_u8(id as u8), Some(id));
        }
    }

    #[test]
    fn decoding_rejects_duplicates_unknown_ids_and_zero_values() {
        use PropertyScope as S;
        // Two Topic Aliases.
        assert_eq!(
            decode(&[6, 0x23, 0, 1, 0x23, 0, 2], S::Publish),
            Err(Error::DuplicateProperty(PropertyId::TopicAlias))
        );
        // Two User Properties are fine.
        assert!(decode(&[11, 0x26, 0, 1, b'a', 0, 0, 0x26, 0, 0, 0, 0], S::Publish).is_ok());
        // Two Subscription Identifiers: fine in PUBLISH, not in SUBSCRIBE.
        assert!(decode(&[4, 0x0B, 1, 0x0B, 2], S::Publish).is_ok());
        assert_eq!(
            decode(&[4, 0x0B, 1, 0x0B, 2], S::Subscribe),
            Err(Error::DuplicateProperty(PropertyId::SubscriptionIdentifier))
        );
        assert_eq!(
            decode(&[2, 0x05, 0], S::Publish),
            Err(Error::UnknownProperty(0x05))
        );
        assert_eq!(
            decode(&[3, 0x23, 0, 0], S::Publish),
            Err(Error::InvalidPropertyValue {
                property: PropertyId::TopicAlias,
                value: 0
            })
        );
        assert_eq!(
            decode(&[2, 0x24, 2], S::ConnAck),
            Err(Error::InvalidPropertyValue {
                property: PropertyId::MaximumQos,
                value: 2
            })
        );
        assert_eq!(
            decode(&[2, 0x01, 2], S::Publish),
            Err(Error::InvalidPropertyValue {
                property: PropertyId::PayloadFormatIndicator,
                value: 2
            })
        );
        assert_eq!(
            decode(&[3, 0x16, 0, 0], S::Connect),
            Err(Error::AuthDataWithoutMethod)
        );
        // The Property Length promises more than the packet has.
        assert_eq!(
            decode(&[5, 0x23, 0, 1], S::Publish),
            Err(Error::UnexpectedEnd {
                packet: PacketType::Publish,
                field: crate::text::keys::mqtt_codec::FIELD_PROPERTIES
            })
        );
        // A value runs past the Property Length.
        assert_eq!(
            decode(&[2, 0x23, 0, 1], S::Publish),
            Err(Error::UnexpectedEnd {
                packet: PacketType::Publish,
                field: crate::text::keys::mqtt_property::TOPIC_ALIAS
            })
        );
        // A non-minimal Property Length.
        assert_eq!(
            decode(&[0x80, 0x00], S::Publish),
            Err(Error::NonMinimalVarInt { value: 0, len: 2 })
        );
    }
}
