//! The Console's "Local platform" preset: the Connection page's form for a
//! device registered on the local platform (`iotda-kit platform`), read
//! from the page's session (where devices connect over WebSocket) and
//! ShowDevice's answer (the device's secret). The Console then fills
//! itself from that form as from the Connection page.
//!
//! Pure, so it is tested natively; the page fetches
//! ([`crate::pages::console`]).

use iotda_core::endpoint::{Transport, DEFAULT_WS_PATH};
use iotda_core::text::Message;
use serde::Deserialize;

use crate::messages::keys::local_platform as key;
use crate::store::connect::{AuthMode, ConnectForm, TimestampInput};
use crate::store::platform::{parse, Session};
use iotda_core::credentials::SignType;

/// Where the platform serves its CA certificate (docs/platform-api.md).
pub const PLATFORM_CA_PATH: &str = "/platform-ca.crt";

/// What the Console fills in for a device of the local platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    /// The Connection page's form for the device (its secret in it).
    pub form: ConnectForm,
    /// What the Console says it did.
    pub note: Message,
}

/// ShowDevice's answer, as far as the preset reads it.
#[derive(Deserialize)]
struct Shown {
    device_id: String,
    auth_info: ShownAuth,
}

/// ShowDevice's `auth_info`.
#[derive(Deserialize)]
struct ShownAuth {
    auth_type: String,
    #[serde(default)]
    secret: Option<String>,
    #[serde(default)]
    secure_access: bool,
}

/// The form for the device ShowDevice answered with `body`: a secret
/// device connects over `ws://`, or over `wss://` when it is registered
/// with `secure_access` (the platform refuses it on its plain listeners);
/// sign type 0, so the password stays valid across hours (our choice). A
/// certificate device is refused: a page cannot present a certificate.
pub fn fill(session: &Session, body: &str) -> Result<Filled, Message> {
    let shown: Shown = parse(body)?;
    let device = shown.device_id;
    if shown.auth_info.auth_type != "SECRET" {
        return Err(Message::new(key::CERTIFICATE_DEVICE).with("device", &device));
    }
    let secure = shown.auth_info.secure_access;
    let url = if secure {
        &session.wss_url
    } else {
        &session.ws_url
    };
    let url = url
        .as_deref()
        .ok_or_else(|| Message::new(key::NO_LISTENER).with("scheme", ws_scheme(secure)))?;
    let (transport, host, port, path) =
        split_url(url).ok_or_else(|| Message::new(key::BAD_URL).with("url", url))?;
    let note = if secure {
        Message::new(key::FILLED_WSS).with("ca", PLATFORM_CA_PATH)
    } else {
        Message::new(key::FILLED)
    };
    Ok(Filled {
        form: ConnectForm {
            device_id: device.clone(),
            auth: AuthMode::Secret,
            secret: shown.auth_info.secret.unwrap_or_default(),
            remember_secret: false,
            sign_type: SignType::NoTimestampCheck,
            timestamp: TimestampInput::Current,
            host,
            transport,
            port,
            path,
        },
        note: note.with("device", device).with("url", url),
    })
}

fn ws_scheme(secure: bool) -> &'static str {
    if secure {
        Transport::Wss.scheme()
    } else {
        Transport::Ws.scheme()
    }
}

/// `ws://host:port/path` (or `wss://`) in parts; `None` for anything else.
fn split_url(url: &str) -> Option<(Transport, String, String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let transport = Transport::from_scheme(scheme).filter(|t| t.is_websocket())?;
    let (authority, path) = match rest.find('/') {
        Some(at) => rest.split_at(at),
        None => (rest, DEFAULT_WS_PATH),
    };
    let (host, port) = authority.rsplit_once(':')?;
    iotda_core::endpoint::parse_port(port).ok()?;
    Some((transport, host.into(), port.into(), path.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session {
            token: "t".into(),
            project_id: "p".into(),
            ws_url: Some("ws://127.0.0.1:8083/mqtt".into()),
            wss_url: Some("wss://127.0.0.1:8443/mqtt".into()),
            mqtts_url: Some("mqtts://127.0.0.1:8883".into()),
            platform_ca: Some("/data/tls/platform-ca.crt".into()),
        }
    }

    fn shown(auth: &str) -> String {
        format!(r#"{{"device_id": "meter_s1", "node_id": "s1", "auth_info": {auth}}}"#)
    }

    #[test]
    fn a_plain_secret_device_connects_over_ws_with_its_secret() {
        let body =
            shown(r#"{"auth_type": "SECRET", "secret": "s3cret-42", "secure_access": false}"#);
        let filled = fill(&session(), &body).unwrap();
        let form = filled.form;
        assert_eq!(
            (form.device_id.as_str(), form.secret.as_str(), form.auth),
            ("meter_s1", "s3cret-42", AuthMode::Secret)
        );
        assert_eq!(
            (
                form.transport,
                form.host.as_str(),
                form.port.as_str(),
                form.path.as_str()
            ),
            (Transport::Ws, "127.0.0.1", "8083", "/mqtt")
        );
        assert_eq!(form.sign_type, SignType::NoTimestampCheck);
        assert_eq!(
            filled.note,
            Message::new(key::FILLED)
                .with("device", "meter_s1")
                .with("url", "ws://127.0.0.1:8083/mqtt")
        );
    }

    #[test]
    fn a_secure_access_device_connects_over_wss_and_the_note_names_the_ca() {
        let body = shown(r#"{"auth_type": "SECRET", "secret": "s", "secure_access": true}"#);
        let filled = fill(&session(), &body).unwrap();
        assert_eq!(
            (filled.form.transport, filled.form.port.as_str()),
            (Transport::Wss, "8443")
        );
        assert_eq!(
            filled.note,
            Message::new(key::FILLED_WSS)
                .with("ca", PLATFORM_CA_PATH)
                .with("device", "meter_s1")
                .with("url", "wss://127.0.0.1:8443/mqtt")
        );
    }

    #[test]
    fn a_certificate_device_or_a_missing_listener_is_said() {
        let cert =
            shown(r#"{"auth_type": "CERTIFICATES", "fingerprint": "ab", "secure_access": true}"#);
        assert_eq!(
            fill(&session(), &cert),
            Err(Message::new(key::CERTIFICATE_DEVICE).with("device", "meter_s1"))
        );
        let plain = shown(r#"{"auth_type": "SECRET", "secret": "s", "secure_access": false}"#);
        let no_access = Session {
            ws_url: None,
            ..session()
        };
        assert_eq!(
            fill(&no_access, &plain),
            Err(Message::new(key::NO_LISTENER).with("scheme", "ws"))
        );
        let odd = Session {
            ws_url: Some("http://127.0.0.1:8083/mqtt".into()),
            ..session()
        };
        assert_eq!(
            fill(&odd, &plain),
            Err(Message::new(key::BAD_URL).with("url", "http://127.0.0.1:8083/mqtt"))
        );
    }

    #[test]
    fn urls_are_split_into_the_forms_fields() {
        assert_eq!(
            split_url("ws://localhost:9001"),
            Some((
                Transport::Ws,
                "localhost".into(),
                "9001".into(),
                "/mqtt".into()
            ))
        );
        assert_eq!(split_url("ws://127.0.0.1/mqtt"), None);
        assert_eq!(split_url("mqtt://127.0.0.1:1883"), None);
        assert_eq!(split_url("ws://127.0.0.1:0/mqtt"), None);
    }
}
