//! What the browser adapters say when an API is missing or refuses: the
//! keys of [`iotda_core::text::Message`]s, declared here because `web/`
//! imports no module of the app. The page's Chinese file is checked
//! against them with the rest ([`crate::messages`]).

iotda_core::catalog! {
    /// The browser's own APIs.
    mod web {
        NO_WINDOW = "no window";
        BROWSER_SAID = "{words}";
        CLIPBOARD_REFUSED = "the browser refused clipboard access";
        NO_FILE = "the browser could not make a file of it";
        NO_FILE_URL = "the browser could not give the file a URL";
        FILE_TOO_LARGE = "{name} is {kb} KB; certificates, keys and CSRs are a few KB, choose the right file";
        FILE_UNREADABLE = "{name} could not be read";
        STORAGE_BLOCKED = "this browser blocks local storage";
        NO_STORAGE = "this browser has no local storage";
        STORAGE_UNREADABLE = "local storage cannot be read";
        STORAGE_FULL = "settings could not be saved: local storage is full or blocked";
        STORAGE_UNCHANGEABLE = "local storage cannot be changed";
        SETTINGS_UNREADABLE = "saved settings could not be read (line {line}, column {column}); they will be replaced";
        NOT_SERIALIZABLE = "the settings could not be written as JSON";
    }
    /// The browser's WebCrypto ([`super::crypto`]).
    mod crypto {
        UNAVAILABLE = "this browser offers no WebCrypto here (crypto.subtle needs a secure context: https, or http from localhost)";
        REFUSED = "WebCrypto's {step} failed";
        REFUSED_SAYING = "WebCrypto's {step} failed: {words}";
        UNEXPECTED = "WebCrypto's {step} answered with something else than a key";
    }
    /// Fetches of the page's own files.
    mod fetch {
        OFFLINE = "{url} could not be fetched: the network is off and it is not cached yet";
        NO_RESPONSE = "{url}: the browser gave no response";
        STATUS = "{url}: the server answered {status}";
        BODY_UNREADABLE = "{url}: the body could not be read";
    }
    /// Downloads from any URL ([`super::bytes`]).
    mod bytes {
        NO_FETCH = "this browser cannot fetch here";
        NETWORK = "{url} could not be fetched: the server is not there, it does not allow this page's origin (CORS), or the browser does not trust its TLS certificate (open the URL in a tab to check)";
        STATUS = "{url}: the server answered {status}";
        BODY = "{url}: the body could not be read";
    }
    /// The workers.
    mod worker {
        CANNOT_START = "this browser cannot start the {what}";
        UNREADABLE = "the {what} sent an unreadable message";
        FAILED = "the {what} failed: {why}";
        NOT_TAKEN = "the {what} did not take the request";
        NOT_SENT = "the request could not be written for the {what}";
    }
    /// MQTT over WebSocket.
    mod ws {
        BUSY = "the MQTT client is busy; try again";
        CLOSED_BY_CLIENT = "closed by the client";
        TOO_LARGE = "frame too large: the broker sent a WebSocket frame of {len} bytes and the page takes at most {max} at a time, so it closed the connection";
        TEXT_FRAME = "the broker sent a text WebSocket frame, which MQTT forbids (MQTT over WebSocket is binary only), so the page closed the connection";
        BACKLOG = "the broker sends faster than the page can take: one WebSocket frame held more than {packets} packets, so the page closed the connection";
        DID_NOT_OPEN = "the WebSocket did not open: the host, port or path is wrong, the broker is down or has no WebSocket listener there, or the browser does not trust its TLS certificate (open https://host:port in a tab to check)";
        CLOSE_CODE = "{meaning} (code {code})";
        WITH_REASON = "{close}: {reason}";
        CANNOT_OPEN = "cannot open a WebSocket to {url}: {detail}";
        NOT_OPEN = "the WebSocket is not open";
        CODE_1000 = "closed normally";
        CODE_1001 = "the broker is going away (restart or shutdown)";
        CODE_1002 = "the broker saw a WebSocket protocol error";
        CODE_1003 = "the broker does not accept this kind of data";
        CODE_1005 = "closed without a code";
        CODE_1006 = "the connection was cut without a close frame (network, broker or TLS failure)";
        CODE_1007 = "the broker received data it could not read";
        CODE_1008 = "the broker's policy refused the connection";
        CODE_1009 = "a message was too big for the broker";
        CODE_1010 = "the broker lacks an extension the client needs";
        CODE_1011 = "the broker hit an internal error";
        CODE_1012 = "the broker is restarting";
        CODE_1013 = "the broker is overloaded; try again later";
        CODE_1015 = "the TLS handshake failed";
        CODE_LIBRARY = "closed by the broker's library or framework";
        CODE_APPLICATION = "closed by the broker's application";
        CODE_UNKNOWN = "closed with an unknown code";
    }
}
