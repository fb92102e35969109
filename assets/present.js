/* Presenter mode (/present): keyboard, counter, full screen, auto-advance, slide number in the URL.

   The deck (#present-deck) holds every slide, stacked; the current one has the class is-current.
   Keys: → PageDown Space (next), ← PageUp Backspace (previous), Home End, F (full screen),
   Escape (leave to the overview in the same language). The slide number is kept in the address
   as ?slide=N with history.replaceState, so a reload or a shared link opens the same slide.
   Nothing here loads anything from the network. */
(function () {
  "use strict";
  var lastMove = Date.now();

  function deck() { return document.getElementById("present-deck"); }

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
    var counter = document.getElementById("present-counter");
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

  function leave(d) {
    var target = d.getAttribute("data-exit") || "/";
    if (document.fullscreenElement && document.exitFullscreen) { document.exitFullscreen(); }
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
    if (!d || !event.target.closest) { return; }
    if (event.target.closest(".deck-next")) { move(1); }
    else if (event.target.closest(".deck-prev")) { move(-1); }
    else if (event.target.closest(".deck-full")) { toggleFullscreen(); }
  });

  /* Auto-advance: every data-auto seconds after the last move, looping at the end. */
  window.setInterval(function () {
    var d = deck();
    if (!d) { return; }
    var seconds = parseInt(d.getAttribute("data-auto") || "0", 10);
    if (seconds > 0 && Date.now() - lastMove >= seconds * 1000 && !document.hidden) { move(1); }
  }, 250);

  /* A deck that appears (first load or navigation inside the app): start its clock, size its charts. */
  var seen = null;
  window.setInterval(function () {
    var d = deck();
    if (d !== seen) {
      seen = d;
      lastMove = Date.now();
      if (d) { show(d, current(d), false); }
    }
    if (d) { fitCharts(d); }
  }, 400);
  window.addEventListener("resize", function () {
    var d = deck();
    if (d) { fitCharts(d); }
  });
})();
