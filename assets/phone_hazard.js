/* After-photos of a rectification (issue 15, the hazard page /m/hazards/<school>/<code>): a tap on
   "add an after-photo" (.phone-photo-add) opens the phone's camera or gallery; each photo chosen is
   sent at once, one request each, to POST /photos with the session's CSRF token in X-CSRF-Token
   (dashboard/photos.py); the keys the server answers go into the form's store through
   dash_clientside.set_props, and the feedback step's callback reads them from there. A photo sent
   again after a lost answer gets the same key back (the route's own rule), so a retry adds nothing.
   The button carries everything this needs (data-*, dashboard/pages/phone_hazard/forms.py): no
   inline script, only this file from 'self' and a fetch to 'self', as the CSP allows. */
(function () {
  'use strict';
  var kept = new WeakMap();  // button -> the keys sent from it; a form drawn again has a new button

  function setProps(id, props) {
    var dc = window.dash_clientside;
    if (id && dc && typeof dc.set_props === 'function') dc.set_props(id, props);
  }

  function say(button, text) { setProps(button.getAttribute('data-status'), {children: text}); }

  function refusal(button, body) {
    var lang = button.getAttribute('data-lang') === 'en' ? 'en' : 'zh';
    var reason = (body && (body[lang] || body.error)) || '';
    return (button.getAttribute('data-failed') || '{reason}').replace('{reason}', reason);
  }

  function sendOne(button, file) {
    var form = new FormData();
    form.append('photo', file, file.name || 'photo.jpg');
    form.append('school', button.getAttribute('data-school') || '');
    return fetch('/photos', {
      method: 'POST', body: form, credentials: 'same-origin',
      headers: {'X-CSRF-Token': button.getAttribute('data-csrf') || ''}
    }).then(function (response) {
      return response.json().then(function (body) { return {ok: response.ok, body: body}; },
                                   function () { return {ok: false, body: null}; });
    });
  }

  function upload(button, files) {
    var keys = kept.get(button) || [];
    kept.set(button, keys);
    button.disabled = true;
    var chain = Promise.resolve(true);
    files.forEach(function (file) {
      chain = chain.then(function (going) {
        if (!going) return false;
        say(button, button.getAttribute('data-sending'));
        return sendOne(button, file).then(function (answer) {
          if (!answer.ok || !answer.body || !answer.body.id) { say(button, refusal(button, answer.body)); return false; }
          if (keys.indexOf(answer.body.id) < 0) keys.push(answer.body.id);
          setProps(button.getAttribute('data-store'), {data: keys.slice()});
          say(button, (button.getAttribute('data-sent') || '{n}').replace('{n}', String(keys.length)));
          return true;
        }, function () { say(button, button.getAttribute('data-offline')); return false; });
      });
    });
    chain.then(function () { button.disabled = false; });
  }

  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest ? event.target.closest('.phone-photo-add') : null;
    if (!button || button.disabled) return;
    var input = document.createElement('input');
    input.type = 'file';
    input.accept = 'image/*';
    input.multiple = true;
    input.addEventListener('change', function () {
      var files = Array.prototype.slice.call(input.files || []);
      if (files.length) upload(button, files);
    });
    input.click();
  });
})();
