/* The first view's page-state form (services/native_controls.py): choosing submits it.
 *
 * Before Dash has loaded, a public page's choices are native form fields that belong, through
 * their `form` attribute, to one GET form to the page's own path. Changing one loads the page for
 * the new state, rendered on the server. Fields whose options depend on the changed one (their
 * `data-follows` names it) are left out, so they take the new state's default, and so are the
 * fields still at their default (not in the form's canonical query), so the address stays as
 * short as the one Dash writes. A slider submits when it is let go. After the reload the changed
 * field has the focus again (the first view may be in first_view.js's shadow root), so a keyboard
 * or screen-reader user stays where they were.
 * Without scripts the form shows its own submit button instead (<noscript>).
 */
(function () {
  "use strict";
  var FORM = "first-view-state-form";
  var KEY = "first-view-focus";
  var sent = false;

  function stateField(node) {
    return node && node.form && node.form.id === FORM && node.name ? node : null;
  }

  function submit(field) {
    if (sent) {
      return;
    }
    sent = true;
    var form = field.form;
    var canonical = new URLSearchParams(form.getAttribute("data-canonical") || "");
    Array.prototype.forEach.call(form.elements, function (other) {
      if (!other.name || other.name === field.name || other.disabled) {
        return;
      }
      var follows = (other.getAttribute("data-follows") || "").split(" ");
      if (follows.indexOf(field.name) >= 0 || !canonical.has(other.name)) {
        other.disabled = true;  // stale, or still at its default: the page's own default it is
        other.setAttribute("data-dropped", "");
      }
    });
    try {
      window.sessionStorage.setItem(KEY, JSON.stringify({path: window.location.pathname, name: field.name}));
    } catch (e) {
      // storage refused: the new page opens at its top
    }
    form.submit();
  }

  document.addEventListener("input", function (event) {
    var field = stateField(event.composedPath ? event.composedPath()[0] : event.target);
    if (!field) {
      return;
    }
    if (field.type === "range") {  // dragging: submit once it is let go
      if (!field.hasAttribute("data-armed")) {
        field.setAttribute("data-armed", "");
        field.addEventListener("change", function () { submit(field); });
      }
      return;
    }
    submit(field);
  }, true);

  // Some browsers and automation tools send only "change" for a choice in a list: submit on it too
  // (a slider's "change" is its letting go; `sent` keeps it to one submission).
  document.addEventListener("change", function (event) {
    var field = stateField(event.composedPath ? event.composedPath()[0] : event.target);
    if (field) {
      submit(field);
    }
  }, true);

  // Back to a page kept in the browser's memory: its fields as they were, usable again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    sent = false;
    var form = document.getElementById(FORM) || viewRoot().getElementById(FORM);
    Array.prototype.forEach.call(form ? form.elements : [], function (field) {
      if (field.hasAttribute("data-dropped")) {
        field.disabled = false;
        field.removeAttribute("data-dropped");
      }
    });
  });

  function viewRoot() {
    var host = document.querySelector(".first-view-host");
    return (host && host.shadowRoot) || document;
  }

  function restoreFocus() {
    var asked;
    try {
      asked = JSON.parse(window.sessionStorage.getItem(KEY));
      window.sessionStorage.removeItem(KEY);
    } catch (e) {
      return;
    }
    if (!asked || asked.path !== window.location.pathname) {
      return;
    }
    var fields = viewRoot().querySelectorAll("[form='" + FORM + "']");
    var same = Array.prototype.filter.call(fields, function (f) { return f.name === asked.name && f.type !== "hidden"; });
    var target = same.filter(function (f) { return f.checked; })[0] || same[0];
    if (target) {
      var list = target.closest("details");
      if (list) {
        list.open = true;  // a MultiSelect's options: open again, to choose the next one
      }
      target.focus({preventScroll: true});
      target.scrollIntoView({block: "center"});
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", restoreFocus);
  } else {
    restoreFocus();
  }
})();
