//! A minimal ZIP writer: stored (uncompressed) entries, built in memory, for
//! handing many small files (a batch of keys and certificates) to the user
//! as one download.
//!
//! Certificates and keys are a few KB of base64 that would shrink by about a
//! quarter; not compressing keeps this small and obviously correct. Entries
//! carry Unix permissions, so private keys unpack readable by their owner
//! only, and UTF-8 names. The archive is plain ZIP (no ZIP64): at most
//! 65,535 entries and 4 GiB, far beyond any batch.
//!
//! The modification time is passed in: nothing here reads a clock.

use std::fmt;

use crate::text::{Message, Say};

/// Permissions of an ordinary file in the archive.
pub const MODE_FILE: u32 = 0o644;
/// Permissions of a private key in the archive.
pub const MODE_SECRET: u32 = 0o600;

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIR: u32 = 0x0605_4b50;
/// Version 2.0: what every unzip tool reads.
const VERSION_NEEDED: u16 = 20;
/// "Made by" Unix (3) version 2.0, so the external attributes are modes.
const VERSION_MADE_BY: u16 = (3 << 8) | 20;
/// General purpose flag bit 11: the name is UTF-8.
const FLAG_UTF8: u16 = 1 << 11;
/// S_IFREG: a regular file.
const S_IFREG: u32 = 0o100_000;

/// Why an entry cannot be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The path is empty, absolute, has an empty, `.` or `..` segment, a
    /// backslash or a control character: unpacking it could write outside
    /// the target folder or fail on some systems.
    BadPath {
        /// The path given.
        path: String,
    },
    /// The same path was added twice.
    DuplicatePath {
        /// The path given.
        path: String,
    },
    /// The archive would exceed plain ZIP's limits (65,535 entries, 4 GiB).
    TooLarge,
}

impl Say for Error {
    fn message(&self) -> Message {
        use crate::text::keys::zip as k;
        match self {
            Self::BadPath { path } => {
                Message::new(k::BAD_PATH).with("path", format_args!("{path:?}"))
            }
            Self::DuplicatePath { path } => {
                Message::new(k::DUPLICATE_PATH).with("path", format_args!("{path:?}"))
            }
            Self::TooLarge => Message::new(k::TOO_LARGE),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for Error {}

struct Entry {
    name: String,
    crc: u32,
    size: u32,
    offset: u32,
    mode: u32,
    dos_time: u16,
    dos_date: u16,
}

/// Builds a ZIP archive in memory.
#[derive(Default)]
pub struct ZipWriter {
    out: Vec<u8>,
    entries: Vec<Entry>,
}

impl fmt::Debug for ZipWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZipWriter")
            .field("entries", &self.entries.len())
            .field("bytes", &self.out.len())
            .finish()
    }
}

impl ZipWriter {
    /// An empty archive.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file readable by everyone (mode 0644), modified at `unix_time`
    /// (seconds).
    pub fn add_file(&mut self, path: &str, data: &[u8], unix_time: i64) -> Result<(), Error> {
        self.add_file_with_mode(path, data, MODE_FILE, unix_time)
    }

    /// Adds a file with the permission bits `mode` (e.g. [`MODE_SECRET`]).
    pub fn add_file_with_mode(
        &mut self,
        path: &str,
        data: &[u8],
        mode: u32,
        unix_time: i64,
    ) -> Result<(), Error> {
        check_path(path)?;
        if self.entries.iter().any(|e| e.name == path) {
            return Err(Error::DuplicatePath {
                path: path.to_string(),
            });
        }
        if self.entries.len() >= usize::from(u16::MAX) {
            return Err(Error::TooLarge);
        }
        let offset = u32::try_from(self.out.len()).map_err(|_| Error::TooLarge)?;
        let size = u32::try_from(data.len()).map_err(|_| Error::TooLarge)?;
        let name_len = u16::try_from(path.len()).map_err(|_| Error::TooLarge)?;
        // The local header, the data and later the central directory must
        // all stay addressable with 32-bit offsets.
        let end = self.out.len() + 30 + path.len() + data.len();
        if u32::try_from(end).is_err() {
            return Err(Error::TooLarge);
        }
        let (dos_time, dos_date) = dos_date_time(unix_time);
        let entry = Entry {
            name: path.to_string(),
            crc: crc32(data),
            size,
            offset,
            mode: mode & 0o7777,
            dos_time,
            dos_date,
        };
        let out = &mut self.out;
        put32(out, LOCAL_HEADER);
        put16(out, VERSION_NEEDED);
        put16(out, FLAG_UTF8);
        put16(out, 0); // stored
        put16(out, entry.dos_time);
        put16(out, entry.dos_date);
        put32(out, entry.crc);
        put32(out, entry.size);
        put32(out, entry.size);
        put16(out, name_len);
        put16(out, 0); // no extra field
        out.extend_from_slice(path.as_bytes());
        out.extend_from_slice(data);
        self.entries.push(entry);
        Ok(())
    }

    /// Writes the central directory and returns the archive.
    pub fn finish(mut self) -> Result<Vec<u8>, Error> {
        let cd_start = self.out.len();
        for e in &self.entries {
            let out = &mut self.out;
            put32(out, CENTRAL_HEADER);
            put16(out, VERSION_MADE_BY);
            put16(out, VERSION_NEEDED);
            put16(out, FLAG_UTF8);
            put16(out, 0);
            put16(out, e.dos_time);
            put16(out, e.dos_date);
            put32(out, e.crc);
            put32(out, e.size);
            put32(out, e.size);
            // Checked when the entry was added.
            put16(out, u16::try_from(e.name.len()).unwrap_or(u16::MAX));
            put16(out, 0); // extra
            put16(out, 0); // comment
            put16(out, 0); // disk
            put16(out, 0); // internal attributes
            put32(out, (S_IFREG | e.mode) << 16);
            put32(out, e.offset);
            out.extend_from_slice(e.name.as_bytes());
        }
        let cd_size = u32::try_from(self.out.len() - cd_start).map_err(|_| Error::TooLarge)?;
        let cd_offset = u32::try_from(cd_start).map_err(|_| Error::TooLarge)?;
        let count = u16::try_from(self.entries.len()).map_err(|_| Error::TooLarge)?;
        let out = &mut self.out;
        put32(out, END_OF_CENTRAL_DIR);
        put16(out, 0);
        put16(out, 0);
        put16(out, count);
        put16(out, count);
        put32(out, cd_size);
        put32(out, cd_offset);
        put16(out, 0); // comment length
        Ok(self.out)
    }
}

fn check_path(path: &str) -> Result<(), Error> {
    let bad = path.is_empty()
        || path.len() > usize::from(u16::MAX)
        || path.starts_with('/')
        || path.contains('\\')
        || path.chars().any(char::is_control)
        || path
            .split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == ".." || seg.ends_with(':'));
    if bad {
        return Err(Error::BadPath {
            path: path.to_string(),
        });
    }
    Ok(())
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// MS-DOS time and date (local time in the format; UTC here), clamped to
/// the years DOS can say, 1980..=2107.
fn dos_date_time(unix_time: i64) -> (u16, u16) {
    const MIN: i64 = 315_532_800; // 1980-01-01T00:00:00Z
    const MAX: i64 = 4_354_819_198; // 2107-12-31T23:59:58Z
    let t = time::OffsetDateTime::from_unix_timestamp(unix_time.clamp(MIN, MAX))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let year = u16::try_from(t.year() - 1980).unwrap_or(0);
    let date = (year << 9) | (u16::from(u8::from(t.month())) << 5) | u16::from(t.day());
    let time =
        (u16::from(t.hour()) << 11) | (u16::from(t.minute()) << 5) | u16::from(t.second() / 2);
    (time, date)
}

/// CRC-32 (IEEE 802.3, reflected, as ZIP uses); also checks what
/// `iotda`'s model reader unpacks.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    !data
        .iter()
        .fold(!0u32, |c, &b| TABLE[usize::from((c as u8) ^ b)] ^ (c >> 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn dos_times() {
        // 2026-11-28T17:38:52Z
        let (time, date) = dos_date_time(1_795_887_532);
        assert_eq!(date >> 9, 46);
        assert_eq!((date >> 5) & 0xf, 11);
        assert_eq!(date & 0x1f, 28);
        assert_eq!(time >> 11, 17);
        assert_eq!((time >> 5) & 0x3f, 38);
        assert_eq!((time & 0x1f) * 2, 52);
        assert_eq!(dos_date_time(0), (0, (1 << 5) | 1), "before 1980: clamped");
        assert_eq!(dos_date_time(i64::MIN), (0, (1 << 5) | 1));
        assert_eq!(dos_date_time(i64::MAX).1 >> 9, 127);
    }

    #[test]
    fn refuses_paths_that_escape_or_repeat() {
        let mut zip = ZipWriter::new();
        for path in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "a/",
            "./a",
            "a\\b",
            "C:",
            "c:/x",
            "a\nb",
        ] {
            assert_eq!(
                zip.add_file(path, b"x", 0),
                Err(Error::BadPath { path: path.into() }),
                "{path:?}"
            );
        }
        zip.add_file("dir/ok.txt", b"x", 0).unwrap();
        assert_eq!(
            zip.add_file("dir/ok.txt", b"y", 0),
            Err(Error::DuplicatePath {
                path: "dir/ok.txt".into()
            })
        );
    }

    #[test]
    fn empty_archive_is_just_the_end_record() {
        let zip = ZipWriter::new().finish().unwrap();
        assert_eq!(zip.len(), 22);
        assert_eq!(&zip[..4], &END_OF_CENTRAL_DIR.to_le_bytes());
    }
}
