//! The Console's bridge card, shown while the Connection page is in
//! certificate mode: the `iotda-kit bridge` command to run, whether the
//! bridge answers (a WebSocket to it opens: checked when shown, every 3 s
//! until it does, and on "Check again"), and "Connect through the local
//! bridge", which points the form at it (no password) and connects.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Interval;
use iotda_core::text::Message;
use yew::prelude::*;

use crate::components::copy_button::CopyButton;
use crate::components::text_field::TextField;
use crate::hooks::use_i18n::{use_say, use_texts};
use crate::hooks::use_mqtt_client::use_mqtt_client;
use crate::hooks::use_workspace::use_workspace;
use crate::messages::keys::bridge as said;
use crate::store::bridge::{bridge_command, bridge_url, through_bridge, Probe, BRIDGE_PORT};
use crate::store::connect::ConnectState;
use crate::store::console::ConsoleAction;
use crate::web::clock;
use crate::web::ws::{WsEvent, WsTransport};

/// How often the card looks for the bridge until it answers.
const PROBE_MS: u32 = 3_000;

/// Opens a WebSocket to `url` and says in `probe` whether it opened; the
/// socket is closed again at once (the bridge opens no TLS connection
/// before a CONNECT). One probe at a time, in `socket`.
fn start_probe(
    url: &str,
    probe: &UseStateHandle<Probe>,
    seen: &Rc<Cell<Probe>>,
    socket: &Rc<RefCell<Option<WsTransport>>>,
) {
    if socket.borrow().is_some() {
        return;
    }
    let found = {
        let (probe, seen) = (probe.clone(), seen.clone());
        move |found: Probe| {
            seen.set(found);
            probe.set(found);
        }
    };
    let (say, slot) = (found.clone(), socket.clone());
    let on_event: Rc<dyn Fn(WsEvent)> = Rc::new(move |event| {
        say(match event {
            WsEvent::Open => Probe::Running,
            WsEvent::Closed(_) | WsEvent::Refused(_) => Probe::NotRunning,
            WsEvent::Data(_) => return,
        });
        // Dropped here: closed with 1000 if it opened. Deferred, since the
        // socket's own callback is running.
        let slot = slot.clone();
        yew::platform::spawn_local(async move {
            slot.borrow_mut().take();
        });
    });
    match WsTransport::open(url, on_event) {
        Ok(ws) => *socket.borrow_mut() = Some(ws),
        Err(_) => found(Probe::NotRunning),
    }
}

/// The bridge card.
#[component]
pub fn BridgeCard() -> Html {
    let t = use_texts();
    let say = use_say();
    let workspace = use_workspace();
    let session = use_mqtt_client();
    let port = use_state(|| BRIDGE_PORT);
    let port_text = use_state(|| BRIDGE_PORT.to_string());
    let probe = use_state(Probe::default);
    // What the last probe found, for the timer (a state handle it holds
    // would not see later values).
    let seen = (*use_memo((), |_| Rc::new(Cell::new(Probe::Checking)))).clone();
    let socket = use_mut_ref(|| None::<WsTransport>);
    let url = bridge_url(*port);
    {
        let (probe, socket) = (probe.clone(), socket.clone());
        let seen = seen.clone();
        use_effect_with(url.clone(), move |url| {
            let url = url.clone();
            seen.set(Probe::Checking);
            probe.set(Probe::Checking);
            start_probe(&url, &probe, &seen, &socket);
            let interval = Interval::new(PROBE_MS, move || {
                if seen.get() != Probe::Running {
                    start_probe(&url, &probe, &seen, &socket);
                }
            });
            move || drop(interval)
        });
    }
    let on_port = {
        let (port, port_text) = (port.clone(), port_text.clone());
        Callback::from(move |v: String| {
            if let Ok(p) = v.trim().parse::<u16>() {
                if p != 0 {
                    port.set(p);
                }
            }
            port_text.set(v);
        })
    };
    let on_check = {
        let (probe, socket, url) = (probe.clone(), socket.clone(), url.clone());
        Callback::from(move |_: MouseEvent| {
            seen.set(Probe::Checking);
            probe.set(Probe::Checking);
            start_probe(&url, &probe, &seen, &socket);
        })
    };
    let on_use = {
        let (session, connect, port) = (session.clone(), workspace.connect.clone(), *port);
        Callback::from(move |_: MouseEvent| {
            let state = ConnectState::restore(Some(connect.form.clone()), clock::now_hour());
            let login = state.derive().login.ok();
            let form = through_bridge(
                &session.state.form,
                port,
                &connect.form.device_id,
                login.as_ref(),
            );
            session
                .state
                .dispatch(ConsoleAction::Form(Box::new(form.clone())));
            session.connect_with(&form);
        })
    };
    let command = bridge_command(&workspace.connect.form, *port);
    let (class, status) = match *probe {
        Probe::Checking => ("status", t.bridge_checking().to_owned()),
        Probe::Running => (
            "status ok",
            say.message(&Message::new(said::RUNNING).with("url", &url)),
        ),
        Probe::NotRunning => (
            "status invalid",
            say.message(&Message::new(said::NOT_RUNNING).with("url", &url)),
        ),
    };
    html! {
        <div class="bridge" id="console-bridge">
            <h3>{ t.bridge_heading() }</h3>
            <p class="hint">{ t.bridge_intro() }</p>
            <pre class="mono" id="console-bridge-cmd">{ &command }</pre>
            <p class="actions">
                <CopyButton text={command.clone()} what={t.bridge_command()} />
            </p>
            <TextField id="console-bridge-port" label={t.bridge_port()} value={(*port_text).clone()}
                oninput={on_port} />
            <p id="console-bridge-status" class={class} role="status" data-probe={format!("{:?}", *probe)}>{ status }</p>
            <p class="actions">
                <button type="button" id="console-bridge-use" onclick={on_use}>{ t.bridge_use() }</button>
                <button type="button" class="secondary" id="console-bridge-check" onclick={on_check}>{ t.bridge_check() }</button>
            </p>
        </div>
    }
}
