//! The Guide's steps on the local platform: the platform's state read with
//! the Platform page's client (`pages::platform`: its session, `use_get`,
//! its event stream) into an [`OnPlatform`], checked by
//! [`crate::store::guide`]. The lists are read when the Guide opens; the
//! followed device's status and reports again whenever the platform's
//! event stream names it. Nothing polls.

use std::rc::Rc;

use iotda_core::text::Message;
use yew::prelude::*;

use super::seen;
use super::step::Step;
use crate::hooks::use_workspace::use_workspace;
use crate::pages::platform::{use_get, use_get_if, use_live, Api, Fetched, Said};
use crate::store::guide::{GuideText, Listeners, OnPlatform, Seen, StepId, Target};
use crate::store::platform::{Certificate, Device, Product, Report};

/// Props of [`LocalSteps`].
#[derive(Properties, PartialEq)]
pub struct LocalStepsProps {
    /// The platform's API (the app is served by it).
    pub api: Api,
    /// The guide's text.
    pub guide: Rc<GuideText>,
}

/// What was read, or nothing (not yet, or a failure said apart).
fn got<T: Clone>(fetched: &Fetched<T>) -> Option<T> {
    fetched.as_ref()?.as_ref().ok().map(|t| (**t).clone())
}

/// What went wrong reading it.
fn failed<T>(fetched: &Fetched<T>) -> Option<Message> {
    fetched.as_ref()?.as_ref().err().cloned()
}

/// The steps, checked against the platform's state.
#[component]
pub fn LocalSteps(props: &LocalStepsProps) -> Html {
    let workspace = use_workspace();
    let api = &props.api;
    let heard = use_live(api);
    let products =
        use_get::<Vec<Product>>(api, "products?limit=50".into(), Some("products"), heard.all);
    let cas = use_get::<Vec<Certificate>>(
        api,
        "certificates?limit=50".into(),
        Some("certificates"),
        heard.all,
    );
    let devices =
        use_get::<Vec<Device>>(api, "devices?limit=50".into(), Some("devices"), heard.tick);
    let seen = seen(&workspace);
    let (product_list, device_list) = (
        got(&products).unwrap_or_default(),
        got(&devices).unwrap_or_default(),
    );
    let followed = seen.followed(workspace.platform.device.as_deref(), &device_list);
    let product_id = Seen::product_to_show(followed, &product_list).map(str::to_owned);
    let device_id = followed.map(|d| d.device_id.clone());
    let tick = device_id
        .as_deref()
        .map_or(heard.all, |id| heard.tick_for(id));
    let product = use_get_if::<Product>(
        api,
        product_id.as_ref().map(|id| format!("products/{id}")),
        None,
        heard.all,
    );
    let device = use_get_if::<Device>(
        api,
        device_id.as_ref().map(|id| format!("devices/{id}")),
        None,
        tick,
    );
    let reports = use_get_if::<Vec<Report>>(
        api,
        device_id
            .as_ref()
            .map(|id| format!("devices/{id}/kit/reports")),
        Some("reports"),
        tick,
    );
    let on = OnPlatform {
        listeners: Listeners::from(api.session()),
        products: product_list,
        // What was read for another id (the followed device or its product
        // changed since) is not this one's.
        product: got(&product).filter(|p| Some(&p.product_id) == product_id.as_ref()),
        cas: got(&cas).unwrap_or_default(),
        device: got(&device).filter(|d| Some(&d.device_id) == device_id.as_ref()),
        reports: got(&reports).unwrap_or_default(),
    };
    let failures = [failed(&products), failed(&cas), failed(&devices)]
        .into_iter()
        .flatten()
        .chain(heard.problem.clone());
    html! {
        <>
            { for failures.enumerate().map(|(n, e)| html! { <Said id={format!("guide-platform-error-{n}")} message={e} /> }) }
            { for StepId::ALL.into_iter().enumerate().map(|(n, id)| html! {
                <Step key={id.key()} number={n + 1} {id} check={seen.check_on(id, &on)}
                      done={workspace.guide.done(id)} guide={props.guide.clone()} target={Target::Local} />
            }) }
        </>
    }
}
