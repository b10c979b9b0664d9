// The body map of a signal form: a click or tap on the drawing ticks that part of the body and
// places a mark there (kept in the hidden field `body_marks` as "x,y;x,y" in the drawing's
// coordinates); the checkboxes are the keyboard's way to the same result and shade the parts.
// A static file: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function setUp(root) {
    var drawing = root.querySelector("[data-body-map-drawing]");
    var layer = root.querySelector("[data-body-map-marks]");
    var field = root.querySelector("[data-body-map-marks-field]");
    var clear = root.querySelector("[data-body-map-clear]");
    if (!drawing || !layer || !field || root.dataset.bodyMapReady) {
      return;
    }
    root.dataset.bodyMapReady = "1";
    var marks = [];

    function shade() {
      root.querySelectorAll("[data-region]").forEach(function (part) {
        var box = root.querySelector('input[name="body_regions"][value="' + part.dataset.region + '"]');
        part.classList.toggle("is-chosen", Boolean(box && box.checked));
      });
    }

    function draw() {
      while (layer.firstChild) {
        layer.removeChild(layer.firstChild);
      }
      marks.forEach(function (mark) {
        var dot = document.createElementNS(SVG, "circle");
        dot.setAttribute("cx", mark[0]);
        dot.setAttribute("cy", mark[1]);
        dot.setAttribute("r", "4");
        dot.setAttribute("class", "portal-body-map__mark");
        layer.appendChild(dot);
      });
      field.value = marks.map(function (mark) { return mark[0] + "," + mark[1]; }).join(";");
      if (clear) {
        clear.hidden = marks.length === 0;
      }
    }

    drawing.addEventListener("click", function (event) {
      var matrix = drawing.getScreenCTM();
      if (!matrix) {
        return;
      }
      var point = drawing.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      var inDrawing = point.matrixTransform(matrix.inverse());
      marks.push([Math.round(inDrawing.x * 10) / 10, Math.round(inDrawing.y * 10) / 10]);
      var part = event.target.closest("[data-region]");
      if (part) {
        var box = root.querySelector('input[name="body_regions"][value="' + part.dataset.region + '"]');
        if (box) {
          box.checked = true;
        }
      }
      draw();
      shade();
    });
    root.addEventListener("change", shade);
    if (clear) {
      clear.addEventListener("click", function () {
        marks = [];
        draw();
      });
    }
    shade();
  }

  function setUpAll() {
    document.querySelectorAll("[data-body-map]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
