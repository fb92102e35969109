/* Dash's scripts wait until the visitor needs them (services/deferred_dash.py).
 *
 * The page arrived complete as HTML: its text, links, <details> and native page-state forms work
 * without any script. Dash's script addresses are in <script id="deferred-dash"
 * type="application/json">; on the visitor's first need they are added in Dash's order
 * (async = false: fetched together, run in order) and the renderer is started as Dash's own page
 * does. assets/first_view.js (one of those scripts) then keeps the view on screen while Dash
 * renders beneath it, and assets/lazy_libraries.js loads AG Grid or Mantine when a page shows them.
 *
 * A need: pointerdown, touchstart, keydown or focusin on an element a callback listens to, on a
 * button or form control, or inside a chart, grid or map; pointerover on a chart, grid or map.
 * Never for links, <summary>, the phone menu, the controls of a native page-state form (a GET
 * <form>: its fields and submit buttons work alone, even with the id of a control Dash listens to),
 * or an element marked data-served-by-page (the page's own script, sent at load, serves it: e.g.
 * the presenter's previous / next buttons, assets/present.js). A click on an element that needs
 * Dash is replayed on Dash's element with the same id once Dash has drawn the page. The status region (role=status) says so when loading takes
 * more than a second, and says when it failed.
 */
(function () {
  "use strict";
  var spec = document.getElementById("deferred-dash");
  if (!spec) {
    return;
  }
  var plan = JSON.parse(spec.textContent || "{}");
  var listened = new Set(plan.listened || []);
  var status = document.getElementById("deferred-dash-status");
  var root = document.documentElement;
  var SLOW_MS = 1000;  // say that the interactive part is loading after this
  var READY_LIMIT_MS = 60000;  // stop waiting for Dash's page (and for the replayed element) after this
  // Work without Dash: links, <details>, the phone menu (assets/script_free.js), and what the
  // page's own script serves (data-served-by-page, services/deferred_dash.py's SERVED_BY_PAGE).
  var NATIVE = "a[href], summary, #menu-button, [data-served-by-page]";
  var CONTROLS = "button, input, select, textarea, [contenteditable], [role=button], [role=checkbox]," +
    " [role=combobox], [role=listbox], [role=radio], [role=slider], [role=switch], [role=tab]";
  // Charts, grids and maps, whether drawn by the server or boxes waiting for their script.
  // (services/first_view.py and the modules it calls keep these classes on what they draw).
  var LIVE = "[data-needs-dash], .dash-graph, .js-plotly-plot, .leaflet-container, .ag-root-wrapper," +
    " .first-view-chart, .first-view-map, .first-view-grid-table, .first-view-box, .first-view-graph";
  var state = "waiting";  // "loading" once started, "ready" when Dash has drawn the page
  var replayId = null;

  // The element an event began on, also inside the first view's shadow root once Dash is loading
  // (assets/first_view.js moves the view there).
  function origin(event) {
    return event.composedPath ? event.composedPath()[0] : event.target;
  }

  function elementOf(target) {
    var node = target && target.nodeType === 1 ? target : target && target.parentElement;
    return node && node.closest ? node : null;
  }

  // A control of a native page-state form (GET): it submits, or is submitted, without any script.
  // A plain button (type=button) does nothing alone, even in such a form.
  function nativeControl(control) {
    var form = control.form || control.closest("form");
    if (!form || (form.getAttribute("method") || "get").toLowerCase() !== "get") {
      return false;
    }
    var type = (control.getAttribute("type") || "").toLowerCase();
    if (control.tagName === "BUTTON") {
      return type !== "button";
    }
    if (control.tagName === "INPUT") {
      return type !== "button";
    }
    return control.tagName === "SELECT" || control.tagName === "TEXTAREA";
  }

  function listenedAncestor(el) {
    for (var node = el; node && node.nodeType === 1; node = node.parentElement) {
      if (node.id && listened.has(node.id)) {
        return node;
      }
    }
    return null;
  }

  // The element a need starts from, or null when the browser serves it alone.
  function needing(target) {
    var el = elementOf(target);
    if (!el || el.closest(NATIVE)) {
      return null;
    }
    var label = el.closest("label");
    var control = el.closest(CONTROLS) || (label && label.control);
    if (control && nativeControl(control)) {
      return null;  // even with the id of the control Dash will draw in its place
    }
    return el.closest(LIVE) || listenedAncestor(el) || control || null;
  }

  function say(text) {
    if (status) {
      status.textContent = text || "";
    }
  }

  function loadScripts(list) {
    return new Promise(function (resolve, reject) {
      if (!list.length) {
        reject(new Error("no scripts"));
        return;
      }
      list.forEach(function (attributes, i) {
        var script = document.createElement("script");
        Object.keys(attributes).forEach(function (name) { script.setAttribute(name, attributes[name]); });
        script.async = false;  // run in the order given, as Dash's own <script> tags do
        script.onerror = function () { reject(new Error("could not load " + attributes.src)); };
        if (i === list.length - 1) {
          script.onload = resolve;  // the last one runs after all the others
        }
        spec.parentNode.appendChild(script);
      });
    });
  }

  // Dash has drawn the page: its content is in and the first view's copy is gone.
  function drawn() {
    var content = document.getElementById("_pages_content");
    return !root.classList.contains("first-view-on") &&
      !document.querySelector("#react-entry-point > .first-view") &&
      Boolean(content) && content.childElementCount > 0;
  }

  function whenDrawn() {
    var since = Date.now();
    return new Promise(function (resolve) {
      (function look() {
        if (drawn() || Date.now() - since > READY_LIMIT_MS) {
          resolve();
        } else {
          setTimeout(look, 100);
        }
      })();
    });
  }

  // A field the visitor types into or picks from: given the focus, not clicked.
  function typedInto(el) {
    return /^(SELECT|TEXTAREA)$/.test(el.tagName) || (el.tagName === "INPUT" &&
      !/^(checkbox|radio|button|submit|reset|image|file|color|range)$/.test(el.type));
  }

  function replay() {
    var id = replayId;
    var since = Date.now();
    replayId = null;
    if (!id) {
      return;
    }
    (function look() {
      var el = document.getElementById(id);
      if (!el) {
        if (Date.now() - since < READY_LIMIT_MS) {
          setTimeout(look, 100);
        }
        return;
      }
      el.focus({preventScroll: true});
      if (!typedInto(el)) {
        el.click();
      }
    })();
  }

  function start() {
    if (state !== "waiting") {
      return;
    }
    state = "loading";
    root.classList.add("dash-deferred");  // assets/first_view.js: the browser has shown any #anchor already
    var slow = setTimeout(function () { say(status && status.getAttribute("data-loading")); }, SLOW_MS);
    loadScripts(plan.scripts || []).then(function () {
      window.renderer = new window.DashRenderer();  // what Dash's own page runs after its scripts
      return whenDrawn();
    }).then(function () {
      clearTimeout(slow);
      say("");
      state = "ready";
      replay();
    }, function (error) {
      clearTimeout(slow);
      say(status && status.getAttribute("data-failed"));
      if (window.console) {
        window.console.warn(error.message);
      }
    });
  }

  function onNeed(event) {
    if (state === "waiting" && needing(origin(event))) {
      start();
    }
  }

  function onHover(event) {
    var el = elementOf(origin(event));
    if (state === "waiting" && el && el.closest(LIVE)) {
      start();
    }
  }

  // A click before Dash has drawn the page: remembered (the first one) and replayed on Dash's
  // element with the same id; the copy's element does nothing meanwhile.
  function onClick(event) {
    if (state === "ready" || (state === "loading" && drawn())) {
      return;  // Dash's own element: Dash serves the click
    }
    var el = needing(origin(event));
    if (!el) {
      return;
    }
    start();
    if (replayId === null && el.id && !el.matches(LIVE)) {  // a chart's point cannot be clicked again
      replayId = el.id;
    }
    event.preventDefault();
  }

  var quiet = {capture: true, passive: true};
  ["pointerdown", "touchstart", "keydown", "focusin"].forEach(function (type) {
    document.addEventListener(type, onNeed, quiet);
  });
  document.addEventListener("pointerover", onHover, quiet);
  document.addEventListener("click", onClick, true);
})();
