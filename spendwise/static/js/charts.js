// Draws the report charts. The server computes every number; this file only draws them.
// A chart is a <canvas data-chart="ID"> next to {{ data|json_script:"ID" }} holding
// {type, labels, datasets: [{label, data: ["12.50", ...], colour | colours, type?, axis?}],
//  currency, locale, stacked?, horizontal?, links?}. Amounts arrive as decimal strings.
// CSP: no inline code; Chart.js sets styles through the CSSOM, which the policy allows.
(function () {
  "use strict";

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name);
    return value ? value.trim() : fallback;
  }

  function toNumber(value) {
    return value === null || value === undefined ? null : Number(value);
  }

  function moneyFormatter(spec) {
    try {
      return new Intl.NumberFormat(spec.locale || undefined, { style: "currency", currency: spec.currency });
    } catch (error) {
      return new Intl.NumberFormat();
    }
  }

  function build(spec) {
    var money = moneyFormatter(spec);
    var horizontal = Boolean(spec.horizontal);
    var hasPercent = false;
    var datasets = spec.datasets.map(function (set) {
      var colour = set.colours || set.colour || cssVar("--accent", "#1d4ed8");
      var line = set.type === "line" || spec.type === "line";
      var dataset = {
        label: set.label,
        data: set.data.map(toNumber),
        backgroundColor: colour,
        borderColor: line ? colour : (spec.type === "doughnut" ? cssVar("--surface", "#fff") : colour),
        borderWidth: line ? 2 : 1,
      };
      if (set.type) { dataset.type = set.type; dataset.order = -1; dataset.spanGaps = false; }
      if (set.axis === "percent") { dataset.yAxisID = "percent"; hasPercent = true; }
      dataset.isPercent = set.axis === "percent";
      return dataset;
    });

    function label(context) {
      var value = context.parsed;
      if (typeof value === "object" && value !== null) {
        value = horizontal ? value.x : value.y;
      }
      if (value === null || value === undefined) { return context.dataset.label + ": —"; }
      var text = context.dataset.isPercent ? value.toFixed(1) + "%" : money.format(value);
      return (context.dataset.label ? context.dataset.label + ": " : "") + text;
    }

    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
      plugins: {
        legend: { display: spec.type === "doughnut" || datasets.length > 1, position: "bottom" },
        tooltip: { callbacks: { label: label } },
      },
    };
    if (spec.type !== "doughnut") {
      var valueAxis = horizontal ? "x" : "y";
      var categoryAxis = horizontal ? "y" : "x";
      options.indexAxis = horizontal ? "y" : "x";
      options.scales = {};
      options.scales[categoryAxis] = { stacked: Boolean(spec.stacked), grid: { display: false } };
      options.scales[valueAxis] = {
        stacked: Boolean(spec.stacked),
        ticks: { callback: function (value) { return money.format(value); } },
      };
      if (hasPercent) {
        options.scales.percent = {
          position: "right",
          grid: { drawOnChartArea: false },
          ticks: { callback: function (value) { return value + "%"; } },
        };
      }
    }
    if (spec.links && spec.links.some(Boolean)) {
      options.onClick = function (event, elements) {
        if (elements.length && spec.links[elements[0].index]) {
          window.location.assign(spec.links[elements[0].index]);
        }
      };
      options.onHover = function (event, elements) {
        var linked = elements.length && spec.links[elements[0].index];
        event.native.target.style.cursor = linked ? "pointer" : "default";
      };
    }
    return { type: spec.type, data: { labels: spec.labels, datasets: datasets }, options: options };
  }

  function draw() {
    if (typeof window.Chart === "undefined") { return; }
    window.Chart.defaults.color = cssVar("--muted", "#475569");
    window.Chart.defaults.borderColor = cssVar("--border", "#cbd5e1");
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      new window.Chart(canvas, build(spec));
    });
  }

  // Typing a date switches the range to "Custom range", so that the dates are used.
  function watchRangeForms() {
    document.querySelectorAll("form[data-range-form]").forEach(function (form) {
      form.querySelectorAll("input[type=date]").forEach(function (input) {
        input.addEventListener("change", function () {
          var select = form.querySelector("select[name=range]");
          if (select) { select.value = "custom"; }
        });
      });
    });
  }

  draw();
  watchRangeForms();
})();
