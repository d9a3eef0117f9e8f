// Insurance charts from the JSON the server embedded: pension participation by area against the target.
(function () {
  if (!window.echarts) return;
  var holder = document.getElementById("insurance-coverage");
  var element = document.getElementById("chart-coverage");
  if (!holder || !element) return;
  var data = JSON.parse(holder.textContent);
  var chart = echarts.init(element, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    grid: { left: 56, right: 16, top: 36, bottom: 72 },
    legend: { data: [data.labels.rate] },
    xAxis: { type: "category", data: data.areas, axisLabel: { rotate: 40, interval: 0 } },
    yAxis: { type: "value", min: 0, max: 100 },
    series: [{
      name: data.labels.rate, type: "bar", data: data.rates,
      markLine: { symbol: "none", data: [{ yAxis: data.target, name: data.labels.target }], label: { position: "insideEndTop", formatter: data.labels.target + " {c}%" } }
    }]
  });
  element.dataset.ready = "1";
  window.addEventListener("resize", function () { chart.resize(); });
})();
