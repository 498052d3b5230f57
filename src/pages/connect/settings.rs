//! The Connection page's Settings card: the platform CA the device trusts,
//! and the settings other MQTT clients need, ready to paste.

use iotda_core::endpoint::{platform_ca, Endpoint, PlatformCa, PLATFORM_CA_FILE};
use iotda_core::text::Message;
use yew::prelude::*;

use super::endpoint::region_name;
use crate::components::copy_button::CopyButton;
use crate::hooks::use_i18n::{use_say, use_texts};
use crate::messages::keys::platform_ca as k;
use crate::store::connect::Settings;

/// Props of [`SettingsCard`].
#[derive(Properties, PartialEq)]
pub struct SettingsCardProps {
    /// The endpoint, when it is valid.
    pub endpoint: Option<Endpoint>,
    /// The settings, when credentials and endpoint are valid.
    pub settings: Option<Settings>,
}

/// The Settings card.
#[component]
pub fn SettingsCard(props: &SettingsCardProps) -> Html {
    let t = use_texts();
    html! {
        <section class="card wide" aria-labelledby="settings-heading">
            <h2 id="settings-heading">{ t.settings() }</h2>
            if let Some(endpoint) = &props.endpoint {
                <PlatformCaNote endpoint={endpoint.clone()} />
            }
            if let Some(settings) = &props.settings {
                <ClientSettings settings={settings.clone()} />
            } else {
                <p class="hint" id="settings-pending">{ t.settings_pending() }</p>
            }
        </section>
    }
}

/// What the device trusts for an endpoint, in words.
fn platform_ca_message(endpoint: &Endpoint) -> Message {
    if !endpoint.transport.is_tls() {
        return Message::new(k::PLAIN);
    }
    let ca = platform_ca(&endpoint.host);
    let message = Message::new(match ca {
        PlatformCa::Basic => k::BASIC,
        PlatformCa::MainlandStandard => k::MAINLAND,
        PlatformCa::International => k::INTERNATIONAL,
        PlatformCa::Local => k::LOCAL,
        PlatformCa::Other => k::OTHER,
    })
    .with("file", PLATFORM_CA_FILE);
    let message = match iotda_core::endpoint::region_of(&endpoint.host) {
        Some(region) => message.with_message("region", region_name(region)),
        None => message,
    };
    match ca.download_page() {
        Some(url) => message.with("url", url),
        None => message,
    }
}

#[derive(Properties, PartialEq)]
struct PlatformCaNoteProps {
    endpoint: Endpoint,
}

/// Which CA certificate the device trusts, and how each client is given it.
#[component]
fn PlatformCaNote(props: &PlatformCaNoteProps) -> Html {
    let t = use_texts();
    let say = use_say();
    let tls = props.endpoint.transport.is_tls();
    let page = platform_ca(&props.endpoint.host)
        .download_page()
        .filter(|_| tls);
    html! {
        <div id="platform-ca">
            <h3>{ t.platform_ca_heading() }</h3>
            <p id="platform-ca-which">{ say.message(&platform_ca_message(&props.endpoint)) }</p>
            if let Some(url) = page {
                <p><a id="platform-ca-link" href={url} target="_blank" rel="noopener noreferrer">{ url }</a></p>
            }
            if tls {
                <p class="hint" id="platform-ca-how">{ say.message(&Message::new(k::HOW).with("file", PLATFORM_CA_FILE)) }</p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ClientSettingsProps {
    settings: Settings,
}

/// The broker URL, the commands and MQTT.fx's profile.
#[component]
fn ClientSettings(props: &ClientSettingsProps) -> Html {
    let t = use_texts();
    let say = use_say();
    let s = &props.settings;
    html! {
        <>
            <p>{ t.broker_url() }<code id="broker-url">{ s.url.clone() }</code></p>
            <h3>{ "mosquitto_pub" }</h3>
            { match &s.mosquitto_pub {
                Ok(cmd) => command_block("mosquitto-cmd", t.mosquitto_command(), cmd),
                Err(why) => html! { <p class="hint" id="mosquitto-cmd-unavailable">{ say.message(why) }</p> },
            } }
            <h3>{ "MQTTX CLI" }</h3>
            { command_block("mqttx-cmd", t.mqttx_command(), &s.mqttx) }
            <h3>{ "iotda-kit" }</h3>
            { match &s.iotda_kit {
                Ok(cmd) => command_block("iotda-kit-cmd", t.iotda_kit_command(), cmd),
                Err(why) => html! { <p class="hint" id="iotda-kit-cmd-unavailable">{ say.message(why) }</p> },
            } }
            <h3>{ t.mqttfx_profile() }</h3>
            <table class="settings-table" id="mqttfx-table">
                <tbody>
                    { for s.mqttfx.iter().map(|(label, value)| if value.is_empty() {
                        // MQTT.fx's password of a certificate device.
                        html! {
                            <tr>
                                <th scope="row">{ *label }</th>
                                <td class="hint">{ t.leave_blank() }</td>
                                <td></td>
                            </tr>
                        }
                    } else {
                        html! {
                            <tr>
                                <th scope="row">{ *label }</th>
                                <td><code>{ value.clone() }</code></td>
                                <td><CopyButton text={value.clone()} what={*label} /></td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </>
    }
}

fn command_block(id: &'static str, what: &'static str, command: &str) -> Html {
    html! {
        <div class="command">
            <pre id={id}><code>{ command.to_owned() }</code></pre>
            <CopyButton text={command.to_owned()} {what} />
        </div>
    }
}
