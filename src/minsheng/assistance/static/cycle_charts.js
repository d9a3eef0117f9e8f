// Payment cycle: amount and lines by league, from the JSON the server embedded.
(function () {
  if (!window.echarts) return;
  var holder = document.getElementById("cycle-leagues");
  var element = document.getElementById("chart-leagues");
  if (!holder || !element) return;
  var data = JSON.parse(holder.textContent);
  var chart = echarts.init(element, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    grid: { left: 90, right: 60, top: 36, bottom: 80 },
    legend: { data: [data.labels.amount, data.labels.lines] },
    xAxis: { type: "category", data: data.leagues, axisLabel: { rotate: 40, interval: 0 } },
    yAxis: [{ type: "value", name: data.labels.amount }, { type: "value", name: data.labels.lines }],
    series: [
      { name: data.labels.amount, type: "bar", data: data.amount },
      { name: data.labels.lines, type: "line", yAxisIndex: 1, data: data.lines }
    ]
  });
  element.dataset.ready = "1";
  window.addEventListener("resize", function () { chart.resize(); });
})();
