// Polls a clustering run's status and shows its progress; reloads the page when it ends.
(function () {
  "use strict";
  var box = document.querySelector("[data-run-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-run-status-url");
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-run-progress]");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (run) {
        if (bar) { bar.value = run.progress; }
        if (label) { label.textContent = run.progress + "%"; }
        if (run.status === "done" || run.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
