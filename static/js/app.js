// Site-wide behaviour. No inline scripts in templates (CSP-ready): pages add data-* hooks handled here.
document.addEventListener("change", function (event) {
  const el = event.target;
  if (el.matches("[data-autosubmit]")) {
    el.form.requestSubmit();
  }
});

// Formsets of the record form: a button with data-formset-add="<prefix>" appends a copy of the
// <template data-formset-template="<prefix>"> row (the formset's empty_form) and bumps TOTAL_FORMS.
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-formset-add]");
  if (!button) {
    return;
  }
  const prefix = button.getAttribute("data-formset-add");
  const template = document.querySelector('template[data-formset-template="' + prefix + '"]');
  const body = document.querySelector('[data-formset-body="' + prefix + '"]');
  const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  if (!template || !body || !total) {
    return;
  }
  const index = parseInt(total.value, 10) || 0;
  const html = template.innerHTML.replace(/__prefix__/g, String(index));
  body.insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
  const first = body.lastElementChild && body.lastElementChild.querySelector("input:not([type=hidden]), select");
  if (first) {
    first.focus();
  }
});

// 打印 buttons (templates/_print_button.html): the print stylesheet in css/app.css lays the page out for A4.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
