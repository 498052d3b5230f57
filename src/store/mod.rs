//! The app's state: one typed [`Workspace`] that every page reads and
//! changes through [`WorkspaceAction`]s, stored under one versioned key
//! ([`persist`]).
//!
//! Pure: no browser call (no `web_sys`, `js_sys` or `gloo` here, checked by
//! `scripts/test.sh`), so it is tested natively. The app shell provides it
//! (`hooks::use_workspace`); pages keep only what they show while open
//! (a form being typed, a job running) and write what lasts back here. No
//! page reads another page's storage: the Console and the Guide read the
//! Connection form, the secret and the certificates from here.

pub mod bridge;
pub mod certs;
pub mod connect;
pub mod console;
pub mod dropped;
pub mod guide;
pub mod local_platform;
pub mod model;
pub mod openssl;
pub mod persist;
pub mod platform;
pub mod profiles;
pub mod secrets;

use std::rc::Rc;

use iotda_core::iotda::ProductModel;
use yew::Reducible;

use crate::store::certs::{CertsForm, IssuedPublic};
use crate::store::connect::ConnectForm;
use crate::store::console::SavedConsole;
use crate::store::guide::{GuideState, Target};
use crate::store::profiles::{ProfileStore, Restored};
use crate::worker::sim::SavedSimulator;
pub use secrets::Secret;

/// The Connection page's lasting part.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Connect {
    /// The form as saved: with the secret only when it is remembered.
    pub form: ConnectForm,
    /// The device secret typed in this tab (kept in memory only; the Console
    /// and the Guide use it).
    pub secret: Secret,
}

impl Connect {
    /// The secret to use: the one typed in this tab, else the remembered one.
    pub fn secret(&self) -> &str {
        if self.secret.is_empty() {
            &self.form.secret
        } else {
            self.secret.expose()
        }
    }
}

/// The Certificates page's lasting part (the private keys are not here:
/// they stay in the page's memory, never in storage).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Certs {
    /// The form, without any pasted private key.
    pub form: CertsForm,
    /// The public parts and fingerprints of the certificates made.
    pub issued: IssuedPublic,
}

/// The Platform page's lasting part (the platform's data is fetched, not
/// kept).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Platform {
    /// The device open in the detail view.
    pub device: Option<String>,
}

/// Everything the app keeps for the user, one field per page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Workspace {
    /// The Connection page.
    pub connect: Connect,
    /// The Certificates page.
    pub certs: Certs,
    /// The Model page's model (`None`: the page shows its example).
    pub model: Option<ProductModel>,
    /// The Console's settings (`None`: never saved, so the Console fills
    /// its form from the Connection page on its first visit).
    pub console: Option<SavedConsole>,
    /// The device simulator's settings and typed values.
    pub simulator: Option<SavedSimulator>,
    /// The Guide's ticks and target.
    pub guide: GuideState,
    /// The named profiles.
    pub profiles: ProfileStore,
    /// The Platform page.
    pub platform: Platform,
    /// What went wrong reading or writing storage, to say once (not stored).
    pub problem: Option<iotda_core::text::Message>,
    /// How many times every page's work was replaced at once (a profile
    /// restored, everything forgotten) since the app started: state the
    /// app keeps outside the store (the Console's session) reads its part
    /// again when this moves. Not stored.
    pub replaced: u32,
}

/// A profile's work, restored into every page at once by
/// [`WorkspaceAction::Restore`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    /// The Connection page (the secret: the profile's, or none).
    pub connect: Connect,
    /// The Certificates page.
    pub certs: Certs,
    /// The model.
    pub model: Option<ProductModel>,
    /// The Console's settings.
    pub console: Option<SavedConsole>,
    /// The simulator's settings.
    pub simulator: Option<SavedSimulator>,
}

/// A change to the workspace.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkspaceAction {
    /// The Connection form as it may be saved.
    ConnectForm(Box<ConnectForm>),
    /// The device secret typed in this tab.
    Secret(Secret),
    /// The Certificates form as it may be saved.
    CertsForm(Box<CertsForm>),
    /// The certificates' public parts.
    Issued(Box<IssuedPublic>),
    /// The model (`None`: back to the example).
    Model(Option<Box<ProductModel>>),
    /// The Console's settings.
    Console(Box<SavedConsole>),
    /// The simulator's settings.
    Simulator(Box<SavedSimulator>),
    /// A Guide step (by its key) ticked or not.
    Tick(String, bool),
    /// Where the Guide's steps are done.
    GuideTarget(Target),
    /// The profiles.
    Profiles(Box<ProfileStore>),
    /// Every page's work from a profile, in one step.
    Restore(Box<Snapshot>),
    /// The device open on the Platform page (`None`: none).
    PlatformDevice(Option<String>),
    /// "Forget everything": back to a new user's workspace.
    Forget,
    /// A storage problem to say (`None`: clears it).
    Problem(Option<iotda_core::text::Message>),
}

impl Workspace {
    /// Applies `action`.
    pub fn apply(&mut self, action: WorkspaceAction) {
        match action {
            WorkspaceAction::ConnectForm(form) => self.connect.form = *form,
            WorkspaceAction::Secret(secret) => self.connect.secret = secret,
            WorkspaceAction::CertsForm(form) => self.certs.form = *form,
            WorkspaceAction::Issued(issued) => self.certs.issued = *issued,
            WorkspaceAction::Model(model) => self.model = model.map(|m| *m),
            WorkspaceAction::Console(console) => self.console = Some(*console),
            WorkspaceAction::Simulator(simulator) => self.simulator = Some(*simulator),
            WorkspaceAction::Tick(step, done) => {
                self.guide.ticks = self.guide.ticks.with(&step, done)
            }
            WorkspaceAction::GuideTarget(target) => self.guide.target = target,
            WorkspaceAction::Profiles(profiles) => self.profiles = *profiles,
            WorkspaceAction::PlatformDevice(device) => self.platform.device = device,
            WorkspaceAction::Restore(snapshot) => {
                let Snapshot {
                    connect,
                    certs,
                    model,
                    console,
                    simulator,
                } = *snapshot;
                self.connect = connect;
                self.certs = certs;
                self.model = model;
                self.console = console;
                self.simulator = simulator;
                self.replaced = self.replaced.wrapping_add(1);
            }
            WorkspaceAction::Forget => {
                *self = Self {
                    replaced: self.replaced.wrapping_add(1),
                    ..Self::default()
                }
            }
            WorkspaceAction::Problem(problem) => self.problem = problem,
        }
    }

    /// The work a profile saves: every page's lasting part.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            connect: self.connect.clone(),
            certs: self.certs.clone(),
            model: self.model.clone(),
            console: self.console.clone(),
            simulator: self.simulator.clone(),
        }
    }
}

impl From<&Restored> for Snapshot {
    fn from(restored: &Restored) -> Self {
        Self {
            connect: Connect {
                form: restored.connect.clone(),
                secret: Secret::new(restored.secret.clone()),
            },
            certs: Certs {
                form: restored.certs.saved(),
                issued: restored.issued.clone(),
            },
            model: restored.model.clone(),
            console: restored.console.clone(),
            simulator: restored.simulator.clone(),
        }
    }
}

impl Reducible for Workspace {
    type Action = WorkspaceAction;

    /// The same `Rc` when nothing changed, so that pages that write back
    /// what they were given do not re-render the app.
    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::profiles::Profile;

    fn changed(workspace: &Rc<Workspace>, action: WorkspaceAction) -> Rc<Workspace> {
        workspace.clone().reduce(action)
    }

    #[test]
    fn an_action_that_changes_nothing_keeps_the_same_workspace() {
        let workspace = Rc::new(Workspace::default());
        let same = changed(&workspace, WorkspaceAction::ConnectForm(Box::default()));
        assert!(Rc::ptr_eq(&workspace, &same));
        let form = ConnectForm {
            device_id: "dev-1".into(),
            ..ConnectForm::default()
        };
        let next = changed(
            &workspace,
            WorkspaceAction::ConnectForm(Box::new(form.clone())),
        );
        assert!(!Rc::ptr_eq(&workspace, &next));
        assert_eq!(next.connect.form, form);
    }

    #[test]
    fn the_typed_secret_wins_over_the_remembered_one() {
        let mut connect = Connect::default();
        connect.form.secret = "remembered".into();
        assert_eq!(connect.secret(), "remembered");
        connect.secret = Secret::new("typed");
        assert_eq!(connect.secret(), "typed");
        assert!(!format!("{connect:?}").contains("typed"));
    }

    #[test]
    fn ticks_keep_their_order_and_unknown_keys() {
        let mut workspace = Workspace::default();
        workspace.apply(WorkspaceAction::Tick("model".into(), true));
        workspace.apply(WorkspaceAction::Tick("later-step".into(), true));
        workspace.apply(WorkspaceAction::Tick("connect".into(), true));
        workspace.apply(WorkspaceAction::Tick("model".into(), false));
        assert_eq!(workspace.guide.ticks.0, ["later-step", "connect"]);
    }

    #[test]
    fn restoring_a_snapshot_changes_every_page_and_keeps_the_rest() {
        let mut workspace = Workspace::default();
        workspace.apply(WorkspaceAction::Tick("connect".into(), true));
        let profiles = ProfileStore {
            active: Some("a".into()),
            profiles: vec![Profile {
                name: "a".into(),
                connect: ConnectForm::default(),
                model: None,
                certs: CertsForm::default(),
                issued: IssuedPublic::default(),
                secret: None,
                ca_key: None,
                device_key: None,
                console: None,
                simulator: None,
            }],
        };
        workspace.apply(WorkspaceAction::Profiles(Box::new(profiles.clone())));
        let mut snapshot = Snapshot::default();
        snapshot.connect.form.device_id = "from-profile".into();
        snapshot.connect.secret = Secret::new("profile secret");
        snapshot.certs.form.code = "abc123".into();
        snapshot.console = Some(SavedConsole::default());
        snapshot.simulator = Some(SavedSimulator {
            interval: "9".into(),
            ..SavedSimulator::default()
        });
        workspace.apply(WorkspaceAction::Restore(Box::new(snapshot.clone())));
        assert_eq!(workspace.snapshot(), snapshot);
        assert_eq!(workspace.profiles, profiles);
        assert_eq!(workspace.guide.ticks.0, ["connect"]);
        assert_eq!(workspace.replaced, 1);
        workspace.apply(WorkspaceAction::Forget);
        assert_eq!(
            workspace,
            Workspace {
                replaced: 2,
                ..Workspace::default()
            }
        );
    }
}
