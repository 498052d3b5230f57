//! Every file and standard-input read of the CLI, bounded.
//!
//! A path must name a regular file (not `/dev/zero`, a FIFO or a folder),
//! and no input may exceed [`MAX_INPUT`] bytes: the CLI's inputs are
//! certificates, keys, product models, device lists and messages, all far
//! smaller. Reading stops one byte past the limit, so an endless input
//! costs at most that much memory.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::CliError;

/// Most bytes read from one file or from standard input (16 MiB).
pub const MAX_INPUT: u64 = 16 * 1024 * 1024;

/// The bytes of a file the user named; a failure is their input's.
pub fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    let cannot = |e: io::Error| CliError::Usage(format!("cannot read {}: {e}", path.display()));
    // Looked at before opening: opening a FIFO waits for a writer.
    let kind = std::fs::metadata(path).map_err(cannot)?.file_type();
    if !kind.is_file() {
        let what = if kind.is_dir() {
            "a folder"
        } else {
            "not a regular file (a device, pipe or socket)"
        };
        return Err(CliError::Usage(format!(
            "{} is {what}; give the path of a file",
            path.display()
        )));
    }
    let file = File::open(path).map_err(cannot)?;
    read_bounded(file).map_err(|e| match e {
        Bounded::Io(e) => cannot(e),
        Bounded::TooLong => too_long(&path.display().to_string()),
    })
}

/// All of standard input, `what` naming it in errors ("the message").
pub fn read_stdin(what: &str) -> Result<Vec<u8>, CliError> {
    read_bounded(io::stdin().lock()).map_err(|e| match e {
        Bounded::Io(e) => CliError::Failure(format!("cannot read {what} from standard input: {e}")),
        Bounded::TooLong => too_long(&format!("{what} on standard input")),
    })
}

enum Bounded {
    Io(io::Error),
    TooLong,
}

fn read_bounded(reader: impl Read) -> Result<Vec<u8>, Bounded> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_INPUT + 1)
        .read_to_end(&mut bytes)
        .map_err(Bounded::Io)?;
    match bytes.len() as u64 > MAX_INPUT {
        true => Err(Bounded::TooLong),
        false => Ok(bytes),
    }
}

fn too_long(name: &str) -> CliError {
    CliError::Usage(format!(
        "{name} is longer than {} MiB, more than any certificate, key, model, list or message needs; give the right file",
        MAX_INPUT / 1024 / 1024
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An endless reader that counts the bytes taken from it.
    struct Endless<'a>(&'a mut u64);

    impl Read for Endless<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            buf.fill(7);
            *self.0 += buf.len() as u64;
            Ok(buf.len())
        }
    }

    #[test]
    fn an_endless_reader_is_cut_one_byte_past_the_limit() {
        let mut seen = 0u64;
        assert!(matches!(
            read_bounded(Endless(&mut seen)),
            Err(Bounded::TooLong)
        ));
        assert_eq!(seen, MAX_INPUT + 1);
        let exact = io::repeat(1).take(MAX_INPUT);
        assert_eq!(
            read_bounded(exact).ok().map(|b| b.len() as u64),
            Some(MAX_INPUT)
        );
    }
}
