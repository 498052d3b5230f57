//! A device's CONNECT as a capture shows it: hex digits, with whatever
//! separators the tool that printed them used, read into the packet.

use std::fmt;

use crate::mqtt::{self, Connect, PacketType};
use crate::text::{keys::capture as k, Message, Say};

/// The largest CONNECT read from a capture: IoTDA's 1 MB message limit,
/// with room for the header.
pub const MAX_CONNECT: usize = 1 << 21;

/// Why a capture is not a CONNECT.
#[derive(Debug, Clone, PartialEq)]
pub enum CaptureError {
    /// Nothing but separators.
    NoDigits,
    /// A character that is not a hex digit.
    NotHex(char),
    /// An odd number of hex digits.
    OddDigits(usize),
    /// More hex digits than the caller's limit.
    TooLong {
        /// The limit, in bytes.
        max_bytes: usize,
    },
    /// The bytes are a whole packet of another type.
    NotConnect(PacketType),
    /// The bytes end before the CONNECT does.
    Incomplete(usize),
    /// The bytes are not a valid CONNECT.
    Invalid(mqtt::Error),
}

impl Say for CaptureError {
    fn message(&self) -> Message {
        match self {
            Self::NoDigits => Message::new(k::NO_DIGITS),
            Self::NotHex(c) => Message::new(k::NOT_HEX).with("ch", format_args!("{c:?}")),
            Self::OddDigits(n) => Message::new(k::ODD_DIGITS).with("n", n),
            Self::TooLong { max_bytes } => Message::new(k::TOO_LONG).with("max", max_bytes),
            Self::NotConnect(kind) => Message::new(k::NOT_CONNECT).with("kind", kind),
            Self::Incomplete(n) => Message::new(k::INCOMPLETE).with("n", n),
            Self::Invalid(e) => Message::new(k::INVALID).with_message("error", e.message()),
        }
    }
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for CaptureError {}

/// Hex digits to bytes, ignoring the separators people paste (spaces,
/// colons, commas, dashes) and `0x` prefixes. At most `max_bytes` bytes.
pub fn bytes_from_hex(text: &str, max_bytes: usize) -> Result<Vec<u8>, CaptureError> {
    let mut digits = Vec::new();
    let words = text.split(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | '-'));
    for word in words {
        let word = word
            .strip_prefix("0x")
            .or_else(|| word.strip_prefix("0X"))
            .unwrap_or(word);
        for c in word.chars() {
            let digit = c.to_digit(16).ok_or(CaptureError::NotHex(c))?;
            if digits.len() == max_bytes.saturating_mul(2) {
                return Err(CaptureError::TooLong { max_bytes });
            }
            // A hex digit is below 16.
            digits.push(digit as u8);
        }
    }
    if digits.is_empty() {
        return Err(CaptureError::NoDigits);
    }
    if !digits.len().is_multiple_of(2) {
        return Err(CaptureError::OddDigits(digits.len()));
    }
    Ok(digits.chunks(2).map(|p| p[0] << 4 | p[1]).collect())
}

/// The CONNECT of a capture in hex.
pub fn connect_from_hex(text: &str) -> Result<Connect, CaptureError> {
    let bytes = bytes_from_hex(text, MAX_CONNECT)?;
    match mqtt::decode(&bytes, MAX_CONNECT, mqtt::ProtocolVersion::V3_1_1) {
        Ok(Some((mqtt::Packet::Connect(c), _))) => Ok(c),
        Ok(Some((other, _))) => Err(CaptureError::NotConnect(other.packet_type())),
        Ok(None) => Err(CaptureError::Incomplete(bytes.len())),
        Err(e) => Err(CaptureError::Invalid(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_with_separators() {
        assert_eq!(bytes_from_hex("20 02 00 00", 9).unwrap(), [0x20, 2, 0, 0]);
        assert_eq!(
            bytes_from_hex("0x20,0x02:00-00", 9).unwrap(),
            [0x20, 2, 0, 0]
        );
        assert_eq!(bytes_from_hex("C000", 9).unwrap(), [0xc0, 0]);
        assert_eq!(bytes_from_hex(" \n", 9), Err(CaptureError::NoDigits));
        assert_eq!(bytes_from_hex("2g", 9), Err(CaptureError::NotHex('g')));
        assert_eq!(bytes_from_hex("200", 9), Err(CaptureError::OddDigits(3)));
        assert_eq!(bytes_from_hex("é0", 9), Err(CaptureError::NotHex('é')));
        assert_eq!(
            bytes_from_hex("00 11 22", 2),
            Err(CaptureError::TooLong { max_bytes: 2 })
        );
    }

    #[test]
    fn a_capture_reads_as_its_connect_or_says_what_it_is() {
        // CONNECT, MQTT 3.1.1, clean session, keep alive 60, ClientId "d".
        let connect = "10 0d 00 04 4d 51 54 54 04 02 00 3c 00 01 64";
        let c = connect_from_hex(connect).unwrap();
        assert_eq!((c.client_id.as_str(), c.keep_alive), ("d", 60));
        assert_eq!(
            connect_from_hex("20 02 00 00").unwrap_err().to_string(),
            "the bytes are a CONNACK packet, not the CONNECT"
        );
        assert_eq!(
            connect_from_hex("10 0d 00 04").unwrap_err().to_string(),
            "the CONNECT is incomplete (4 bytes given); copy the whole packet"
        );
        assert!(connect_from_hex("10 02 00 05")
            .unwrap_err()
            .to_string()
            .starts_with("not a valid CONNECT: "));
    }
}
