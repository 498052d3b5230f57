//! The OpenSSL command lines equivalent to each step of the Certificates
//! page, built from the current inputs, for people who want to learn (or
//! script) what the page does. File names follow IoTDA's guide.
//!
//! The results differ from the page's in detail only: the page starts
//! validity five minutes in the past and always writes the extensions
//! IoTDA expects, where `openssl x509 -req` copies OpenSSL's defaults.

use iotda_core::pki::{DEFAULT_VERIFICATION_DAYS, PKCS8_PBKDF2_ITERATIONS};

use super::certs::{common_name, CaMode, CertsState, Step};
use crate::worker::protocol::{Field, KeyChoice, SubjectForm};

/// `text` quoted for a POSIX shell.
pub fn shell_quote(text: &str) -> String {
    if !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/=@+,".contains(&b))
    {
        return text.to_owned();
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A subject in `-subj` form: `/C=CN/O=Org/CN=name`, `/` and `\` escaped.
pub fn subj(fields: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (key, value) in fields {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        out.push('/');
        out.push_str(key);
        out.push('=');
        for c in value.chars() {
            if c == '/' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

fn subject_fields(s: &SubjectForm) -> String {
    let c = s.c.trim().to_ascii_uppercase();
    subj(&[
        ("C", &c),
        ("ST", &s.st),
        ("L", &s.l),
        ("O", &s.o),
        ("OU", &s.ou),
        ("CN", &s.cn),
        ("emailAddress", &s.email),
    ])
}

fn genkey(key: KeyChoice, out: &str) -> String {
    let opts = match key {
        KeyChoice::P256 => "EC -pkeyopt ec_paramgen_curve:P-256",
        KeyChoice::P384 => "EC -pkeyopt ec_paramgen_curve:P-384",
        KeyChoice::Rsa2048 => "RSA -pkeyopt rsa_keygen_bits:2048",
        KeyChoice::Rsa3072 => "RSA -pkeyopt rsa_keygen_bits:3072",
        KeyChoice::Rsa4096 => "RSA -pkeyopt rsa_keygen_bits:4096",
    };
    format!("openssl genpkey -algorithm {opts} -out {out}")
}

/// The CA's key type: the held CA's, else the form's. The verification
/// key is of this type, as the worker makes it (an RSA key of another size
/// gets RSA 2048, anything else P-256).
fn ca_key(state: &CertsState) -> KeyChoice {
    let Some(ca) = &state.results.ca else {
        return state.form.ca_key_type;
    };
    match ca.issued.view.key.as_str() {
        "ECDSA P-384" => KeyChoice::P384,
        "RSA 3072" => KeyChoice::Rsa3072,
        "RSA 4096" => KeyChoice::Rsa4096,
        key if key.starts_with("RSA") => KeyChoice::Rsa2048,
        _ => KeyChoice::P256,
    }
}

/// The digest the CA signs with: SHA-384 for a P-384 CA, else SHA-256.
fn ca_digest(state: &CertsState) -> &'static str {
    if ca_key(state) == KeyChoice::P384 {
        "-sha384"
    } else {
        "-sha256"
    }
}

fn sign(state: &CertsState, name: &str, days: &str) -> String {
    format!(
        "openssl x509 -req -in {name}.csr -CA rootCA.pem -CAkey rootCA.key -CAcreateserial \\\n  \
         -days {days} {} -out {name}.pem",
        ca_digest(state)
    )
}

fn issue(state: &CertsState, name: &str, key: KeyChoice, cn: &str, days: &str) -> String {
    format!(
        "{}\nopenssl req -new -key {name}.key -subj {} -out {name}.csr\n{}",
        genkey(key, &format!("{name}.key")),
        shell_quote(&subj(&[("CN", cn)])),
        sign(state, name, days)
    )
}

fn days_text(text: &str) -> &str {
    let text = text.trim();
    if text.is_empty() {
        "DAYS"
    } else {
        text
    }
}

/// The commands for `step` with the state's current inputs.
pub fn commands(state: &CertsState, step: Step) -> String {
    let form = &state.form;
    match step {
        Step::Ca if form.ca_mode == CaMode::Import => "\
# Is it a CA? Look for CA:TRUE.
openssl x509 -in rootCA.pem -noout -subject -ext basicConstraints
# Do certificate and key match? The two hashes must be equal.
openssl x509 -in rootCA.pem -noout -pubkey | openssl sha256
openssl pkey -in rootCA.key -pubout | openssl sha256"
            .to_owned(),
        Step::Ca => {
            let digest = if form.ca_key_type == KeyChoice::P384 {
                "-sha384"
            } else {
                "-sha256"
            };
            format!(
                "{}\nopenssl req -new -x509 -key rootCA.key {digest} -days {} \\\n  \
                 -subj {} \\\n  \
                 -addext 'basicConstraints=critical,CA:TRUE' \\\n  \
                 -addext 'keyUsage=critical,keyCertSign,cRLSign' \\\n  \
                 -out rootCA.pem",
                genkey(form.ca_key_type, "rootCA.key"),
                days_text(&form.ca_days),
                shell_quote(&subject_fields(&form.subject)),
            )
        }
        Step::Verification => issue(
            state,
            "verificationCert",
            ca_key(state),
            nonempty(&form.code, "VERIFICATION_CODE"),
            &DEFAULT_VERIFICATION_DAYS.to_string(),
        ),
        Step::Device => format!(
            "{}\n# The fingerprint for the console (SHA-256, no colons):\n\
             openssl x509 -in deviceCert.pem -noout -fingerprint -sha256 | sed 's/.*=//; s/://g'",
            issue(
                state,
                "deviceCert",
                form.device_key_type,
                nonempty(&form.device_cn, "NODE_ID"),
                days_text(&form.device_days),
            )
        ),
        Step::Csr => format!(
            "# Check the CSR's signature and subject first:\n\
             openssl req -in deviceCert.csr -noout -verify -subject\n{}",
            sign(state, "deviceCert", days_text(&form.device_days))
        ),
        Step::Pkcs12 => {
            let name = state
                .results
                .device
                .as_ref()
                .and_then(|d| common_name(&d.view.subject))
                .unwrap_or("deviceCert");
            format!(
                "openssl pkcs12 -export -inkey deviceCert.key -in deviceCert.pem{} \\\n  \
                 -name {}{} -out deviceCert.p12",
                if form.p12_chain {
                    " -certfile rootCA.pem"
                } else {
                    ""
                },
                shell_quote(name),
                if form.p12_compat {
                    " \\\n  -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1"
                } else {
                    ""
                },
            )
        }
        Step::KeyExport => format!(
            "openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -iter {PKCS8_PBKDF2_ITERATIONS} \\\n  \
             -in deviceCert.key -out deviceCert.encrypted.key"
        ),
        Step::Inspect => {
            let mut out = "openssl x509 -in cert.pem -noout -text -fingerprint -sha256".to_owned();
            if state.data_given(Field::InspectCa) {
                out.push_str("\n# Signed by the CA?\nopenssl verify -CAfile ca.pem cert.pem");
            }
            if state.data_given(Field::InspectKey) {
                out.push_str(
                    "\n# Does the key match? The two hashes must be equal.\n\
                     openssl x509 -in cert.pem -noout -pubkey | openssl sha256\n\
                     openssl pkey -in key.pem -pubout | openssl sha256",
                );
            }
            out
        }
        Step::Batch => format!(
            "# node_ids.txt: one node ID per line\n\
             echo node_id,fingerprint > fingerprints.csv\n\
             while IFS=, read -r id _; do\n  \
             mkdir -p \"$id\"\n  \
             {}\n  \
             openssl req -new -key \"$id/deviceCert.key\" -subj \"/CN=$id\" -out \"$id/deviceCert.csr\"\n  \
             openssl x509 -req -in \"$id/deviceCert.csr\" -CA rootCA.pem -CAkey rootCA.key -CAcreateserial \\\n    \
             -days {} {} -out \"$id/deviceCert.pem\"\n  \
             printf '%s,%s\\n' \"$id\" \"$(openssl x509 -in \"$id/deviceCert.pem\" -noout -fingerprint -sha256 \\\n    \
             | sed 's/.*=//; s/://g')\" >> fingerprints.csv\n\
             done < node_ids.txt",
            genkey(form.batch_key_type, "\"$id/deviceCert.key\""),
            days_text(&form.batch_days),
            ca_digest(state),
        ),
    }
}

fn nonempty<'a>(text: &'a str, placeholder: &'a str) -> &'a str {
    let text = text.trim();
    if text.is_empty() {
        placeholder
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::certs::CertsForm;

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("/CN=node-1"), "/CN=node-1");
        assert_eq!(shell_quote("/O=Acme Inc"), "'/O=Acme Inc'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("$(rm -rf ~)"), "'$(rm -rf ~)'");
    }

    #[test]
    fn subj_escapes_slashes_and_skips_blanks() {
        assert_eq!(
            subj(&[("C", "CN"), ("O", " "), ("CN", "a/b\\c")]),
            r"/C=CN/CN=a\/b\\c"
        );
    }

    #[test]
    fn ca_command_follows_the_inputs() {
        let mut state = CertsState::restore(Some(CertsForm {
            ca_key_type: KeyChoice::P384,
            ca_days: "3650".into(),
            subject: SubjectForm {
                c: "cn".into(),
                o: "Acme Inc".into(),
                cn: "Acme Root".into(),
                ..SubjectForm::default()
            },
            ..CertsForm::default()
        }));
        let cmd = commands(&state, Step::Ca);
        assert!(
            cmd.starts_with(
                "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out rootCA.key\n"
            ),
            "{cmd}"
        );
        assert!(cmd.contains("-sha384 -days 3650"), "{cmd}");
        // The verification key follows the CA's.
        let verification = commands(&state, Step::Verification);
        assert!(
            verification.contains("ec_paramgen_curve:P-384 -out verificationCert.key"),
            "{verification}"
        );
        assert!(
            cmd.contains("-subj '/C=CN/O=Acme Inc/CN=Acme Root'"),
            "{cmd}"
        );
        state.form.ca_mode = CaMode::Import;
        assert!(commands(&state, Step::Ca).contains("-ext basicConstraints"));
    }

    #[test]
    fn device_and_verification_commands() {
        let state = CertsState::restore(Some(CertsForm {
            device_cn: "node 1".into(),
            device_key_type: KeyChoice::Rsa3072,
            code: "0123456789abcdef".into(),
            ..CertsForm::default()
        }));
        let device = commands(&state, Step::Device);
        assert!(
            device.contains("rsa_keygen_bits:3072 -out deviceCert.key"),
            "{device}"
        );
        assert!(
            device.contains("-subj '/CN=node 1' -out deviceCert.csr"),
            "{device}"
        );
        assert!(
            device.contains("-days 500 -sha256 -out deviceCert.pem"),
            "{device}"
        );
        assert!(device.contains("-fingerprint -sha256"), "{device}");
        let verification = commands(&state, Step::Verification);
        assert!(
            verification.contains("-subj /CN=0123456789abcdef -out verificationCert.csr"),
            "{verification}"
        );
        assert!(
            verification.contains("rsa_keygen_bits:2048 -out verificationCert.key"),
            "{verification}"
        );
        let fresh = commands(&CertsState::default(), Step::Device);
        assert!(fresh.contains("/CN=NODE_ID"), "{fresh}");
    }

    #[test]
    fn export_and_inspect_commands() {
        let mut state = CertsState::default();
        let p12 = commands(&state, Step::Pkcs12);
        assert!(p12.contains("-certfile rootCA.pem"), "{p12}");
        assert!(!p12.contains("3DES"), "{p12}");
        state.form.p12_compat = true;
        state.form.p12_chain = false;
        let p12 = commands(&state, Step::Pkcs12);
        assert!(
            p12.contains("PBE-SHA1-3DES") && !p12.contains("-certfile"),
            "{p12}"
        );
        assert!(commands(&state, Step::KeyExport).contains("-iter 600000"));
        assert!(!commands(&state, Step::Inspect).contains("verify"));
        state.form.inspect_ca = "-----BEGIN CERTIFICATE-----".into();
        assert!(commands(&state, Step::Inspect).contains("openssl verify -CAfile ca.pem cert.pem"));
    }

    #[test]
    fn batch_command_loops_over_the_ids() {
        let state = CertsState::restore(Some(CertsForm {
            batch_key_type: KeyChoice::Rsa2048,
            batch_days: "90".into(),
            ..CertsForm::default()
        }));
        let cmd = commands(&state, Step::Batch);
        assert!(
            cmd.contains("rsa_keygen_bits:2048 -out \"$id/deviceCert.key\""),
            "{cmd}"
        );
        assert!(cmd.contains("-days 90 -sha256"), "{cmd}");
        assert!(cmd.contains("printf '%s,%s\\n'"), "{cmd}");
        assert!(cmd.ends_with("done < node_ids.txt"), "{cmd}");
    }
}
