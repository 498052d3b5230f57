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
}
