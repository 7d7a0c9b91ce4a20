// Results page charts: data comes from the json_script tag #tally-data (no inline scripts).
(function () {
  "use strict";
  var source = document.getElementById("tally-data");
  if (!source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var palette = ["#b71c1c", "#ef6c00", "#9e9e9e", "#37474f"];
  var font = { fontFamily: "WenQuanYi Zen Hei, Microsoft YaHei, sans-serif" };

  var countsEl = document.querySelector("[data-tally-chart=counts]");
  if (countsEl) {
    echarts.init(countsEl).setOption({
      textStyle: font,
      color: palette,
      title: { text: "各选项票数", left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { bottom: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 48 },
      xAxis: { type: "category", data: data.names },
      yAxis: { type: "value", minInterval: 1 },
      series: data.options.map(function (option) {
        return {
          name: option, type: "bar", stack: "total", data: data.counts[option],
          label: { show: true, formatter: function (p) { return p.value ? String(p.value) : ""; } },
        };
      }),
    });
  }
  var scoresEl = document.querySelector("[data-tally-chart=scores]");
  if (scoresEl) {
    echarts.init(scoresEl).setOption({
      textStyle: font,
      title: { text: "加权得分", left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 16, top: 36, bottom: 30 },
      xAxis: { type: "category", data: data.names },
      yAxis: { type: "value", min: 0, max: 100 },
      series: [{ type: "bar", data: data.scores, itemStyle: { color: "#b71c1c" }, label: { show: true, position: "top" } }],
    });
  }
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-tally-chart]").forEach(function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  });
})();
