//! The Console's side of `iotda-kit bridge` (docs/bridge.md): an X.509
//! device cannot connect from a page (a script's WebSocket presents no
//! client certificate), so in certificate mode the Console offers the
//! local bridge: the command that starts it with the Connection page's host
//! and port and the Certificates page's file names, the form that connects
//! through it (no password), and the bridge's close codes in words.
//!
//! Pure: the page probes the bridge and opens the connection.

use iotda_core::endpoint::{
    shell_quote, Transport, DEFAULT_WS_PATH, DEVICE_CERT_FILE, DEVICE_KEY_FILE, PLATFORM_CA_FILE,
};
use iotda_core::text::Message;

use super::connect::{ConnectForm, DeviceLogin};
use super::console::ConsoleForm;

/// The port `iotda-kit bridge` listens on by default (`--listen-port`).
pub const BRIDGE_PORT: u16 = 9883;

/// The bridge's WebSocket URL when it listens on `port`.
pub fn bridge_url(port: u16) -> String {
    format!("ws://127.0.0.1:{port}{DEFAULT_WS_PATH}")
}

/// The command that starts the bridge for the Connection page's platform:
/// its host, its MQTTS port (8883 when the page is set to another
/// transport), the platform CA and the device's files under the names the
/// Connection and Certificates pages give them, listening on `listen_port`
/// (`--listen-port` unless it is the default). Run in the folder holding
/// them.
pub fn bridge_command(connect: &ConnectForm, listen_port: u16) -> String {
    let port = if connect.transport == Transport::Mqtts && !connect.port.trim().is_empty() {
        connect.port.trim().to_owned()
    } else {
        Transport::Mqtts.default_port().to_string()
    };
    let host = match connect.host.trim() {
        "" => "HOST",
        h => h,
    };
    let listen = listen_port.to_string();
    let mut words = vec![
        "iotda-kit",
        "bridge",
        "--host",
        host,
        "--port",
        &port,
        "--ca",
        PLATFORM_CA_FILE,
        "--cert",
        DEVICE_CERT_FILE,
        "--key",
        DEVICE_KEY_FILE,
    ];
    if listen_port != BRIDGE_PORT {
        words.extend(["--listen-port", &listen]);
    }
    words
        .into_iter()
        .map(shell_quote)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `form` set to connect through the bridge on `port` as the device
/// `login` (its ClientId and user name, no password), in IoTDA mode.
pub fn through_bridge(
    form: &ConsoleForm,
    port: u16,
    device_id: &str,
    login: Option<&DeviceLogin>,
) -> ConsoleForm {
    let mut next = ConsoleForm {
        host: "127.0.0.1".into(),
        port: port.to_string(),
        path: DEFAULT_WS_PATH.into(),
        tls: false,
        password: String::new(),
        iotda: true,
        device_id: device_id.trim().to_owned(),
        ..form.clone()
    };
    if let Some(login) = login {
        next.client_id.clone_from(&login.client_id);
        next.username.clone_from(&login.username);
    }
    next
}

/// Whether a connection to `form` may be to the bridge: `ws://` to a
/// loopback address, where the bridge listens (a broker's WebSocket there
/// sends none of its codes).
pub fn may_be_bridge(form: &ConsoleForm) -> bool {
    !form.tls
        && matches!(
            form.host.trim(),
            "127.0.0.1" | "localhost" | "[::1]" | "::1"
        )
}

/// The bridge's close `code` in words, with the reason it gave; `None` for
/// a code that is not one of the bridge's own.
pub fn close_words(code: u16, reason: &str) -> Option<Message> {
    use crate::messages::keys::bridge as k;
    let words = match code {
        1001 => Message::new(k::STOPPING),
        4000 => Message::new(k::UNREACHABLE),
        4001 => Message::new(k::UNKNOWN_CA).with("ca", PLATFORM_CA_FILE),
        4002 => Message::new(k::NAME_MISMATCH),
        4003 => Message::new(k::CERTIFICATE_REFUSED),
        4004 => Message::new(k::TLS),
        4005 => Message::new(k::PASSWORD),
        4006 => Message::new(k::NOT_CONNECT),
        4007 => Message::new(k::LOST),
        _ => return None,
    };
    Some(
        Message::new(k::CLOSED)
            .with_message("words", words)
            .with("code", code)
            .with("said", format_args!("{reason:?}")),
    )
}

/// Whether the bridge answers, as far as the page knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Probe {
    /// Not checked yet, or a check is under way.
    #[default]
    Checking,
    /// A WebSocket to it opened.
    Running,
    /// A WebSocket to it did not open.
    NotRunning,
}

#[cfg(test)]
mod tests {
    use super::*;
    use iotda_core::credentials::{SignType, Timestamp};

    #[test]
    fn the_command_names_the_platform_and_the_pages_files() {
        let mut connect = ConnectForm {
            host: "abc.st1.iotda-device.cn-north-4.myhuaweicloud.com".into(),
            transport: Transport::Mqtts,
            port: "8883".into(),
            ..ConnectForm::default()
        };
        assert_eq!(
            bridge_command(&connect, BRIDGE_PORT),
            "iotda-kit bridge --host abc.st1.iotda-device.cn-north-4.myhuaweicloud.com --port 8883 \
             --ca platform-ca.crt --cert deviceCert.pem --key deviceCert.key"
        );
        connect.transport = Transport::Wss;
        connect.port = "443".into();
        connect.host = "127.0.0.1".into();
        assert!(bridge_command(&connect, 9999)
            .contains("--host 127.0.0.1 --port 8883 --ca platform-ca.crt --cert deviceCert.pem --key deviceCert.key --listen-port 9999"));
    }

    #[test]
    fn the_bridge_form_sends_no_password() {
        let form = ConsoleForm {
            password: "left over".into(),
            tls: true,
            ..ConsoleForm::default()
        };
        let login = DeviceLogin {
            client_id: "p_n_0_0_2025041401".into(),
            username: "p_n".into(),
            password: None,
            timestamp: Timestamp::parse("2025041401").unwrap(),
            sign_type: SignType::NoTimestampCheck,
        };
        let next = through_bridge(&form, BRIDGE_PORT, " p_n ", Some(&login));
        assert_eq!(next.password, "");
        assert_eq!(
            (next.host.as_str(), next.port.as_str()),
            ("127.0.0.1", "9883")
        );
        assert!(!next.tls && next.iotda);
        assert_eq!(next.client_id, "p_n_0_0_2025041401");
        assert_eq!(next.username, "p_n");
        assert_eq!(next.device_id, "p_n");
        assert!(may_be_bridge(&next));
        assert!(!may_be_bridge(&form));
        let url = next.connection().unwrap().url;
        assert_eq!(url, bridge_url(BRIDGE_PORT));
    }

    #[test]
    fn each_close_code_of_the_bridge_has_its_words() {
        let said: Vec<String> = [1001, 4000, 4001, 4002, 4003, 4004, 4005, 4006, 4007]
            .iter()
            .map(|&c| close_words(c, "why").unwrap().to_string())
            .collect();
        for (i, s) in said.iter().enumerate() {
            assert!(s.ends_with("; it said: \"why\")"), "{s}");
            assert!(!said[i + 1..].contains(s));
        }
        assert!(
            said[4].contains("refused the device certificate"),
            "{}",
            said[4]
        );
        assert!(said[2].contains("--ca") && said[2].contains("platform-ca.crt"));
        assert_eq!(close_words(1000, ""), None);
        assert_eq!(close_words(4008, ""), None);
    }
}
