/* Action plans page: keep the address in step with the filters and the open action. */
window.dash_clientside = Object.assign({}, window.dash_clientside);
window.dash_clientside.ccca_actions = {
  syncUrl: function (city, status, hazard, essential, sync) {
    var params = new URLSearchParams(window.location.search);
    var lists = { city: city, status: status, hazard: hazard, essential: essential };
    Object.keys(lists).forEach(function (name) {
      var values = lists[name] || [];
      if (values.length) { params.set(name, values.join(",")); } else { params.delete(name); }
    });
    var action = sync && sync.action;
    var before = params.get("action");
    if (action) { params.set("action", action); } else { params.delete("action"); }
    if (sync && sync.lang && (params.has("lang") || sync.lang !== "ru")) { params.set("lang", sync.lang); }
    var query = params.toString().replace(/%2C/g, ",");
    var next = window.location.pathname + (query ? "?" + query : "");
    if (next !== window.location.pathname + window.location.search) {
      window.history.replaceState(window.history.state, "", next);
    }
    if (action && action !== before) {
      var box = document.getElementById("actions-detail-wrap");
      if (box && box.scrollIntoView) { box.scrollIntoView({ behavior: "smooth", block: "start" }); }
    }
    return window.dash_clientside.no_update;
  }
};
