// The site administration page's drawing (/admin/sites, dashboard/pages/admin_sites/): an SVG over
// the campus plan image, in the school plan's metres (x east, y north; SVG's y runs down, so every
// y is drawn negated). Click the plan to add a point, drag a point to move it, Undo takes the last
// one back, Clear starts again. The outline goes to the page's OUTLINE store (dash_clientside.set_props),
// which the save callback reads; the server checks it again (ledger/outlines.py). Nothing here is
// fetched from anywhere but this app: the image is the app's own /plans/... address.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var HOST = "admin-sites-draw", OUTLINE = "admin-sites-outline", POINTS = "admin-sites-points";
  var state = { plan: null, points: [], drag: -1, moved: false };

  function el(name, attrs) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, String(attrs[key])); });
    return node;
  }

  function round(value) { return Math.round(value * 100) / 100; }

  function publish() {
    var points = state.points.map(function (p) { return [round(p[0]), round(p[1])]; });
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(OUTLINE, { data: points });
    }
    var host = document.getElementById(HOST), label = document.getElementById(POINTS);
    if (host && label) {
      label.textContent = (host.getAttribute("data-points-text") || "{n}").replace("{n}", String(points.length));
    }
  }

  function ring(points) {
    return points.map(function (p) { return p[0] + "," + (-p[1]); }).join(" ");
  }

  function toPlan(svg, event) {
    var point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    var local = point.matrixTransform(svg.getScreenCTM().inverse());
    var box = state.plan.box;
    var x = Math.min(Math.max(local.x, box[0]), box[0] + box[2]);
    var y = Math.min(Math.max(-local.y, box[1]), box[1] + box[3]);
    return [x, y];
  }

  function render() {
    var host = document.getElementById(HOST);
    if (!host) { return; }
    while (host.firstChild) { host.removeChild(host.firstChild); }
    var plan = state.plan;
    if (!plan || !plan.box) { return; }
    var x = plan.box[0], y = plan.box[1], w = plan.box[2], h = plan.box[3];
    var svg = el("svg", { viewBox: [x, -(y + h), w, h].join(" "), class: "admin-draw-svg",
                          preserveAspectRatio: "xMidYMid meet", role: "img" });
    svg.appendChild(el("rect", { x: x, y: -(y + h), width: w, height: h, class: "admin-draw-ground" }));
    if (plan.href) {
      svg.appendChild(el("image", { href: plan.href, x: x, y: -(y + h), width: w, height: h,
                                    preserveAspectRatio: "none", class: "admin-draw-image" }));
    }
    (plan.others || []).forEach(function (other) {
      var shape = el("polygon", { points: ring(other.polygon), class: "admin-draw-other" });
      var title = el("title", {});
      title.textContent = other.name;
      shape.appendChild(title);
      svg.appendChild(shape);
    });
    var size = Math.max(w, h) / 120;
    if (state.points.length) {
      svg.appendChild(el(state.points.length > 2 ? "polygon" : "polyline",
                         { points: ring(state.points), class: "admin-draw-outline", "stroke-width": size / 3 }));
    }
    state.points.forEach(function (p, index) {
      svg.appendChild(el("circle", { cx: p[0], cy: -p[1], r: size, class: "admin-draw-vertex",
                                     "data-index": index }));
    });
    svg.addEventListener("pointerdown", function (event) {
      var index = event.target.getAttribute && event.target.getAttribute("data-index");
      if (index !== null && index !== undefined && index !== "") {
        state.drag = parseInt(index, 10);
        state.moved = false;
        svg.setPointerCapture(event.pointerId);
      } else {
        state.points.push(toPlan(svg, event));
        render();
        publish();
      }
      event.preventDefault();
    });
    svg.addEventListener("pointermove", function (event) {
      if (state.drag < 0) { return; }
      state.points[state.drag] = toPlan(svg, event);
      state.moved = true;
      var circle = svg.querySelector('circle[data-index="' + state.drag + '"]');
      var outline = svg.querySelector(".admin-draw-outline");
      var p = state.points[state.drag];
      if (circle) { circle.setAttribute("cx", p[0]); circle.setAttribute("cy", -p[1]); }
      if (outline) { outline.setAttribute("points", ring(state.points)); }
    });
    svg.addEventListener("pointerup", function () {
      if (state.drag >= 0) {
        state.drag = -1;
        if (state.moved) { publish(); }
      }
    });
    host.appendChild(svg);
  }

  document.addEventListener("click", function (event) {
    var id = event.target && event.target.id;
    if (id === "admin-sites-undo" && state.points.length) {
      state.points.pop();
    } else if (id === "admin-sites-clear") {
      state.points = [];
    } else {
      return;
    }
    render();
    publish();
  });

  // A plan image over the upload's limit is dropped by the upload component without a word: say so.
  function tooLarge(files) {
    var note = document.getElementById("admin-sites-upload-name");
    if (!note || !files || !files.length) { return; }
    var limit = parseInt(note.getAttribute("data-limit") || "0", 10);
    if (limit && files[0].size > limit && window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props("admin-sites-upload-name", {
        children: files[0].name + ": " + (note.getAttribute("data-too-large") || "too large") });
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target && event.target.closest && event.target.closest("#admin-sites-upload")) {
      tooLarge(event.target.files);
    }
  }, true);
  document.addEventListener("drop", function (event) {
    if (event.target && event.target.closest && event.target.closest("#admin-sites-upload")) {
      tooLarge(event.dataTransfer && event.dataTransfer.files);
    }
  }, true);

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.admin_sites = {
    // The plan to draw (PLAN store): a new school, campus or building starts from its saved outline.
    load: function (plan) {
      state.plan = plan || null;
      state.points = plan && plan.outline ? plan.outline.map(function (p) { return [p[0], p[1]]; }) : [];
      state.drag = -1;
      render();
      publish();
      return plan ? String(state.points.length) : "";
    },
    // The chosen file's name, shown as text (never as markup).
    picked: function (name) { return name || ""; }
  };
})();
