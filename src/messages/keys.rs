//! Every sentence the page says, by area: the English of each
//! [`Message`](iotda_core::text::Message) the page makes. One list, so the
//! Chinese file is checked against it and the core's
//! ([`iotda_core::text::keys::ALL`]) in one place; the areas follow the
//! page's modules.

iotda_core::catalog! {
    /// The messages files and messages off the wire ([`super`]).
    mod messages {
        NOT_A_MAP = "the messages file is not a map of ids to templates ({why})";
        MALFORMED = "the messages file has a malformed template for {id}";
        BAD_KEY = "a message from a worker has a malformed key: {id}";
        UNKNOWN_HOLE = "the message {id} has no hole {hole}";
        AND = "{a}; {b}";
        LINES = "{a}\n{b}";
    }
    /// The key types of the certificate forms
    /// ([`crate::worker::protocol::KeyChoice`]).
    mod key_choice {
        P256 = "ECDSA P-256 (not documented by IoTDA)";
        P384 = "ECDSA P-384 (not documented by IoTDA)";
        RSA2048 = "RSA 2048 (IoTDA's guide)";
        RSA3072 = "RSA 3072 (slow; not documented by IoTDA)";
        RSA4096 = "RSA 4096 (very slow; not documented by IoTDA)";
    }
    /// The certificate worker's jobs ([`crate::worker::jobs`]).
    mod pki_job {
        WHOSE = "{whose}: {why}";
        CA = "CA";
        DEVICE = "device";
        READ_BACK = "internal error: a certificate just made could not be read back";
        NO_RANDOM = "this browser gives workers no crypto.getRandomValues";
        RANDOM_FAILED = "crypto.getRandomValues failed";
        NOT_JSON = "the worker expects JSON text";
        UNREADABLE_REQUEST = "the worker could not read the request ({why})";
        NOT_ASKED_FOR = "the browser made an {made} key where {asked} was asked for";
        OWN_RSA_KEY = "the RSA key was made by the kit's own generator, slower than the browser's: {why}";
    }
    /// The app's two workers, as errors name them
    /// ([`crate::worker::client`]).
    mod worker_name {
        PKI = "certificate worker";
        SIM = "device simulator";
    }
    /// Text shown as it is in every language: a name, a value, a payload.
    mod plain {
        TEXT = "{text}";
    }
    /// The device simulator ([`crate::worker::sim`]).
    mod sim {
        STEP = "step {step}";
        MAX_LENGTH = "at most {n} characters";
        ONE_OF = "one of {list}";
        REQUIRED = "required";
        RESULT_CODE = "result_code must be a whole number (0 for success), not {got}";
        PARAS_NOT_OBJECT = "paras must be a JSON object, such as {{\"result\": \"done\"}}";
        PARAS_NOT_JSON = "paras is not JSON: {why}";
        CHART_CAPTION = "{last} {unit} (min {lo}, max {hi}, last {n} reports)";
        CHART_CAPTION_ONE = "{last} {unit} (min {lo}, max {hi}, last report)";
        NO_REPORT = "no report yet";
        INTERVAL = "the interval is whole seconds from 1 to {max}, not {got}";
        NONE_INCLUDED = "no property is included: tick at least one";
        COMMAND = "Command {name} of {service}";
        NO_NAME = "(no name)";
        NO_SERVICE = "(no service)";
        PROPERTY_SET = "Property set";
        PROPERTY_GET = "Property get of {s}";
        PROPERTY_GET_ALL = "Property get of every service";
        MESSAGE = "Message";
        EVENTS = "Events";
        SHADOW = "Device shadow";
        UNREADABLE = "Unreadable request";
        GONE = "that request is no longer in the list";
        NO_ANSWER_OR_ANSWERED = "that request needs no answer, or has one";
        UNREADABLE_REQUEST = "unreadable request";
        NO_ANSWER = "that request needs no answer";
        CUT = "{body}… ({more} more bytes not shown)";
        SAVED_MODEL_UNREADABLE = "the model saved by the Model page cannot be read ({why}); using the default model";
        NO_PROBLEM = "no problem";
        NO_DEVICE = "no device yet: type a valid device id";
        OVER_LAST = "{label} over the last {n} reports";
        OVER_LAST_ONE = "{label} over the last report";
        SUB_DEVICES = "the number of sub-devices is a whole number from 0 to {max}, not {got}";
        EVENT_REFUSED = "{event} was not taken: {why}";
        PACKAGE_TOO_LARGE = "the upgrade package is over {mib} MiB, more than the simulator takes; it was not downloaded";
    }
    /// serde_json's syntax errors, in its own English, and its other
    /// error classes ([`super::json`]).
    mod json {
        AT = "{what} at line {line} column {column}";
        EOF_LIST = "EOF while parsing a list";
        EOF_OBJECT = "EOF while parsing an object";
        EOF_STRING = "EOF while parsing a string";
        EOF_VALUE = "EOF while parsing a value";
        EXPECTED_COLON = "expected `:`";
        EXPECTED_LIST_COMMA = "expected `,` or `]`";
        EXPECTED_OBJECT_COMMA = "expected `,` or `}}`";
        EXPECTED_IDENT = "expected ident";
        EXPECTED_VALUE = "expected value";
        INVALID_ESCAPE = "invalid escape";
        INVALID_NUMBER = "invalid number";
        NUMBER_OUT_OF_RANGE = "number out of range";
        LONE_SURROGATE = "lone leading surrogate in hex escape";
        CONTROL_CHARACTER = "control character (\\u0000-\\u001F) found while parsing a string";
        KEY_NOT_STRING = "key must be a string";
        TRAILING_COMMA = "trailing comma";
        TRAILING_CHARACTERS = "trailing characters";
        RECURSION_LIMIT = "recursion limit exceeded";
        MISSING_FIELD = "missing field `{field}`";
        WRONG_SHAPE = "a value of the wrong type or shape";
        UNREADABLE = "the JSON could not be read";
    }
    /// The Console ([`crate::store::console`], [`crate::pages::console`]).
    mod console {
        EVENT_PRESET = "event: {event}";
        LOCAL_BROKER = "Filled for the local IoTDA of the run command: ws://127.0.0.1:9001/mqtt, no TLS, IoTDA mode off; ClientId, user name and password are kept.";
        WSS_ONLY = "The Connection page uses {scheme} on port {port}; a browser can only use MQTT over WebSocket, so the console connects with wss on port 443.";
        NO_CREDENTIALS = "No credentials yet: type the device id and secret on the Connection page (or the ClientId, user name and password here).";
        CLEARTEXT = "the password goes to {host} in clear text over ws://, without TLS: anyone on the way can read it; tick TLS (wss://, IoTDA: port 443)";
        KEEP_ALIVE = "keep alive is whole seconds from 0 (off) to 65535, not {got}";
        TOPIC = "topic: {why}";
        FILTER_ERROR = "{filter}: {why}";
        NOT_JSON = "not JSON: {why}";
        NOT_UTF8 = "not UTF-8 text after byte {at}";
        WARNING = "warning: {w}";
        RECONNECTING = "reconnecting (attempt {attempt})";
        CONNECTED = "connected";
        CONNECTED_KEPT = "connected; the broker kept the session";
        REFUSED = "refused: {refusal}";
        LOST = "connection lost: {why}";
        DISCONNECTED = "disconnected";
        SUBSCRIBED = "subscribed to {filter}: {outcome}";
        SUBSCRIPTION_REFUSED = "subscription to {filter} {outcome}";
        RENEWED = "subscriptions renewed after reconnecting";
        UNSUBSCRIBED = "unsubscribed from {filter}";
        PUBLISH_FAILED = "publish failed: {error}";
        PONG = "ping answered in {ms} ms";
        RECEIVED = "received";
        TOPIC_WORD = "topic";
        PAYLOAD_WORD = "payload";
        PUBLISHED = "published";
        RETAINED = " · retained";
        CONNECT_FIRST = "connect first (Connection, above)";
        COUNTS = "{received} received, {published} published; showing {shown} of {kept} kept ({size}), {dropped} older ones dropped";
        COUNTS_ONE_DROPPED = "{received} received, {published} published; showing {shown} of {kept} kept ({size}), 1 older one dropped";
        NO_SIMULATOR = "the device simulator is not running";
        NO_PKI = "the certificate worker is not running";
        EXPECTS_JSON = "the device simulator expects JSON text";
        UNREADABLE_REQUEST = "the device simulator could not read the request ({why})";
    }
    /// The Certificates page ([`crate::store::certs`]).
    mod certs {
        DAYS = "enter the validity as a whole number of days, at least 1; got {text}";
        NO_CA = "create or import the device CA in step 1 first";
        CA_NO_KEY = "the CA has no key: import it again";
        NO_DEVICE = "generate a device certificate above first";
        FROM_CSR = "this certificate was signed from a CSR: its private key is not on this page";
        NODE_ID = "enter the node ID: it becomes the certificate's CN";
        WRONG_RESULT = "the certificate worker answered with the wrong result";
        WORKER_FAILED = "the certificate worker failed";
    }
    /// The Guide's text ([`crate::store::guide`]).
    mod guide {
        NOT_JSON = "the guide's text is not valid JSON: {why}";
    }
    /// The stored workspace ([`crate::store::persist`]).
    mod storage {
        UNREADABLE = "saved settings could not be read ({why}); they will be replaced";
        VERSION = "saved settings are of version {v}, which this version of the app does not read; they will be replaced";
        NO_VERSION = "saved settings have no version; they will be replaced";
        KEPT_UNREAD = "some saved settings could not be read and are kept as they were: {keys}";
    }
    /// The Model page ([`crate::store::model`]).
    mod model_page {
        NOT_A_MODEL = "this JSON is not a product model: it has no \"service_capabilities\" (a report or another message?)";
        PROPERTY_NAME = "a property needs a name";
        STEP = "step must be a number, not {s}";
        MAX_LENGTH = "max length must be a whole number, not {s}";
        ACCESS = "access is R, W and/or E (for example RW), not {got}";
        SERVICE_N = "service {n}";
        PROPERTY_AT = "{service}.{property}";
        SERVICE_ID = "a service needs an id";
        TWO_SERVICES = "two services are called {id}";
        TWO_PROPERTIES = "two properties of {at} are called {name}";
        IMPORTED = "{name}: {services}, {properties}";
        SERVICE = "{n} service";
        SERVICES = "{n} services";
        PROPERTY = "{n} property";
        PROPERTIES = "{n} properties";
        EXAMPLE = "the guide's example model";
        NAMED = "{name}: {why}";
    }
    /// The Profiles page ([`crate::store::profiles`]).
    mod profiles {
        EMPTY_NAME = "a profile has an empty name";
        NOTHING_TO_UNLOCK = "no kept key is waiting to be unlocked";
        CA_KEY = "an unencrypted CA private key";
        DEVICE_KEY = "an unencrypted device private key";
        FORM_KEY = "an unencrypted private key in its forms";
        PLAIN_KEY = "Profile “{profile}” holds {key}: a profile may keep private keys only encrypted (ENCRYPTED PRIVATE KEY). Nothing was imported. Save the keys into a profile here, with a passphrase, and export it again.";
        BAD_CERTIFICATE = "Profile “{profile}” holds a certificate that cannot be read ({why}). Nothing was imported.";
        CHECK = "The file's certificates could not be checked ({why}). Nothing was imported.";
    }
    /// The Connection page's host suggestions
    /// ([`iotda_core::endpoint::HostPreset`]).
    mod host_preset {
        INSTANCE = "IoTDA instance, {region} ({id}): replace {{prefix}} with the instance's, from Overview > Access Details";
        LEGACY = "IoTDA legacy shared host, CN North-Beijing4 (basic edition)";
        LOCAL = "Local mosquitto started by the kit's run command";
    }
    /// The regions of IoTDA's device access, as Huawei's console names
    /// them ([`iotda_core::endpoint::Region`]).
    mod region {
        CN_NORTH_4 = "CN North-Beijing4";
        CN_EAST_3 = "CN East-Shanghai1";
        CN_SOUTH_1 = "CN South-Guangzhou";
        AP_SOUTHEAST_1 = "CN-Hong Kong";
        AP_SOUTHEAST_2 = "AP-Bangkok";
        AP_SOUTHEAST_3 = "AP-Singapore";
        AP_SOUTHEAST_4 = "AP-Jakarta";
        AF_SOUTH_1 = "AF-Johannesburg";
        LA_SOUTH_2 = "LA-Santiago";
        SA_BRAZIL_1 = "LA-Sao Paulo1";
        LA_NORTH_2 = "LA-Mexico City2";
        ME_EAST_1 = "ME-Riyadh";
    }
    /// The CA certificate a device trusts, on the Connection page
    /// ([`iotda_core::endpoint::PlatformCa`]).
    mod platform_ca {
        BASIC = "The legacy shared host is the CN North-Beijing4 basic edition: the device trusts Huawei's device-side “certificate” package for the Beijing4 basic edition, from “Obtaining Resources”. Save its PEM file as {file}.";
        MAINLAND = "An instance in {region}: the device trusts Huawei's device-side “certificate” package for the Beijing4, Shanghai1 and Guangzhou standard edition, from “Obtaining Resources”. Save its PEM file as {file}.";
        INTERNATIONAL = "An instance in {region}: the device trusts Huawei's device-side “certificate” package for the regions outside the Chinese mainland, from “Obtaining Resources”. Save its PEM file as {file}.";
        LOCAL = "A broker on this computer: the device trusts the local platform's own CA, tls/platform-ca.crt in its data folder (iotda-kit platform prints where), or the CA of the broker you started. Save it as {file}.";
        OTHER = "The device trusts the CA certificate that issued this broker's certificate, from its operator. Save it as {file}.";
        PLAIN = "This transport is not encrypted: the device trusts no CA certificate and sends everything in clear. Use MQTTS or WSS with IoTDA.";
        HOW = "Give each client {file}: mosquitto_pub --cafile, MQTTX CLI --ca, iotda-kit --ca, MQTT.fx “CA certificate file” (“CA file” under “Self signed certificates” for a certificate device). With a secret, the commands below trust the system's CA store instead (--tls-use-os-certs, --tls): if the platform's certificate is refused as from an unknown CA, give them {file}.";
    }
    /// The language files ([`crate::components::language`]).
    mod language {
        NOT_A_LIST = "{url} is not a list of texts ({why})";
        COUNT = "the language file has {count} texts, this version of the page needs {needs}";
    }
    /// The bridge's close codes (docs/bridge.md), with what to do
    /// ([`crate::store::bridge`]).
    mod bridge {
        UNREACHABLE = "the bridge could not reach the platform (name not resolved, connection refused or no answer in 30 s): check the host and port the bridge was started with";
        UNKNOWN_CA = "the bridge does not trust the platform's certificate (unknown CA): start it again with --ca naming the platform's CA certificate ({ca})";
        NAME_MISMATCH = "the platform's certificate is not issued for the name the bridge checks: start the bridge with the platform's host name, or add --tls-name NAME when --host is an address";
        CERTIFICATE_REFUSED = "the platform refused the device certificate in the TLS handshake: its CA is not uploaded and verified on the platform, the device is not registered with this certificate, or --cert and --key are another device's";
        TLS = "the TLS connection from the bridge to the platform failed (an expired platform certificate or a protocol error)";
        PASSWORD = "the bridge refused the CONNECT because it carries a password: an X.509 device sends none; connect with “Connect through the local bridge”, which sends none";
        NOT_CONNECT = "the bridge did not get an MQTT CONNECT as the first packet in time";
        LOST = "the bridge lost its connection to the platform";
        STOPPING = "the bridge was stopped (Ctrl-C): start it again to reconnect";
        CLOSED = "{words} (bridge close code {code}; it said: {said})";
        RUNNING = "The bridge is running at {url}.";
        NOT_RUNNING = "The bridge does not answer at {url}. Start it with the command above; this page checks again every 3 seconds.";
    }
    /// The Console's takeover loop ([`crate::store::dropped`]).
    mod dropped {
        TAKEOVER = "another client is using this device id: the broker accepted the connection and closed it within seconds, {count} times in a row, as it does when a second client connects with the same ClientId {client_id}. IoTDA keeps one connection per device: stop the other client (or the device itself), or try with another device. The Console stopped reconnecting.";
    }
    /// The Console's "Local platform" preset
    /// ([`crate::store::local_platform`]).
    mod local_platform {
        FILLED = "Filled for {device} of the local platform: {url}, with its secret and sign type 0 (the platform does not check the hour).";
        FILLED_WSS = "Filled for {device} of the local platform: {url}. The device is registered with secure_access, so the platform takes it over wss:// only: the browser must trust the platform's CA ({ca}, imported as an authority), or the connection fails.";
        CERTIFICATE_DEVICE = "{device} authenticates with a certificate, which a page cannot present: connect it with iotda-kit simulate --cert --key, or choose a device registered by secret.";
        NO_LISTENER = "the local platform has no {scheme}:// listener for devices";
        BAD_URL = "the local platform named its WebSocket listener {url}, which is not ws://host:port/path";
    }
    /// The Platform page ([`crate::store::platform`],
    /// [`crate::pages::platform`]).
    mod platform {
        NO_ANSWER = "the local platform did not answer: the network is off or it stopped";
        NO_BROWSER = "the browser could not make the request";
        BODY = "the local platform's answer could not be read to its end";
        REFUSED = "the local platform refused: {code}: {why}";
        STATUS = "the local platform answered HTTP {status}";
        UNEXPECTED = "the local platform's answer is not what this page reads: {why}";
        NO_CA = "make or import a CA on the Certificates page first";
        NO_CA_KEY = "the CA's key is not in this tab: make or import the CA on the Certificates page again";
        NO_DEVICE_CERT = "make a device certificate on the Certificates page first";
        NOT_A_NUMBER = "{name}: {value} is not a number";
        NOT_A_BOOLEAN = "{name}: {value} is neither true nor false";
        NOT_JSON = "{name}: {value} is not JSON";
        STREAM_ENDED = "live updates stopped ({why}); reload the page to read them again";
        STREAM_LAGGED = "live updates missed {n} events: the lists were read again";
        STREAM_LAGGED_ONE = "live updates missed an event: the lists were read again";
        STREAM_TOO_LONG = "an event of the live updates is over {max} bytes and was skipped";
        WORKER = "the certificate worker failed: {why}";
        NO_DEVICE_ANSWER = "no answer from the device: {code}: {why}";
    }
}
