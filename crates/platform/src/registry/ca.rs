//! Device CA certificates: upload (with a verification code), proof of
//! possession by a verification certificate, listing and deletion.

use iotda_core::pki::{verify_signed_by, Certificate, FingerprintAlg};
use rusqlite::{params, OptionalExtension, Row};

use super::{marker_of, Error, Page, Registry, Result};
use crate::directory::CaRecord;

/// How many device CA certificates IoTDA keeps at most.
pub const MAX_CA_CERTIFICATES: i64 = 100;

/// A device CA certificate in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaCertificate {
    /// Its id (24 hex digits).
    pub certificate_id: String,
    /// The subject's CN.
    pub cn_name: Option<String>,
    /// The subject, OpenSSL oneline form.
    pub subject: String,
    /// The issuer, OpenSSL oneline form.
    pub issuer: String,
    /// The code a verification certificate must carry as its CN.
    pub verify_code: String,
    /// Whether possession of its key was proved.
    pub verified: bool,
    /// Validity start, Unix seconds.
    pub not_before: i64,
    /// Validity end, Unix seconds.
    pub not_after: i64,
    /// SHA-256 of the DER, lowercase hex.
    pub sha256: String,
    /// When it was uploaded, Unix seconds.
    pub create_time: i64,
    /// The list's position marker.
    pub marker: String,
}

const COLUMNS: &str = "certificate_id, cn_name, subject, issuer, verify_code, verified, \
    not_before, not_after, sha256, create_time, rowid";

fn from_row(row: &Row<'_>) -> rusqlite::Result<CaCertificate> {
    Ok(CaCertificate {
        certificate_id: row.get(0)?,
        cn_name: row.get(1)?,
        subject: row.get(2)?,
        issuer: row.get(3)?,
        verify_code: row.get(4)?,
        verified: row.get(5)?,
        not_before: row.get(6)?,
        not_after: row.get(7)?,
        sha256: row.get(8)?,
        create_time: row.get(9)?,
        marker: marker_of(row.get(10)?),
    })
}

fn parse(content: &str) -> Result<Certificate> {
    Certificate::parse(content.as_bytes()).map_err(|e| Error::CertificateUnreadable(e.to_string()))
}

impl Registry {
    /// AddCertificate: stores a CA certificate (PEM or DER) with a new
    /// verification code. Refused beyond [`MAX_CA_CERTIFICATES`] and for a
    /// certificate uploaded already.
    pub fn add_ca(&self, content: &str) -> Result<CaCertificate> {
        let cert = parse(content)?;
        let sha256 = cert
            .fingerprint(FingerprintAlg::Sha256, false)
            .to_ascii_lowercase();
        let sha1 = cert
            .fingerprint(FingerprintAlg::Sha1, false)
            .to_ascii_lowercase();
        let record = CaCertificate {
            certificate_id: self.random_hex(24)?,
            cn_name: cert.common_name(),
            subject: cert.subject(),
            issuer: cert.issuer(),
            verify_code: self.random_hex(32)?,
            verified: false,
            not_before: cert.not_before(),
            not_after: cert.not_after(),
            sha256,
            create_time: self.now(),
            marker: String::new(),
        };
        self.write(|tx| {
            let count: i64 =
                tx.query_row("SELECT COUNT(*) FROM ca_certificate", [], |r| r.get(0))?;
            if count >= MAX_CA_CERTIFICATES {
                return Err(Error::CertificateLimit);
            }
            let existing: Option<String> = tx
                .query_row(
                    "SELECT certificate_id FROM ca_certificate WHERE sha256 = ?1",
                    [&record.sha256],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = existing {
                return Err(Error::CertificateExists(id));
            }
            tx.execute(
                "INSERT INTO ca_certificate (certificate_id, der, cn_name, subject, issuer, \
                 not_before, not_after, sha256, sha1, verify_code, verified, create_time) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11)",
                params![
                    record.certificate_id,
                    cert.der(),
                    record.cn_name,
                    record.subject,
                    record.issuer,
                    record.not_before,
                    record.not_after,
                    record.sha256,
                    sha1,
                    record.verify_code,
                    record.create_time,
                ],
            )?;
            Ok(())
        })?;
        self.ca(&record.certificate_id)
    }

    /// One CA certificate.
    pub fn ca(&self, certificate_id: &str) -> Result<CaCertificate> {
        self.lock()
            .query_row(
                &format!("SELECT {COLUMNS} FROM ca_certificate WHERE certificate_id = ?1"),
                [certificate_id],
                from_row,
            )
            .optional()?
            .ok_or_else(|| Error::CertificateNotFound(certificate_id.to_string()))
    }

    /// ListCertificates: the total and one page, newest first.
    pub fn cas(&self, page: &Page) -> Result<(i64, Vec<CaCertificate>)> {
        let below = page.below()?;
        let conn = self.lock();
        let count = conn.query_row("SELECT COUNT(*) FROM ca_certificate", [], |r| r.get(0))?;
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM ca_certificate WHERE rowid < ?1 ORDER BY rowid DESC LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = stmt
            .query_map(params![below, page.limit, page.offset], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((count, rows))
    }

    /// CheckCertificate: `verification` must be a certificate whose CN is
    /// the CA's verification code and which the CA's key signed; then the
    /// CA is marked verified.
    pub fn verify_ca(&self, certificate_id: &str, verification: &str) -> Result<CaCertificate> {
        let (der, code): (Vec<u8>, String) = self
            .lock()
            .query_row(
                "SELECT der, verify_code FROM ca_certificate WHERE certificate_id = ?1",
                [certificate_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| Error::CertificateNotFound(certificate_id.to_string()))?;
        let ca = Certificate::from_der(&der).map_err(|e| Error::Database(e.to_string()))?;
        let proof = parse(verification)?;
        match proof.common_name() {
            Some(cn) if cn == code => {}
            Some(cn) => {
                return Err(Error::VerificationFailed(format!(
                    "the verification certificate's CN is {cn:?}, not the verification code {code}"
                )))
            }
            None => {
                return Err(Error::VerificationFailed(format!(
                "the verification certificate has no CN; it must be the verification code {code}"
            )))
            }
        }
        verify_signed_by(&proof, &ca).map_err(|e| {
            Error::VerificationFailed(format!(
                "the verification certificate was not signed by this CA's key: {e}"
            ))
        })?;
        self.write(|tx| {
            match tx.execute(
                "UPDATE ca_certificate SET verified = 1 WHERE certificate_id = ?1",
                [certificate_id],
            )? {
                0 => Err(Error::CertificateNotFound(certificate_id.to_string())),
                _ => Ok(()),
            }
        })?;
        self.ca(certificate_id)
    }

    /// DeleteCertificate.
    pub fn delete_ca(&self, certificate_id: &str) -> Result<()> {
        self.write(|tx| {
            match tx.execute(
                "DELETE FROM ca_certificate WHERE certificate_id = ?1",
                [certificate_id],
            )? {
                0 => Err(Error::CertificateNotFound(certificate_id.to_string())),
                _ => Ok(()),
            }
        })
    }

    /// The verified CAs, for device access.
    pub(super) fn verified_ca_records(&self) -> Result<Vec<CaRecord>> {
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT certificate_id, der FROM ca_certificate WHERE verified = 1 ORDER BY rowid",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(CaRecord {
                    certificate_id: r.get(0)?,
                    der: r.get(1)?,
                    verified: true,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::registry;
    use super::*;
    use crate::directory::Directory;
    use iotda_core::pki::rand_core::SeedableRng;
    use iotda_core::pki::{
        create_ca, create_verification_cert, KeyType, PrivateKey, Subject, Validity,
    };

    type Rng = rand_chacha::ChaCha20Rng;

    fn ca(rng: &mut Rng, cn: &str) -> (PrivateKey, Certificate) {
        let key = PrivateKey::generate(KeyType::P256, rng).expect("key");
        let subject = Subject {
            common_name: Some(cn.into()),
            ..Subject::default()
        };
        let cert = create_ca(&key, &subject, Validity::new(1_449_000_000, 3650), rng).expect("ca");
        (key, cert)
    }

    #[test]
    fn a_ca_is_verified_only_by_a_certificate_of_its_key_carrying_the_code() {
        let mut rng = Rng::seed_from_u64(7);
        let (key, cert) = ca(&mut rng, "Root");
        let (other_key, other_cert) = ca(&mut rng, "Other");
        let r = registry();
        let rec = r.add_ca(&cert.pem()).expect("upload");
        assert!(!rec.verified);
        assert!(r.verified_cas().expect("list").is_empty());

        let validity = Validity::new(1_449_000_000, 30);
        let wrong_cn = create_verification_cert(&cert, &key, "not-the-code", validity, &mut rng)
            .expect("v")
            .1;
        assert!(matches!(
            r.verify_ca(&rec.certificate_id, &wrong_cn.pem()),
            Err(Error::VerificationFailed(_))
        ));
        let wrong_key = create_verification_cert(
            &other_cert,
            &other_key,
            &rec.verify_code,
            validity,
            &mut rng,
        )
        .expect("v")
        .1;
        assert!(matches!(
            r.verify_ca(&rec.certificate_id, &wrong_key.pem()),
            Err(Error::VerificationFailed(_))
        ));
        let good = create_verification_cert(&cert, &key, &rec.verify_code, validity, &mut rng)
            .expect("v")
            .1;
        assert!(
            r.verify_ca(&rec.certificate_id, &good.pem())
                .expect("verify")
                .verified
        );
        assert_eq!(r.verified_cas().expect("list")[0].der, cert.der());
        assert!(matches!(
            r.add_ca(&cert.pem()),
            Err(Error::CertificateExists(_))
        ));
    }

    #[test]
    fn text_that_is_not_a_certificate_is_refused() {
        assert!(matches!(
            registry().add_ca("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
            Err(Error::CertificateUnreadable(_))
        ));
    }
}
