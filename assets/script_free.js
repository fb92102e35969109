/* Script-free pages only (services/static_page.py; Dash's pages do not load this file).
 *
 * The remembered language, as the shell's syncLanguage does on Dash's pages, in the same place
 * (Dash's dcc.Store "lang-store" in localStorage: the language as JSON, with a "-timestamp" entry):
 * an address with ?lang=ru|en remembers it; one without ?lang opens again in English when English
 * was chosen before. And the phone menu button that opens and closes the navigation.
 * Pages whose Dash waits for the visitor (services/deferred_dash.py) load it too, until Dash's
 * own shell script (assets/shell.js) takes the menu over.
 */
(function () {
  "use strict";
  var KEY = "lang-store";
  var params = new URLSearchParams(window.location.search);
  var asked = (params.get("lang") || "").toLowerCase();
  var stored = null;
  try {
    stored = JSON.parse(window.localStorage.getItem(KEY));
  } catch (e) {
    stored = null;  // storage refused (private mode) or unreadable: nothing remembered
  }
  if (asked === "ru" || asked === "en") {
    if (asked !== stored) {
      try {
        window.localStorage.setItem(KEY, JSON.stringify(asked));
        window.localStorage.setItem(KEY + "-timestamp", String(Date.now()));
      } catch (e) {
        // storage refused: the choice is not remembered, the page is still shown
      }
    }
  } else if (!params.has("lang") && stored === "en") {
    params.set("lang", "en");
    window.location.replace(window.location.pathname + "?" + params.toString() + window.location.hash);
    return;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#menu-button");
    var nav = document.getElementById("main-nav");
    var dashShell = window.dash_clientside && window.dash_clientside.ccca;  // assets/shell.js has run
    if (!button || !nav || dashShell) { return; }
    var open = !nav.classList.contains("open");
    nav.classList.toggle("open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
