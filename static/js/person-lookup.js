// 按姓名或拼音选人 (person lookup) wherever a person is chosen. No inline scripts (CSP): hooks are data-* attributes.
//
// - <div data-person-lookup data-target="ID" data-fill="id|id_number"> (templates/cadre/_person_lookup.html):
//   a search box that fills the element #ID with the chosen person's record id or 身份证号;
// - every single <select name="cadre"> (the rotation forms' 交流人员 / 挂职人员) gets such a box in front of it.
// The endpoint (cadre:lookup, from this script tag's data-lookup-url) answers only the roles that read the roster
// and masks the number for the roles that see it masked.
(function () {
  "use strict";
  if (window.personLookupLoaded) {
    return;
  }
  window.personLookupLoaded = true;
  const script = document.currentScript;
  const URL_BASE = (script && script.dataset.lookupUrl) || "/cadre/lookup/";
  let counter = 0;

  function makeBox(target, fill) {
    counter += 1;
    const box = document.createElement("div");
    box.className = "person-lookup position-relative mb-1";
    box.setAttribute("data-person-lookup", "");
    box.dataset.target = target.id;
    box.dataset.fill = fill;
    const input = document.createElement("input");
    input.type = "search";
    input.id = "person-lookup-" + counter;
    input.className = "form-control form-control-sm";
    input.placeholder = "按姓名或拼音查找，如 余建军、yjj";
    input.maxLength = 50;
    input.autocomplete = "off";
    input.setAttribute("aria-label", "按姓名或拼音查找");
    box.appendChild(input);
    target.parentNode.insertBefore(box, target);
    return box;
  }

  function setup(box) {
    if (box.dataset.ready) {
      return;
    }
    box.dataset.ready = "1";
    const input = box.querySelector("input[type=search]");
    const target = document.getElementById(box.dataset.target);
    if (!input || !target) {
      return;
    }
    let list = box.querySelector("[data-person-lookup-results]");
    if (!list) {
      list = document.createElement("div");
      list.setAttribute("data-person-lookup-results", "");
      box.appendChild(list);
    }
    list.className = "list-group position-absolute w-100 shadow-sm z-3 d-none";
    list.setAttribute("role", "listbox");
    let chosen = box.querySelector("[data-person-lookup-chosen]");
    if (!chosen) {
      chosen = document.createElement("div");
      chosen.className = "form-text small";
      chosen.setAttribute("data-person-lookup-chosen", "");
      box.appendChild(chosen);
    }
    let timer = null;
    let seq = 0;

    function clear() {
      list.replaceChildren();
      list.classList.add("d-none");
    }

    function note(text) {
      const item = document.createElement("div");
      item.className = "list-group-item small text-muted py-1";
      item.textContent = text;
      list.replaceChildren(item);
      list.classList.remove("d-none");
    }

    function pick(person) {
      const value = box.dataset.fill === "id_number" ? person.id_number : String(person.id);
      if (target.tagName === "SELECT" && !Array.from(target.options).some((o) => o.value === value)) {
        target.add(new Option(person.label, value));
      }
      target.value = value;
      target.dispatchEvent(new Event("change", { bubbles: true }));
      input.value = person.name;
      chosen.textContent = "已选：" + person.label;
      clear();
    }

    function search() {
      const q = input.value.trim();
      if (!q) {
        clear();
        return;
      }
      seq += 1;
      const mine = seq;
      fetch(URL_BASE + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then((response) => response.json())
        .then((data) => {
          if (mine !== seq) {
            return;
          }
          if (data.error) {
            note(data.error);
            return;
          }
          if (!data.results || !data.results.length) {
            note("未找到匹配的在职干部");
            return;
          }
          list.replaceChildren();
          data.results.forEach((person) => {
            const button = document.createElement("button");
            button.type = "button";
            button.className = "list-group-item list-group-item-action small py-1";
            button.setAttribute("role", "option");
            button.textContent = person.label + (person.id_number ? "　" + person.id_number : "");
            button.addEventListener("click", () => pick(person));
            list.appendChild(button);
          });
          list.classList.remove("d-none");
        })
        .catch(() => clear());
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        clear();
      } else if (event.key === "Enter") {
        event.preventDefault();
        const first = list.querySelector("button");
        if (first) {
          first.click();
        }
      }
    });
    document.addEventListener("click", (event) => {
      if (!box.contains(event.target)) {
        clear();
      }
    });
  }

  function init(root) {
    const scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll('select[name="cadre"]:not([multiple])').forEach((select) => {
      if (select.id && !select.dataset.personLookupBox) {
        select.dataset.personLookupBox = "1";
        makeBox(select, "id");
      }
    });
    scope.querySelectorAll("[data-person-lookup]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => init(document));
  } else {
    init(document);
  }
  document.addEventListener("htmx:afterSwap", (event) => init(event.target));
})();
