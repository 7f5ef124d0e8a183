// The wall's browser side: fit the 1920x1080 design canvas to the screen, notice when the web app
// stops answering, and keep Dash's bookkeeping from growing while the wall runs for days.
(function () {
  "use strict";
  var DESIGN_WIDTH = 1920;
  var DESIGN_HEIGHT = 1080;
  var CANVAS_ID = "wall-canvas"; // dashboard/ids.py WALL
  // No answered refresh for this long (refreshes come every second) means the link is down.
  var LINK_LOST_AFTER_MS = 5000;

  function fit() {
    var canvas = document.getElementById(CANVAS_ID);
    if (!canvas) { return; }
    var scale = Math.min(window.innerWidth / DESIGN_WIDTH, window.innerHeight / DESIGN_HEIGHT);
    var transform = "translate(-50%, -50%) scale(" + scale + ")";
    if (canvas.style.transform !== transform) { canvas.style.transform = transform; }
  }
  window.addEventListener("resize", fit);
  // Dash renders the page after load and again on navigation; refit whenever the canvas is new.
  var fitted = null;
  new MutationObserver(function () {
    var canvas = document.getElementById(CANVAS_ID);
    if (canvas && canvas !== fitted) { fitted = canvas; fit(); }
  }).observe(document.body, { childList: true, subtree: true });

  // Dash records every change of a callback input for undo/redo, without limit (plotly/dash#727):
  // a 1 s interval adds 86,400 entries a day and copies the whole list on each. Only the newest
  // entry is ever used (to revert after a failed callback), so keep just that one.
  function trimUndoHistory() {
    var stores = window.dash_stores || (window.store ? [window.store] : []);
    for (var i = 0; i < stores.length; i++) {
      var history = stores[i].getState().history;
      if (history && history.past && history.past.length > 1) {
        history.past.splice(0, history.past.length - 1);
      }
    }
  }

  var link = { heartbeat: undefined, changedAt: Date.now() };

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.wall = {
    // Runs every tick in the browser, even when the server cannot be reached.
    // Returns the link banner's `hidden`.
    watchdog: function (_tick, heartbeat) {
      var now = Date.now();
      var at = heartbeat && heartbeat.at;
      if (at !== link.heartbeat) { link.heartbeat = at; link.changedAt = now; }
      trimUndoHistory();
      return now - link.changedAt < LINK_LOST_AFTER_MS;
    },
    // A school picked by hand opens that school's wall (keeping the language); the server
    // setting the picker to the school it shows changes nothing.
    pickSchool: function (school, heartbeat, view) {
      if (!school || (heartbeat && school === heartbeat.school)) {
        return window.dash_clientside.no_update;
      }
      var query = "?school=" + encodeURIComponent(school);
      return view && view.lang === "en" ? query + "&lang=en" : query;
    }
  };
})();
