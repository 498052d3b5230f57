//! The built web app's files over HTTP: an axum [`Router`] over tower-http's
//! `ServeDir`, guarded so that it serves the app and nothing else.
//!
//! - Only what the app is made of: a path with a segment starting with `.`
//!   (`/.env`, `/.git/config`, `..`) is 404, even percent-encoded, and a
//!   symbolic link that leads out of the folder is 404 (checked for the file
//!   and for its `.br`/`.gz` siblings, which `ServeDir` may send instead).
//! - The app's client-side routes load on refresh: a path without a file and
//!   without an extension gets `index.html`; a missing file with an
//!   extension is 404.
//! - Precompressed `.br` and `.gz` files made at build are sent to clients
//!   that accept them (`Content-Encoding`, `Vary: Accept-Encoding`).
//! - Every response carries the security headers: the app's
//!   Content-Security-Policy, read from the built `index.html`'s `<meta>` so
//!   the two never differ, with `frame-ancestors 'none'` (which a `<meta>`
//!   cannot carry); the workers' scripts get it too, as same-origin workers
//!   take their policy from their own response.
//!
//! What it does not do: bind sockets or check the `Host` header; that is
//! [`crate::http_server`], which serves this router (and the API beside it).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use percent_encoding::percent_decode_str;
use tower_http::services::ServeDir;

use crate::http_server::security_headers;

/// Why the app's folder cannot be served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppFilesError {
    /// The folder has no `index.html`: the app was not built, or the folder
    /// is not trunk's `dist/`.
    NoIndex(PathBuf),
    /// `index.html` could not be read (permissions, a vanished folder).
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What the system said.
        reason: String,
    },
    /// `index.html` has no `<meta http-equiv="Content-Security-Policy">`:
    /// it is not the app's page.
    NoPolicy(PathBuf),
    /// The policy still holds the `'sha256-LOADER'` placeholder: this is the
    /// page's source, not trunk's build (the post-build hook fills it in).
    Unbuilt(PathBuf),
    /// The policy holds characters an HTTP header cannot carry.
    BadPolicy(String),
}

impl fmt::Display for AppFilesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoIndex(dir) => write!(
                f,
                "{} has no index.html; build the app first (trunk build index.html --release)",
                dir.display()
            ),
            Self::Unreadable { path, reason } => {
                write!(f, "cannot read {}: {reason}", path.display())
            }
            Self::NoPolicy(path) => write!(
                f,
                "{} has no Content-Security-Policy <meta>; serve the folder trunk built (dist/)",
                path.display()
            ),
            Self::Unbuilt(path) => write!(
                f,
                "{} is the page's source ('sha256-LOADER' is not filled in); serve the folder trunk built (dist/)",
                path.display()
            ),
            Self::BadPolicy(policy) => write!(
                f,
                "the Content-Security-Policy in index.html cannot be an HTTP header: {policy:?}"
            ),
        }
    }
}

impl std::error::Error for AppFilesError {}

/// The router serving the built app in `dir` (trunk's `dist/`), which must
/// hold an `index.html` with the app's Content-Security-Policy `<meta>`.
pub fn router(dir: impl AsRef<Path>) -> Result<Router, AppFilesError> {
    router_connecting(dir, Vec::new())
}

/// [`router`] whose header policy also lets the app connect to `connect`
/// (origins added to `connect-src`): the local platform's package server,
/// which the simulator's worker downloads from. A worker takes its policy
/// from its script's response, so the `<meta>` (the document's) needs no
/// change.
pub fn router_connecting(
    dir: impl AsRef<Path>,
    connect: Vec<String>,
) -> Result<Router, AppFilesError> {
    let dir = dir.as_ref();
    let index = dir.join("index.html");
    if !index.is_file() {
        return Err(AppFilesError::NoIndex(dir.to_path_buf()));
    }
    let root = dir.canonicalize().map_err(|e| AppFilesError::Unreadable {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    let policy = Policy::read(&root.join("index.html"), &connect)?;
    let app = Arc::new(AppFolder {
        root: root.clone(),
        policy: Mutex::new(policy),
        connect,
    });
    let files = ServeDir::new(&root)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true);
    Ok(Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn_with_state(app.clone(), resolve))
        .layer(middleware::from_fn_with_state(app, with_headers)))
}

/// The served folder and its policy.
#[derive(Debug)]
struct AppFolder {
    /// Canonical: every file served must be under it once links are followed.
    root: PathBuf,
    policy: Mutex<Policy>,
    /// Origins added to the policy's `connect-src`.
    connect: Vec<String>,
}

impl AppFolder {
    /// The header value of the policy, read again when `index.html` changed
    /// (a rebuild while serving writes a new loader hash).
    fn policy(&self) -> Result<HeaderValue, AppFilesError> {
        let index = self.root.join("index.html");
        let mut policy = self.policy.lock().unwrap_or_else(PoisonError::into_inner);
        if policy.stamp != stamp(&index) {
            *policy = Policy::read(&index, &self.connect)?;
        }
        Ok(policy.header.clone())
    }
}

/// The Content-Security-Policy header, and the `index.html` it was read from.
#[derive(Debug)]
struct Policy {
    stamp: Option<(SystemTime, u64)>,
    header: HeaderValue,
}

impl Policy {
    fn read(index: &Path, connect: &[String]) -> Result<Self, AppFilesError> {
        let stamp = stamp(index);
        let html = std::fs::read_to_string(index).map_err(|e| AppFilesError::Unreadable {
            path: index.to_path_buf(),
            reason: e.to_string(),
        })?;
        let meta = meta_policy(&html).ok_or_else(|| AppFilesError::NoPolicy(index.into()))?;
        if meta.contains("'sha256-LOADER'") {
            return Err(AppFilesError::Unbuilt(index.into()));
        }
        let header = header_policy(&meta, connect);
        let header =
            HeaderValue::from_str(&header).map_err(|_| AppFilesError::BadPolicy(header))?;
        Ok(Self { stamp, header })
    }
}

/// When and how big a file is: a change means "read it again".
fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// The `content` of the page's `<meta http-equiv="Content-Security-Policy">`.
fn meta_policy(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(start) = lower[from..].find("<meta").map(|i| from + i) {
        let end = lower[start..].find('>').map_or(lower.len(), |i| start + i);
        let tag = &lower[start..end];
        from = end;
        if !tag.contains("http-equiv=\"content-security-policy\"") {
            continue;
        }
        let value = tag
            .find("content=\"")
            .map(|i| start + i + "content=\"".len())?;
        let len = html[value..end].find('"')?;
        // The page writes its policy with single quotes; an entity would be
        // an odd page, but decode the ones an editor may write.
        return Some(
            html[value..value + len]
                .replace("&#39;", "'")
                .replace("&apos;", "'")
                .replace("&quot;", "\"")
                .replace("&amp;", "&"),
        );
    }
    None
}

/// The policy of the `<meta>` as a header: the same directives, with
/// `connect` added to `connect-src`, and `frame-ancestors 'none'` (ignored
/// in a `<meta>`), so no site can frame the app.
fn header_policy(meta: &str, connect: &[String]) -> String {
    let meta = meta.trim().trim_end_matches(';').trim_end();
    let directives: Vec<String> = meta
        .split(';')
        .map(|d| {
            let d = d.trim();
            if connect.is_empty() || !d.to_ascii_lowercase().starts_with("connect-src") {
                d.to_owned()
            } else {
                format!("{d} {}", connect.join(" "))
            }
        })
        .collect();
    let meta = directives.join("; ");
    if directives
        .iter()
        .any(|d| d.to_ascii_lowercase().starts_with("frame-ancestors"))
    {
        meta
    } else {
        format!("{meta}; frame-ancestors 'none'")
    }
}

/// What a request asks for, decided before `ServeDir` looks at it.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// A file (or a folder) inside the app: let `ServeDir` answer.
    File(PathBuf),
    /// A client-side route: answer with `index.html`.
    Route,
    /// Nothing the app serves.
    NotFound,
}

/// Decides what `path` (the URI's, percent-encoded) names under `root`.
fn target(root: &Path, path: &str) -> Target {
    let Ok(decoded) = percent_decode_str(path).decode_utf8() else {
        return Target::NotFound;
    };
    let segments: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    // Dotfiles and dot-folders (`.env`, `.git/`, `.build-inputs`) and `..`
    // are never part of the app; a backslash or NUL never names its files.
    if segments
        .iter()
        .any(|s| s.starts_with('.') || s.contains(['\\', '\0']))
    {
        return Target::NotFound;
    }
    let file = segments.iter().fold(root.to_path_buf(), |p, s| p.join(s));
    if !file.exists() {
        let has_extension = segments.last().is_some_and(|s| s.contains('.'));
        return if has_extension || file.is_symlink() {
            Target::NotFound
        } else {
            Target::Route
        };
    }
    let mut candidates = vec![file.clone()];
    if file.is_dir() {
        candidates.push(file.join("index.html"));
    }
    let leaf = candidates.last().cloned().unwrap_or_else(|| file.clone());
    for suffix in ["br", "gz"] {
        let mut sibling = leaf.clone().into_os_string();
        sibling.push(".");
        sibling.push(suffix);
        candidates.push(PathBuf::from(sibling));
    }
    // `ServeDir` follows links; a link is fine only if it stays inside.
    let escapes = candidates.iter().any(|c| {
        c.symlink_metadata().is_ok() && !c.canonicalize().is_ok_and(|real| real.starts_with(root))
    });
    if escapes {
        Target::NotFound
    } else {
        Target::File(leaf)
    }
}

/// Sends dotfiles, links out of the folder and missing files to 404, client
/// routes to `index.html`, and sets the content type the app's files need.
async fn resolve(State(app): State<Arc<AppFolder>>, mut request: Request, next: Next) -> Response {
    let file = match target(&app.root, request.uri().path()) {
        Target::NotFound => return not_found(),
        Target::File(file) => file,
        Target::Route => {
            *request.uri_mut() = Uri::from_static("/index.html");
            app.root.join("index.html")
        }
    };
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, content_type(&file));
        // The same URL is a `.br`, `.gz` or plain body by the request's
        // Accept-Encoding: caches must key on it (ServeDir does not say so).
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// Adds the security headers and `Cache-Control: no-cache` (the service
/// worker and the browser revalidate; a new build is seen at once).
async fn with_headers(State(app): State<Arc<AppFolder>>, request: Request, next: Next) -> Response {
    let policy = match app.policy() {
        Ok(policy) => policy,
        Err(e) => {
            let mut response =
                (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response();
            security_headers(response.headers_mut(), None);
            return response;
        }
    };
    let mut response = next.run(request).await;
    let headers: &mut HeaderMap = response.headers_mut();
    security_headers(headers, Some(policy));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn not_found() -> Response {
    Response::builder()
        .status(StatusCode::NOT_FOUND)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::from("not found\n"))
        .unwrap_or_else(|_| StatusCode::NOT_FOUND.into_response())
}

/// The content type of an app file, by its extension (with a charset for
/// text, `application/wasm` for wasm so it compiles while streaming).
fn content_type(path: &Path) -> HeaderValue {
    let extension = if path.is_dir() {
        "html"
    } else {
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    };
    HeaderValue::from_static(match extension {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_policy_is_the_meta_policy_with_frame_ancestors() {
        let html = r#"<head><meta charset="utf-8" /><meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'sha256-abc='" /></head>"#;
        let meta = meta_policy(html);
        assert_eq!(
            meta.as_deref(),
            Some("default-src 'self'; script-src 'self' 'sha256-abc='")
        );
        assert_eq!(
            header_policy("default-src 'self';", &[]),
            "default-src 'self'; frame-ancestors 'none'"
        );
        assert_eq!(
            header_policy("default-src 'self'; frame-ancestors 'self'", &[]),
            "default-src 'self'; frame-ancestors 'self'"
        );
        // The platform's package server, and nothing else, is added to
        // connect-src.
        assert_eq!(
            header_policy(
                "default-src 'self'; connect-src 'self' ws: wss:",
                &["https://127.0.0.1:8443".into()]
            ),
            "default-src 'self'; connect-src 'self' ws: wss: https://127.0.0.1:8443; frame-ancestors 'none'"
        );
        assert_eq!(meta_policy("<meta name=\"x\" content=\"y\">"), None);
    }

    #[test]
    fn content_types_of_the_apps_files() {
        assert_eq!(content_type(Path::new("a.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("a.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("m.webmanifest")),
            "application/manifest+json"
        );
    }
}
