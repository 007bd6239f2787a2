/* The offline field app's service worker (ADR 0038), built from Workbox's modules served from
   /static/vendor/workbox (never a CDN). self.ANJU_FIELD is written by the Django view /field/sw.js:
   the app shell's files with the hash of their content, the module URLs and the page to keep.
   - the shell (styles, scripts, icons, manifest) is precached when the worker installs;
   - the field page is network-first (4 s on a weak signal), else the copy kept on the phone;
     a redirect (to the login page) or an error is never kept in place of the page;
   - the data endpoints (work list, sync) are never cached here: the page keeps the work list in
     IndexedDB and its queue decides what was sent. */
/* global workbox */
(function () {
  "use strict";
  var config = self.ANJU_FIELD;
  workbox.setConfig({
    debug: false,
    modulePathCb: function (name) { return config.modules[name]; }
  });
  workbox.core.setCacheNameDetails({ prefix: "anju-field" });
  workbox.core.clientsClaim();
  self.skipWaiting();

  workbox.precaching.precacheAndRoute(config.shell, { ignoreURLParametersMatching: [/.*/] });
  workbox.precaching.cleanupOutdatedCaches();

  var PAGES = "anju-field-pages";
  var onlyTheRealPage = {
    cacheWillUpdate: function (args) {
      var response = args.response;
      return response && response.status === 200 && !response.redirected ? response : null;
    }
  };
  workbox.routing.registerRoute(
    function (args) {
      return args.request.mode === "navigate" && config.pages.indexOf(args.url.pathname) !== -1;
    },
    new workbox.strategies.NetworkFirst({
      cacheName: PAGES,
      networkTimeoutSeconds: 4,
      plugins: [onlyTheRealPage]
    })
  );

  // The page asks the worker to keep it (its first load came before the worker took control).
  self.addEventListener("message", function (event) {
    if (!event.data || event.data.type !== "keep-page") return;
    var url = new URL(event.data.url, self.location.origin);
    if (config.pages.indexOf(url.pathname) === -1) return;
    var port = event.ports && event.ports[0];
    var answer = function (kept) { if (port) port.postMessage({ kept: kept }); };
    event.waitUntil(
      fetch(url.pathname, { credentials: "same-origin" }).then(function (response) {
        if (response.status !== 200 || response.redirected) return answer(false);
        return caches.open(PAGES).then(function (cache) { return cache.put(url.pathname, response); })
          .then(function () { answer(true); });
      }).catch(function () { answer(false); })
    );
  });
})();
