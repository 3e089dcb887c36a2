// Offline once visited: every page and file of this site that a reader opens is kept, and shown
// from here when there is no signal. The network comes first, so a reader sees today's numbers
// whenever there is a connection. Nothing from other sites is kept (the pages load nothing from them).
var CACHE = "pages-v1";
self.addEventListener("install", function () { self.skipWaiting(); });
// The page that registered this worker was fetched before it: keep it (and any other open page) now.
self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim().then(function () {
    return self.clients.matchAll({type: "window"});
  }).then(function (windows) {
    return caches.open(CACHE).then(function (cache) {
      return Promise.all(windows.map(function (w) { return cache.add(w.url).catch(function () {}); }));
    });
  }));
});
self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && response.type === "basic") {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request, {ignoreSearch: true}).then(function (found) {
      return found || caches.match(new URL("404.html", self.registration.scope).href) || Response.error();
    });
  }));
});
