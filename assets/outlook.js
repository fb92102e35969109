/* Risk outlook page: keep the address in step with the choices without re-rendering the page. */
window.dash_clientside = Object.assign({}, window.dash_clientside);
window.dash_clientside.outlook = {
  syncUrl: function (city, scenario, horizon, view, warm, pop, sync) {
    if (window.location.pathname !== "/outlook") { return window.dash_clientside.no_update; }
    var params = new URLSearchParams(window.location.search);
    var values = {city: city, scen: scenario, h: horizon, view: view, warm: warm, pop: pop};
    var defaults = {view: "level", warm: "1", pop: "1"};
    Object.keys(values).forEach(function (key) {
      var v = values[key];
      if (v === null || v === undefined || v === "" || defaults[key] === String(v)) { params.delete(key); }
      else { params.set(key, String(v)); }
    });
    var query = params.toString();
    var next = window.location.pathname + (query ? "?" + query : "");
    if (next !== window.location.pathname + window.location.search) {
      window.history.replaceState(window.history.state, "", next);
    }
    return window.dash_clientside.no_update;
  }
};
