// Every file input reads in Chinese whatever the browser's own language: the native button
// ("Choose Files" in an English Chromium) is hidden behind a visible 「选择文件」 button and the
// chosen names are listed beside it. The input itself stays in the form, focusable and submitted.
(function () {
  "use strict";
  var serial = 0;

  function describe(input, status) {
    var files = input.files ? Array.prototype.map.call(input.files, function (f) { return f.name; }) : [];
    if (!files.length) {
      status.textContent = "未选择文件";
    } else if (files.length === 1) {
      status.textContent = files[0];
    } else {
      status.textContent = "已选 " + files.length + " 个文件：" + files.join("、");
    }
  }

  function upgrade(input) {
    if (input.dataset.filePick) { return; }
    input.dataset.filePick = "1";
    if (!input.id) { serial += 1; input.id = "file-pick-" + serial; }
    var wrap = document.createElement("div");
    wrap.className = "file-pick";
    var button = document.createElement("label");
    button.className = "btn btn-outline-secondary btn-sm file-pick-button";
    button.htmlFor = input.id;
    button.textContent = input.multiple ? "选择文件（可多选）" : "选择文件";
    var status = document.createElement("span");
    status.className = "file-pick-status small text-muted";
    status.setAttribute("aria-live", "polite");
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(button);
    wrap.appendChild(status);
    input.classList.add("file-pick-input");
    describe(input, status);
    input.addEventListener("change", function () { describe(input, status); });
  }

  function upgradeAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll("input[type=file]"), upgrade);
  }

  document.addEventListener("DOMContentLoaded", function () { upgradeAll(document); });
  // Parts of a page swapped in by HTMX get the same treatment.
  document.addEventListener("htmx:afterSwap", function (event) { upgradeAll(event.target); });
})();
