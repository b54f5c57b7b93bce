// Polls a background job's status and shows its progress; reloads the page when it ends.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-job-status-url");
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-job-progress]");
  var message = box.querySelector("[data-job-message]");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        var percent = Math.round(job.progress * 100);
        if (bar) { bar.value = percent; }
        if (label) { label.textContent = percent + "%"; }
        if (message) { message.textContent = job.message; }
        if (job.state === "done" || job.state === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
