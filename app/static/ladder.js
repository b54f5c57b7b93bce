// Shared behaviour of every page: the phone menu, refused forms (a summary at the top, focus
// and scroll on the first error), confirmations before actions that cannot be undone, and
// column labels for tables stacked as cards on a phone. Loaded in <head>, without defer, so
// the "js" class is set before the page paints.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function openDetailsAround(element) {
    var details = element.closest("details");
    while (details) {
      details.open = true;
      details = details.parentElement ? details.parentElement.closest("details") : null;
    }
  }

  function focusWithoutScroll(element) {
    try {
      element.focus({ preventScroll: true });
    } catch (ignored) {
      element.focus();
    }
  }

  // A refused form: show the summary at the top and take the user to the first error.
  function showFormProblems() {
    var errors = document.querySelectorAll(".has-error, p.error");
    var summary = document.getElementById("form-problems");
    if (!errors.length) { return; }
    var first = errors[0];
    var box = first.closest(".has-error") || first;
    var control = box.querySelector(
      "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])"
    );
    if (summary) {
      var list = summary.querySelector("ul");
      document.querySelectorAll("p.error").forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message.textContent;
        list.appendChild(item);
      });
      summary.hidden = false;
    }
    openDetailsAround(box);
    var target = control || box;
    if (!control) { box.setAttribute("tabindex", "-1"); }
    focusWithoutScroll(target);
    target.scrollIntoView({ block: "center" });
  }

  // <button data-confirm="…"> (or <form data-confirm>): ask in an accessible dialog first.
  function confirmDialogs() {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    var message = dialog.querySelector("[data-confirm-message]");
    var ok = dialog.querySelector("[data-confirm-ok]");
    var okLabel = ok.textContent;
    var pending = null;
    document.addEventListener("submit", function (event) {
      var form = event.target;
      var submitter = event.submitter || null;
      var source = submitter && submitter.hasAttribute("data-confirm") ? submitter : form;
      if (!source.hasAttribute("data-confirm") || form.getAttribute("data-confirmed") === "1") {
        return;
      }
      event.preventDefault();
      pending = { form: form, submitter: submitter };
      message.textContent = source.getAttribute("data-confirm");
      ok.textContent = source.getAttribute("data-confirm-label") || okLabel;
      dialog.showModal();
    }, true);
    dialog.addEventListener("close", function () {
      var chosen = pending;
      pending = null;
      if (!chosen || dialog.returnValue !== "ok") { return; }
      chosen.form.setAttribute("data-confirmed", "1");
      if (chosen.submitter && typeof chosen.form.requestSubmit === "function") {
        chosen.form.requestSubmit(chosen.submitter);
      } else {
        chosen.form.submit();
      }
      chosen.form.removeAttribute("data-confirmed");
    });
  }

  function phoneMenu() {
    var toggle = document.querySelector("[data-menu-toggle]");
    var bar = document.querySelector(".topbar");
    if (!toggle || !bar) { return; }
    toggle.addEventListener("click", function () {
      var open = bar.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // Tables shown as cards on a phone keep their column names (td[data-label], see style.css).
  function tableLabels() {
    document.querySelectorAll("table.table").forEach(function (table) {
      var heads = table.querySelectorAll("thead th");
      if (!heads.length) { return; }
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          var head = heads[index];
          if (head && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", head.textContent.trim());
          }
        });
      });
    });
  }

  // th[data-sort] sorts its table's rows in the browser, text or number, both ways.
  function sortableColumns() {
    document.querySelectorAll("table.table th[data-sort]").forEach(function (head) {
      var table = head.closest("table");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = head.textContent.trim();
      head.textContent = "";
      head.appendChild(button);
      head.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var index = Array.prototype.indexOf.call(head.parentElement.children, head);
        var ascending = head.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th[aria-sort]").forEach(function (other) {
          other.setAttribute("aria-sort", "none");
        });
        head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        function key(row) {
          var cell = row.children[index];
          var text = cell ? (cell.getAttribute("data-sort-value") || cell.textContent.trim()) : "";
          var number = parseFloat(text.replace(/[^0-9.\-]/g, ""));
          return head.getAttribute("data-sort") === "number" && !isNaN(number) ? number : text;
        }
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var order = typeof x === "number" && typeof y === "number"
            ? x - y : String(x).localeCompare(String(y), document.documentElement.lang);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    phoneMenu();
    tableLabels();
    sortableColumns();
    confirmDialogs();
    showFormProblems();
  });
}());
