//! Every sentence the core says, by area: the English of each
//! [`Message`](super::Message) the core's types make. A translation is a
//! catalog with the same ids and holes.

crate::catalog! {
    /// Device ids, secrets, sign types and timestamps
    /// ([`crate::credentials`]).
    mod credentials {
        EMPTY_DEVICE_ID = "device id is empty; copy it from the device's details in the IoTDA console";
        DEVICE_ID_CHAR = "device id may contain only letters, digits, '_' and '-'; found {ch} at position {position}";
        DEVICE_ID_TOO_LONG = "device id is {n} characters long; IoTDA allows at most {max}";
        EMPTY_SECRET = "secret is empty; enter the device secret set when the device was registered";
        SIGN_TYPE = "sign type must be 0 (don't check timestamp) or 1 (check timestamp); got {got}";
        EMPTY_CLIENT_ID = "client id is empty";
        CLIENT_ID_TOO_LONG = "client id is {n} characters long; IoTDA allows at most {max}";
        SECRET_LENGTH = "secret is {n} characters; IoTDA secrets are {min}-{max}, so the platform will likely reject this password";
        SECRET_CHAR = "secret contains {ch} at position {position}; IoTDA secrets use only letters, digits, '_' and '-'";
        TIMESTAMP_BEHIND = "with sign type 1 the platform checks the timestamp against its clock; this one is {n} hour(s) behind the current UTC hour";
        TIMESTAMP_AHEAD = "with sign type 1 the platform checks the timestamp against its clock; this one is {n} hour(s) ahead of the current UTC hour";
        TIMESTAMP_EMPTY = "timestamp is empty; enter the UTC hour as YYYYMMDDHH";
        TIMESTAMP_LENGTH = "timestamp must be 10 digits YYYYMMDDHH (UTC hour); got {n} characters";
        TIMESTAMP_NOT_DIGIT = "timestamp must be digits only (YYYYMMDDHH); found {ch} at position {position}";
        TIMESTAMP_YEAR = "timestamp year {year} is outside 1970-9999";
        TIMESTAMP_MONTH = "timestamp month {month} is not 01-12";
        TIMESTAMP_DAY = "timestamp day {day} does not exist in {year}-{month}";
        TIMESTAMP_HOUR = "timestamp hour {hour} is not 00-23 (UTC)";
    }

    /// Why bytes are not an MQTT packet, or a packet cannot be encoded
    /// ([`crate::mqtt::Error`]).
    mod mqtt_codec {
        RESERVED_PACKET_TYPE = "packet type {packet_type} is reserved in {version}: the stream is not MQTT, is out of step, or the peer speaks another MQTT version";
        INVALID_FIXED_HEADER_FLAGS = "{packet} has fixed-header flags {flags}, which the specification reserves (expected {expected}); the packet is malformed";
        INVALID_QOS = "QoS {q} does not exist; QoS must be 0, 1 or 2";
        DUP_WITH_QOS0 = "a QoS 0 PUBLISH must not set the DUP flag";
        MALFORMED_REMAINING_LENGTH = "the Remaining Length is longer than 4 bytes; the stream is not MQTT or is out of step";
        MALFORMED_VAR_INT = "a variable byte integer in the packet is longer than 4 bytes";
        NON_MINIMAL_VAR_INT = "the variable byte integer {value} is encoded in {len} bytes, more than it needs";
        PACKET_TOO_LARGE = "the packet is {size} bytes, over the {max}-byte limit; raise the limit or close the connection";
        REMAINING_LENGTH_TOO_LARGE = "the packet body would be {len} bytes, over MQTT's 268,435,455-byte limit; split the payload";
        VAR_INT_TOO_LARGE = "{v} does not fit a variable byte integer (at most 268,435,455)";
        INVALID_REMAINING_LENGTH = "{packet} cannot have a Remaining Length of {len}";
        UNEXPECTED_END = "{packet} ends inside its {field}: the Remaining Length is shorter than the content";
        TRAILING_BYTES = "{packet} has {count} byte(s) after its last field: the Remaining Length is longer than the content";
        INVALID_UTF8 = "the {field} is not valid UTF-8";
        NULL_CHARACTER = "the {field} contains the null character U+0000, which MQTT forbids";
        TOO_LONG = "the {field} is {len} bytes; MQTT strings and binary data hold at most 65,535";
        EMPTY_TOPIC = "the {field} is empty; topics must be at least one character (an MQTT 5 PUBLISH may leave it empty only with a Topic Alias)";
        WILDCARD_IN_TOPIC_NAME = "the topic name {t} contains a wildcard (+ or #); wildcards belong in subscriptions only";
        INVALID_MULTI_LEVEL_WILDCARD = "in the topic filter {t}, # must be a whole level and the last one (like a/#)";
        INVALID_SINGLE_LEVEL_WILDCARD = "in the topic filter {t}, + must be a whole level (like a/+/c)";
        INVALID_SHARED_SUBSCRIPTION = "the shared subscription {t} must look like $share/NAME/FILTER, with a NAME free of /, + and #";
        NO_LOCAL_ON_SHARED_SUBSCRIPTION = "No Local cannot be set on the shared subscription {t}";
        INVALID_PROTOCOL_NAME = "the CONNECT protocol name is {n}; expected \"MQTT\" (or \"MQIsdp\" for 3.1)";
        UNSUPPORTED_PROTOCOL_LEVEL = "protocol level {l} is not supported (3 = MQTT 3.1, 4 = 3.1.1, 5 = 5.0)";
        CONNECT_RESERVED_FLAG = "the reserved bit 0 of the CONNECT flags is set";
        WILL_FLAGS_WITHOUT_WILL = "the CONNECT flags {flags} set Will QoS or Will Retain without the Will flag";
        PASSWORD_WITHOUT_USERNAME = "MQTT 3.1.1 does not allow a password without a user name; add a user name";
        AUTH_DATA_WITHOUT_METHOD = "Authentication Data needs an Authentication Method in the same packet";
        INVALID_CONN_ACK_FLAGS = "the CONNACK flags {b} set reserved bits 7-1";
        SESSION_PRESENT_WITH_ERROR = "the CONNACK refuses the connection (code {code}) yet sets Session Present";
        INVALID_REASON_CODE = "{code} is not a valid {packet} reason code";
        REASON_CODE_NOT_IN_VERSION = "{packet} reason code {code} does not exist in {version}; use one of its codes";
        ZERO_PACKET_ID = "{packet} has packet identifier 0; identifiers must be 1..=65535";
        NO_TOPIC_FILTERS = "{packet} must carry at least one topic filter";
        NO_REASON_CODES = "{packet} must carry one reason code per topic filter, and has none";
        INVALID_SUBSCRIPTION_OPTIONS = "the subscription options byte {b} sets reserved bits";
        INVALID_RETAIN_HANDLING = "Retain Handling {v} does not exist; it must be 0, 1 or 2";
        UNKNOWN_PROPERTY = "property identifier {id} is not defined by MQTT 5";
        PROPERTY_NOT_ALLOWED = "the {property} property is not allowed in {scope}";
        DUPLICATE_PROPERTY = "the {p} property appears more than once";
        TOO_MANY_PROPERTIES = "the packet carries more than {max} {property} entries, the most accepted in one packet";
        INVALID_PROPERTY_VALUE = "{value} is not a valid value of the {property} property";
        NOT_IN_VERSION = "{feature}: not in {version}, only in MQTT 5.0; remove or encode for MQTT 5.0";
    }

    /// The names of MQTT reason codes, as the specification writes them
    /// ([`crate::mqtt::ConnectReasonCode`] and the other reason-code enums).
    mod mqtt_reason {
        SUCCESS = "Success";
        UNSPECIFIED_ERROR = "Unspecified error";
        MALFORMED_PACKET = "Malformed Packet";
        PROTOCOL_ERROR = "Protocol Error";
        IMPLEMENTATION_SPECIFIC_ERROR = "Implementation specific error";
        UNSUPPORTED_PROTOCOL_VERSION = "Unsupported Protocol Version";
        CLIENT_IDENTIFIER_NOT_VALID = "Client Identifier not valid";
        BAD_USER_NAME_OR_PASSWORD = "Bad User Name or Password";
        NOT_AUTHORIZED = "Not authorized";
        SERVER_UNAVAILABLE = "Server unavailable";
        SERVER_BUSY = "Server busy";
        BANNED = "Banned";
        BAD_AUTHENTICATION_METHOD = "Bad authentication method";
        TOPIC_NAME_INVALID = "Topic Name invalid";
        PACKET_TOO_LARGE = "Packet too large";
        QUOTA_EXCEEDED = "Quota exceeded";
        PAYLOAD_FORMAT_INVALID = "Payload format invalid";
        RETAIN_NOT_SUPPORTED = "Retain not supported";
        QOS_NOT_SUPPORTED = "QoS not supported";
        USE_ANOTHER_SERVER = "Use another server";
        SERVER_MOVED = "Server moved";
        CONNECTION_RATE_EXCEEDED = "Connection rate exceeded";
        NO_MATCHING_SUBSCRIBERS = "No matching subscribers";
        PACKET_IDENTIFIER_IN_USE = "Packet Identifier in use";
        PACKET_IDENTIFIER_NOT_FOUND = "Packet Identifier not found";
        GRANTED_QOS0 = "Granted QoS 0";
        GRANTED_QOS1 = "Granted QoS 1";
        GRANTED_QOS2 = "Granted QoS 2";
        TOPIC_FILTER_INVALID = "Topic Filter invalid";
        SHARED_SUBSCRIPTIONS_NOT_SUPPORTED = "Shared Subscriptions not supported";
        SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED = "Subscription Identifiers not supported";
        WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED = "Wildcard Subscriptions not supported";
        NO_SUBSCRIPTION_EXISTED = "No subscription existed";
        NORMAL_DISCONNECTION = "Normal disconnection";
        DISCONNECT_WITH_WILL_MESSAGE = "Disconnect with Will Message";
        SERVER_SHUTTING_DOWN = "Server shutting down";
        KEEP_ALIVE_TIMEOUT = "Keep Alive timeout";
        SESSION_TAKEN_OVER = "Session taken over";
        RECEIVE_MAXIMUM_EXCEEDED = "Receive Maximum exceeded";
        TOPIC_ALIAS_INVALID = "Topic Alias invalid";
        MESSAGE_RATE_TOO_HIGH = "Message rate too high";
        ADMINISTRATIVE_ACTION = "Administrative action";
        MAXIMUM_CONNECT_TIME = "Maximum connect time";
        CONTINUE_AUTHENTICATION = "Continue authentication";
        RE_AUTHENTICATE = "Re-authenticate";
    }
}
