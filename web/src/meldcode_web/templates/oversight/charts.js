/* Draws every dashboard table that asks for it (canvas[data-chart-for]) with the vendored Chart.js.
   The table stays the source of truth: only cells with a number (data-value) are drawn; a count
   shown as "<5" or "x" is a gap in the chart, never a guessed value. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var palette = ["#01689b", "#e17000", "#39870c", "#a90061", "#42145f", "#673327", "#007bc7"];

  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  document.querySelectorAll("canvas[data-chart-for]").forEach(function (canvas) {
    var table = document.getElementById(canvas.getAttribute("data-chart-for"));
    if (!table) {
      return;
    }
    var kind = canvas.getAttribute("data-chart");
    var columns = (table.getAttribute("data-chart-columns") || "")
      .split(",")
      .filter(function (c) { return c !== ""; })
      .map(Number);
    var headers = Array.prototype.slice.call(table.querySelectorAll("thead th"), 1).map(text);
    var rows = Array.prototype.filter.call(table.querySelectorAll("tbody tr"), function (tr) {
      return !tr.hasAttribute("data-chart-skip");
    });
    var labels = rows.map(function (tr) { return text(tr.querySelector("th")); });
    var datasets = columns.map(function (column, i) {
      var colour = palette[i % palette.length];
      return {
        label: headers[column],
        data: rows.map(function (tr) {
          var cell = tr.querySelectorAll("td")[column];
          var value = cell ? cell.getAttribute("data-value") : null;
          return value === null ? null : Number(value);
        }),
        backgroundColor: colour,
        borderColor: colour,
        spanGaps: false
      };
    });
    var stacked = kind === "stacked";
    new window.Chart(canvas, {
      type: kind === "line" ? "line" : "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: datasets.length > 1 } },
        scales: {
          x: { stacked: stacked },
          y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } }
        }
      }
    });
  });
})();
