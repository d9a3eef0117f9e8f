// Draws the region page's charts from the JSON the server embedded (figures already scoped).
(function () {
  var holder = document.getElementById("dashboard-data");
  if (!holder || !window.echarts) return;
  var data = JSON.parse(holder.textContent);
  var charts = [];
  function chart(id, option) {
    var element = document.getElementById(id);
    if (!element) return;
    var instance = echarts.init(element, null, { renderer: "canvas" });
    instance.setOption(Object.assign({ animation: false, grid: { left: 48, right: 16, top: 36, bottom: 64 } }, option));
    element.dataset.ready = "1";
    charts.push(instance);
  }
  var areaNames = data.areas.map(function (a) { return a.name; });
  chart("chart-areas", {
    tooltip: { trigger: "axis" },
    legend: { data: [data.labels.households, data.labels.persons] },
    xAxis: { type: "category", data: areaNames, axisLabel: { rotate: areaNames.length > 4 ? 40 : 0, interval: 0 } },
    yAxis: { type: "value" },
    series: [
      { name: data.labels.households, type: "bar", data: data.areas.map(function (a) { return a.households; }) },
      { name: data.labels.persons, type: "bar", data: data.areas.map(function (a) { return a.persons; }) }
    ]
  });
  chart("chart-groups", {
    tooltip: { trigger: "axis" },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: data.key_groups.map(function (g) { return g.name; }) },
    grid: { left: 120, right: 16, top: 16, bottom: 24 },
    series: [{ name: data.labels.persons, type: "bar", data: data.key_groups.map(function (g) { return g.persons; }) }]
  });
  chart("chart-changes", {
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.changes_by_day.map(function (d) { return d.day.slice(5); }) },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: data.labels.changes, type: "line", data: data.changes_by_day.map(function (d) { return d.changes; }) }]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
