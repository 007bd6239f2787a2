// Small behaviours every page may use, declared by data attributes instead of inline handlers, so
// the Content-Security-Policy can forbid inline script (issue 21):
//   <select data-autosubmit>            submits its form when changed
//   <form data-confirm="问题？">          asks before submitting; 取消 keeps the form unsent
//   <a href="…" data-history-back>       goes back a page when there is one, else follows href
//   <div class="progress-bar" data-width="42">   sets the bar's width to 42 %
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof Element && el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[data-history-back]") : null;
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  // Widths through the CSSOM (allowed by CSP), on the page and on whatever htmx swaps in.
  function widths(root) {
    var bars = root.querySelectorAll ? root.querySelectorAll("[data-width]") : [];
    Array.prototype.forEach.call(bars, function (bar) {
      var pct = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-width")) || 0));
      bar.style.width = pct + "%";
    });
  }
  document.addEventListener("htmx:load", function (event) { widths(event.target.parentNode || document); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { widths(document); });
  } else {
    widths(document);
  }
})();
