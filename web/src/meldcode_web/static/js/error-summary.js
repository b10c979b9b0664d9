// The error summary of a refused form takes focus when the page loads, so a screen reader reads
// it and the keyboard starts there; its links move focus to the field itself (for a group of
// choices: the first choice). A static file: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";

  function focusField(target) {
    var field = target.matches("input, select, textarea, button")
      ? target
      : target.querySelector("input, select, textarea, button");
    var label = field && field.id ? document.querySelector('label[for="' + field.id + '"]') : null;
    var legend = target.querySelector("legend");
    (legend || label || target).scrollIntoView();
    (field || target).focus({ preventScroll: true });
  }

  function setUp(root) {
    var summary = root.querySelector("[data-error-summary]");
    if (!summary || summary.dataset.errorSummaryReady) {
      return;
    }
    summary.dataset.errorSummaryReady = "1";
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest('a[href^="#"]');
      if (!link) {
        return;
      }
      var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (target) {
        event.preventDefault();
        focusField(target);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  } else {
    setUp(document);
  }
  // a form refused and swapped in by htmx
  document.addEventListener("htmx:afterSettle", function () { setUp(document); });
})();
