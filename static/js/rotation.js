// Confirm before a button with data-confirm submits (e.g. 不采纳 when other suggestions fall with it).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
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
  function pieOption(labels, values, title) {
    return {
      color: palette,
      title: title ? { text: title, left: "center", textStyle: { fontSize: 13 } } : undefined,
      tooltip: { trigger: "item", formatter: "{b}：{c}人（{d}%）" },
      legend: { bottom: 0, type: "scroll" },
      series: [{ type: "pie", radius: ["30%", "55%"], center: ["50%", "50%"], avoidLabelOverlap: true,
        label: { formatter: "{b} {c}人", position: "outside" }, labelLine: { length: 8, length2: 6 },
        labelLayout: { hideOverlap: true },
        data: labels.map(function (l, i) { return { name: l, value: values[i] }; }).filter(function (x) { return x.value > 0; }) }]
    };
  }
  function ethnicBar(labels, values, title) {
    var rows = labels.map(function (l, i) { return [l, values[i]]; }).filter(function (r) { return title || r[1] > 0; });
    return {
      color: palette,
      title: title ? { text: title, left: "center", textStyle: { fontSize: 13 } } : undefined,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 70, right: 40, top: title ? 40 : 10, bottom: 20 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r[0]; }), axisLabel: { width: 60, overflow: "truncate" } },
      series: [{ type: "bar", data: rows.map(function (r) { return r[1]; }), barMaxWidth: 22, label: { show: true, position: "right" } }]
    };
  }
  function barOption(labels, values, title, max) {
    return {
      color: palette,
      title: title ? { text: title, left: "center", textStyle: { fontSize: 13 } } : undefined,
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 10, top: 45, bottom: 60 },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: labels.length > 4 ? 30 : 0, hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1, max: max },
      series: [{ type: "bar", data: values, barMaxWidth: 48, label: { show: true, position: "top" } }]
    };
  }
  document.querySelectorAll("[data-structure-chart]").forEach(function (el) {
    var data = load(el.dataset.source);
    var dim = el.dataset.structureChart;
    if (!data || !data[dim]) return;
    var d = data[dim];
    var chart = init(el);
    var pie = dim === "性别" || dim === "政治面貌";
    if (dim === "民族") {  // many small slices: a sorted horizontal bar, never overlapping labels
      chart.setOption(ethnicBar(d.labels, d.values, null));
      window.addEventListener("resize", function () { chart.resize(); });
      return;
    }
    chart.setOption(pie ? pieOption(d.labels, d.values, null) : {
      color: palette,
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 10, top: 20, bottom: 50 },
      xAxis: { type: "category", data: d.labels, axisLabel: { interval: 0, rotate: d.labels.length > 5 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: d.values, label: { show: true, position: "top" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
  document.querySelectorAll("[data-side-chart]").forEach(function (el) {
    var data = load(el.dataset.source);
    var dim = el.dataset.sideChart;
    if (!data || !data[dim]) return;
    var d = data[dim];
    var side = el.dataset.side;
    var values = d[side];
    var title = (side === "before" ? "交流前" : "交流后") + "：" + dim;
    var max = Math.max.apply(null, d.before.concat(d.after).concat([1]));
    var chart = init(el);
    if (dim === "性别") chart.setOption(pieOption(d.labels, values, title));
    else if (dim === "民族") { var o = ethnicBar(d.labels, values, title); o.xAxis.max = max; chart.setOption(o); }
    else chart.setOption(barOption(d.labels, values, title, max));
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
