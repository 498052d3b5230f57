//! The app shell: header, navigation and routes.

use std::collections::HashMap;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::language::{self, LanguageSwitch};
use crate::components::shortcuts::Shortcuts;
use crate::components::theme::ThemeSwitch;
use crate::hooks::use_mqtt_client::MqttClientProvider;
use crate::hooks::use_workspace::{use_workspace, WorkspaceProvider};
use crate::i18n::{Lang, Shown, Texts};
use crate::messages::Say;
use crate::pages::certificates::CertificatesPage;
use crate::pages::connect::ConnectPage;
use crate::pages::console::ConsolePage;
use crate::pages::guide::GuidePage;
use crate::pages::model::ModelPage;
use crate::pages::platform::PlatformPage;
use crate::pages::profiles::ProfilesPage;
use crate::state::certs::CertsMemory;
use crate::web::offline;

/// The app's routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The landing URL (`/`): shows the Connection page.
    Home,
    /// Connection info (`/connect`): ClientId / Username / Password and
    /// client settings.
    Connect,
    /// X.509 onboarding (`/certificates`): device CA, verification and
    /// device certificates.
    Certificates,
    /// MQTT console (`/console`): connect, subscribe, publish, read messages.
    Console,
    /// Product model (`/model`): import, edit, export.
    Model,
    /// Named device profiles (`/profiles`): save, switch, export, import,
    /// forget everything.
    Profiles,
    /// The onboarding steps as a checklist (`/guide`), each checked live.
    Guide,
    /// The local platform's application side (`/platform`).
    Platform,
    /// Anything else (`/404`).
    NotFound,
}

impl Route {
    /// Each route and the path it is at.
    const ALL: [(Route, &'static str); 9] = [
        (Self::Home, "/"),
        (Self::Connect, "/connect"),
        (Self::Certificates, "/certificates"),
        (Self::Console, "/console"),
        (Self::Model, "/model"),
        (Self::Profiles, "/profiles"),
        (Self::Guide, "/guide"),
        (Self::Platform, "/platform"),
        (Self::NotFound, "/404"),
    ];
}

// Written by hand rather than derived: the derive matches paths with
// route-recognizer's automaton (about 10 KB of the page's wasm), which fixed
// paths like these do not need. Matching is the derive's: one trailing and
// one leading `/` are ignored, the rest must be equal; anything else is
// `NotFound`.
impl Routable for Route {
    fn from_path(path: &str, _params: &HashMap<&str, &str>) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|(_, at)| *at == path)
            .map(|(route, _)| route)
    }

    fn to_path(&self) -> String {
        Self::ALL
            .into_iter()
            .find(|(route, _)| route == self)
            .map_or("/404", |(_, at)| at)
            .to_owned()
    }

    fn routes() -> Vec<&'static str> {
        Self::ALL.into_iter().map(|(_, at)| at).collect()
    }

    fn not_found_route() -> Option<Self> {
        Some(Self::NotFound)
    }

    fn recognize(pathname: &str) -> Option<Self> {
        let path = pathname.strip_suffix('/').unwrap_or(pathname);
        let path = path.strip_prefix('/').unwrap_or(path);
        Self::ALL
            .into_iter()
            .find(|(_, at)| at.strip_prefix('/') == Some(path))
            .map_or(Self::not_found_route(), |(route, _)| Some(route))
    }
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home | Route::Connect => html! { <ConnectPage /> },
        Route::Certificates => html! { <CertificatesPage /> },
        Route::Console => html! { <ConsolePage /> },
        Route::Model => html! { <ModelPage /> },
        Route::Profiles => html! { <ProfilesPage /> },
        Route::Guide => html! { <GuidePage /> },
        Route::Platform => html! { <PlatformPage /> },
        Route::NotFound => html! { <NotFound /> },
    }
}

/// What an unknown path shows.
#[component]
fn NotFound() -> Html {
    let t = use_texts();
    html! {
        <section class="card">
            <h2>{ t.not_found() }</h2>
            <p><Link<Route> to={Route::Connect}>{ t.not_found_link() }</Link<Route>></p>
        </section>
    }
}

/// The language on screen (in the app's context).
#[hook]
pub fn use_lang() -> Lang {
    use_context::<Shown>().unwrap_or_default().lang
}

/// How the language on screen says messages (in the app's context).
#[hook]
pub fn use_say() -> Say {
    use_context::<Shown>().unwrap_or_default().say
}

/// The texts of the language on screen (in the app's context).
#[hook]
pub fn use_texts() -> &'static Texts {
    use_context::<Shown>().unwrap_or_default().texts
}

/// What went wrong reading or writing the workspace's storage, said once
/// for every page.
#[component]
fn StorageProblem() -> Html {
    let say = use_say();
    match &use_workspace().problem {
        Some(problem) => html! {
            <p class="banner warning" id="storage-problem" role="status">{ say.message(problem) }</p>
        },
        None => html! {},
    }
}

/// The whole app.
#[component]
pub fn App() -> Html {
    let certs = use_memo((), |_| CertsMemory::default());
    let update = use_state(|| false);
    let chosen = use_state(language::initial);
    // English is in the page; Chinese is fetched, and nothing is shown
    // until it is there (a blink, not a page of the wrong language).
    let shown = use_state(|| (*chosen == Lang::En).then(Shown::default));
    let lang_error = use_state(|| None::<iotda_core::text::Message>);
    let latest = use_mut_ref(|| *chosen);
    {
        let shown = shown.clone();
        let lang_error = lang_error.clone();
        use_effect_with(*chosen, move |&lang| {
            language::remember(lang);
            *latest.borrow_mut() = lang;
            let before = *shown;
            wasm_bindgen_futures::spawn_local(async move {
                let result = language::language(lang).await;
                if *latest.borrow() != lang {
                    return;
                }
                match result {
                    Ok(language) => {
                        lang_error.set(None);
                        shown.set(Some(language));
                    }
                    Err(e) => {
                        lang_error.set(Some(e));
                        shown.set(Some(before.unwrap_or_default()));
                    }
                }
            });
        });
    }
    let lang = shown.map(|s| s.lang);
    use_effect_with(lang, |lang| {
        if let Some(lang) = lang {
            language::show(*lang);
        }
    });
    let on_lang = {
        let chosen = chosen.clone();
        Callback::from(move |l: Lang| chosen.set(l))
    };
    {
        let update = update.clone();
        use_effect_with((), move |_| {
            offline::register(Callback::from(move |()| update.set(true)));
        });
    }
    let Some(shown) = *shown else {
        return html! { <main aria-busy="true"></main> };
    };
    let t = shown.texts;
    html! {
        <WorkspaceProvider>
        <MqttClientProvider>
        <ContextProvider<CertsMemory> context={(*certs).clone()}>
        <ContextProvider<Shown> context={shown}>
        <BrowserRouter>
            <header class="topbar">
                <h1 class="brand">{ "IoTDA Kit" }</h1>
                <nav aria-label={t.nav_label()}>
                    <Link<Route> to={Route::Connect} classes="navlink">{ t.nav_connection() }</Link<Route>>
                    <Link<Route> to={Route::Certificates} classes="navlink">{ t.nav_certificates() }</Link<Route>>
                    <Link<Route> to={Route::Model} classes="navlink">{ t.nav_model() }</Link<Route>>
                    <Link<Route> to={Route::Console} classes="navlink">{ t.nav_console() }</Link<Route>>
                    <Link<Route> to={Route::Profiles} classes="navlink">{ t.nav_profiles() }</Link<Route>>
                    <Link<Route> to={Route::Guide} classes="navlink">{ t.nav_guide() }</Link<Route>>
                    <Link<Route> to={Route::Platform} classes="navlink">{ t.nav_platform() }</Link<Route>>
                </nav>
                <p class="tagline">{ t.tagline() }</p>
                <Shortcuts />
                <LanguageSwitch lang={*chosen} onchange={on_lang} />
                <ThemeSwitch />
            </header>
            <main>
                if let Some(error) = &*lang_error {
                    <p class="banner warning" id="lang-error" role="alert">{ t.lang_failed() }{ " " }{ error.to_string() }</p>
                }
                if *update {
                    <p class="banner update" id="update" role="status">
                        { t.update_ready() }{ " " }
                        <button type="button" onclick={Callback::from(|_: MouseEvent| offline::take_update())}>
                            { t.update_reload() }
                        </button>
                    </p>
                }
                <StorageProblem />
                <Switch<Route> render={switch} />
            </main>
        </BrowserRouter>
        </ContextProvider<Shown>>
        </ContextProvider<CertsMemory>>
        </MqttClientProvider>
        </WorkspaceProvider>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The derived implementation this one replaces, as the oracle.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Routable)]
    enum Derived {
        #[at("/")]
        Home,
        #[at("/connect")]
        Connect,
        #[at("/certificates")]
        Certificates,
        #[at("/console")]
        Console,
        #[at("/model")]
        Model,
        #[at("/profiles")]
        Profiles,
        #[at("/guide")]
        Guide,
        #[at("/platform")]
        Platform,
        #[not_found]
        #[at("/404")]
        NotFound,
    }

    /// The service worker answers navigations to the app's routes only
    /// (`static/sw.js`'s ROUTES): every route but the not-found one is
    /// there, and nothing else.
    #[test]
    fn the_service_worker_knows_every_route() {
        let sw = include_str!("../static/sw.js");
        let line = sw
            .lines()
            .find(|l| l.starts_with("const ROUTES = "))
            .expect("sw.js has its ROUTES");
        let listed = line
            .trim_start_matches("const ROUTES = ")
            .trim_end_matches(';');
        let listed: Vec<String> = serde_json::from_str(listed).expect("ROUTES is a JSON list");
        let routes: Vec<String> = Route::routes()
            .into_iter()
            .filter(|at| *at != Route::NotFound.to_path())
            .map(str::to_owned)
            .collect();
        assert_eq!(listed, routes);
    }

    #[test]
    fn paths_match_as_the_derive_matched_them() {
        let paths = [
            "/",
            "",
            "//",
            "///",
            "/connect",
            "/connect/",
            "connect",
            "/certificates",
            "/console",
            "/model/",
            "/profiles",
            "/profiles/",
            "/Profiles",
            "/404",
            "/404/",
            "/Connect",
            "//connect",
            "/connect//",
            "/connect/x",
            "/guide",
            "/guide/",
            "/guide/en.json",
            "/model?x=1",
            "/console#top",
        ];
        for path in paths {
            let ours = Route::recognize(path).map(|r| r.to_path());
            let derived = Derived::recognize(path).map(|r| r.to_path());
            assert_eq!(ours, derived, "{path:?}");
        }
        assert_eq!(Route::recognize("/connect/"), Some(Route::Connect));
        assert_eq!(Route::recognize("/guide"), Some(Route::Guide));
        assert_eq!(Route::recognize("/guides"), Some(Route::NotFound));
        for (route, at) in Route::ALL {
            assert_eq!(route.to_path(), at);
            assert_eq!(Route::from_path(at, &HashMap::new()), Some(route));
        }
        assert_eq!(Route::from_path("/nope", &HashMap::new()), None);
        assert_eq!(Route::routes(), Derived::routes());
    }
}
