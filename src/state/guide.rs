//! The Guide page's logic: the eight onboarding steps, the live check of
//! each from what the other pages saved, the user's own ticks, and the
//! page's HTML.
//!
//! Pure: the page reads the workspace and hands it in as a [`GuideInput`], the
//! worker fetches the guide's text (through `web`); nothing here calls the
//! browser, so it is tested natively. The page's wasm holds only the
//! [`GuideInput`] it sends and [`Progress::with`] for its tick boxes:
//! [`render`] runs in the simulator's worker (like the Model page's ZIP
//! reading), and every text of the page, in its language, comes from
//! `static/guide.{en,zh}.json`, fetched when the Guide opens: the prose of
//! each step (what to do, why, the OpenSSL and MQTT.fx equivalents, the
//! diagrams as inline SVG), the labels and the sentences of the checks
//! (by [`Note::key`] and [`Label::key`]).
//!
//! ```text
//! page: workspace ── SimRequest::Guide ──▶ worker: fetch the text, render()
//! page ◀── SimResponse::Guide (HTML) ── worker
//! ```

use crate::messages::keys::guide as said;
use crate::messages::Msg;
use iotda_core::text::{Message, Say as Words};
use std::fmt::Write;

use iotda_core::endpoint::{self, shell_quote, Transport};
use iotda_core::iotda::{default_model, ProductModel};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::certs::{common_name, CertsForm, IssuedPublic, PublicCert};
use super::ConnectForm;
use crate::i18n::Lang;

/// An onboarding step, in the guide's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepId {
    /// (1) Access details: host and ports.
    Access,
    /// (2) Product and product model.
    Product,
    /// (3) Device CA certificate.
    Ca,
    /// (4) Verification certificate with the console's code.
    Verification,
    /// (5) Device certificate and fingerprint.
    Device,
    /// (6) Registering the device in the console.
    Register,
    /// (7) Connecting.
    Connect,
    /// (8) Reporting data.
    Report,
}

impl StepId {
    /// Every step, in order.
    pub const ALL: [StepId; 8] = [
        Self::Access,
        Self::Product,
        Self::Ca,
        Self::Verification,
        Self::Device,
        Self::Register,
        Self::Connect,
        Self::Report,
    ];

    /// Its name in storage, in the fetched text and in element ids.
    pub fn key(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Product => "product",
            Self::Ca => "ca",
            Self::Verification => "verification",
            Self::Device => "device",
            Self::Register => "register",
            Self::Connect => "connect",
            Self::Report => "report",
        }
    }
}

/// What the app sees of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Nothing of it in the app yet.
    Todo,
    /// Something is there but looks wrong (see the notes).
    Warn,
    /// Everything the step needs is there.
    Done,
}

/// A finding about a step, explained in the fetched text under its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// No Connection form saved.
    NoConnection,
    /// The saved host is not a valid host name.
    BadHost,
    /// The saved host is the legacy shared host.
    DefaultHost,
    /// No product model saved.
    NoModel,
    /// The saved model does not read.
    ModelUnreadable,
    /// The saved model is the guide's example.
    ExampleModel,
    /// No device CA held.
    NoCa,
    /// The certificate is expired or not valid yet.
    Expired,
    /// No verification certificate held.
    NoVerification,
    /// No verification code typed on the Certificates page.
    NoCode,
    /// The verification certificate's CN is not the code typed.
    CodeMismatch,
    /// The certificate's issuer is not the CA held.
    NotFromCa,
    /// No device certificate held.
    NoDevice,
    /// No device id on the Connection page.
    NoDeviceId,
    /// Neither a secret nor a device certificate is known.
    NoCredentials,
}

impl Note {
    /// Its key under `notes` in the fetched text.
    pub fn key(self) -> &'static str {
        match self {
            Self::NoConnection => "no_connection",
            Self::BadHost => "bad_host",
            Self::DefaultHost => "default_host",
            Self::NoModel => "no_model",
            Self::ModelUnreadable => "model_unreadable",
            Self::ExampleModel => "example_model",
            Self::NoCa => "no_ca",
            Self::Expired => "expired",
            Self::NoVerification => "no_verification",
            Self::NoCode => "no_code",
            Self::CodeMismatch => "code_mismatch",
            Self::NotFromCa => "not_from_ca",
            Self::NoDevice => "no_device",
            Self::NoDeviceId => "no_device_id",
            Self::NoCredentials => "no_credentials",
        }
    }

    /// Every note, for checks of the fetched text.
    pub const ALL: [Note; 15] = [
        Self::NoConnection,
        Self::BadHost,
        Self::DefaultHost,
        Self::NoModel,
        Self::ModelUnreadable,
        Self::ExampleModel,
        Self::NoCa,
        Self::Expired,
        Self::NoVerification,
        Self::NoCode,
        Self::CodeMismatch,
        Self::NotFromCa,
        Self::NoDevice,
        Self::NoDeviceId,
        Self::NoCredentials,
    ];
}

/// What a shown value is (its label comes from the page's texts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    /// The broker host.
    Host,
    /// The platform's ports.
    Ports,
    /// Number of services in the model.
    Services,
    /// Number of properties in the model.
    Properties,
    /// A certificate's subject.
    Subject,
    /// A certificate's end of validity.
    ValidUntil,
    /// A certificate's CN.
    Cn,
    /// The verification code typed.
    Code,
    /// The node id (the console's device identifier).
    NodeId,
    /// The device id.
    DeviceId,
    /// The device certificate's SHA-256 fingerprint.
    Fingerprint,
    /// The device secret.
    Secret,
    /// The command line that connects with the device certificate.
    Cli,
    /// The property report topic.
    Topic,
    /// A sample property report.
    Sample,
}

impl Label {
    /// Its key under `labels` in the fetched text, and in element ids.
    pub fn key(self) -> &'static str {
        match self {
            Self::Host => "host",
            Self::Ports => "ports",
            Self::Services => "services",
            Self::Properties => "properties",
            Self::Subject => "subject",
            Self::ValidUntil => "valid_until",
            Self::Cn => "cn",
            Self::Code => "code",
            Self::NodeId => "node_id",
            Self::DeviceId => "device_id",
            Self::Fingerprint => "fingerprint",
            Self::Secret => "secret",
            Self::Cli => "cli",
            Self::Topic => "topic",
            Self::Sample => "sample",
        }
    }

    /// Every label, for checks of the fetched text.
    pub const ALL: [Label; 15] = [
        Self::Host,
        Self::Ports,
        Self::Services,
        Self::Properties,
        Self::Subject,
        Self::ValidUntil,
        Self::Cn,
        Self::Code,
        Self::NodeId,
        Self::DeviceId,
        Self::Fingerprint,
        Self::Secret,
        Self::Cli,
        Self::Topic,
        Self::Sample,
    ];
}

/// A value the app sees, to show (and copy, when `copy`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// What it is.
    pub label: Label,
    /// The value.
    pub text: String,
    /// Offered with a copy button (what goes into a console field or a
    /// terminal).
    pub copy: bool,
}

/// The live check of one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The verdict.
    pub status: Status,
    /// Why it is not done, or what to look at.
    pub notes: Vec<Note>,
    /// The values involved.
    pub shown: Vec<Shown>,
}

/// Everything the other pages left in this browser, as the Guide reads it.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// The saved Connection form.
    pub connect: Option<ConnectForm>,
    /// The saved product model, or why it does not read.
    pub model: Option<Result<ProductModel, Msg>>,
    /// The certificates the Certificates page holds (public parts).
    pub issued: IssuedPublic,
    /// The verification code typed on the Certificates page.
    pub code: String,
    /// Whether a device secret is known in this tab (typed or remembered).
    /// Not the secret: the page copies it from its memory.
    pub has_secret: bool,
}

fn shown(label: Label, text: impl Into<String>) -> Shown {
    Shown {
        label,
        text: text.into(),
        copy: false,
    }
}

fn copyable(label: Label, text: impl Into<String>) -> Shown {
    Shown {
        copy: true,
        ..shown(label, text)
    }
}

impl Check {
    fn new(status: Status, notes: Vec<Note>, shown: Vec<Shown>) -> Self {
        Self {
            status,
            notes,
            shown,
        }
    }

    /// Done unless a note says otherwise.
    fn from_notes(notes: Vec<Note>, shown: Vec<Shown>) -> Self {
        let status = if notes.is_empty() {
            Status::Done
        } else {
            Status::Warn
        };
        Self::new(status, notes, shown)
    }

    fn todo(note: Note) -> Self {
        Self::new(Status::Todo, vec![note], Vec::new())
    }
}

/// The platform's ports, as the Connection page names them.
/// The ports, in no language: `MQTT 1883 · MQTTS 8883 · WSS 443 /mqtt`.
fn ports() -> String {
    let label = |t: Transport| format!("{} {}", t.scheme().to_ascii_uppercase(), t.default_port());
    format!(
        "{} · {} · {} {}",
        label(Transport::Mqtt),
        label(Transport::Mqtts),
        label(Transport::Wss),
        iotda_core::endpoint::DEFAULT_WS_PATH
    )
}

fn cert_values(cert: &PublicCert) -> Vec<Shown> {
    vec![
        shown(Label::Subject, &cert.view.subject),
        shown(Label::ValidUntil, &cert.view.not_after),
    ]
}

fn expiry(cert: &PublicCert, notes: &mut Vec<Note>) {
    if cert.view.expired || cert.view.not_yet_valid {
        notes.push(Note::Expired);
    }
}

/// `cert` was issued by the CA held (when one is held).
fn issuer(cert: &PublicCert, ca: Option<&PublicCert>, notes: &mut Vec<Note>) {
    if ca.is_some_and(|ca| ca.view.subject != cert.view.issuer) {
        notes.push(Note::NotFromCa);
    }
}

impl Seen {
    fn device_id(&self) -> Option<&str> {
        self.connect
            .as_ref()
            .map(|f| f.device_id.trim())
            .filter(|id| !id.is_empty())
    }

    /// The node id: the device certificate's CN, else what follows the
    /// product id in the device id (`{product_id}_{node_id}`).
    fn node_id(&self) -> Option<&str> {
        self.issued
            .device
            .as_ref()
            .and_then(|d| common_name(&d.view.subject))
            .or_else(|| self.device_id()?.split_once('_').map(|(_, node)| node))
            .filter(|n| !n.is_empty())
    }

    /// The live check of `step`.
    pub fn check(&self, step: StepId) -> Check {
        match step {
            StepId::Access => self.access(),
            StepId::Product => self.product(),
            StepId::Ca => self.ca(),
            StepId::Verification => self.verification(),
            StepId::Device => self.device(),
            StepId::Register => self.register(),
            StepId::Connect => self.connect(),
            StepId::Report => self.report(),
        }
    }

    fn access(&self) -> Check {
        let Some(form) = &self.connect else {
            return Check::todo(Note::NoConnection);
        };
        let host = form.host.trim();
        let mut notes = Vec::new();
        if endpoint::check_host(host).is_err() {
            notes.push(Note::BadHost);
        } else if host == endpoint::LEGACY_HOST {
            notes.push(Note::DefaultHost);
        }
        Check::from_notes(
            notes,
            vec![copyable(Label::Host, host), shown(Label::Ports, ports())],
        )
    }

    fn product(&self) -> Check {
        let model = match &self.model {
            None => return Check::todo(Note::NoModel),
            Some(Err(_)) => return Check::new(Status::Warn, vec![Note::ModelUnreadable], vec![]),
            Some(Ok(model)) => model,
        };
        let services = &model.service_capabilities;
        let properties: usize = services.iter().map(|s| s.properties.len()).sum();
        let notes = if *model == default_model() {
            vec![Note::ExampleModel]
        } else if services.is_empty() {
            vec![Note::NoModel]
        } else {
            Vec::new()
        };
        Check::from_notes(
            notes,
            vec![
                shown(Label::Services, services.len().to_string()),
                shown(Label::Properties, properties.to_string()),
            ],
        )
    }

    fn ca(&self) -> Check {
        let Some(ca) = &self.issued.ca else {
            return Check::todo(Note::NoCa);
        };
        let mut notes = Vec::new();
        expiry(ca, &mut notes);
        Check::from_notes(notes, cert_values(ca))
    }

    fn verification(&self) -> Check {
        let Some(cert) = &self.issued.verification else {
            return Check::todo(Note::NoVerification);
        };
        let cn = common_name(&cert.view.subject).unwrap_or_default();
        let code = self.code.trim();
        let mut notes = Vec::new();
        if code.is_empty() {
            notes.push(Note::NoCode);
        } else if cn != code {
            notes.push(Note::CodeMismatch);
        }
        issuer(cert, self.issued.ca.as_ref(), &mut notes);
        expiry(cert, &mut notes);
        Check::from_notes(notes, vec![shown(Label::Cn, cn), shown(Label::Code, code)])
    }

    fn device(&self) -> Check {
        let Some(cert) = &self.issued.device else {
            return Check::todo(Note::NoDevice);
        };
        let mut notes = Vec::new();
        issuer(cert, self.issued.ca.as_ref(), &mut notes);
        expiry(cert, &mut notes);
        let mut values = cert_values(cert);
        values.push(copyable(Label::Fingerprint, &cert.view.sha256));
        Check::from_notes(notes, values)
    }

    fn register(&self) -> Check {
        let mut values = Vec::new();
        if let Some(node) = self.node_id() {
            values.push(copyable(Label::NodeId, node));
        }
        if let Some(id) = self.device_id() {
            values.push(copyable(Label::DeviceId, id));
        }
        if let Some(device) = &self.issued.device {
            values.push(copyable(Label::Fingerprint, &device.view.sha256));
        }
        if self.has_secret {
            // No text: the page's copy button reads the secret from memory.
            values.push(copyable(Label::Secret, ""));
        }
        let mut notes = Vec::new();
        if self.node_id().is_none() {
            notes.push(Note::NoDeviceId);
        }
        if self.issued.device.is_none() && !self.has_secret {
            notes.push(Note::NoCredentials);
        }
        let status = match (notes.is_empty(), values.is_empty()) {
            (true, _) => Status::Done,
            (false, true) => Status::Todo,
            (false, false) => Status::Warn,
        };
        Check::new(status, notes, values)
    }

    fn connect(&self) -> Check {
        let Some(id) = self.device_id() else {
            return Check::todo(Note::NoDeviceId);
        };
        let mut values = Vec::new();
        if self.issued.device.is_some() {
            let host = self.connect.as_ref().map_or("", |f| f.host.trim());
            let (topic, payload) = endpoint::sample_report(id);
            values.push(copyable(
                Label::Cli,
                format!(
                    "iotda-kit pub --host {} --cert deviceCert.pem --key deviceCert.key --device-id {} --topic {} --message {}",
                    shell_quote(host),
                    shell_quote(id),
                    shell_quote(&topic),
                    shell_quote(payload),
                ),
            ));
        }
        let notes = if self.issued.device.is_none() && !self.has_secret {
            vec![Note::NoCredentials]
        } else {
            Vec::new()
        };
        Check::from_notes(notes, values)
    }

    fn report(&self) -> Check {
        let Some(id) = self.device_id() else {
            return Check::todo(Note::NoDeviceId);
        };
        let (topic, payload) = endpoint::sample_report(id);
        Check::from_notes(
            Vec::new(),
            vec![
                copyable(Label::Topic, topic),
                copyable(Label::Sample, payload),
            ],
        )
    }
}

/// The steps the user ticked, by [`StepId::key`], in the order they were
/// ticked (kept in the workspace).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Progress(pub Vec<String>);

impl Progress {
    /// Whether `step` is ticked.
    pub fn done(&self, step: StepId) -> bool {
        self.0.iter().any(|k| k == step.key())
    }

    /// With the step of key `key` ticked or not. Keys this version does not
    /// know (from a later one) are kept.
    pub fn with(&self, key: &str, done: bool) -> Self {
        let mut keys: Vec<String> = self.0.iter().filter(|k| *k != key).cloned().collect();
        if done {
            keys.push(key.to_owned());
        }
        Self(keys)
    }
}

/// What the Guide is rendered from: the workspace's parts, as JSON. The
/// worker parses it all, and fetches the text, so that the page's wasm
/// holds none of that.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GuideInput {
    /// The page's number for this request, echoed in the answer (the page
    /// shows only the answer to its last request).
    pub id: u32,
    /// The language of the text.
    pub lang: Lang,
    /// The Connection form.
    pub connect: Option<String>,
    /// The product model (its REST JSON).
    pub model: Option<String>,
    /// The certificates held (their public parts).
    pub issued: Option<String>,
    /// The Certificates form.
    pub certs: Option<String>,
    /// Whether a device secret is known in this tab (typed or
    /// remembered). The secret itself is never sent: the Guide's copy
    /// button reads it from the page's memory.
    pub has_secret: bool,
    /// The ticks.
    pub progress: Option<String>,
}

/// `saved` parsed, or `None` with `what` added to `unreadable`.
fn parse<T: serde::de::DeserializeOwned>(
    saved: &Option<String>,
    what: &'static str,
    unreadable: &mut Vec<&'static str>,
) -> Option<T> {
    let parsed = serde_json::from_str(saved.as_deref()?);
    if parsed.is_err() {
        unreadable.push(what);
    }
    parsed.ok()
}

impl GuideInput {
    /// Where the guide's text in its language is (a path on the page's
    /// origin; trunk copies `static/guide.*.json` there).
    pub fn url(&self) -> &'static str {
        match self.lang {
            Lang::En => "/guide.en.json",
            Lang::Zh => "/guide.zh.json",
        }
    }

    /// What the app sees, the ticks, and the parts whose values do
    /// not read (a model that does not read is a finding of its step).
    pub fn seen(&self) -> (Seen, Progress, Vec<&'static str>) {
        let mut unreadable = Vec::new();
        let connect: Option<ConnectForm> = parse(&self.connect, "connect", &mut unreadable);
        let issued: Option<IssuedPublic> = parse(&self.issued, "issued", &mut unreadable);
        let certs: Option<CertsForm> = parse(&self.certs, "certs", &mut unreadable);
        let progress: Option<Vec<String>> = parse(&self.progress, "guide", &mut unreadable);
        let has_secret = self.has_secret || connect.as_ref().is_some_and(|f| !f.secret.is_empty());
        let seen = Seen {
            connect,
            model: self
                .model
                .as_deref()
                .map(|m| ProductModel::from_json(m.as_bytes()).map_err(|e| Msg(e.message()))),
            issued: issued.unwrap_or_default(),
            code: certs.map(|c| c.code).unwrap_or_default(),
            has_secret,
        };
        (seen, Progress(progress.unwrap_or_default()), unreadable)
    }
}

/// `text` escaped for HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The text at `path` in the fetched JSON.
fn text_at<'a>(value: &'a Value, path: &[&str]) -> Result<&'a str, Msg> {
    path.iter()
        .try_fold(value, |v, key| v.get(key))
        .and_then(Value::as_str)
        .ok_or_else(|| Msg(Message::new(said::NOTHING_AT).with("path", path.join("."))))
}

/// The page the step's check links to (its name is under `pages` in the
/// fetched text).
fn page_of(step: StepId) -> &'static str {
    match step {
        StepId::Access => "/connect",
        StepId::Product => "/model",
        StepId::Ca | StepId::Verification | StepId::Device | StepId::Register => "/certificates",
        StepId::Connect | StepId::Report => "/console",
    }
}

/// The Guide's HTML: an introduction, then each step with its prose, its
/// live check and its tick box. Copy buttons carry their text in
/// `data-copy`, but for the device secret's, marked `data-copy-secret`
/// without it (the page copies the secret from memory); tick boxes their step in `data-step`, links a page path:
/// the page handles them by delegation. Every value from storage is
/// escaped; the fetched text is trusted (it is the app's own file).
///
/// `text` is the guide's text (JSON) fetched from [`GuideInput::url`]; the
/// error says what it lacks.
pub fn render(input: &GuideInput, text: &str) -> Result<String, Msg> {
    let text: Value = serde_json::from_str(text).map_err(|e| {
        Msg(Message::new(said::NOT_JSON).with_message("why", crate::messages::json(&e)))
    })?;
    let at = |path: &[&str]| text_at(&text, path);
    let (seen, progress, unreadable) = input.seen();
    let copy = at(&["ui", "copy"])?;
    let mut html = String::from(r#"<div class="page">"#);
    if !unreadable.is_empty() {
        let _ = write!(
            html,
            r#"<p class="banner warning" role="status">{} {}</p>"#,
            at(&["ui", "unreadable"])?,
            unreadable.join(", ")
        );
    }
    let _ = write!(
        html,
        r#"<div class="banner intro" id="guide-intro">{}</div>"#,
        at(&["intro"])?
    );
    for (n, step) in StepId::ALL.into_iter().enumerate() {
        let key = step.key();
        let check = seen.check(step);
        // The badge's class (the style sheet's), and its text in the fetched text.
        let (class, status) = match check.status {
            Status::Done => ("ok", "done"),
            Status::Warn => ("warn", "warn"),
            Status::Todo => ("hint", "todo"),
        };
        let _ = write!(
            html,
            r#"<section class="card wide" id="guide-{key}" aria-labelledby="guide-{key}-title"><h2 id="guide-{key}-title">{}. {}</h2><div class="checks"><div class="guide-what">{}</div><div class="guide-tools">{}</div></div><section class="guide-check" aria-labelledby="guide-{key}-seen"><h3 id="guide-{key}-seen">{} <span class="badge {class}" id="guide-{key}-status">{}</span></h3><ul class="guide-notes">"#,
            n + 1,
            at(&["steps", key, "title"])?,
            at(&["steps", key, "what"])?,
            at(&["steps", key, "tools"])?,
            at(&["ui", "seen"])?,
            at(&["ui", status])?,
        );
        for note in &check.notes {
            let _ = write!(html, "<li>{}</li>", at(&["notes", note.key()])?);
        }
        html.push_str("</ul>");
        for shown in &check.shown {
            let label = at(&["labels", shown.label.key()])?;
            let id = format!("guide-{key}-{}", shown.label.key());
            // The secret is copied, not shown.
            let value = if shown.label == Label::Secret {
                "••••••••".to_owned()
            } else {
                escape(&shown.text)
            };
            let _ = write!(
                html,
                r#"<div class="value-row"><span class="value-label" id="{id}-label">{label}</span><output id="{id}" class="value" aria-labelledby="{id}-label">{value}</output>"#
            );
            if shown.copy {
                let what = if shown.label == Label::Secret {
                    "data-copy-secret".to_owned()
                } else {
                    format!(r#"data-copy="{}""#, escape(&shown.text))
                };
                let _ = write!(
                    html,
                    r#"<button type="button" class="copy" {what} aria-label="{copy} {label}" aria-live="polite">{copy}</button>"#
                );
            }
            html.push_str("</div>");
        }
        let path = page_of(step);
        let _ = write!(
            html,
            r#"<p><a href="{path}">→ {}</a></p></section><div class="field checkbox"><input type="checkbox" id="guide-{key}-done" data-step="{key}"{}><label for="guide-{key}-done">{}</label></div></section>"#,
            at(&["pages", path])?,
            if progress.done(step) { " checked" } else { "" },
            at(&["ui", "tick"])?,
        );
    }
    html.push_str("</div>");
    Ok(html)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::protocol::CertView;

    fn cert(subject: &str, issuer: &str) -> PublicCert {
        PublicCert {
            cert_pem: String::new(),
            view: CertView {
                subject: subject.into(),
                issuer: issuer.into(),
                serial: "01".into(),
                not_before: "2026-01-01T00:00:00Z".into(),
                not_after: "2028-01-01T00:00:00Z".into(),
                key: "ECDSA P-256".into(),
                signature_algorithm: "ecdsa-with-SHA256".into(),
                is_ca: false,
                self_signed: subject == issuer,
                sha256: "AB".repeat(32),
                sha1: "CD".repeat(20),
                expired: false,
                not_yet_valid: false,
                expires_soon: false,
            },
        }
    }

    fn held() -> Seen {
        Seen {
            connect: Some(ConnectForm {
                device_id: "5f8d_node1".into(),
                host: "abc.st1.iotda-device.cn-north-4.myhuaweicloud.com".into(),
                ..ConnectForm::default()
            }),
            model: None,
            issued: IssuedPublic {
                ca: Some(cert("/CN=Test CA", "/CN=Test CA")),
                verification: Some(cert("/CN=0123abcd", "/CN=Test CA")),
                device: Some(cert("/CN=node1", "/CN=Test CA")),
            },
            code: " 0123abcd\n".into(),
            has_secret: false,
        }
    }

    #[test]
    fn nothing_saved_is_nothing_done() {
        let seen = Seen::default();
        for step in StepId::ALL {
            let check = seen.check(step);
            assert_eq!(check.status, Status::Todo, "{step:?}");
            assert!(!check.notes.is_empty(), "{step:?} says why");
        }
    }

    #[test]
    fn access_wants_the_instance_host_and_names_the_ports() {
        let mut seen = held();
        let check = seen.check(StepId::Access);
        assert_eq!(check.status, Status::Done);
        assert_eq!(
            check.shown[0].text,
            "abc.st1.iotda-device.cn-north-4.myhuaweicloud.com"
        );
        assert!(check.shown[1].text.contains("8883") && check.shown[1].text.contains("443"));
        seen.connect = Some(ConnectForm {
            host: endpoint::LEGACY_HOST.into(),
            ..ConnectForm::default()
        });
        assert_eq!(seen.check(StepId::Access).notes, [Note::DefaultHost]);
        // A fresh form's host still has its `{prefix}`.
        seen.connect = Some(ConnectForm::default());
        assert_eq!(seen.check(StepId::Access).notes, [Note::BadHost]);
        seen.connect = Some(ConnectForm {
            host: "bad host".into(),
            ..ConnectForm::default()
        });
        assert_eq!(seen.check(StepId::Access).notes, [Note::BadHost]);
    }

    #[test]
    fn product_counts_services_and_properties_and_knows_the_example() {
        let mut seen = held();
        seen.model = Some(Ok(default_model()));
        let check = seen.check(StepId::Product);
        assert_eq!(check.notes, [Note::ExampleModel]);
        assert_eq!(check.shown[0].text, "2");
        let mut model = default_model();
        model.service_capabilities.truncate(1);
        let properties = model.service_capabilities[0].properties.len();
        seen.model = Some(Ok(model));
        let check = seen.check(StepId::Product);
        assert_eq!(check.status, Status::Done);
        assert_eq!(check.shown[1].text, properties.to_string());
        seen.model = Some(Err(Msg(Message::new(said::NOT_JSON))));
        assert_eq!(seen.check(StepId::Product).status, Status::Warn);
    }

    #[test]
    fn verification_cn_must_be_the_code_typed() {
        let mut seen = held();
        assert_eq!(seen.check(StepId::Verification).status, Status::Done);
        seen.code = "0123abce".into();
        let check = seen.check(StepId::Verification);
        assert_eq!(check.status, Status::Warn);
        assert_eq!(check.notes, [Note::CodeMismatch]);
        assert_eq!(check.shown[0].text, "0123abcd");
        assert_eq!(check.shown[1].text, "0123abce");
        seen.code = String::new();
        assert_eq!(seen.check(StepId::Verification).notes, [Note::NoCode]);
    }

    #[test]
    fn certificates_from_another_ca_or_expired_are_flagged() {
        let mut seen = held();
        if let Some(device) = &mut seen.issued.device {
            device.view.issuer = "/CN=Other CA".into();
        }
        assert_eq!(seen.check(StepId::Device).notes, [Note::NotFromCa]);
        if let Some(ca) = &mut seen.issued.ca {
            ca.view.expired = true;
        }
        assert_eq!(seen.check(StepId::Ca).notes, [Note::Expired]);
    }

    #[test]
    fn register_lists_what_goes_into_the_console() {
        let mut seen = held();
        let check = seen.check(StepId::Register);
        assert_eq!(check.status, Status::Done);
        let find = |check: &Check, label| {
            check
                .shown
                .iter()
                .find(|s| s.label == label)
                .map(|s| s.text.clone())
        };
        assert_eq!(find(&check, Label::NodeId).as_deref(), Some("node1"));
        assert_eq!(find(&check, Label::DeviceId).as_deref(), Some("5f8d_node1"));
        assert_eq!(find(&check, Label::Fingerprint), Some("AB".repeat(32)));
        assert!(check.shown.iter().all(|s| s.copy));
        // Secret authentication: the node id from the device id.
        seen.issued.device = None;
        seen.has_secret = true;
        let check = seen.check(StepId::Register);
        assert_eq!(check.status, Status::Done);
        assert_eq!(find(&check, Label::NodeId).as_deref(), Some("node1"));
        assert_eq!(find(&check, Label::Secret).as_deref(), Some(""));
        seen.has_secret = false;
        assert_eq!(seen.check(StepId::Register).notes, [Note::NoCredentials]);
    }

    #[test]
    fn connect_gives_the_cli_line_for_x509_and_report_the_topic() {
        let seen = held();
        let check = seen.check(StepId::Connect);
        assert_eq!(check.status, Status::Done);
        assert_eq!(
            check.shown[0].text,
            "iotda-kit pub --host abc.st1.iotda-device.cn-north-4.myhuaweicloud.com \
             --cert deviceCert.pem --key deviceCert.key --device-id 5f8d_node1 \
             --topic '$oc/devices/5f8d_node1/sys/properties/report' \
             --message '{\"services\":[{\"service_id\":\"Battery\",\"properties\":{\"batteryLevel\":80}}]}'"
        );
        let check = seen.check(StepId::Report);
        assert_eq!(
            check.shown[0].text,
            "$oc/devices/5f8d_node1/sys/properties/report"
        );
    }

    #[test]
    fn progress_ticks_and_unticks_and_keeps_unknown_keys() {
        let p = Progress(vec!["later-step".into()]);
        let p = p.with("ca", true).with("report", true);
        assert!(p.done(StepId::Ca) && p.done(StepId::Report) && !p.done(StepId::Access));
        let p = p.with("ca", false).with("report", true);
        assert_eq!(p.0, ["later-step", "report"]);
    }

    const EN: &str = include_str!("../../static/guide.en.json");
    #[cfg(not(target_arch = "wasm32"))]
    const ZH: &str = include_str!("../../static/guide.zh.json");

    /// An input as the page sends it, from what the pages save.
    fn input() -> GuideInput {
        let seen = held();
        GuideInput {
            id: 1,
            lang: Lang::En,
            connect: serde_json::to_string(&seen.connect).ok(),
            model: None,
            issued: serde_json::to_string(&seen.issued).ok(),
            certs: serde_json::to_string(&CertsForm {
                code: seen.code.clone(),
                ..CertsForm::default()
            })
            .ok(),
            has_secret: false,
            progress: Some(r#"["ca"]"#.into()),
        }
    }

    #[test]
    fn the_saved_state_reads_back_as_the_pages_save_it() {
        let (seen, progress, unreadable) = input().seen();
        assert!(unreadable.is_empty());
        assert_eq!(seen.code, " 0123abcd\n");
        assert_eq!(seen.issued, held().issued);
        assert!(progress.done(StepId::Ca));
        let mut bad = input();
        bad.connect = Some("{not json".into());
        let (seen, _, unreadable) = bad.seen();
        assert_eq!(unreadable, ["connect"]);
        assert_eq!(seen.check(StepId::Access).status, Status::Todo);
    }

    /// The shipped texts: both languages have every step, label, note and
    /// word of the page, every diagram is labelled for assistive
    /// technology, and nothing needs what the page's
    /// Content-Security-Policy forbids. Natively: the app's Chinese is
    /// compiled in only there.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_shipped_texts_are_complete_and_fit_the_policy() {
        for (name, text, lang) in [("en", EN, Lang::En), ("zh", ZH, Lang::Zh)] {
            let value: Value = serde_json::from_str(text).unwrap();
            // The words the page shares with the rest of the app are the
            // app's (the page puts "Copy" back after "Copied").
            let t = lang.texts();
            for (path, word) in [
                (["ui", "copy"], t.copy()),
                (["pages", "/connect"], t.nav_connection()),
                (["pages", "/model"], t.nav_model()),
                (["pages", "/certificates"], t.nav_certificates()),
                (["pages", "/console"], t.nav_console()),
            ] {
                assert_eq!(text_at(&value, &path), Ok(word), "{name}");
            }
            let mut paths: Vec<Vec<&str>> = vec![vec!["intro"]];
            for step in StepId::ALL {
                for field in ["title", "what", "tools"] {
                    paths.push(vec!["steps", step.key(), field]);
                }
            }
            paths.extend(Note::ALL.map(|n| vec!["notes", n.key()]));
            paths.extend(Label::ALL.map(|l| vec!["labels", l.key()]));
            for word in ["seen", "tick", "done", "warn", "todo", "unreadable"] {
                paths.push(vec!["ui", word]);
            }
            for path in paths {
                let found = text_at(&value, &path).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(!found.trim().is_empty(), "{name}: {path:?} is empty");
            }
            let svgs = text.matches("<svg").count();
            assert!(svgs >= 3, "{name}: the diagrams");
            assert_eq!(text.matches(r#"role=\"img\""#).count(), svgs, "{name}");
            assert_eq!(text.matches("<title").count(), svgs, "{name}");
            for forbidden in [
                "<script",
                " style=",
                "javascript:",
                "http:",
                "https:",
                "<img",
            ] {
                assert!(!text.contains(forbidden), "{name} has {forbidden:?}");
            }
            // No event handler attributes (` onclick=` and the like).
            for (at, _) in text.match_indices(" on") {
                let name: String = text[at + 3..]
                    .chars()
                    .take_while(char::is_ascii_alphabetic)
                    .collect();
                assert!(
                    !text[at + 3 + name.len()..].starts_with('='),
                    "{name}: an event handler at byte {at}"
                );
            }
            render(&input(), text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                GuideInput { lang, ..input() }.url(),
                format!("/guide.{name}.json")
            );
        }
        assert!(ZH.contains("验证证书") && !ZH.contains("Verification certificate"));
    }

    #[test]
    fn the_page_shows_the_checks_ticks_and_copyable_values() {
        let html = render(&input(), EN).unwrap();
        assert_eq!(
            html.matches(r#"<section class="card wide" id="guide-"#)
                .count(),
            8
        );
        assert!(html.contains(r#"data-step="ca" checked>"#));
        assert!(html.contains(r#"data-step="access">"#));
        assert!(html.contains(r#"<span class="badge ok" id="guide-verification-status">"#));
        let fingerprint = "AB".repeat(32);
        assert!(html.contains(&format!(
            r#"<output id="guide-register-fingerprint" class="value" aria-labelledby="guide-register-fingerprint-label">{fingerprint}</output><button type="button" class="copy" data-copy="{fingerprint}""#
        )));
        assert!(html.contains(r#"<a href="/model">→ Model</a>"#));
    }

    #[test]
    fn values_from_storage_are_escaped() {
        let mut input = input();
        input.connect = Some(
            r#"{"device_id":"p_<img src=x onerror=alert(1)>","host":"\"><script>x</script>"}"#
                .into(),
        );
        let html = render(&input, EN).unwrap();
        assert!(
            !html.contains("<img src=x") && !html.contains("<script>"),
            "{html}"
        );
        assert!(html.contains("p_&lt;img src=x onerror=alert(1)&gt;"));
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn bad_text_is_an_error_that_says_what_is_missing() {
        assert!(render(&input(), "<html>").is_err());
        let err = render(&input(), r#"{"intro":"x","steps":{},"ui":{"copy":"Copy"}}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the guide's text has nothing at steps.access.title"
        );
    }
}
