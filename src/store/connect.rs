//! State of the Connection page: what the user typed, as a reducer; the
//! Certificates page's state lives in [`super::certs`] (with its OpenSSL
//! command lines in [`super::openssl`]).
//!
//! Pure: no browser call, so it is tested natively. The page loads the saved
//! form in `use_reducer`'s initializer, feeds the clock in through
//! [`ConnectAction::Tick`] and saves [`ConnectState::saved`] after changes.

use iotda_core::text::{Message, Say};
use std::fmt;
use std::rc::Rc;

use iotda_core::credentials::{
    self, Credentials, Error as CredentialsError, Field, Password, SignType, Timestamp,
};
use iotda_core::endpoint::{self, Auth, Endpoint, EndpointError, Login, Sample, Transport};
use serde::{Deserialize, Serialize};
use yew::Reducible;

use crate::store::secrets::Secret;

/// Where the timestamp comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "mode", content = "text", rename_all = "lowercase")]
pub enum TimestampInput {
    /// Follows the current UTC hour.
    #[default]
    Current,
    /// Fixed to what the user typed (kept verbatim, valid or not).
    Fixed(String),
}

/// How the device authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// A password computed from the device secret.
    #[default]
    Secret,
    /// An X.509 device certificate in the TLS handshake; no password.
    X509,
}

impl AuthMode {
    /// Whether this is the default, secret mode (not written to storage,
    /// so a secret-mode form is stored as before the mode existed).
    pub fn is_secret(&self) -> bool {
        *self == Self::Secret
    }
}

/// The fields of the Connection page, as typed. `Debug` prints `[elided]`
/// for the secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConnectForm {
    /// Device id.
    pub device_id: String,
    /// Secret or X.509 certificate.
    #[serde(skip_serializing_if = "AuthMode::is_secret")]
    pub auth: AuthMode,
    /// Device secret (saved only when `remember_secret`).
    pub secret: String,
    /// Whether the secret is saved in this browser.
    pub remember_secret: bool,
    /// Sign type.
    pub sign_type: SignType,
    /// Timestamp source.
    pub timestamp: TimestampInput,
    /// Broker host.
    pub host: String,
    /// Transport.
    pub transport: Transport,
    /// Port, as typed.
    pub port: String,
    /// WebSocket path.
    pub path: String,
}

impl fmt::Debug for ConnectForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectForm")
            .field("device_id", &self.device_id)
            .field("auth", &self.auth)
            .field("secret", &"[elided]")
            .field("remember_secret", &self.remember_secret)
            .field("sign_type", &self.sign_type)
            .field("timestamp", &self.timestamp)
            .field("host", &self.host)
            .field("transport", &self.transport)
            .field("port", &self.port)
            .field("path", &self.path)
            .finish()
    }
}

impl Default for ConnectForm {
    fn default() -> Self {
        Self {
            device_id: String::new(),
            auth: AuthMode::Secret,
            secret: String::new(),
            remember_secret: false,
            sign_type: SignType::NoTimestampCheck,
            timestamp: TimestampInput::Current,
            host: endpoint::DEFAULT_HOST.to_owned(),
            transport: Transport::Mqtts,
            port: Transport::Mqtts.default_port().to_string(),
            path: endpoint::DEFAULT_WS_PATH.to_owned(),
        }
    }
}

/// Page state: the form plus what the clock said last.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectState {
    /// The form.
    pub form: ConnectForm,
    /// Current UTC hour, from the caller's clock (`None` if it is unusable).
    pub now: Option<Timestamp>,
    /// Whether the secret is shown in clear.
    pub show_secret: bool,
    /// Fields the user has typed in since the page opened: an empty field
    /// is reported as an error only once it has been touched.
    pub touched: Touched,
}

/// Which required fields have been typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Touched {
    /// The device id field.
    pub device_id: bool,
    /// The secret field.
    pub secret: bool,
}

/// A change to the page state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectAction {
    /// Device id typed.
    DeviceId(String),
    /// Authentication mode chosen.
    Auth(AuthMode),
    /// Secret typed (`Debug` prints `[elided]`).
    Secret(Secret),
    /// Show or hide the secret.
    ToggleShowSecret,
    /// Tick or untick "remember secret on this device".
    RememberSecret(bool),
    /// Sign type chosen.
    SignType(SignType),
    /// Timestamp typed: it stops following the clock.
    Timestamp(String),
    /// "Now": follow the current UTC hour again.
    UseCurrentHour,
    /// The clock's current UTC hour.
    Tick(Option<Timestamp>),
    /// Host typed or picked.
    Host(String),
    /// Transport chosen.
    Transport(Transport),
    /// Port typed.
    Port(String),
    /// WebSocket path typed.
    Path(String),
}

impl Reducible for ConnectState {
    type Action = ConnectAction;

    fn reduce(self: Rc<Self>, action: ConnectAction) -> Rc<Self> {
        let mut next = (*self).clone();
        let form = &mut next.form;
        match action {
            ConnectAction::DeviceId(v) => {
                form.device_id = v;
                next.touched.device_id = true;
            }
            ConnectAction::Auth(v) => form.auth = v,
            ConnectAction::Secret(v) => {
                v.expose().clone_into(&mut form.secret);
                next.touched.secret = true;
            }
            ConnectAction::ToggleShowSecret => next.show_secret = !next.show_secret,
            ConnectAction::RememberSecret(v) => form.remember_secret = v,
            ConnectAction::SignType(v) => form.sign_type = v,
            ConnectAction::Timestamp(v) => form.timestamp = TimestampInput::Fixed(v),
            ConnectAction::UseCurrentHour => form.timestamp = TimestampInput::Current,
            ConnectAction::Tick(now) => next.now = now,
            ConnectAction::Host(v) => form.host = v,
            ConnectAction::Transport(t) => {
                // A port left at the old transport's default follows the
                // new one: the local IoTDA's for a host on this computer.
                let old = form.transport;
                let defaults = [old.default_port(), old.local_port()].map(|p| p.to_string());
                if form.port.is_empty() || defaults.contains(&form.port) {
                    form.port = t.port_for(&form.host).to_string();
                }
                form.transport = t;
            }
            ConnectAction::Port(v) => form.port = v,
            ConnectAction::Path(v) => form.path = v,
        }
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

/// What the device presents in CONNECT, in either mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceLogin {
    /// `{device_id}_0_{sign_type}_{YYYYMMDDHH}` in both modes.
    pub client_id: String,
    /// The device id.
    pub username: String,
    /// The password, for a secret device only.
    pub password: Option<Password>,
    /// The hour in the ClientId.
    pub timestamp: Timestamp,
    /// The sign type in the ClientId.
    pub sign_type: SignType,
}

/// Everything the page shows that follows from the state.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    /// The timestamp text shown in its field.
    pub timestamp_text: String,
    /// The authentication mode.
    pub auth: AuthMode,
    /// Secret-mode credentials, or the first input error (in certificate
    /// mode, the error of the missing secret).
    pub credentials: Result<Credentials, CredentialsError>,
    /// What the device presents in the form's mode, or the first input
    /// error.
    pub login: Result<DeviceLogin, CredentialsError>,
    /// The endpoint, or what is wrong with it.
    pub endpoint: Result<Endpoint, EndpointError>,
    /// Every input error of the device fields, at most one a field.
    pub errors: Vec<CredentialsError>,
    /// Every endpoint error, at most one a field.
    pub endpoint_errors: Vec<EndpointError>,
    /// Which fields were typed in (see [`ConnectState::touched`]).
    pub touched: Touched,
}

impl Derived {
    /// The credential error about `field`, if any. "Empty" is not reported
    /// for a field the user has not typed in yet: a fresh form is not wrong.
    pub fn error_for(&self, field: Field) -> Option<Message> {
        self.errors
            .iter()
            .filter(|e| e.field() == field)
            .find(|e| match e {
                CredentialsError::EmptyDeviceId => self.touched.device_id,
                CredentialsError::EmptySecret => self.touched.secret,
                _ => true,
            })
            .map(Say::message)
    }

    /// The endpoint error `pick` selects (a field's), if any.
    pub fn endpoint_error(&self, pick: fn(&EndpointError) -> bool) -> Option<&EndpointError> {
        self.endpoint_errors.iter().find(|e| pick(e))
    }

    /// Warnings about `field` (secret rules, sign type 1 clock check).
    pub fn warnings_for(&self, field: Field, now: Option<Timestamp>) -> Vec<Message> {
        let Ok(login) = &self.login else {
            return Vec::new();
        };
        let secret_warnings = match (&self.credentials, self.auth) {
            (Ok(creds), AuthMode::Secret) => creds.warnings.as_slice(),
            _ => &[],
        };
        secret_warnings
            .iter()
            .cloned()
            .chain(
                now.and_then(|n| credentials::clock_warning(login.sign_type, login.timestamp, n)),
            )
            .filter(|w| w.field() == field)
            .map(|w| w.message())
            .collect()
    }

    /// The ready-to-paste settings, when credentials and endpoint are valid.
    pub fn settings(&self) -> Option<Settings> {
        let (Ok(device), Ok(endpoint)) = (&self.login, &self.endpoint) else {
            return None;
        };
        let login = Login {
            client_id: &device.client_id,
            username: &device.username,
            auth: device
                .password
                .as_ref()
                .map_or(Auth::Certificate, |p| Auth::Password(p.expose())),
        };
        let (topic, payload) = endpoint::sample_report(&device.username);
        let sample = Sample {
            topic: &topic,
            payload,
        };
        Some(Settings {
            url: endpoint.url(),
            mosquitto_pub: endpoint::mosquitto_pub(endpoint, &login, &sample)
                .map_err(|e| e.message()),
            mqttx: endpoint::mqttx_pub(endpoint, &login, &sample),
            iotda_kit: endpoint::iotda_kit_pub(endpoint, &login, &sample).map_err(|e| e.message()),
            mqttfx: endpoint::mqttfx_profile(endpoint, &login),
        })
    }
}

/// Settings for other MQTT clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Broker URL.
    pub url: String,
    /// `mosquitto_pub` command, or why there is none.
    pub mosquitto_pub: Result<String, Message>,
    /// MQTTX CLI command.
    pub mqttx: String,
    /// `iotda-kit pub` command, or why there is none.
    pub iotda_kit: Result<String, Message>,
    /// MQTT.fx profile fields.
    pub mqttfx: Vec<(&'static str, String)>,
}

impl ConnectState {
    /// State from a saved form (if any) and the current hour.
    pub fn restore(saved: Option<ConnectForm>, now: Option<Timestamp>) -> Self {
        Self {
            form: saved.unwrap_or_default(),
            now,
            show_secret: false,
            touched: Touched::default(),
        }
    }

    /// The form as it may be stored: without the secret unless the user
    /// asked to remember it.
    pub fn saved(&self) -> ConnectForm {
        let mut form = self.form.clone();
        if !form.remember_secret {
            form.secret.clear();
        }
        form
    }

    /// Computes everything shown from the fields.
    pub fn derive(&self) -> Derived {
        let form = &self.form;
        let timestamp_text = match &form.timestamp {
            TimestampInput::Fixed(text) => text.clone(),
            TimestampInput::Current => self.now.map(|t| t.to_string()).unwrap_or_default(),
        };
        let timestamp = Timestamp::parse(&timestamp_text).map_err(CredentialsError::from);
        let errors: Vec<CredentialsError> = [
            credentials::check_device_id(&form.device_id).err(),
            (form.auth == AuthMode::Secret && form.secret.is_empty())
                .then_some(CredentialsError::EmptySecret),
            timestamp.as_ref().err().cloned(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let credentials = timestamp
            .clone()
            .and_then(|ts| Credentials::compute(&form.device_id, &form.secret, form.sign_type, ts));
        let login = match form.auth {
            AuthMode::Secret => credentials.clone().map(|c| DeviceLogin {
                client_id: c.client_id,
                username: c.username,
                password: Some(c.password),
                timestamp: c.timestamp,
                sign_type: c.sign_type,
            }),
            AuthMode::X509 => timestamp.and_then(|ts| {
                Ok(DeviceLogin {
                    client_id: credentials::client_id(&form.device_id, form.sign_type, ts)?,
                    username: form.device_id.clone(),
                    password: None,
                    timestamp: ts,
                    sign_type: form.sign_type,
                })
            }),
        };
        let auth = match form.auth {
            AuthMode::Secret => Auth::Password(""),
            AuthMode::X509 => Auth::Certificate,
        };
        // A port that does not parse is its field's error; the other
        // fields are still checked, with a stand-in port.
        let port = endpoint::parse_port(&form.port);
        let candidate = Endpoint {
            host: form.host.clone(),
            transport: form.transport,
            port: *port.as_ref().unwrap_or(&1),
            path: form.path.clone(),
        };
        let endpoint_errors: Vec<EndpointError> = port
            .as_ref()
            .err()
            .cloned()
            .into_iter()
            .chain(candidate.problems(&auth))
            .collect();
        let endpoint = match endpoint_errors.first() {
            Some(e) => Err(e.clone()),
            None => Ok(candidate),
        };
        Derived {
            timestamp_text,
            auth: form.auth,
            credentials,
            login,
            endpoint,
            errors,
            endpoint_errors,
            touched: self.touched,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::messages::english::English as _;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn apply(state: ConnectState, actions: Vec<ConnectAction>) -> ConnectState {
        let mut rc = Rc::new(state);
        for a in actions {
            rc = rc.reduce(a);
        }
        (*rc).clone()
    }

    #[test]
    fn debug_of_the_form_and_its_actions_elides_the_secret() {
        let state = apply(
            ConnectState::default(),
            vec![ConnectAction::Secret("s3cret-typed".into())],
        );
        assert_eq!(state.form.secret, "s3cret-typed");
        for shown in [
            format!("{state:?}"),
            format!("{:?}", ConnectAction::Secret("s3cret-typed".into())),
        ] {
            assert!(!shown.contains("s3cret-typed"), "{shown}");
            assert!(shown.contains("[elided]"), "{shown}");
        }
    }

    #[test]
    fn typing_computes_the_published_vector() {
        let s = apply(
            ConnectState::restore(None, Some(ts("2026112813"))),
            vec![
                ConnectAction::DeviceId("5f8d_node1".into()),
                ConnectAction::Secret("12345678".into()),
                ConnectAction::Timestamp("2025041401".into()),
            ],
        );
        let d = s.derive();
        let c = d.credentials.unwrap();
        assert_eq!(c.client_id, "5f8d_node1_0_0_2025041401");
        assert_eq!(
            c.password.expose(),
            "c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a"
        );
    }

    #[test]
    fn timestamp_follows_the_clock_until_typed_and_after_now() {
        let mut s = ConnectState::restore(None, Some(ts("2026112813")));
        assert_eq!(s.derive().timestamp_text, "2026112813");
        s = apply(s, vec![ConnectAction::Tick(Some(ts("2026112814")))]);
        assert_eq!(s.derive().timestamp_text, "2026112814");
        s = apply(s, vec![ConnectAction::Timestamp("2025041401".into())]);
        s = apply(s, vec![ConnectAction::Tick(Some(ts("2026112815")))]);
        assert_eq!(s.derive().timestamp_text, "2025041401");
        s = apply(s, vec![ConnectAction::UseCurrentHour]);
        assert_eq!(s.derive().timestamp_text, "2026112815");
    }

    #[test]
    fn errors_land_on_their_fields() {
        let s = apply(
            ConnectState::restore(None, Some(ts("2026112813"))),
            vec![
                ConnectAction::DeviceId("a b".into()),
                ConnectAction::Secret("12345678".into()),
            ],
        );
        let d = s.derive();
        assert!(d.error_for(Field::DeviceId).unwrap().contains("position 2"));
        assert_eq!(d.error_for(Field::Secret), None);
        let s = apply(
            s,
            vec![
                ConnectAction::DeviceId("ab".into()),
                ConnectAction::Timestamp("2025023001".into()),
            ],
        );
        assert_eq!(
            s.derive().error_for(Field::Timestamp).unwrap().to_string(),
            "timestamp day 30 does not exist in 2025-02"
        );
        assert_eq!(s.derive().settings(), None);
    }

    #[test]
    fn a_transport_on_this_computer_takes_the_local_platforms_port() {
        let s = apply(
            ConnectState::restore(None, Some(ts("2026112813"))),
            vec![
                ConnectAction::Host("127.0.0.1".into()),
                ConnectAction::Transport(Transport::Ws),
            ],
        );
        assert_eq!(s.form.port, "9001");
        let s = apply(s, vec![ConnectAction::Transport(Transport::Wss)]);
        assert_eq!(s.form.port, "8443");
        let s = apply(
            s,
            vec![
                ConnectAction::Host(endpoint::LEGACY_HOST.into()),
                ConnectAction::Transport(Transport::Mqtts),
            ],
        );
        assert_eq!(s.form.port, "8883");
        let s = apply(s, vec![ConnectAction::Transport(Transport::Wss)]);
        assert_eq!(s.form.port, "443");
        // A port the user typed stays.
        let s = apply(
            s,
            vec![
                ConnectAction::Port("9443".into()),
                ConnectAction::Transport(Transport::Mqtts),
            ],
        );
        assert_eq!(s.form.port, "9443");
    }

    #[test]
    fn every_field_shows_its_own_error_at_once() {
        let s = apply(
            ConnectState::restore(None, Some(ts("2026112813"))),
            vec![
                ConnectAction::DeviceId("bad id".into()),
                ConnectAction::Secret("x".into()),
                ConnectAction::Secret(Secret::default()),
                ConnectAction::Timestamp("2025023001".into()),
                ConnectAction::Host("bad host".into()),
                ConnectAction::Transport(Transport::Ws),
                ConnectAction::Port("0x".into()),
                ConnectAction::Path("mqtt".into()),
            ],
        );
        let derived = s.derive();
        for field in [Field::DeviceId, Field::Secret, Field::Timestamp] {
            assert!(derived.error_for(field).is_some(), "{field:?}");
        }
        assert_eq!(derived.errors.len(), 3);
        assert!(derived.endpoint_error(|e| e.is_port()).is_some());
        assert!(derived.endpoint_error(|e| e.is_path()).is_some());
        assert!(derived
            .endpoint_error(|e| !e.is_port() && !e.is_path() && !e.is_transport())
            .is_some());
        assert_eq!(derived.endpoint_errors.len(), 3);
        assert_eq!(
            derived.endpoint.as_ref().unwrap_err(),
            &derived.endpoint_errors[0]
        );
        assert_eq!(derived.settings(), None);
    }

    #[test]
    fn empty_fields_are_errors_only_once_touched() {
        let fresh = ConnectState::restore(None, Some(ts("2026112813")));
        assert_eq!(fresh.derive().error_for(Field::DeviceId), None);
        assert!(fresh.derive().credentials.is_err());
        let s = apply(
            fresh,
            vec![
                ConnectAction::DeviceId("x".into()),
                ConnectAction::DeviceId(String::new()),
            ],
        );
        assert!(s
            .derive()
            .error_for(Field::DeviceId)
            .unwrap()
            .starts_with("device id is empty"));
        let s = apply(s, vec![ConnectAction::DeviceId("d".into())]);
        assert_eq!(s.derive().error_for(Field::Secret), None);
        let s = apply(s, vec![ConnectAction::Secret(Secret::default())]);
        assert!(s.derive().error_for(Field::Secret).is_some());
    }

    #[test]
    fn warnings_for_secret_and_stale_sign_type_one() {
        let s = apply(
            ConnectState::restore(None, Some(ts("2026112813"))),
            vec![
                ConnectAction::DeviceId("d".into()),
                ConnectAction::Secret("short".into()),
                ConnectAction::SignType(SignType::CheckTimestamp),
                ConnectAction::Timestamp("2026112810".into()),
            ],
        );
        let d = s.derive();
        assert_eq!(d.warnings_for(Field::Secret, s.now).len(), 1);
        let ts_warn = d.warnings_for(Field::Timestamp, s.now);
        assert_eq!(ts_warn.len(), 1);
        assert!(ts_warn[0].contains("3 hour(s) behind"), "{ts_warn:?}");
    }

    #[test]
    fn transport_change_moves_a_default_port_only() {
        let s = apply(
            ConnectState::default(),
            vec![ConnectAction::Transport(Transport::Wss)],
        );
        assert_eq!(s.form.port, "443");
        let s = apply(
            s,
            vec![
                ConnectAction::Port("9443".into()),
                ConnectAction::Transport(Transport::Mqtts),
            ],
        );
        assert_eq!(s.form.port, "9443");
    }

    #[test]
    fn a_fresh_form_asks_for_the_instance_prefix_and_does_not_connect() {
        let s = apply(
            ConnectState::restore(None, Some(ts("2026112813"))),
            vec![
                ConnectAction::DeviceId("p_n".into()),
                ConnectAction::Secret("12345678".into()),
            ],
        );
        assert_eq!(s.form.host, endpoint::DEFAULT_HOST);
        assert_eq!(
            s.derive().endpoint.unwrap_err(),
            endpoint::EndpointError::HostPlaceholder
        );
        assert!(s.derive().settings().is_none());
        let s = apply(
            s,
            vec![ConnectAction::Host(
                endpoint::DEFAULT_HOST.replace("{prefix}", "a1b2c3"),
            )],
        );
        assert!(s.derive().settings().is_some());
    }

    #[test]
    fn a_stored_form_keeps_its_host() {
        let stored = r#"{"device_id":"d","host":"iot-mqtts.cn-north-4.myhuaweicloud.com"}"#;
        let form: ConnectForm = serde_json::from_str(stored).unwrap();
        assert_eq!(form.host, endpoint::LEGACY_HOST);
        let form: ConnectForm = serde_json::from_str(r#"{"host":"10.0.0.2"}"#).unwrap();
        assert_eq!(form.host, "10.0.0.2");
    }

    #[test]
    fn endpoint_errors_and_settings() {
        let s = apply(
            ConnectState::restore(None, Some(ts("2026112813"))),
            vec![
                ConnectAction::DeviceId("p_n".into()),
                ConnectAction::Secret("12345678".into()),
                ConnectAction::Host(endpoint::LEGACY_HOST.into()),
                ConnectAction::Port("99999".into()),
            ],
        );
        assert!(s.derive().endpoint.unwrap_err().is_port());
        let s = apply(s, vec![ConnectAction::Port("8883".into())]);
        let settings = s.derive().settings().unwrap();
        assert_eq!(
            settings.url,
            "mqtts://iot-mqtts.cn-north-4.myhuaweicloud.com:8883"
        );
        assert!(settings
            .mosquitto_pub
            .unwrap()
            .contains("-t '$oc/devices/p_n/sys/properties/report'"));
        let s = apply(s, vec![ConnectAction::Transport(Transport::Wss)]);
        let settings = s.derive().settings().unwrap();
        assert!(settings.mosquitto_pub.is_err());
        assert!(settings.mqttx.contains("-l wss --path /mqtt"));
    }

    #[test]
    fn secret_is_saved_only_when_remembered() {
        let s = apply(
            ConnectState::default(),
            vec![
                ConnectAction::DeviceId("d".into()),
                ConnectAction::Secret("12345678".into()),
            ],
        );
        assert_eq!(s.saved().secret, "");
        assert_eq!(s.saved().device_id, "d");
        let s = apply(s, vec![ConnectAction::RememberSecret(true)]);
        assert_eq!(s.saved().secret, "12345678");
        // The saved form restores everything, with the clock given anew.
        let json = serde_json::to_string(&s.saved()).unwrap();
        let back: ConnectForm = serde_json::from_str(&json).unwrap();
        let restored = ConnectState::restore(Some(back), None);
        assert_eq!(restored.form, s.form);
    }

    #[test]
    fn old_or_partial_saved_forms_still_load() {
        let form: ConnectForm = serde_json::from_str(r#"{"device_id":"x"}"#).unwrap();
        assert_eq!(form.device_id, "x");
        assert_eq!(form.auth, AuthMode::Secret);
        assert_eq!(form.transport, Transport::Mqtts);
    }

    #[test]
    fn certificate_mode_has_no_password_and_needs_no_secret() {
        let s = apply(
            ConnectState::restore(None, Some(ts("2026112813"))),
            vec![
                ConnectAction::DeviceId("p_n".into()),
                ConnectAction::Host(endpoint::LEGACY_HOST.into()),
                ConnectAction::Timestamp("2025041401".into()),
                ConnectAction::Auth(AuthMode::X509),
            ],
        );
        let d = s.derive();
        let login = d.login.clone().unwrap();
        assert_eq!(login.client_id, "p_n_0_0_2025041401");
        assert_eq!(login.username, "p_n");
        assert_eq!(login.password, None);
        assert_eq!(d.error_for(Field::Secret), None);
        let settings = d.settings().unwrap();
        let cmd = settings.mosquitto_pub.unwrap();
        assert!(
            cmd.contains("--cert deviceCert.pem --key deviceCert.key"),
            "{cmd}"
        );
        assert!(!cmd.contains(" -P ") && !settings.mqttx.contains(" -P "));
        let kit = settings.iotda_kit.unwrap();
        assert!(
            kit.contains("--cert deviceCert.pem --key deviceCert.key"),
            "{kit}"
        );
        assert!(!kit.contains("--password"), "{kit}");
        assert!(settings.mqttfx.contains(&("Password", String::new())));
        // A certificate needs TLS; the error is on the transport.
        let s = apply(s, vec![ConnectAction::Transport(Transport::Mqtt)]);
        assert!(s.derive().endpoint.unwrap_err().is_transport());
        // Back to secret mode, the secret is asked for again.
        let s = apply(
            s,
            vec![
                ConnectAction::Auth(AuthMode::Secret),
                ConnectAction::Secret(Secret::default()),
            ],
        );
        assert!(s.derive().error_for(Field::Secret).is_some());
    }

    #[test]
    fn the_mode_is_stored_only_when_not_secret() {
        let secret = serde_json::to_value(ConnectForm::default()).unwrap();
        assert_eq!(
            secret.get("auth"),
            None,
            "secret-mode forms store as before"
        );
        let form = ConnectForm {
            auth: AuthMode::X509,
            ..ConnectForm::default()
        };
        let json = serde_json::to_string(&form).unwrap();
        assert!(json.contains(r#""auth":"x509""#), "{json}");
        let back: ConnectForm = serde_json::from_str(&json).unwrap();
        assert_eq!(back, form);
    }

    #[test]
    fn unchanged_state_keeps_its_rc() {
        let rc = Rc::new(ConnectState::default());
        let same = rc
            .clone()
            .reduce(ConnectAction::Host(endpoint::DEFAULT_HOST.to_owned()));
        assert!(Rc::ptr_eq(&rc, &same));
    }
}
