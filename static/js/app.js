// Site-wide behaviour. No inline scripts in templates (CSP-ready): pages add data-* hooks handled here.
document.addEventListener("change", function (event) {
  const el = event.target;
  if (el.matches("[data-autosubmit]")) {
    el.form.requestSubmit();
  }
});
