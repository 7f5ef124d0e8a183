// The wall's browser side: fit the 1920x1080 design canvas to the screen (or to a share of a
// wall of screens), rotate views for playlists, notice when the web app stops answering, sound a
// new critical alert when asked to, and keep Dash's bookkeeping from growing while the wall runs
// for days.
//
// URL switches (all optional):
//   ?screen=2/3      this display is the 2nd of 3 side by side; ?screen=3/2x2 the 3rd of a 2x2 grid.
//                    Three or more side by side (a strip) widen the canvas to the strip (48:9 for
//                    three) and lay the panels across it (layouts/wall_canvas.py, the same arithmetic)
//   ?view=map        one view only: wall (default), map or alerts
//   ?playlist=wall,map,alerts&every=30   rotate those views every 30 s
//   ?sound=on        beep when a new critical alert appears (Chromium kiosks: start the browser
//                    with --autoplay-policy=no-user-gesture-required, nobody is there to click)
(function () {
  "use strict";
  var DESIGN_WIDTH = 1920;
  var DESIGN_HEIGHT = 1080;
  var CANVAS_ID = "wall-canvas"; // dashboard/pages/wall/ids.py WALL
  var DISTRICT_CANVAS_ID = "district-canvas"; // dashboard/pages/district_wall/ids.py WALL
  function theCanvas() {
    return document.getElementById(CANVAS_ID) || document.getElementById(DISTRICT_CANVAS_ID);
  }
  var VIEWS = ["wall", "map", "alerts"];
  // No answered refresh for this long (refreshes come twice a second) means the link is down.
  var LINK_LOST_AFTER_MS = 5000;
  var MIN_PLAYLIST_S = 5;

  var query = new URLSearchParams(window.location.search);

  // "i/N" or "i/CxR" -> which tile of a cols x rows wall this display shows (1-based i).
  function parseScreen(text) {
    var match = /^(\d+)\/(\d+)(?:x(\d+))?$/.exec(text || "");
    if (!match) { return { col: 0, row: 0, cols: 1, rows: 1 }; }
    var index = parseInt(match[1], 10) - 1;
    var cols = parseInt(match[2], 10);
    var rows = match[3] ? parseInt(match[3], 10) : 1;
    if (cols < 1 || rows < 1 || index < 0 || index >= cols * rows) { return { col: 0, row: 0, cols: 1, rows: 1 }; }
    return { col: index % cols, row: Math.floor(index / cols), cols: cols, rows: rows };
  }
  var screen = parseScreen(query.get("screen"));
  // A strip of displays gets a canvas as wide as the strip, so its outer displays are not black.
  var STRIP = screen.rows === 1 && screen.cols >= 3;
  var canvasWidth = STRIP ? DESIGN_WIDTH * screen.cols : DESIGN_WIDTH;
  if (STRIP) { document.documentElement.setAttribute("data-strip", String(screen.cols)); }

  function fit() {
    var canvas = theCanvas();
    if (!canvas) { return; }
    var width = window.innerWidth, height = window.innerHeight;
    if (STRIP && canvas.style.width !== canvasWidth + "px") { canvas.style.width = canvasWidth + "px"; }
    // The canvas covers the whole wall of displays, centred; this display shows its own tile.
    var scale = Math.min(width * screen.cols / canvasWidth, height * screen.rows / DESIGN_HEIGHT);
    var left = (width * screen.cols - canvasWidth * scale) / 2 - screen.col * width;
    var top = (height * screen.rows - DESIGN_HEIGHT * scale) / 2 - screen.row * height;
    var transform = "translate(" + left + "px, " + top + "px) scale(" + scale + ")";
    if (canvas.style.transform !== transform) { canvas.style.transform = transform; }
  }
  window.addEventListener("resize", fit);
  // Dash renders the page after load and again on navigation; refit whenever the canvas is new.
  var fitted = null;
  new MutationObserver(function () {
    var canvas = theCanvas();
    if (canvas && canvas !== fitted) {
      fitted = canvas; fit();
      // Back from the k-th school of a tour: open the next one, or stay when the tour is done.
      if (tourNext > 0 && canvas.hasAttribute("data-tour")) { var k = tourNext; tourNext = 0; tourTo(k); }
    }
  }).observe(document.body, { childList: true, subtree: true });

  // Views are classes on <html>, not on the canvas: the server sets the canvas's class each tick.
  function showView(view) {
    document.documentElement.setAttribute("data-view", VIEWS.indexOf(view) >= 0 ? view : "wall");
    window.dispatchEvent(new Event("resize")); // graphs refit to their new boxes
  }
  // The district wall (/district) adds two steps: "district" (its whole wall) and "schools": a
  // tour of its schools' own walls, each shown for `every` s (assets/wall.js on the school's wall
  // comes back by ?back=, which names the next school of the tour).
  var STEPS = VIEWS.concat(["district", "schools"]);
  var playlist = (query.get("playlist") || "").split(",").filter(function (v) { return STEPS.indexOf(v) >= 0; });
  var every = Math.max(MIN_PLAYLIST_S, parseFloat(query.get("every")) || 30);
  var position = 0;
  var tourNext = parseInt(query.get("tour"), 10);
  if (tourNext > 0) { position = Math.max(0, playlist.indexOf("schools")); } // back from a school's wall
  showView(playlist.length ? (playlist[position] === "schools" ? "wall" : playlist[position]) : query.get("view"));

  function tourSchools() {
    var canvas = theCanvas();
    try { return JSON.parse((canvas && canvas.getAttribute("data-tour")) || "[]"); } catch (err) { return []; }
  }
  // The school wall at step k of the tour; it returns here with ?tour=k+1.
  function tourTo(k) {
    var schools = tourSchools();
    if (k >= schools.length) { return false; }
    var back = new URLSearchParams(window.location.search);
    back.set("tour", String(k + 1));
    var next = new URLSearchParams();
    next.set("school", schools[k]);
    ["lang", "screen", "sound"].forEach(function (name) { if (query.get(name)) { next.set(name, query.get(name)); } });
    next.set("every", String(every));
    next.set("back", window.location.pathname + "?" + back.toString());
    window.location.assign("/?" + next.toString());
    return true;
  }
  function advance() {
    position = (position + 1) % playlist.length;
    if (playlist[position] === "schools" && tourTo(0)) { return; }
    if (playlist[position] === "schools") { position = (position + 1) % playlist.length; }
    showView(playlist[position]);
  }
  if (playlist.length > 1) {
    // One timer for the life of the page: never stacked, whatever Dash re-renders.
    window.setInterval(advance, every * 1000);
  }
  // A school's wall opened by the tour goes back after its turn; only to a district wall of this site.
  var back = query.get("back") || "";
  if (/^\/district\?[^\\]*$/.test(back)) {
    window.setTimeout(function () { window.location.assign(back); }, every * 1000);
  }

  // Dash records every change of a callback input for undo/redo, without limit (plotly/dash#727):
  // a tick every half second adds 172,800 entries a day. Only the newest entry is ever used (to
  // revert after a failed callback), so keep just that one.
  function trimUndoHistory() {
    var stores = window.dash_stores || (window.store ? [window.store] : []);
    for (var i = 0; i < stores.length; i++) {
      var history = stores[i].getState().history;
      if (history && history.past && history.past.length > 1) {
        history.past.splice(0, history.past.length - 1);
      }
    }
  }

  var soundOn = /^(on|1|true|yes)$/i.test(query.get("sound") || "");
  var audio = null;
  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var start = audio.currentTime;
      for (var i = 0; i < 3; i++) { // three short tones: an alarm, not a notification chime
        var tone = audio.createOscillator(), gain = audio.createGain();
        tone.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, start + i * 0.4);
        gain.gain.exponentialRampToValueAtTime(0.5, start + i * 0.4 + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.4 + 0.3);
        tone.connect(gain).connect(audio.destination);
        tone.start(start + i * 0.4);
        tone.stop(start + i * 0.4 + 0.32);
      }
    } catch (err) { /* no audio device: the flashing edge still shows it */ }
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
    // The critical alerts flashing now; beep once per alert not sounded before. Returns the
    // flashing ids as the new "sounded" list, so it never holds more than what flashes.
    alarm: function (flashing, sounded) {
      flashing = flashing || [];
      var fresh = flashing.filter(function (id) { return (sounded || []).indexOf(id) < 0; });
      if (soundOn && fresh.length) { beep(); }
      return flashing;
    },
    // A school picked by hand opens that school's wall (keeping the other switches); the server
    // setting the picker to the school it shows changes nothing.
    pickSchool: function (school, heartbeat) {
      if (!school || (heartbeat && school === heartbeat.school)) {
        return window.dash_clientside.no_update;
      }
      var next = new URLSearchParams(window.location.search);
      next.set("school", school);
      return "?" + next.toString();
    }
  };

  window.campusWall = { parseScreen: parseScreen }; // for the browser tests
})();
