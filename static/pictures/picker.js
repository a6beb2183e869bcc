// The picture picker (templates/pictures/picker_widget.html): tapping a found picture
// fills the hidden field and shows it as the chosen one. Loaded once however many pickers
// a page holds; without it, the picker's word list (in <noscript>) does the same job.
(function () {
  "use strict";
  if (window.coplanPicturePicker) return;
  window.coplanPicturePicker = true;

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".picture-result");
    if (!button) return;
    event.preventDefault();
    var picker = document.getElementById(button.dataset.for + "_picker");
    var field = document.getElementById(button.dataset.for);
    if (!picker || !field) return;
    field.value = button.dataset.ref;
    var preview = picker.querySelector(".picker-preview");
    var img = button.querySelector("img, svg");
    preview.replaceChildren();
    if (img && button.dataset.ref) preview.appendChild(img.cloneNode(true));
    var label = picker.querySelector(".picker-current-label strong");
    label.textContent = button.dataset.label;
    picker.querySelectorAll(".picture-result[aria-pressed]").forEach(function (b) {
      b.removeAttribute("aria-pressed");
    });
    if (button.dataset.ref) button.setAttribute("aria-pressed", "true");
    // The typed word has been answered by the tap; the server reads it only when nothing
    // was tapped.
    var search = picker.querySelector(".picker-search");
    if (search) search.value = "";
  });
})();
