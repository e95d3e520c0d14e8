// SpendWise service worker, served at /sw.js by spendwise.pwa.views.service_worker, which
// writes the CONFIG line above this one: the cache version, the hashed static URLs to
// precache, the offline page's URL and the URL prefixes of static files and of the API.
//
// What it keeps: static assets (cache first; their names change with their contents) and the
// offline page. What it never keeps: pages (they show money: network only, the offline page
// when the network is down), API responses, anything that is not a GET.
"use strict";

var CACHE = "spendwise-" + CONFIG.version;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(CONFIG.precache.concat([CONFIG.offline]));
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

// A new deploy means a new version: drop every older SpendWise cache.
self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("spendwise-") === 0 && name !== CACHE;
      }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

function staticFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (cached) {
      if (cached) {
        return cached;
      }
      return fetch(request).then(function (response) {
        if (response.ok && response.type === "basic") {
          cache.put(request, response.clone());
        }
        return response;
      });
    });
  });
}

function pageOrOffline(request) {
  return fetch(request).catch(function () {
    return caches.match(CONFIG.offline).then(function (offline) {
      return offline || Response.error();
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;  // POSTs and the like go straight to the network, untouched
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf(CONFIG.api) === 0) {
    return;  // the API and other sites: never cached
  }
  if (url.pathname.indexOf(CONFIG.static) === 0) {
    event.respondWith(staticFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(pageOrOffline(request));
  }
  // Anything else (HTMX fragments, downloads): the network, as without a worker.
});
