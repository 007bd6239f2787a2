// The map of houses: points from the scoped GeoJSON endpoint for the visible box, clustered,
// coloured by grade. Without a configured tile source nothing is fetched from another host.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("map-config").textContent);
  var statusEl = document.getElementById("map-status");
  var form = document.getElementById("map-filters");
  var map = L.map("map", { preferCanvas: true, maxZoom: cfg.tiles ? cfg.tiles.max_zoom : 18, attributionControl: !!cfg.tiles }).setView([35.0, 110.0], 5);
  if (cfg.tiles) {
    var opts = { attribution: cfg.tiles.attribution, subdomains: cfg.tiles.subdomains, maxZoom: cfg.tiles.max_zoom };
    L.tileLayer(cfg.tiles.url, opts).addTo(map);
    if (cfg.tiles.overlay_url) L.tileLayer(cfg.tiles.overlay_url, opts).addTo(map);
  }
  L.control.scale({ imperial: false }).addTo(map);
  window.anjuMap = map;  // for the screenshot script and the console
  // A cluster takes the colour of the worst grade inside it, so D houses show at any zoom.
  var RANK = { D: 4, C: 3, B: 2, A: 1, "": 0 };
  // Its colours are the .grade-* classes in anju.css, the same as the legend's.
  var cluster = L.markerClusterGroup({
    chunkedLoading: true,
    maxClusterRadius: 50,
    iconCreateFunction: function (c) {
      var worst = "";
      c.getAllChildMarkers().forEach(function (m) { if (RANK[m.options.grade] > RANK[worst]) worst = m.options.grade; });
      var n = c.getChildCount();
      var size = n < 10 ? 30 : n < 100 ? 36 : 44;
      // Classes, not a style="" attribute: the Content-Security-Policy refuses inline styles.
      return L.divIcon({
        html: '<div class="map-cluster map-cluster-' + (n < 10 ? "s" : n < 100 ? "m" : "l") + " grade-" + (worst || "none") + '">' + n + "</div>",
        className: "", iconSize: L.point(size, size)
      });
    }
  });
  map.addLayer(cluster);
  window.anjuCluster = cluster;
  var first = true;
  var seq = 0;
  // What the last answer covered: panning or zooming inside it needs no new request (and keeps
  // an open popup open); only a capped answer is worth asking again for a smaller box.
  var covered = null;

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function popup(p) {
    var house = cfg.house_url.replace("/0/", "/" + p.house + "/");
    var html = "<strong>" + esc(p.name) + "</strong> · " + esc(p.group) + "<br>" + esc(p.address) +
      "<br>房屋等级：" + (p.grade ? esc(p.grade) + " 级（" + esc(p.grade_source) + " " + esc(p.grade_on) + "）" : "未评定") +
      (p.renovated ? "<br>已改造：" + esc(p.renovated) : "") +
      "<br>改造案件：" + esc(p.stage_label) + '<br><a href="' + house + '">房屋</a>';
    if (p.case) html += ' · <a href="' + cfg.case_url.replace("/0/", "/" + p.case + "/") + '">案件</a>';
    return html;
  }
  function load() {
    var q = new URLSearchParams(new FormData(form));
    var box = first ? null : map.getBounds();
    if (box) q.set("bbox", box.toBBoxString());
    var mine = ++seq;
    statusEl.textContent = "正在加载……";
    fetch(cfg.points_url + "?" + q.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (mine !== seq) return;
        covered = d.truncated ? null : (box || "all");
        cluster.clearLayers();
        var markers = d.features.map(function (f) {
          var c = f.geometry.coordinates;
          return L.circleMarker([c[1], c[0]], {
            radius: f.properties.key ? 7 : 5, grade: f.properties.grade, color: "#fff", weight: 1, fillColor: f.properties.colour, fillOpacity: 0.9
          }).bindPopup(popup(f.properties));
        });
        cluster.addLayers(markers);
        statusEl.className = "small mb-1" + (d.truncated ? " text-danger fw-bold" : " text-muted");
        statusEl.textContent = d.truncated
          ? "当前范围房屋超过 " + d.cap + " 处，仅显示前 " + d.cap + " 处，请放大地图。"
          : (box ? "当前范围共 " : "共 ") + d.features.length + " 处有坐标的房屋。";
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
  map.on("moveend", function () {
    if (first || covered === "all" || (covered && covered.contains(map.getBounds()))) return;
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  });
  form.addEventListener("change", load);
  load();
})();
