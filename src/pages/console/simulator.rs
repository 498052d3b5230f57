//! The Console's device simulator: a property report built from the
//! product model and checked before it goes, periodic reports of simulated
//! values with a chart per number, and the device's answers to what the
//! platform asks. The simulator runs in its own worker (see
//! [`crate::worker::sim::Host`]); this card shows its views, keeps
//! what the user types, and publishes what the worker hands back.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use iotda_core::iotda::default_model;
use iotda_core::mqtt::session::Message;
use iotda_core::mqtt::{QoS, TopicName};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::system::{GatewayPanel, OtaPanel};
use crate::components::text_field::TextField;
use crate::hooks::use_i18n::{use_say, use_texts};
use crate::hooks::use_mqtt_client::{
    publish_logged, use_simulator, Delivery, FrameScheduler, Handler, Inbox, SimSession,
};
use crate::hooks::use_workspace::{use_workspace, WorkspaceHandle};
use crate::i18n::Texts;
use crate::messages::keys::{console as said, sim as sim_said};
use crate::messages::Msg;
use crate::messages::Say;
use crate::store::console::{clock_text, MessageLog};
use crate::store::WorkspaceAction;
use crate::web::clock::wall_ms;
use crate::web::mqtt::MqttClient;
use crate::worker::client::SimWorker;
use crate::worker::sim::{
    event_time_text, FieldDef, FieldKind, ReplyField, ReplyForm, SavedSimulator, Settings,
    SimRequest, SimResponse, SimView, Started, Typed, CHART_HEIGHT, CHART_WIDTH,
};
use iotda_core::text::{Message as Said, Say as Words};

/// Props of [`DeviceSimulator`].
#[derive(Properties)]
pub struct SimulatorProps {
    /// The device id of the Connection card.
    pub device_id: String,
    /// The MQTT client, when connected or connecting.
    pub client: Rc<RefCell<Option<MqttClient>>>,
    /// The message log, where what the device sends is shown.
    pub log: Rc<RefCell<MessageLog>>,
    /// Redraws the log.
    pub frames: FrameScheduler,
    /// Filled with this component's message handler.
    pub inbox: Inbox,
}

impl PartialEq for SimulatorProps {
    fn eq(&self, other: &Self) -> bool {
        self.device_id == other.device_id
            && Rc::ptr_eq(&self.client, &other.client)
            && Rc::ptr_eq(&self.inbox, &other.inbox)
    }
}

/// Everything the callbacks need, cloned into each.
#[derive(Clone)]
struct Ctx {
    worker: Rc<RefCell<Option<SimWorker>>>,
    typed: Rc<RefCell<Typed>>,
    client: Rc<RefCell<Option<MqttClient>>>,
    log: Rc<RefCell<MessageLog>>,
    frames: FrameScheduler,
    timer: Rc<RefCell<Option<Interval>>>,
    error: UseStateHandle<Option<Msg>>,
    redraw: Callback<()>,
    say: Say,
    /// The workspace, where the settings are saved.
    workspace: WorkspaceHandle,
}

impl Ctx {
    fn send(&self, request: SimRequest) {
        let sent = match self.worker.borrow().as_ref() {
            Some(w) => w.send(&request),
            None => Err(Said::new(said::NO_SIMULATOR)),
        };
        if let Err(e) = sent {
            self.error.set(Some(Msg(e)));
        }
    }

    /// A change to what the user typed: kept here, then sent.
    fn typed(&self, change: impl FnOnce(&mut Typed) -> SimRequest) {
        let request = {
            let mut typed = self.typed.borrow_mut();
            typed.rev += 1;
            change(&mut typed)
        };
        self.send(request);
        self.redraw.emit(());
    }

    fn settings(&self, change: impl FnOnce(&mut Settings)) {
        self.typed(|t| {
            change(&mut t.settings);
            SimRequest::Settings {
                rev: t.rev,
                settings: t.settings.clone(),
            }
        });
    }

    /// Asks for a report (by hand, or a periodic one) if connected.
    fn report(&self, request: SimRequest) -> bool {
        if self.client.borrow().is_none() {
            self.error.set(Some(Msg(Said::new(said::CONNECT_FIRST))));
            return false;
        }
        self.send(request);
        true
    }

    /// Publishes what the worker hands back (QoS 1) and logs it.
    fn publish(&self, topic: &str, payload: String) -> Result<(), Said> {
        let topic = TopicName::new(topic).map_err(|e| e.message())?;
        let message = Message::new(topic, QoS::AtLeastOnce, payload.into_bytes());
        publish_logged(&self.client, &self.log, &self.frames, message)
    }

    fn stop(&self) {
        self.timer.borrow_mut().take();
        self.redraw.emit(());
    }
}

/// The device simulator card.
#[component]
pub fn DeviceSimulator(props: &SimulatorProps) -> Html {
    let tx = use_texts();
    let say = use_say();
    // The app's: leaving the Console keeps the worker, its device, its
    // requests and its periodic reports.
    let SimSession {
        worker,
        device,
        typed,
        timer,
        started,
        view,
        error,
    } = use_simulator();
    let update = use_force_update();
    let ctx = Ctx {
        worker: worker.clone(),
        typed: typed.clone(),
        client: props.client.clone(),
        log: props.log.clone(),
        frames: props.frames.clone(),
        timer: timer.clone(),
        error: error.clone(),
        redraw: {
            let update = update.clone();
            Callback::from(move |()| update.force_update())
        },
        say,
        workspace: use_workspace(),
    };

    // The worker, and a device of the model for the device id typed above.
    // Coming back to the Console keeps the device (its requests, values and
    // periodic reports) unless the id, the model or the whole work (a
    // profile) changed meanwhile.
    {
        let ctx = ctx.clone();
        let started = started.clone();
        let view = view.clone();
        use_effect_with(props.device_id.clone(), move |id| {
            let workspace = &ctx.workspace;
            let model = workspace.model.as_ref().and_then(|m| m.to_json().ok());
            // No model is the example one (a visit to the Model page saves
            // it, which changes nothing for the device).
            let shown = workspace.model.clone().unwrap_or_else(default_model);
            let key = (id.clone(), shown, workspace.replaced);
            if device.borrow().as_ref() == Some(&key) {
                return;
            }
            *device.borrow_mut() = Some(key);
            ctx.timer.borrow_mut().take();
            if ctx.worker.borrow().is_none() {
                let on_response = on_response(ctx.clone(), started, view);
                match SimWorker::spawn(on_response) {
                    Ok(w) => *ctx.worker.borrow_mut() = Some(w),
                    Err(e) => ctx.error.set(Some(Msg(e))),
                }
            }
            ctx.send(SimRequest::Start {
                model,
                device_id: id.trim().to_owned(),
                saved: workspace
                    .simulator
                    .as_ref()
                    .and_then(|s| serde_json::to_string(s).ok()),
            });
        });
    }
    use_device_inbox(&ctx, &props.inbox, &props.device_id);

    let (Some(s), Some(v)) = (started.as_ref(), view.as_ref()) else {
        return starting_view((tx, say), started.as_deref(), error.as_ref());
    };
    let t = typed.borrow();
    let running = timer.borrow().is_some();

    let settings = &t.settings;

    html! {
        <section class="card wide simulator" aria-labelledby="sim-title">
            <h2 id="sim-title">{ format!("{}: {}", tx.sim_title(), s.device_id) }</h2>
            <p class="hint">
                { format!("{} {} ", tx.sim_model(), s.services) }
                <a href="/model">{ tx.sim_edit_model() }</a>
                { tx.sim_reports_go() }{ " " }<code>{ &s.report_topic }</code>
                { tx.sim_subscribe_hint() }
            </p>
            if let Some(note) = &s.model_note {
                <p class="note">{ say.say(note) }</p>
            }
            { report_view(&ctx, (tx, say), s, v, &t) }
            { periodic_view(&ctx, (tx, say), v, settings, running) }
            { system_view(&ctx, v, settings) }
            if let Some(e) = &*error {
                <p class="field-error" id="sim-error" role="alert">{ say.say(e) }</p>
            }
            { charts_view(say, v) }
            { requests_view(&ctx, (tx, say), v, settings) }
        </section>
    }
}

/// Messages on the device's own topics, and each connection, go to the
/// worker.
#[hook]
fn use_device_inbox(ctx: &Ctx, inbox: &Inbox, device_id: &str) {
    let ctx = ctx.clone();
    let inbox = inbox.clone();
    use_effect_with(device_id.to_owned(), move |id| {
        let prefix = format!("$oc/devices/{}/sys/", id.trim());
        let handler: Handler = Rc::new(move |delivery: Delivery<'_>| match delivery {
            Delivery::Connected => ctx.send(SimRequest::Connected { now_ms: wall_ms() }),
            Delivery::Message { topic, payload } if topic.starts_with(&prefix) => {
                ctx.send(SimRequest::Receive {
                    now_ms: wall_ms(),
                    topic: topic.to_owned(),
                    payload: payload.to_vec(),
                });
            }
            Delivery::Message { .. } => {}
        });
        *inbox.borrow_mut() = Some(handler);
    });
}

/// The card before the worker has a device: starting, or why it cannot.
fn starting_view((tx, say): (&Texts, Say), started: Option<&Started>, error: Option<&Msg>) -> Html {
    let why = started
        .and_then(|s| s.device_error.clone())
        .map(|e| format!("{} {}", tx.sim_needs_device(), say.say(&e)));
    html! {
        <section class="card wide simulator" aria-labelledby="sim-title">
            <h2 id="sim-title">{ tx.sim_title() }</h2>
            <p class="note" id="sim-no-device">
                { why.unwrap_or_else(|| tx.sim_starting().into()) }
            </p>
            if let Some(e) = error {
                <p class="field-error" role="alert">{ say.say(e) }</p>
            }
        </section>
    }
}

/// The report: the model's fields, `event_time`, the preview, its problems
/// and the send buttons.
fn report_view(ctx: &Ctx, (tx, say): (&Texts, Say), s: &Started, v: &SimView, t: &Typed) -> Html {
    let settings = &t.settings;
    let problems = !v.problems.is_empty();
    let on_stamp = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            ctx.settings(|s| s.event_time = on.then(|| event_time_text(wall_ms())));
        })
    };
    let on_event_time = {
        let ctx = ctx.clone();
        Callback::from(move |text: String| ctx.settings(|s| s.event_time = Some(text)))
    };
    let on_now = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| {
            ctx.settings(|s| s.event_time = Some(event_time_text(wall_ms())))
        })
    };
    let on_send = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| {
            ctx.report(SimRequest::Report { now_ms: wall_ms() });
        })
    };
    html! {
        <>
        <h3>{ tx.sim_report() }</h3>
        <div class="report-fields">
            { for s.fields.iter().enumerate().map(|(i, f)| field_input(ctx, tx, t, v, i, f)) }
        </div>
        <label class="choice"><input type="checkbox" id="sim-stamp" checked={settings.event_time.is_some()}
            onchange={on_stamp} />{ " event_time" }</label>
        if let Some(time) = &settings.event_time {
            <TextField id="sim-event-time" label={tx.sim_event_time()} value={time.clone()}
                oninput={on_event_time}>
                <button type="button" class="secondary" id="sim-now" onclick={on_now}>{ tx.now() }</button>
            </TextField>
        }
        <div class="field">
            <label for="sim-preview">{ tx.sim_preview() }</label>
            <pre id="sim-preview" class="mono payload">{ &v.preview }</pre>
        </div>
        if problems {
            <ul id="sim-problems" class="field-error" role="alert">
                { for v.problems.iter().map(|p| html! { <li>{ say.say(p) }</li> }) }
            </ul>
        } else {
            <p class="ok" id="sim-valid">{ tx.sim_valid() }</p>
        }
        <p class="actions">
            <button type="button" id="sim-send" onclick={on_send.clone()} disabled={problems}>{ tx.sim_send() }</button>
            if problems {
                <button type="button" class="secondary" id="sim-send-anyway" onclick={on_send}>
                    { tx.sim_send_anyway() }
                </button>
            }
        </p>
        </>
    }
}

/// Periodic reports: the interval, how values move, start and stop.
fn periodic_view(
    ctx: &Ctx,
    (tx, say): (&Texts, Say),
    v: &SimView,
    settings: &Settings,
    running: bool,
) -> Html {
    let on_interval = {
        let ctx = ctx.clone();
        Callback::from(move |text: String| ctx.settings(|s| s.interval = text))
    };
    let on_walk = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let walk = e.target_unchecked_into::<HtmlSelectElement>().value() == "walk";
            ctx.settings(|s| s.walk = walk);
        })
    };
    let on_periodic = {
        let ctx = ctx.clone();
        let interval = v.interval_ms.clone();
        Callback::from(move |_: MouseEvent| {
            if ctx.timer.borrow().is_some() {
                return ctx.stop();
            }
            let ms = match &interval {
                Ok(ms) => *ms,
                Err(e) => return ctx.error.set(Some(e.clone())),
            };
            let tick = {
                let ctx = ctx.clone();
                move || {
                    if !ctx.report(SimRequest::Tick { now_ms: wall_ms() }) {
                        ctx.stop();
                    }
                }
            };
            if ctx.report(SimRequest::Tick { now_ms: wall_ms() }) {
                *ctx.timer.borrow_mut() = Some(Interval::new(ms, tick));
            }
            ctx.redraw.emit(());
        })
    };
    html! {
        <>
        <h3>{ tx.sim_periodic() }</h3>
        <div class="settings">
            <TextField id="sim-interval" label={tx.sim_every()} value={settings.interval.clone()}
                oninput={on_interval} error={v.interval_ms.as_ref().err().map(|e| say.say(e))} />
            <div class="field">
                <label for="sim-walk">{ tx.sim_values() }</label>
                <select id="sim-walk" onchange={on_walk}>
                    <option value="walk" selected={settings.walk}>{ tx.sim_walk() }</option>
                    <option value="random" selected={!settings.walk}>{ tx.sim_random() }</option>
                </select>
            </div>
        </div>
        <p class="actions">
            <button type="button" id="sim-periodic" onclick={on_periodic}>
                { if running { tx.stop() } else { tx.start() } }
            </button>
            <span class="status" id="sim-periodic-status">
                { if running { tx.sim_running() } else { tx.sim_stopped() } }
            </span>
        </p>
        </>
    }
}

/// The OTA and gateway panels, with what they change sent to the worker.
fn system_view(ctx: &Ctx, v: &SimView, settings: &Settings) -> Html {
    let onsettings = {
        let ctx = ctx.clone();
        Callback::from(move |new: Settings| ctx.settings(|s| *s = new))
    };
    let onadd = {
        let ctx = ctx.clone();
        Callback::from(move |()| ctx.send(SimRequest::AddSubDevice { now_ms: wall_ms() }))
    };
    let ondelete = {
        let ctx = ctx.clone();
        Callback::from(move |device_id: String| {
            ctx.send(SimRequest::DeleteSubDevice {
                device_id,
                now_ms: wall_ms(),
            })
        })
    };
    html! {
        <>
        <OtaPanel view={v.system.clone()} settings={settings.clone()} onsettings={onsettings.clone()} />
        <GatewayPanel view={v.system.clone()} settings={settings.clone()} {onsettings} {onadd} {ondelete} />
        </>
    }
}

/// A small chart of each numeric field's recent values.
fn charts_view(say: Say, v: &SimView) -> Html {
    html! {
        <div class="charts">
            { for v.charts.iter().map(|c| html! {
                <figure class="chart" data-series={c.label.clone()} data-points={c.count.to_string()}>
                    <figcaption><code>{ &c.label }</code>{ " " }{ say.say(&c.caption) }</figcaption>
                    <svg viewBox={format!("0 0 {CHART_WIDTH} {CHART_HEIGHT}")} width={CHART_WIDTH.to_string()}
                        height={CHART_HEIGHT.to_string()} role="img"
                        aria-label={say.message(&over_last(&c.label, c.count))}>
                        <polyline points={c.points.clone()} fill="none" stroke="currentColor" stroke-width="1.5" />
                    </svg>
                </figure>
            }) }
        </div>
    }
}

/// The platform's requests: automatic answers, the answer's fields, and
/// each request with its answer or an Answer button.
fn requests_view(ctx: &Ctx, (tx, say): (&Texts, Say), v: &SimView, settings: &Settings) -> Html {
    let on_auto = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            ctx.settings(|s| s.auto_answer = on);
        })
    };
    let reply_edit = |apply: fn(&mut ReplyForm, String)| {
        let ctx = ctx.clone();
        Callback::from(move |text: String| ctx.settings(|s| apply(&mut s.reply, text)))
    };
    let on_reply_paras = {
        let edit = reply_edit(|f, v| f.paras = v);
        Callback::from(move |e: InputEvent| {
            edit.emit(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let reply_error = |field: ReplyField| {
        v.reply_error
            .as_ref()
            .filter(|(f, _)| *f == field)
            .map(|(_, e)| say.say(e))
    };
    let offset = -(js_sys::Date::new_0().get_timezone_offset() as i64);
    html! {
        <>
        <h3>{ tx.sim_requests() }</h3>
        <label class="choice"><input type="checkbox" id="sim-auto" checked={settings.auto_answer} onchange={on_auto} />
            { " " }{ tx.sim_auto() }</label>
        <div class="settings">
            <TextField id="sim-result-code" label={tx.sim_result_code()} value={settings.reply.result_code.clone()}
                oninput={reply_edit(|f, v| f.result_code = v)} error={reply_error(ReplyField::ResultCode)} />
            <TextField id="sim-response-name" label={tx.sim_response_name()}
                value={settings.reply.response_name.clone()} oninput={reply_edit(|f, v| f.response_name = v)} />
            <div class="field">
                <label for="sim-paras">{ tx.sim_paras() }</label>
                <textarea id="sim-paras" class="mono" rows="2" spellcheck="false" value={settings.reply.paras.clone()}
                    oninput={on_reply_paras} />
                if let Some(e) = reply_error(ReplyField::Paras) {
                    <p class="field-error" id="sim-paras-error">{ e }</p>
                }
            </div>
        </div>
        if v.requests.is_empty() {
            <p class="hint" id="sim-no-requests">{ tx.sim_nothing_yet() }</p>
        }
        <ol id="sim-requests" class="requests" reversed=true>
            { for v.requests.iter().map(|r| {
                let answer = {
                    let ctx = ctx.clone();
                    let seq = r.seq;
                    Callback::from(move |_: MouseEvent| ctx.send(SimRequest::Answer { seq }))
                };
                html! {
                    <li class="item request" data-request-id={r.request_id.clone()}>
                        <h4>
                            { say.say(&r.title) }
                            if let Some(id) = &r.request_id {
                                <span class="badge">{ format!("request_id={id}") }</span>
                            }
                            <span class="hint">{ format!(" {}", clock_text(r.at_ms, offset)) }</span>
                        </h4>
                        <pre class="mono">{ say.say(&r.body) }</pre>
                        if !r.problems.is_empty() {
                            <ul class="field-error">
                                { for r.problems.iter().map(|p| html! { <li>{ say.say(p) }</li> }) }
                            </ul>
                        }
                        if let Some(a) = &r.answered {
                            <p class={classes!("answered", if a.accepted { "ok" } else { "invalid" })}>
                                { tx.sim_answered_on() }{ " " }<code>{ &a.topic }</code>{ ": " }<code>{ &a.payload }</code>
                            </p>
                        } else if r.awaits_answer {
                            <p class="actions"><button type="button" class="answer" onclick={answer}>{ tx.answer() }</button></p>
                        }
                    </li>
                }
            }) }
        </ol>
        </>
    }
}

/// What the card does with the worker's responses: views are shown, their
/// messages published and their settings saved.
fn on_response(
    ctx: Ctx,
    started: UseStateHandle<Option<Rc<Started>>>,
    view: UseStateHandle<Option<Rc<SimView>>>,
) -> Callback<SimResponse> {
    Callback::from(move |response: SimResponse| match response {
        SimResponse::Ready | SimResponse::ZipRead { .. } | SimResponse::Doctor(_) => {}
        SimResponse::Started(s) => {
            if let Some(v) = &s.view {
                ctx.typed.borrow_mut().take(v);
            }
            view.set(s.view.clone().map(Rc::new));
            started.set(Some(Rc::from(s)));
            ctx.error.set(None);
        }
        SimResponse::View(v) => {
            let mut problem = v.error.clone();
            for out in &v.outbox {
                if let Err(e) = ctx.publish(&out.topic, out.payload.clone()) {
                    problem = Some(Msg(e));
                }
            }
            // Bytes, not `from_str`: one serde_json reader type.
            if let Ok(saved) = serde_json::from_slice::<SavedSimulator>(v.saved.as_bytes()) {
                ctx.workspace
                    .dispatch(WorkspaceAction::Simulator(Box::new(saved)));
            }
            ctx.typed.borrow_mut().take(&v);
            ctx.error.set(problem);
            view.set(Some(Rc::from(v)));
        }
        SimResponse::Failed(e) => ctx.error.set(Some(e)),
    })
}

/// The input of one property: typed by its data type, showing what the
/// user typed.
fn field_input(ctx: &Ctx, tx: &Texts, t: &Typed, v: &SimView, i: usize, f: &FieldDef) -> Html {
    let text = t.texts.get(i).cloned().unwrap_or_default();
    let edit = {
        let ctx = ctx.clone();
        move |text: String| {
            ctx.typed(|t| {
                if let Some(slot) = t.texts.get_mut(i) {
                    slot.clone_from(&text);
                }
                SimRequest::Edit {
                    rev: t.rev,
                    field: i,
                    text,
                }
            })
        }
    };
    let on_include = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            ctx.typed(|t| {
                if let Some(slot) = t.include.get_mut(i) {
                    *slot = on;
                }
                SimRequest::Include {
                    rev: t.rev,
                    field: i,
                    on,
                }
            })
        })
    };
    let id = &f.id;
    let input = match &f.kind {
        FieldKind::Boolean => {
            let onchange = Callback::from(move |e: Event| {
                edit(
                    e.target_unchecked_into::<HtmlInputElement>()
                        .checked()
                        .to_string(),
                )
            });
            html! {
                <label class="choice"><input type="checkbox" id={id.clone()} checked={text == "true"}
                    onchange={onchange} />{ format!(" {text}") }</label>
            }
        }
        FieldKind::Choice(list) => {
            let onchange = Callback::from(move |e: Event| {
                edit(e.target_unchecked_into::<HtmlSelectElement>().value())
            });
            html! {
                <select id={id.clone()} onchange={onchange}>
                    { for list.iter().map(|o| html! { <option value={o.clone()} selected={*o == text}>{ o }</option> }) }
                </select>
            }
        }
        kind => {
            let oninput = Callback::from(move |e: InputEvent| {
                edit(e.target_unchecked_into::<HtmlInputElement>().value())
            });
            let (input_type, min, max, step) = match kind {
                FieldKind::Number { min, max, step } => {
                    ("number", min.clone(), max.clone(), Some(step.clone()))
                }
                _ => ("text", None, None, None),
            };
            html! {
                <input type={input_type} id={id.clone()} value={text.clone()} class="mono" {min} {max} {step}
                    aria-describedby={format!("{id}-hint")} {oninput} />
            }
        }
    };
    let error = v.errors.get(i).cloned().flatten();
    html! {
        <div class={classes!("field", "report-field", error.is_some().then_some("invalid"))}>
            <label for={id.clone()}>{ &f.label }</label>
            <div class="control">
                { input }
                <label class="include"><input type="checkbox" id={format!("{id}-include")}
                    checked={t.include.get(i).copied().unwrap_or_default()} onchange={on_include} />{ " " }{ tx.sim_include() }</label>
            </div>
            <span class="hint" id={format!("{id}-hint")}>{ f.hint.iter().map(|h| ctx.say.say(h)).collect::<Vec<_>>().join(" · ") }</span>
            if let Some(e) = error {
                <p class="field-error">{ ctx.say.say(&e) }</p>
            }
        </div>
    }
}

/// A chart's accessible name: its series over the last reports.
fn over_last(label: &str, count: usize) -> Said {
    match count {
        1 => Said::new(sim_said::OVER_LAST_ONE).with("label", label),
        n => Said::new(sim_said::OVER_LAST)
            .with("label", label)
            .with("n", n),
    }
}
