//! gzip (RFC 1952) in memory: the payloads of IoTDA's `?encoding=gzip`
//! topics, which Huawei's Java and C device SDKs compress this way.
//!
//! ```text
//! 1f 8b 08 FLG MTIME(4) XFL OS   [FEXTRA] [FNAME] [FCOMMENT] [FHCRC]   deflate...   CRC32(4) ISIZE(4)
//! ```
//!
//! [`compress`] writes one member with no optional fields and MTIME 0 (the
//! core reads no clock); [`decompress`] reads one member with any of them,
//! inflates at most `max` bytes, and checks the CRC-32 and length of the
//! trailer. Deflate and inflate are miniz_oxide's, pure Rust.

use std::fmt;

use crate::text::{Message, Say};

use crate::zip::crc32;

const MAGIC: [u8; 2] = [0x1f, 0x8b];
const DEFLATE: u8 = 8;
const FHCRC: u8 = 1 << 1;
const FEXTRA: u8 = 1 << 2;
const FNAME: u8 = 1 << 3;
const FCOMMENT: u8 = 1 << 4;
/// Header (10) and trailer (8) of a member with no optional fields.
const FRAME: usize = 18;

/// Why bytes are not a gzip member this reader takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GzipError {
    /// The bytes do not start with gzip's magic `1f 8b`, or use a method
    /// other than deflate. Likely cause: a payload sent on an
    /// `?encoding=gzip` topic without compressing it.
    NotGzip,
    /// The bytes end before the header, the compressed data or the trailer
    /// does. Likely cause: a cut message.
    Truncated,
    /// The compressed data is not valid deflate. Likely cause: damaged bytes.
    Corrupt,
    /// The data inflates to more than the caller allows.
    TooLarge {
        /// The limit in bytes.
        max: usize,
    },
    /// The trailer's CRC-32 or length does not match the inflated data.
    /// Likely cause: damaged bytes.
    Checksum,
}

impl Say for GzipError {
    fn message(&self) -> Message {
        use crate::text::keys::gzip as k;
        match self {
            Self::NotGzip => Message::new(k::NOT_GZIP),
            Self::Truncated => Message::new(k::TRUNCATED),
            Self::Corrupt => Message::new(k::CORRUPT),
            Self::TooLarge { max } => Message::new(k::TOO_LARGE).with("max", max),
            Self::Checksum => Message::new(k::CHECKSUM),
        }
    }
}

impl fmt::Display for GzipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for GzipError {}

/// `data` as one gzip member (deflate level 6, MTIME 0, OS unknown).
pub fn compress(data: &[u8]) -> Vec<u8> {
    let deflated = miniz_oxide::deflate::compress_to_vec(data, 6);
    let mut out = Vec::with_capacity(deflated.len() + FRAME);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&[DEFLATE, 0, 0, 0, 0, 0, 0, 0xff]);
    out.extend_from_slice(&deflated);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    // ISIZE is the length modulo 2^32 (RFC 1952 §2.3.1).
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// The data of the gzip member `bytes`, at most `max` bytes of it.
pub fn decompress(bytes: &[u8], max: usize) -> Result<Vec<u8>, GzipError> {
    match bytes {
        [a, ..] if *a != MAGIC[0] => return Err(GzipError::NotGzip),
        [_, b, ..] if *b != MAGIC[1] => return Err(GzipError::NotGzip),
        [_, _, method, ..] if *method != DEFLATE => return Err(GzipError::NotGzip),
        _ => {}
    }
    let flags = *bytes.get(3).ok_or(GzipError::Truncated)?;
    let mut at = 10;
    if flags & FEXTRA != 0 {
        let len = bytes
            .get(at..at + 2)
            .and_then(|w| <[u8; 2]>::try_from(w).ok())
            .ok_or(GzipError::Truncated)?;
        at += 2 + usize::from(u16::from_le_bytes(len));
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let rest = bytes.get(at..).ok_or(GzipError::Truncated)?;
            let nul = rest
                .iter()
                .position(|&b| b == 0)
                .ok_or(GzipError::Truncated)?;
            at += nul + 1;
        }
    }
    if flags & FHCRC != 0 {
        at += 2;
    }
    let body_end = bytes.len().checked_sub(8).ok_or(GzipError::Truncated)?;
    let body = bytes.get(at..body_end).ok_or(GzipError::Truncated)?;
    let trailer = bytes.get(body_end..).ok_or(GzipError::Truncated)?;
    let data =
        miniz_oxide::inflate::decompress_to_vec_with_limit(body, max).map_err(|e| {
            match e.status {
                miniz_oxide::inflate::TINFLStatus::HasMoreOutput => GzipError::TooLarge { max },
                miniz_oxide::inflate::TINFLStatus::FailedCannotMakeProgress => GzipError::Truncated,
                _ => GzipError::Corrupt,
            }
        })?;
    let word = |i: usize| {
        trailer
            .get(i..i + 4)
            .and_then(|w| <[u8; 4]>::try_from(w).ok())
            .map(u32::from_le_bytes)
    };
    // ISIZE is the length modulo 2^32 (RFC 1952 §2.3.1).
    if word(0) != Some(crc32(&data)) || word(4) != Some(data.len() as u32) {
        return Err(GzipError::Checksum);
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `printf 'hello!' | gzip -9 -n`: Debian's gzip 1.x, name and time left
    /// out, so the bytes are fixed.
    const HELLO_GZIP_N: &[u8] = &[
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xcb, 0x48, 0xcd, 0xc9, 0xc9,
        0x57, 0x04, 0x00, 0x60, 0xc9, 0x86, 0x9a, 0x06, 0x00, 0x00, 0x00,
    ];

    #[test]
    fn reads_what_gzip_writes_and_round_trips() {
        assert_eq!(decompress(HELLO_GZIP_N, 100).unwrap(), b"hello!");
        for data in [&b""[..], b"hello!", &[7u8; 100_000]] {
            let packed = compress(data);
            assert_eq!(packed[..3], [0x1f, 0x8b, 8]);
            assert_eq!(decompress(&packed, data.len()).unwrap(), data);
        }
    }

    #[test]
    fn reads_optional_header_fields() {
        // FNAME "a" and FCOMMENT "b" before the same deflate stream.
        let mut named = vec![
            0x1f,
            0x8b,
            8,
            FNAME | FCOMMENT,
            0,
            0,
            0,
            0,
            0,
            3,
            b'a',
            0,
            b'b',
            0,
        ];
        named.extend_from_slice(&HELLO_GZIP_N[10..]);
        assert_eq!(decompress(&named, 100).unwrap(), b"hello!");
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let good = compress(b"hello, hello, hello");
        assert_eq!(decompress(b"{\"a\":1}", 100), Err(GzipError::NotGzip));
        assert_eq!(
            decompress(&[0x1f, 0x8b, 9, 0], 100),
            Err(GzipError::NotGzip)
        );
        assert_eq!(decompress(&good, 5), Err(GzipError::TooLarge { max: 5 }));
        let mut flipped = good.clone();
        let last = flipped.len() - 5;
        flipped[last] ^= 1;
        assert_eq!(decompress(&flipped, 100), Err(GzipError::Checksum));
        // Every prefix is an error, never a panic.
        for cut in 0..good.len() {
            assert!(decompress(&good[..cut], 100).is_err(), "{cut}");
        }
        for byte in 0..=255u8 {
            let mut damaged = good.clone();
            damaged[12] = byte;
            let _ = decompress(&damaged, 100);
        }
    }
}
