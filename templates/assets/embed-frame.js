// Runs inside an embed page: tells the parent window how tall the content is, whenever that changes.
// Message: {type: "site-builder:resize", chart: <chart id>, height: <CSS pixels>}; see the README.
(function () {
  "use strict";
  if (window.parent === window) return;
  var main = document.getElementById("main");
  if (!main) return;
  var last = 0;
  function post() {
    var style = window.getComputedStyle(document.body);
    var height = Math.ceil(main.getBoundingClientRect().height + parseFloat(style.marginTop) + parseFloat(style.marginBottom));
    if (height === last) return;
    last = height;
    window.parent.postMessage({type: "site-builder:resize", chart: main.getAttribute("data-chart-id"), height: height}, "*");
  }
  if ("ResizeObserver" in window) new ResizeObserver(post).observe(main);
  window.addEventListener("load", post);
  document.addEventListener("toggle", post, true);
  post();
})();
