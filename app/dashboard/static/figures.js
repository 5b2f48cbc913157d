/* Draws the figures page's charts (Chart.js, vendored) from the page's JSON data block.
   The CSP allows no inline script, so the numbers travel in
   <script type="application/json" id="figures-data"> and this file turns them into charts.
   Every chart has the same numbers in an HTML table under it. */
(function () {
  "use strict";

  var source = document.getElementById("figures-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var Chart = window.Chart;
  // Calm, distinguishable colours (Okabe–Ito), starting with the dashboard's green.
  var PALETTE = ["#128c7e", "#e69f00", "#56b4e9", "#cc79a7", "#0072b2", "#d55e00",
                 "#009e73", "#f0e442", "#999999", "#332288"];

  Chart.defaults.font.family = "system-ui, sans-serif";
  Chart.defaults.color = "#1d2733";
  Chart.defaults.animation = false; // static figures: draw once, at full size
  Chart.defaults.maintainAspectRatio = false;

  function colour(index) {
    return PALETTE[index % PALETTE.length];
  }

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) {
      new Chart(canvas, config);
    }
  }

  function stacked(spec) {
    draw(spec.canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (series, index) {
          return { label: series.label, data: series.values, backgroundColor: colour(index) };
        })
      },
      options: {
        responsive: true,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { stacked: true, ticks: { maxRotation: 60, autoSkip: true } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }
        }
      }
    });
  }

  function bars(spec) {
    var y = { beginAtZero: true };
    if (spec.min !== undefined) { y.min = spec.min; }
    if (spec.max !== undefined) { y.max = spec.max; }
    draw(spec.canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: [{
          label: spec.label,
          data: spec.values,
          maxBarThickness: 72,
          backgroundColor: spec.labels.map(function (_, index) { return colour(index); })
        }]
      },
      options: {
        responsive: true,
        plugins: { legend: { display: false } },
        scales: { y: y }
      }
    });
  }

  // Trips to the office: one horizontal bar per group, its 0/1/2-trip shares side by side
  // (together 100%); green for no trip, then warmer colours for each trip more.
  function shares(spec) {
    var colours = ["#128c7e", "#e69f00", "#d55e00"];
    var canvas = document.getElementById(spec.canvas);
    if (canvas) {
      // As tall as its bars need: a few services, or dozens of village offices.
      canvas.parentNode.style.height = (5 + 2.5 * spec.labels.length) + "rem";
    }
    draw(spec.canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (series, index) {
          return { label: series.label, data: series.values, maxBarThickness: 40,
                   backgroundColor: colours[index % colours.length] };
        })
      },
      options: {
        indexAxis: "y",
        responsive: true,
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: function (item) {
            return item.dataset.label + ": " + item.formattedValue + "%";
          } } }
        },
        scales: {
          x: { stacked: true, min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } },
          y: { stacked: true }
        }
      }
    });
  }

  stacked(data.stacked);
  data.bars.forEach(bars);
  (data.shares || []).forEach(shares);
})();
