/* The phone checklist's photos (dashboard/pages/phone_inspection/): "take or add a photo" on a failed
   item opens the camera or the gallery; each photo chosen is sent to POST /photos (the session's CSRF
   token in X-CSRF-Token, the inspection's school), one at a time, and once all are sent the item's
   photo keys go to its store (dash_clientside.set_props), whose callback saves the item with them
   (ledger/commands/inspections.py record_item) and draws the thumbnails. A photo sent again (a retry)
   is answered with the same key. Inert on every other page: it only listens for clicks. */
(function () {
  "use strict";
  var pending = {};  // item position -> keys sent but not yet drawn by the page

  function shownKeys(card) {
    return Array.prototype.map.call(card.querySelectorAll("img[data-key]"), function (img) {
      return img.getAttribute("data-key");
    });
  }

  function say(card, text, tone) {
    var line = card.querySelector(".phone-inspection-photo-status");
    if (line) { line.textContent = text; line.className = "phone-inspection-photo-status tone-" + tone; }
  }

  function send(sheet, file, lang) {
    var form = new FormData();
    form.append("photo", file, file.name || "photo.jpg");
    form.append("school", sheet.getAttribute("data-school"));
    return fetch("/photos", {method: "POST", body: form, credentials: "same-origin",
                             headers: {"X-CSRF-Token": sheet.getAttribute("data-csrf")}})
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok || !body.id) {
            var reason = body[lang] || body.error || String(response.status);
            throw {refused: sheet.getAttribute("data-failed").replace("{reason}", reason)};
          }
          return body.id;
        });
      });
  }

  function upload(button, files) {
    var sheet = button.closest(".phone-inspection-checklist");
    var card = button.closest(".phone-inspection-card");
    if (!sheet || !card || !files.length) { return; }
    var position = JSON.parse(button.id).item;
    var lang = (sheet.closest("[lang]") || document.documentElement).getAttribute("lang") === "en" ? "en" : "zh";
    var sent = [];
    say(card, sheet.getAttribute("data-uploading"), "ok");
    var chain = Promise.resolve();
    Array.prototype.forEach.call(files, function (file) {
      chain = chain.then(function () { return send(sheet, file, lang).then(function (key) { sent.push(key); }); });
    });
    chain.catch(function (problem) {
      say(card, problem && problem.refused ? problem.refused : sheet.getAttribute("data-offline"), "error");
      return "stopped";
    }).then(function (stopped) {
      if (!sent.length) { return; }
      var shown = shownKeys(card);
      var keys = shown.concat((pending[position] || []).filter(function (k) { return shown.indexOf(k) < 0; }));
      sent.forEach(function (k) { if (keys.indexOf(k) < 0) { keys.push(k); } });
      pending[position] = keys.filter(function (k) { return shown.indexOf(k) < 0; });
      if (stopped !== "stopped") { say(card, "", "ok"); }
      window.dash_clientside.set_props({type: "phone-inspection-photos", item: position}, {data: keys});
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest(".phone-inspection-add-photo") : null;
    if (!button) { return; }
    var input = document.createElement("input");
    input.type = "file";
    input.accept = "image/*";
    input.multiple = true;
    input.hidden = true;
    document.body.appendChild(input);
    input.addEventListener("change", function () {
      var chosen = Array.prototype.slice.call(input.files || []);
      input.remove();
      upload(button, chosen);
    });
    input.click();
  });
}());
