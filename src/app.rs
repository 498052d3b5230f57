//! The app shell: header, navigation and routes.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::theme::ThemeSwitch;
use crate::pages::certificates::CertificatesPage;
use crate::pages::connect::ConnectPage;
use crate::pages::console::ConsolePage;
use crate::pages::model::ModelPage;
use crate::state::SecretMemory;
use crate::web::offline;

/// The app's routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Routable)]
pub enum Route {
    /// The landing URL: shows the Connection page.
    #[at("/")]
    Home,
    /// Connection info: ClientId / Username / Password and client settings.
    #[at("/connect")]
    Connect,
    /// X.509 onboarding: device CA, verification and device certificates.
    #[at("/certificates")]
    Certificates,
    /// MQTT console: connect, subscribe, publish, read messages.
    #[at("/console")]
    Console,
    /// Product model: import, edit, export.
    #[at("/model")]
    Model,
    /// Anything else.
    #[not_found]
    #[at("/404")]
    NotFound,
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home | Route::Connect => html! { <ConnectPage /> },
        Route::Certificates => html! { <CertificatesPage /> },
        Route::Console => html! { <ConsolePage /> },
        Route::Model => html! { <ModelPage /> },
        Route::NotFound => html! {
            <section class="card">
                <h2>{ "Page not found" }</h2>
                <p><Link<Route> to={Route::Connect}>{ "Go to the Connection page" }</Link<Route>></p>
            </section>
        },
    }
}

/// The whole app.
#[component]
pub fn App() -> Html {
    let secret = use_memo((), |_| SecretMemory::default());
    let update = use_state(|| false);
    {
        let update = update.clone();
        use_effect_with((), move |_| {
            offline::register(Callback::from(move |()| update.set(true)));
        });
    }
    html! {
        <ContextProvider<SecretMemory> context={(*secret).clone()}>
        <BrowserRouter>
            <header class="topbar">
                <h1 class="brand">{ "IoTDA Kit" }</h1>
                <nav aria-label="Pages">
                    <Link<Route> to={Route::Connect} classes="navlink">{ "Connection" }</Link<Route>>
                    <Link<Route> to={Route::Certificates} classes="navlink">{ "Certificates" }</Link<Route>>
                    <Link<Route> to={Route::Model} classes="navlink">{ "Model" }</Link<Route>>
                    <Link<Route> to={Route::Console} classes="navlink">{ "Console" }</Link<Route>>
                </nav>
                <p class="tagline">{ "Offline: nothing you type leaves this page." }</p>
                <ThemeSwitch />
            </header>
            <main>
                if *update {
                    <p class="banner update" id="update" role="status">
                        { "A new version of IoTDA Kit is ready. " }
                        <button type="button" onclick={Callback::from(|_: MouseEvent| offline::take_update())}>
                            { "Reload to use it" }
                        </button>
                    </p>
                }
                <Switch<Route> render={switch} />
            </main>
        </BrowserRouter>
        </ContextProvider<SecretMemory>>
    }
}
