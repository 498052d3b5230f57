//! X.501 names from parsed certificates and CSRs: the OpenSSL oneline text
//! form (`/C=CN/O=Org/CN=name`), and a faithful copy into rcgen's name type
//! for issuing certificates.
//!
//! rcgen's `DistinguishedName` holds one value per attribute type and one
//! attribute per RDN, so names with repeated types (two OUs) or multi-valued
//! RDNs (`CN=a+UID=b`) cannot be reproduced; they are refused with
//! [`Error::UnsupportedName`] rather than silently changed, because the
//! issuer of a certificate must equal its CA's subject byte for byte.

use der::asn1::ObjectIdentifier;
use der::{Tag, Tagged};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::Name;

use crate::text::Key;

use super::{Error, Result};

const SHORT_NAMES: &[(&str, &str)] = &[
    ("2.5.4.6", "C"),
    ("2.5.4.8", "ST"),
    ("2.5.4.7", "L"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.3", "CN"),
    ("1.2.840.113549.1.9.1", "emailAddress"),
    ("2.5.4.5", "serialNumber"),
    ("2.5.4.4", "SN"),
    ("2.5.4.42", "GN"),
    ("2.5.4.12", "title"),
    ("2.5.4.9", "street"),
    ("2.5.4.17", "postalCode"),
    ("2.5.4.15", "businessCategory"),
    ("2.5.4.46", "dnQualifier"),
    ("2.5.4.65", "pseudonym"),
    ("2.5.4.97", "organizationIdentifier"),
    ("0.9.2342.19200300.100.1.25", "DC"),
    ("0.9.2342.19200300.100.1.1", "UID"),
];

/// OpenSSL's short name for an attribute type, else the dotted OID.
fn short_name(oid: &ObjectIdentifier) -> String {
    let dotted = oid.to_string();
    match SHORT_NAMES.iter().find(|(o, _)| *o == dotted) {
        Some((_, n)) => (*n).to_string(),
        None => dotted,
    }
}

/// The attribute value as text: string types decoded, anything else as
/// `#hex` of its DER (as OpenSSL does for unknown types).
fn value_text(atv: &AttributeTypeAndValue) -> String {
    let v = &atv.value;
    let bytes = v.value();
    match v.tag() {
        Tag::Utf8String => String::from_utf8_lossy(bytes).into_owned(),
        Tag::PrintableString | Tag::Ia5String | Tag::VisibleString | Tag::NumericString => {
            bytes.iter().map(|&b| char::from(b)).collect()
        }
        // T.61 in practice holds Latin-1.
        Tag::TeletexString => bytes.iter().map(|&b| char::from(b)).collect(),
        Tag::BmpString => {
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|c| match c {
                    [a, b] => u16::from_be_bytes([*a, *b]),
                    _ => 0xFFFD,
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => {
            let der = der::Encode::to_der(v).unwrap_or_default();
            format!("#{}", crate::hex::upper(&der, false))
        }
    }
}

/// The OpenSSL oneline form: `/C=CN/ST=GD/O=Org/CN=name`. Control
/// characters are shown as `\xHH`.
pub(crate) fn oneline(name: &Name) -> String {
    let mut out = String::new();
    for atv in name.iter() {
        out.push('/');
        out.push_str(&short_name(&atv.oid));
        out.push('=');
        for c in value_text(atv).chars() {
            if c.is_control() {
                out.push_str(&format!("\\x{:02X}", u32::from(c)));
            } else {
                out.push(c);
            }
        }
    }
    out
}

/// The common name (first CN), if any.
pub(crate) fn common_name(name: &Name) -> Option<String> {
    let cn = ObjectIdentifier::new_unwrap("2.5.4.3");
    name.iter().find(|a| a.oid == cn).map(value_text)
}

/// Copies `name` into an rcgen name that encodes to the same DER, or
/// explains why that is impossible. The caller still compares the encoded
/// result, since rcgen re-encodes every value.
pub(crate) fn to_rcgen(name: &Name) -> Result<rcgen::DistinguishedName> {
    use crate::text::keys::pki as k;
    use rcgen::{DnType, DnValue};
    let unsupported = |reason: Key| Error::UnsupportedName {
        name: oneline(name),
        reason,
    };
    let mut dn = rcgen::DistinguishedName::new();
    for rdn in name.iter_rdn() {
        if rdn.len() != 1 {
            return Err(unsupported(k::NAME_MULTI_VALUED));
        }
        for atv in rdn.iter() {
            let arcs: Vec<u64> = atv.oid.arcs().map(u64::from).collect();
            let ty = DnType::from_oid(&arcs);
            if dn.get(&ty).is_some() {
                return Err(unsupported(k::NAME_TWICE));
            }
            let bytes = atv.value.value();
            let text = || {
                std::str::from_utf8(bytes)
                    .map(str::to_string)
                    .map_err(|_| unsupported(k::NAME_NOT_TEXT))
            };
            let value = match atv.value.tag() {
                Tag::Utf8String => DnValue::Utf8String(text()?),
                Tag::PrintableString => DnValue::PrintableString(
                    text()?
                        .try_into()
                        .map_err(|_| unsupported(k::NAME_PRINTABLE))?,
                ),
                Tag::Ia5String => {
                    DnValue::Ia5String(text()?.try_into().map_err(|_| unsupported(k::NAME_IA5))?)
                }
                Tag::TeletexString => DnValue::TeletexString(
                    text()?
                        .try_into()
                        .map_err(|_| unsupported(k::NAME_TELETEX))?,
                ),
                Tag::BmpString => DnValue::BmpString(
                    rcgen::string::BmpString::from_utf16be(bytes.to_vec())
                        .map_err(|_| unsupported(k::NAME_BMP))?,
                ),
                _ => return Err(unsupported(k::NAME_STRING_TYPE)),
            };
            dn.push(ty, value);
        }
    }
    Ok(dn)
}
