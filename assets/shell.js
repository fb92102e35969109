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

/* Language links: switch the language of the view as it is now. Pages keep their choices in the
   address with history.replaceState (assets/page_state.js), which the shell's links do not see, so build the target
   from window.location at click time and navigate the way dcc.Link does. */
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a.lang-link");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
  var wanted = new URL(link.href, window.location.href).searchParams.get("lang");
  if (!wanted) { return; }
  var params = new URLSearchParams(window.location.search);
  params.set("lang", wanted);
  event.preventDefault();
  event.stopPropagation();
  window.history.pushState({}, "", window.location.pathname + "?" + params.toString());
  window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
  window.scrollTo(0, 0);
}, true);

/* Skip link: move the keyboard focus to the main content (not only the scroll position), without
   putting "#main" in the address that the pages read. */
document.addEventListener("click", function (event) {
  var skip = event.target.closest && event.target.closest("a.skip-link");
  var main = document.getElementById("main");
  if (!skip || !main) { return; }
  event.preventDefault();
  main.focus();
  main.scrollIntoView();
}, true);

/* Links to an anchor (e.g. /glossary#term-weight): the page renders after the browser looked for
   the anchor, so look again until it exists, then scroll to it and move the focus there. */
window.ccca_revealHash = function () {
  var id = decodeURIComponent((window.location.hash || "").slice(1));
  if (!id || id === "main") { return; }
  var tries = 0;
  var timer = setInterval(function () {
    var el = document.getElementById(id);
    if (el || ++tries > 60) {
      clearInterval(timer);
      if (el) {
        if (!el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "-1"); }
        el.scrollIntoView();
        el.focus({preventScroll: true});
      }
    }
  }, 100);
};
window.addEventListener("load", window.ccca_revealHash);
window.addEventListener("hashchange", window.ccca_revealHash);

/* Phones: the menu button opens and closes the navigation. The header is re-rendered on every
   page change, so the navigation starts closed on each new page. */
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("#menu-button");
  if (!button) { return; }
  var nav = document.getElementById("main-nav");
  if (!nav) { return; }
  var open = !nav.classList.contains("open");
  nav.classList.toggle("open", open);
  button.setAttribute("aria-expanded", open ? "true" : "false");
});
