//! A small ZIP reader for the console's product-model archive: stored and
//! deflated entries, in memory, refusing ZIP bombs.
//!
//! ```text
//! [local header 30 B + name + extra][data] ... [central directory] [end record 22 B + comment]
//! end record:        PK\5\6  disk(2) cd-disk(2) entries-here(2) entries(2) cd-size(4) cd-offset(4) comment-len(2)
//! central header:    PK\1\2  made-by(2) needed(2) flags(2) method(2) time(2) date(2) crc(4)
//!                            compressed(4) size(4) name-len(2) extra-len(2) comment-len(2)
//!                            disk(2) internal(2) external(4) local-offset(4) name
//! local header:      PK\3\4  needed(2) flags(2) method(2) time(2) date(2) crc(4)
//!                            compressed(4) size(4) name-len(2) extra-len(2) name extra
//! ```
//! (PKWARE APPNOTE 6.3.x, §4.3.)
//!
//! Sizes and offsets come from the central directory, so entries written
//! with a data descriptor (sizes after the data, as streaming zippers do)
//! read too. Every read is bounds-checked; a damaged archive is an error,
//! never a panic. Inflating stops at [`MAX_UNZIPPED_LEN`] bytes in total,
//! whatever the headers claim. ZIP64, encryption, multi-disk archives and
//! methods other than stored (0) and deflate (8) are refused: the console
//! writes none of them.

use std::fmt;

use crate::text::{Key, Message, Say};

/// Most bytes inflated from one archive (16 MiB): a product model is a few
/// KB, so anything near this is a ZIP bomb.
pub const MAX_UNZIPPED_LEN: usize = 16 * 1024 * 1024;

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIR: u32 = 0x0605_4b50;
const END_LEN: usize = 22;
const CENTRAL_LEN: usize = 46;
const LOCAL_LEN: usize = 30;
const STORED: u16 = 0;
const DEFLATED: u16 = 8;
const FLAG_ENCRYPTED: u16 = 1;

/// Why a ZIP archive could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipError {
    /// No end-of-central-directory record. Likely cause: not a ZIP file, or
    /// a download cut short.
    NotZip,
    /// A header or an entry's data lies outside the file or has a wrong
    /// signature. Likely cause: a truncated or corrupted download.
    Damaged {
        /// What was found damaged.
        what: Key,
    },
    /// ZIP64 or a multi-disk archive, which a product model never needs.
    Unsupported {
        /// Which feature.
        feature: Key,
    },
    /// The entry is encrypted.
    Encrypted {
        /// The entry's name.
        name: String,
    },
    /// The entry uses a compression method other than stored or deflate.
    Method {
        /// The entry's name.
        name: String,
        /// The method number (APPNOTE §4.4.5).
        method: u16,
    },
    /// The entry's deflate data is corrupt.
    Inflate {
        /// The entry's name.
        name: String,
    },
    /// The entry's data does not match its recorded size or CRC-32. Likely
    /// cause: a corrupted download.
    Checksum {
        /// The entry's name.
        name: String,
    },
    /// Inflating would exceed [`MAX_UNZIPPED_LEN`] bytes. Likely cause: a
    /// ZIP bomb, or the wrong archive.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
}

impl Say for ZipError {
    fn message(&self) -> Message {
        use crate::text::keys::unzip as k;
        match self {
            Self::NotZip => Message::new(k::NOT_ZIP),
            Self::Damaged { what } => {
                Message::new(k::DAMAGED).with_message("what", Message::new(*what))
            }
            Self::Unsupported { feature } => {
                Message::new(k::UNSUPPORTED).with_message("feature", Message::new(*feature))
            }
            Self::Encrypted { name } => Message::new(k::ENCRYPTED).with("name", name),
            Self::Method { name, method } => Message::new(k::METHOD)
                .with("name", name)
                .with("method", method),
            Self::Inflate { name } => Message::new(k::INFLATE).with("name", name),
            Self::Checksum { name } => Message::new(k::CHECKSUM).with("name", name),
            Self::TooLarge { limit } => {
                Message::new(k::TOO_LARGE).with("mib", limit / (1024 * 1024))
            }
        }
    }
}

impl fmt::Display for ZipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for ZipError {}

/// An entry as the central directory describes it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The entry's path in the archive.
    pub(crate) name: String,
    flags: u16,
    method: u16,
    crc: u32,
    compressed: usize,
    size: usize,
    offset: usize,
}

/// An archive in memory, its directory read, its entries inflated on
/// demand within one shared budget.
pub(crate) struct Archive<'a> {
    bytes: &'a [u8],
    entries: Vec<Entry>,
    budget: usize,
}

impl<'a> Archive<'a> {
    /// Reads the central directory.
    pub(crate) fn new(bytes: &'a [u8]) -> Result<Self, ZipError> {
        let end = find_end(bytes).ok_or(ZipError::NotZip)?;
        let field16 = |at| u16_at(bytes, end + at).ok_or(ZipError::NotZip);
        let field32 = |at| u32_at(bytes, end + at).ok_or(ZipError::NotZip);
        let (disk, cd_disk) = (field16(4)?, field16(6)?);
        let (here, count) = (field16(8)?, field16(10)?);
        let (cd_size, cd_offset) = (field32(12)?, field32(16)?);
        if count == u16::MAX || cd_size == u32::MAX || cd_offset == u32::MAX {
            return Err(ZipError::Unsupported {
                feature: crate::text::keys::unzip::FEATURE_ZIP64,
            });
        }
        if disk != 0 || cd_disk != 0 || here != count {
            return Err(ZipError::Unsupported {
                feature: crate::text::keys::unzip::FEATURE_SEVERAL_DISKS,
            });
        }
        let mut at = to_usize(cd_offset);
        let mut entries = Vec::with_capacity(usize::from(count));
        for _ in 0..count {
            let (entry, next) = read_central(bytes, at)?;
            entries.push(entry);
            at = next;
        }
        Ok(Self {
            bytes,
            entries,
            budget: MAX_UNZIPPED_LEN,
        })
    }

    /// The entries, in directory order.
    pub(crate) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The contents of entry `index`, counted against the archive's budget.
    pub(crate) fn read(&mut self, index: usize) -> Result<Vec<u8>, ZipError> {
        let entry = self.entries.get(index).ok_or(ZipError::Damaged {
            what: crate::text::keys::unzip::DAMAGED_AN_ENTRY_THE_DIRECTORY_DOES_NOT_LIST,
        })?;
        let name = || entry.name.clone();
        if entry.flags & FLAG_ENCRYPTED != 0 {
            return Err(ZipError::Encrypted { name: name() });
        }
        let local = entry.offset;
        if u32_at(self.bytes, local) != Some(LOCAL_HEADER) {
            return Err(ZipError::Damaged {
                what: crate::text::keys::unzip::DAMAGED_A_LOCAL_FILE_HEADER,
            });
        }
        let name_len = u16_at(self.bytes, local + 26).map(usize::from);
        let extra_len = u16_at(self.bytes, local + 28).map(usize::from);
        let start = name_len
            .zip(extra_len)
            .and_then(|(n, e)| local.checked_add(LOCAL_LEN + n + e));
        let data = start
            .and_then(|s| self.bytes.get(s..s.checked_add(entry.compressed)?))
            .ok_or(ZipError::Damaged {
                what:
                    crate::text::keys::unzip::DAMAGED_AN_ENTRY_S_DATA_RUNS_PAST_THE_END_OF_THE_FILE,
            })?;
        let out = match entry.method {
            STORED => {
                if data.len() > self.budget {
                    return Err(ZipError::TooLarge {
                        limit: MAX_UNZIPPED_LEN,
                    });
                }
                data.to_vec()
            }
            DEFLATED => miniz_oxide::inflate::decompress_to_vec_with_limit(data, self.budget)
                .map_err(|e| match e.status {
                    miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ZipError::TooLarge {
                        limit: MAX_UNZIPPED_LEN,
                    },
                    _ => ZipError::Inflate { name: name() },
                })?,
            method => {
                return Err(ZipError::Method {
                    name: name(),
                    method,
                })
            }
        };
        if out.len() != entry.size || crate::zip::crc32(&out) != entry.crc {
            return Err(ZipError::Checksum { name: name() });
        }
        self.budget = self.budget.saturating_sub(out.len());
        Ok(out)
    }
}

/// The offset of the end-of-central-directory record: the last signature
/// whose record, with its comment, ends exactly at the end of the file.
fn find_end(bytes: &[u8]) -> Option<usize> {
    let last = bytes.len().checked_sub(END_LEN)?;
    let first = last.saturating_sub(usize::from(u16::MAX));
    (first..=last).rev().find(|&at| {
        u32_at(bytes, at) == Some(END_OF_CENTRAL_DIR)
            && u16_at(bytes, at + 20).map(|c| at + END_LEN + usize::from(c)) == Some(bytes.len())
    })
}

/// The central directory entry at `at` and the offset of the next one.
fn read_central(bytes: &[u8], at: usize) -> Result<(Entry, usize), ZipError> {
    const DAMAGED: ZipError = ZipError::Damaged {
        what: crate::text::keys::unzip::DAMAGED_THE_CENTRAL_DIRECTORY,
    };
    // Once the signature is known to lie inside `bytes`, `at` is below its
    // length, so adding a header's few dozen bytes to it cannot overflow.
    if u32_at(bytes, at) != Some(CENTRAL_HEADER) {
        return Err(DAMAGED);
    }
    let f16 = |o: usize| u16_at(bytes, at + o).ok_or(DAMAGED);
    let f32 = |o: usize| u32_at(bytes, at + o).ok_or(DAMAGED);
    let (flags, method) = (f16(8)?, f16(10)?);
    let (crc, compressed, size) = (f32(16)?, f32(20)?, f32(24)?);
    let (name_len, extra_len, comment_len) = (f16(28)?, f16(30)?, f16(32)?);
    let offset = f32(42)?;
    if compressed == u32::MAX || size == u32::MAX || offset == u32::MAX {
        return Err(ZipError::Unsupported {
            feature: crate::text::keys::unzip::FEATURE_ZIP64,
        });
    }
    let name_start = at + CENTRAL_LEN;
    let name_end = name_start + usize::from(name_len);
    let name = bytes.get(name_start..name_end).ok_or(DAMAGED)?;
    let next = name_end + usize::from(extra_len) + usize::from(comment_len);
    if next > bytes.len() {
        return Err(DAMAGED);
    }
    Ok((
        Entry {
            name: String::from_utf8_lossy(name).into_owned(),
            flags,
            method,
            crc,
            compressed: to_usize(compressed),
            size: to_usize(size),
            offset: to_usize(offset),
        },
        next,
    ))
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([*b.first()?, *b.get(1)?]))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([
        *b.first()?,
        *b.get(1)?,
        *b.get(2)?,
        *b.get(3)?,
    ]))
}

/// A 32-bit size or offset as `usize`; saturates on 16-bit targets, where
/// the bounds checks then refuse it.
fn to_usize(v: u32) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zip::ZipWriter;

    fn archive() -> Vec<u8> {
        let mut zip = ZipWriter::new();
        zip.add_file("a.txt", b"hello", 0).unwrap();
        zip.add_file("dir/b.json", b"{}", 0).unwrap();
        zip.finish().unwrap()
    }

    #[test]
    fn reads_the_crate_writers_archives() {
        let bytes = archive();
        let mut a = Archive::new(&bytes).unwrap();
        let names: Vec<_> = a.entries().iter().map(|e| e.name.clone()).collect();
        assert_eq!(names, ["a.txt", "dir/b.json"]);
        assert_eq!(a.read(0).unwrap(), b"hello");
        assert_eq!(a.read(1).unwrap(), b"{}");
        assert!(a.read(2).is_err());
        let empty = ZipWriter::new().finish().unwrap();
        assert!(Archive::new(&empty).unwrap().entries().is_empty());
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let bytes = archive();
        for len in 0..bytes.len() {
            let cut = &bytes[..len];
            if let Ok(mut a) = Archive::new(cut) {
                for i in 0..a.entries().len() {
                    let _ = a.read(i);
                }
            }
        }
        assert_eq!(Archive::new(&[]).err(), Some(ZipError::NotZip));
        assert_eq!(Archive::new(b"PK").err(), Some(ZipError::NotZip));
    }

    #[test]
    fn every_flipped_byte_is_an_error_or_a_read_not_a_panic() {
        let bytes = archive();
        for i in 0..bytes.len() {
            for bit in [0x01, 0x80, 0xff] {
                let mut damaged = bytes.clone();
                damaged[i] ^= bit;
                if let Ok(mut a) = Archive::new(&damaged) {
                    for j in 0..a.entries().len() {
                        let _ = a.read(j);
                    }
                }
            }
        }
    }

    #[test]
    fn a_changed_byte_of_data_fails_the_checksum() {
        let mut bytes = archive();
        let at = bytes.windows(5).position(|w| w == b"hello").unwrap();
        bytes[at] = b'j';
        let mut a = Archive::new(&bytes).unwrap();
        assert_eq!(
            a.read(0),
            Err(ZipError::Checksum {
                name: "a.txt".into()
            })
        );
    }
}
