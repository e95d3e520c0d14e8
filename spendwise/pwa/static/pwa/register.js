// Registers the service worker (spendwise/pwa): offline page and cached static files.
// The worker's URL comes from this tag's data-service-worker attribute; no inline script (CSP).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator) || !window.isSecureContext) {
    return;
  }
  var url = script.dataset.serviceWorker;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url, { scope: "/" }).catch(function (error) {
      // The app works without it: only say why, for whoever looks at the console.
      console.warn("SpendWise: service worker not registered:", error);
    });
  });
})();
