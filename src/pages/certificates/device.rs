//! Step 3: device certificates, made here or from the device's CSR, and
//! their exports.

use yew::prelude::*;

use super::{bytes, cert_summary, Certs};
use crate::components::download::Download;
use crate::state::certs::{Step, Toggle};
use crate::worker::protocol::Field;

const PEM: &str = "application/x-pem-file";

/// Step 3: a device certificate with its fingerprint, and exports.
pub(super) fn device_card(certs: &Certs) -> Html {
    let state = &certs.state;
    let form = &state.form;
    html! {
        <section class="card wide" id="device-card" aria-labelledby="device-heading">
            <h2 id="device-heading">{ "3. Device certificate" }</h2>
            <p class="hint">
                { "Register the device in the console with X.509 certificate authentication and \
                   paste its fingerprint. The device connects with the key and certificate \
                   (MQTTS, port 8883)." }
            </p>
            { certs.text(Field::DeviceCn, "Node ID (certificate CN)", Some("Usually the device's node ID.")) }
            { certs.key_select(Field::DeviceKeyType, form.device_key_type) }
            { certs.text(Field::DeviceDays, "Valid for (days)", None) }
            { certs.action(Step::Device, "device-create", "Generate key and certificate") }
            if let Some(device) = &state.results.device {
                <div class="result" id="device-result">
                    { cert_summary("device", &device.view, false) }
                    <div class="downloads">
                        <Download id="device-download-cert" filename="deviceCert.pem" mime={PEM}
                            data={bytes(&device.cert_pem)} />
                        if let Some(key) = &device.key_pem {
                            <Download id="device-download-key" filename="deviceCert.key" mime={PEM}
                                data={bytes(key.expose())} />
                        }
                        if let Some(csr) = &device.csr_pem {
                            <Download id="device-download-csr" filename="deviceCert.csr" mime={PEM}
                                data={bytes(csr)} />
                        }
                    </div>
                </div>
            }
            { certs.openssl(Step::Device) }

            <h3>{ "Or sign the device's own CSR" }</h3>
            <p class="hint">{ "The key stays on the device. The certificate uses the validity above." }</p>
            { certs.pem(Field::Csr, "Certificate signing request", "PEM or DER: paste it, choose the file or drop it here.") }
            { certs.action(Step::Csr, "csr-sign", "Sign CSR") }
            { certs.openssl(Step::Csr) }

            <h3>{ "Export for an OS certificate store (PKCS#12)" }</h3>
            { certs.secret(Field::P12Password, "PKCS#12 password", None) }
            { certs.checkbox("p12-compat", Toggle::P12Compat, form.p12_compat,
                "Compatible (3DES / SHA-1), for Windows before 10 1709, old macOS and Java") }
            { certs.checkbox("p12-chain", Toggle::P12Chain, form.p12_chain, "Include the CA certificate") }
            { certs.action(Step::Pkcs12, "p12-create", "Make deviceCert.p12") }
            if let Some(p12) = &state.results.p12 {
                <div class="downloads">
                    <Download id="p12-download" filename="deviceCert.p12" mime="application/x-pkcs12"
                        data={p12.clone()} />
                </div>
            }
            { certs.openssl(Step::Pkcs12) }

            <h3>{ "Encrypted private key" }</h3>
            { certs.secret(Field::KeyPassphrase, "Key passphrase", Some("PKCS#8 with AES-256; takes a second or two.")) }
            { certs.action(Step::KeyExport, "key-export", "Encrypt the key") }
            if let Some(pem) = &state.results.encrypted_key {
                <div class="downloads">
                    <Download id="key-download" filename="deviceCert.encrypted.key" mime={PEM}
                        data={bytes(pem)} />
                </div>
            }
            { certs.openssl(Step::KeyExport) }
        </section>
    }
}
