// Housing-fund charts from the JSON the server embedded: centres by league, a loan's principal and interest.
(function () {
  if (!window.echarts) return;
  function data(id) {
    var holder = document.getElementById(id);
    return holder ? JSON.parse(holder.textContent) : null;
  }
  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) return;
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ animation: false, tooltip: { trigger: "axis" }, grid: { left: 90, right: 16, top: 36, bottom: 64 } }, option));
    element.dataset.ready = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var centres = data("housing-fund-centres");
  if (centres) {
    draw("chart-centres", {
      legend: { data: [centres.labels.balance, centres.labels.loans] },
      xAxis: { type: "category", data: centres.centres, axisLabel: { rotate: 40, interval: 0 } },
      yAxis: { type: "value" },
      series: [
        { name: centres.labels.balance, type: "bar", data: centres.balance },
        { name: centres.labels.loans, type: "bar", data: centres.loans }
      ]
    });
  }
  var loan = data("housing-fund-loan");
  if (loan) {
    draw("chart-loan", {
      legend: { data: [loan.labels.principal, loan.labels.interest] },
      xAxis: { type: "category", data: loan.years },
      yAxis: { type: "value" },
      series: [
        { name: loan.labels.principal, type: "bar", stack: "payment", data: loan.principal },
        { name: loan.labels.interest, type: "bar", stack: "payment", data: loan.interest }
      ]
    });
  }
})();
