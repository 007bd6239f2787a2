/* The offline field app (issue 19, ADR 0038). Everything an officer needs with no signal lives on
   the phone, in IndexedDB (through idb):
   - "worklist": the work list downloaded for chosen villages, per user, with the time it was made;
   - "queue": records made offline (inspection with its 以房找人 referral, patrol, 开工, 竣工,
     acceptance, archive photo), each with an idempotency key made when it was queued, its fields,
     its photos (downscaled here first, the original's EXIF block kept: ADR 0047) and its state.
   When the network is back the queue is sent in the order it was made, one record at a time; a
   record leaves the queue only when the server says it has it (written now, or already before).
   A refused record stays, with the server's Chinese reason, until the officer fixes or discards
   it. The service worker (/field/sw.js, Workbox) keeps this page and its files. No framework. */
(function () {
  "use strict";
  var root = document.getElementById("field-app");
  if (!root || !window.idb) return;
  var URLS = {
    session: root.dataset.sessionUrl, workList: root.dataset.workListUrl, sync: root.dataset.syncUrl,
    sw: root.dataset.swUrl, page: root.dataset.pageUrl
  };
  var ME = root.dataset.user;
  var KIND_LABELS = { inspection: "排查记录", patrol: "质量巡查", archive_photo: "档案照片", acceptance: "竣工验收", start: "开工", complete: "竣工" };
  // archive scans must stay legible
  var MAX_SIDE = { inspection: 1600, patrol: 1600, archive_photo: 2400, acceptance: 1600, start: 1600, complete: 1600 };
  // Written beside the copied EXIF block, so the server records where the photo's position came
  // from (anju.kit.photos.PHONE_COPY_MARK).
  var EXIF_MARK = "anju-field:exif-from-original";
  var QUALITY = 0.82;
  var STALE_HOURS = 24;
  var $ = function (sel, el) { return (el || root).querySelector(sel); };
  var queueList = $("[data-testid=queue-list]"), queueCount = $("[data-testid=queue-count]");
  var syncMessage = $("[data-testid=sync-message]"), progress = $("[data-testid=sync-progress]");
  var capture = $("[data-testid=capture]"), captureBody = document.getElementById("capture-body");
  var workBody = document.getElementById("work-list-body"), workAge = $("[data-testid=work-list-age]");
  var search = $("[data-testid=work-search]"), swStatus = $("[data-testid=sw-status]");
  var workList = null, syncing = false;

  var db = idb.openDB("anju-field", 1, {
    upgrade: function (database) {
      database.createObjectStore("worklist");
      database.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
    }
  });

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function stamp(iso) {
    var d = new Date(iso);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  function today() { var d = new Date(); return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function ageText(iso) {
    var minutes = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60000));
    if (minutes < 1) return "刚刚";
    if (minutes < 60) return minutes + " 分钟前";
    if (minutes < 60 * 48) return Math.round(minutes / 60) + " 小时前";
    return Math.round(minutes / 1440) + " 天前";
  }
  function kb(bytes) { return Math.round(bytes / 1024) + " KB"; }

  // --- network status ---------------------------------------------------------------------------
  function showNetwork() {
    var badge = $("[data-testid=net-status]");
    badge.textContent = navigator.onLine ? "在线" : "离线";
    badge.className = "badge " + (navigator.onLine ? "text-bg-success" : "text-bg-warning");
  }
  window.addEventListener("online", function () { showNetwork(); syncAll(); });
  window.addEventListener("offline", showNetwork);

  // --- the work list --------------------------------------------------------------------------------
  function villageName(code) {
    var v = (workList.villages || []).filter(function (x) { return x.code === code; })[0];
    return v ? v.name : code;
  }
  function button(label, testid, handler) {
    var b = el("button", "btn btn-sm btn-outline-primary", label);
    b.type = "button";
    b.dataset.testid = testid;
    b.addEventListener("click", handler);
    return b;
  }
  function houseItem(house) {
    var li = el("li", "list-group-item px-2");
    li.dataset.testid = "work-house";
    li.dataset.search = house.head + " " + house.address + " " + house.group;
    var top = el("div", "d-flex flex-wrap align-items-center gap-2");
    top.appendChild(el("span", "fw-semibold", house.head + "户"));
    top.appendChild(el("span", "badge " + (house.grade === "C" || house.grade === "D" ? "text-bg-danger" : "text-bg-light border"), house.grade_label));
    if (house.to_visit) top.appendChild(el("span", "badge text-bg-warning", "待排查"));
    if (workList.may_inspect === "open") {
      var b = button("排查", "inspect", function () {
        openForm("inspection", { house: house.id }, house.head + "户 " + house.address, { refer: house.may_refer });
      });
      b.classList.add("ms-auto");
      top.appendChild(b);
    }
    li.appendChild(top);
    li.appendChild(el("div", "small text-muted", [house.group, house.address, house.occupied ? "住人" : "不住人",
      house.last_inspected ? "最近排查 " + house.last_inspected : "未排查过"].filter(Boolean).join(" · ")));
    return li;
  }
  function caseItem(item) {
    var li = el("li", "list-group-item px-2");
    li.dataset.testid = "work-case";
    li.dataset.search = item.head + " " + item.address;
    var top = el("div", "d-flex flex-wrap align-items-center gap-2");
    top.appendChild(el("span", "fw-semibold", item.head + "户"));
    top.appendChild(el("span", "badge text-bg-info", item.stage_label));
    if (item.awaiting_acceptance) top.appendChild(el("span", "badge text-bg-warning", "待竣工验收"));
    var label = item.head + "户 " + item.stage_label;
    var actions = el("div", "d-flex gap-2 ms-auto");
    if (item.patrol === "open") {
      actions.appendChild(button("巡查", "patrol", function () { openForm("patrol", { "case": item.id }, label); }));
    }
    // 开工 and 竣工 carry the case's version from the list: a case moved meanwhile is refused.
    if (item.start) {
      actions.appendChild(button("开工", "start", function () { openForm("start", { "case": item.id, version: item.version }, label); }));
    }
    if (item.complete) {
      actions.appendChild(button("竣工", "complete", function () {
        openForm("complete", { "case": item.id, version: item.version }, label, { planned_area: item.planned_area });
      }));
    }
    if (item.acceptance) {
      actions.appendChild(button("验收", "accept", function () {
        openForm("acceptance", { "case": item.id, version: item.version }, label, item.acceptance);
      }));
    }
    if (item.archive_gaps.length) {
      actions.appendChild(button("档案照片", "archive-photo", function () { openForm("archive_photo", { "case": item.id }, label, item.archive_gaps); }));
    }
    top.appendChild(actions);
    li.appendChild(top);
    if (item.address) li.appendChild(el("div", "small text-muted", item.address));
    item.photo_flags.forEach(function (flag) {
      var line = el("div", "small text-warning-emphasis", "照片核验：" + flag);
      line.dataset.testid = "photo-flag";
      li.appendChild(line);
    });
    if (item.archive_gaps.length) {
      li.appendChild(el("div", "small text-danger", "档案缺：" + item.archive_gaps.map(function (g) { return g.name; }).join("、")));
    }
    return li;
  }
  function renderWorkList() {
    workBody.innerHTML = "";
    if (!workList) {
      workAge.textContent = "尚未下载工作清单：在下方选择村后下载。";
      search.classList.add("d-none");
      return;
    }
    var hours = (Date.now() - new Date(workList.downloaded_at).getTime()) / 3600000;
    workAge.textContent = "下载于 " + stamp(workList.downloaded_at) + "（" + ageText(workList.downloaded_at) + "）" +
      (hours > STALE_HOURS ? "，已超过一天：有信号时请重新下载，以免按旧情况工作。" : "");
    workAge.className = "small " + (hours > STALE_HOURS ? "text-danger" : "text-muted");
    search.classList.remove("d-none");
    if (workList.may_inspect !== "open") workBody.appendChild(el("p", "small text-muted", workList.may_inspect));
    workList.villages.forEach(function (village) {
      var houses = workList.houses.filter(function (h) { return h.village === village.code; });
      var cases = workList.cases.filter(function (c) { return c.village === village.code; });
      houses.sort(function (a, b) { return (b.to_visit ? 1 : 0) - (a.to_visit ? 1 : 0); });
      var section = el("section", "mb-3");
      section.dataset.testid = "work-village";
      section.appendChild(el("h2", "h6 mb-1", village.name));
      section.appendChild(el("div", "small text-muted mb-2", (village.campaign ? "排查：" + village.campaign + " · " : "") +
        "房屋 " + houses.length + " 处（待排查 " + houses.filter(function (h) { return h.to_visit; }).length + "）· 改造案件 " + cases.length + " 个"));
      if (cases.length) {
        section.appendChild(el("div", "small fw-semibold", "改造案件"));
        var cl = el("ul", "list-group mb-2");
        cases.forEach(function (c) { cl.appendChild(caseItem(c)); });
        section.appendChild(cl);
      }
      section.appendChild(el("div", "small fw-semibold", "房屋"));
      var hl = el("ul", "list-group");
      houses.forEach(function (h) { hl.appendChild(houseItem(h)); });
      section.appendChild(hl);
      workBody.appendChild(section);
    });
  }
  search.addEventListener("input", function () {
    var q = search.value.trim();
    Array.prototype.forEach.call(workBody.querySelectorAll("[data-search]"), function (li) {
      li.classList.toggle("d-none", q !== "" && li.dataset.search.indexOf(q) === -1);
    });
  });

  var download = $("[data-testid=download]");
  download.addEventListener("submit", function (event) {
    event.preventDefault();
    var message = $("[data-testid=download-message]");
    var codes = Array.prototype.map.call(download.querySelectorAll("[name=village]:checked"), function (c) { return c.value; });
    if (!codes.length) { message.textContent = "请至少选择一个村。"; return; }
    if (!navigator.onLine) { message.textContent = "现在没有网络，无法下载；下方显示的是本机已有的清单。"; return; }
    message.textContent = "正在下载…";
    fetchWorkList(codes).then(function (answer) {
      if (answer.status !== 200 || !answer.body.downloaded_at) { message.textContent = answer.body.reason || "下载失败，请稍后再试。"; return; }
      message.textContent = "已下载到本机：房屋 " + workList.houses.length + " 处，改造案件 " + workList.cases.length + " 个。";
      keepPage();
    }).catch(function () { message.textContent = "网络中断，未能下载；本机已有的清单不变。"; });
  });

  // The list for ``codes``, kept on the phone and shown when it arrives; the old one otherwise.
  function fetchWorkList(codes) {
    var query = codes.map(function (c) { return "village=" + encodeURIComponent(c); }).join("&");
    return fetch(URLS.workList + "?" + query, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (answer) {
      if (answer.status !== 200 || !answer.body.downloaded_at) return answer;
      workList = answer.body;
      return db.then(function (d) { return d.put("worklist", workList, ME); }).then(function () {
        renderWorkList();
        return answer;
      });
    });
  }

  // --- the queue ------------------------------------------------------------------------------------
  function allRecords() { return db.then(function (d) { return d.getAll("queue"); }); }
  function putRecord(record) { return db.then(function (d) { return d.put("queue", record); }); }
  function dropRecord(seq) { return db.then(function (d) { return d.delete("queue", seq); }); }

  function renderQueue() {
    return allRecords().then(function (records) {
      var mine = records.filter(function (r) { return r.user === ME; });
      queueCount.textContent = String(mine.length);
      queueCount.className = "badge " + (mine.length ? "text-bg-warning" : "text-bg-secondary");
      queueList.innerHTML = "";
      records.forEach(function (record) {
        var li = el("li", "list-group-item px-2");
        li.dataset.testid = "queued";
        li.dataset.state = record.state;
        var top = el("div", "d-flex flex-wrap align-items-center gap-2");
        top.appendChild(el("span", "fw-semibold", KIND_LABELS[record.kind]));
        top.appendChild(el("span", "", record.label));
        var state = { pending: ["待同步", "text-bg-secondary"], syncing: ["同步中", "text-bg-info"], refused: ["被退回", "text-bg-danger"] }[record.state];
        top.appendChild(el("span", "badge " + state[1], state[0]));
        li.appendChild(top);
        li.appendChild(el("div", "small text-muted", "记录于 " + stamp(record.captured_at) + " · 照片 " + record.photos.length + " 张" +
          (record.user !== ME ? " · 由 " + record.user + " 录入，请以该账号登录后同步" : "")));
        if (record.state === "refused") {
          var reason = el("div", "small text-danger", "退回原因：" + record.reason);
          reason.dataset.testid = "refusal";
          li.appendChild(reason);
        }
        if (record.user === ME && record.state !== "syncing") {
          var actions = el("div", "d-flex gap-2 mt-1");
          actions.appendChild(button("修改", "fix", function () { openForm(record.kind, record.target, record.label, record.gaps, record); }));
          var discard = button("删除", "discard", function () {
            if (!window.confirm("确定删除这条未同步的「" + KIND_LABELS[record.kind] + "」？删除后无法恢复。")) return;
            dropRecord(record.seq).then(renderQueue);
          });
          discard.className = "btn btn-sm btn-outline-danger";
          actions.appendChild(discard);
          li.appendChild(actions);
        }
        queueList.appendChild(li);
      });
      return mine;
    });
  }

  function formData(record, csrf) {
    var data = new FormData();
    data.append("key", record.key);
    data.append("kind", record.kind);
    data.append("captured_at", record.captured_at);
    Object.keys(record.target).forEach(function (k) { data.append(k, record.target[k]); });
    Object.keys(record.fields).forEach(function (k) {
      [].concat(record.fields[k]).forEach(function (v) { data.append(k, v); });
    });
    record.photos.forEach(function (p) { data.append("photos", new File([p.blob], p.name, { type: p.type })); });
    return data;
  }

  function showProgress(done, total) {
    progress.classList.toggle("d-none", total === 0);
    var bar = progress.querySelector(".progress-bar");
    bar.style.width = (total ? Math.round(100 * done / total) : 0) + "%";
    bar.textContent = done + "/" + total;
  }

  function sendOne(record, csrf) {
    record.state = "syncing";
    return putRecord(record).then(renderQueue).then(function () {
      return fetch(URLS.sync, { method: "POST", body: formData(record), credentials: "same-origin", headers: { "X-CSRFToken": csrf } });
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (response.status === 200 || response.status === 201) return dropRecord(record.seq).then(function () { return "sent"; });
      if (response.status === 422 && json) {
        return response.json().then(function (body) {
          record.state = "refused";
          record.reason = body.reason;
          return putRecord(record).then(function () { return "refused"; });
        });
      }
      if (response.status === 401 || response.status === 403) {
        record.state = "pending";
        return putRecord(record).then(function () { return "signed_out"; });
      }
      if (response.status >= 400 && response.status < 500) {
        record.state = "refused";
        record.reason = "服务器拒收此记录（HTTP " + response.status + "），照片可能过大或格式不对，请修改后重试。";
        return putRecord(record).then(function () { return "refused"; });
      }
      record.state = "pending";
      return putRecord(record).then(function () { return "retry"; });
    }, function () {
      record.state = "pending";
      return putRecord(record).then(function () { return "retry"; });
    });
  }

  function syncAll() {
    if (syncing) return Promise.resolve();
    if (!navigator.onLine) {
      return renderQueue().then(function (mine) {
        if (mine.length) syncMessage.textContent = "现在离线：记录已存在本机，恢复信号后自动同步。";
      });
    }
    return allRecords().then(function (records) {
      var due = records.filter(function (r) { return r.user === ME && r.state !== "refused"; });
      if (!due.length) return renderQueue();
      syncing = true;
      var done = 0, sent = 0, refused = 0;
      showProgress(0, due.length);
      syncMessage.textContent = "正在同步 " + due.length + " 条…";
      return fetch(URLS.session, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
        if (response.status !== 200 || response.redirected) throw new Error("signed_out");
        return response.json();
      }).then(function (session) {
        if (session.user !== ME) throw new Error("signed_out");
        var chain = Promise.resolve("sent");
        due.forEach(function (record) {
          chain = chain.then(function (last) {
            if (last === "retry" || last === "signed_out") return last; // stop; keep the rest in order
            return sendOne(record, session.csrf).then(function (outcome) {
              done += 1;
              if (outcome === "sent") sent += 1;
              if (outcome === "refused") refused += 1;
              showProgress(done, due.length);
              return outcome;
            });
          });
        });
        return chain;
      }).then(function (last) {
        var text = "同步完成：送达 " + sent + " 条" + (refused ? "，退回 " + refused + " 条（未写入系统，见原因，可修改或删除；" +
          "情况可能已变，建议重新下载工作清单）" : "") + "。";
        if (last === "retry") text = "网络中断：已送达 " + sent + " 条，其余留在本机，稍后自动重试。";
        if (last === "signed_out") text = "登录已过期，请重新登录后再同步；本机的记录不会丢失。";
        syncMessage.textContent = text;
        // What was just recorded changes the list (last inspection, stage): fetch it afresh.
        if (sent && workList) {
          return fetchWorkList(workList.villages.map(function (v) { return v.code; })).catch(function () { return null; });
        }
      }, function (error) {
        syncMessage.textContent = error.message === "signed_out"
          ? "登录已过期，请重新登录后再同步；本机的记录不会丢失。"
          : "网络不通，记录留在本机，稍后自动重试。";
      }).then(function () {
        syncing = false;
        showProgress(0, 0);
        return renderQueue();
      });
    });
  }
  $("[data-testid=sync-now]").addEventListener("click", function () { syncAll(); });

  // --- capture ----------------------------------------------------------------------------------------
  // The original JPEG's APP1 Exif segment (where and when the camera took it), with its
  // Orientation set to 1 since the canvas has already turned the picture upright; null when the
  // file has none or it cannot be read safely (then the photo goes without, and the server flags
  // it if the phone's position is missing too). ADR 0047.
  function exifSegment(buffer) {
    var view = new DataView(buffer), offset = 2;
    if (view.byteLength < 4 || view.getUint16(0) !== 0xFFD8) return null;
    while (offset + 4 <= view.byteLength) {
      var marker = view.getUint16(offset), length = view.getUint16(offset + 2);
      if ((marker & 0xFF00) !== 0xFF00 || marker === 0xFFDA || length < 2 || offset + 2 + length > view.byteLength) return null;
      if (marker === 0xFFE1 && length > 16 && view.getUint32(offset + 4) === 0x45786966 && view.getUint16(offset + 8) === 0) {
        var segment = new Uint8Array(buffer.slice(offset, offset + 2 + length));
        return uprightExif(new DataView(segment.buffer)) ? segment : null;
      }
      offset += 2 + length;
    }
    return null;
  }
  function uprightExif(view) {
    var tiff = 10, order = view.getUint16(tiff), little = order === 0x4949;
    if ((!little && order !== 0x4D4D) || view.getUint16(tiff + 2, little) !== 42) return false;
    var ifd = tiff + view.getUint32(tiff + 4, little);
    if (ifd + 2 > view.byteLength) return false;
    var count = view.getUint16(ifd, little);
    if (ifd + 2 + count * 12 > view.byteLength) return false;
    for (var i = 0; i < count; i++) {
      var entry = ifd + 2 + i * 12;
      if (view.getUint16(entry, little) === 0x0112) view.setUint16(entry + 8, 1, little);
    }
    return true;
  }
  function commentSegment(text) {
    var bytes = new TextEncoder().encode(text), segment = new Uint8Array(bytes.length + 4);
    segment.set([0xFF, 0xFE, (bytes.length + 2) >> 8, (bytes.length + 2) & 0xFF]);
    segment.set(bytes, 4);
    return segment;
  }

  function downscale(file, side) {
    var exif = file.slice(0, 262144).arrayBuffer().then(exifSegment).catch(function () { return null; });
    return Promise.all([createImageBitmap(file, { imageOrientation: "from-image" }), exif]).then(function (both) {
      var bitmap = both[0], segment = both[1];
      var scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          // The copied EXIF block goes right after the start-of-image marker, with the mark.
          if (segment) blob = new Blob([blob.slice(0, 2), segment, commentSegment(EXIF_MARK), blob.slice(2)], { type: "image/jpeg" });
          resolve({ name: file.name.replace(/\.[^.]+$/, "") + ".jpg", type: "image/jpeg", blob: blob, exif: !!segment });
        }, "image/jpeg", QUALITY);
      });
    });
  }

  function locate(box, position) {
    if (!navigator.geolocation) { box.textContent = "此浏览器不支持定位；照片仍可保存。"; return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      position.latitude = pos.coords.latitude.toFixed(6);
      position.longitude = pos.coords.longitude.toFixed(6);
      position.accuracy = Math.round(pos.coords.accuracy || 0);
      box.textContent = "已定位：" + position.latitude + "，" + position.longitude + (position.accuracy ? "（精度约 " + position.accuracy + " 米）" : "");
    }, function (err) {
      box.textContent = "未能定位（" + (err.code === 1 ? "未允许定位" : "信号弱或超时") + "），仍可保存；照片核验将提示无位置。";
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }

  function closeForm() { capture.classList.add("d-none"); captureBody.innerHTML = ""; }

  function fill(form, fields) {
    Object.keys(fields).forEach(function (name) {
      var values = [].concat(fields[name]);
      Array.prototype.forEach.call(form.querySelectorAll("[name='" + name + "']"), function (input) {
        if (input.type === "radio" || input.type === "checkbox") input.checked = values.indexOf(input.value) !== -1;
        else input.value = values[0];
      });
    });
  }

  function fieldsOf(form) {
    var fields = {};
    new FormData(form).forEach(function (value, name) {
      if (value instanceof File) return;
      if (name in fields) fields[name] = [].concat(fields[name], value);
      else fields[name] = name === "hazards" ? [value] : value;
    });
    return fields;
  }

  // ``gaps``: an archive photo's missing items, or an acceptance's checklist; ``existing``: a
  // queued record being fixed (its key is kept: nothing was written under it).
  function openForm(kind, target, label, gaps, existing) {
    var form = document.getElementById("tpl-" + kind).content.firstElementChild.cloneNode(true);
    var photos = existing ? existing.photos.slice() : [];
    var position = existing && existing.position ? existing.position : {};
    $("[data-target-label]", form).textContent = label;
    if (kind === "inspection") {
      var box = $("[data-hazards]", form);
      (workList ? workList.hazards : []).forEach(function (h, i) {
        var wrap = el("div", "form-check");
        var input = el("input", "form-check-input");
        input.type = "checkbox"; input.name = "hazards"; input.value = h.code; input.id = "hz-" + i;
        var lab = el("label", "form-check-label", h.part + "：" + h.label);
        lab.htmlFor = input.id;
        wrap.appendChild(input); wrap.appendChild(lab); box.appendChild(wrap);
      });
    }
    if (kind === "inspection" && !(gaps && gaps.refer)) $("[data-referral]", form).remove();
    if (kind === "complete") $("[name=built_area]", form).value = (gaps && gaps.planned_area) || "";
    if (kind === "archive_photo") {
      var select = $("[data-gaps]", form);
      (gaps || []).forEach(function (g) { var o = el("option", "", g.name); o.value = g.code; select.appendChild(o); });
    }
    if (kind !== "inspection" && kind !== "archive_photo") $("[name=on]", form).value = today();
    if (kind === "acceptance") buildChecklist(form, gaps);
    var slot = $("[data-photos]", form) || el("div");
    slot.appendChild(document.getElementById("tpl-photos").content.firstElementChild.cloneNode(true));
    $("[data-actions]", form).appendChild(document.getElementById("tpl-actions").content.cloneNode(true));
    if (existing) fill(form, existing.fields);
    return showForm(form, kind, target, label, gaps, existing, photos, position, slot);
  }

  // An acceptance's checklist: each item of the case's policy version, √/× (and ○ when optional).
  function buildChecklist(form, acceptance) {
    var box = $("[data-checklist]", form);
    $("[name=builder_name]", form).value = acceptance.builder || "";
    acceptance.items.forEach(function (item, i) {
      var row = el("div", "border-bottom py-1");
      row.dataset.testid = "checklist-item";
      row.appendChild(el("div", "small", (item.group ? item.group + "：" : "") + item.name + (item.required ? "（必验）" : "")));
      var choices = el("div", "d-flex gap-3");
      [["pass", "√"], ["fail", "×"]].concat(item.required ? [] : [["na", "○"]]).forEach(function (choice) {
        var wrap = el("div", "form-check");
        var input = el("input", "form-check-input");
        input.type = "radio"; input.name = "result_" + item.code; input.value = choice[0]; input.required = true;
        input.id = "item-" + i + "-" + choice[0];
        var lab = el("label", "form-check-label", choice[1]);
        lab.htmlFor = input.id;
        wrap.appendChild(input); wrap.appendChild(lab); choices.appendChild(wrap);
      });
      row.appendChild(choices);
      box.appendChild(row);
    });
  }

  function showForm(form, kind, target, label, gaps, existing, photos, position, slot) {
    slot = slot || el("div");
    var status = $("[data-photo-status]", form) || el("div"), errors = $("[data-photo-errors]", form) || el("div");
    function showPhotos() {
      if (!photos.length) { status.textContent = "照片在手机上缩小后存入待同步。"; return; }
      var size = photos.reduce(function (s, p) { return s + p.blob.size; }, 0);
      var kept = photos.filter(function (p) { return p.exif; }).length;
      status.textContent = "已备好照片 " + photos.length + " 张（缩小后共 " + kb(size) + "）" +
        (kept ? "，其中 " + kept + " 张保留了原图的拍摄位置和时间" : "") + "。";
      status.dataset.testid = "photo-ready";
    }
    showPhotos();
    var input = $("[data-photo-input]", form) || el("input");
    if (slot.hasAttribute("data-single")) input.removeAttribute("multiple");
    input.addEventListener("change", function () {
      var picked = Array.prototype.slice.call(input.files);
      errors.textContent = "";
      var refusals = [];
      Promise.all(picked.map(function (file) {
        if (file.type && file.type.indexOf("image/") !== 0) {
          refusals.push("「" + file.name + "」不是照片，未加入。");
          return null;
        }
        return downscale(file, MAX_SIDE[kind]).catch(function () {
          refusals.push("「" + file.name + "」无法识别为图片，未加入。");
          return null;
        });
      })).then(function (done) {
        var good = done.filter(Boolean);
        photos = slot.hasAttribute("data-single") ? good.slice(0, 1) : photos.concat(good);
        errors.textContent = refusals.join(" ");
        input.value = "";
        showPhotos();
      });
    });
    var positionBox = $("[data-position]", form);
    if (!positionBox) positionBox = el("div");
    else if (position.latitude) positionBox.textContent = "已定位：" + position.latitude + "，" + position.longitude;
    else locate(positionBox, position);
    $("[data-cancel]", form).addEventListener("click", closeForm);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var problem = $("[data-form-error]", form);
      if (slot.hasAttribute("data-required") && !photos.length) { problem.textContent = "请至少拍一张照片。"; return; }
      var fields = fieldsOf(form);
      if (position.latitude) {
        if (kind === "inspection") {
          fields.latitude = position.latitude; fields.longitude = position.longitude;
          fields.gps_accuracy_m = String(position.accuracy || ""); fields.gps_source = "device";
        } else {
          fields.device_latitude = position.latitude; fields.device_longitude = position.longitude;
        }
      }
      var record = existing || { key: newKey(), kind: kind, user: ME, captured_at: new Date().toISOString() };
      record.target = target; record.label = label; record.gaps = gaps || [];
      record.fields = fields; record.photos = photos; record.position = position;
      record.state = "pending"; record.reason = "";
      putRecord(record).then(function () {
        closeForm();
        syncMessage.textContent = "已保存到本机（" + KIND_LABELS[kind] + "）。";
        return renderQueue();
      }).then(function () { if (navigator.onLine) syncAll(); }, function () {
        problem.textContent = "本机存储已满或不可用，未能保存，请删除手机上的无用文件后重试。";
      });
    });
    captureBody.innerHTML = "";
    captureBody.appendChild(form);
    capture.classList.remove("d-none");
    capture.scrollIntoView({ block: "start" });
  }

  // --- the service worker ------------------------------------------------------------------------------
  function keepPage() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) {
        swStatus.textContent = event.data && event.data.kept
          ? "本页已存入手机：没有信号时也能打开，工作清单和待同步记录都在本机。"
          : "本页暂未存入手机，请在有信号时再打开一次。";
      };
      registration.active.postMessage({ type: "keep-page", url: URLS.page }, [channel.port2]);
    });
  }
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(URLS.sw).then(function () {
      if (navigator.onLine) keepPage();
      else swStatus.textContent = "离线中：显示本机保存的页面和清单。";
    }, function () { swStatus.textContent = "离线功能未能启用（浏览器拒绝了离线服务）；在线时仍可使用。"; });
  } else {
    swStatus.textContent = "此浏览器或连接不支持离线使用（需 HTTPS）；在线时仍可使用。";
  }

  // --- start --------------------------------------------------------------------------------------------
  showNetwork();
  db.then(function (d) { return d.get("worklist", ME); }).then(function (saved) {
    workList = saved || null;
    renderWorkList();
  });
  renderQueue().then(function () { if (navigator.onLine) syncAll(); });
  window.setInterval(function () { if (navigator.onLine) syncAll(); }, 60000);
})();
