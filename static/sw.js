// The offline service worker. scripts/post_build.py fills in the version
// (a hash of every file of the build) and the list of files: all of them,
// so after one visit every page, both workers and their wasm open with the
// network off. A new build is a new sw.js with a new cache, named by that
// version: it is installed beside the running one, the page announces it,
// and it takes over on reload.
//
// It answers only for the app: a navigation to one of the app's routes
// (ROUTES, the paths of src/app.rs's Route, checked by a test there) gets
// index.html, a request for one of the build's files (ASSETS) its cached
// copy. Anything else on this origin (another app served here later, a
// path the app does not have) goes to the network, untouched.
const VERSION = "__VERSION__";
const ASSETS = __ASSETS__;
const ROUTES = ["/", "/connect", "/certificates", "/console", "/model", "/profiles", "/guide", "/platform"];
const CACHE = "iotda-kit-" + VERSION;

self.addEventListener("install", (event) => {
  // `reload`: each file from the server, not from the HTTP cache, so the
  // cache of this version holds exactly this build.
  const fresh = ASSETS.map((url) => new Request(url, { cache: "reload" }));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(fresh)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((k) => k.startsWith("iotda-kit-") && k !== CACHE)
            .map((k) => caches.delete(k)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") {
    self.skipWaiting();
  }
});

// Cache first for the app's routes and files; everything else is left to
// the network (no respondWith).
self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  let key;
  if (request.mode === "navigate") {
    if (!ROUTES.includes(url.pathname)) {
      return;
    }
    key = "/index.html";
  } else if (ASSETS.includes(url.pathname)) {
    key = url.pathname;
  } else {
    return;
  }
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(key))
      .then((hit) => hit || fetch(request)),
  );
});
