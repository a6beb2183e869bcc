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

  // <button data-copy="ID">: copy the text of the element with that id (a link to give).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    var done = button.parentNode.querySelector(".copy-done");
    if (!source || !navigator.clipboard) {
      if (done) done.textContent = "Select the link and copy it.";
      return;
    }
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      if (done) done.textContent = "Copied.";
    }, function () {
      if (done) done.textContent = "Select the link and copy it.";
    });
  });

  // The decision form: the best-interests checklist shows only for a best-interests
  // decision.
  function bestInterests() {
    var capacity = document.getElementById("id_capacity");
    var box = document.getElementById("bi-fields");
    if (!capacity || !box) return;
    function sync() { box.hidden = capacity.value !== "best_interests"; }
    capacity.addEventListener("change", sync);
    sync();
  }

  // Wide tables (.table-scroll): a "Scroll sideways" hint below each, shown only while the
  // table is wider than its box.
  function scrollHints() {
    var boxes = document.querySelectorAll(".table-scroll");
    Array.prototype.forEach.call(boxes, function (box) {
      var hint = box.nextElementSibling;
      if (!hint || !hint.classList.contains("scroll-hint")) {
        hint = document.createElement("p");
        hint.className = "scroll-hint";
        hint.textContent = "Scroll sideways to see the whole table \u2192";
        box.parentNode.insertBefore(hint, box.nextSibling);
      }
      function sync() { hint.classList.toggle("is-shown", box.scrollWidth > box.clientWidth + 1); }
      sync();
      window.addEventListener("resize", sync);
    });
  }

  // Long forms in sections (<form data-form-progress> with <details class="form-section">):
  // keep "Filled: ... Still needed: ..." and each section's count up to date as the user
  // types. The server renders the same summary, so it is right without this.
  function hasValue(el) {
    if (el.type === "checkbox" || el.type === "radio") return el.checked;
    if (el.type === "hidden" || el.type === "submit") return false;
    return el.value.trim() !== "";
  }
  function labelOf(field) {
    var label = field.querySelector("legend, label");
    if (!label) return "";
    var copy = label.cloneNode(true);
    var extra = copy.querySelector(".required");
    if (extra) extra.remove();
    return copy.textContent.trim();
  }
  function formProgress() {
    var form = document.querySelector("form[data-form-progress]");
    if (!form) return;
    var filledOut = form.querySelector("[data-progress-filled]");
    var neededOut = form.querySelector("[data-progress-needed]");
    function sync() {
      var filled = [], needed = [];
      Array.prototype.forEach.call(form.querySelectorAll("details.form-section"), function (sec) {
        if (sec.hidden) return;
        var name = sec.getAttribute("data-section");
        var state = sec.querySelector("[data-section-state]");
        var rows = sec.querySelectorAll(".row-form");
        if (rows.length) {
          var n = 0;
          Array.prototype.forEach.call(rows, function (row) {
            var del = row.querySelector("input[name$='-DELETE']");
            if (del && del.checked) return;
            var text = row.querySelectorAll("input[type=text], textarea");
            if (Array.prototype.some.call(text, function (el) { return el.value.trim() !== ""; })) n++;
          });
          state.textContent = n ? n + " filled in" : "none yet";
          if (n) { filled.push(name + " (" + state.textContent + ")"); } else { needed.push(name); }
          return;
        }
        var fields = sec.querySelectorAll(".section-body > .field");
        var done = 0;
        Array.prototype.forEach.call(fields, function (field) {
          var inputs = field.querySelectorAll("input, select, textarea");
          var any = Array.prototype.some.call(inputs, hasValue);
          if (any) { done++; } else if (field.querySelector(".required")) { needed.push(labelOf(field)); }
        });
        state.textContent = done + " of " + fields.length + " filled";
        if (done) filled.push(name + " (" + state.textContent + ")");
      });
      filledOut.textContent = filled.length ? filled.join("; ") : "nothing yet";
      neededOut.textContent = needed.length ? needed.join("; ") : "nothing more to save the draft";
    }
    form.addEventListener("input", sync);
    form.addEventListener("change", sync);
    sync();
  }

  function start() {
    bestInterests();
    scrollHints();
    formProgress();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
