// Monitoring dashboard charts from the JSON the server embedded: open alerts by risk and level (stacked),
// outcomes of closed alerts, and the take-up gap beside the monitored population by area.
(function () {
  if (!window.echarts) return;
  var holder = document.getElementById("monitoring-data");
  if (!holder) return;
  var data = JSON.parse(holder.textContent);
  var charts = [];
  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) return;
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option);
    element.dataset.ready = "1";
    charts.push(chart);
  }
  var colours = ["#c0392b", "#e67e22", "#f1c40f"];
  draw("chart-risks", {
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: data.levels.map(function (l) { return l.name; }) },
    grid: { left: 48, right: 16, top: 36, bottom: 72 },
    xAxis: { type: "category", data: data.risks, axisLabel: { rotate: 30, interval: 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: data.levels.map(function (l, i) { return { name: l.name, type: "bar", stack: "alerts", data: l.data, itemStyle: { color: colours[i] } }; })
  });
  draw("chart-outcomes", {
    animation: false,
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["35%", "65%"], data: data.outcomes }]
  });
  draw("chart-gap", {
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: [data.labels.gap, data.labels.monitored] },
    grid: { left: 56, right: 56, top: 36, bottom: 72 },
    xAxis: { type: "category", data: data.areas, axisLabel: { rotate: 40, interval: 0 } },
    yAxis: [{ type: "value", name: data.labels.gap, minInterval: 1 }, { type: "value", name: data.labels.monitored, minInterval: 1 }],
    series: [
      { name: data.labels.gap, type: "bar", data: data.gap },
      { name: data.labels.monitored, type: "line", yAxisIndex: 1, data: data.monitored }
    ]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
