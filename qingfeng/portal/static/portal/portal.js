// Public portal: repeatable 被反映人 rows, the real-name fields, the print button.
// Everything here is an enhancement: the form works without JavaScript (all rows shown).
(function () {
  "use strict";
  document.documentElement.classList.add("qf-js");

  function setupSubjects() {
    var group = document.querySelector("[data-subjects]");
    if (!group) return;
    var button = group.querySelector("[data-add-subject]");
    function hidden() { return group.querySelectorAll("[data-subject-row].qf-row-optional"); }
    function refresh() { button.classList.toggle("d-none", hidden().length === 0); }
    button.addEventListener("click", function () {
      var next = hidden()[0];
      if (next) {
        next.classList.remove("qf-row-optional");
        var input = next.querySelector("input");
        if (input) input.focus();
      }
      refresh();
    });
    refresh();
  }

  function setupMode() {
    var block = document.querySelector("[data-real-name]");
    if (!block) return;
    var radios = document.querySelectorAll("input[name='mode']");
    function refresh() {
      var real = document.querySelector("input[name='mode'][value='real_name']");
      block.classList.toggle("qf-hidden", !(real && real.checked));
    }
    radios.forEach(function (r) { r.addEventListener("change", refresh); });
    refresh();
  }

  function setupPrint() {
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupSubjects();
    setupMode();
    setupPrint();
  });
})();
