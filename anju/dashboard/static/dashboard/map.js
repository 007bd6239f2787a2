// The map of houses: points from the scoped GeoJSON endpoint for the visible box, clustered,
// coloured by grade; the region filter, the outlines of the region shown and its children (from
// the county's boundary file, when one is loaded) and their names, which drill down on a click.
// Without a configured tile source nothing is fetched from another host.
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
  // Outlines under the points (a click on a house still opens its popup), names above them.
  var areas = L.featureGroup().addTo(map);
  // Names above the houses' clusters, so a name can always be clicked (z-index set through the
  // DOM, which the CSP allows, not a style="" attribute).
  map.createPane("labels").style.zIndex = 650;
  // A house's point stays clickable above the region names: without outlines a village's name
  // sits at the mean of its houses, often on a house.
  map.createPane("points").style.zIndex = 660;
  // The houses as SVG in that pane, not canvas: a canvas covers the whole map and took every
  // click meant for a region's name below it; the SVG's own box lets clicks through (map.css)
  // and only its circles take them.
  var pointsRenderer = L.svg({ pane: "points" });
  var labels = L.featureGroup().addTo(map);
  map.addLayer(cluster);
  // Above the points' cap the server sends clusters it counted itself (ADR 0049): drawn as the
  // same badges, with the count of houses; a click zooms in towards single houses.
  var dbClusters = L.featureGroup().addTo(map);
  window.anjuDbClusters = dbClusters;
  window.anjuCluster = cluster;
  window.anjuAreas = areas;
  window.anjuLabels = labels;
  var regionSelect = document.getElementById("f-region");
  var dashboardLink = document.getElementById("dashboard-link");
  var regionName = "";
  var outlineFit = false;
  var first = true;
  var seq = 0;
  // What the last answer covered: panning or zooming inside it needs no new request (and keeps
  // an open popup open); only a capped answer is worth asking again for a smaller box.
  var covered = null;

  // The region the points are for: the filter's choice (known before the outlines answer), else
  // the name the outlines brought.
  function shownName() {
    var o = regionSelect && regionSelect.options[regionSelect.selectedIndex];
    return o ? o.text.replace(/^[\s\u3000]+/, "") : regionName;
  }
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
  function load(whole) {
    var q = new URLSearchParams(new FormData(form));
    var box = first || whole === true ? null : map.getBounds();
    if (box) q.set("bbox", box.toBBoxString());
    var askedZoom = map.getZoom();
    q.set("zoom", String(askedZoom));
    var mine = ++seq;
    statusEl.textContent = "正在加载……";
    var fitPoints = first;
    fetch(cfg.points_url + "?" + q.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (mine !== seq) return;
        covered = d.truncated || d.clustered ? null : (box || "all");
        lastClustered = !!d.clustered;
        pointsFrom = d.points_from_zoom;
        cluster.clearLayers();
        dbClusters.clearLayers();
        var markers = d.clustered ? d.features.map(dbCluster) : d.features.map(function (f) {
          var c = f.geometry.coordinates;
          return L.circleMarker([c[1], c[0]], {
            radius: f.properties.key ? 7 : 5, grade: f.properties.grade, color: "#fff", weight: 1, fillColor: f.properties.colour, fillOpacity: 0.9, pane: "points", renderer: pointsRenderer
          }).bindPopup(popup(f.properties));
        });
        if (d.clustered) markers.forEach(function (m) { dbClusters.addLayer(m); });
        else cluster.addLayers(markers);
        statusEl.className = "small mb-1" + (d.truncated ? " text-danger fw-bold" : " text-muted");
        statusEl.textContent = d.clustered
          ? (box ? "当前范围共 " : shownName() + "共 ") + d.total + " 处有坐标的房屋，按区域汇总显示（数字为房屋数，统计与统计页同步）；放大地图可逐户查看。"
          : d.truncated
          ? "当前范围房屋超过 " + d.cap + " 处，仅显示前 " + d.cap + " 处，请放大地图。"
          : (box ? "当前范围共 " : shownName() + "共 ") + d.features.length + " 处有坐标的房屋。";
        first = false;
        if (fitPoints && markers.length && !outlineFit) {
          // Clusters fitted: the move that follows asks again for the whole region at its zoom.
          wholeNext = !!d.clustered;
          map.fitBounds(L.featureGroup(markers).getBounds().pad(0.1), { maxZoom: 15 });
        } else if (d.clustered && map.getZoom() !== askedZoom) {
          // The map moved to the region's outline while the clusters were on their way: ask
          // again for this zoom (houses one by one from zoom 10).
          clearTimeout(timer);
          timer = setTimeout(function () { load(!box); }, 0);
        }
      })
      .catch(function () { statusEl.textContent = "点位读取失败，请刷新页面。"; });
  }
  function countText(n) {
    return n >= 10000 ? (n / 10000).toFixed(n >= 100000 ? 0 : 1) + "万" : String(n);
  }
  function dbCluster(f) {
    var c = f.geometry.coordinates, p = f.properties, n = p.count;
    var size = n < 10 ? 30 : n < 100 ? 36 : 44;
    var m = L.marker([c[1], c[0]], {
      pane: "points",
      title: n + " 处房屋" + (p.cd ? "，其中 C/D 级 " + p.cd + " 处" : ""),
      icon: L.divIcon({
        html: '<div class="map-cluster map-cluster-' + (n < 10 ? "s" : n < 100 ? "m" : "l") + " grade-" + (p.grade || "none") + '">' + countText(n) + "</div>",
        className: "", iconSize: L.point(size, size)
      })
    });
    m.on("click", function () { map.setView(m.getLatLng(), Math.min(map.getZoom() + 2, map.getMaxZoom())); });
    return m;
  }
  var timer = null;
  var wholeNext = false;
  var lastClustered = false;
  var pointsFrom = null;
  map.on("moveend", function () {
    // Across zoom 10 the answer changes kind (counts below, houses from there): ask again.
    var crossed = !first && pointsFrom != null && (map.getZoom() < pointsFrom) !== lastClustered;
    if (!crossed && (first || covered === "all" || (covered && covered.contains(map.getBounds())))) return;
    clearTimeout(timer);
    var whole = wholeNext;
    wholeNext = false;
    timer = setTimeout(function () { load(whole); }, 250);
  });

  // The region filter, the outlines and the names --------------------------------------------
  function label(entry, current) {
    var icon = L.divIcon({
      className: "map-label" + (current ? " map-label-current" : ""),
      html: '<span class="map-label-text" data-code="' + esc(entry.code) + '">' + esc(entry.name) + "</span>",
      iconSize: [0, 0]
    });
    var m = L.marker([entry.label[1], entry.label[0]], { icon: icon, keyboard: false, title: entry.name, pane: "labels" });
    if (!current && entry.drillable) m.on("click", function () { setRegion(entry.code, entry.name); });
    return m;
  }
  function drawRegions(d) {
    areas.clearLayers();
    labels.clearLayers();
    regionName = d.region.name;
    if (d.region.geometry) {
      areas.addLayer(L.geoJSON(d.region.geometry, { interactive: false, style: { color: "#0d47a1", weight: 3, fill: false } }));
    }
    d.children.forEach(function (c) {
      if (c.geometry) {
        var shape = L.geoJSON(c.geometry, { style: { color: "#455a64", weight: 1.5, fillColor: "#90a4ae", fillOpacity: 0.06 } });
        shape.regionCode = c.code;
        if (c.drillable) shape.on("click", function () { setRegion(c.code, c.name); });
        areas.addLayer(shape);
      }
      if (c.label) labels.addLayer(label(c, false));
    });
    if (!d.children.length && d.region.label) labels.addLayer(label(d.region, true));
    outlineFit = !!d.region.geometry;
    if (outlineFit) map.fitBounds(areas.getBounds().pad(0.05));
  }
  function loadRegions() {
    var code = regionSelect ? regionSelect.value : cfg.region;
    fetch(cfg.regions_url + (code ? "?region=" + encodeURIComponent(code) : ""), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (d) { if ((regionSelect ? regionSelect.value : cfg.region) === code) drawRegions(d); })
      .catch(function () { statusEl.textContent = "区划边界读取失败，请刷新页面。"; });
  }
  function regionChanged() {
    var code = regionSelect.value;
    var q = new URLSearchParams(window.location.search);
    if (code) q.set("region", code); else q.delete("region");
    window.history.replaceState(null, "", "?" + q.toString());
    dashboardLink.href = cfg.dashboard_url + (code ? "?region=" + encodeURIComponent(code) : "");
    first = true;
    covered = null;
    outlineFit = false;
    loadRegions();
    load();
  }
  function setRegion(code, name) {
    if (!Array.prototype.some.call(regionSelect.options, function (o) { return o.value === code; })) {
      regionSelect.add(new Option(name, code));
    }
    regionSelect.value = code;
    regionChanged();
  }
  form.addEventListener("change", function (e) {
    if (e.target === regionSelect) regionChanged(); else load();
  });
  loadRegions();
  load();
})();
