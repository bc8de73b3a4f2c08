// Renders every chart of the page with vega-embed (bundled, served by kartoteka itself).
// Each chart's Vega-Lite spec sits beside its container in a JSON script element, so the
// same markup works on the live dashboard and in the offline report.
(function () {
  "use strict";
  var localeEl = document.getElementById("vega-locale");
  var locale = localeEl ? JSON.parse(localeEl.textContent) : null;
  var options = {
    renderer: "svg",
    actions: { export: true, source: false, compiled: false, editor: false },
  };
  if (locale) {
    options.formatLocale = locale.format;
    options.timeFormatLocale = locale.time;
  }
  function render(container) {
    var key = container.getAttribute("data-chart");
    var specEl = document.querySelector('script.chart-spec[data-for="' + key + '"]');
    if (!specEl) { return; }
    var spec = JSON.parse(specEl.textContent);
    window.vegaEmbed(container, spec, options).then(function () {
      container.setAttribute("data-rendered", "1");
    }).catch(function (err) {
      container.setAttribute("data-rendered", "error");
      container.textContent = "Chart failed to render: " + err;
    });
  }
  function start() {
    if (typeof window.vegaEmbed !== "function") {
      document.querySelectorAll(".vis[data-chart]").forEach(function (c) {
        c.textContent = "Chart library missing.";
        c.setAttribute("data-rendered", "error");
      });
      return;
    }
    document.querySelectorAll(".vis[data-chart]").forEach(render);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
