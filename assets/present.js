/* Presenter mode (/present): keyboard, counter, full screen, auto-advance, slide number in the URL.

   The deck (#present-deck) holds every slide, stacked; the current one has the class is-current.
   Keys: → PageDown Space (next), ← PageUp Backspace (previous), Home End, F (full screen),
   Escape (leave to the overview in the same language). The slide number is kept in the address
   as ?slide=N with history.replaceState, so a reload or a shared link opens the same slide.
   Nothing here loads anything from the network.

   It runs at load, before Dash (services/deferred_dash.py's FIRST_VIEW_ASSETS): the deck arrives
   complete as HTML, its charts drawn as SVG, and Dash's scripts wait until the visitor needs them
   (a hover on a chart, an export). The deck's own buttons carry data-served-by-page, so they never
   start Dash. While Dash loads, the server's copy of the deck is in assets/first_view.js's shadow
   root, and is the one moved; the deck Dash draws then shows the slide the address says.
   In the deck editor, a form marked data-submit-on-change is sent when its choice changes. */
(function () {
  "use strict";
  var lastMove = Date.now();

  /* The deck on screen: the server's copy while Dash loads beneath it, else the page's own. */
  function deck() {
    var host = document.querySelector(".first-view-host");
    var copy = host && host.shadowRoot && host.shadowRoot.getElementById("present-deck");
    return copy || document.getElementById("present-deck");
  }

  /* The slide number the address asks for (null when it does not). */
  function askedSlide() {
    var n = parseInt(new URLSearchParams(window.location.search).get("slide") || "", 10);
    return isNaN(n) ? null : n;
  }

  function slides(d) { return d.querySelectorAll(".deck-slides > .slide"); }

  function current(d) {
    var n = parseInt(d.getAttribute("data-index") || "1", 10);
    return isNaN(n) ? 1 : n;
  }

  function chartFont() {
    /* Chart type that scales with the screen: 15 px at 720 lines, 22 px at 1080. */
    return Math.max(13, Math.min(28, Math.round(window.innerHeight / 49)));
  }

  function fitCharts(scope) {
    if (!window.Plotly) { return; }
    var size = chartFont();
    (scope || document).querySelectorAll(".page-present .js-plotly-plot").forEach(function (gd) {
      if (gd._cccaFont === size || !gd.layout) { return; }
      gd._cccaFont = size;
      try {
        window.Plotly.relayout(gd, {"font.size": size, "legend.font.size": size - 2});
      } catch (e) { /* a chart that is not drawn yet gets its size on the next call */ }
    });
  }

  function show(d, n, replace) {
    var all = slides(d);
    var total = all.length;
    if (!total) { return; }
    n = Math.max(1, Math.min(total, n));
    all.forEach(function (s, i) {
      var on = i === n - 1;
      s.classList.toggle("is-current", on);
      s.setAttribute("aria-hidden", on ? "false" : "true");
    });
    d.setAttribute("data-index", String(n));
    var counter = d.querySelector(".deck-counter");
    if (counter) { counter.textContent = n + " / " + total; }
    lastMove = Date.now();
    if (replace !== false) {
      var params = new URLSearchParams(window.location.search);
      params.set("slide", String(n));
      var next = window.location.pathname + "?" + params.toString();
      if (next !== window.location.pathname + window.location.search) {
        window.history.replaceState(window.history.state, "", next);
      }
    }
    fitCharts(all[n - 1]);
    if (window.Plotly && all[n - 1]) {
      all[n - 1].querySelectorAll(".js-plotly-plot").forEach(function (gd) {
        try { window.Plotly.Plots.resize(gd); } catch (e) { /* not drawn yet */ }
      });
    }
  }

  function move(step) {
    var d = deck();
    if (!d) { return; }
    var total = slides(d).length;
    var n = current(d) + step;
    if (n > total) { n = (parseInt(d.getAttribute("data-auto") || "0", 10) > 0 && step === 1) ? 1 : total; }
    show(d, n);
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      if (document.exitFullscreen) { document.exitFullscreen(); }
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () { /* refused: stay windowed */ });
    }
  }

  /* Whether Dash has drawn the page (its router then serves a navigation inside the app). */
  function dashRunning() {
    return Boolean(window.DashRenderer) && !document.documentElement.classList.contains("first-view-on") &&
      !document.querySelector(".first-view-host");
  }

  function leave(d) {
    var target = d.getAttribute("data-exit") || "/";
    if (document.fullscreenElement && document.exitFullscreen) { document.exitFullscreen(); }
    if (!dashRunning()) {
      window.location.assign(target);  // a normal navigation: the overview's first view
      return;
    }
    window.history.pushState({}, "", target);
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    window.scrollTo(0, 0);
  }

  document.addEventListener("keydown", function (event) {
    var d = deck();
    if (!d || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var tag = (event.target && event.target.tagName) || "";
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag) || (event.target && event.target.isContentEditable)) { return; }
    var key = event.key;
    var handled = true;
    if (key === "ArrowRight" || key === "PageDown" || key === " " || key === "Spacebar" || key === "ArrowDown") {
      if (key === " " && tag === "BUTTON") { return; }
      move(1);
    } else if (key === "ArrowLeft" || key === "PageUp" || key === "Backspace" || key === "ArrowUp") {
      move(-1);
    } else if (key === "Home") {
      show(d, 1);
    } else if (key === "End") {
      show(d, slides(d).length);
    } else if (key === "f" || key === "F" || key === "а" || key === "А") {
      toggleFullscreen();
    } else if (key === "Escape" || key === "Esc") {
      leave(d);
    } else {
      handled = false;
    }
    if (handled) { event.preventDefault(); }
  });

  document.addEventListener("click", function (event) {
    var d = deck();
    var origin = event.composedPath ? event.composedPath()[0] : event.target;  // also in the shadow copy
    var el = origin && origin.nodeType === 1 ? origin : origin && origin.parentElement;
    if (!d || !el || !el.closest) { return; }
    if (el.closest(".deck-next")) { move(1); }
    else if (el.closest(".deck-prev")) { move(-1); }
    else if (el.closest(".deck-full")) { toggleFullscreen(); }
  });

  /* The deck editor's interval: sent as soon as it is chosen (its button stays for no script). */
  document.addEventListener("change", function (event) {
    var field = event.target;
    var form = field && field.form;
    if (form && form.hasAttribute("data-submit-on-change") && field.tagName === "SELECT") { form.submit(); }
  });

  /* Auto-advance: every data-auto seconds after the last move, looping at the end. */
  window.setInterval(function () {
    var d = deck();
    if (!d) { return; }
    var seconds = parseInt(d.getAttribute("data-auto") || "0", 10);
    if (seconds > 0 && Date.now() - lastMove >= seconds * 1000 && !document.hidden) { move(1); }
  }, 250);

  /* A deck that appears (first load, Dash drawing it, or navigation inside the app): start its
     clock, show the slide the address says (moved meanwhile on the server's copy), size its charts. */
  var seen = null;
  window.setInterval(function () {
    var d = deck();
    if (d !== seen) {
      seen = d;
      lastMove = Date.now();
      if (d) { show(d, askedSlide() || current(d), false); }
    }
    if (d) { fitCharts(d); }
  }, 400);
  window.addEventListener("resize", function () {
    var d = deck();
    if (d) { fitCharts(d); }
  });
})();
