//! The app's routes and the paths they are at.

use std::collections::HashMap;

use yew_router::prelude::*;

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
