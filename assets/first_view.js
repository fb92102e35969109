/* The server-rendered first view (services/first_view.py) stays on screen until Dash shows the page.
 *
 * The index page arrives with the page's markup inside #react-entry-point. React would replace it
 * with "Loading..." as soon as it mounts, long before the layout and the page have come back from
 * the server. So, before the renderer starts (this file runs before Dash's renderer script), the
 * markup moves into a shadow root just in front of the entry point, styled by copies of the page's
 * style sheets, and the entry point is hidden (html.first-view-on, assets/style.css) while Dash
 * renders into it. In the shadow root the copy's ids and classes are out of reach of
 * document.getElementById and CSS selectors, so scripts (and browser tests) only ever find Dash's
 * own elements. Once Dash has put the page's content in, the copy is removed and Dash's page shown.
 * The keyboard focus follows: the copy's focused element (when it moves, or when it is removed)
 * hands it to Dash's element with the same id. Where Dash is deferred (assets/deferred_dash.js), this runs when the
 * visitor first needs Dash and the loader adds Dash's scripts, not at load.
 */
(function () {
  "use strict";
  var entry = document.getElementById("react-entry-point");
  var view = entry && entry.querySelector(":scope > .first-view");
  if (!view || !entry.attachShadow || !("adoptedStyleSheets" in document)) {
    return;  // an old browser: React replaces the copy when it mounts, as Dash's "Loading..."
  }
  var root = document.documentElement;
  var GIVE_UP_MS = 30000;  // Dash mounted but the page never came: show Dash's own state after this

  // Stylesheets have loaded before this script runs (scripts wait for them), so copy them now.
  function copiedSheets() {
    var copies = [];
    Array.prototype.forEach.call(document.styleSheets, function (sheet) {
      try {
        var copy = new CSSStyleSheet({media: sheet.media.mediaText});
        copy.replaceSync(Array.prototype.map.call(sheet.cssRules, function (r) { return r.cssText; }).join("\n"));
        copies.push(copy);
      } catch (e) {
        // A sheet whose rules cannot be read: the copy goes without it.
      }
    });
    return copies;
  }

  var host = document.createElement("div");
  host.className = "first-view-host";
  var shadow = host.attachShadow({mode: "open"});
  shadow.adoptedStyleSheets = copiedSheets();
  entry.parentNode.insertBefore(host, entry);
  // Moving the copy takes the keyboard focus away (focusing it again in the shadow root scrolls
  // the page in Chromium): Dash's element with the same id gets it when the page is shown.
  var focusedId = view.contains(document.activeElement) ? document.activeElement.id : "";
  shadow.appendChild(view);
  root.classList.add("first-view-on");

  var observer;
  var timer;
  function reveal() {
    if (!host.parentNode) {
      return;
    }
    observer.disconnect();
    clearTimeout(timer);
    var scrolled = window.scrollY;
    focusedId = (shadow.activeElement && shadow.activeElement.id) || focusedId;
    host.parentNode.removeChild(host);
    root.classList.remove("first-view-on");
    window.scrollTo(0, scrolled);
    var same = focusedId && document.getElementById(focusedId);
    if (same && (!document.activeElement || document.activeElement === document.body)) {
      same.focus({preventScroll: true});  // the keyboard focus moves to Dash's element with the same id
    }
    var deferred = root.classList.contains("dash-deferred");  // started later: the anchor was shown at load
    if (window.location.hash && window.ccca_revealHash && !deferred) {
      window.ccca_revealHash();
    }
  }

  // Shown as soon as the page's content is in (the same moment its elements appear); the header
  // keeps its height while its links arrive (assets/style.css).
  observer = new MutationObserver(function () {
    var content = document.getElementById("_pages_content");
    if (content && content.childElementCount > 0) {
      reveal();
    }
  });
  observer.observe(entry, {childList: true, subtree: true});
  function giveUp() {
    // Scripts still arriving on a slow line: keep the readable copy; Dash's layout is there: show it.
    if (document.getElementById("_pages_content")) {
      reveal();
    } else {
      timer = setTimeout(giveUp, 5000);
    }
  }
  timer = setTimeout(giveUp, GIVE_UP_MS);
})();
