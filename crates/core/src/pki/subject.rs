//! Certificate subjects as people type them for OpenSSL's `-subj`.
//!
//! ```text
//! /C=CN/ST=GD/L=SZ/O=Org/OU=IoT/CN=name/emailAddress=a@b.c     (OpenSSL -subj)
//! C = CN, ST = GD, O = Org, CN = name                           (openssl x509 -subject)
//! ```
//!
//! Values are checked against the X.520 / PKCS#9 upper bounds (RFC 5280
//! Appendix A): C exactly two letters, ST and L at most 128 characters, O, OU
//! and CN at most 64, emailAddress at most 255 and ASCII. `\` escapes the
//! next character (`\/`, `\,`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Error, Result};

/// X.520 `ub-common-name`, `ub-organization-name`, `ub-organizational-unit-name`.
const UB_NAME: usize = 64;
/// X.520 `ub-locality-name`, `ub-state-name`.
const UB_PLACE: usize = 128;
/// PKCS#9 `pkcs-9-ub-emailAddress`.
const UB_EMAIL: usize = 255;

/// The distinguished name of a certificate or CSR, in the fields IoTDA's
/// guide uses. Empty fields are left out of the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Subject {
    /// `C`: ISO 3166 two-letter country code, e.g. `CN`.
    pub country: Option<String>,
    /// `ST`: state or province.
    pub state: Option<String>,
    /// `L`: locality (city).
    pub locality: Option<String>,
    /// `O`: organization.
    pub organization: Option<String>,
    /// `OU`: organizational unit.
    pub organizational_unit: Option<String>,
    /// `CN`: common name; for a device certificate usually the device or
    /// node id, for the verification certificate the console's code.
    pub common_name: Option<String>,
    /// `emailAddress` (PKCS#9).
    pub email: Option<String>,
}

/// The fields in the order they are written, with their OpenSSL short names.
#[derive(Clone, Copy)]
enum Field {
    Country,
    State,
    Locality,
    Organization,
    OrganizationalUnit,
    CommonName,
    Email,
}

impl Field {
    const ALL: [Field; 7] = [
        Self::Country,
        Self::State,
        Self::Locality,
        Self::Organization,
        Self::OrganizationalUnit,
        Self::CommonName,
        Self::Email,
    ];

    fn short(self) -> &'static str {
        match self {
            Self::Country => "C",
            Self::State => "ST",
            Self::Locality => "L",
            Self::Organization => "O",
            Self::OrganizationalUnit => "OU",
            Self::CommonName => "CN",
            Self::Email => "emailAddress",
        }
    }

    fn from_key(key: &str) -> Option<Self> {
        let k = key.to_ascii_lowercase();
        Some(match k.as_str() {
            "c" | "countryname" => Self::Country,
            "st" | "s" | "stateorprovincename" => Self::State,
            "l" | "localityname" => Self::Locality,
            "o" | "organizationname" => Self::Organization,
            "ou" | "organizationalunitname" => Self::OrganizationalUnit,
            "cn" | "commonname" => Self::CommonName,
            "emailaddress" | "email" | "e" => Self::Email,
            _ => return None,
        })
    }

    fn max_len(self) -> usize {
        match self {
            Self::Country => 2,
            Self::State | Self::Locality => UB_PLACE,
            Self::Organization | Self::OrganizationalUnit | Self::CommonName => UB_NAME,
            Self::Email => UB_EMAIL,
        }
    }

    fn get(self, s: &Subject) -> &Option<String> {
        match self {
            Self::Country => &s.country,
            Self::State => &s.state,
            Self::Locality => &s.locality,
            Self::Organization => &s.organization,
            Self::OrganizationalUnit => &s.organizational_unit,
            Self::CommonName => &s.common_name,
            Self::Email => &s.email,
        }
    }

    fn get_mut(self, s: &mut Subject) -> &mut Option<String> {
        match self {
            Self::Country => &mut s.country,
            Self::State => &mut s.state,
            Self::Locality => &mut s.locality,
            Self::Organization => &mut s.organization,
            Self::OrganizationalUnit => &mut s.organizational_unit,
            Self::CommonName => &mut s.common_name,
            Self::Email => &mut s.email,
        }
    }

    fn validate(self, value: &str) -> Result<()> {
        if value.is_empty() {
            return Err(Error::EmptySubjectValue {
                key: self.short().to_string(),
            });
        }
        if value.chars().any(char::is_control) {
            return Err(Error::SubjectControlChar { key: self.short() });
        }
        match self {
            Self::Country
                if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_alphabetic()) =>
            {
                return Err(Error::InvalidCountry {
                    value: value.to_string(),
                });
            }
            Self::Email if !is_email(value) => {
                return Err(Error::InvalidEmail {
                    value: value.to_string(),
                });
            }
            _ => {}
        }
        let len = value.chars().count();
        if len > self.max_len() {
            return Err(Error::SubjectValueTooLong {
                key: self.short(),
                max: self.max_len(),
                len,
            });
        }
        Ok(())
    }
}

fn is_email(value: &str) -> bool {
    if !value.is_ascii() || value.bytes().any(|b| b.is_ascii_whitespace()) {
        return false;
    }
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

/// Splits `s` at unescaped `sep`, resolving `\x` escapes to `x`.
fn split_escaped(s: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(n) => cur.push(n),
                None => cur.push('\\'),
            }
        } else if c == sep {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    parts
}

impl Subject {
    /// A subject with only a common name.
    pub fn with_common_name(cn: impl Into<String>) -> Self {
        Self {
            common_name: Some(cn.into()),
            ..Self::default()
        }
    }

    /// Parses `/C=CN/O=Org/CN=name` or `C = CN, O = Org, CN = name`, then
    /// [`validate`](Self::validate)s it. The country is upper-cased. An empty
    /// string gives an empty subject.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        let parts = match text.strip_prefix('/') {
            Some(rest) => split_escaped(rest, '/'),
            None => split_escaped(text, ','),
        };
        let mut subject = Subject::default();
        for part in parts {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let (key, value) = part.split_once('=').ok_or_else(|| Error::SubjectSyntax {
                part: part.to_string(),
            })?;
            let (key, value) = (key.trim(), value.trim());
            if key.is_empty() {
                return Err(Error::SubjectSyntax {
                    part: part.to_string(),
                });
            }
            let field = Field::from_key(key).ok_or_else(|| Error::UnknownSubjectKey {
                key: key.to_string(),
            })?;
            let slot = field.get_mut(&mut subject);
            if slot.is_some() {
                return Err(Error::DuplicateSubjectKey {
                    key: field.short().to_string(),
                });
            }
            let value = match field {
                Field::Country => value.to_ascii_uppercase(),
                _ => value.to_string(),
            };
            *slot = Some(value);
        }
        subject.validate()?;
        Ok(subject)
    }

    /// Checks every present field (see the module docs). A missing CN is
    /// fine here; [`validate_for_certificate`](Self::validate_for_certificate)
    /// also requires it.
    pub fn validate(&self) -> Result<()> {
        for field in Field::ALL {
            if let Some(v) = field.get(self) {
                field.validate(v)?;
            }
        }
        Ok(())
    }

    /// [`validate`](Self::validate), and a CN must be present.
    pub fn validate_for_certificate(&self) -> Result<()> {
        self.validate()?;
        if self.common_name.is_none() {
            return Err(Error::MissingCommonName);
        }
        Ok(())
    }

    /// The fields that are present, in certificate order, as
    /// (OpenSSL short name, value).
    pub fn fields(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        Field::ALL
            .into_iter()
            .filter_map(|f| f.get(self).as_deref().map(|v| (f.short(), v)))
    }

    /// The subject as an rcgen name: C as PrintableString, emailAddress as
    /// IA5String, the rest as UTF8String (what OpenSSL 3 writes).
    pub(crate) fn to_rcgen(&self) -> Result<rcgen::DistinguishedName> {
        use rcgen::{DnType, DnValue};
        let mut dn = rcgen::DistinguishedName::new();
        for field in Field::ALL {
            let Some(v) = field.get(self) else { continue };
            let (ty, value) = match field {
                Field::Country => (
                    DnType::CountryName,
                    DnValue::PrintableString(
                        v.as_str()
                            .try_into()
                            .map_err(|_| Error::InvalidCountry { value: v.clone() })?,
                    ),
                ),
                Field::State => (DnType::StateOrProvinceName, DnValue::Utf8String(v.clone())),
                Field::Locality => (DnType::LocalityName, DnValue::Utf8String(v.clone())),
                Field::Organization => (DnType::OrganizationName, DnValue::Utf8String(v.clone())),
                Field::OrganizationalUnit => (
                    DnType::OrganizationalUnitName,
                    DnValue::Utf8String(v.clone()),
                ),
                Field::CommonName => (DnType::CommonName, DnValue::Utf8String(v.clone())),
                Field::Email => (
                    DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1]),
                    DnValue::Ia5String(
                        v.as_str()
                            .try_into()
                            .map_err(|_| Error::InvalidEmail { value: v.clone() })?,
                    ),
                ),
            };
            dn.push(ty, value);
        }
        Ok(dn)
    }
}

impl FromStr for Subject {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl fmt::Display for Subject {
    /// The OpenSSL oneline form, `/C=CN/O=Org/CN=name`, escaping `/` and
    /// `\` in values so that it parses back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (key, value) in self.fields() {
            write!(f, "/{key}=")?;
            for c in value.chars() {
                if c == '/' || c == '\\' {
                    f.write_str("\\")?;
                }
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_openssl_slash_form() {
        let s: Subject = "/C=cn/ST=GD/L=SZ/O=Org/OU=IoT/CN=name/emailAddress=a@b.c"
            .parse()
            .unwrap();
        assert_eq!(s.country.as_deref(), Some("CN"));
        assert_eq!(s.common_name.as_deref(), Some("name"));
        assert_eq!(s.email.as_deref(), Some("a@b.c"));
        assert_eq!(
            s.to_string(),
            "/C=CN/ST=GD/L=SZ/O=Org/OU=IoT/CN=name/emailAddress=a@b.c"
        );
        assert_eq!(s.to_string().parse::<Subject>().unwrap(), s);
    }

    #[test]
    fn parses_comma_form_and_escapes() {
        let s = Subject::parse("C = CN, O = Acme\\, Inc., CN = dev/1").unwrap();
        assert_eq!(s.organization.as_deref(), Some("Acme, Inc."));
        assert_eq!(s.common_name.as_deref(), Some("dev/1"));
        assert_eq!(s.to_string(), "/C=CN/O=Acme, Inc./CN=dev\\/1");
        assert_eq!(s.to_string().parse::<Subject>().unwrap(), s);
        assert_eq!(Subject::parse("").unwrap(), Subject::default());
    }

    #[test]
    fn rejects_bad_subjects() {
        let cases: &[(&str, Error)] = &[
            ("/C=C/CN=x", Error::InvalidCountry { value: "C".into() }),
            ("/C=C1/CN=x", Error::InvalidCountry { value: "C1".into() }),
            (
                "/C=CHN/CN=x",
                Error::InvalidCountry {
                    value: "CHN".into(),
                },
            ),
            (
                &format!("/CN={}", "a".repeat(65)),
                Error::SubjectValueTooLong {
                    key: "CN",
                    max: 64,
                    len: 65,
                },
            ),
            (
                &format!("/L={}", "é".repeat(129)),
                Error::SubjectValueTooLong {
                    key: "L",
                    max: 128,
                    len: 129,
                },
            ),
            ("/XX=1/CN=x", Error::UnknownSubjectKey { key: "XX".into() }),
            ("/CN=", Error::EmptySubjectValue { key: "CN".into() }),
            (
                "/CN=a/CN=b",
                Error::DuplicateSubjectKey { key: "CN".into() },
            ),
            ("/CN", Error::SubjectSyntax { part: "CN".into() }),
            ("/=x", Error::SubjectSyntax { part: "=x".into() }),
            (
                "/emailAddress=nope",
                Error::InvalidEmail {
                    value: "nope".into(),
                },
            ),
            (
                "/emailAddress=a@b",
                Error::InvalidEmail {
                    value: "a@b".into(),
                },
            ),
            (
                "/emailAddress=é@b.c",
                Error::InvalidEmail {
                    value: "é@b.c".into(),
                },
            ),
            ("/CN=a\tb", Error::SubjectControlChar { key: "CN" }),
        ];
        for (text, want) in cases {
            assert_eq!(Subject::parse(text).as_ref(), Err(want), "{text}");
        }
        assert_eq!(
            Subject::parse("/O=x").unwrap().validate_for_certificate(),
            Err(Error::MissingCommonName)
        );
        // 64 characters are fine, counted as characters not bytes.
        assert!(Subject::parse(&format!("/CN={}", "设".repeat(64))).is_ok());
    }
}
