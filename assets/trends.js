/* Trends page: keep the address in step with the choices without re-rendering the page. */
window.dash_clientside = Object.assign({}, window.dash_clientside);
window.dash_clientside.trends = {
  syncUrl: function (cities, variable, scenarios, baseline, mode, sync) {
    var params = new URLSearchParams(window.location.search);
    params.set("cities", (cities || []).join(","));
    if (variable) { params.set("var", variable); }
    params.set("scen", (scenarios || []).join(","));
    if (baseline) { params.set("base", baseline); }
    if (mode) { params.set("mode", mode); }
    var next = window.location.pathname + "?" + params.toString().replace(/%2C/g, ",");
    if (window.location.pathname === "/trends" && next !== window.location.pathname + window.location.search) {
      window.history.replaceState(window.history.state, "", next);
    }
    return window.dash_clientside.no_update;
  }
};
