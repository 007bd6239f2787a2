/* The phone-first inspection form: GPS from the browser (or from a photo's EXIF), photos
   downscaled on the phone before upload, and a draft kept on the phone — the fields in
   localStorage, the downscaled photos in IndexedDB — so that a reload or a lost signal loses
   nothing. The form is sent with fetch: when the network fails the page stays as it is and the
   clerk submits again later; the draft is cleared only once the server has accepted the record
   (a submission id makes a repeated submit return the record already saved). No framework. */
(function () {
  "use strict";
  var MAX_SIDE = 1600, QUALITY = 0.82;
  var NETWORK_DOWN = "网络不通，记录已保存在本机，恢复信号后点“重新提交”。";

  // The draft's photos, keyed like the draft. Each call opens its own transaction.
  var photoStore = (function () {
    var opening = null;
    function open() {
      opening = opening || new Promise(function (resolve, reject) {
        if (!window.indexedDB) { reject(new Error("IndexedDB unavailable")); return; }
        var request = indexedDB.open("anju-drafts", 1);
        request.onupgradeneeded = function () { request.result.createObjectStore("photos"); };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
      return opening;
    }
    function run(mode, action) {
      return open().then(function (db) {
        return new Promise(function (resolve, reject) {
          var tx = db.transaction("photos", mode), request = action(tx.objectStore("photos"));
          tx.oncomplete = function () { resolve(request.result); };
          tx.onerror = tx.onabort = function () { reject(tx.error); };
        });
      });
    }
    return {
      load: function (key) {
        return run("readonly", function (s) { return s.get(key); }).then(function (items) {
          return (items || []).map(function (i) { return new File([i.blob], i.name, { type: i.type }); });
        });
      },
      save: function (key, files) {
        var items = files.map(function (f) { return { name: f.name, type: f.type, blob: f }; });
        return run("readwrite", function (s) { return items.length ? s.put(items, key) : s.delete(key); });
      },
      clear: function (key) { return run("readwrite", function (s) { return s.delete(key); }); }
    };
  })();

  function newSubmissionId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID(); // secure contexts only
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }

  function downscale(file) {
    var decode = window.createImageBitmap
      ? createImageBitmap(file, { imageOrientation: "from-image" })
      : new Promise(function (resolve, reject) {
          var img = new Image();
          img.onload = function () { resolve(img); };
          img.onerror = reject;
          img.src = URL.createObjectURL(file);
        });
    return decode.then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve(new File([blob], file.name.replace(/\.[^.]+$/, "") + ".jpg", { type: "image/jpeg" }));
        }, "image/jpeg", QUALITY);
      });
    });
  }

  // Everything below works on one rendering of the form; after the server answers with errors
  // the form is swapped for the server's and set up again.
  function setup(form) {
    var $ = function (selector) { return form.querySelector(selector); };
    var lat = $("[name=latitude]"), lon = $("[name=longitude]");
    var acc = $("[name=gps_accuracy_m]"), src = $("[name=gps_source]"), sid = $("[name=submission_id]");
    var gpsText = $("#gps-text"), gpsBox = $("#gps-status");
    var input = $("#id_photos"), previews = $("#photo-previews");
    var draftKey = form.dataset.draftKey, draftStatus = $("#draft-status");
    var submitBox = $("#submit-status"), button = $("[data-testid=save-inspection]");
    var photos = []; // File objects, already downscaled
    var photosKept = true, failed = false, failure = "";

    function setGps(latitude, longitude, accuracy, source) {
      lat.value = latitude.toFixed(6);
      lon.value = longitude.toFixed(6);
      acc.value = accuracy ? Math.round(accuracy) : "";
      src.value = source;
      gpsBox.className = "alert alert-success py-2 small d-flex align-items-center gap-2";
      gpsText.textContent = (source === "photo" ? "已取照片位置：" : "已定位：") + lat.value + "，" + lon.value +
        (accuracy ? "（精度约 " + Math.round(accuracy) + " 米）" : "");
      saveDraft();
    }

    // On opening the form a position up to a minute old will do; 重新定位 asks the device afresh,
    // so an officer who walked to the house is not refused again with the old position.
    function locate(fresh) {
      if (!navigator.geolocation) {
        gpsText.textContent = "此浏览器不支持定位；若照片带位置信息，将使用照片位置。";
        return;
      }
      gpsText.textContent = "正在定位…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        setGps(pos.coords.latitude, pos.coords.longitude, pos.coords.accuracy, "device");
      }, function (err) {
        gpsBox.className = "alert alert-warning py-2 small d-flex align-items-center gap-2";
        gpsText.textContent = "未能定位（" + (err.code === 1 ? "未允许定位" : "信号弱或超时") +
          "）。可继续填写；若照片带位置信息，将使用照片位置。";
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: fresh === true ? 0 : 60000 });
    }
    $("#gps-retry").addEventListener("click", function () { locate(true); });

    function showPhotos() {
      try { // the input mirrors the photos for a browser that posts the form itself
        var dt = new DataTransfer();
        photos.forEach(function (f) { dt.items.add(f); });
        input.files = dt.files;
      } catch (e) { /* old browsers: fetch sends the photos anyway */ }
      previews.innerHTML = "";
      photos.forEach(function (f, i) {
        var box = document.createElement("div");
        box.className = "position-relative";
        var img = document.createElement("img");
        img.src = URL.createObjectURL(f);
        img.alt = "照片 " + (i + 1);
        img.style.cssText = "width:88px;height:88px;object-fit:cover;border-radius:.25rem";
        var del = document.createElement("button");
        del.type = "button";
        del.className = "btn btn-sm btn-light position-absolute top-0 end-0 py-0 px-1";
        del.textContent = "×";
        del.setAttribute("aria-label", "删除照片 " + (i + 1));
        del.addEventListener("click", function () { photos.splice(i, 1); photosChanged(); });
        box.appendChild(img);
        box.appendChild(del);
        previews.appendChild(box);
      });
    }
    function photosChanged() {
      showPhotos();
      photoStore.save(draftKey, photos).then(function () { photosKept = true; }, function () { photosKept = false; })
        .then(saveDraft);
    }

    input.addEventListener("change", function () {
      var picked = Array.prototype.slice.call(input.files);
      Promise.all(picked.map(function (file) {
        var position = (window.exifr && !lat.value) ? exifr.gps(file).catch(function () { return null; }) : Promise.resolve(null);
        return position.then(function (gps) {
          if (gps && !lat.value && isFinite(gps.latitude) && isFinite(gps.longitude)) {
            setGps(gps.latitude, gps.longitude, null, "photo");
          }
          if (!/^image\//.test(file.type)) return file; // the server explains what is wrong with it
          return downscale(file).catch(function () { return file; });
        });
      })).then(function (files) {
        photos = photos.concat(files);
        photosChanged();
      });
    });

    // Referral fields only when the box is ticked; a hint when serious hazards meet a mild grade.
    var poor = $("#id_family_poor_not_listed"), referral = $("#referral-fields");
    function toggleReferral() { referral.style.display = poor.checked ? "" : "none"; }
    poor.addEventListener("change", toggleReferral);
    var hint = $("#grade-hint");
    function gradeHint() {
      var serious = form.querySelectorAll("[name=hazards][data-serious]:checked").length;
      var grade = ($("[name=suspected_grade]:checked") || {}).value;
      hint.textContent = serious && (grade === "A" || grade === "B") ? "已勾选严重隐患，通常应初判为 C 级或 D 级。" : "";
      hint.className = hint.textContent ? "form-text text-danger" : "form-text";
    }
    form.addEventListener("change", gradeHint);

    // The draft: every field in localStorage as the clerk types, the photos in IndexedDB.
    function fields() {
      return Array.prototype.filter.call(form.elements, function (el) {
        return el.name && el.type !== "file" && el.name !== "csrfmiddlewaretoken" && el.type !== "submit";
      });
    }
    function saveDraft() {
      var data = {};
      fields().forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.checked) (data[el.name] = data[el.name] || []).push(el.value);
        } else {
          data[el.name] = el.value;
        }
      });
      try {
        localStorage.setItem(draftKey, JSON.stringify({ saved: Date.now(), data: data, failed: failed }));
        draftStatus.textContent = "草稿已保存在本机" +
          (photos.length ? (photosKept ? "（含 " + photos.length + " 张照片）" : "（照片未能保存，重新打开页面后需重拍）") : "");
      } catch (e) { /* private mode: no draft */ }
    }
    function restoreDraft() {
      var raw = null;
      try { raw = localStorage.getItem(draftKey); } catch (e) { return; }
      if (!raw) return;
      var draft = JSON.parse(raw);
      failed = !!draft.failed;
      if (form.querySelector(".text-danger, .alert-danger")) return; // the server's own values win
      var data = draft.data || {};
      fields().forEach(function (el) {
        if (!(el.name in data)) return;
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = data[el.name].indexOf(el.value) >= 0;
        } else if (el.type !== "hidden" || el.value === "") {
          el.value = data[el.name];
        }
      });
      if (lat.value && lon.value) setGps(parseFloat(lat.value), parseFloat(lon.value), parseFloat(acc.value) || null, src.value || "device");
      draftStatus.textContent = "已恢复本机草稿";
    }
    function restorePhotos() {
      return photoStore.load(draftKey).then(function (files) {
        if (!files.length) return;
        photos = files.concat(photos);
        showPhotos();
        draftStatus.textContent = "已恢复本机草稿（含 " + photos.length + " 张照片）";
      }, function () { photosKept = false; });
    }
    function clearDraft() {
      try { localStorage.removeItem(draftKey); } catch (e) { /* nothing to clear */ }
      return photoStore.clear(draftKey).catch(function () { /* nothing kept */ });
    }
    form.addEventListener("input", saveDraft);
    form.addEventListener("change", saveDraft);

    // Submitting: kept on the phone until the server says it has the record.
    function buttonState(sending) {
      button.disabled = sending;
      button.textContent = sending ? "正在提交…" : (failed ? "重新提交" : "保存排查记录");
    }
    function fail(reason, html) {
      failed = true;
      failure = reason;
      saveDraft();
      submitBox.innerHTML = html;
      submitBox.hidden = false;
      buttonState(false);
      submitBox.scrollIntoView({ block: "center" });
    }
    function answered(html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("inspection-form");
      if (!fresh) { // most likely the login page: the session ran out while there was no signal
        fail("login", "登录已超时，记录已保存在本机。请<a href=\"" + location.pathname + location.search +
          "\">重新登录</a>后点“重新提交”。");
        return;
      }
      form.replaceWith(fresh); // the server's form with its messages beside the fields
      setup(fresh);
      var error = fresh.querySelector(".text-danger, .alert-danger");
      if (error) error.scrollIntoView({ block: "center" });
    }
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData || !window.DOMParser) return; // the browser posts the form itself
      event.preventDefault();
      if (button.disabled) return;
      failed = false;
      saveDraft();
      submitBox.hidden = true;
      buttonState(true);
      var body = new FormData(form);
      body.delete("photos");
      photos.forEach(function (f) { body.append("photos", f, f.name); });
      fetch(form.getAttribute("action") || location.href, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest" }
      }).then(function (response) {
        if (response.status === 201) {
          return response.json().then(function (saved) {
            return clearDraft().then(function () { location.assign(saved.url); });
          });
        }
        var isPage = (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
        if (response.ok && isPage) return response.text().then(answered);
        fail("server", "服务器暂时未能保存（错误 " + response.status + "），记录已保存在本机，请稍后点“重新提交”。");
      }).catch(function () {
        fail("network", NETWORK_DOWN);
      });
    });
    window.onoffline = function () { draftStatus.textContent = "当前无网络，可继续填写，草稿保存在本机"; };
    window.ononline = function () {
      if (failed && failure === "network") submitBox.textContent = "信号已恢复，请点“重新提交”。";
    };

    restoreDraft();
    if (!sid.value) sid.value = newSubmissionId();
    restorePhotos().then(function () {
      if (failed) {
        submitBox.textContent = "上次提交未成功，记录保存在本机。确认无误后点“重新提交”。";
        submitBox.hidden = false;
      }
      buttonState(false);
    });
    toggleReferral();
    gradeHint();
    if (!lat.value) locate();
  }

  var form = document.getElementById("inspection-form");
  if (form) setup(form);
})();
