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
    /// What IoTDA means by a CONNACK refusal, in the doctor's words
    /// ([`crate::doctor::explain_refusal`]).
    mod refusal {
        ACCEPTED = "accepted";
        VERSION = "the MQTT version is not accepted: IoTDA takes 3.1, 3.1.1 and (on some editions) 5.0";
        CLIENT_ID = "the ClientId is malformed or the keep alive is outside 30-1200 s: check both";
        UNAVAILABLE = "the platform is unavailable or busy: try again later";
        BAD_LOGIN = "the user name or password is wrong: the ClientId, user name and password must come from this device's id and secret";
        NOT_AUTHORIZED = "not authorized: the device is unknown, frozen, or its credentials do not match what is registered";
        LIMITED = "the platform limits this device or account: slow down reconnects";
        OTHER_SERVER = "the device must connect to another server";
        MALFORMED = "the broker refused the CONNECT itself (a malformed packet or an option it does not take)";
    }
    /// A CONNECT read from a hex capture ([`crate::doctor::connect_from_hex`]).
    mod capture {
        NO_DIGITS = "no hex digits given";
        NOT_HEX = "{ch} is not a hex digit";
        ODD_DIGITS = "{n} hex digits is an odd number: each byte needs two";
        TOO_LONG = "more than {max} bytes of hex: too long for this";
        NOT_CONNECT = "the bytes are a {kind} packet, not the CONNECT";
        INCOMPLETE = "the CONNECT is incomplete ({n} bytes given); copy the whole packet";
        INVALID = "not a valid CONNECT: {error}";
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
        SCOPE_WILL = "the will properties of CONNECT";
        SCOPE_PACKET = "{packet}";
        FIELD_TOPIC_NAME = "topic name";
        FIELD_TOPIC_FILTER = "topic filter";
        FIELD_WILL_TOPIC = "will topic";
        FIELD_REASON_CODE = "reason code";
        FIELD_CLIENT_IDENTIFIER = "client identifier";
        FIELD_USER_NAME = "user name";
        FIELD_SUBSCRIPTION_OPTIONS = "subscription options";
        FIELD_PROPERTY_LENGTH = "property length";
        FIELD_PROPERTIES = "properties";
        FIELD_PACKET_IDENTIFIER = "packet identifier";
        FIELD_WILL_PAYLOAD = "will payload";
        FIELD_PROTOCOL_NAME = "protocol name";
        FIELD_PROTOCOL_LEVEL = "protocol level";
        FIELD_PROPERTY_IDENTIFIER = "property identifier";
        FIELD_PASSWORD = "password";
        FIELD_KEEP_ALIVE = "keep alive";
        FIELD_CONNECT_FLAGS = "connect flags";
        FIELD_ACKNOWLEDGE_FLAGS = "acknowledge flags";
        FEATURE_UNSUBACK_REASON_CODES = "UNSUBACK reason codes";
        FEATURE_PROPERTIES = "properties";
        FEATURE_AUTH_PACKET = "AUTH packet";
        FEATURE_SUBSCRIPTION_OPTIONS_OTHER_THAN_QOS = "subscription options other than QoS";
        FEATURE_SESSION_EXPIRY_INTERVAL = "Session Expiry Interval";
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

    /// What an MQTT session's requests fail with, how a server broke the
    /// protocol, and what the session warns of or reports
    /// ([`crate::mqtt::session`]).
    mod session {
        CLIENT_ID_REQUIRED = "{v} servers assign no client id: give the client a non-empty id";
        INVALID_BACKOFF = "invalid reconnect backoff (min {min}, max {max}, factor {factor}, jitter {jitter}): min must not exceed max, the factor must be at least 1 and the jitter between 0 and 1";
        PACKET_IDS_EXHAUSTED = "all 65,535 packet identifiers are waiting for acknowledgements; try again once some are acknowledged";
        QUEUE_FULL = "the send queue is full ({messages} of {max_messages} requests, {bytes} of {max_bytes} bytes; this one needs {request} bytes); wait until the session is connected or raise the limits";
        TOO_LARGE = "the message is {size} bytes as a packet, over the server's maximum of {max}; send a smaller payload";
        QOS_NOT_SUPPORTED = "the server accepts QoS {maximum} at most, not QoS {qos}; publish with a lower QoS";
        RETAIN_NOT_SUPPORTED = "the server does not keep retained messages; publish without the retain flag";
        PUBLISH_REFUSED = "the server refused the message: {reason} ({code})";
        PUBLISH_REFUSED_SAYING = "the server refused the message: {reason} ({code}), saying {said}";
        PACKET_IDENTIFIER_NOT_FOUND = "the server no longer knew the message when asked to complete it (PUBCOMP: Packet Identifier not found); it may not have been delivered";
        MALFORMED = "the server sent a malformed packet: {e}";
        BEFORE_CONNACK = "before CONNACK";
        AFTER_CONNACK = "after CONNACK";
        UNEXPECTED_PACKET = "the server sent {packet} {phase}, which it must not";
        UNKNOWN_PACKET_ID = "the server sent {packet} for packet identifier {pid}, which is not waiting for it";
        REASON_COUNT_MISMATCH = "the server's {packet} has {got} reason code(s) for {expected} topic filter(s)";
        SESSION_PRESENT_ON_CLEAN_START = "the server says it resumed a session, though the client asked for a clean one";
        TOPIC_ALIAS_NOT_ALLOWED = "the server used topic alias {alias}, though the client allows none";
        GRANTED_QOS_ABOVE_REQUESTED = "the server granted QoS {granted} to {filter}, though the client asked for at most QoS {requested}";
        IOTDA_KEEP_ALIVE = "IoTDA accepts a keep alive of 30 to 1200 seconds (120 advised), not {keep_alive}; the platform will refuse the connection with return code 2";
        IOTDA_WILL = "IoTDA does not support will messages; remove the will";
        IOTDA_QOS2 = "IoTDA supports QoS 0 and 1 only; QoS 2 will not work as expected";
        IOTDA_RETAIN = "IoTDA does not keep retained messages; the retain flag is ignored";
        CLIENT_ID_IN_USE = "another client is using this device id: the broker dropped client id {client_id} right after accepting it ({drops} in a row); stop the other client or device, or connect as another device";
        LOGIN_UNUSABLE = "the fresh login cannot be sent ({reason}); connecting with the previous one";
        CONNECT_REFUSED_V5 = "connection refused, CONNACK reason code {code} ({reason}): {sentence}";
        CONNECT_REFUSED_V3 = "connection refused, CONNACK return code {code} ({reason}): {sentence}";
        CONNECT_REFUSED_SAYING = "{refusal} The server says: {said}.";
        SERVER_CLOSED = "the server closed the connection: {reason} ({code})";
        SERVER_CLOSED_SAYING = "the server closed the connection: {reason} ({code}), saying {said}";
        SERVER_CLOSED_POINTING = "{closed}; it points to the server {server}";
        IOTDA_MEANS = "{closed}. From IoTDA this means: {meaning}";
        TRANSPORT = "the connection closed: {reason}";
        TRANSPORT_SAID = "{words}";
        CONNECT_TIMEOUT = "no connection within {seconds} s: the broker did not answer";
        KEEP_ALIVE_TIMEOUT = "nothing received from the broker for {seconds} s despite a ping: the connection is dead";
        PROTOCOL = "{e}; the connection was closed";
        ONLY_MQTT311 = "the broker speaks only MQTT 3.1.1: it refused the MQTT 5.0 CONNECT with a 3.1.1 CONNACK, return code 1 (unacceptable protocol version); connect with MQTT 3.1.1";
        INTERNAL = "internal error, please report: {e}";
        GRANTED = "granted QoS {qos}";
        SUBSCRIPTION_REFUSED = "refused: {reason} ({code})";
    }

    /// What a CONNACK refusal means and what to do, in one sentence
    /// ([`crate::mqtt::session::ConnectRefusal::sentence`]).
    mod connack {
        IOTDA_UNSUPPORTED_PROTOCOL_VERSION = "IoTDA does not support this MQTT version: use MQTT 3.1.1 (MQTT 5.0 only on instances that offer it).";
        IOTDA_CLIENT_IDENTIFIER_NOT_VALID = "IoTDA rejected the ClientId or the keep alive: the ClientId must be {{device_id}}_0_{{sign_type}}_{{YYYYMMDDHH}} and the keep alive 30 to 1200 seconds.";
        IOTDA_SERVER_UNAVAILABLE = "The IoTDA platform is unavailable; try again later.";
        IOTDA_BAD_USER_NAME_OR_PASSWORD = "IoTDA rejected the user name or password: the user name must be the device ID and the password the HMAC-SHA256 of the device secret keyed by the ClientId's timestamp (with sign type 1 the timestamp must also be the platform's current hour).";
        IOTDA_NOT_AUTHORIZED = "IoTDA did not authorize the device: check that it exists, is not frozen, and that the credentials are its own.";
        SUCCESS = "The connection was accepted.";
        UNSPECIFIED_ERROR = "The server refused the connection without saying why.";
        MALFORMED_PACKET = "The server could not parse the CONNECT packet.";
        PROTOCOL_ERROR = "The server says the CONNECT packet broke the MQTT protocol.";
        IMPLEMENTATION_SPECIFIC_ERROR = "The server refused the connection for a reason of its own.";
        UNSUPPORTED_PROTOCOL_VERSION = "The server does not speak this MQTT version; try MQTT 3.1.1.";
        CLIENT_IDENTIFIER_NOT_VALID = "The server rejected the client identifier; check its length and characters.";
        BAD_USER_NAME_OR_PASSWORD = "The user name or password is wrong.";
        NOT_AUTHORIZED = "The client is not authorized to connect.";
        SERVER_UNAVAILABLE = "The server is unavailable; try again later.";
        SERVER_BUSY = "The server is busy; try again later.";
        BANNED = "The server has banned this client.";
        BAD_AUTHENTICATION_METHOD = "The server does not support the authentication method.";
        TOPIC_NAME_INVALID = "The server does not accept the will topic.";
        PACKET_TOO_LARGE = "The CONNECT packet is larger than the server accepts.";
        QUOTA_EXCEEDED = "A quota of the server is exhausted; try again later.";
        PAYLOAD_FORMAT_INVALID = "The will payload does not match its format indicator.";
        RETAIN_NOT_SUPPORTED = "The server has no retained messages; clear the will's retain flag.";
        QOS_NOT_SUPPORTED = "The server does not support the will's QoS; lower it.";
        USE_ANOTHER_SERVER = "The server asks the client to use another server for now.";
        SERVER_MOVED = "The server has moved; connect to its new address.";
        CONNECTION_RATE_EXCEEDED = "The client connects too often; wait before retrying.";
    }

    /// IoTDA system topics and their kinds ([`crate::iotda::TopicError`],
    /// [`crate::iotda::TopicKind`]).
    mod topic {
        NOT_SYSTEM_TOPIC = "topic {topic} is not an IoTDA system topic; those start with $oc/devices/{{device_id}}/sys/";
        DEVICE_ID = "device id {device_id} in the topic is not valid: {error}";
        UNKNOWN_SUFFIX = "sys/{suffix} is not a topic IoTDA defines; check the spelling against the topic list";
        MISSING_REQUEST_ID = "a {kind} topic ends with request_id={{id}}, and this one has no request id";
        EMPTY_REQUEST_ID = "the request id of this {kind} topic is empty";
        UNEXPECTED_REQUEST_ID = "a {kind} topic has no request id; leave it out";
        INVALID_REQUEST_ID = "request id {request_id} may not contain '/', '+', '#' or NUL";
        INVALID_QUERY_REQUEST_ID = "request id {request_id} after ?request_id= may not contain '&', '?', '/', '+', '#' or NUL";
        UNKNOWN_PARAMETER = "?{parameter} is not a suffix IoTDA defines on this {kind} topic; property reports and messages up take ?request_id={{id}}, and they and a gateway's reports ?encoding=gzip";
        WILDCARD = "{topic} has a wildcard ('+' or '#'): it is a subscription filter, not a message topic";
        TOO_LONG = "the topic would be {len} bytes long; MQTT allows at most {max}";
        KIND_PROPERTIES_REPORT = "property report";
        KIND_GATEWAY_SUB_DEVICES_PROPERTIES_REPORT = "sub-device property report";
        KIND_MESSAGES_UP = "message up";
        KIND_MESSAGES_DOWN = "message down";
        KIND_COMMAND_REQUEST = "command request";
        KIND_COMMAND_RESPONSE = "command response";
        KIND_PROPERTIES_SET_REQUEST = "property set request";
        KIND_PROPERTIES_SET_RESPONSE = "property set response";
        KIND_PROPERTIES_GET_REQUEST = "property get request";
        KIND_PROPERTIES_GET_RESPONSE = "property get response";
        KIND_SHADOW_GET_REQUEST = "shadow get request";
        KIND_SHADOW_GET_RESPONSE = "shadow get response";
        KIND_EVENTS_UP = "event up";
        KIND_EVENTS_DOWN = "event down";
    }

    /// IoTDA message bodies ([`crate::iotda::PayloadError`]).
    mod payload {
        SYNTAX = "the payload is not valid JSON: {detail} at line {line}, column {column}";
        SHAPE = "the payload does not have the expected shape: {detail}";
        FIELD = "field {path}: {detail}";
        TOO_LARGE = "the payload is {len} bytes; IoTDA accepts at most {max} bytes for this message";
        ENCODE = "the payload could not be written as JSON: {detail}";
    }

    /// Firmware and software upgrades ([`crate::iotda::payload::OtaError`], the
    /// names of [`crate::iotda::payload::UpgradeResult`]).
    mod ota {
        PROGRESS = "progress is a percentage from 0 to 100; got {percent}";
        RESULT_CODE = "result code {code} is not one IoTDA defines for an upgrade; use 0-10 or 255";
        RESULT_SUCCESS = "success";
        RESULT_DEVICE_IN_USE = "device in use";
        RESULT_POOR_SIGNAL = "poor signal";
        RESULT_ALREADY_LATEST = "already the latest version";
        RESULT_LOW_BATTERY = "low battery";
        RESULT_INSUFFICIENT_STORAGE = "insufficient storage space";
        RESULT_DOWNLOAD_TIMEOUT = "download timeout";
        RESULT_VERIFICATION_FAILED = "upgrade package verification failure";
        RESULT_UNSUPPORTED_PACKAGE = "unsupported upgrade package type";
        RESULT_INSUFFICIENT_MEMORY = "insufficient memory";
        RESULT_INSTALL_FAILED = "upgrade package installation failure";
        RESULT_INTERNAL_ERROR = "internal exception";
    }

    /// Event times ([`crate::iotda::EventTimeError`]).
    mod event_time {
        EMPTY = "the time is empty; write it as yyyyMMdd'T'HHmmss'Z' in UTC, e.g. 20151212T121212Z";
        SHAPE = "{text} is not a time in the form yyyyMMdd'T'HHmmss'Z' (e.g. 20151212T121212Z) or yyyy-MM-dd'T'HH:mm:ss.SSS'Z' (e.g. 2015-12-12T12:12:12.000Z), in UTC";
        MONTH = "month {month} is not 01-12";
        DAY = "day {day} does not exist in {year}-{month}";
        HOUR = "hour {hour} is not 00-23";
        MINUTE = "minute {minute} is not 00-59";
        SECOND = "second {second} is not 00-59";
        OUT_OF_RANGE = "{unix_millis} ms since 1970 is outside the years 0000-9999; was the time given in microseconds or nanoseconds?";
    }

    /// The simulated device ([`crate::iotda::device::DeviceError`]).
    mod device {
        DEVICE_ID = "device id {device_id} is not valid: {error}";
        OTHER_DEVICE = "the topic is for device {device_id}, not this one; subscribe to this device's topics only";
        NOT_DOWNLINK = "a {kind} is sent by the device, not to it, so there is nothing to answer";
        PAYLOAD = "the {kind} cannot be read: {error}";
        UNKNOWN_SERVICE = "the product model has no service {service_id} to report; check the service id";
    }

    /// Product models and their size limits ([`crate::iotda::ModelError`],
    /// [`crate::iotda::model::Limit`]).
    mod model {
        JSON_FILE = "{file} is not a valid product model file: {error}";
        JSON = "this is not a valid product model: {error}";
        BAD_NUMBER = "{path} is {value}, which is not a decimal number; write it like 0, -40 or 0.5";
        MIN_ABOVE_MAX = "{path} has min {min} above max {max}, so no value can be valid; swap them";
        NO_DEVICE_PROFILE = "the ZIP has no profile/devicetype-capability.json; export the product model from the IoTDA console again";
        NO_DEVICE = "devicetype-capability.json lists no device in \"devices\"";
        MISSING_SERVICE = "service {service_id} needs service/{service_type}/profile/servicetype-capability.json with serviceType {quoted_type}, and the ZIP has none";
        NOT_A_MODEL = "this is {what}, not a product model, which has \"service_capabilities\"; export the model from the IoTDA console (JSON or ZIP) and choose that file";
        WHAT_REPORT = "a device's property report (it has \"services\")";
        WHAT_EMPTY = "an empty JSON object";
        WHAT_OBJECT = "a JSON object with {keys}";
        LIMIT = "{what} ({bound})";
        TOO_LARGE = "{at} has {found} {what}; {bound}, so it is refused; split it or remove what the devices do not use";
        MODEL_TOO_LARGE = "the model has {found} {what}; {bound}, so it is refused; split it or remove what the devices do not use";
        COUNT_SERVICES = "services";
        COUNT_PROPERTIES = "properties";
        COUNT_COMMANDS = "commands";
        COUNT_EVENTS = "events";
        COUNT_RESPONSES = "responses";
        COUNT_PARAMETERS = "parameters";
        COUNT_ENUM_VALUES = "enum values";
        COUNT_CHARACTERS = "characters";
        COUNT_BYTES_AS_JSON = "bytes as JSON";
        COUNT_BYTES_AS_JSON_PER_REFERENCE = "bytes as JSON, each service copied once per reference";
        BOUND_SERVICES = "IoTDA allows at most 500 a product";
        BOUND_PROPERTIES = "IoTDA allows at most 500 a service";
        BOUND_RESPONSES = "this kit reads at most 500 a command";
        BOUND_PARAS = "this kit reads at most 500 a command, response or event";
        BOUND_ENUM_VALUES = "this kit reads at most 500 a list";
        BOUND_NAME = "IoTDA allows at most 64";
        BOUND_BOUND = "a bound must have 1 to 24 (IoTDA documents 16)";
        BOUND_UNIT = "IoTDA allows at most 16";
        BOUND_DESCRIPTION = "IoTDA allows at most 128";
        BOUND_SERVICE_JSON = "IoTDA allows at most 500 KB (512000 bytes) a service";
        BOUND_MODEL_JSON = "this kit reads models of at most 4 MiB";
    }

    /// The product model ZIP reader ([`crate::iotda::model::ZipError`]).
    mod unzip {
        NOT_ZIP = "this is not a ZIP archive (or it was cut short)";
        DAMAGED = "the ZIP archive is damaged: {what}; download it again";
        UNSUPPORTED = "the ZIP archive uses {feature}, which this reader does not support";
        ENCRYPTED = "{name} is encrypted in the ZIP; export it without a password";
        METHOD = "{name} is compressed with method {method}; only stored and deflate are supported";
        INFLATE = "{name}'s compressed data is corrupt; download the ZIP again";
        CHECKSUM = "{name} does not match its recorded size or checksum; download the ZIP again";
        TOO_LARGE = "the ZIP unpacks to more than {mib} MiB, far more than a product model; refusing it";
        FEATURE_ZIP64 = "ZIP64";
        FEATURE_SEVERAL_DISKS = "several disks";
        DAMAGED_AN_ENTRY_THE_DIRECTORY_DOES_NOT_LIST = "an entry the directory does not list";
        DAMAGED_A_LOCAL_FILE_HEADER = "a local file header";
        DAMAGED_AN_ENTRY_S_DATA_RUNS_PAST_THE_END_OF_THE_FILE = "an entry's data runs past the end of the file";
        DAMAGED_THE_CENTRAL_DIRECTORY = "the central directory";
    }

    /// Data checked against a product model ([`crate::iotda::validate::Problem`]).
    mod validate {
        AT = "{path}: {problem}";
        UNDECODABLE = "{detail}";
        PAYLOAD_TOO_LARGE = "the report is {len} bytes; IoTDA accepts property reports of at most {max} bytes, so split it";
        UNKNOWN_SERVICE = "the product model has no service {service_id}, so the platform will not store it";
        UNKNOWN_PROPERTY = "service {service_id} has no property {property} in the product model, so the platform will not store it";
        UNKNOWN_COMMAND = "service {service_id} has no command {command_name} in the product model";
        UNKNOWN_PARA = "command {command_name} has no parameter {para} in the product model";
        MISSING_FIELD = "{field} is missing, so this cannot be matched to the product model";
        MISSING_PROPERTY = "the required property {property} is missing";
        MISSING_PARA = "the required parameter {para} is missing";
        WRONG_TYPE = "must be {words} ({expected}); got {found}";
        OUT_OF_TYPE_RANGE = "{value} is outside the range of {expected} ({range})";
        BELOW_MIN = "{value} is below the minimum {min}";
        ABOVE_MAX = "{value} is above the maximum {max}";
        OFF_STEP = "{value} is not {base} plus a whole number of steps of {step}";
        TOO_LONG = "is {len} characters long; the product model allows at most {max_length}";
        NOT_IN_ENUM = "{value} is not one of the allowed values: {allowed}";
        BAD_DATE_TIME = "{value} is not a DateTime; write yyyyMMdd'T'HHmmss'Z' in UTC, e.g. 20151212T121212Z";
        UNREAL_DATE_TIME = "{value} is not a real DateTime: {error}";
        LIST_ELEMENT_NOT_STRING = "every element of a string list must be a string; got {found}";
        BAD_EVENT_TIME = "event_time {value} is not valid ({error}); the platform will use the time it receives the report instead";
        NOT_WRITABLE = "property {property} cannot be set: its method is {method}, and only properties with W are writable";
        TYPE_WHOLE_NUMBER = "a whole number";
        TYPE_NUMBER = "a number";
        TYPE_STRING = "a string";
        TYPE_DATE_TIME = "a string yyyyMMdd'T'HHmmss'Z'";
        TYPE_JSON_OBJECT = "a JSON object";
        TYPE_BOOLEAN = "true or false";
        TYPE_STRING_LIST = "an array of strings";
        FOUND_NULL = "null";
        FOUND_BOOLEAN = "a boolean";
        FOUND_FRACTION = "a number with a fraction or exponent";
        FOUND_ARRAY = "an array";
        FOUND_OBJECT = "an object";
    }

    /// Certificates, keys, CSRs and subjects ([`crate::pki::Error`]).
    mod pki {
        EMPTY_INPUT = "the input is empty: paste PEM text or choose a file";
        NO_PEM = "no PEM block found: expected -----BEGIN {expected}-----";
        PEM_MISSING_END = "the PEM block -----BEGIN {label}----- has no -----END {label}----- line: the text looks cut off, copy the whole block";
        PEM_MISMATCHED_END = "the PEM block -----BEGIN {begin}----- ends with -----END {end}-----: two blocks are mixed up";
        PEM_BASE64 = "the {label} PEM block is damaged: its body is not valid base64 (a line may be cut short or changed)";
        LEGACY_ENCRYPTED_PEM = "the {label} block uses OpenSSL's legacy PEM encryption, which is not supported: convert it with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in old.key -out new.key`";
        WRONG_PEM_LABEL = "expected {expected}, found a {found} block";
        UNSUPPORTED_PEM_LABEL = "a {label} PEM block is not something this tool reads";
        UNRECOGNIZED_INPUT = "the {len} bytes given are not PEM text nor a DER certificate, CSR or key";
        MALFORMED_DER = "the {what} is malformed ({detail}): the file may be truncated or of another kind";
        UNSUPPORTED_KEY = "unsupported key type {algorithm}: use ECDSA P-256, P-384 or RSA (2048 to 8192 bits)";
        UNSUPPORTED_SIGNATURE = "unsupported signature algorithm {algorithm}: only ECDSA and RSA PKCS#1 v1.5 with SHA-256, SHA-384 or SHA-512 are checked";
        PASSPHRASE_REQUIRED = "the private key is encrypted (ENCRYPTED PRIVATE KEY): enter its passphrase";
        WRONG_PASSPHRASE = "wrong passphrase for the encrypted private key";
        INVALID_PASSPHRASE = "unusable passphrase: {reason}";
        UNSUPPORTED_ENCRYPTION = "the private key is encrypted with {scheme}, which is not supported: re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc`";
        KDF_TOO_EXPENSIVE = "the encrypted key asks for an unreasonable key-derivation cost ({detail}); refusing";
        KEY_GENERATION = "key generation failed: {detail}";
        SUBJECT_SYNTAX = "cannot read {part} in the subject: write it as /C=CN/O=Org/CN=name (or C=CN, O=Org, CN=name)";
        UNKNOWN_SUBJECT_KEY = "unknown subject field {key}: use C, ST, L, O, OU, CN or emailAddress";
        DUPLICATE_SUBJECT_KEY = "the subject field {key} is given twice: keep one";
        EMPTY_SUBJECT_VALUE = "the subject field {key} is empty: give a value or leave the field out";
        INVALID_COUNTRY = "the country (C) must be a two-letter ISO 3166 code such as CN; got {value}";
        SUBJECT_VALUE_TOO_LONG = "the subject field {key} is {len} characters long; at most {max} are allowed";
        SUBJECT_CONTROL_CHAR = "the subject field {key} contains a control character (newline, tab...): remove it";
        INVALID_EMAIL = "the emailAddress {value} is not an ASCII address like name@example.com";
        MISSING_COMMON_NAME = "the subject needs a common name (CN=...): it names the device or the CA";
        INVALID_VERIFICATION_CODE = "the verification code {code} {reason}";
        INVALID_VALIDITY = "cannot make a certificate valid for {days} days from Unix time {not_before}: days must be at least 1 and the dates must fall between 1970 and 9999";
        CSR_SIGNATURE_INVALID = "the CSR's signature does not verify: it was changed after signing";
        CERT_SIGNATURE_INVALID = "the certificate's signature does not verify with the CA's public key: it was not issued by this CA, or it was altered";
        ISSUER_MISMATCH = "the certificate's issuer {issuer} is not the CA's subject {ca_subject}: it was issued by another CA";
        CA_KEY_MISMATCH = "the CA private key does not belong to the CA certificate: choose the key the CA certificate was made with";
        KEY_MISMATCH = "the private key does not belong to the certificate: choose the key the certificate was issued for";
        NOT_A_CA = "the certificate {subject} is not a CA (basicConstraints CA:TRUE and keyCertSign are needed to sign): choose the CA certificate";
        UNSUPPORTED_NAME = "the name {name} cannot be copied into a new certificate exactly: {reason}";
        FINGERPRINT_LENGTH = "Fingerprint must be 64 hex digits (SHA-256) or 40 (SHA-1); got {len}";
        FINGERPRINT_CHAR = "Fingerprint must contain only hex digits 0-9 A-F (colons allowed); found {found}";
        INVALID_NODE_ID = "line {line}: the node id {id} {reason}";
        DUPLICATE_NODE_ID = "line {line}: the node id {id} is already on line {first_line}: each device once";
        NO_NODE_IDS = "no node id found: give one per line, or a CSV with the id first";
        TOO_MANY_NODE_IDS = "more than {max} node ids: split the list into batches of at most {max}";
        PKCS12_PASSWORD = "the PKCS#12 password has characters PKCS#12 cannot encode (outside the Basic Multilingual Plane, e.g. emoji): choose another";
        ENCODING = "internal error while encoding the {what}: {detail}";
        NAME_MULTI_VALUED = "it has a multi-valued RDN (A=x+B=y)";
        NAME_TWICE = "an attribute type appears twice (e.g. two OUs)";
        NAME_NOT_TEXT = "a value is not valid text";
        NAME_PRINTABLE = "a PrintableString value is invalid";
        NAME_IA5 = "an IA5String value is invalid";
        NAME_TELETEX = "a TeletexString value is not ASCII";
        NAME_BMP = "a BMPString value is invalid";
        NAME_STRING_TYPE = "a value has a string type rcgen cannot write";
        NAME_NOT_REPRODUCED = "its encoding could not be reproduced";
        CODE_EMPTY = "is empty: copy the code the console shows for the CA";
        CODE_CONTROL = "contains a line break or other control character: copy only the code";
        CODE_SPACES = "has spaces at its start or end: copy only the code";
        CODE_TOO_LONG = "is longer than 64 characters, more than a certificate CN can hold";
        PASSPHRASE_EMPTY = "it is empty";
        NODE_ID_EMPTY = "is empty";
        NODE_ID_TOO_LONG = "is longer than 64 characters";
        NODE_ID_CHARS = "may contain only letters, digits, _ and -";
        WHAT_CA_CERTIFICATE = "CA certificate";
        WHAT_PBES2_PARAMETERS = "PBES2 parameters";
        WHAT_CERTIFICATE_REQUEST = "certificate request";
        WHAT_CERTIFICATE = "certificate";
        WHAT_ENCRYPTED_PRIVATE_KEY = "encrypted private key";
        WHAT_PRIVATE_KEY = "private key";
        WHAT_PUBLIC_KEY = "public key";
        WHAT_SIGNATURE = "signature";
        WHAT_EC_PRIVATE_KEY = "EC private key";
        WHAT_DER_INPUT = "DER input";
        WHAT_RSA_PRIVATE_KEY = "RSA private key";
        WHAT_RSA_PUBLIC_KEY = "RSA public key";
        WHAT_PKCS12_FILE = "PKCS#12 file";
        EXPECTED_CERTIFICATE = "a certificate";
        EXPECTED_CSR = "a CSR";
        EXPECTED_PRIVATE_KEY = "a private key";
    }

    /// Broker endpoints ([`crate::endpoint::EndpointError`],
    /// [`crate::endpoint::Unsupported`]).
    mod endpoint {
        EMPTY_HOST = "host is empty; copy it from the console's Access Details";
        HOST_PLACEHOLDER = "replace {{prefix}} with your instance's prefix, shown in the console under Overview > Access Details";
        HOST_HAS_SCHEME = "enter the host name only, without {scheme}; pick the protocol and port below";
        HOST_CHAR = "host may contain only letters, digits, '.' and '-'; found {ch} at position {position}";
        HOST_LABEL = "host part {label} is not valid: each dot-separated part is 1-63 characters and does not start or end with '-'";
        HOST_TOO_LONG = "host is {n} characters; at most 253 are allowed";
        PORT = "port must be a number from 1 to 65535; got {port}";
        PATH = "WebSocket path must start with '/' (IoTDA uses /mqtt); got {path}";
        MOSQUITTO_WEB_SOCKET = "mosquitto_pub 2.0 has no WebSocket support; choose MQTT or MQTTS, or use the MQTTX command";
        IOTDA_KIT_WEB_SOCKET = "iotda-kit pub speaks MQTT over TCP only; choose MQTT or MQTTS, or use the MQTTX command";
        CERTIFICATE_NEEDS_TLS = "an X.509 device authenticates in the TLS handshake, which {scheme} has not; choose MQTTS (8883)";
    }

    /// Gzip payloads ([`crate::gzip::GzipError`]).
    mod gzip {
        NOT_GZIP = "the payload is not gzip data (it should start with 1f 8b 08); compress it or drop ?encoding=gzip";
        TRUNCATED = "the gzip data is cut short";
        CORRUPT = "the gzip data is damaged: its deflate stream does not decode";
        TOO_LARGE = "the gzip data inflates to more than {max} bytes";
        CHECKSUM = "the gzip data is damaged: its CRC-32 or length does not match what it inflates to";
    }

    /// ZIP archives the kit writes ([`crate::zip::Error`]).
    mod zip {
        BAD_PATH = "cannot put {path} in a zip: use a relative path of plain names separated by /";
        DUPLICATE_PATH = "{path} is already in the zip";
        TOO_LARGE = "the zip would exceed 65,535 files or 4 GiB: split the batch";
    }

    /// The doctor's findings, the password mistakes it recognises and its
    /// errors ([`crate::doctor`]).
    mod doctor {
        CLIENT_ID_TOO_LONG = "The ClientId is {n} characters long and IoTDA allows {max}: send {{device_id}}_0_{{sign_type}}_{{YYYYMMDDHH}}.";
        CLIENT_ID_FIELDS = "The ClientId {client_id} does not have IoTDA's four fields: send {{device_id}}_0_{{sign_type}}_{{YYYYMMDDHH}}, for example mydevice_0_0_2025041401.";
        CLIENT_ID_TIMESTAMP = "The ClientId's last field {found} is not the hour ({error}): end the ClientId with the current UTC hour as YYYYMMDDHH.";
        SIGN_TYPE_DIGIT = "The ClientId's third field {found} is not a sign type: put 0 (password only) or 1 (the platform also checks the hour) there.";
        DEVICE_TYPE = "The ClientId's second field is {found} but IoTDA only takes 0 (the id is a device id): put 0 there.";
        CLIENT_ID_DEVICE_ID = "The ClientId starts with {found}, which is {what}.";
        MISSING_USERNAME = "The device sent no user name: IoTDA needs the device id as the MQTT user name.";
        USERNAME = "The user name {found} is {what}.";
        SIGN_TYPE_NOT_EXPECTED = "The ClientId carries sign type {found} but the device is set up for {expected}: put {expected} in the ClientId's third field.";
        KEEP_ALIVE = "The keep alive is {keep_alive} s and IoTDA accepts {start}-{end} s (it answers CONNACK 2): set it within that range, 120 s is advised.";
        TIMESTAMP_NOT_CURRENT = "With sign type 1 the platform checks the ClientId's hour {timestamp} against its clock, and the UTC hour of the attempt was {now}: sign with the current UTC hour, or use sign type 0.";
        TIMESTAMP_AHEAD = "With sign type 1 the platform checks the ClientId's hour {timestamp} against its clock, and the UTC hour of the attempt was {now} (the device's clock may be on local time UTC{offset}, {zone}): sign with the current UTC hour, or use sign type 0.";
        TIMESTAMP_BEHIND = "With sign type 1 the platform checks the ClientId's hour {timestamp} against its clock, and the UTC hour of the attempt was {now} (the hour may be an old one reused, or the device's clock on local time UTC{offset}, {zone}): sign with the current UTC hour, or use sign type 0.";
        MISSING_PASSWORD = "The device sent no password: send the hex HMAC-SHA256 of the secret keyed by the ClientId's hour (or use a certificate).";
        WRONG_PASSWORD = "The password is not the HMAC-SHA256 of this secret for the ClientId's hour, and no known mistake reproduces it: the device most likely holds another secret; give it the device's secret from the console, or reset the secret there.";
        PASSWORD_IS = "The password is {mistake}: {fix}.";
        PASSWORD_IS_ONE_OF = "The password is reproduced exactly by {n} known mistakes, any of which the device may make: {list}.";
        MISTAKE_WITH_FIX = "{mistake} ({fix})";
        MISTAKE_OR = "{list}; or {item}";
        CERT_NOT_YET_VALID = "The certificate is not valid until {not_before} and the attempt was at {at}: set the device's clock right, or issue a certificate whose validity starts earlier.";
        CERT_EXPIRED = "The certificate expired at {not_after} and the attempt was at {at}: issue the device a new certificate (or set its clock right if that time is wrong).";
        NOT_ISSUED_BY_CA = "The certificate was issued by {issuer}, not by the CA given ({ca_subject}): issue it with the CA registered in the console, or register its issuer.";
        CA_SIGNATURE = "The certificate names {ca_subject} as issuer but that CA's key did not sign it (another CA with the same name): issue it with the CA registered in the console.";
        KEY_NOT_CERTIFICATES = "The private key is not the certificate's key, so the TLS handshake fails: give the device the key the certificate was issued for.";
        FINGERPRINT_LENGTH = "The registered fingerprint has {n} hex digits and IoTDA takes 64 (SHA-256) or 40 (SHA-1): register the device certificate's SHA-256 fingerprint.";
        FINGERPRINT_CHAR = "The registered fingerprint contains {ch}: register 64 (SHA-256) or 40 (SHA-1) hex digits and nothing else.";
        FINGERPRINT_COLONS = "The registered fingerprint is the certificate's but written with colons: register it as hex digits only.";
        FINGERPRINT_OF = "The registered fingerprint is the hash of {source}: register the device certificate's fingerprint (openssl x509 -noout -fingerprint -sha256, colons removed).";
        FINGERPRINT_UNKNOWN = "The registered fingerprint is of none of the certificates given: register this certificate's SHA-256 fingerprint {sha256}, or give the device the certificate that was registered.";
        EMPTY_SECRET = "the secret is empty; give the device secret set when the device was registered";
        TIME = "the time of the attempt: {error}";
        FILE = "the {file}: {error}";
        LOCAL_TIME = "keyed with the local hour of UTC{offset} ({zone})";
        PREVIOUS_HOUR = "keyed with the hour before the ClientId's";
        NEXT_HOUR = "keyed with the hour after the ClientId's";
        KEY_MESSAGE_SWAPPED = "HMAC key and message swapped";
        UPPER_CASE_HEX = "upper-case hex";
        BASE64 = "the digest in Base64";
        HMAC_SHA1 = "HMAC-SHA1 instead of HMAC-SHA256";
        HMAC_MD5 = "HMAC-MD5 instead of HMAC-SHA256";
        CUT_AT_ZERO_BYTE = "the digest cut at its first zero byte ({kept_bytes} of 32 bytes kept)";
        SECRET_WHITESPACE = "the secret with {whitespace}";
        GIVEN_SECRET_WHITESPACE = "the secret without the whitespace the given secret has";
        FIELD_CLIENT_ID_FIRST = "ClientId's first field";
        FIELD_USER_NAME = "user name";
        ID_IS_NODE_ID = "the node id, not the device id: send {expected} as the {field}";
        ID_IS_PRODUCT_ID = "the product id, not the device id: send {expected} as the {field}";
        ID_GIVEN_IS_NODE_ID = "a device id whose node id is {expected}: if it is this device, give the doctor its full device id {found}";
        ID_OTHER = "not this device's id: send {expected} as the {field}";
        SOURCE_CA_CERTIFICATE = "the CA certificate";
        SOURCE_OTHER_CERTIFICATE = "another certificate in the certificate file";
        SOURCE_PUBLIC_KEY = "the certificate's public key";
        SOURCE_PEM_TEXT = "the PEM file's text";
        FILE_CERTIFICATE = "device certificate";
        FILE_KEY = "private key";
        FILE_CA = "CA certificate";
        WHITESPACE_NEWLINE = "a newline after it";
        WHITESPACE_CR_LF = "a CR LF line end after it";
        WHITESPACE_SPACE = "a space after it";
        WHITESPACE_TAB = "a tab after it";
        WHITESPACE_LEADING_SPACE = "a space before it";
        FIX_HOUR = "key the HMAC with the same UTC hour the ClientId carries";
        FIX_SWAPPED = "use the hour as the HMAC key and the secret as the message";
        FIX_UPPER_CASE = "send the digest as lower-case hex";
        FIX_BASE64 = "send the digest as 64 lower-case hex digits, not Base64";
        FIX_HMAC = "use HMAC-SHA256";
        FIX_CUT = "hex-encode all 32 digest bytes with their length, not as a C string";
        FIX_SECRET_WHITESPACE = "strip the whitespace from the device's secret";
        FIX_GIVEN_SECRET_WHITESPACE = "the device is right if the secret has no whitespace; check the secret you gave";
    }

    /// The names of MQTT 5 properties, as the specification writes them
    /// ([`crate::mqtt::PropertyId`]).
    mod mqtt_property {
        PAYLOAD_FORMAT_INDICATOR = "Payload Format Indicator";
        MESSAGE_EXPIRY_INTERVAL = "Message Expiry Interval";
        CONTENT_TYPE = "Content Type";
        RESPONSE_TOPIC = "Response Topic";
        CORRELATION_DATA = "Correlation Data";
        SUBSCRIPTION_IDENTIFIER = "Subscription Identifier";
        SESSION_EXPIRY_INTERVAL = "Session Expiry Interval";
        ASSIGNED_CLIENT_IDENTIFIER = "Assigned Client Identifier";
        SERVER_KEEP_ALIVE = "Server Keep Alive";
        AUTHENTICATION_METHOD = "Authentication Method";
        AUTHENTICATION_DATA = "Authentication Data";
        REQUEST_PROBLEM_INFORMATION = "Request Problem Information";
        WILL_DELAY_INTERVAL = "Will Delay Interval";
        REQUEST_RESPONSE_INFORMATION = "Request Response Information";
        RESPONSE_INFORMATION = "Response Information";
        SERVER_REFERENCE = "Server Reference";
        REASON_STRING = "Reason String";
        RECEIVE_MAXIMUM = "Receive Maximum";
        TOPIC_ALIAS_MAXIMUM = "Topic Alias Maximum";
        TOPIC_ALIAS = "Topic Alias";
        MAXIMUM_QOS = "Maximum QoS";
        RETAIN_AVAILABLE = "Retain Available";
        USER_PROPERTY = "User Property";
        MAXIMUM_PACKET_SIZE = "Maximum Packet Size";
        WILDCARD_SUBSCRIPTION_AVAILABLE = "Wildcard Subscription Available";
        SUBSCRIPTION_IDENTIFIER_AVAILABLE = "Subscription Identifier Available";
        SHARED_SUBSCRIPTION_AVAILABLE = "Shared Subscription Available";
    }

    /// Custom (`$oc/devices/{id}/user/...`) and broadcast (`$oc/broadcast/...`)
    /// topics ([`crate::iotda::CustomTopicError`], [`crate::iotda::TopicClass`]).
    mod custom_topic {
        TOO_LONG = "the topic is {len} bytes long; IoTDA takes topics of at most {max} bytes";
        EMPTY_NAME = "the topic has no name after user/ or $oc/broadcast/";
        NAME_TOO_LONG = "the name after user/ is {len} characters long; IoTDA allows {max} at most";
        NAME_CHAR = "a custom or broadcast topic name may contain only letters, digits, '_' and '/'; found {ch} at position {position} (variables such as {{type}} are not supported)";
        EMPTY_LEVEL = "a custom or broadcast topic name has an empty level: no '//' and no '/' at either end";
        DEVICE_ID = "the device id in the custom topic is not valid: {error}";
        DEFINE_IN_PRODUCT = "custom topic user/{name} works only if the product defines it (console: the product's Topic Management, Custom Topic) with the permission to publish or subscribe";
    }

    /// Checking any message a device sends ([`crate::iotda::check_uplink`]).
    mod uplink {
        TOO_MANY_SUB_DEVICES = "the report is for {count} sub-devices; IoTDA takes at most {max} in one report, so split it";
        UNKNOWN_EVENT = "service {service_id} has no event {event_type}";
        UNKNOWN_RESPONSE = "no command of the model has a response named {response_name}";
        UNDOCUMENTED_EVENT_TIME_FORM = "{value} is in the form {pattern}, which Huawei's Python device SDK writes but no IoTDA page lists for event_time; write yyyyMMdd'T'HHmmss'Z' (20151212T121212Z)";
        EVENT_TIME_LOCAL_OFFSET = "{value} is off from now by a whole time-zone offset ({offset}): it looks like a local time written with Z; write the UTC time";
        NOT_UPLINK = "a {kind} topic carries messages from the platform to the device; a device does not publish on it";
        BROADCAST = "a broadcast topic carries messages from the platform to devices; devices subscribe to it and do not publish on it";
    }

    /// A DISCONNECT from the platform in IoTDA's terms
    /// ([`crate::doctor::disconnect_key`]).
    mod disconnect {
        TAKEN_OVER = "another client connected with this device's id: IoTDA keeps one connection per directly connected device, so two clients with one id push each other out; stop the other one";
        KEEP_ALIVE = "nothing arrived within 1.5 keep-alive intervals: send a PINGREQ or data within the keep alive, which IoTDA takes between 30-1200 s";
        NOT_AUTHORIZED = "the platform ended this device's session: the device may have been deleted or frozen, or its secret or certificate changed; check it in the console";
        TOPIC = "the topic is not one this device may use: system topics carry this device's own id ($oc/devices/{{device_id}}/sys/...), custom topics must be defined in the product";
        TOO_LARGE = "a message over IoTDA's 1 MB limit; send less in one message";
        RATE = "over IoTDA's limits for one connection (50 upstream messages a second, 1 MB a second) or the account's; send less often";
        QOS = "IoTDA takes QoS 0 and 1, not QoS 2";
        RETAIN = "IoTDA takes no retained messages: publish with retain off";
        UNAVAILABLE = "the platform is busy or restarting: reconnect after a while, with a growing delay";
        MALFORMED = "the device sent a packet that breaks MQTT: check the client library and what it sends";
    }
}
