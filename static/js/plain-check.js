// The plain-language check, opt-in by attribute: a field with `data-plain-check` (and its
// hx-post / hx-trigger / hx-target="next .plain-check" attributes) gets a result box after
// it, which htmx fills as the writer types. No inline script (the CSP forbids it).
(function () {
  "use strict";
  var count = 0;

  function addBoxes(root) {
    var fields = (root || document).querySelectorAll("[data-plain-check]");
    fields.forEach(function (field) {
      var next = field.nextElementSibling;
      if (next && next.classList.contains("plain-check")) return;
      var box = document.createElement("div");
      count += 1;
      box.id = "plain-check-" + count;
      box.className = "plain-check";
      box.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", box);
      var described = field.getAttribute("aria-describedby");
      field.setAttribute("aria-describedby", described ? described + " " + box.id : box.id);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { addBoxes(document); });
  document.addEventListener("htmx:load", function (event) { addBoxes(event.target); });
})();
