//! The simulator card's OTA and gateway panels: views of what the sim
//! worker's system services hold ([`SystemView`]); the upgrades, the
//! downloads and the sub-device requests run in the worker.

use iotda_core::iotda::UpgradeResult;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::text_field::TextField;
use crate::hooks::use_i18n::{use_say, use_texts};
use crate::worker::sim::{Settings, SystemView, UpgradeView};

/// Props of [`OtaPanel`] and [`GatewayPanel`].
#[derive(Properties, PartialEq)]
pub struct SystemProps {
    /// What the worker shows.
    pub view: SystemView,
    /// The settings as typed.
    pub settings: Settings,
    /// Changed settings.
    pub onsettings: Callback<Settings>,
    /// Asks for one more sub-device.
    #[prop_or_default]
    pub onadd: Callback<()>,
    /// Asks to delete a sub-device (its device id).
    #[prop_or_default]
    pub ondelete: Callback<String>,
}

/// A settings callback that applies `change` to the typed settings.
fn edit(props: &SystemProps, change: fn(&mut Settings, String)) -> Callback<String> {
    let (settings, onsettings) = (props.settings.clone(), props.onsettings.clone());
    Callback::from(move |text: String| {
        let mut s = settings.clone();
        change(&mut s, text);
        onsettings.emit(s);
    })
}

/// Versions, how upgrades end, and the upgrade under way or the last one.
#[component]
pub fn OtaPanel(props: &SystemProps) -> Html {
    let (tx, say) = (use_texts(), use_say());
    let (v, s) = (&props.view, &props.settings);
    let on_fail = {
        let edit = edit(props, |s, code| s.fail_upgrade = code);
        Callback::from(move |e: Event| {
            edit.emit(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let failures = UpgradeResult::ALL
        .into_iter()
        .filter(|r| *r != UpgradeResult::Success);
    html! {
        <section class="ota" aria-labelledby="sim-ota-title">
            <h3 id="sim-ota-title">{ tx.sim_ota() }</h3>
            <div class="settings">
                <TextField id="sim-fw-version" label={tx.sim_fw_version()} value={s.fw_version.clone()}
                    oninput={edit(props, |s, t| s.fw_version = t)} />
                <TextField id="sim-sw-version" label={tx.sim_sw_version()} value={s.sw_version.clone()}
                    oninput={edit(props, |s, t| s.sw_version = t)} />
                <div class="field">
                    <label for="sim-fail-upgrade">{ tx.sim_upgrades() }</label>
                    <select id="sim-fail-upgrade" onchange={on_fail}>
                        <option value="" selected={s.fail_upgrade.is_empty()}>{ tx.sim_upgrade_for_real() }</option>
                        { for failures.map(|r| {
                            let code = r.code().to_string();
                            let text = format!("{} {code}: {}", tx.sim_fail_with(), say.say(&r));
                            html! { <option value={code.clone()} selected={s.fail_upgrade == code}>{ text }</option> }
                        }) }
                    </select>
                </div>
            </div>
            <p id="sim-versions">
                { format!("{} {} · {} {}", tx.sim_fw_version(), v.fw_version, tx.sim_sw_version(), v.sw_version) }
                if let Some(ms) = v.time_offset_ms {
                    <span id="sim-time-offset">{ format!(" · {} {ms:+}", tx.sim_time_offset()) }</span>
                }
            </p>
            <UpgradeLine upgrade={v.upgrade.clone()} />
            if let Some(p) = &v.problem {
                <p class="field-error" id="sim-system-problem">{ say.say(p) }</p>
            }
        </section>
    }
}

/// Props of [`UpgradeLine`].
#[derive(Properties, PartialEq)]
struct UpgradeLineProps {
    upgrade: Option<UpgradeView>,
}

/// The upgrade under way (progress, a bar) or how the last one ended:
/// the version and the result code, named.
#[component]
fn UpgradeLine(props: &UpgradeLineProps) -> Html {
    let (tx, say) = (use_texts(), use_say());
    let Some(u) = &props.upgrade else {
        return html! { <p class="hint" id="sim-upgrade">{ tx.sim_no_upgrade() }</p> };
    };
    let ok = u.code == 0;
    html! {
        <div id="sim-upgrade" class={classes!("upgrade", if ok { "ok" } else { "invalid" })}
            data-code={u.code.to_string()} data-running={u.running.to_string()}
            data-progress={u.progress.map(|p| p.to_string())} data-version={u.version.clone()}>
            <p>
                { if u.running { tx.sim_upgrading() } else { tx.sim_last_upgrade() } }
                { format!(" · {} {}", tx.sim_version(), u.version) }
                if let Some(p) = u.progress {
                    { format!(" · {} {p}% ", tx.sim_progress()) }
                    <progress max="100" value={p.to_string()} aria-label={tx.sim_progress()}></progress>
                }
            </p>
            <p id="sim-upgrade-result">{ format!("{} {}: {}", tx.sim_result(), u.code, say.say(&u.name)) }</p>
            if let Some(e) = &u.download_error {
                <p class="field-error" id="sim-download-error">{ say.say(e) }</p>
            }
        </div>
    }
}

/// The sub-device count and, for a gateway, its sub-devices with their
/// status, an Add button and a Delete button each.
#[component]
pub fn GatewayPanel(props: &SystemProps) -> Html {
    let (tx, say) = (use_texts(), use_say());
    let v = &props.view;
    let on_add = {
        let onadd = props.onadd.clone();
        Callback::from(move |_: MouseEvent| onadd.emit(()))
    };
    let rows = v.sub_devices.iter().map(|r| {
        let on_delete = {
            let (ondelete, id) = (props.ondelete.clone(), r.device_id.clone());
            Callback::from(move |_: MouseEvent| ondelete.emit(id.clone()))
        };
        html! {
            <tr data-device-id={r.device_id.clone()} data-status={r.status.clone()}>
                <td><code>{ &r.device_id }</code></td><td><code>{ &r.node_id }</code></td>
                <td>{ &r.status }</td>
                <td><button type="button" class="secondary delete-sub" onclick={on_delete}>{ tx.remove() }</button></td>
            </tr>
        }
    });
    html! {
        <section class="gateway" aria-labelledby="sim-gateway-title">
            <h3 id="sim-gateway-title">{ tx.sim_gateway() }</h3>
            <TextField id="sim-sub-devices" label={tx.sim_sub_devices()} value={props.settings.sub_devices.clone()}
                oninput={edit(props, |s, t| s.sub_devices = t)} input_type="number"
                error={v.gateway_error.as_ref().map(|e| say.say(e))} />
            if !v.gateway {
                <p class="hint" id="sim-not-gateway">{ tx.sim_not_gateway() }</p>
            } else {
                if v.sub_devices.is_empty() {
                    <p class="hint" id="sim-no-sub-devices">{ tx.sim_no_sub_devices() }</p>
                } else {
                    <table id="sim-sub-devices-table" class="platform-table sub-devices">
                        <thead><tr><th>{ tx.device_id() }</th><th>{ tx.sim_node_id() }</th>
                            <th>{ tx.sim_status() }</th><th>{ tx.remove() }</th></tr></thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                }
                <p class="actions"><button type="button" id="sim-add-sub" onclick={on_add}>{ tx.sim_add_sub_device() }</button></p>
            }
        </section>
    }
}
