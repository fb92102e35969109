/* Export buttons (presentation/export_button.py): turn a click into a request for the export
   queue, with the address as it is now (pages keep their choices in the query string). */
window.dash_clientside = Object.assign({}, window.dash_clientside);
window.dash_clientside.ccca_present = Object.assign({}, window.dash_clientside.ccca_present, {
  exportRequest: function (pptxClicks, pdfClicks, cancelClicks, context) {
    var nu = window.dash_clientside.no_update;
    var ctx = window.dash_clientside.callback_context;
    var trigger = (ctx && ctx.triggered && ctx.triggered.length) ? ctx.triggered[0].prop_id : "";
    if (trigger.indexOf("export-cancel") === 0) {
      return [{cancel: true, at: Date.now()}, ""];
    }
    var fmt = trigger.indexOf("export-pdf") === 0 ? "pdf" : "pptx";
    return [{
      fmt: fmt,
      search: window.location.search,
      path: window.location.pathname,
      context: context || {},
      at: Date.now()
    }, ""];
  }
});
