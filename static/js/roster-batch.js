// 花名册 batch actions: ticked rows (or everybody matching the filter) → export, 任免审批表 zip, rotation plan.
// The table is swapped by htmx on every filter change, so everything is delegated from the document.
(function () {
  "use strict";
  function form() { return document.querySelector("[data-roster-batch]"); }
  function rows() { return Array.from(document.querySelectorAll("[data-select-row]")); }
  function refresh() {
    const f = form();
    if (!f) return;
    const all = f.querySelector("[data-all-matching]").value === "1";
    const ticked = rows().filter((box) => box.checked).length;
    const count = all ? Number(f.dataset.total) : ticked;
    f.querySelector("[data-selected-count]").textContent = String(count);
    f.querySelectorAll("[data-needs-selection]").forEach((button) => { button.disabled = count === 0; });
    const clear = f.querySelector("[data-clear-selection]");
    if (clear) clear.classList.toggle("d-none", count === 0);
    const page = document.querySelector("[data-select-page]");
    if (page) page.checked = rows().length > 0 && ticked === rows().length;
  }
  function setAll(value) {
    const f = form();
    if (f) f.querySelector("[data-all-matching]").value = value ? "1" : "0";
  }
  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target.matches("[data-select-page]")) {
      rows().forEach((box) => { box.checked = target.checked; });
      if (!target.checked) setAll(false);
      refresh();
    } else if (target.matches("[data-select-row]")) {
      if (!target.checked) setAll(false);
      refresh();
    }
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-select-all-matching]")) {
      rows().forEach((box) => { box.checked = true; });
      setAll(true);
      refresh();
    } else if (event.target.closest("[data-clear-selection]")) {
      rows().forEach((box) => { box.checked = false; });
      setAll(false);
      refresh();
    }
  });
  document.addEventListener("htmx:afterSwap", refresh);
  document.addEventListener("DOMContentLoaded", refresh);
})();
