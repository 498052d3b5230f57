//! Step 3: device certificates, made here or from the device's CSR, and
//! their exports.

use yew::prelude::*;

use super::{bytes, cert_summary, Certs};
use crate::components::download::Download;
use crate::store::certs::{Step, Toggle};
use crate::worker::protocol::Field;

const PEM: &str = "application/x-pem-file";

/// Step 3: a device certificate with its fingerprint, and exports.
pub(super) fn device_card(certs: &Certs) -> Html {
    let state = &certs.state;
    let form = &state.form;
    let t = certs.t;
    html! {
        <section class="card wide" id="device-card" aria-labelledby="device-heading">
            <h2 id="device-heading">{ t.device_title() }</h2>
            <p class="hint">{ t.device_intro() }</p>
            { certs.text(Field::DeviceCn, t.node_id_cn(), Some(t.node_id_cn_hint())) }
            { certs.key_select(Field::DeviceKeyType, form.device_key_type) }
            { certs.text(Field::DeviceDays, t.valid_days(), None) }
            { certs.action(Step::Device, "device-create", t.device_create()) }
            if let Some(device) = &state.results.device {
                <div class="result" id="device-result">
                    { cert_summary(t, "device", &device.view, false) }
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

            <h3>{ t.csr_title() }</h3>
            <p class="hint">{ t.csr_intro() }</p>
            { certs.pem_file(Field::Csr, t.csr()) }
            { certs.action(Step::Csr, "csr-sign", t.csr_sign()) }
            { certs.openssl(Step::Csr) }

            <h3>{ t.p12_title() }</h3>
            { certs.secret(Field::P12Password, t.p12_password(), None) }
            { certs.checkbox("p12-compat", Toggle::P12Compat, form.p12_compat, t.p12_compat()) }
            { certs.checkbox("p12-chain", Toggle::P12Chain, form.p12_chain, t.p12_chain()) }
            { certs.action(Step::Pkcs12, "p12-create", t.p12_create()) }
            if let Some(p12) = &state.results.p12 {
                <div class="downloads">
                    <Download id="p12-download" filename="deviceCert.p12" mime="application/x-pkcs12"
                        data={p12.clone()} />
                </div>
            }
            { certs.openssl(Step::Pkcs12) }

            <h3>{ t.encrypted_key_title() }</h3>
            { certs.secret(Field::KeyPassphrase, t.key_passphrase(), Some(t.key_export_hint())) }
            { certs.action(Step::KeyExport, "key-export", t.key_export()) }
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
