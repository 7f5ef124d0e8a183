// Scale the fixed 1920x1080 design canvas to whatever screen shows it, keeping its aspect ratio.
(function () {
  function fit() {
    var canvas = document.getElementById("wall-canvas");
    if (!canvas) { return; }
    var scale = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    canvas.style.transform = "scale(" + scale + ")";
  }
  window.addEventListener("resize", fit);
  // The page is rendered by Dash after load; one observer, created once, re-fits when it appears.
  new MutationObserver(fit).observe(document.documentElement, { childList: true, subtree: false });
  setInterval(fit, 2000);
})();
