//! The workspace in storage: ONE versioned key, [`STORAGE_KEY`], holding
//! [`VERSION`] of the format. The per-page keys of version 1 that earlier
//! builds wrote ([`V1_KEYS`]) are read once when the new key is absent,
//! and each is removed only after the workspace holding it was written;
//! a version-1 value that does not read is kept where it is (and named),
//! so nothing the user had is lost.
//!
//! Pure: the caller passes a reader of storage (`key -> text`) in and
//! writes [`encode`]'s text out.

use std::fmt;

use iotda_core::iotda::ProductModel;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Certs, Connect, Platform, Workspace};
use crate::messages::keys::storage as said;
use crate::store::certs::{CertsForm, IssuedPublic};
use crate::store::connect::ConnectForm;
use crate::store::console::SavedConsole;
use crate::store::guide::{GuideState, Progress, Target};
use crate::store::model::read_model;
use crate::store::profiles::ProfileStore;
use crate::worker::sim::SavedSimulator;
use iotda_core::text::{Message, Say as Words};

/// The storage key of the workspace.
pub const STORAGE_KEY: &str = "iotda-kit.workspace.v2";

/// The format version this build writes and reads.
pub const VERSION: u64 = 2;

/// The Connection form's key of version 1.
pub const V1_CONNECT: &str = "iotda-kit.connect.v1";
/// The Certificates form's key of version 1.
pub const V1_CERTS: &str = "iotda-kit.certificates.v1";
/// The certificates' public parts' key of version 1.
pub const V1_ISSUED: &str = "iotda-kit.certificates.issued.v1";
/// The model's key of version 1 (its REST JSON).
pub const V1_MODEL: &str = "iotda-kit.model.v1";
/// The Console's key of version 1.
pub const V1_CONSOLE: &str = "iotda-kit.console.v1";
/// The simulator's key of version 1.
pub const V1_SIMULATOR: &str = "iotda-kit.simulator.v1";
/// The Guide's ticks' key of version 1.
pub const V1_GUIDE: &str = "iotda-kit.guide.v1";
/// The profiles' key of version 1.
pub const V1_PROFILES: &str = "iotda-kit.profiles.v1";

/// Every per-page key of version 1 that the workspace replaces.
pub const V1_KEYS: [&str; 8] = [
    V1_CONNECT,
    V1_CERTS,
    V1_ISSUED,
    V1_MODEL,
    V1_CONSOLE,
    V1_SIMULATOR,
    V1_GUIDE,
    V1_PROFILES,
];

/// The stored form of a [`Workspace`]: everything but the secret typed in
/// this tab (a remembered secret is inside the Connection form, as the
/// user asked) and the problem to say.
#[derive(Serialize, Deserialize)]
struct Stored {
    version: u64,
    #[serde(default)]
    connect: ConnectForm,
    #[serde(default)]
    certs: CertsForm,
    #[serde(default)]
    issued: IssuedPublic,
    #[serde(default)]
    model: Option<ProductModel>,
    #[serde(default)]
    console: Option<SavedConsole>,
    #[serde(default)]
    simulator: Option<SavedSimulator>,
    #[serde(default)]
    guide: Vec<String>,
    /// The Guide's target by [`Target::key`] (absent before there was a
    /// choice: Huawei's IoTDA).
    #[serde(default)]
    guide_target: String,
    #[serde(default)]
    profiles: ProfileStore,
    #[serde(default)]
    platform: Platform,
}

/// The version field alone, read first so that a later version is named as
/// such rather than by a field it renamed.
#[derive(Deserialize)]
struct Header {
    version: Option<u64>,
}

/// Why the stored workspace could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersistError {
    /// Not JSON, or a field of the wrong type: the parser's words.
    Unreadable(Message),
    /// Written by a build with another format version (`None`: none said).
    Version(Option<u64>),
}

impl Words for PersistError {
    fn message(&self) -> Message {
        match self {
            Self::Unreadable(e) => Message::new(said::UNREADABLE).with_message("why", e.clone()),
            Self::Version(Some(v)) => Message::new(said::VERSION).with("v", v),
            Self::Version(None) => Message::new(said::NO_VERSION),
        }
    }
}

impl fmt::Display for PersistError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

/// The stored text of `workspace`. A secret the user did not ask to
/// remember is never in it.
pub fn encode(workspace: &Workspace) -> String {
    let mut connect = workspace.connect.form.clone();
    if !connect.remember_secret {
        connect.secret.clear();
    }
    let stored = Stored {
        version: VERSION,
        connect,
        certs: workspace.certs.form.clone(),
        issued: workspace.certs.issued.clone(),
        model: workspace.model.clone(),
        console: workspace.console.clone(),
        simulator: workspace.simulator.clone(),
        guide: workspace.guide.ticks.0.clone(),
        guide_target: workspace.guide.target.key().to_owned(),
        profiles: workspace.profiles.clone(),
        platform: workspace.platform.clone(),
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

/// Reads the stored text of a workspace.
pub fn decode(text: &str) -> Result<Workspace, PersistError> {
    // Bytes, not `from_str`: one serde_json reader type in the page's wasm.
    let unreadable = |e: serde_json::Error| PersistError::Unreadable(crate::messages::json(&e));
    let header: Header = serde_json::from_slice(text.as_bytes()).map_err(unreadable)?;
    if header.version != Some(VERSION) {
        return Err(PersistError::Version(header.version));
    }
    let stored: Stored = serde_json::from_slice(text.as_bytes()).map_err(unreadable)?;
    Ok(Workspace {
        connect: Connect {
            form: stored.connect,
            ..Connect::default()
        },
        certs: Certs {
            form: stored.certs,
            issued: stored.issued,
        },
        model: stored.model,
        console: stored.console,
        simulator: stored.simulator,
        guide: GuideState {
            ticks: Progress(stored.guide),
            target: Target::from_key(&stored.guide_target),
        },
        profiles: stored.profiles,
        platform: stored.platform,
        problem: None,
        replaced: 0,
    })
}

/// What [`load`] found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Loaded {
    /// The workspace.
    pub workspace: Workspace,
    /// Version-1 keys now held by the workspace: the caller removes them
    /// once [`encode`]'s text is written under [`STORAGE_KEY`].
    pub migrated: Vec<&'static str>,
    /// Version-1 keys whose value did not read: left where they are.
    pub unreadable: Vec<&'static str>,
}

/// The value of a version-1 key, if one reads; the key is noted as
/// migrated or unreadable.
fn v1<T: DeserializeOwned>(
    read: &dyn Fn(&str) -> Option<String>,
    key: &'static str,
    loaded: &mut Loaded,
) -> Option<T> {
    let text = read(key)?;
    match serde_json::from_slice(text.as_bytes()) {
        Ok(value) => {
            loaded.migrated.push(key);
            Some(value)
        }
        Err(_) => {
            loaded.unreadable.push(key);
            None
        }
    }
}

/// The workspace from storage, read through `read`: the versioned key if
/// there is one, else the version-1 keys (migrated). A versioned key that
/// does not read gives a new workspace that says why.
pub fn load(read: &dyn Fn(&str) -> Option<String>) -> Loaded {
    if let Some(text) = read(STORAGE_KEY) {
        return match decode(&text) {
            Ok(workspace) => Loaded {
                workspace,
                ..Loaded::default()
            },
            Err(e) => Loaded {
                workspace: Workspace {
                    problem: Some(e.message()),
                    ..Workspace::default()
                },
                ..Loaded::default()
            },
        };
    }
    let mut loaded = Loaded::default();
    let connect = v1::<ConnectForm>(read, V1_CONNECT, &mut loaded).unwrap_or_default();
    let certs = v1::<CertsForm>(read, V1_CERTS, &mut loaded).unwrap_or_default();
    let issued = v1::<IssuedPublic>(read, V1_ISSUED, &mut loaded).unwrap_or_default();
    // The model is checked as the Model page checks an import (bounds
    // included): one that does not pass stays under its old key.
    let model = read(V1_MODEL).and_then(|text| match read_model(text.as_bytes()) {
        Ok(model) => {
            loaded.migrated.push(V1_MODEL);
            Some(model)
        }
        Err(_) => {
            loaded.unreadable.push(V1_MODEL);
            None
        }
    });
    let console = v1::<SavedConsole>(read, V1_CONSOLE, &mut loaded);
    let simulator = v1::<SavedSimulator>(read, V1_SIMULATOR, &mut loaded);
    let guide = v1::<Vec<String>>(read, V1_GUIDE, &mut loaded).unwrap_or_default();
    let profiles = v1::<ProfileStore>(read, V1_PROFILES, &mut loaded).unwrap_or_default();
    let problem = (!loaded.unreadable.is_empty()).then(|| {
        let keys = loaded.unreadable.join(", ");
        Message::new(said::KEPT_UNREAD).with("keys", keys)
    });
    loaded.workspace = Workspace {
        connect: Connect {
            form: connect,
            ..Connect::default()
        },
        certs: Certs {
            form: certs,
            issued,
        },
        model,
        console,
        simulator,
        guide: GuideState {
            ticks: Progress(guide),
            target: Target::Huawei,
        },
        profiles,
        platform: Platform::default(),
        problem,
        replaced: 0,
    };
    loaded
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::messages::english::English as _;
    use crate::store::certs::CertsState;
    use crate::store::profiles::parse_file;
    use crate::store::{Secret, WorkspaceAction};
    use std::collections::HashMap;

    /// Values as today's main wrote them under each version-1 key (made
    /// with its own types and certificate jobs; see tests/data/v1/README.md).
    fn v1_storage() -> HashMap<&'static str, &'static str> {
        HashMap::from([
            (V1_CONNECT, include_str!("../../tests/data/v1/connect.json")),
            (
                V1_CERTS,
                include_str!("../../tests/data/v1/certificates.json"),
            ),
            (
                V1_ISSUED,
                include_str!("../../tests/data/v1/certificates.issued.json"),
            ),
            (V1_MODEL, include_str!("../../tests/data/v1/model.json")),
            (V1_CONSOLE, include_str!("../../tests/data/v1/console.json")),
            (
                V1_SIMULATOR,
                include_str!("../../tests/data/v1/simulator.json"),
            ),
            (V1_GUIDE, include_str!("../../tests/data/v1/guide.json")),
            (
                V1_PROFILES,
                include_str!("../../tests/data/v1/profiles.json"),
            ),
        ])
    }

    fn reader<'a>(
        storage: &'a HashMap<&'static str, &'static str>,
    ) -> impl Fn(&str) -> Option<String> + 'a {
        move |key| storage.get(key).map(|s| (*s).to_owned())
    }

    fn same_json(a: &str, b: &str) {
        let a: serde_json::Value = serde_json::from_str(a).expect("json");
        let b: serde_json::Value = serde_json::from_str(b).expect("json");
        assert_eq!(a, b);
    }

    #[test]
    fn every_v1_key_is_migrated_without_loss() {
        let storage = v1_storage();
        let loaded = load(&reader(&storage));
        assert_eq!(loaded.migrated, V1_KEYS);
        assert!(loaded.unreadable.is_empty());
        let w = &loaded.workspace;
        assert_eq!(w.problem, None);
        // Each page's part, written back as that page wrote it, is the
        // same JSON as the version-1 value: nothing was dropped.
        same_json(
            &serde_json::to_string(&w.connect.form).expect("json"),
            storage[V1_CONNECT],
        );
        same_json(
            &serde_json::to_string(&w.certs.form).expect("json"),
            storage[V1_CERTS],
        );
        same_json(
            &serde_json::to_string(&w.certs.issued).expect("json"),
            storage[V1_ISSUED],
        );
        same_json(
            &w.model.as_ref().expect("model").to_json().expect("json"),
            storage[V1_MODEL],
        );
        same_json(
            &serde_json::to_string(&w.console).expect("json"),
            storage[V1_CONSOLE],
        );
        same_json(
            &serde_json::to_string(&w.simulator).expect("json"),
            storage[V1_SIMULATOR],
        );
        same_json(
            &serde_json::to_string(&w.guide.ticks.0).expect("json"),
            storage[V1_GUIDE],
        );
        same_json(
            &serde_json::to_string(&w.profiles).expect("json"),
            storage[V1_PROFILES],
        );
        // Spot checks of what the user sees.
        assert_eq!(w.connect.form.device_id, "6543_dev-01");
        assert_eq!(w.connect.form.auth, crate::store::connect::AuthMode::Secret);
        assert_eq!(w.connect.secret(), "s3cret-remembered");
        let ca = w.certs.issued.ca.as_ref().expect("the CA");
        assert!(ca.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(ca.view.sha256.len(), 64, "{}", ca.view.sha256);
        assert_eq!(w.guide.ticks.0, ["connect", "model"]);
        assert_eq!(w.profiles.profiles[0].name, "bench A");
    }

    #[test]
    fn a_migrated_workspace_reads_back_from_the_one_key() {
        let storage = v1_storage();
        let migrated = load(&reader(&storage)).workspace;
        let text = encode(&migrated);
        let only_new = HashMap::from([(STORAGE_KEY, text.as_str())]);
        let again = load(&move |key: &str| only_new.get(key).map(|s| (*s).to_owned()));
        assert_eq!(again.workspace, migrated);
        assert!(again.migrated.is_empty());
    }

    #[test]
    fn a_workspace_saved_before_the_platform_page_loads_whole() {
        // The previous main wrote the one key without `platform`.
        let mut workspace = load(&reader(&v1_storage())).workspace;
        workspace.platform = Platform::default();
        let mut stored: serde_json::Value = serde_json::from_str(&encode(&workspace)).unwrap();
        assert!(stored.as_object_mut().unwrap().remove("platform").is_some());
        let text = stored.to_string();
        let only_new = HashMap::from([(STORAGE_KEY, text.as_str())]);
        let loaded = load(&move |key: &str| only_new.get(key).map(|s| (*s).to_owned()));
        assert_eq!(loaded.workspace, workspace);
        assert!(loaded.unreadable.is_empty());
    }

    #[test]
    fn the_guides_target_is_kept_and_a_workspace_saved_without_it_loads() {
        let mut workspace = load(&reader(&v1_storage())).workspace;
        workspace.apply(WorkspaceAction::GuideTarget(Target::Local));
        let text = encode(&workspace);
        let read = |text: &str| {
            let only_new = HashMap::from([(STORAGE_KEY, text.to_owned())]);
            load(&move |key: &str| only_new.get(key).cloned())
        };
        assert_eq!(read(&text).workspace, workspace);
        // The previous main wrote the one key without `guide_target`.
        let mut stored: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(stored
            .as_object_mut()
            .unwrap()
            .remove("guide_target")
            .is_some());
        let loaded = read(&stored.to_string());
        assert_eq!(loaded.workspace.guide.target, Target::Huawei);
        assert_eq!(loaded.workspace.guide.ticks, workspace.guide.ticks);
        assert_eq!(loaded.workspace.problem, None);
        // A later version's target reads as Huawei's, losing nothing else.
        stored["guide_target"] = "elsewhere".into();
        let loaded = read(&stored.to_string());
        assert_eq!(loaded.workspace.guide.target, Target::Huawei);
        assert_eq!(loaded.workspace.connect, workspace.connect);
    }

    #[test]
    fn a_simulator_stored_before_its_system_settings_loads_with_their_defaults() {
        // Today's stored simulator has no versions, failure code or
        // sub-device count.
        let workspace = load(&reader(&v1_storage())).workspace;
        let mut stored: serde_json::Value = serde_json::from_str(&encode(&workspace)).unwrap();
        let simulator = stored["simulator"].as_object().unwrap();
        for field in ["fw_version", "sw_version", "fail_upgrade", "sub_devices"] {
            assert!(!simulator.contains_key(field), "{field}");
        }
        stored["simulator"]["interval"] = "9".into();
        let text = stored.to_string();
        let only_new = HashMap::from([(STORAGE_KEY, text.as_str())]);
        let loaded = load(&move |key: &str| only_new.get(key).map(|s| (*s).to_owned()));
        assert!(loaded.workspace.problem.is_none());
        let simulator = loaded.workspace.simulator.expect("the simulator");
        assert_eq!(simulator.interval, "9");
        assert_eq!(
            (
                simulator.fw_version.as_str(),
                simulator.sub_devices.as_str()
            ),
            ("", "")
        );
        // Taken by a device: version 1.0, upgrades for real, no gateway.
        let mut sim =
            crate::worker::sim::Simulator::new(iotda_core::iotda::default_model(), "p_dev")
                .expect("a device");
        sim.restore(&simulator);
        let view = sim.system.view();
        assert_eq!(
            (view.fw_version.as_str(), view.sw_version.as_str()),
            ("1.0", "1.0")
        );
        assert!(!view.gateway && view.gateway_error.is_none());
        assert_eq!(sim.interval, "9");
    }

    #[test]
    fn the_new_key_wins_and_old_keys_are_not_read_again() {
        let mut storage = v1_storage();
        let mut workspace = Workspace::default();
        workspace.connect.form.device_id = "newer".into();
        let text = encode(&workspace);
        storage.insert(STORAGE_KEY, Box::leak(text.into_boxed_str()));
        let loaded = load(&reader(&storage));
        assert_eq!(loaded.workspace.connect.form.device_id, "newer");
        assert!(loaded.migrated.is_empty());
    }

    #[test]
    fn an_unreadable_v1_value_is_kept_named_and_the_rest_migrated() {
        let mut storage = v1_storage();
        storage.insert(V1_CONSOLE, "{\"form\": 3");
        // A report payload is JSON but not a model.
        storage.insert(V1_MODEL, "{\"services\":[{\"service_id\":\"Meter\"}]}");
        let loaded = load(&reader(&storage));
        assert_eq!(loaded.unreadable, [V1_MODEL, V1_CONSOLE]);
        assert!(!loaded.migrated.contains(&V1_CONSOLE));
        assert_eq!(loaded.workspace.console, None);
        assert_eq!(loaded.workspace.model, None);
        assert_eq!(loaded.workspace.connect.form.device_id, "6543_dev-01");
        let problem = loaded
            .workspace
            .problem
            .expect("a problem is said")
            .to_string();
        assert!(
            problem.contains(V1_CONSOLE) && problem.contains(V1_MODEL),
            "{problem}"
        );
    }

    #[test]
    fn nothing_stored_is_a_new_workspace() {
        let loaded = load(&|_: &str| None);
        assert_eq!(loaded, Loaded::default());
    }

    #[test]
    fn a_broken_or_later_workspace_is_named_and_replaced() {
        for (text, expected) in [
            ("{\"version\": 2, \"guide\": 5}", "could not be read"),
            ("not json", "could not be read"),
            ("{\"version\": 3}", "of version 3"),
            ("{}", "no version"),
        ] {
            let loaded = load(&|key: &str| (key == STORAGE_KEY).then(|| text.to_owned()));
            let problem = loaded
                .workspace
                .problem
                .clone()
                .expect("a problem")
                .to_string();
            assert!(problem.contains(expected), "{text}: {problem}");
            assert_eq!(loaded.workspace.connect, Connect::default());
        }
    }

    #[test]
    fn a_secret_not_remembered_is_never_stored() {
        let mut workspace = Workspace::default();
        workspace.apply(WorkspaceAction::Secret(Secret::new("typed-only")));
        workspace.connect.form.secret = "leaked-into-form".into();
        let text = encode(&workspace);
        assert!(
            !text.contains("typed-only") && !text.contains("leaked-into-form"),
            "{text}"
        );
        workspace.connect.form.remember_secret = true;
        assert!(encode(&workspace).contains("leaked-into-form"));
    }

    #[test]
    fn a_version_1_profiles_file_of_todays_main_imports() {
        let profiles = parse_file(include_bytes!("../../tests/data/v1/profiles-file.json"))
            .expect("the file imports");
        assert_eq!(profiles.len(), 1);
        let profile = &profiles[0];
        assert_eq!(profile.name, "bench A");
        assert_eq!(profile.connect.device_id, "6543_dev-01");
        assert!(profile.issued.device.is_some());
        let restored = profile.restore();
        assert_eq!(restored.secret, "s3cret-remembered");
        let _: &CertsState = &restored.certs;
    }
}
