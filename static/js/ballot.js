// Ballot page behaviour (no inline scripts). The QR code carries the code in the URL fragment (#c=CODE),
// which browsers never send to the server; this moves it into the POST form and removes it from the
// address bar and history.
(function () {
  "use strict";

  function codeFromHash() {
    var hash = window.location.hash || "";
    var match = /[#&]c=([A-Za-z0-9-]+)/.exec(hash);
    return match ? match[1].toUpperCase() : "";
  }

  var input = document.querySelector("[data-code-from-hash]");
  var code = codeFromHash();
  if (window.location.hash && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname);
  }
  if (input && code) {
    input.value = code;
  }

  // 优/差 need a reason: mark the reason box when such an option is chosen
  document.querySelectorAll(".ballot-target").forEach(function (box) {
    var needs = (box.getAttribute("data-reason-options") || "").split(",").filter(Boolean);
    var reason = box.querySelector("[data-reason-box]");
    if (!reason || !needs.length) return;
    function update() {
      var checked = box.querySelector("input[type=radio]:checked");
      var required = !!checked && needs.indexOf(checked.value) !== -1;
      reason.classList.toggle("is-required", required);
    }
    box.addEventListener("change", update);
    update();
  });

  // submit once: a second tap does nothing while the first request is on its way
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      var submitter = event.submitter;
      if (submitter && submitter.name) {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = submitter.name;
        hidden.value = submitter.value;
        form.appendChild(hidden);
      }
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    });
  });
})();
