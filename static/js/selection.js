// 竞争上岗 pages. No inline scripts (CSP): the templates carry data-* hooks handled here.
(function () {
  "use strict";

  // Character counter: <textarea data-counter="1500" id="x"> and <span data-counter-for="x">.
  function updateCounter(area) {
    const max = parseInt(area.getAttribute("data-counter"), 10);
    const out = document.querySelector('[data-counter-for="' + area.id + '"]');
    if (!out || !max) {
      return;
    }
    const n = Array.from(area.value).length;
    out.textContent = n + " / " + max;
    out.classList.toggle("text-danger", n > max);
    out.classList.toggle("fw-semibold", n > max * 0.9);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches("textarea[data-counter]")) {
      updateCounter(event.target);
    }
  });

  // 党委会 vote grid: an absent member's votes do not count, so their selects are disabled;
  // "全部同意" fills 同意 for one candidate in every present, named member's row that is still empty.
  function syncRow(index) {
    const box = document.querySelector('[data-present-toggle="' + index + '"]');
    if (!box) {
      return;
    }
    document.querySelectorAll('select[data-vote-member="' + index + '"]').forEach(function (select) {
      select.disabled = !box.checked || box.disabled;
    });
  }

  document.addEventListener("change", function (event) {
    const box = event.target.closest("[data-present-toggle]");
    if (box) {
      syncRow(box.getAttribute("data-present-toggle"));
    }
  });

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-fill-votes]");
    if (!button) {
      return;
    }
    const appId = button.getAttribute("data-fill-votes");
    document.querySelectorAll('select[data-vote-for="' + appId + '"]').forEach(function (select) {
      const row = select.closest("[data-member-row]");
      const name = row && row.querySelector('input[name$="-name"]');
      if (name && !name.value.trim()) {
        return;
      }
      if (!select.disabled && !select.value) {
        select.value = "同意";
      }
    });
  });

  function init() {
    document.querySelectorAll("textarea[data-counter]").forEach(updateCounter);
    document.querySelectorAll("[data-present-toggle]").forEach(function (box) {
      syncRow(box.getAttribute("data-present-toggle"));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
