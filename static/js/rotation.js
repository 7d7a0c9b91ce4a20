// Rotation charts: data comes from json_script blocks; elements opt in with data-* attributes (no inline script).
(function () {
  if (typeof echarts === "undefined") return;
  function load(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function init(el) {
    if (!el.style.height) el.style.height = (el.dataset.height || 260) + "px";
    return echarts.init(el);
  }
  var palette = ["#c0392b", "#2980b9", "#27ae60", "#f39c12", "#8e44ad", "#16a085", "#7f8c8d"];
  document.querySelectorAll("[data-structure-chart]").forEach(function (el) {
    var data = load(el.dataset.source);
    var dim = el.dataset.structureChart;
    if (!data || !data[dim]) return;
    var d = data[dim];
    var chart = init(el);
    var pie = dim === "性别" || dim === "政治面貌" || dim === "民族";
    chart.setOption(pie ? {
      color: palette,
      tooltip: { trigger: "item", formatter: "{b}：{c}人（{d}%）" },
      series: [{ type: "pie", radius: ["35%", "65%"], label: { formatter: "{b}\n{c}人" },
        data: d.labels.map(function (l, i) { return { name: l, value: d.values[i] }; }).filter(function (x) { return x.value > 0; }) }]
    } : {
      color: palette,
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 10, top: 20, bottom: 50 },
      xAxis: { type: "category", data: d.labels, axisLabel: { interval: 0, rotate: d.labels.length > 5 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: d.values, label: { show: true, position: "top" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
  document.querySelectorAll("[data-compare-chart]").forEach(function (el) {
    var data = load(el.dataset.source);
    var dim = el.dataset.compareChart;
    if (!data || !data[dim]) return;
    var d = data[dim];
    var chart = init(el);
    chart.setOption({
      color: ["#95a5a6", "#c0392b"],
      title: { text: dim + "（交流前后）", left: "center", textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis" }, legend: { bottom: 0 },
      grid: { left: 40, right: 10, top: 30, bottom: 60 },
      xAxis: { type: "category", data: d.labels, axisLabel: { interval: 0, rotate: d.labels.length > 5 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: "交流前", type: "bar", data: d.before }, { name: "交流后", type: "bar", data: d.after }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
