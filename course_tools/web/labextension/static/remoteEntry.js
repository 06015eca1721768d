// The backprop course's JupyterLab plugin, written by hand: a module-federation container with one
// module and no shared ones, so there is nothing to build. JupyterLab and jupyterlab-rise both load it
// (their bootstrap: load this script, then window._JUPYTERLAB[name].init(), then .get("./extension")).
//
// What it does: ipywidgets 8.1's front end (pinned for jupyterlab-rise) leaves two controls without an
// accessible name, so a screen reader announces "slider" or "button" and nothing more:
//   - a slider's handle (noUiSlider's div role="slider"): it gets the slider's description;
//   - the Play control's buttons, icons only: they get what the icon shows ("play", "pause", ...);
//   - and JupyterLab's own: a cell's code editor (CodeMirror's role="textbox") is named "code cell",
//     which a deck shows on its slides.
// And a widget's dropdown keeps its keys. A <select> is not ":read-write", so in a notebook's command
// mode JupyterLab took its arrow keys as "select the next cell": the keyboard could not choose an
// option, and the focus left the widget. Lumino leaves alone the keys of an element marked
// data-lm-suppress-shortcuts.
// A MutationObserver names each such element as the widget draws it (a slider redrawn for a new range
// gets its name again). Only elements added to the page are looked at, never attribute changes, so
// dragging a slider costs nothing here.
// It also links lab.css, beside this file: the course's code colours, which meet WCAG AA where a few
// of JupyterLab's light theme's fall just short, and a visible focus on every slider handle.
(function () {
  "use strict";
  var NAME = "backprop-course-access";
  var HERE = document.currentScript ? document.currentScript.src : "";
  var PLAY_ICONS = { "fa-play": "play", "fa-pause": "pause", "fa-stop": "stop", "fa-retweet": "repeat" };
  var UNNAMED = ".noUi-handle:not([aria-label]), .widget-play button:not([aria-label]), " +
    ".jp-Cell .cm-content[role='textbox']:not([aria-label])";
  var DROPDOWNS = ".jupyter-widgets select:not([data-lm-suppress-shortcuts])";

  function sliderName(handle) {
    var slider = handle.closest(".widget-slider, .jupyter-widget-slider, .widget-hslider, .widget-vslider");
    var label = slider && slider.querySelector(".widget-label");
    var text = label ? label.textContent.trim() : "";
    return text || (slider && slider.getAttribute("title")) || "slider";
  }

  function playName(button) {
    var icon = button.querySelector("i");
    for (var cls in PLAY_ICONS) {
      if (icon && icon.classList.contains(cls)) return PLAY_ICONS[cls];
    }
    return "play control";
  }

  function nameAll(root) {
    if (!root.querySelectorAll) return;
    var dropdowns = Array.prototype.slice.call(root.querySelectorAll(DROPDOWNS));
    if (root.matches && root.matches(DROPDOWNS)) dropdowns.push(root);
    dropdowns.forEach(function (el) { el.setAttribute("data-lm-suppress-shortcuts", "true"); });
    var found = Array.prototype.slice.call(root.querySelectorAll(UNNAMED));
    if (root.matches && root.matches(UNNAMED)) found.push(root);
    found.forEach(function (el) {
      if (el.classList.contains("cm-content")) {
        el.setAttribute("aria-label", "code cell");
        return;
      }
      var name = el.classList.contains("noUi-handle") ? sliderName(el) : playName(el);
      el.setAttribute("aria-label", name);
      if (!el.classList.contains("noUi-handle") && !el.getAttribute("title")) el.setAttribute("title", name);
    });
  }

  var plugin = {
    id: NAME + ":widget-names",
    description: "Names ipywidgets' slider handles and Play buttons, keeps their dropdowns' keys; AA code colours.",
    autoStart: true,
    activate: function () {
      if (HERE) {
        var link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = HERE.replace(/remoteEntry\.js(\?.*)?$/, "lab.css");
        document.head.appendChild(link);
      }
      nameAll(document.body);
      new MutationObserver(function (mutations) {
        mutations.forEach(function (mutation) {
          mutation.addedNodes.forEach(function (node) {
            if (node.nodeType === 1) nameAll(node);
          });
        });
      }).observe(document.body, { childList: true, subtree: true });
    }
  };

  var containers = (window._JUPYTERLAB = window._JUPYTERLAB || {});
  containers[NAME] = {
    init: function () { return Promise.resolve(); },
    get: function (module) {
      if (module !== "./extension") return Promise.reject(new Error(NAME + " has no module " + module));
      return Promise.resolve(function () { return { __esModule: true, default: plugin }; });
    }
  };
})();
