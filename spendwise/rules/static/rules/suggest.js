// "Use" on a category suggestion (rules/suggestion.html) picks that category in the form.
// Without this file the suggestion is still shown and the person picks it by hand.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-use-category]");
    if (!button) { return; }
    var select = document.getElementById(button.getAttribute("data-category-select"));
    if (!select) { return; }
    select.value = button.getAttribute("data-use-category");
    select.dispatchEvent(new Event("change", { bubbles: true }));
    var place = button.parentElement;
    if (place) { place.textContent = ""; }
    select.focus();
  });
})();
