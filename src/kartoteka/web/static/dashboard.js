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
  function monthOf(value) {
    // "YYYY-MM-01" as given, or the Date / timestamp Vega parsed it into
    if (value === undefined || value === null) { return null; }
    if (typeof value === "string") { return value.slice(0, 7); }
    var d = new Date(value);
    var utc = d.getUTCDate() === 1;
    var y = utc ? d.getUTCFullYear() : d.getFullYear();
    var m = (utc ? d.getUTCMonth() : d.getMonth()) + 1;
    return y + "-" + (m < 10 ? "0" : "") + m;
  }
  function casesForMonth(base, period) {
    var url = new URL(base, window.location.href);
    var parts = period.split("-");
    var last = new Date(Date.UTC(+parts[0], +parts[1], 0)).getUTCDate();
    url.searchParams.set("since", period + "-01");
    url.searchParams.set("until", period + "-" + (last < 10 ? "0" : "") + last);
    url.searchParams.delete("page");
    return url.pathname + url.search;
  }
  function render(container) {
    var key = container.getAttribute("data-chart");
    var specEl = document.querySelector('script.chart-spec[data-for="' + key + '"]');
    if (!specEl) { return; }
    var spec = JSON.parse(specEl.textContent);
    window.vegaEmbed(container, spec, options).then(function (result) {
      container.setAttribute("data-rendered", "1");
      var casesUrl = container.getAttribute("data-cases");
      if (casesUrl) {
        // a click on a month's bar lists the cases received that month (same filters)
        result.view.addEventListener("click", function (event, item) {
          var d = item && item.datum ? item.datum : null;
          var period = d ? monthOf(d.month !== undefined ? d.month : d.yearmonth_month) : null;
          if (period) { window.location.href = casesForMonth(casesUrl, period); }
        });
      }
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
