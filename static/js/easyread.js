// Listen to the easy read: one audio file for the whole page, with each line's start and
// end; the line being read is highlighted and kept in view. No libraries, no inline script.
(function () {
  "use strict";

  function setup(box) {
    var button = box.querySelector("[data-easy-play]");
    var status = box.querySelector(".easy-audio-status");
    var lines = document.querySelectorAll(".easy [data-line]");
    var player = null;
    var timings = [];
    var current = -1;

    function say(text) { if (status) status.textContent = text; }

    function highlight(index) {
      if (index === current) return;
      lines.forEach(function (el) { el.classList.remove("is-speaking"); });
      current = index;
      if (index < 0) return;
      var el = document.querySelector('.easy [data-line="' + index + '"]');
      if (el) {
        el.classList.add("is-speaking");
        el.scrollIntoView({ block: "nearest", behavior: "smooth" });
      }
    }

    function lineAt(t) {
      for (var i = 0; i < timings.length; i += 1) {
        if (t >= timings[i].start && t < timings[i].end + 0.5) return i;
      }
      return -1;
    }

    function label(playing) {
      button.innerHTML = playing
        ? '<span aria-hidden="true">❚❚</span> Stop'
        : '<span aria-hidden="true">▶</span> Listen';
    }

    function start() {
      if (player) {
        player.play();
        label(true);
        return;
      }
      say("Getting ready…");
      button.disabled = true;
      fetch(box.getAttribute("data-audio-src"), { credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) throw new Error("status " + r.status);
          return r.json();
        })
        .then(function (data) {
          timings = data.lines || [];
          player = new Audio(data.url);
          player.addEventListener("timeupdate", function () { highlight(lineAt(player.currentTime)); });
          player.addEventListener("ended", function () { highlight(-1); label(false); say(""); player.currentTime = 0; });
          player.addEventListener("error", function () { say("Sorry, listening is not working now."); label(false); });
          button.disabled = false;
          say("");
          return player.play().then(function () { label(true); });
        })
        .catch(function () {
          button.disabled = false;
          say("Sorry, listening is not working now.");
        });
    }

    button.addEventListener("click", function () {
      if (player && !player.paused) {
        player.pause();
        label(false);
      } else {
        start();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".easy-audio").forEach(setup);
  });
})();
