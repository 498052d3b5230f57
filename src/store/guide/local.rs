//! The Guide's checks when its steps are done on the local platform
//! (`iotda-kit platform`, [`super::Target::Local`]): each step reads what
//! the platform holds (its listeners, products, device CAs, the device the
//! Guide follows, that device's reports) instead of only the workspace.
//!
//! Pure: the page fetches the platform's answers (and reads them again
//! when the platform's event stream names the device) into an
//! [`OnPlatform`]; this decides. Certificates are still made on the
//! Certificates page, so the device certificate's step is the same as for
//! Huawei's IoTDA.

use iotda_core::endpoint::{self, shell_quote};
use iotda_core::iotda::default_model;
use serde_json::Value;

use super::{copyable, shown, Check, Label, Note, Seen, Status, StepId};
use crate::store::certs::common_name;
use crate::store::platform::{Certificate, Device, Product, Report, Session};

/// Where devices reach the local platform, from the page's session (not the
/// session's token).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listeners {
    /// `mqtts://127.0.0.1:P`.
    pub mqtts_url: Option<String>,
    /// `wss://127.0.0.1:P/mqtt`.
    pub wss_url: Option<String>,
    /// The platform CA's file.
    pub platform_ca: Option<String>,
}

impl From<&Session> for Listeners {
    fn from(session: &Session) -> Self {
        Self {
            mqtts_url: session.mqtts_url.clone(),
            wss_url: session.wss_url.clone(),
            platform_ca: session.platform_ca.clone(),
        }
    }
}

/// What the Guide read from the local platform (an empty list: nothing
/// there, or not read yet).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OnPlatform {
    /// Its listeners and CA file.
    pub listeners: Listeners,
    /// ListProducts.
    pub products: Vec<Product>,
    /// ShowProduct of [`Seen::product_to_show`]'s product.
    pub product: Option<Product>,
    /// ListCertificates.
    pub cas: Vec<Certificate>,
    /// ShowDevice of [`Seen::followed`]'s device.
    pub device: Option<Device>,
    /// That device's property reports, oldest first.
    pub reports: Vec<Report>,
}

/// `mqtts://host:port` in parts.
fn host_port(url: &str) -> Option<(&str, &str)> {
    url.strip_prefix("mqtts://")?
        .trim_end_matches('/')
        .rsplit_once(':')
}

/// The port of `wss://host:port/path`.
fn wss_port(url: &str) -> Option<&str> {
    let authority = url.strip_prefix("wss://")?.split('/').next()?;
    Some(authority.rsplit_once(':')?.1)
}

/// A fingerprint as compared: no colons, lowercase.
fn plain(fingerprint: &str) -> String {
    fingerprint.replace(':', "").to_ascii_lowercase()
}

/// The number of services and of properties of a model's
/// `service_capabilities`.
fn counts(services: &Value) -> (usize, usize) {
    let services = services.as_array().map(Vec::as_slice).unwrap_or_default();
    let properties = services
        .iter()
        .filter_map(|s| s.get("properties")?.as_array().map(Vec::len))
        .sum();
    (services.len(), properties)
}

impl Seen {
    /// The device the Guide follows among the platform's `devices` (newest
    /// first, as ListDevices gives them): the Connection page's device id,
    /// else the one whose node id is the device certificate's CN, else the
    /// one `open` on the Platform page, else the newest.
    pub fn followed<'a>(&self, open: Option<&str>, devices: &'a [Device]) -> Option<&'a Device> {
        let node = (self.issued.device.as_ref()).and_then(|d| common_name(&d.view.subject));
        let by = |pick: &dyn Fn(&Device) -> bool| devices.iter().find(|d| pick(d));
        self.device_id()
            .and_then(|id| by(&|d| d.device_id == id))
            .or_else(|| node.and_then(|n| by(&|d| d.node_id == n)))
            .or_else(|| open.and_then(|o| by(&|d| d.device_id == o)))
            .or_else(|| devices.first())
    }

    /// The product whose model the Guide shows: the followed device's,
    /// else the newest.
    pub fn product_to_show<'a>(
        followed: Option<&'a Device>,
        products: &'a [Product],
    ) -> Option<&'a str> {
        followed
            .map(|d| d.product_id.as_str())
            .filter(|id| !id.is_empty())
            .or_else(|| products.first().map(|p| p.product_id.as_str()))
    }

    /// The live check of `step` done on the local platform.
    pub fn check_on(&self, step: StepId, on: &OnPlatform) -> Check {
        match step {
            StepId::Access => access(on),
            StepId::Product => product(on),
            StepId::Ca => self.ca_on(on),
            StepId::Verification => self.verification_on(on),
            StepId::Device => self.check(StepId::Device),
            StepId::Register => self.register_on(on),
            StepId::Connect => self.connect_on(on),
            StepId::Report => report_on(on),
        }
    }

    /// The platform's CA the Guide looks at (the one with the CN of the CA
    /// the Certificates page holds, else the newest), and whether it is
    /// that one.
    fn platform_ca<'a>(&self, cas: &'a [Certificate]) -> Option<(&'a Certificate, bool)> {
        let held = (self.issued.ca.as_ref()).and_then(|ca| common_name(&ca.view.subject));
        match held {
            Some(cn) => cas
                .iter()
                .find(|c| c.cn_name == cn)
                .map(|c| (c, true))
                .or_else(|| cas.first().map(|c| (c, false))),
            None => cas.first().map(|c| (c, true)),
        }
    }

    fn ca_on(&self, on: &OnPlatform) -> Check {
        let Some((ca, held)) = self.platform_ca(&on.cas) else {
            return Check::todo(Note::CaNotUploaded);
        };
        let notes = if held {
            Vec::new()
        } else {
            vec![Note::CaNotHeld]
        };
        Check::from_notes(
            notes,
            vec![
                shown(Label::Cn, &ca.cn_name),
                copyable(Label::Code, &ca.verify_code),
            ],
        )
    }

    fn verification_on(&self, on: &OnPlatform) -> Check {
        let Some((ca, _)) = self.platform_ca(&on.cas) else {
            return Check::todo(Note::CaNotUploaded);
        };
        let values = vec![
            shown(Label::Cn, &ca.cn_name),
            shown(Label::Code, &ca.verify_code),
        ];
        if ca.status {
            Check::new(Status::Done, Vec::new(), values)
        } else {
            Check::new(Status::Todo, vec![Note::CaNotVerified], values)
        }
    }

    fn register_on(&self, on: &OnPlatform) -> Check {
        let Some(device) = &on.device else {
            return Check::todo(Note::NotRegistered);
        };
        let mut values = vec![
            copyable(Label::DeviceId, &device.device_id),
            shown(Label::NodeId, &device.node_id),
        ];
        let mut notes = Vec::new();
        let bound = (device.auth_info.as_ref())
            .filter(|a| a.by_certificate())
            .and_then(|a| a.fingerprint.as_deref())
            .filter(|f| !f.is_empty());
        if let Some(fingerprint) = bound {
            values.push(shown(Label::Fingerprint, plain(fingerprint).to_uppercase()));
            let held = self.issued.device.as_ref().map(|d| plain(&d.view.sha256));
            if held.is_some_and(|h| h != plain(fingerprint)) {
                notes.push(Note::FingerprintMismatch);
            }
        }
        Check::from_notes(notes, values)
    }

    /// `iotda-kit simulate` for `device` over the platform's MQTTS, with
    /// its CA file, the device certificate's files when it is a certificate
    /// device, and the Model page's export when the model is not the
    /// example.
    fn simulate(&self, on: &OnPlatform, device: &Device) -> Option<String> {
        let (host, port) = host_port(on.listeners.mqtts_url.as_deref()?)?;
        let mut line = format!(
            "iotda-kit simulate --host {} --port {}",
            shell_quote(host),
            shell_quote(port)
        );
        if let Some(ca) = &on.listeners.platform_ca {
            line.push_str(&format!(" --ca {}", shell_quote(ca)));
        }
        line.push_str(&format!(" --device-id {}", shell_quote(&device.device_id)));
        if device
            .auth_info
            .as_ref()
            .is_some_and(|a| a.by_certificate())
        {
            line.push_str(" --cert deviceCert.pem --key deviceCert.key");
        }
        if self.model.as_ref().is_some_and(|m| *m != default_model()) {
            line.push_str(" --model model.json");
        }
        Some(line)
    }

    fn connect_on(&self, on: &OnPlatform) -> Check {
        let Some(device) = &on.device else {
            return Check::todo(Note::NotRegistered);
        };
        let mut values = vec![shown(Label::Status, &device.status)];
        let mut notes = Vec::new();
        match self.simulate(on, device) {
            Some(line) => values.push(copyable(Label::Simulate, line)),
            None => notes.push(Note::NoMqtts),
        }
        let status = match device.status.as_str() {
            "ONLINE" => Status::Done,
            "OFFLINE" => {
                notes.push(Note::Offline);
                Status::Warn
            }
            _ => {
                notes.push(Note::NotOnline);
                Status::Todo
            }
        };
        if !device
            .auth_info
            .as_ref()
            .is_some_and(|a| a.by_certificate())
        {
            notes.push(Note::SecretFromEnv);
        }
        Check::new(status, notes, values)
    }
}

fn access(on: &OnPlatform) -> Check {
    let listeners = &on.listeners;
    let Some((host, port)) = listeners.mqtts_url.as_deref().and_then(host_port) else {
        return Check::todo(Note::NoMqtts);
    };
    let mut ports = format!("MQTTS {port}");
    if let Some(wss) = listeners.wss_url.as_deref().and_then(wss_port) {
        ports.push_str(&format!(" · WSS {wss} {}", endpoint::DEFAULT_WS_PATH));
    }
    let mut values = vec![copyable(Label::Host, host), shown(Label::Ports, ports)];
    values.extend((listeners.platform_ca.as_ref()).map(|ca| copyable(Label::PlatformCa, ca)));
    Check::from_notes(Vec::new(), values)
}

fn product(on: &OnPlatform) -> Check {
    let Some(first) = on.products.first() else {
        return Check::todo(Note::NoProduct);
    };
    let Some(product) = &on.product else {
        return Check::from_notes(
            Vec::new(),
            vec![copyable(Label::Product, &first.product_id)],
        );
    };
    let (services, properties) = counts(&product.service_capabilities);
    let notes = if services == 0 {
        vec![Note::EmptyProduct]
    } else {
        Vec::new()
    };
    Check::from_notes(
        notes,
        vec![
            copyable(Label::Product, &product.product_id),
            shown(Label::Services, services.to_string()),
            shown(Label::Properties, properties.to_string()),
        ],
    )
}

fn report_on(on: &OnPlatform) -> Check {
    let Some(device) = &on.device else {
        return Check::todo(Note::NotRegistered);
    };
    let (topic, _) = endpoint::sample_report(&device.device_id);
    let Some(last) = on.reports.last() else {
        return Check::new(
            Status::Todo,
            vec![Note::NoData],
            vec![copyable(Label::Topic, topic)],
        );
    };
    let notes = if last.problems.is_empty() {
        Vec::new()
    } else {
        vec![Note::DataDropped]
    };
    Check::from_notes(
        notes,
        vec![
            shown(Label::LastReport, &last.received_time),
            copyable(Label::Topic, topic),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::held;
    use super::*;
    use crate::store::platform::{DeviceAuth, Problem};

    fn device(id: &str, node: &str, status: &str, auth: Option<DeviceAuth>) -> Device {
        Device {
            device_id: id.into(),
            node_id: node.into(),
            product_id: "meter".into(),
            status: status.into(),
            connection_status_update_time: None,
            auth_info: auth,
        }
    }

    fn by_cert(fingerprint: &str) -> Option<DeviceAuth> {
        Some(DeviceAuth {
            auth_type: "CERTIFICATES".into(),
            fingerprint: Some(fingerprint.into()),
        })
    }

    fn ca(cn: &str, verified: bool) -> Certificate {
        Certificate {
            certificate_id: "c1".into(),
            cn_name: cn.into(),
            status: verified,
            verify_code: "0f".repeat(16),
            expiry_date: String::new(),
        }
    }

    fn on() -> OnPlatform {
        OnPlatform {
            listeners: Listeners {
                mqtts_url: Some("mqtts://127.0.0.1:41883".into()),
                wss_url: Some("wss://127.0.0.1:41443/mqtt".into()),
                platform_ca: Some("/home/me/data/tls/platform-ca.crt".into()),
            },
            ..OnPlatform::default()
        }
    }

    fn text(check: &Check, label: Label) -> Option<&str> {
        (check.shown.iter())
            .find(|s| s.label == label)
            .map(|s| s.text.as_str())
    }

    #[test]
    fn nothing_on_the_platform_is_nothing_done_but_the_certificates() {
        let seen = held();
        let empty = OnPlatform::default();
        for step in StepId::ALL {
            let check = seen.check_on(step, &empty);
            if step == StepId::Device {
                assert_eq!(check.status, Status::Done);
            } else {
                assert_eq!(check.status, Status::Todo, "{step:?}");
                assert!(!check.notes.is_empty(), "{step:?} says why");
            }
        }
        assert_eq!(seen.check_on(StepId::Access, &empty).notes, [Note::NoMqtts]);
        assert_eq!(
            seen.check_on(StepId::Ca, &empty).notes,
            [Note::CaNotUploaded]
        );
        assert_eq!(
            seen.check_on(StepId::Connect, &empty).notes,
            [Note::NotRegistered]
        );
    }

    #[test]
    fn access_names_the_platforms_listeners_and_ca_file() {
        let check = held().check_on(StepId::Access, &on());
        assert_eq!(check.status, Status::Done);
        assert_eq!(text(&check, Label::Host), Some("127.0.0.1"));
        assert_eq!(
            text(&check, Label::Ports),
            Some("MQTTS 41883 · WSS 41443 /mqtt")
        );
        assert_eq!(
            text(&check, Label::PlatformCa),
            Some("/home/me/data/tls/platform-ca.crt")
        );
    }

    #[test]
    fn a_product_is_counted_from_showproduct_and_an_empty_model_flagged() {
        let seen = held();
        let mut on = on();
        let listed = Product {
            product_id: "meter".into(),
            name: "Meter".into(),
            device_type: String::new(),
            service_capabilities: Value::Null,
        };
        on.products = vec![listed.clone()];
        // Listed, not yet shown: there is a product.
        let check = seen.check_on(StepId::Product, &on);
        assert_eq!(check.status, Status::Done);
        assert_eq!(text(&check, Label::Product), Some("meter"));
        on.product = Some(Product {
            service_capabilities: serde_json::json!([
                {"service_id": "Battery", "properties": [{"property_name": "a"}, {"property_name": "b"}]},
                {"service_id": "Empty"}
            ]),
            ..listed.clone()
        });
        let check = seen.check_on(StepId::Product, &on);
        assert_eq!(
            (
                text(&check, Label::Services),
                text(&check, Label::Properties)
            ),
            (Some("2"), Some("2"))
        );
        on.product = Some(Product {
            service_capabilities: serde_json::json!([]),
            ..listed
        });
        assert_eq!(
            seen.check_on(StepId::Product, &on).notes,
            [Note::EmptyProduct]
        );
    }

    #[test]
    fn the_ca_is_uploaded_then_verified_and_another_ca_is_flagged() {
        let seen = held();
        let mut on = on();
        on.cas = vec![ca("Test CA", false)];
        let check = seen.check_on(StepId::Ca, &on);
        assert_eq!(check.status, Status::Done);
        assert_eq!(text(&check, Label::Code), Some("0f".repeat(16).as_str()));
        let check = seen.check_on(StepId::Verification, &on);
        assert_eq!(
            (check.status, check.notes.as_slice()),
            (Status::Todo, [Note::CaNotVerified].as_slice())
        );
        on.cas = vec![ca("Other CA", true), ca("Test CA", true)];
        assert_eq!(
            seen.check_on(StepId::Verification, &on).status,
            Status::Done
        );
        assert_eq!(
            text(&seen.check_on(StepId::Ca, &on), Label::Cn),
            Some("Test CA")
        );
        on.cas = vec![ca("Other CA", true)];
        assert_eq!(seen.check_on(StepId::Ca, &on).notes, [Note::CaNotHeld]);
    }

    #[test]
    fn the_followed_device_is_the_workspaces_else_the_open_one_else_the_newest() {
        let mut seen = held();
        let devices = [
            device("meter_x", "x", "INACTIVE", None),
            device("meter_node1", "node1", "INACTIVE", None),
            device("5f8d_node1", "node1", "INACTIVE", None),
        ];
        // The Connection page's device id.
        let id = |d: Option<&Device>| d.map(|d| d.device_id.clone());
        assert_eq!(
            id(seen.followed(None, &devices)).as_deref(),
            Some("5f8d_node1")
        );
        // The device certificate's CN as the node id.
        seen.connect = None;
        assert_eq!(
            id(seen.followed(Some("meter_x"), &devices)).as_deref(),
            Some("meter_node1")
        );
        // The device open on the Platform page, else the newest.
        seen.issued.device = None;
        assert_eq!(
            id(seen.followed(Some("5f8d_node1"), &devices)).as_deref(),
            Some("5f8d_node1")
        );
        assert_eq!(
            id(seen.followed(None, &devices)).as_deref(),
            Some("meter_x")
        );
        assert_eq!(seen.followed(None, &[]), None);
        let products = [Product {
            product_id: "newest".into(),
            name: String::new(),
            device_type: String::new(),
            service_capabilities: Value::Null,
        }];
        assert_eq!(
            Seen::product_to_show(Some(&devices[0]), &products),
            Some("meter")
        );
        assert_eq!(Seen::product_to_show(None, &products), Some("newest"));
    }

    #[test]
    fn registration_by_fingerprint_must_be_the_device_certificates() {
        let seen = held();
        let mut on = on();
        // Stored lowercase by the platform; held in capitals.
        on.device = Some(device(
            "5f8d_node1",
            "node1",
            "INACTIVE",
            by_cert(&"ab".repeat(32)),
        ));
        let check = seen.check_on(StepId::Register, &on);
        assert_eq!(check.status, Status::Done);
        assert_eq!(
            text(&check, Label::Fingerprint),
            Some("AB".repeat(32).as_str())
        );
        on.device = Some(device(
            "5f8d_node1",
            "node1",
            "INACTIVE",
            by_cert(&"cd".repeat(32)),
        ));
        assert_eq!(
            seen.check_on(StepId::Register, &on).notes,
            [Note::FingerprintMismatch]
        );
        // Bound at the first connection: nothing to compare yet.
        on.device = Some(device("5f8d_node1", "node1", "INACTIVE", by_cert("")));
        assert_eq!(seen.check_on(StepId::Register, &on).status, Status::Done);
        // By secret.
        let secret = Some(DeviceAuth {
            auth_type: "SECRET".into(),
            fingerprint: None,
        });
        on.device = Some(device("5f8d_node1", "node1", "INACTIVE", secret));
        let check = seen.check_on(StepId::Register, &on);
        assert_eq!(check.status, Status::Done);
        assert_eq!(text(&check, Label::Fingerprint), None);
    }

    #[test]
    fn connect_follows_the_status_and_names_the_one_command() {
        let mut seen = held();
        let mut on = on();
        on.device = Some(device("5f8d_node1", "node1", "INACTIVE", by_cert("")));
        let check = seen.check_on(StepId::Connect, &on);
        assert_eq!(
            (check.status, check.notes.as_slice()),
            (Status::Todo, [Note::NotOnline].as_slice())
        );
        assert_eq!(
            text(&check, Label::Simulate),
            Some(
                "iotda-kit simulate --host 127.0.0.1 --port 41883 \
                 --ca /home/me/data/tls/platform-ca.crt --device-id 5f8d_node1 \
                 --cert deviceCert.pem --key deviceCert.key"
            )
        );
        // A model of one's own: the Model page's export.
        let mut model = default_model();
        model.service_capabilities.truncate(1);
        seen.model = Some(model);
        on.device = Some(device("5f8d_node1", "node1", "ONLINE", by_cert("")));
        let check = seen.check_on(StepId::Connect, &on);
        assert_eq!(check.status, Status::Done);
        assert!(text(&check, Label::Simulate).is_some_and(|l| l.ends_with(" --model model.json")));
        assert_eq!(text(&check, Label::Status), Some("ONLINE"));
        on.device = Some(device("5f8d_node1", "node1", "OFFLINE", None));
        let check = seen.check_on(StepId::Connect, &on);
        assert_eq!(check.status, Status::Warn);
        assert_eq!(check.notes, [Note::Offline, Note::SecretFromEnv]);
        assert!(!text(&check, Label::Simulate).is_some_and(|l| l.contains("--cert")));
        on.listeners.platform_ca = Some("/a dir/platform-ca.crt".into());
        assert!(text(&seen.check_on(StepId::Connect, &on), Label::Simulate)
            .is_some_and(|l| l.contains(" --ca '/a dir/platform-ca.crt' ")));
    }

    #[test]
    fn data_is_received_when_a_report_is_and_a_dropped_one_flagged() {
        let seen = held();
        let mut on = on();
        on.device = Some(device("5f8d_node1", "node1", "ONLINE", by_cert("")));
        assert_eq!(seen.check_on(StepId::Report, &on).notes, [Note::NoData]);
        let report = |problems: Vec<Problem>| Report {
            received_time: "20261208T020000Z".into(),
            payload: String::new(),
            accepted: Vec::new(),
            problems,
        };
        on.reports = vec![report(Vec::new())];
        let check = seen.check_on(StepId::Report, &on);
        assert_eq!(check.status, Status::Done);
        assert_eq!(text(&check, Label::LastReport), Some("20261208T020000Z"));
        on.reports.push(report(vec![Problem {
            path: "services[0]".into(),
            rule: "r".into(),
        }]));
        assert_eq!(
            seen.check_on(StepId::Report, &on).notes,
            [Note::DataDropped]
        );
    }
}
