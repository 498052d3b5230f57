//! The app shell: header, navigation and routes.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::language::{self, LanguageSwitch};
use crate::components::shortcuts::Shortcuts;
use crate::components::theme::ThemeSwitch;
use crate::hooks::use_i18n::{use_say, use_texts};
use crate::hooks::use_mqtt_client::MqttClientProvider;
use crate::hooks::use_workspace::{use_workspace, WorkspaceProvider};
use crate::i18n::{Lang, Shown};
use crate::pages::certificates::CertificatesPage;
use crate::pages::connect::ConnectPage;
use crate::pages::console::ConsolePage;
use crate::pages::guide::GuidePage;
use crate::pages::model::ModelPage;
use crate::pages::platform::PlatformPage;
use crate::pages::profiles::ProfilesPage;
use crate::route::Route;
use crate::store::certs::CertsMemory;
use crate::web::offline;

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
