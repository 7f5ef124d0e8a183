// The duty console's sound (issue 16): a new unacknowledged critical alert sounds once, as on the
// wall (three short Web Audio tones, no sound file). Browsers play sound only after a person has
// tapped the page, so sound starts off: one tap on "enable sound" turns it on, and this browser
// remembers that (localStorage), so the next visit plays without a tap where the browser allows
// it; where it does not (the audio stays suspended), the switch says so and one tap resumes it.
(function () {
  "use strict";
  var KEY = "campus-safety.duty.sound"; // "on" | "off"
  var audio = null;

  function remembered() {
    try { return window.localStorage.getItem(KEY) === "on"; } catch (err) { return false; }
  }
  function remember(on) {
    try { window.localStorage.setItem(KEY, on ? "on" : "off"); } catch (err) { /* private mode: this visit only */ }
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
  function shown(texts, state) {
    texts = texts || {};
    return [texts[state] || state, "sound sound-" + state];
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
    // The unacknowledged critical alerts now; beep once for those not sounded before. Returns them
    // as the new "sounded" list: an alert acknowledged and raised again sounds again.
    alarm: function (critical, sounded) {
      critical = critical || [];
      var fresh = critical.filter(function (id) { return (sounded || []).indexOf(id) < 0; });
      if (fresh.length && remembered()) { beep(); }
      return critical;
    }
  };
})();
