//! The data representations every packet is built from (3.1.1 §1.5, 5.0 §1.5):
//! Variable Byte Integers, two-byte-length UTF-8 strings and binary data,
//! and big-endian integers; plus the bounds-checked reader and the appending
//! writers the packets use.
//!
//! ```text
//! Variable Byte Integer (Remaining Length, property lengths, Subscription Identifier)
//!   +--------------+--------------+--------------+--------------+
//!   | C | 7 bits   | C | 7 bits   | C | 7 bits   | 0 | 7 bits   |   1 to 4 bytes,
//!   +--------------+--------------+--------------+--------------+   least significant first;
//!   C = 1: another byte follows. Max 268,435,455; minimal length [MQTT-1.5.5-1].
//!
//! UTF-8 Encoded String / Binary Data
//!   +--------+--------+------------------------------+
//!   | len MSB| len LSB| len bytes (UTF-8, no U+0000) |
//!   +--------+--------+------------------------------+
//! ```
//!
//! The reader never indexes past its slice: every read checks the length
//! first and fails with [`Error::UnexpectedEnd`]. Nothing here allocates
//! except to return owned strings, and nothing does I/O.

use std::fmt;

use crate::text::Key;

use super::{Error, PacketType};

/// An integer that fits MQTT's Variable Byte Integer: 0 ..= 268,435,455.
///
/// Used for the Remaining Length, property lengths and Subscription
/// Identifiers. Construction rejects larger values, so every `VarInt` can be
/// encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct VarInt(u32);

impl VarInt {
    /// The largest value: 268,435,455 (`0xFF 0xFF 0xFF 0x7F`).
    pub const MAX: u32 = 268_435_455;

    /// The value as a `VarInt`, or `None` if it is over [`VarInt::MAX`].
    pub const fn new(value: u32) -> Option<Self> {
        if value <= Self::MAX {
            Some(Self(value))
        } else {
            None
        }
    }

    /// The value.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// How many bytes the encoding takes (1 to 4).
    pub const fn encoded_len(self) -> usize {
        match self.0 {
            0..=127 => 1,
            128..=16_383 => 2,
            16_384..=2_097_151 => 3,
            _ => 4,
        }
    }

    /// The minimal encoding: the bytes in a 4-byte array and how many are
    /// used.
    pub fn to_bytes(self) -> ([u8; 4], usize) {
        let mut out = [0u8; 4];
        let mut x = self.0;
        let mut n = 0;
        for slot in out.iter_mut() {
            // Truncation is the point: the low 7 bits of what is left.
            let mut byte = (x % 128) as u8;
            x /= 128;
            if x > 0 {
                byte |= 0x80;
            }
            *slot = byte;
            n += 1;
            if x == 0 {
                break;
            }
        }
        (out, n)
    }

    /// Appends the minimal encoding to `out`.
    pub fn encode(self, out: &mut Vec<u8>) {
        let (bytes, n) = self.to_bytes();
        out.extend_from_slice(bytes.get(..n).unwrap_or(&bytes));
    }

    /// Decodes a `VarInt` from the start of `buf`: `Ok(Some((value, bytes
    /// used)))`, `Ok(None)` if `buf` ends before the last byte, or
    /// [`VarIntError`] if the encoding is over-long or not minimal.
    pub fn decode(buf: &[u8]) -> Result<Option<(Self, usize)>, VarIntError> {
        let mut value: u32 = 0;
        for (i, &byte) in buf.iter().enumerate().take(4) {
            value |= u32::from(byte & 0x7F) << (7 * i);
            if byte & 0x80 == 0 {
                // A last byte of 0 after others means fewer bytes would do.
                if i > 0 && byte == 0 {
                    return Err(VarIntError::NonMinimal { value, len: i + 1 });
                }
                return Ok(Some((Self(value), i + 1)));
            }
            if i == 3 {
                return Err(VarIntError::TooLong);
            }
        }
        Ok(None)
    }
}

impl fmt::Display for VarInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl TryFrom<u32> for VarInt {
    type Error = Error;
    fn try_from(v: u32) -> Result<Self, Error> {
        Self::new(v).ok_or(Error::VarIntTooLarge(v as usize))
    }
}

impl From<VarInt> for u32 {
    fn from(v: VarInt) -> u32 {
        v.0
    }
}

/// Why bytes are not a Variable Byte Integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarIntError {
    /// The fourth byte has its continuation bit set.
    TooLong,
    /// The value would fit in fewer bytes [MQTT-1.5.5-1].
    NonMinimal {
        /// The decoded value.
        value: u32,
        /// The bytes used.
        len: usize,
    },
}

impl VarIntError {
    /// The codec error for a Variable Byte Integer inside a packet.
    pub(crate) fn inside_packet(self) -> Error {
        match self {
            Self::TooLong => Error::MalformedVarInt,
            Self::NonMinimal { value, len } => Error::NonMinimalVarInt { value, len },
        }
    }
}

/// A bounds-checked cursor over one packet's body (the bytes the Remaining
/// Length covers). Running out of bytes here is an error, not "need more":
/// the fixed header promised exactly this many.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    packet: PacketType,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8], packet: PacketType) -> Self {
        Self { buf, packet }
    }

    pub(crate) fn packet(&self) -> PacketType {
        self.packet
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    fn end(&self, field: Key) -> Error {
        Error::UnexpectedEnd {
            packet: self.packet,
            field,
        }
    }

    pub(crate) fn take(&mut self, n: usize, field: Key) -> Result<&'a [u8], Error> {
        if n > self.buf.len() {
            return Err(self.end(field));
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    /// A reader over the next `n` bytes (a property block), advancing past them.
    pub(crate) fn sub(&mut self, n: usize, field: Key) -> Result<Reader<'a>, Error> {
        let packet = self.packet;
        Ok(Reader::new(self.take(n, field)?, packet))
    }

    pub(crate) fn u8(&mut self, field: Key) -> Result<u8, Error> {
        let (&b, tail) = self.buf.split_first().ok_or_else(|| self.end(field))?;
        self.buf = tail;
        Ok(b)
    }

    pub(crate) fn u16(&mut self, field: Key) -> Result<u16, Error> {
        let b = self.take(2, field)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub(crate) fn u32(&mut self, field: Key) -> Result<u32, Error> {
        let b = self.take(4, field)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub(crate) fn varint(&mut self, field: Key) -> Result<VarInt, Error> {
        match VarInt::decode(self.buf).map_err(VarIntError::inside_packet)? {
            Some((v, n)) => {
                self.take(n, field)?;
                Ok(v)
            }
            None => Err(self.end(field)),
        }
    }

    /// Binary Data: a two-byte length and that many bytes.
    pub(crate) fn binary(&mut self, field: Key) -> Result<&'a [u8], Error> {
        let len = self.u16(field)?;
        self.take(usize::from(len), field)
    }

    /// A UTF-8 Encoded String, checked per [MQTT-1.5.4-1] and
    /// [MQTT-1.5.4-2]. A byte order mark is kept as U+FEFF [MQTT-1.5.4-3].
    pub(crate) fn string(&mut self, field: Key) -> Result<String, Error> {
        let bytes = self.binary(field)?;
        let s = std::str::from_utf8(bytes).map_err(|_| Error::InvalidUtf8 { field })?;
        if s.contains('\0') {
            return Err(Error::NullCharacter { field });
        }
        Ok(s.to_owned())
    }

    /// The rest of the packet (a payload), leaving the reader empty.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.buf)
    }

    /// Fails unless every byte was read.
    pub(crate) fn finish(self) -> Result<(), Error> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(Error::TrailingBytes {
                packet: self.packet,
                count: self.buf.len(),
            })
        }
    }
}

pub(crate) fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

pub(crate) fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Binary Data: checks the length fits two bytes, then appends length and bytes.
pub(crate) fn put_binary(out: &mut Vec<u8>, field: Key, b: &[u8]) -> Result<(), Error> {
    let len = u16::try_from(b.len()).map_err(|_| Error::TooLong {
        field,
        len: b.len(),
    })?;
    put_u16(out, len);
    out.extend_from_slice(b);
    Ok(())
}

/// A UTF-8 Encoded String: checks length and U+0000, then appends it.
pub(crate) fn put_str(out: &mut Vec<u8>, field: Key, s: &str) -> Result<(), Error> {
    if s.contains('\0') {
        return Err(Error::NullCharacter { field });
    }
    put_binary(out, field, s.as_bytes())
}

/// Runs `body`, which appends to `out`, and puts the minimal Variable Byte
/// Integer of the appended length in front of it. `too_large` makes the error
/// if the length does not fit. On error `out` may hold partial output; the
/// caller ([`Packet::encode`](super::Packet::encode)) truncates it.
pub(crate) fn with_length_prefix(
    out: &mut Vec<u8>,
    too_large: fn(usize) -> Error,
    body: impl FnOnce(&mut Vec<u8>) -> Result<(), Error>,
) -> Result<(), Error> {
    let start = out.len();
    // Room for the longest prefix; the unused part is closed up below, which
    // moves the body once rather than encoding it twice to learn its length.
    out.extend_from_slice(&[0; 4]);
    body(out)?;
    let len = out.len() - start - 4;
    let v = u32::try_from(len)
        .ok()
        .and_then(VarInt::new)
        .ok_or(too_large(len))?;
    let (bytes, n) = v.to_bytes();
    out.copy_within(start + 4.., start + n);
    out.truncate(out.len() - (4 - n));
    out[start..start + n].copy_from_slice(&bytes[..n]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_boundaries_encode_minimally_and_round_trip() {
        let cases: &[(u32, &[u8])] = &[
            (0, &[0x00]),
            (127, &[0x7F]),
            (128, &[0x80, 0x01]),
            (16_383, &[0xFF, 0x7F]),
            (16_384, &[0x80, 0x80, 0x01]),
            (2_097_151, &[0xFF, 0xFF, 0x7F]),
            (2_097_152, &[0x80, 0x80, 0x80, 0x01]),
            (268_435_455, &[0xFF, 0xFF, 0xFF, 0x7F]),
        ];
        for &(value, bytes) in cases {
            let v = VarInt::new(value).unwrap();
            let mut out = Vec::new();
            v.encode(&mut out);
            assert_eq!(out, bytes, "{value}");
            assert_eq!(v.encoded_len(), bytes.len());
            assert_eq!(VarInt::decode(bytes), Ok(Some((v, bytes.len()))));
            // Every strict prefix needs more bytes.
            for k in 0..bytes.len() {
                assert_eq!(VarInt::decode(&bytes[..k]), Ok(None));
            }
        }
    }

    #[test]
    fn varint_rejects_values_over_max() {
        assert_eq!(VarInt::new(268_435_456), None);
        assert_eq!(
            VarInt::try_from(u32::MAX),
            Err(Error::VarIntTooLarge(u32::MAX as usize))
        );
    }

    #[test]
    fn varint_rejects_five_bytes_and_non_minimal_encodings() {
        assert_eq!(
            VarInt::decode(&[0xFF, 0xFF, 0xFF, 0xFF, 0x7F]),
            Err(VarIntError::TooLong)
        );
        assert_eq!(
            VarInt::decode(&[0x80, 0x80, 0x80, 0x80]),
            Err(VarIntError::TooLong)
        );
        assert_eq!(
            VarInt::decode(&[0x80, 0x00]),
            Err(VarIntError::NonMinimal { value: 0, len: 2 })
        );
        assert_eq!(
            VarInt::decode(&[0xFF, 0x80, 0x00]),
            Err(VarIntError::NonMinimal { value: 127, len: 3 })
        );
    }

    #[test]
    fn length_prefix_closes_up_unused_room() {
        for len in [0usize, 1, 127, 128, 16_384] {
            let mut out = vec![0xAA];
            with_length_prefix(&mut out, Error::VarIntTooLarge, |o| {
                o.extend(std::iter::repeat_n(7u8, len));
                Ok(())
            })
            .unwrap();
            let (v, n) = VarInt::decode(&out[1..]).unwrap().unwrap();
            assert_eq!(v.get() as usize, len);
            assert_eq!(out.len(), 1 + n + len);
            assert!(out[1 + n..].iter().all(|&b| b == 7));
        }
    }

    #[test]
    fn reader_reports_the_field_it_ran_out_in() {
        let mut r = Reader::new(&[0x00, 0x05, b'a'], PacketType::Publish);
        assert_eq!(
            r.string(crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME),
            Err(Error::UnexpectedEnd {
                packet: PacketType::Publish,
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME
            })
        );
    }

    /// A field for the tests that follow.
    const X: Key = Key::new("test.X", "x");

    #[test]
    fn strings_are_checked_for_utf8_and_null() {
        let mut r = Reader::new(&[0x00, 0x02, 0xC3, 0x28], PacketType::Publish);
        assert_eq!(r.string(X), Err(Error::InvalidUtf8 { field: X }));
        // An encoded surrogate (U+D800) is ill-formed UTF-8 [MQTT-1.5.4-1].
        let mut r = Reader::new(&[0x00, 0x03, 0xED, 0xA0, 0x80], PacketType::Publish);
        assert_eq!(r.string(X), Err(Error::InvalidUtf8 { field: X }));
        let mut r = Reader::new(&[0x00, 0x02, b'a', 0x00], PacketType::Publish);
        assert_eq!(r.string(X), Err(Error::NullCharacter { field: X }));
        // The byte order mark is kept, not stripped [MQTT-1.5.4-3].
        let mut r = Reader::new(&[0x00, 0x04, 0xEF, 0xBB, 0xBF, b'a'], PacketType::Publish);
        assert_eq!(r.string(X).unwrap(), "\u{FEFF}a");
    }

    #[test]
    fn writers_reject_what_cannot_be_encoded() {
        let mut out = Vec::new();
        let long = "a".repeat(65_536);
        assert_eq!(
            put_str(&mut out, X, &long),
            Err(Error::TooLong {
                field: X,
                len: 65_536
            })
        );
        assert_eq!(
            put_str(&mut out, X, "a\0"),
            Err(Error::NullCharacter { field: X })
        );
        assert!(out.is_empty());
        put_str(&mut out, X, &long[..65_535]).unwrap();
        assert_eq!(&out[..2], &[0xFF, 0xFF]);
    }
}
