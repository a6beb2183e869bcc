// The routine-run form records the order in which steps were used. As a step's box is
// ticked it gets the next number; untick it and the others close up. Without this script
// the worker types the numbers, and the form works the same.
(function () {
  function steps(list) {
    return Array.from(list.querySelectorAll("li")).map(function (item) {
      return {
        box: item.querySelector("input[type=checkbox]"),
        order: item.querySelector("input.order-input"),
      };
    });
  }

  function renumber(list) {
    var used = steps(list).filter(function (s) { return s.order.value !== ""; });
    used.sort(function (a, b) { return Number(a.order.value) - Number(b.order.value); });
    used.forEach(function (s, index) { s.order.value = String(index + 1); });
  }

  document.querySelectorAll("[data-step-order]").forEach(function (list) {
    list.addEventListener("change", function (event) {
      var box = event.target;
      if (box.type !== "checkbox") return;
      var order = box.closest("li").querySelector("input.order-input");
      if (box.checked) {
        var highest = steps(list).reduce(function (max, s) {
          return Math.max(max, Number(s.order.value) || 0);
        }, 0);
        if (order.value === "") order.value = String(highest + 1);
      } else {
        order.value = "";
        renumber(list);
      }
    });
  });
})();
