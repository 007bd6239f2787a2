// The map of houses: points from the scoped GeoJSON endpoint for the visible box, clustered,
// coloured by grade. Without a configured tile source nothing is fetched from another host.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("map-config").textContent);
  var statusEl = document.getElementById("map-status");
  var form = document.getElementById("map-filters");
  var map = L.map("map", { preferCanvas: true, attributionControl: !!cfg.tiles }).setView([35.0, 110.0], 5);
  if (cfg.tiles) {
    var opts = { attribution: cfg.tiles.attribution, subdomains: cfg.tiles.subdomains, maxZoom: cfg.tiles.max_zoom };
    L.tileLayer(cfg.tiles.url, opts).addTo(map);
    if (cfg.tiles.overlay_url) L.tileLayer(cfg.tiles.overlay_url, opts).addTo(map);
  }
  var cluster = L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 50 });
  map.addLayer(cluster);
  var first = true;
  var seq = 0;

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function popup(p) {
    var house = cfg.house_url.replace("/0/", "/" + p.house + "/");
    var html = "<strong>" + esc(p.name) + "</strong> · " + esc(p.group) + "<br>" + esc(p.address) +
      "<br>房屋等级：" + (p.grade ? esc(p.grade) + " 级（" + esc(p.grade_source) + "）" : "未评定") +
      "<br>改造案件：" + esc(p.stage_label) + '<br><a href="' + house + '">房屋</a>';
    if (p.case) html += ' · <a href="' + cfg.case_url.replace("/0/", "/" + p.case + "/") + '">案件</a>';
    return html;
  }
  function load() {
    var q = new URLSearchParams(new FormData(form));
    if (!first) q.set("bbox", map.getBounds().toBBoxString());
    var mine = ++seq;
    statusEl.textContent = "正在加载……";
    fetch(cfg.points_url + "?" + q.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (mine !== seq) return;
        cluster.clearLayers();
        var markers = d.features.map(function (f) {
          var c = f.geometry.coordinates;
          return L.circleMarker([c[1], c[0]], {
            radius: f.properties.key ? 7 : 5, color: "#fff", weight: 1, fillColor: f.properties.colour, fillOpacity: 0.9
          }).bindPopup(popup(f.properties));
        });
        cluster.addLayers(markers);
        statusEl.className = "small mb-1" + (d.truncated ? " text-danger fw-bold" : " text-muted");
        statusEl.textContent = d.truncated
          ? "当前范围房屋超过 " + d.cap + " 处，仅显示前 " + d.cap + " 处，请放大地图。"
          : "当前范围共 " + d.features.length + " 处房屋（有坐标的）。";
        if (first && markers.length) {
          first = false;
          map.fitBounds(L.featureGroup(markers).getBounds().pad(0.1), { maxZoom: 15 });
        } else {
          first = false;
        }
      })
      .catch(function () { statusEl.textContent = "点位读取失败，请刷新页面。"; });
  }
  var timer = null;
  map.on("moveend", function () { if (first) return; clearTimeout(timer); timer = setTimeout(load, 250); });
  form.addEventListener("change", load);
  load();
})();
