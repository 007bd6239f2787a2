// Acceptance form: show the rectification fields only when the answers so far fail the
// acceptance, say why, and propose a deadline 30 days after the acceptance date. The server
// judges again; without this script the fields simply stay visible.
(function () {
  "use strict";
  const form = document.getElementById("acceptance-form");
  if (!form) return;
  const box = document.getElementById("rectification-fields");
  const banner = document.getElementById("failing-banner");
  const reasonsOut = document.getElementById("failing-reasons");
  const due = form.querySelector("[name=rectification_due]");
  const on = form.querySelector("[name=on]");
  const hasErrors = box.querySelector(".invalid-feedback") !== null;

  function checked(name) {
    const input = form.querySelector(`[name="${name}"]:checked`);
    return input ? input.value : "";
  }

  function reasons() {
    const out = [];
    form.querySelectorAll("[data-item][data-required='1']").forEach(function (card) {
      if (checked(`result_${card.dataset.item}`) === "fail") {
        out.push(card.querySelector(".fw-semibold").firstChild.textContent.trim());
      }
    });
    const grade = checked("post_grade");
    if (grade === "C" || grade === "D") out.push(`竣工后安全等级为 ${grade} 级`);
    if (checked("household_agrees") === "0") out.push("农户不同意");
    return out;
  }

  function suggest() {
    if (!due || due.value || !on || !on.value) return;
    const d = new Date(`${on.value}T00:00:00`);
    if (Number.isNaN(d.getTime())) return;
    d.setDate(d.getDate() + 30);
    const pad = (n) => String(n).padStart(2, "0");
    due.value = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }

  function update() {
    const why = reasons();
    const failing = why.length > 0;
    box.classList.toggle("d-none", !failing && !hasErrors);
    banner.classList.toggle("d-none", !failing);
    reasonsOut.textContent = why.join("、");
    if (failing) suggest();
  }

  form.addEventListener("change", update);
  update();
})();
