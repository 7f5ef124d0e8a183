// The duty console's sound (issue 16): a new unacknowledged critical alert sounds at once, as on the
// wall (three short Web Audio tones, no sound file), and the alarm REPEATS every 30 s while any
// critical alert is unacknowledged; it stops when all are acknowledged. "Mute for 5 minutes" silences
// the repetition for that long only: the browser keeps the moment it ends (localStorage), never a
// lasting "off", so a tap tonight cannot silence tomorrow night's alarm; a NEW critical alert ends
// the mute and sounds. Browsers play sound only after a person has tapped the page, so sound starts
// off: one tap on "enable sound" turns it on, and this browser remembers that, so the next visit
// plays without a tap where the browser allows it; where it does not (the audio stays suspended),
// the switch says so and one tap resumes it. window.dutyAlarm.plays counts the alarms played (the
// browser test reads it; a counter is what can be checked where no speaker is).
(function () {
  "use strict";
  var KEY = "campus-safety.duty.sound"; // "on" | "off"
  var MUTE_KEY = "campus-safety.duty.mute-until"; // ms since the epoch; ignored once past
  var MUTE_MS = 5 * 60 * 1000;
  // 30 s: often enough that nobody sleeps through it, seldom enough to talk on the phone between.
  var REPEAT_MS = window.DUTY_ALARM_REPEAT_MS || 30000; // a test sets it shorter before the page loads
  var audio = null;
  var critical = []; // the unacknowledged critical alerts as the last refresh listed them
  var lastPlay = 0;
  var alarm = window.dutyAlarm = { plays: 0 };

  function stored(key) {
    try { return window.localStorage.getItem(key); } catch (err) { return null; }
  }
  function store(key, value) {
    try {
      if (value === null) { window.localStorage.removeItem(key); } else { window.localStorage.setItem(key, value); }
    } catch (err) { /* private mode: this visit only */ }
  }
  function remembered() { return stored(KEY) === "on"; }
  function remember(on) { store(KEY, on ? "on" : "off"); }
  function mutedUntil() {
    var until = Number(stored(MUTE_KEY));
    return until > Date.now() ? until : 0;
  }
  function context() {
    if (!audio) {
      var Audio = window.AudioContext || window.webkitAudioContext;
      if (!Audio) { return null; }
      audio = new Audio();
    }
    if (audio.state === "suspended") { audio.resume(); }
    return audio;
  }
  function beep() {
    try {
      var ctx = context();
      if (!ctx) { return; }
      var start = ctx.currentTime;
      for (var i = 0; i < 3; i++) { // the wall's alarm: three tones, 0.4 s apart
        var tone = ctx.createOscillator(), gain = ctx.createGain();
        tone.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, start + i * 0.4);
        gain.gain.exponentialRampToValueAtTime(0.5, start + i * 0.4 + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.4 + 0.3);
        tone.connect(gain).connect(ctx.destination);
        tone.start(start + i * 0.4);
        tone.stop(start + i * 0.4 + 0.32);
      }
    } catch (err) { /* no audio device: the banner still shows it */ }
  }
  function play() {
    lastPlay = Date.now();
    if (!remembered()) { return; }
    alarm.plays += 1;
    beep();
  }
  function shown(texts, state) {
    texts = texts || {};
    return [texts[state] || state, "sound sound-" + state];
  }
  function clock(ms) {
    var at = new Date(ms);
    return ("0" + at.getHours()).slice(-2) + ":" + ("0" + at.getMinutes()).slice(-2);
  }
  function reveal(id, tries) {
    var row = document.querySelector('tr[data-alert="' + id + '"]');
    if (!row) {
      if (tries > 0) { window.setTimeout(function () { reveal(id, tries - 1); }, 100); }
      return;
    }
    row.scrollIntoView({ block: "center" });
    var button = row.querySelector("button.ack") || row.querySelector("button.open");
    if (button) { button.focus({ preventScroll: true }); }
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.duty = {
    // The switch: its first run (no tap yet) shows what this browser remembered; a tap toggles.
    // Returns the button's text and class.
    sound: function (clicks, texts) {
      var on = remembered();
      if (clicks) {
        on = !(on && audio && audio.state === "running"); // a tap on a paused switch resumes it
        remember(on);
      }
      if (!on) { return shown(texts, "off"); }
      var ctx = context(); // inside the tap: allowed; on load: allowed only where the browser agrees
      return shown(texts, ctx && ctx.state === "running" ? "on" : (clicks ? "on" : "blocked"));
    },
    // The unacknowledged critical alerts now: one not sounded before sounds at once (and ends a
    // mute); the repetition is `repeat`'s. Returns them as the new "sounded" list: an alert
    // acknowledged and raised again sounds again.
    alarm: function (now, sounded) {
      critical = now || [];
      var fresh = critical.filter(function (id) { return (sounded || []).indexOf(id) < 0; });
      if (!critical.length) { store(MUTE_KEY, null); } // nothing left to mute: the next alarm sounds
      if (fresh.length) {
        store(MUTE_KEY, null);
        play();
      }
      return critical;
    },
    // Every refresh tick (in the browser, nothing asked of the server) and on a tap of the mute
    // button: sound again when the last alarm is REPEAT_MS old and no mute holds; the button's text
    // and whether it shows (only while there is something to mute and sound is on).
    repeat: function (_tick, clicks, texts) {
      var tapped = (window.dash_clientside.callback_context.triggered || []).some(function (t) {
        return t.prop_id.indexOf("duty-mute.") === 0 && t.value;
      });
      if (tapped) { store(MUTE_KEY, mutedUntil() ? null : String(Date.now() + MUTE_MS)); }
      var until = mutedUntil();
      if (critical.length && !until && Date.now() - lastPlay >= REPEAT_MS) { play(); }
      texts = texts || {};
      var label = until ? (texts.muted || "").replace("{until}", clock(until)) : texts.mute;
      return [label, !(critical.length && remembered()), "mute" + (until ? " is-muted" : "")];
    },
    // A message's link (/duty?alert=<id>): once the list holds its row, scroll to it and put the
    // focus on its acknowledge button (one tap, or Enter). Clears the store: done once per visit.
    linked: function (rows, id) {
      if (id === null || id === undefined) { return window.dash_clientside.no_update; }
      var listed = (rows || []).some(function (row) {
        return row && row.props && row.props["data-alert"] === String(id);
      });
      if (!listed) { return window.dash_clientside.no_update; }
      reveal(id, 20);
      return null;
    }
  };
})();
