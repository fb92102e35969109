/* The server-rendered first view (services/first_view.py) stays on screen until Dash shows the page.
 *
 * The index page arrives with the page's markup inside #react-entry-point. React would replace it
 * with "Loading..." as soon as it mounts, long before the layout and the page have come back from
 * the server. So, before the renderer starts (this file runs before Dash's renderer script), the
 * markup moves just in front of the entry point and the entry point is hidden (html.first-view-on,
 * assets/style.css) while Dash renders into it. Once the header and the page's content are there,
 * the markup is removed and Dash's page is shown in its place: each id is then in the page once.
 */
(function () {
  "use strict";
  var entry = document.getElementById("react-entry-point");
  var view = entry && entry.querySelector(":scope > .first-view");
  if (!view) {
    return;
  }
  var root = document.documentElement;
  var GIVE_UP_MS = 30000;  // Dash mounted but the page never came: show Dash's own state after this
  entry.parentNode.insertBefore(view, entry);
  root.classList.add("first-view-on");

  function filled(id) {
    // Inside the entry point: document.getElementById would find the first view's copy first.
    var own = entry.querySelector("[id='" + id + "']");
    return Boolean(own && own.childElementCount > 0);
  }

  var observer;
  var timer;
  function reveal() {
    if (!view.parentNode) {
      return;
    }
    observer.disconnect();
    clearTimeout(timer);
    var scrolled = window.scrollY;
    view.parentNode.removeChild(view);
    root.classList.remove("first-view-on");
    window.scrollTo(0, scrolled);
    if (window.location.hash && window.ccca_revealHash) {
      window.ccca_revealHash();
    }
  }

  observer = new MutationObserver(function () {
    if (filled("_pages_content") && filled("shell-header")) {
      reveal();
    }
  });
  observer.observe(entry, {childList: true, subtree: true});
  function giveUp() {
    // Scripts still arriving on a slow line: keep the readable copy; Dash's layout is there: show it.
    if (entry.querySelector("[id='_pages_content']")) {
      reveal();
    } else {
      timer = setTimeout(giveUp, 5000);
    }
  }
  timer = setTimeout(giveUp, GIVE_UP_MS);
})();
