// The school wall's pushed updates (issue 18): once the wall's first answer is in, an EventSource
// on /wall/stream receives the school's changes as the server computed them once for every screen
// (dashboard/wall_stream.py; the protocol is in docs/api.md) and hands each to Dash's own
// `dash_clientside.set_props`, Patches included. While a stream is open (or reconnecting by
// itself after a dropped connection) the wall does not poll. It polls, as it did before there was
// a stream, while the stream cannot be opened, has ended (refused, live store down) or has gone
// silent; it tries the stream again STREAM_RETRY_MS later. The link watchdog (wall.js) keeps
// working either way: the stream's heartbeat, every second, moves the same store a poll moves.
// Loaded after wall.js (assets load in name order), whose namespace it extends.
(function () {
  "use strict";
  var HEARTBEAT_ID = "wall-heartbeat"; // dashboard/pages/wall/ids.py HEARTBEAT
  var STREAM_SILENT_MS = 5000; // no event for this long (beats come every second): poll instead
  var POLL_LOST_MS = 3000; // a poll unanswered this long is sent again
  var STREAM_RETRY_MS = 30000; // after a stream ended or failed, poll this long before trying again

  var push = {
    source: null, // the EventSource, while one is open or reconnecting
    heardAt: 0, // when it last delivered any event
    failedAt: -Infinity, // when the last one ended or failed
    whole: false, // the next poll must ask for everything (the screen shows what was pushed)
    sent: -1, // the number of the last poll sent (the answer's heartbeat carries it back as `n`)
    sentAt: 0,
    school: null,
    received: { events: 0, bytes: 0 } // for the tests and the benchmark
  };

  function dashPrefix() {
    try {
      return JSON.parse(document.getElementById("_dash-config").textContent).requests_pathname_prefix || "/";
    } catch (err) { return "/"; }
  }

  function apply(data) {
    var message = JSON.parse(data);
    var set = message.set || [];
    for (var i = 0; i < set.length; i++) {
      // One component that is not on the page (yet) must not keep the others from updating.
      try { window.dash_clientside.set_props(set[i][0], set[i][1]); } catch (err) { /* next */ }
    }
    return message;
  }

  function heard(event) {
    push.heardAt = Date.now();
    push.received.events += 1;
    push.received.bytes += event.data.length;
  }

  function stop() {
    if (push.source) { push.source.close(); }
    push.source = null;
    push.failedAt = Date.now();
    push.whole = true; // the first poll repaints everything
  }

  function open(school, lang) {
    var url = dashPrefix() + "wall/stream?school=" + encodeURIComponent(school) + "&lang=" + encodeURIComponent(lang || "zh");
    var source = new EventSource(url);
    push.source = source;
    push.school = school;
    push.heardAt = Date.now();
    source.addEventListener("wall", function (event) { heard(event); apply(event.data); });
    source.addEventListener("beat", function (event) {
      heard(event);
      var beat = JSON.parse(event.data);
      window.dash_clientside.set_props(HEARTBEAT_ID, { data: { school: beat.school, at: beat.at } });
    });
    // The server ended it (refused, live store down): apply what it says, then poll.
    source.addEventListener("end", function (event) { heard(event); apply(event.data); stop(); });
    // A refused or failed request closes the EventSource for good (a dropped connection does not:
    // it reconnects by itself, and the heartbeat's absence shows the link banner meanwhile).
    source.onerror = function () { if (source.readyState === 2) { stop(); } };
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.wall = window.dash_clientside.wall || {};
  // Every tick: returns the poll store's new value ({n, whole}) when the wall must poll, else
  // no_update. The stream opens once the last poll is answered, so no late poll answer lands on
  // top of newer pushed values.
  window.dash_clientside.wall.pushOrPoll = function (tick, heartbeat, view) {
    var now = Date.now();
    var noUpdate = window.dash_clientside.no_update;
    if (push.source && now - push.heardAt > STREAM_SILENT_MS) { stop(); } // e.g. a buffering proxy
    if (push.source) { return noUpdate; }
    var answered = heartbeat && heartbeat.n === push.sent;
    var wanted = view && view.push && typeof EventSource !== "undefined";
    if (wanted && answered && heartbeat.school && now - push.failedAt > STREAM_RETRY_MS) {
      open(heartbeat.school, view && view.lang);
      return noUpdate;
    }
    // One poll at a time (a slow answer is not overtaken by the next tick's), unless it is lost.
    if (!answered && push.sent >= 0 && now - push.sentAt < POLL_LOST_MS) { return noUpdate; }
    push.sent += 1;
    push.sentAt = now;
    var poll = { n: push.sent, whole: push.whole };
    push.whole = false;
    return poll;
  };

  window.campusWallPush = push; // for the browser tests: is the stream open, what it received
})();
