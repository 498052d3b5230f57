//! The workspace in the app's context: loaded from storage once (the
//! version-1 keys migrated, see [`crate::store::persist`]), saved under
//! its one key after every change, and read and changed by the pages
//! through [`use_workspace`].

use iotda_core::text::Message;
use yew::prelude::*;

use crate::store::persist::{self, Loaded, STORAGE_KEY};
use crate::store::profiles::keys_to_forget;
use crate::store::{Workspace, WorkspaceAction};
use crate::web::storage;

/// The workspace and its dispatcher, as the pages get it.
pub type WorkspaceHandle = UseReducerHandle<Workspace>;

/// The workspace of a new user, with `problem` to say.
fn with_problem(problem: Message) -> Loaded {
    Loaded {
        workspace: Workspace {
            problem: Some(problem),
            ..Workspace::default()
        },
        ..Loaded::default()
    }
}

/// Reads the workspace from storage (blocked storage: a new workspace
/// that says so).
fn load() -> Loaded {
    match storage::load_text(STORAGE_KEY) {
        Err(e) => with_problem(e),
        Ok(_) => persist::load(&|key| storage::load_text(key).ok().flatten()),
    }
}

/// Writes `workspace` under its key (or removes the key when there is
/// nothing to keep, so that "Forget everything" leaves no key), then
/// removes the version-1 keys it now holds.
fn save(workspace: &Workspace, migrated: &mut Vec<&'static str>) -> Result<(), Message> {
    let empty = Workspace {
        problem: workspace.problem.clone(),
        replaced: workspace.replaced,
        ..Workspace::default()
    };
    if *workspace == empty {
        storage::remove(STORAGE_KEY)?;
    } else {
        storage::save_text(STORAGE_KEY, &persist::encode(workspace))?;
    }
    for key in migrated.drain(..) {
        storage::remove(key)?;
    }
    Ok(())
}

/// Removes every key of the app from storage ("Forget everything": the
/// workspace, the language, the theme, and version-1 keys kept because
/// they did not read); how many there were.
pub fn forget_stored() -> Result<usize, Message> {
    let keys = keys_to_forget(&storage::keys()?);
    for key in &keys {
        storage::remove(key)?;
    }
    Ok(keys.len())
}

/// Props of [`WorkspaceProvider`].
#[derive(Properties, PartialEq)]
pub struct WorkspaceProviderProps {
    /// What reads the workspace.
    pub children: Html,
}

/// Provides the workspace to `children`.
#[component]
pub fn WorkspaceProvider(props: &WorkspaceProviderProps) -> Html {
    let loaded = use_memo((), |_| load());
    let workspace = {
        let loaded = loaded.clone();
        use_reducer(move || loaded.workspace.clone())
    };
    let migrated = use_mut_ref(|| loaded.migrated.clone());
    {
        let dispatcher = workspace.dispatcher();
        use_effect_with(workspace.clone(), move |workspace| {
            if let Err(e) = save(workspace, &mut migrated.borrow_mut()) {
                dispatcher.dispatch(WorkspaceAction::Problem(Some(e)));
            }
        });
    }
    html! {
        <ContextProvider<WorkspaceHandle> context={workspace}>
            { props.children.clone() }
        </ContextProvider<WorkspaceHandle>>
    }
}

/// The workspace, from the app's [`WorkspaceProvider`].
#[hook]
pub fn use_workspace() -> WorkspaceHandle {
    use_context::<WorkspaceHandle>().expect("the app shell provides the workspace")
}
