//! The Console's device simulator: a property report built from the
//! product model and checked before it goes, periodic reports of simulated
//! values with a chart per number, and the device's answers to what the
//! platform asks (see [`crate::state::simulator`] for the logic).

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use iotda_core::iotda::{DataType, Simulation};
use iotda_core::mqtt::session::Message;
use iotda_core::mqtt::{QoS, TopicName};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::{publish_logged, wall_ms, FrameScheduler};
use crate::components::text_field::TextField;
use crate::state::console::{clock_text, MessageLog};
use crate::state::model::MODEL_STORAGE_KEY;
use crate::state::simulator::{
    saved_model, Field, ReplyField, ReplyForm, SavedSimulator, Series, Simulator,
    SIMULATOR_STORAGE_KEY,
};
use crate::web::mqtt::{random_seed, MqttClient};
use crate::web::storage;

/// Takes a message that arrived: its topic and payload.
pub type Handler = Rc<dyn Fn(&str, &[u8])>;

/// Where the page hands the simulator each message that arrives.
pub type Inbox = Rc<RefCell<Option<Handler>>>;

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
    sim: Rc<RefCell<Option<Simulator>>>,
    client: Rc<RefCell<Option<MqttClient>>>,
    log: Rc<RefCell<MessageLog>>,
    frames: FrameScheduler,
    error: UseStateHandle<Option<String>>,
    redraw: Callback<()>,
}

impl Ctx {
    /// Changes the simulator, saves its settings and redraws.
    fn change(&self, f: impl FnOnce(&mut Simulator)) {
        if let Some(sim) = self.sim.borrow_mut().as_mut() {
            f(sim);
            if let Err(e) = storage::save(SIMULATOR_STORAGE_KEY, &sim.saved()) {
                self.error.set(Some(e));
            }
        }
        self.redraw.emit(());
    }

    /// Publishes `payload` on `topic` (QoS 1) and logs it.
    fn publish(&self, topic: &str, payload: Vec<u8>) -> Result<(), String> {
        let topic = TopicName::new(topic).map_err(|e| e.to_string())?;
        let message = Message::new(topic, QoS::AtLeastOnce, payload);
        publish_logged(&self.client, &self.log, &self.frames, message)
    }

    /// Sends the report the fields make now.
    fn send_report(&self, payload: String) {
        let topic = match self.sim.borrow().as_ref() {
            Some(sim) => sim.report_topic(),
            None => return,
        };
        match self.publish(&topic, payload.clone().into_bytes()) {
            Ok(()) => {
                self.error.set(None);
                self.change(|sim| sim.sent(wall_ms(), &payload));
            }
            Err(e) => self.error.set(Some(e)),
        }
    }

    /// Answers request `seq` and publishes the answer.
    fn answer(&self, seq: u64) {
        let answered = self.sim.borrow_mut().as_mut().map(|sim| sim.answer(seq));
        let result = match answered {
            Some(Ok(up)) => self.publish(&up.topic.to_string(), up.payload),
            Some(Err(e)) => Err(e),
            None => Ok(()),
        };
        self.error.set(result.err());
        self.change(|_| {});
    }
}

/// The device simulator card.
#[component]
pub fn DeviceSimulator(props: &SimulatorProps) -> Html {
    let sim = use_mut_ref(|| None::<Simulator>);
    let model = use_memo((), |_| {
        let text = storage::load::<serde_json::Value>(MODEL_STORAGE_KEY)
            .ok()
            .flatten()
            .map(|v| v.to_string());
        saved_model(text.as_deref())
    });
    let device_error = use_state(|| None::<String>);
    let error = use_state(|| None::<String>);
    let update = use_force_update();
    let timer = use_mut_ref(|| None::<Interval>);
    let rng = use_mut_ref(|| ChaCha20Rng::seed_from_u64(random_seed()));
    let ctx = Ctx {
        sim: sim.clone(),
        client: props.client.clone(),
        log: props.log.clone(),
        frames: props.frames.clone(),
        error: error.clone(),
        redraw: {
            let update = update.clone();
            Callback::from(move |()| update.force_update())
        },
    };

    // A device of the model for the device id typed above.
    {
        let sim = sim.clone();
        let model = model.clone();
        let device_error = device_error.clone();
        let update = update.clone();
        let timer = timer.clone();
        use_effect_with(props.device_id.clone(), move |id| {
            timer.borrow_mut().take();
            match Simulator::new(model.0.clone(), id.trim()) {
                Ok(mut s) => {
                    if let Ok(Some(saved)) = storage::load::<SavedSimulator>(SIMULATOR_STORAGE_KEY)
                    {
                        s.restore(&saved);
                    }
                    *sim.borrow_mut() = Some(s);
                    device_error.set(None);
                }
                Err(e) => {
                    *sim.borrow_mut() = None;
                    device_error.set(Some(e.to_string()));
                }
            }
            update.force_update();
        });
    }
    // Messages from the platform: listed, and answered when automatic.
    {
        let ctx = ctx.clone();
        let inbox = props.inbox.clone();
        use_effect_with((), move |_| {
            let handler: Handler = Rc::new(move |topic: &str, payload: &[u8]| {
                let received = ctx.sim.borrow_mut().as_mut().map(|sim| {
                    let before = sim.requests.back().map(|r| r.seq);
                    let answer = sim.receive(wall_ms(), topic, payload);
                    (before != sim.requests.back().map(|r| r.seq), answer)
                });
                let Some((listed, answer)) = received else {
                    return;
                };
                if let Some(up) = answer {
                    if let Err(e) = ctx.publish(&up.topic.to_string(), up.payload) {
                        ctx.error.set(Some(e));
                    }
                }
                if listed {
                    ctx.redraw.emit(());
                }
            });
            *inbox.borrow_mut() = Some(handler);
            move || {
                inbox.borrow_mut().take();
            }
        });
    }
    // Leaving the page stops periodic reports.
    {
        let timer = timer.clone();
        use_effect_with((), move |_| move || drop(timer.borrow_mut().take()));
    }

    let guard = sim.borrow();
    let Some(s) = guard.as_ref() else {
        return html! {
            <section class="card wide" aria-labelledby="sim-title">
                <h2 id="sim-title">{ "Device simulator" }</h2>
                <p class="note" id="sim-no-device">
                    { "Type the device id in the Connection card to simulate this device: " }
                    { device_error.as_deref().unwrap_or_default() }
                </p>
            </section>
        };
    };
    let preview = s.preview();
    let running = timer.borrow().is_some();

    let on_edit = |i: usize| {
        let ctx = ctx.clone();
        Callback::from(move |v: String| ctx.change(|sim| sim.edit(i, v)))
    };
    let on_include = |i: usize| {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            ctx.change(|sim| sim.include(i, on));
        })
    };
    let on_bool = |i: usize| {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            ctx.change(|sim| sim.edit(i, on.to_string()));
        })
    };
    let on_choice = |i: usize| {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            ctx.change(|sim| sim.edit(i, v));
        })
    };
    let on_stamp = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            ctx.change(|sim| {
                if on {
                    sim.stamp(wall_ms());
                } else {
                    sim.event_time = None;
                }
            });
        })
    };
    let on_event_time = {
        let ctx = ctx.clone();
        Callback::from(move |v: String| ctx.change(|sim| sim.event_time = Some(v)))
    };
    let on_now = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| ctx.change(|sim| sim.stamp(wall_ms())))
    };
    let on_send = {
        let ctx = ctx.clone();
        let payload = preview.payload.clone();
        Callback::from(move |_: MouseEvent| ctx.send_report(payload.clone()))
    };
    let on_interval = {
        let ctx = ctx.clone();
        Callback::from(move |v: String| ctx.change(|sim| sim.interval = v))
    };
    let on_walk = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let walk = e.target_unchecked_into::<HtmlSelectElement>().value() == "walk";
            ctx.change(|sim| {
                sim.simulation = if walk {
                    Simulation::RandomWalk
                } else {
                    Simulation::Random
                }
            });
        })
    };
    let on_periodic = {
        let ctx = ctx.clone();
        let timer = timer.clone();
        let rng = rng.clone();
        let interval = s.interval_ms();
        Callback::from(move |_: MouseEvent| {
            if timer.borrow_mut().take().is_some() {
                return ctx.redraw.emit(());
            }
            let ms = match &interval {
                Ok(ms) => *ms,
                Err(e) => return ctx.error.set(Some(e.clone())),
            };
            let tick = {
                let ctx = ctx.clone();
                let rng = rng.clone();
                let timer = timer.clone();
                move || {
                    let report = ctx
                        .sim
                        .borrow_mut()
                        .as_mut()
                        .map(|sim| sim.tick(wall_ms(), &mut *rng.borrow_mut()));
                    let Some(report) = report else { return };
                    if ctx.client.borrow().is_none() {
                        timer.borrow_mut().take();
                        ctx.error
                            .set(Some("periodic reports stopped: connect first".into()));
                        return ctx.redraw.emit(());
                    }
                    ctx.send_report(report.payload);
                }
            };
            tick();
            if ctx.client.borrow().is_some() {
                *timer.borrow_mut() = Some(Interval::new(ms, tick));
            }
            ctx.redraw.emit(());
        })
    };
    let on_auto = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            ctx.change(|sim| sim.auto_answer = on);
        })
    };
    let reply_edit = |apply: fn(&mut ReplyForm, String)| {
        let ctx = ctx.clone();
        let form = s.reply.clone();
        Callback::from(move |v: String| {
            let mut form = form.clone();
            apply(&mut form, v);
            ctx.change(|sim| sim.set_reply(form));
        })
    };
    let on_reply_paras = {
        let edit = reply_edit(|f, v| f.paras = v);
        Callback::from(move |e: InputEvent| {
            edit.emit(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let reply_error = |field: ReplyField| {
        s.reply_error
            .as_ref()
            .filter(|(f, _)| *f == field)
            .map(|(_, e)| e.clone())
    };
    let offset = -(js_sys::Date::new_0().get_timezone_offset() as i64);
    let problems = !preview.problems.is_empty();

    html! {
        <section class="card wide simulator" aria-labelledby="sim-title">
            <h2 id="sim-title">{ format!("Device simulator: {}", s.device_id()) }</h2>
            <p class="hint">
                { format!("Product model: {} service(s) ", s.model().service_capabilities.len()) }
                <a href="/model">{ "(edit on the Model page)" }</a>
                { ". Reports go to " }<code>{ s.report_topic() }</code>
                { "; subscribe to the device's downlink topics (Subscriptions) to answer the platform." }
            </p>
            if let Some(note) = &model.1 {
                <p class="note">{ note }</p>
            }
            <h3>{ "Property report" }</h3>
            <div class="report-fields">
                { for s.fields.iter().enumerate().map(|(i, f)| field_input(i, f, &on_edit, &on_include, &on_bool, &on_choice)) }
            </div>
            <label class="choice"><input type="checkbox" id="sim-stamp" checked={s.event_time.is_some()} onchange={on_stamp} />
                { " event_time" }</label>
            if let Some(t) = &s.event_time {
                <TextField id="sim-event-time" label="event_time (UTC, yyyyMMddTHHmmssZ)" value={t.clone()} oninput={on_event_time}>
                    <button type="button" class="secondary" id="sim-now" onclick={on_now}>{ "Now" }</button>
                </TextField>
            }
            <div class="field">
                <label for="sim-preview">{ "Preview: the exact JSON sent" }</label>
                <pre id="sim-preview" class="mono payload">{ &preview.payload }</pre>
            </div>
            if problems {
                <ul id="sim-problems" class="field-error" role="alert">
                    { for preview.problems.iter().map(|p| html! { <li>{ p }</li> }) }
                </ul>
            } else {
                <p class="ok" id="sim-valid">{ "Fits the product model." }</p>
            }
            <p class="actions">
                <button type="button" id="sim-send" onclick={on_send.clone()} disabled={problems}>{ "Report" }</button>
                if problems {
                    <button type="button" class="secondary" id="sim-send-anyway" onclick={on_send}>
                        { "Send anyway (IoTDA will drop what does not fit)" }
                    </button>
                }
            </p>
            <h3>{ "Periodic reports" }</h3>
            <div class="settings">
                <TextField id="sim-interval" label="Every (seconds)" value={s.interval.clone()} oninput={on_interval}
                    error={s.interval_ms().err()} />
                <div class="field">
                    <label for="sim-walk">{ "Values" }</label>
                    <select id="sim-walk" onchange={on_walk}>
                        <option value="walk" selected={s.simulation == Simulation::RandomWalk}>{ "random walk" }</option>
                        <option value="random" selected={s.simulation == Simulation::Random}>{ "random within range" }</option>
                    </select>
                </div>
            </div>
            <p class="actions">
                <button type="button" id="sim-periodic" onclick={on_periodic}>
                    { if running { "Stop" } else { "Start" } }
                </button>
                <span class="status" id="sim-periodic-status">
                    { if running { "Reporting simulated values …" } else { "Stopped" } }
                </span>
            </p>
            if let Some(e) = &*error {
                <p class="field-error" id="sim-error" role="alert">{ e }</p>
            }
            <div class="charts">
                { for s.series.iter().filter(|x| !x.points.is_empty()).map(chart) }
            </div>
            <h3>{ "Requests from the platform" }</h3>
            <label class="choice"><input type="checkbox" id="sim-auto" checked={s.auto_answer} onchange={on_auto} />
                { " Answer automatically (commands with the reply below; property set and get from the device's state)" }</label>
            <div class="settings">
                <TextField id="sim-result-code" label="Command result_code" value={s.reply.result_code.clone()}
                    oninput={reply_edit(|f, v| f.result_code = v)} error={reply_error(ReplyField::ResultCode)} />
                <TextField id="sim-response-name" label="response_name (empty: the model's)" value={s.reply.response_name.clone()}
                    oninput={reply_edit(|f, v| f.response_name = v)} />
                <div class="field">
                    <label for="sim-paras">{ "paras, a JSON object (empty: the model's response)" }</label>
                    <textarea id="sim-paras" class="mono" rows="2" spellcheck="false" value={s.reply.paras.clone()}
                        oninput={on_reply_paras} />
                    if let Some(e) = reply_error(ReplyField::Paras) {
                        <p class="field-error" id="sim-paras-error">{ e }</p>
                    }
                </div>
            </div>
            if s.requests.is_empty() {
                <p class="hint" id="sim-no-requests">{ "Nothing yet." }</p>
            }
            <ol id="sim-requests" class="requests" reversed=true>
                { for s.requests.iter().rev().map(|r| {
                    let answer = {
                        let ctx = ctx.clone();
                        let seq = r.seq;
                        Callback::from(move |_: MouseEvent| ctx.answer(seq))
                    };
                    html! {
                        <li class="item request" data-request-id={r.request_id.clone()}>
                            <h4>
                                { &r.title }
                                if let Some(id) = &r.request_id {
                                    <span class="badge">{ format!("request_id={id}") }</span>
                                }
                                <span class="hint">{ format!(" {}", clock_text(r.at_ms, offset)) }</span>
                            </h4>
                            <pre class="mono">{ &r.body }</pre>
                            if !r.problems.is_empty() {
                                <ul class="field-error">
                                    { for r.problems.iter().map(|p| html! { <li>{ p }</li> }) }
                                </ul>
                            }
                            if let Some(a) = &r.answered {
                                <p class={classes!("answered", if a.accepted { "ok" } else { "invalid" })}>
                                    { "Answered on " }<code>{ &a.topic }</code>{ ": " }<code>{ &a.payload }</code>
                                </p>
                            } else if r.awaits_answer() {
                                <p class="actions"><button type="button" class="answer" onclick={answer}>{ "Answer" }</button></p>
                            }
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}

/// The input of one property: typed by its data type.
fn field_input(
    i: usize,
    f: &Field,
    on_edit: &impl Fn(usize) -> Callback<String>,
    on_include: &impl Fn(usize) -> Callback<Event>,
    on_bool: &impl Fn(usize) -> Callback<Event>,
    on_choice: &impl Fn(usize) -> Callback<Event>,
) -> Html {
    let p = &f.property;
    let id = format!("sim-{}-{}", f.service_id, p.property_name);
    let label = format!("{} · {}", f.service_id, p.property_name);
    let include = html! {
        <label class="include"><input type="checkbox" id={format!("{id}-include")} checked={f.include}
            onchange={on_include(i)} />{ " report" }</label>
    };
    let input = match (&p.enum_list, p.data_type) {
        (_, DataType::Boolean) => html! {
            <label class="choice"><input type="checkbox" id={id.clone()} checked={f.text == "true"}
                onchange={on_bool(i)} />{ format!(" {}", f.text) }</label>
        },
        (Some(list), DataType::String | DataType::Enum) => html! {
            <select id={id.clone()} onchange={on_choice(i)}>
                { for list.iter().map(|v| html! { <option value={v.clone()} selected={*v == f.text}>{ v }</option> }) }
            </select>
        },
        _ => {
            let oninput = on_edit(i);
            let kind = if p.data_type.is_numeric() {
                "number"
            } else {
                "text"
            };
            html! {
                <input type={kind} id={id.clone()} value={f.text.clone()} class="mono"
                    min={p.min.clone()} max={p.max.clone()} step={p.step.as_ref().map(ToString::to_string).or(Some("any".into()))}
                    aria-describedby={format!("{id}-hint")}
                    oninput={Callback::from(move |e: InputEvent| oninput.emit(e.target_unchecked_into::<HtmlInputElement>().value()))} />
            }
        }
    };
    html! {
        <div class={classes!("field", "report-field", f.error.is_some().then_some("invalid"))} data-property={p.property_name.clone()}>
            <label for={id.clone()}>{ label }</label>
            <div class="control">{ input }{ include }</div>
            <span class="hint" id={format!("{id}-hint")}>{ f.hint() }</span>
            if let Some(e) = &f.error {
                <p class="field-error">{ e }</p>
            }
        </div>
    }
}

/// A small line chart of one property's reported values.
fn chart(series: &Series) -> Html {
    const W: f64 = 280.0;
    const H: f64 = 70.0;
    let (lo, hi) = series
        .points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, v)| {
            (lo.min(*v), hi.max(*v))
        });
    let span = if hi > lo { hi - lo } else { 1.0 };
    let n = series.points.len().max(2) - 1;
    let points: String = series
        .points
        .iter()
        .enumerate()
        .map(|(k, (_, v))| {
            let x = W * k as f64 / n as f64;
            let y = H - 4.0 - (H - 8.0) * (v - lo) / span;
            format!("{x:.1},{y:.1} ")
        })
        .collect();
    let last = series.points.back().map(|(_, v)| *v).unwrap_or_default();
    html! {
        <figure class="chart" data-series={series.label.clone()} data-points={series.points.len().to_string()}>
            <figcaption>
                <code>{ &series.label }</code>
                { format!(" {last} {} (min {lo}, max {hi}, last {} reports)", series.unit, series.points.len()) }
            </figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} width={W.to_string()} height={H.to_string()} role="img"
                aria-label={format!("{} over the last {} reports", series.label, series.points.len())}>
                <polyline points={points} fill="none" stroke="currentColor" stroke-width="1.5" />
            </svg>
        </figure>
    }
}
