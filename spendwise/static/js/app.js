// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // Ask before destructive actions: <form data-confirm="Delete this?">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    }
  }, true);
  // HTMX asks too, for hx-confirm is disabled along with eval.
  document.addEventListener("htmx:confirm", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // A table wider than the screen scrolls inside its .table-wrap: make that box reachable by
  // keyboard (Tab, then the arrow keys), as WCAG 2.1.1 asks of a scrollable region.
  function focusableScrollers(root) {
    var boxes = root.querySelectorAll ? root.querySelectorAll(".table-wrap") : [];
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { focusableScrollers(document); });
  window.addEventListener("resize", function () { focusableScrollers(document); });
  // After an inline add, put the cursor back in the amount for the next entry.
  document.addEventListener("htmx:afterSwap", function (event) {
    var amount = event.target.querySelector && event.target.querySelector("[data-autofocus]");
    if (amount) { amount.focus(); }
    focusableScrollers(event.target);
  });
})();
