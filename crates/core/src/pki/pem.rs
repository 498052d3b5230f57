//! A forgiving PEM reader and a plain PEM writer (RFC 7468).
//!
//! ```text
//! anything (ignored)
//! -----BEGIN LABEL-----
//! Optional-Header: value        (legacy OpenSSL encryption; rejected if ENCRYPTED)
//!
//! base64, any line width, CRLF or LF, blank lines and spaces ignored
//! -----END LABEL-----
//! anything (ignored)
//! ```
//!
//! Pasted PEM is often re-wrapped (76 columns from some mail clients and
//! Windows tools), has CRLF line endings or stray text around it. OpenSSL
//! reads all of that, so we do too: we strip all whitespace from the body and
//! decode the base64 in one piece instead of insisting on 64 columns as
//! `pem-rfc7468` does.

use base64ct::{Base64, Encoding};

use crate::text::Key;

use super::{Error, Result};

/// One decoded PEM block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    /// The label, e.g. `CERTIFICATE`.
    pub label: String,
    /// The decoded body.
    pub der: Vec<u8>,
}

/// Whether `input` contains a PEM BEGIN line (so should be read as PEM).
pub(crate) fn looks_like_pem(input: &[u8]) -> bool {
    input.windows(11).any(|w| w == b"-----BEGIN ")
}

/// Whether `input` is empty or only whitespace.
pub(crate) fn is_blank(input: &[u8]) -> bool {
    input.iter().all(u8::is_ascii_whitespace)
}

/// Parses the label out of a `-----BEGIN X-----` or `-----END X-----` line.
fn boundary<'a>(line: &'a [u8], kind: &[u8]) -> Option<&'a [u8]> {
    let rest = line.strip_prefix(b"-----")?.strip_prefix(kind)?;
    let rest = rest.strip_prefix(b" ")?;
    rest.strip_suffix(b"-----")
}

fn trim(mut line: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = line {
        if first.is_ascii_whitespace() {
            line = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = line {
        if last.is_ascii_whitespace() {
            line = rest;
        } else {
            break;
        }
    }
    line
}

fn label_string(label: &[u8]) -> String {
    String::from_utf8_lossy(label).into_owned()
}

/// Decodes every PEM block in `input`, in order. Text outside blocks is
/// ignored. An error in any block is returned as is.
pub(crate) fn parse_all(input: &[u8]) -> Result<Vec<Block>> {
    let mut blocks = Vec::new();
    let mut lines = input.split(|&b| b == b'\n').map(trim);
    while let Some(line) = lines.next() {
        let Some(label) = boundary(line, b"BEGIN") else {
            continue;
        };
        let label = label_string(label);
        let mut body = Vec::new();
        let mut in_headers = true;
        let mut ended = false;
        for line in lines.by_ref() {
            if let Some(end) = boundary(line, b"END") {
                if end != label.as_bytes() {
                    return Err(Error::PemMismatchedEnd {
                        begin: label,
                        end: label_string(end),
                    });
                }
                ended = true;
                break;
            }
            if boundary(line, b"BEGIN").is_some() {
                // A new block starts before this one ended: this one was cut off.
                break;
            }
            if in_headers {
                if line.contains(&b':') {
                    if line.starts_with(b"Proc-Type:") && line.ends_with(b"ENCRYPTED") {
                        return Err(Error::LegacyEncryptedPem { label });
                    }
                    continue;
                }
                in_headers = false;
            }
            body.extend(line.iter().filter(|b| !b.is_ascii_whitespace()));
        }
        if !ended {
            return Err(Error::PemMissingEnd { label });
        }
        let text = std::str::from_utf8(&body).map_err(|_| Error::PemBase64 {
            label: label.clone(),
        })?;
        let der = Base64::decode_vec(text).map_err(|_| Error::PemBase64 {
            label: label.clone(),
        })?;
        blocks.push(Block { label, der });
    }
    Ok(blocks)
}

/// Encodes `der` as a PEM block with 64-column lines and LF line endings.
pub(crate) fn encode(label: &str, der: &[u8]) -> String {
    let b64 = Base64::encode_string(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    // base64 is ASCII, so splitting at any byte offset is a char boundary.
    let mut rest = b64.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.push_str(line);
        out.push('\n');
        rest = tail;
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// Finds the first block whose label is in `labels`, skipping those in
/// `skip`. With no blocks at all, [`Error::NoPem`]; with only other blocks,
/// [`Error::WrongPemLabel`] naming the first of them.
pub(crate) fn find<'a>(
    blocks: &'a [Block],
    labels: &[&str],
    skip: &[&str],
    pem_label: &'static str,
    expected: Key,
) -> Result<&'a Block> {
    if let Some(b) = blocks.iter().find(|b| labels.contains(&b.label.as_str())) {
        return Ok(b);
    }
    match blocks.iter().find(|b| !skip.contains(&b.label.as_str())) {
        Some(other) => Err(Error::WrongPemLabel {
            expected,
            found: other.label.clone(),
        }),
        None => Err(Error::NoPem {
            expected: pem_label,
        }),
    }
}

/// For input that is not PEM: the bytes to read as DER, or
/// [`Error::NoPem`] if they are text (a DER object starts with a SEQUENCE
/// tag, 0x30, which text never does), since a badly copied PEM is far more
/// likely than a DER file that happens to be text.
pub(crate) fn der_input<'a>(input: &'a [u8], pem_label: &'static str) -> Result<&'a [u8]> {
    if input.first() != Some(&0x30) && std::str::from_utf8(input).is_ok() {
        return Err(Error::NoPem {
            expected: pem_label,
        });
    }
    Ok(input)
}

/// Parses PEM text into blocks, mapping "no text at all" and "no blocks" to
/// the right errors.
pub(crate) fn parse_text(input: &[u8], pem_label: &'static str) -> Result<Vec<Block>> {
    if is_blank(input) {
        return Err(Error::EmptyInput);
    }
    let blocks = parse_all(input)?;
    if blocks.is_empty() {
        return Err(Error::NoPem {
            expected: pem_label,
        });
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "MAMCAQE="; // SEQUENCE { INTEGER 1 }

    #[test]
    fn round_trip_and_wrapping() {
        let der: Vec<u8> = (0u8..=200).collect();
        let pem = encode("CERTIFICATE", &der);
        assert!(pem.lines().all(|l| l.len() <= 64));
        let blocks = parse_all(pem.as_bytes()).unwrap();
        assert_eq!(
            blocks,
            vec![Block {
                label: "CERTIFICATE".into(),
                der: der.clone()
            }]
        );

        // 76 columns, CRLF, indentation and junk around it.
        let b64 = Base64::encode_string(&der);
        let mut text = String::from("junk line\r\n\r\n  -----BEGIN CERTIFICATE-----  \r\n");
        for chunk in b64.as_bytes().chunks(76) {
            text.push_str(std::str::from_utf8(chunk).unwrap());
            text.push_str("\r\n");
        }
        text.push_str("-----END CERTIFICATE-----\r\ntrailing junk");
        assert_eq!(parse_all(text.as_bytes()).unwrap()[0].der, der);
    }

    #[test]
    fn errors() {
        let missing_end = format!("-----BEGIN CERTIFICATE-----\n{BODY}\n");
        assert_eq!(
            parse_all(missing_end.as_bytes()),
            Err(Error::PemMissingEnd {
                label: "CERTIFICATE".into()
            })
        );
        let mismatched =
            format!("-----BEGIN CERTIFICATE-----\n{BODY}\n-----END PRIVATE KEY-----\n");
        assert_eq!(
            parse_all(mismatched.as_bytes()),
            Err(Error::PemMismatchedEnd {
                begin: "CERTIFICATE".into(),
                end: "PRIVATE KEY".into()
            })
        );
        let bad = "-----BEGIN CERTIFICATE-----\nMAMCAQ\n-----END CERTIFICATE-----\n";
        assert_eq!(
            parse_all(bad.as_bytes()),
            Err(Error::PemBase64 {
                label: "CERTIFICATE".into()
            })
        );
        let legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nMAMCAQE=\n-----END RSA PRIVATE KEY-----\n";
        assert_eq!(
            parse_all(legacy.as_bytes()),
            Err(Error::LegacyEncryptedPem {
                label: "RSA PRIVATE KEY".into()
            })
        );
        assert_eq!(
            parse_text(b" \r\n\t", "CERTIFICATE"),
            Err(Error::EmptyInput)
        );
        assert_eq!(
            parse_text(b"hello", "CERTIFICATE"),
            Err(Error::NoPem {
                expected: "CERTIFICATE"
            })
        );
    }
}
