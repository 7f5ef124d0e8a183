// A person's session ended (signed out elsewhere, idle, disabled): the next request a page makes is
// answered 401 with {"login": "/login"} (dashboard/access.py). Dash would only log it and keep
// polling, so a tablet would show a frozen console; this sends the browser to the sign-in page,
// coming back to the same page after it.
//
// Never on the wall: its principal is a token, there is nobody to type a password, and it must
// keep its own refusal page and retries (assets/wall.js).
(function () {
  "use strict";
  var WALL_PATHS = ["/", "/wall"];
  if (WALL_PATHS.indexOf(window.location.pathname) !== -1 || !window.fetch) { return; }
  var original = window.fetch;
  var leaving = false;

  function toLogin() {
    if (leaving) { return; }
    leaving = true;
    var here = window.location.pathname + window.location.search + window.location.hash;
    window.location.assign("/login?next=" + encodeURIComponent(here));
  }

  window.fetch = function () {
    return original.apply(this, arguments).then(function (response) {
      if (response.status === 401) {
        response.clone().json().then(function (body) {
          if (body && body.login === "/login") { toLogin(); }
        }, function () { /* not JSON: not ours */ });
      }
      return response;
    });
  };
})();
