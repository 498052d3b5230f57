//! The app shell: header, navigation and routes.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::pages::certificates::CertificatesPage;
use crate::pages::connect::ConnectPage;

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
    /// Anything else.
    #[not_found]
    #[at("/404")]
    NotFound,
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home | Route::Connect => html! { <ConnectPage /> },
        Route::Certificates => html! { <CertificatesPage /> },
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
    html! {
        <BrowserRouter>
            <header class="topbar">
                <h1 class="brand">{ "IoTDA Kit" }</h1>
                <nav aria-label="Pages">
                    <Link<Route> to={Route::Connect} classes="navlink">{ "Connection" }</Link<Route>>
                    <Link<Route> to={Route::Certificates} classes="navlink">{ "Certificates" }</Link<Route>>
                </nav>
                <p class="tagline">{ "Offline: nothing you type leaves this page." }</p>
            </header>
            <main>
                <Switch<Route> render={switch} />
            </main>
        </BrowserRouter>
    }
}
