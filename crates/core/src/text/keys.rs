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
        TRANSPORT = "the connection closed: {reason}";
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
        UNKNOWN_PARAMETER = "?{parameter} is not a suffix IoTDA defines on this {kind} topic; property reports and messages up take ?request_id={{id}}, messages up also ?encoding=gzip";
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
    }
}
