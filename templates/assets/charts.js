// Make the static charts interactive, only for readers who come near one. The page already shows every
// chart as inline SVG; this adds tooltips by drawing the same chart with Vega, loaded from this site
// once per page (and cached), and only when a chart scrolls into view or is hovered or focused.
(function () {
  "use strict";
  var graphics = document.querySelectorAll(".chart-graphic[data-spec]");
  if (!graphics.length || !("IntersectionObserver" in window) || !window.fetch || !window.Promise) return;
  // Opened from disk, the browser refuses to fetch the specs: the static charts are the whole story there.
  if (window.location.protocol === "file:") return;
  var narrowScreen = window.matchMedia("(max-width: 639px)");
  var loading = null;
  var tip = null;

  function runtime(url) {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = url;
        script.onload = function () { resolve(window.vega); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function showTip(handler, event, item, value) {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "chart-tooltip";
      document.body.appendChild(tip);
    }
    if (value === null || value === undefined || value === "") {
      tip.hidden = true;
      return;
    }
    tip.textContent = "";
    var entries = typeof value === "object" ? Object.keys(value).map(function (k) { return [k, value[k]]; }) : [["", value]];
    entries.forEach(function (entry) {
      var row = document.createElement("div");
      if (entry[0]) {
        var key = document.createElement("span");
        key.className = "chart-tooltip-key";
        key.textContent = entry[0] + " ";
        row.appendChild(key);
      }
      row.appendChild(document.createTextNode(String(entry[1])));
      tip.appendChild(row);
    });
    tip.hidden = false;
    var x = Math.min(event.pageX + 14, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8);
    tip.style.left = Math.max(window.scrollX + 4, x) + "px";
    tip.style.top = event.pageY + 14 + "px";
  }

  function enhance(graphic) {
    if (graphic.getAttribute("data-state")) return;
    graphic.setAttribute("data-state", "loading");
    var narrow = graphic.hasAttribute("data-spec-narrow") && narrowScreen.matches;
    var holder = graphic.querySelector(narrow ? ".chart-narrow" : ".chart-wide");
    var url = graphic.getAttribute(narrow ? "data-spec-narrow" : "data-spec");
    var spec = fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
    Promise.all([runtime(graphic.getAttribute("data-runtime")), spec]).then(function (loaded) {
      var vega = loaded[0];
      var compiled = loaded[1];
      delete compiled.title; // the page prints the title and subtitle as text
      var still = holder.querySelector("svg");
      var container = document.createElement("div");
      container.className = "chart-live";
      holder.appendChild(container);
      // The spec is already Vega (compiled at build), so Vega alone draws it: no Vega-Lite compiler is loaded.
      var view = new vega.View(vega.parse(compiled), { renderer: "svg", container: container, hover: true, tooltip: showTip });
      return view.runAsync().then(function () {
        var live = container.querySelector("svg");
        // Vega adds a form for a chart's controls (bindings) to every chart it draws: a chart without any keeps no empty form.
        var bindings = container.querySelector("form.vega-bindings");
        if (bindings && !bindings.elements.length) container.removeChild(bindings);
        // Screen readers keep the chart's name and description: move them onto the live drawing.
        live.setAttribute("role", "img");
        live.setAttribute("aria-labelledby", still.getAttribute("aria-labelledby"));
        live.setAttribute("class", still.getAttribute("class"));
        live.insertBefore(still.querySelector("desc"), live.firstChild);
        live.insertBefore(still.querySelector("title"), live.firstChild);
        holder.removeChild(still);
        graphic.setAttribute("data-state", "live");
      }, function (error) {
        holder.removeChild(container);
        throw error;
      });
    }).catch(function () {
      graphic.setAttribute("data-state", "static"); // the static drawing stays, as it is without JavaScript
    });
  }

  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        enhance(entry.target);
      }
    });
  }, { rootMargin: "200px 0px" });
  Array.prototype.forEach.call(graphics, function (graphic) {
    observer.observe(graphic);
    ["pointerenter", "focusin"].forEach(function (type) {
      graphic.addEventListener(type, function () { enhance(graphic); }, { once: true });
    });
  });
})();
