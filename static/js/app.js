// Coplan's few behaviours in the browser. No inline scripts anywhere (the
// Content-Security-Policy allows scripts only from /static/), so pages say what they need
// with data attributes and this file does it. Every page works without it.
(function () {
  "use strict";

  // <button data-print>: print the page.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // The decision form: the best-interests checklist shows only for a best-interests
  // decision.
  function start() {
    var capacity = document.getElementById("id_capacity");
    var box = document.getElementById("bi-fields");
    if (!capacity || !box) return;
    function sync() { box.hidden = capacity.value !== "best_interests"; }
    capacity.addEventListener("change", sync);
    sync();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
