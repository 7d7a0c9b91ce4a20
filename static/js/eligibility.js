// Eligibility pages: a select with data-navigate goes to the URL of the chosen option.
document.addEventListener("change", function (event) {
  const el = event.target;
  if (el.matches("select[data-navigate]") && el.value) {
    window.location.href = el.value;
  }
});
