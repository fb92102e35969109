/* Language bookkeeping in the browser: <html lang>, remembering the choice, restoring it. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  ccca: {
    syncLanguage: function (search, pathname, stored) {
      var params = new URLSearchParams(search || "");
      var asked = (params.get("lang") || "").toLowerCase();
      var nu = window.dash_clientside.no_update;
      if (asked === "ru" || asked === "en") {
        document.documentElement.lang = asked;
        return [asked === stored ? nu : asked, nu];
      }
      if (!params.has("lang") && stored === "en") {
        /* The user chose English before: reopen this view in English. */
        params.set("lang", "en");
        document.documentElement.lang = "en";
        return [nu, (pathname || "/") + "?" + params.toString()];
      }
      document.documentElement.lang = "ru";
      return [nu, nu];
    }
  }
});
