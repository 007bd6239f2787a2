// Small behaviours every page may use, declared by data attributes instead of inline handlers, so
// the Content-Security-Policy can forbid inline script (issue 21):
//   <select data-autosubmit>            submits its form when changed
//   <form data-confirm="问题？">          asks before submitting; 取消 keeps the form unsent
//   <a href="…" data-history-back>       goes back a page when there is one, else follows href
//   <div class="progress-bar" data-width="42">   sets the bar's width to 42 %
//   <form data-logout>                    forgets the offline field app's page and work lists first
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

  // Signing out forgets the offline field app's copy of its page and the work lists (names and
  // addresses) kept on this phone; records still waiting to sync stay for their officer (ADR 0038).
  function forgetFieldData() {
    var jobs = [];
    if (window.caches) jobs.push(caches.delete("anju-field-pages").catch(function () { return false; }));
    if (window.indexedDB) {
      jobs.push(new Promise(function (resolve) {
        var request = indexedDB.open("anju-field");
        request.onupgradeneeded = function () { request.transaction.abort(); }; // never made here
        request.onerror = function () { resolve(); };
        request.onsuccess = function () {
          var db = request.result;
          if (!db.objectStoreNames.contains("worklist")) { db.close(); resolve(); return; }
          var tx = db.transaction("worklist", "readwrite");
          tx.objectStore("worklist").clear();
          tx.oncomplete = tx.onerror = tx.onabort = function () { db.close(); resolve(); };
        };
      }));
    }
    return Promise.all(jobs);
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-logout")) return;
    event.preventDefault();
    var sent = false;
    var send = function () { if (!sent) { sent = true; form.submit(); } };
    forgetFieldData().then(send, send);
    window.setTimeout(send, 2000);
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
