// The dashboard's charts, drawn from the JSON endpoint (the same data the API serves).
(function () {
  "use strict";
  var script = document.getElementById("dashboard-script");
  var url = script.getAttribute("data-url");
  var year = new URLSearchParams(window.location.search).get("year") || "";
  // Tooltips drawn on the canvas: ECharts' HTML tooltips carry style="" attributes, which the
  // Content-Security-Policy refuses (issue 21).
  var TOOLTIP = { trigger: "axis", renderMode: "richText" };

  function chart(id) {
    var el = document.getElementById(id);
    var c = echarts.init(el);
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }
  function empty(c, text) {
    c.setOption({ title: { text: text, left: "center", top: "middle", textStyle: { color: "#888", fontSize: 14, fontWeight: "normal" } } });
  }
  function drill(code) {
    var q = new URLSearchParams({ region: code });
    if (year) q.set("year", year);
    window.location.search = q.toString();
  }
  // Each bar and point of a per-region chart carries its region's code; a click opens that
  // region's dashboard (down to the village).
  function item(k, value) { return { value: value, code: k.code, drillable: k.drillable }; }
  function onDrill(c) {
    c.on("click", function (p) { if (p.data && p.data.code && p.data.drillable) drill(p.data.code); });
  }

  fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (d) {
      var kids = d.children;
      var names = kids.map(function (k) { return k.name; });

      var c1 = chart("chart-children");
      if (!kids.length) { empty(c1, "没有下级区划"); } else {
        c1.setOption({
          tooltip: TOOLTIP,
          legend: { data: ["仍住C/D重点户", "最长在阶段天数"], top: 0 },
          grid: { left: 40, right: 50, top: 30, bottom: 70 },
          xAxis: { type: "category", data: names, axisLabel: { rotate: names.length > 6 ? 40 : 0, interval: 0 } },
          yAxis: [{ type: "value", name: "户", minInterval: 1 }, { type: "value", name: "天", minInterval: 1 }],
          series: [
            { name: "仍住C/D重点户", type: "bar", data: kids.map(function (k) { return item(k, k.key_in_cd); }), itemStyle: { color: "#c62828" } },
            { name: "最长在阶段天数", type: "line", yAxisIndex: 1, data: kids.map(function (k) { return item(k, k.days_at_stage); }), itemStyle: { color: "#6d4c41" } }
          ]
        });
        onDrill(c1);
      }

      var stages = d.stages.filter(function (s) { return s.count > 0; });
      var c2 = chart("chart-stages");
      if (!stages.length) { empty(c2, d.year + " 年暂无案件"); } else {
        c2.setOption({
          tooltip: TOOLTIP,
          grid: { left: 110, right: 30, top: 10, bottom: 30 },
          xAxis: { type: "value", minInterval: 1 },
          yAxis: { type: "category", inverse: true, data: stages.map(function (s) { return s.label; }) },
          series: [{ type: "bar", data: stages.map(function (s) { return s.count; }), itemStyle: { color: "#1565c0" }, label: { show: true, position: "right" } }]
        });
      }

      var c3 = chart("chart-progress");
      var withTasks = kids.filter(function (k) { return k.tasks > 0 || k.cases > 0; });
      if (!withTasks.length) { empty(c3, "没有任务或案件"); } else {
        c3.setOption({
          tooltip: TOOLTIP,
          legend: { data: ["任务", "案件", "竣工", "销号"], top: 0 },
          grid: { left: 40, right: 20, top: 30, bottom: 70 },
          xAxis: { type: "category", data: withTasks.map(function (k) { return k.name; }), axisLabel: { rotate: withTasks.length > 6 ? 40 : 0, interval: 0 } },
          yAxis: { type: "value", minInterval: 1 },
          series: [
            { name: "任务", type: "bar", data: withTasks.map(function (k) { return item(k, k.tasks); }), itemStyle: { color: "#b0bec5" } },
            { name: "案件", type: "bar", data: withTasks.map(function (k) { return item(k, k.cases); }), itemStyle: { color: "#1565c0" } },
            { name: "竣工", type: "bar", data: withTasks.map(function (k) { return item(k, k.completed); }), itemStyle: { color: "#ef6c00" } },
            { name: "销号", type: "bar", data: withTasks.map(function (k) { return item(k, k.closed); }), itemStyle: { color: "#2e7d32" } }
          ]
        });
        onDrill(c3);
      }

      var c4 = chart("chart-trend");
      c4.setOption({
        tooltip: TOOLTIP,
        legend: { data: ["建案", "竣工", "销号"], top: 0 },
        grid: { left: 40, right: 20, top: 30, bottom: 30 },
        xAxis: { type: "category", data: d.trend.months },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: "建案", type: "line", data: d.trend.opened, itemStyle: { color: "#1565c0" } },
          { name: "竣工", type: "line", data: d.trend.completed, itemStyle: { color: "#ef6c00" } },
          { name: "销号", type: "line", data: d.trend.closed, itemStyle: { color: "#2e7d32" } }
        ]
      });
    })
    .catch(function () {
      document.querySelectorAll(".dash-chart").forEach(function (el) { el.textContent = "统计数据读取失败，请刷新页面。"; });
    });
})();
