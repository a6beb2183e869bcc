// The shift view's live checklist (htmx does the requests; this file adds what a phone on a
// weak signal needs). Each step form carries an idempotency key drawn with the page: a
// retry sends the same key and the same tap time, so the step is never ticked twice. A
// failed tap says so plainly and offers "Try again". No inline scripts (CSP).
(function () {
  "use strict";

  function checklistOf(el) { return el.closest("[data-checklist]"); }

  function showError(form, text, retry) {
    var box = checklistOf(form);
    var error = box && box.querySelector("[data-live-error]");
    if (!error) return;
    error.textContent = text + " ";
    if (retry) {
      var again = document.createElement("button");
      again.type = "button";
      again.className = "button button-warn";
      again.textContent = "Try again";
      again.addEventListener("click", function () {
        error.hidden = true;
        htmx.trigger(form, "submit");
      });
      error.appendChild(again);
    }
    error.hidden = false;
    var li = form.closest(".live-step");
    if (li) li.classList.remove("is-saving");
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("[data-tick-form]")) return;
    // The time of the tap, kept for retries: the step was done when it was tapped.
    if (!form.dataset.tappedAt) form.dataset.tappedAt = new Date().toISOString();
    event.detail.parameters.tapped_at = form.dataset.tappedAt;
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("[data-tick-form], [data-finish-form]")) return;
    var box = checklistOf(form);
    var error = box && box.querySelector("[data-live-error]");
    if (error) error.hidden = true;
    var li = form.closest(".live-step");
    if (li) li.classList.add("is-saving");
  });

  function failed(event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("[data-tick-form], [data-finish-form]")) return;
    var xhr = event.detail.xhr;
    var status = xhr ? xhr.status : 0;
    if (status >= 400 && status < 500) {
      showError(form, (xhr.responseText || "This was not saved.").slice(0, 300), false);
    } else {
      showError(form, "Not saved: the connection failed. Tap \u201cTry again\u201d: it will not be saved twice.", true);
    }
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:timeout", failed);

  // A jump to something folded away opens its fold.
  function openTarget() {
    if (!location.hash) return;
    var target = document.getElementById(location.hash.slice(1));
    for (var el = target; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") el.open = true;
    }
  }
  window.addEventListener("hashchange", openTarget);
  function start() {
    if (window.htmx) htmx.config.timeout = 15000;
    openTarget();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
