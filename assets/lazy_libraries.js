/* Component libraries loaded on the first page that shows one of their components.
 *
 * services/lazy_libraries.py takes the big libraries (AG Grid, Mantine) out of the
 * page's <script> list and writes their addresses into <script id="lazy-libraries"
 * type="application/json">. Here each library's global namespace is a stand-in: asked for a
 * component, it returns a wrapper that loads the library's script once, shows nothing until
 * it has run, then renders the real component. The wrappers keep their identity, so React never
 * remounts them; the real library's own assignment to the global is caught and kept aside.
 * `_dashprivate_isLazyComponentReady` is how Dash's renderer knows to wait before it hands a
 * callback's answer to a component that is still loading (as for dcc's lazy Graph).
 */
(function () {
  "use strict";
  var spec = document.getElementById("lazy-libraries");
  if (!spec || !window.React) {
    return;
  }
  var React = window.React;
  var libraries = JSON.parse(spec.textContent || "{}");

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(script);
    });
  }

  function standIn(namespace, sources, suspend) {
    var real = null;
    var loading = null;
    var wrappers = {};

    function load() {
      if (!loading) {
        loading = sources.reduce(function (chain, src) {
          return chain.then(function () { return loadScript(src); });
        }, Promise.resolve()).then(function () {
          Object.keys(wrappers).forEach(function (type) { adopt(wrappers[type], type); });
          return real;
        });
      }
      return loading;
    }

    // What Dash reads off a component class (`dashRenderType`, `dashPersistence`, `propTypes`...).
    function adopt(wrapper, type) {
      var original = real && real[type];
      if (original) {
        Object.keys(original).forEach(function (key) { wrapper[key] = original[key]; });
      }
    }

    function component(type) {
      // Asked for a component: the library starts loading now; Dash waits on `ready` before it
      // hands a callback's answer to one of these components.
      var ready = real ? true : load().then(function () { ready = true; return true; });
      // AG Grid mounts through React.lazy, as dcc's Graph does (it did not settle when mounted
      // by the effect below). Mantine's provider wraps whole pages: it mounts through
      // the effect, with no Suspense boundary of ours to catch what the page's graphs suspend on.
      var Lazy = React.lazy(function () { return load().then(function (lib) { return {default: lib[type]}; }); });
      function Suspended(props) {
        return React.createElement(React.Suspense, {fallback: null}, React.createElement(Lazy, props));
      }
      function Effect(props) {
        var setLoaded = React.useState(Boolean(real))[1];
        React.useEffect(function () {
          var live = true;  // also when the library ran between this render and this effect
          load().then(function () { if (live) { setLoaded(true); } });
          return function () { live = false; };
        }, []);
        return real ? React.createElement(real[type], props) : null;  // nothing until the library has run
      }
      var Wrapper = suspend ? Suspended : Effect;
      Wrapper.displayName = namespace + "." + type;
      Object.defineProperty(Wrapper, "_dashprivate_isLazyComponentReady", {get: function () { return ready; }});
      adopt(Wrapper, type);
      return Wrapper;
    }

    var proxy = new Proxy({}, {
      get: function (target, name) {
        if (typeof name !== "string") {
          return undefined;
        }
        if (/^[A-Z]/.test(name)) {  // a component: the same wrapper every time
          wrappers[name] = wrappers[name] || component(name);
          return wrappers[name];
        }
        // helpers (e.g. getApi) once the library has run; what was set on the stand-in itself
        return real && name in real ? real[name] : target[name];
      },
      has: function (_target, name) { return real ? name in real : /^[A-Z]/.test(String(name)); }
    });
    Object.defineProperty(window, namespace, {
      configurable: true,
      get: function () { return proxy; },
      // the library's own `window.<namespace> = ...`; AG Grid later assigns the global to itself
      // again, which must not make the stand-in its own library (an endless lookup)
      set: function (value) { if (value !== proxy) { real = value; } }
    });
  }

  Object.keys(libraries).forEach(function (namespace) {
    standIn(namespace, libraries[namespace], namespace !== "dash_mantine_components");
  });
})();
