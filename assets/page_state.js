/* Page state: write the canonical address that the page's state model made (components/page_state.py)
   without re-rendering the page; a reload or a shared link then reopens the same view. */
window.dash_clientside = Object.assign({}, window.dash_clientside);
window.dash_clientside.page_state = {
  write: function (addresses) {
    var nu = window.dash_clientside.no_update;
    (addresses || []).forEach(function (target) {
      if (!target || target.path !== window.location.pathname) { return; }
      var next = target.path + (target.search ? "?" + target.search : "");
      if (next !== window.location.pathname + window.location.search) {
        window.history.replaceState(window.history.state, "", next);
      }
    });
    return (addresses || []).map(function () { return nu; });
  }
};
