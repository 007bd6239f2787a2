/* The phone-first inspection form: GPS from the browser (or from a photo's EXIF), photos
   downscaled on the phone before upload, and a draft kept in localStorage so that a reload
   or a lost signal does not lose what the clerk has typed. No framework: plain DOM. */
(function () {
  "use strict";
  var form = document.getElementById("inspection-form");
  if (!form) return;
  var MAX_SIDE = 1600, QUALITY = 0.82;
  var lat = form.querySelector("[name=latitude]"), lon = form.querySelector("[name=longitude]");
  var acc = form.querySelector("[name=gps_accuracy_m]"), src = form.querySelector("[name=gps_source]");
  var gpsText = document.getElementById("gps-text"), gpsBox = document.getElementById("gps-status");
  var input = document.getElementById("id_photos"), previews = document.getElementById("photo-previews");
  var draftKey = form.dataset.draftKey, draftStatus = document.getElementById("draft-status");
  var photos = []; // File objects, already downscaled

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

  function locate() {
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
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }
  document.getElementById("gps-retry").addEventListener("click", locate);

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

  function syncInput() {
    var dt = new DataTransfer();
    photos.forEach(function (f) { dt.items.add(f); });
    input.files = dt.files;
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
      del.addEventListener("click", function () { photos.splice(i, 1); syncInput(); });
      box.appendChild(img);
      box.appendChild(del);
      previews.appendChild(box);
    });
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
      syncInput();
    });
  });

  // Referral fields only when the box is ticked; a hint when serious hazards meet a mild grade.
  var poor = document.getElementById("id_family_poor_not_listed"), referral = document.getElementById("referral-fields");
  function toggleReferral() { referral.style.display = poor.checked ? "" : "none"; }
  poor.addEventListener("change", toggleReferral);
  toggleReferral();
  var hint = document.getElementById("grade-hint");
  function gradeHint() {
    var serious = form.querySelectorAll("[name=hazards][data-serious]:checked").length;
    var grade = (form.querySelector("[name=suspected_grade]:checked") || {}).value;
    hint.textContent = serious && (grade === "A" || grade === "B") ? "已勾选严重隐患，通常应初判为 C 级或 D 级。" : "";
    hint.className = hint.textContent ? "form-text text-danger" : "form-text";
  }
  form.addEventListener("change", gradeHint);

  // The draft: every field but the photos, saved as the clerk types.
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
      localStorage.setItem(draftKey, JSON.stringify({ saved: Date.now(), data: data }));
      draftStatus.textContent = "草稿已保存在本机（照片除外）";
    } catch (e) { /* private mode: no draft */ }
  }
  function restoreDraft() {
    var raw = null;
    try { raw = localStorage.getItem(draftKey); } catch (e) { return; }
    if (!raw || form.querySelector(".text-danger, .alert-danger")) return; // the server's own values win
    var data = JSON.parse(raw).data || {};
    fields().forEach(function (el) {
      if (!(el.name in data)) return;
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = data[el.name].indexOf(el.value) >= 0;
      } else if (el.type !== "hidden" || el.value === "") {
        el.value = data[el.name];
      }
    });
    if (lat.value && lon.value) setGps(parseFloat(lat.value), parseFloat(lon.value), parseFloat(acc.value) || null, src.value || "device");
    draftStatus.textContent = "已恢复本机草稿（照片需重新拍摄）";
  }
  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);
  form.addEventListener("submit", function () {
    try { localStorage.removeItem(draftKey); } catch (e) { /* nothing to clear */ }
  });

  restoreDraft();
  toggleReferral();
  gradeHint();
  if (!lat.value) locate();
})();
