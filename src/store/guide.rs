//! The Guide page's logic: the eight onboarding steps, the live check of
//! each from what the other pages left in the workspace, the user's own
//! ticks, and the guide's text.
//!
//! Pure: the page builds a [`Seen`] from the typed workspace and renders
//! the [`Check`] of each step; nothing here calls the browser, so it is
//! tested natively. Every word of the Guide, in its language, is in
//! `static/guide.{en,zh}.json` ([`GuideText`]), fetched when the Guide
//! opens so that the first load holds none of it: the prose of each step
//! (what to do, why, the OpenSSL and MQTT.fx equivalents) in a small
//! markup read by [`prose`], the labels and the sentences of the checks (by
//! [`Note::key`] and [`Label::key`]). The diagrams are SVG files of their
//! own, one per language ([`figure_url`]).
//!
//! ```text
//! page: workspace ─▶ Seen::check ─▶ Check ─▶ Yew components
//! page: fetch /guide.{lang}.json ─▶ GuideText ─▶ prose() ─▶ Block ─▶ Yew components
//! ```

use std::collections::HashMap;

use iotda_core::endpoint::{self, shell_quote, Transport};
use iotda_core::iotda::{default_model, ProductModel};

use super::certs::{common_name, IssuedPublic, PublicCert};
use super::connect::ConnectForm;
use crate::i18n::Lang;

mod local;
pub use local::{Listeners, OnPlatform};

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
    /// The local platform has no MQTTS listener (device access is off).
    NoMqtts,
    /// No product on the local platform.
    NoProduct,
    /// The platform's product has no service in its model.
    EmptyProduct,
    /// No device CA on the local platform.
    CaNotUploaded,
    /// The platform's CAs are not the one the Certificates page holds.
    CaNotHeld,
    /// The CA is uploaded but not verified.
    CaNotVerified,
    /// No device on the local platform.
    NotRegistered,
    /// The platform holds another fingerprint than the device
    /// certificate's.
    FingerprintMismatch,
    /// The device never connected.
    NotOnline,
    /// The device was connected and is offline now.
    Offline,
    /// The command reads the device's secret from `IOTDA_SECRET`.
    SecretFromEnv,
    /// No property report received yet.
    NoData,
    /// The last report had data the model does not allow.
    DataDropped,
}

impl Note {
    /// Its key under `notes` in the fetched text.
    pub fn key(self) -> &'static str {
        match self {
            Self::NoConnection => "no_connection",
            Self::BadHost => "bad_host",
            Self::DefaultHost => "default_host",
            Self::NoModel => "no_model",
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
            Self::NoMqtts => "no_mqtts",
            Self::NoProduct => "no_product",
            Self::EmptyProduct => "empty_product",
            Self::CaNotUploaded => "ca_not_uploaded",
            Self::CaNotHeld => "ca_not_held",
            Self::CaNotVerified => "ca_not_verified",
            Self::NotRegistered => "not_registered",
            Self::FingerprintMismatch => "fingerprint_mismatch",
            Self::NotOnline => "not_online",
            Self::Offline => "offline",
            Self::SecretFromEnv => "secret_from_env",
            Self::NoData => "no_data",
            Self::DataDropped => "data_dropped",
        }
    }

    /// Every note, for checks of the fetched text.
    pub const ALL: [Note; 27] = [
        Self::NoConnection,
        Self::BadHost,
        Self::DefaultHost,
        Self::NoModel,
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
        Self::NoMqtts,
        Self::NoProduct,
        Self::EmptyProduct,
        Self::CaNotUploaded,
        Self::CaNotHeld,
        Self::CaNotVerified,
        Self::NotRegistered,
        Self::FingerprintMismatch,
        Self::NotOnline,
        Self::Offline,
        Self::SecretFromEnv,
        Self::NoData,
        Self::DataDropped,
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
    /// The command that starts the bridge for the Console.
    Bridge,
    /// Where the platform CA the device trusts comes from.
    PlatformCa,
    /// The property report topic.
    Topic,
    /// A sample property report.
    Sample,
    /// A product's id on the local platform.
    Product,
    /// A device's status on the local platform.
    Status,
    /// When the local platform received the last report.
    LastReport,
    /// The command line that connects the device as a simulated one.
    Simulate,
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
            Self::Bridge => "bridge",
            Self::PlatformCa => "platform_ca",
            Self::Topic => "topic",
            Self::Sample => "sample",
            Self::Product => "product",
            Self::Status => "platform_status",
            Self::LastReport => "last_report",
            Self::Simulate => "simulate",
        }
    }

    /// Every label, for checks of the fetched text.
    pub const ALL: [Label; 21] = [
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
        Self::Bridge,
        Self::PlatformCa,
        Self::Topic,
        Self::Sample,
        Self::Product,
        Self::Status,
        Self::LastReport,
        Self::Simulate,
    ];
}

/// Where the Guide's steps are done: Huawei's IoTDA console, or the local
/// platform's Platform page (`iotda-kit platform`). The user's choice,
/// kept in the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// Huawei Cloud IoTDA: the console's words, checks of the workspace.
    #[default]
    Huawei,
    /// The local platform: the Platform page's words, checks of the
    /// platform's state.
    Local,
}

impl Target {
    /// Every target, in the order offered.
    pub const ALL: [Target; 2] = [Self::Huawei, Self::Local];

    /// Its name in storage, in the fetched text and in element ids.
    pub fn key(self) -> &'static str {
        match self {
            Self::Huawei => "huawei",
            Self::Local => "local",
        }
    }

    /// The target stored as `key`; Huawei for anything else (none stored,
    /// or a later version's).
    pub fn from_key(key: &str) -> Self {
        if key == Self::Local.key() {
            Self::Local
        } else {
            Self::Huawei
        }
    }
}

/// The Guide's lasting state: the user's ticks and the chosen target.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GuideState {
    /// The steps ticked.
    pub ticks: Progress,
    /// Where the steps are done.
    pub target: Target,
}

impl GuideState {
    /// Whether `step` is ticked.
    pub fn done(&self, step: StepId) -> bool {
        self.ticks.done(step)
    }
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

/// What the other pages left in the workspace, as the Guide reads it.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// The Connection form, without the secret (`None` while it is a new
    /// user's).
    pub connect: Option<ConnectForm>,
    /// The Model page's model (`None`: none yet).
    pub model: Option<ProductModel>,
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
        // Huawei's package: the page it is downloaded from; the local
        // platform: its own CA's file.
        let ca = match endpoint::platform_ca(host) {
            endpoint::PlatformCa::Local => Some("tls/platform-ca.crt"),
            other => other.download_page(),
        };
        let mut shown_rows = vec![copyable(Label::Host, host), shown(Label::Ports, ports())];
        shown_rows.extend(ca.map(|ca| copyable(Label::PlatformCa, ca)));
        Check::from_notes(notes, shown_rows)
    }

    fn product(&self) -> Check {
        let model = match &self.model {
            None => return Check::todo(Note::NoModel),
            Some(model) => model,
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
            values.push(copyable(
                Label::Bridge,
                format!(
                    "iotda-kit bridge --host {} --cert deviceCert.pem --key deviceCert.key",
                    shell_quote(host)
                ),
            ));
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

/// Every word of the Guide in one language, by key (`intro`,
/// `{step}.title`, `{step}.what`, `{step}.tools`, `ui.*`, `label.*`,
/// `note.*`, `figure.{name}.caption`, `figure.{name}.alt`), as fetched from
/// [`GuideText::url`]. The prose is in the markup [`prose`] reads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GuideText(HashMap<String, String>);

impl GuideText {
    /// Reads the fetched file: a JSON object of texts (the same shape as
    /// the Chinese messages' file, so the page's wasm reads both with one
    /// reader).
    pub fn from_json(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes).map(Self)
    }

    /// The text of `key`, or the key itself when the file lacks it (a test
    /// checks that both shipped files have every key).
    pub fn get(&self, key: &str) -> String {
        self.0.get(key).map_or_else(|| key.to_owned(), Clone::clone)
    }

    /// Where the text of `lang` is (a path on the page's origin; trunk
    /// copies `static/guide.*.json` there).
    pub fn url(lang: Lang) -> &'static str {
        match lang {
            Lang::En => "/guide.en.json",
            Lang::Zh => "/guide.zh.json",
        }
    }
}

/// Where the diagram `name` in `lang` is (`static/guide-{name}.{lang}.svg`).
pub fn figure_url(name: &str, lang: Lang) -> String {
    let lang = match lang {
        Lang::En => "en",
        Lang::Zh => "zh",
    };
    format!("/guide-{name}.{lang}.svg")
}

/// A run of text in a paragraph, a heading or a list item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    /// Plain text.
    Text(String),
    /// `` `code` ``: a command, a file or a value to type.
    Code(String),
    /// `**strong**`.
    Strong(String),
    /// `*em*`: the name of something on screen.
    Em(String),
}

/// A block of the Guide's prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A line of text.
    Paragraph(Vec<Span>),
    /// `#### heading`.
    Heading(Vec<Span>),
    /// Lines between two lines of ```` ``` ````, kept as they are.
    Code(String),
    /// Consecutive `- item` lines.
    List(Vec<Vec<Span>>),
    /// Consecutive `![name]` lines: diagrams side by side, by name.
    Figures(Vec<String>),
}

/// The blocks of `text`: one paragraph per line, a heading per `#### `
/// line, a list of consecutive `- ` lines, code between ```` ``` ````
/// lines, diagrams by `![name]` lines; blank lines only separate.
pub fn prose(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = text.lines();
    // Whether the line before was a list item or a figure (the next one of
    // the same kind joins it).
    let mut joins = false;
    while let Some(line) = lines.next() {
        let joined = joins;
        joins = false;
        if line == "```" {
            let code: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            blocks.push(Block::Code(code.join("\n")));
        } else if let Some(heading) = line.strip_prefix("#### ") {
            blocks.push(Block::Heading(spans(heading)));
        } else if let Some(item) = line.strip_prefix("- ") {
            joins = true;
            match blocks.last_mut() {
                Some(Block::List(items)) if joined => items.push(spans(item)),
                _ => blocks.push(Block::List(vec![spans(item)])),
            }
        } else if let Some(name) = line.strip_prefix("![").and_then(|l| l.strip_suffix(']')) {
            joins = true;
            match blocks.last_mut() {
                Some(Block::Figures(names)) if joined => names.push(name.to_owned()),
                _ => blocks.push(Block::Figures(vec![name.to_owned()])),
            }
        } else if !line.trim().is_empty() {
            blocks.push(Block::Paragraph(spans(line)));
        }
    }
    blocks
}

/// The runs of one line: `` `code` ``, `**strong**`, `*em*` and plain
/// text between them (a mark never closed is plain text).
fn spans(line: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find(['`', '*']) {
        let after = &rest[at..];
        let (mark, make): (&str, fn(String) -> Span) = if after.starts_with('`') {
            ("`", Span::Code)
        } else if after.starts_with("**") {
            ("**", Span::Strong)
        } else {
            ("*", Span::Em)
        };
        let inner = &after[mark.len()..];
        let Some(end) = inner.find(mark) else {
            break;
        };
        if at > 0 {
            out.push(Span::Text(rest[..at].to_owned()));
        }
        out.push(make(inner[..end].to_owned()));
        rest = &inner[end + mark.len()..];
    }
    if !rest.is_empty() {
        out.push(Span::Text(rest.to_owned()));
    }
    out
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

    pub(super) fn held() -> Seen {
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
        // "Obtaining Resources", where Beijing4's standard edition package is.
        assert_eq!(check.shown[2].label, Label::PlatformCa);
        assert_eq!(check.shown[2].text, endpoint::OBTAINING_RESOURCES);
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
        seen.model = Some(default_model());
        let check = seen.check(StepId::Product);
        assert_eq!(check.notes, [Note::ExampleModel]);
        assert_eq!(check.shown[0].text, "2");
        let mut model = default_model();
        model.service_capabilities.truncate(1);
        let properties = model.service_capabilities[0].properties.len();
        seen.model = Some(model);
        let check = seen.check(StepId::Product);
        assert_eq!(check.status, Status::Done);
        assert_eq!(check.shown[1].text, properties.to_string());
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
    fn connect_gives_the_bridge_and_cli_lines_for_x509_and_report_the_topic() {
        let seen = held();
        let check = seen.check(StepId::Connect);
        assert_eq!(check.status, Status::Done);
        assert_eq!(
            check.shown[0].text,
            "iotda-kit bridge --host abc.st1.iotda-device.cn-north-4.myhuaweicloud.com \
             --cert deviceCert.pem --key deviceCert.key"
        );
        assert_eq!(
            check.shown[1].text,
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

    const EN: &[u8] = include_bytes!("../../static/guide.en.json");
    const ZH: &[u8] = include_bytes!("../../static/guide.zh.json");

    /// Every key the page asks for, and the diagrams the prose names.
    fn keys(text: &GuideText) -> (Vec<String>, Vec<String>) {
        let mut keys = vec![
            "intro".to_owned(),
            "local.intro".to_owned(),
            "local.not_served".to_owned(),
        ];
        for step in StepId::ALL {
            for field in ["title", "what", "tools"] {
                keys.push(format!("{}.{field}", step.key()));
            }
            keys.push(format!("local.{}.what", step.key()));
        }
        keys.extend(Target::ALL.map(|t| format!("ui.target.{}", t.key())));
        keys.push("ui.target".to_owned());
        keys.extend(Note::ALL.map(|n| format!("note.{}", n.key())));
        keys.extend(Label::ALL.map(|l| format!("label.{}", l.key())));
        keys.extend(["seen", "tick", "done", "warn", "todo"].map(|w| format!("ui.{w}")));
        let mut figures = Vec::new();
        for key in &keys {
            for block in prose(&text.get(key)) {
                if let Block::Figures(names) = block {
                    figures.extend(names);
                }
            }
        }
        for name in &figures {
            keys.push(format!("figure.{name}.caption"));
            keys.push(format!("figure.{name}.alt"));
        }
        (keys, figures)
    }

    /// The shipped texts: both languages have every text the page shows
    /// and nothing else, every mark of the prose is closed, every diagram
    /// named is a file in both languages, labelled and without script.
    #[test]
    fn the_shipped_texts_are_complete_and_their_diagrams_exist() {
        for (lang, bytes) in [(Lang::En, EN), (Lang::Zh, ZH)] {
            let text = GuideText::from_json(bytes).expect("the guide's text reads");
            let (keys, figures) = keys(&text);
            let mut unused: Vec<&String> = text.0.keys().filter(|k| !keys.contains(k)).collect();
            unused.sort();
            assert!(unused.is_empty(), "{lang:?}: unused {unused:?}");
            for key in &keys {
                let found = text.0.get(key);
                assert!(
                    found.is_some_and(|t| !t.trim().is_empty()),
                    "{lang:?}: nothing at {key}"
                );
                for block in prose(&text.get(key)) {
                    let spans = match block {
                        Block::Paragraph(s) | Block::Heading(s) => s,
                        Block::List(items) => items.concat(),
                        Block::Code(_) | Block::Figures(_) => Vec::new(),
                    };
                    for span in spans {
                        if let Span::Text(t) = span {
                            assert!(!t.contains(['`', '*']), "{lang:?} {key}: {t}");
                        }
                    }
                }
            }
            assert_eq!(figures.len(), 3, "{lang:?}: the diagrams");
            for name in figures {
                let path = format!(
                    "{}/static{}",
                    env!("CARGO_MANIFEST_DIR"),
                    figure_url(&name, lang)
                );
                let svg = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
                assert!(
                    svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
                    "{path}"
                );
                assert!(svg.contains("<title"), "{path}");
                assert!(!svg.contains("<script"), "{path}");
                // No event handler attributes (` onload=` and the like).
                for (at, _) in svg.match_indices(" on") {
                    let rest = svg[at + 3..].trim_start_matches(|c: char| c.is_ascii_alphabetic());
                    assert!(!rest.starts_with('='), "{path}: a handler at byte {at}");
                }
            }
        }
        let zh = GuideText::from_json(ZH).expect("zh");
        assert!(zh.get("verification.title").contains("验证证书"));
        assert_eq!(GuideText::url(Lang::Zh), "/guide.zh.json");
    }

    #[test]
    fn prose_reads_paragraphs_headings_lists_code_and_figures() {
        let text = "**Do:** open *Overview*, copy `host`.\n\n#### OpenSSL\n```\nopenssl x509 \\\n  -in a.pem\n```\n- one\n- `two`\n\n- three\n![one-way]\n![two-way]\nan *unclosed mark";
        assert_eq!(
            prose(text),
            [
                Block::Paragraph(vec![
                    Span::Strong("Do:".into()),
                    Span::Text(" open ".into()),
                    Span::Em("Overview".into()),
                    Span::Text(", copy ".into()),
                    Span::Code("host".into()),
                    Span::Text(".".into()),
                ]),
                Block::Heading(vec![Span::Text("OpenSSL".into())]),
                Block::Code("openssl x509 \\\n  -in a.pem".into()),
                Block::List(vec![
                    vec![Span::Text("one".into())],
                    vec![Span::Code("two".into())]
                ]),
                Block::List(vec![vec![Span::Text("three".into())]]),
                Block::Figures(vec!["one-way".into(), "two-way".into()]),
                Block::Paragraph(vec![Span::Text("an *unclosed mark".into())]),
            ]
        );
        assert_eq!(figure_url("flow", Lang::En), "/guide-flow.en.svg");
    }

    #[test]
    fn a_missing_text_shows_its_key() {
        let text = GuideText::from_json(br#"{"intro": "Hello"}"#).expect("a map");
        assert_eq!(text.get("intro"), "Hello");
        assert_eq!(text.get("ca.title"), "ca.title");
        assert!(GuideText::from_json(b"[1]").is_err());
    }
}
