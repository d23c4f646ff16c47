/* Employers' needs: horizontal bar charts drawn from the page's #needs-data JSON.
 *
 * The tables beside the charts hold the same figures, so the page is whole without this
 * script; the charts stay hidden until it runs. Labels come translated in the JSON.
 * No inline script: the site's Content Security Policy allows scripts from 'self' only.
 */
(function () {
  "use strict";

  var BAR_HEIGHT = 30; // px per bar, so long lists stay readable
  var charts = [];

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw() {
    charts.forEach(function (chart) { chart.destroy(); });
    charts = [];
    var source = document.getElementById("needs-data");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var lang = document.documentElement.lang || undefined;
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var colour = cssVar("--mile-accent", "#0b5cad");
    var ink = cssVar("--mile-ink", "#1b2a3a");
    document.querySelectorAll("figure.needs-chart[data-chart]").forEach(function (figure) {
      var series = data[figure.dataset.chart];
      var canvas = figure.querySelector("canvas");
      if (!series || !canvas) {
        return;
      }
      var box = canvas.parentElement;
      // Style through the CSSOM, which the policy allows (inline style attributes it does not).
      box.style.position = "relative";
      box.style.height = (series.labels.length * BAR_HEIGHT + 60) + "px";
      figure.hidden = false;
      charts.push(new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: series.labels,
          datasets: [{
            label: data.axis,
            data: series.counts,
            backgroundColor: colour,
            borderRadius: 3
          }]
        },
        options: {
          indexAxis: "y",
          locale: lang,
          maintainAspectRatio: false,
          animation: still ? false : undefined,
          plugins: { legend: { display: false } },
          scales: {
            x: {
              beginAtZero: true,
              ticks: { precision: 0, color: ink },
              title: { display: true, text: data.axis, color: ink }
            },
            y: { ticks: { color: ink, autoSkip: false } }
          }
        }
      }));
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  // The filters re-render the results with htmx: draw the new figures.
  document.addEventListener("htmx:afterSettle", draw);
})();
