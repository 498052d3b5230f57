//! Many devices at once: reading the node ids a user pastes or exports from
//! a spreadsheet, issuing one key and certificate per device, and writing
//! the `fingerprints.csv` the console's batch registration takes.
//!
//! The node id becomes the certificate's CN and, in the CLI and the zip, a
//! folder name, so it is held to IoTDA's node id rule (1 to 64 of
//! `A-Z a-z 0-9 _ -`): nothing that could climb out of a folder or confuse
//! a spreadsheet gets through.

use std::collections::HashMap;

use rand_core::CryptoRng;

use crate::text::Key;

use super::{
    create_device_cert, Certificate, Csr, Error, FingerprintAlg, KeyType, PrivateKey, Result,
    Subject, Validity,
};

/// The longest node id IoTDA accepts.
pub const MAX_NODE_ID_LEN: usize = 64;
/// The most devices one batch makes (beyond this, split the list).
pub const MAX_BATCH: usize = 10_000;
/// The header line of `fingerprints.csv`.
pub const FINGERPRINTS_CSV_HEADER: &str = "node_id,fingerprint";

/// Reads node ids, one per line, or a CSV whose first column is the node id.
///
/// Blank lines are skipped, as are a UTF-8 byte order mark and a first line
/// whose first column is a header (`node_id`, `nodeId`, `node id`, `node`).
/// Surrounding spaces and double quotes are removed; CRLF line ends are
/// fine. Every id must follow IoTDA's node id rule and appear once.
/// Errors name the line (1-based) so the user can find it.
pub fn parse_node_ids(text: &str) -> Result<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut ids: Vec<String> = Vec::new();
    let mut first_seen: HashMap<&str, usize> = HashMap::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        let first = line
            .trim()
            .split([',', ';', '\t'])
            .next()
            .unwrap_or_default();
        let id = first.trim().trim_matches('"').trim();
        if id.is_empty() {
            continue;
        }
        if ids.is_empty() && is_header(id) {
            continue;
        }
        check_node_id(id).map_err(|reason| Error::InvalidNodeId {
            line: line_no,
            id: id.chars().take(80).collect(),
            reason,
        })?;
        if let Some(first_line) = first_seen.insert(id, line_no) {
            return Err(Error::DuplicateNodeId {
                id: id.to_string(),
                line: line_no,
                first_line,
            });
        }
        if ids.len() == MAX_BATCH {
            return Err(Error::TooManyNodeIds { max: MAX_BATCH });
        }
        ids.push(id.to_string());
    }
    if ids.is_empty() {
        return Err(Error::NoNodeIds);
    }
    Ok(ids)
}

fn is_header(first_column: &str) -> bool {
    let norm: String = first_column
        .chars()
        .filter(|c| !matches!(c, '_' | ' ' | '-'))
        .flat_map(char::to_lowercase)
        .collect();
    matches!(norm.as_str(), "nodeid" | "node")
}

/// Checks one node id against IoTDA's rule; the reason completes the
/// sentence "the node id ... ".
pub fn check_node_id(id: &str) -> std::result::Result<(), Key> {
    use crate::text::keys::pki as k;
    if id.is_empty() {
        return Err(k::NODE_ID_EMPTY);
    }
    if id.chars().count() > MAX_NODE_ID_LEN {
        return Err(k::NODE_ID_TOO_LONG);
    }
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(k::NODE_ID_CHARS);
    }
    Ok(())
}

/// One device's key, CSR and certificate.
#[derive(Debug, Clone)]
pub struct DeviceBundle {
    /// The node id, also the certificate's CN.
    pub node_id: String,
    /// The device's new private key.
    pub key: PrivateKey,
    /// The CSR made with that key.
    pub csr: Csr,
    /// The certificate the CA issued from the CSR.
    pub cert: Certificate,
}

impl DeviceBundle {
    /// The certificate's SHA-256 fingerprint as the console wants it.
    pub fn fingerprint(&self) -> String {
        self.cert.fingerprint(FingerprintAlg::Sha256, false)
    }
}

/// Makes a key of `key_type` for `node_id` and has the CA issue its
/// certificate (CN = node id), as `iotda-kit cert device` does.
pub fn issue_device<R: CryptoRng + ?Sized>(
    ca_cert: &Certificate,
    ca_key: &PrivateKey,
    node_id: &str,
    key_type: KeyType,
    validity: Validity,
    rng: &mut R,
) -> Result<DeviceBundle> {
    check_device_node_id(node_id)?;
    let key = PrivateKey::generate(key_type, rng)?;
    issue_device_with_key(ca_cert, ca_key, node_id, key, validity, rng)
}

/// Like [`issue_device`] with a key the caller made (for instance by the
/// browser's WebCrypto).
pub fn issue_device_with_key<R: CryptoRng + ?Sized>(
    ca_cert: &Certificate,
    ca_key: &PrivateKey,
    node_id: &str,
    key: PrivateKey,
    validity: Validity,
    rng: &mut R,
) -> Result<DeviceBundle> {
    check_device_node_id(node_id)?;
    let subject = Subject::with_common_name(node_id);
    let (csr, cert) = create_device_cert(ca_cert, ca_key, &key, &subject, validity, rng)?;
    Ok(DeviceBundle {
        node_id: node_id.to_string(),
        key,
        csr,
        cert,
    })
}

/// [`check_node_id`] as the error of a single device (line 1).
fn check_device_node_id(node_id: &str) -> Result<()> {
    check_node_id(node_id).map_err(|reason| Error::InvalidNodeId {
        line: 1,
        id: node_id.chars().take(80).collect(),
        reason,
    })
}

/// `fingerprints.csv`: the header, then one `node_id,fingerprint` line per
/// device, `\n`-terminated. Node ids that passed [`check_node_id`] and hex
/// fingerprints need no CSV quoting.
pub fn fingerprints_csv<'a>(rows: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut csv = format!("{FINGERPRINTS_CSV_HEADER}\n");
    for (id, fingerprint) in rows {
        csv.push_str(id);
        csv.push(',');
        csv.push_str(fingerprint);
        csv.push('\n');
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::{create_ca, verify_signed_by};
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    #[test]
    fn reads_lines_and_csv_first_columns() {
        let text = "\u{feff}node_id,name\r\n\"dev-1\",kitchen\r\n\r\n  dev_2 ;x\n\tdev3\tq\nX9\n";
        assert_eq!(
            parse_node_ids(text).unwrap(),
            ["dev-1", "dev_2", "dev3", "X9"]
        );
        assert_eq!(parse_node_ids("a\nb").unwrap(), ["a", "b"]);
        assert_eq!(parse_node_ids("NodeId\na").unwrap(), ["a"]);
        // Only a first line is a header.
        assert_eq!(
            parse_node_ids("a\nnode").unwrap(),
            ["a", "node"],
            "a later 'node' is an id"
        );
    }

    #[test]
    fn errors_name_the_line() {
        let cases: &[(&str, Error)] = &[
            ("", Error::NoNodeIds),
            ("\n \n,\n", Error::NoNodeIds),
            ("node_id\n", Error::NoNodeIds),
            (
                "ok\n../etc\n",
                Error::InvalidNodeId {
                    line: 2,
                    id: "../etc".into(),
                    reason: crate::text::keys::pki::NODE_ID_CHARS,
                },
            ),
            (
                "a\nb\na\n",
                Error::DuplicateNodeId {
                    id: "a".into(),
                    line: 3,
                    first_line: 1,
                },
            ),
        ];
        for (text, want) in cases {
            assert_eq!(parse_node_ids(text).unwrap_err(), *want, "{text:?}");
        }
        let long = "x".repeat(65);
        let err = parse_node_ids(&long).unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
        assert!(err.to_string().contains("64"), "{err}");
        let many: String = (0..=MAX_BATCH).map(|i| format!("d{i}\n")).collect();
        assert_eq!(
            parse_node_ids(&many).unwrap_err(),
            Error::TooManyNodeIds { max: MAX_BATCH }
        );
    }

    #[test]
    fn issues_devices_signed_by_the_ca_and_lists_fingerprints() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let ca_key = PrivateKey::generate(KeyType::P256, &mut rng).unwrap();
        let validity = Validity::new(1_700_000_000, 30);
        let ca = create_ca(
            &ca_key,
            &Subject::with_common_name("CA"),
            validity,
            &mut rng,
        )
        .unwrap();
        let devices: Vec<DeviceBundle> = ["n1", "n2"]
            .iter()
            .map(|id| issue_device(&ca, &ca_key, id, KeyType::P256, validity, &mut rng).unwrap())
            .collect();
        for d in &devices {
            verify_signed_by(&d.cert, &ca).unwrap();
            assert_eq!(d.cert.common_name().as_deref(), Some(d.node_id.as_str()));
            assert_eq!(d.fingerprint().len(), 64);
        }
        let csv = fingerprints_csv(
            devices
                .iter()
                .map(|d| (d.node_id.as_str(), d.fingerprint()))
                .collect::<Vec<_>>()
                .iter()
                .map(|(id, fp)| (*id, fp.as_str())),
        );
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], FINGERPRINTS_CSV_HEADER);
        assert_eq!(lines[1], format!("n1,{}", devices[0].fingerprint()));
        assert_eq!(lines.len(), 3);
        assert!(matches!(
            issue_device(&ca, &ca_key, "a/b", KeyType::P256, validity, &mut rng),
            Err(Error::InvalidNodeId { .. })
        ));
    }
}
