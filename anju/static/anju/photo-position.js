// Stage photos carry the phone's position (issue 19, ADR 0033): every form with a
// [data-device-position] box asks the browser's geolocation once and fills its two hidden
// inputs, which the server stores with each photo and compares with the house. Without a
// position the photos are still saved, and flagged "照片无位置信息" unless they carry their own.
(function () {
  "use strict";
  function locate(box) {
    var lat = box.querySelector("[name=device_latitude]");
    var lon = box.querySelector("[name=device_longitude]");
    var text = box.querySelector("[data-position-text]");
    if (!lat || !lon || lat.value) return;
    if (!navigator.geolocation) {
      text.textContent = "此浏览器不支持定位；照片若带位置信息，将以照片位置核对。";
      return;
    }
    text.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      lat.value = pos.coords.latitude.toFixed(6);
      lon.value = pos.coords.longitude.toFixed(6);
      text.textContent = "已定位：" + lat.value + "，" + lon.value +
        (pos.coords.accuracy ? "（精度约 " + Math.round(pos.coords.accuracy) + " 米）" : "");
    }, function (err) {
      text.textContent = "未能定位（" + (err.code === 1 ? "未允许定位" : "信号弱或超时") +
        "）。仍可上传；照片若带位置信息，将以照片位置核对。";
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }
  function setup() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-device-position]"), locate);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
