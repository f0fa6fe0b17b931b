// Enhancement: make each embed snippet's address absolute, from where this page is being read.
(function () {
  "use strict";
  var boxes = document.querySelectorAll("textarea.embed-code[data-embed-src]");
  for (var i = 0; i < boxes.length; i++) {
    var box = boxes[i];
    var absolute = new URL(box.getAttribute("data-embed-src"), window.location.href).href;
    box.value = box.value.replace(/src="[^"]*"/, 'src="' + absolute + '"');
    box.addEventListener("focus", function (event) { event.target.select(); });
  }
  var scripts = document.querySelectorAll(".embed-help code");
  for (var j = 0; j < scripts.length; j++) {
    var code = scripts[j];
    code.textContent = code.textContent.replace(/src="([^"]*)"/, function (_, src) {
      return 'src="' + new URL(src, window.location.href).href + '"';
    });
  }
})();
