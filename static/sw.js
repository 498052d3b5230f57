// The offline service worker. scripts/post_build.py fills in the version
// (a hash of every file of the build) and the list of files: all of them,
// so after one visit every page, both workers and their wasm open with the
// network off. A new build is a new sw.js: it is installed beside the
// running one, the page announces it, and it takes over on reload.
const VERSION = "__VERSION__";
const ASSETS = __ASSETS__;
const CACHE = "iotda-kit-" + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)));
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

// Cache first for the page's own files; a page route gets index.html.
// Anything else (another origin, not GET) is not touched.
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  const key = request.mode === "navigate" ? "/index.html" : request;
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(key, { ignoreSearch: true }))
      .then((hit) => hit || fetch(request)),
  );
});
