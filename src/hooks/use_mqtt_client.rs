//! The MQTT session of the app: the Console's state, the client, the
//! message log and the device simulator (its worker, requests, values and
//! periodic reports) live here, provided by the app shell
//! ([`MqttClientProvider`]), so that leaving the Console keeps all of
//! them; the Console shows them through [`use_mqtt_client`] and
//! [`use_simulator`].
//!
//! The Console's settings are kept in the workspace (never the password),
//! and read back from it when a profile is restored or everything is
//! forgotten.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Interval;
use iotda_core::iotda::ProductModel;
use iotda_core::mqtt::session::{Event as SessionEvent, Message};
use iotda_core::text::{Message as Said, Say as Words};
use yew::prelude::*;

use crate::hooks::use_workspace::use_workspace;
use crate::messages::keys::console as said;
use crate::store::bridge;
use crate::store::console::{
    ConsoleAction, ConsoleForm, ConsoleState, Dir, FormError, FormField, LogLimits, MessageLog,
    Status, SubStatus, SubscriptionRow,
};
use crate::store::WorkspaceAction;
use crate::web::mqtt::MqttClient;
use crate::web::{clock, frame};
use crate::worker::client::SimWorker;
use crate::worker::sim::{SimView, Started, Typed};

/// What the session hands the device simulator.
pub enum Delivery<'a> {
    /// The connection is up (again).
    Connected,
    /// A message arrived.
    Message {
        /// Its topic.
        topic: &'a str,
        /// Its payload.
        payload: &'a [u8],
    },
}

/// Takes what the session delivers.
pub type Handler = Rc<dyn Fn(Delivery<'_>)>;

/// Where the session hands each connection and each message that arrives
/// to the device simulator, once the Console has started it.
pub type Inbox = Rc<RefCell<Option<Handler>>>;

/// Schedules one redraw of the Console at the next animation frame, unless
/// one is already scheduled; nothing when the Console is not shown. Hidden
/// tabs get no frames, and need none: the log is bounded on its own.
#[derive(Clone, Default)]
pub struct FrameScheduler {
    pending: Rc<Cell<bool>>,
    redraw: Rc<RefCell<Option<Callback<()>>>>,
}

impl FrameScheduler {
    /// Asks for a redraw.
    pub fn request(&self) {
        if self.redraw.borrow().is_none() || self.pending.replace(true) {
            return;
        }
        let pending = self.pending.clone();
        let redraw = self.redraw.clone();
        let draw = move || {
            pending.set(false);
            let callback = redraw.borrow().clone();
            if let Some(callback) = callback {
                callback.emit(());
            }
        };
        if let Err(draw) = frame::next(draw) {
            draw();
        }
    }

    /// Redraws go to `redraw` from now on (`None`: the Console is gone).
    pub fn attach(&self, redraw: Option<Callback<()>>) {
        *self.redraw.borrow_mut() = redraw;
    }
}

/// The session, as the Console gets it.
#[derive(Clone)]
pub struct MqttSession {
    /// The Console's state: form, subscriptions, status, activity.
    pub state: UseReducerHandle<ConsoleState>,
    /// The client, when connected or connecting.
    pub client: Rc<RefCell<Option<MqttClient>>>,
    /// The message log (bounded).
    pub log: Rc<RefCell<MessageLog>>,
    /// Redraws the log.
    pub frames: FrameScheduler,
    /// The device simulator's message handler, while it is shown.
    pub inbox: Inbox,
}

impl PartialEq for MqttSession {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state && Rc::ptr_eq(&self.client, &other.client)
    }
}

impl MqttSession {
    /// Connects with the form's settings (closing any connection first);
    /// a form that does not check is shown at its field.
    pub fn connect(&self) {
        self.connect_with(&self.state.form);
    }

    /// Connects with `form` (which the caller has just put in the state,
    /// as the state this handle holds may not show it yet).
    pub fn connect_with(&self, form: &ConsoleForm) {
        let dispatcher = self.state.dispatcher();
        let connection = match form.connection() {
            Ok(c) => c,
            Err(e) => return dispatcher.dispatch(ConsoleAction::FormError(Some(e))),
        };
        dispatcher.dispatch(ConsoleAction::Starting);
        if let Some(old) = self.client.borrow_mut().take() {
            let _ = old.disconnect();
        }
        let sink = {
            let (dispatcher, log) = (dispatcher.clone(), self.log.clone());
            let (frames, inbox) = (self.frames.clone(), self.inbox.clone());
            move |event: SessionEvent| match event {
                SessionEvent::Message(message) => {
                    log.borrow_mut()
                        .push(Dir::In, clock::wall_ms(), &message, None);
                    frames.request();
                    let handler = inbox.borrow().clone();
                    if let Some(handler) = handler {
                        handler(Delivery::Message {
                            topic: message.topic.as_str(),
                            payload: &message.payload,
                        });
                    }
                }
                SessionEvent::Connected(_) => {
                    let handler = inbox.borrow().clone();
                    dispatcher
                        .dispatch(ConsoleAction::SessionAt(Box::new(event), clock::wall_ms()));
                    if let Some(handler) = handler {
                        handler(Delivery::Connected);
                    }
                }
                SessionEvent::Published { id, .. } => {
                    log.borrow_mut().settle(id, Ok(()));
                    frames.request();
                }
                SessionEvent::PublishFailed { id, ref error } => {
                    log.borrow_mut().settle(id, Err(error.message()));
                    frames.request();
                    dispatcher.dispatch(ConsoleAction::Session(Box::new(event)));
                }
                other => {
                    dispatcher.dispatch(ConsoleAction::SessionAt(Box::new(other), clock::wall_ms()))
                }
            }
        };
        let url = connection.url.clone();
        let bridge = bridge::may_be_bridge(form);
        let started = MqttClient::new(connection.options, connection.url, sink)
            .map(|c| {
                if !bridge {
                    return c;
                }
                c.with_close_words(Rc::new(bridge::close_words))
            })
            .and_then(|c| c.connect().map(|()| c));
        match started {
            Ok(c) => {
                dispatcher.dispatch(ConsoleAction::Connecting(url));
                *self.client.borrow_mut() = Some(c);
            }
            Err(message) => dispatcher.dispatch(ConsoleAction::FormError(Some(FormError {
                field: FormField::Login,
                message,
            }))),
        }
    }

    /// Closes the connection, if there is one.
    pub fn disconnect(&self) {
        if let Some(c) = self.client.borrow().as_ref() {
            let _ = c.disconnect();
        }
    }
}

/// What the simulator's device was started for: the device id, the model
/// (the example one when none is saved) and
/// [`crate::store::Workspace::replaced`] then.
pub type StartedFor = (String, ProductModel, u32);

/// The device simulator's part of the session: its worker (started on the
/// Console's first visit, then kept), what the user typed, the periodic
/// reports' timer and what the worker last showed (its requests among it).
#[derive(Clone)]
pub struct SimSession {
    /// The simulator's worker, once started.
    pub worker: Rc<RefCell<Option<SimWorker>>>,
    /// What the worker's device was started for.
    pub device: Rc<RefCell<Option<StartedFor>>>,
    /// What the user typed, shown as typed while the worker catches up.
    pub typed: Rc<RefCell<Typed>>,
    /// Periodic reports, while on.
    pub timer: Rc<RefCell<Option<Interval>>>,
    /// The device started (or why it could not be).
    pub started: UseStateHandle<Option<Rc<Started>>>,
    /// What the worker last showed.
    pub view: UseStateHandle<Option<Rc<SimView>>>,
    /// The last problem to say.
    pub error: UseStateHandle<Option<crate::messages::Msg>>,
}

impl PartialEq for SimSession {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.worker, &other.worker)
            && self.started == other.started
            && self.view == other.view
            && self.error == other.error
    }
}

/// Publishes `message` and shows it in the log (settled when the broker
/// acknowledges it); an error when there is no connection.
pub fn publish_logged(
    client: &RefCell<Option<MqttClient>>,
    log: &RefCell<MessageLog>,
    frames: &FrameScheduler,
    message: Message,
) -> Result<(), Said> {
    let id = client
        .borrow()
        .as_ref()
        .ok_or(Said::new(said::CONNECT_FIRST))?
        .publish(message.clone())?;
    log.borrow_mut()
        .push(Dir::Out, clock::wall_ms(), &message, Some(id));
    frames.request();
    Ok(())
}

/// Sends a SUBSCRIBE for `rows` (nothing without a client); a row that
/// cannot be sent is said, and nothing is sent.
pub fn subscribe_rows(
    client: Option<&MqttClient>,
    dispatcher: &UseReducerDispatcher<ConsoleState>,
    rows: &[SubscriptionRow],
) {
    let Some(client) = client else { return };
    let mut subscriptions = Vec::new();
    let mut filters = Vec::new();
    for row in rows {
        match row.subscription() {
            Ok(s) => {
                subscriptions.push(s);
                filters.push(row.filter.clone());
            }
            Err(e) => {
                return dispatcher.dispatch(ConsoleAction::SubscriptionError(Some(
                    Said::new(said::FILTER_ERROR)
                        .with("filter", &row.filter)
                        .with_message("why", e),
                )))
            }
        }
    }
    match client.subscribe(subscriptions) {
        Ok(id) => dispatcher.dispatch(ConsoleAction::SubscribeSent(filters, id)),
        Err(e) => dispatcher.dispatch(ConsoleAction::SubscriptionError(Some(e))),
    }
}

/// Props of [`MqttClientProvider`].
#[derive(Properties, PartialEq)]
pub struct MqttClientProviderProps {
    /// What uses the session.
    pub children: Html,
}

/// Provides the MQTT session to `children`; inside the workspace's
/// provider.
#[component]
pub fn MqttClientProvider(props: &MqttClientProviderProps) -> Html {
    let workspace = use_workspace();
    let state = {
        let saved = workspace.console.clone();
        use_reducer(move || ConsoleState::restore(saved))
    };
    let session = MqttSession {
        state: state.clone(),
        client: use_mut_ref(|| None::<MqttClient>),
        log: use_mut_ref(|| MessageLog::new(LogLimits::default())),
        frames: (*use_memo((), |_| FrameScheduler::default())).clone(),
        inbox: use_mut_ref(|| None),
    };
    // Settings changed: kept in the workspace (never the password: see
    // ConsoleForm), once the Console has filled its form on a first visit.
    {
        let workspace = workspace.clone();
        use_effect_with((state.saved(), state.prefill), move |(saved, prefill)| {
            if !prefill {
                workspace.dispatch(WorkspaceAction::Console(Box::new(saved.clone())));
            }
        });
    }
    // A profile restored, or everything forgotten: the settings are read
    // again (the connection stays).
    {
        let dispatcher = state.dispatcher();
        let console = workspace.console.clone();
        let seen = use_mut_ref(|| workspace.replaced);
        use_effect_with(workspace.replaced, move |replaced| {
            if *seen.borrow() != *replaced {
                *seen.borrow_mut() = *replaced;
                dispatcher.dispatch(ConsoleAction::Restore(console.map(Box::new)));
            }
        });
    }
    // Connected: send the subscriptions that are not active yet.
    {
        let (client, dispatcher) = (session.client.clone(), state.dispatcher());
        let connected = matches!(state.status, Status::Connected { .. });
        let idle: Vec<SubscriptionRow> = state
            .subscriptions
            .iter()
            .filter(|r| r.status == SubStatus::Idle)
            .cloned()
            .collect();
        use_effect_with((connected, idle), move |(connected, idle)| {
            if *connected && !idle.is_empty() {
                subscribe_rows(client.borrow().as_ref(), &dispatcher, idle);
            }
        });
    }
    let simulator = SimSession {
        worker: use_mut_ref(|| None),
        device: use_mut_ref(|| None),
        typed: use_mut_ref(Typed::default),
        timer: use_mut_ref(|| None),
        started: use_state(|| None),
        view: use_state(|| None),
        error: use_state(|| None),
    };
    html! {
        <ContextProvider<MqttSession> context={session}>
        <ContextProvider<SimSession> context={simulator}>
            { props.children.clone() }
        </ContextProvider<SimSession>>
        </ContextProvider<MqttSession>>
    }
}

/// The MQTT session, from the app's [`MqttClientProvider`].
#[hook]
pub fn use_mqtt_client() -> MqttSession {
    use_context::<MqttSession>().expect("the app shell provides the MQTT session")
}

/// The device simulator's part of the session, from the app's
/// [`MqttClientProvider`].
#[hook]
pub fn use_simulator() -> SimSession {
    use_context::<SimSession>().expect("the app shell provides the simulator's session")
}
