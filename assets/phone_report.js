/* The phone's report form (/m/report, issue 15: 随手拍), plain JS, nothing from the internet.
 *
 * The page (dashboard/pages/phone_report) gives a root element whose data-form holds its JSON: the
 * person's id, the session's CSRF token, the schools with their buildings and zones, a scanned risk
 * point or a draft, and the words to show. This script draws the form inside it with DOM calls and
 * text nodes (nothing typed is ever taken for markup) and keeps the form on the phone:
 *
 * - A form key (crypto.randomUUID, or 16 random bytes in hex where the page is not a secure context)
 *   is made when a form opens. The ledger makes one hazard per key (ledger/hazard_work_rules.py
 *   CLIENT_KEY), so sending the same report again, however often, answers the same hazard.
 * - The text and the photos are kept in IndexedDB (database campus-phone-report: store reports, one
 *   record per form key and person; store photos, the Blobs by id, which a record names, so that typing
 *   does not write the photos again) from the first keystroke until the server confirms the report;
 *   then the record and its photos are deleted.
 * - Sending: each photo not yet up goes to POST /photos, one at a time (a retry of the same bytes
 *   answers the same photo; its key is written back into the record), then the report to
 *   POST /m/report/send. A failed send keeps the record queued; the queue is sent again on the
 *   browser's `online` event, on the next opening of the page, every 30 s while the page is open,
 *   and when the person taps "try now". One send at a time (a promise chain), in order.
 */
(function () {
  'use strict';

  var APP_ID = 'phone-report-app';
  var DB_NAME = 'campus-phone-report';
  var STORE = 'reports';
  var PHOTOS = 'photos';  // the photos' Blobs, by id: a record names them, so typing does not copy them
  var RETRY_MS = 30000;
  var PREVIEW_PX = 192;
  var SHRINK_PX = 2048;  // a phone camera's 12 MP photo goes up at most this wide: fast on school Wi-Fi
  var SHRINK_BYTES = 1536 * 1024;

  var page = null;  // {root, data, words, record, previews, timer}
  var chain = Promise.resolve();
  var memory = {};  // where records live when this browser has no IndexedDB
  var memoryPhotos = {};

  // ---- storage --------------------------------------------------------------------------------
  var dbPromise = null;
  function openDb() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve) {
      if (!window.indexedDB) { resolve(null); return; }
      var request;
      try { request = window.indexedDB.open(DB_NAME, 2); } catch (e) { resolve(null); return; }
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, {keyPath: 'key'});
        if (!db.objectStoreNames.contains(PHOTOS)) db.createObjectStore(PHOTOS, {keyPath: 'id'});
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { resolve(null); };
    });
    return dbPromise;
  }
  function withStore(mode, work, name) {
    return openDb().then(function (db) {
      if (!db) return work(null);
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name || STORE, mode);
        var result = work(tx.objectStore(name || STORE));
        tx.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function putRecord(record) {
    record.updated = Date.now();
    return withStore('readwrite', function (store) {
      if (!store) { memory[record.key] = record; return null; }
      return store.put(record);
    }).catch(function () { memory[record.key] = record; });
  }
  function deleteRecord(record) {
    delete memory[record.key];
    var ids = record.photos.map(function (p) { return p.id; });
    return withStore('readwrite', function (store) { return store ? store.delete(record.key) : null; })
      .then(function () { return deletePhotos(ids); }).catch(function () { return null; });
  }
  function putPhoto(id, blob) {
    return withStore('readwrite', function (store) {
      if (!store) { memoryPhotos[id] = blob; return null; }
      return store.put({id: id, blob: blob});
    }, PHOTOS).catch(function () { memoryPhotos[id] = blob; });
  }
  function getPhoto(id) {
    if (page && page.blobs[id]) return Promise.resolve(page.blobs[id]);
    if (memoryPhotos[id]) return Promise.resolve(memoryPhotos[id]);
    return withStore('readonly', function (store) { return store ? store.get(id) : null; }, PHOTOS)
      .then(function (found) { return found ? found.blob : null; }, function () { return null; });
  }
  function deletePhotos(ids) {
    ids.forEach(function (id) { delete memoryPhotos[id]; if (page) delete page.blobs[id]; });
    if (!ids.length) return Promise.resolve();
    return withStore('readwrite', function (store) {
      if (store) ids.forEach(function (id) { store.delete(id); });
      return null;
    }, PHOTOS).catch(function () { return null; });
  }
  function allRecords() {
    return withStore('readonly', function (store) { return store ? store.getAll() : null; })
      .then(function (found) {
        var list = (found || []).concat(Object.keys(memory).map(function (k) { return memory[k]; }));
        return list.filter(function (r) { return page && r.user === page.data.user; })
          .sort(function (a, b) { return (a.created || 0) - (b.created || 0); });
      }, function () { return []; });
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) {
      try { return window.crypto.randomUUID(); } catch (e) { /* not a secure context: below */ }
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  // ---- drawing --------------------------------------------------------------------------------
  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (name) {
      var value = props[name];
      if (value === null || value === undefined || value === false) return;
      if (name === 'text') node.textContent = value;
      else if (name.slice(0, 2) === 'on') node.addEventListener(name.slice(2), value);
      else if (name in node && name !== 'list') node[name] = value;
      else node.setAttribute(name, value === true ? '' : value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }
  function w(key, values) {
    var text = (page.words[key] || key);
    Object.keys(values || {}).forEach(function (k) { text = text.split('{' + k + '}').join(String(values[k])); });
    return text;
  }
  function say(text, tone) {
    var box = page.root.querySelector('#phone-report-message');
    box.className = 'phone-message tone-' + (tone || 'ok');
    box.textContent = text || '';
  }

  function school(code) {
    return page.data.schools.filter(function (s) { return s.code === code; })[0] || null;
  }
  function building(record) {
    var s = school(record.school);
    return s ? s.buildings.filter(function (b) { return b.code === record.building; })[0] || null : null;
  }
  function placeLabel(record) {
    if (record.point) return (record.pointName || record.point);
    var b = building(record);
    if (!b) return record.building || '';
    var z = b.zones.filter(function (x) { return x.code === record.zone; })[0];
    return b.name + (z ? ' / ' + z.name : '');
  }

  function blankRecord() {
    var data = page.data, record = {
      key: newKey(), user: data.user, state: 'editing', created: Date.now(), school: null, building: null,
      zone: null, point: null, pointName: null, description: '', grade: '', draft: null, draftPhotos: [], photos: []
    };
    if (data.schools.length === 1) record.school = data.schools[0].code;
    return record;
  }
  function startedRecord() {
    var data = page.data, record = blankRecord();
    if (data.draft) {
      var d = data.draft;
      record.school = d.school; record.building = d.building; record.zone = d.zone; record.point = d.point;
      record.pointName = d.point_name; record.description = d.description; record.draft = d.id;
      record.draftPhotos = d.photos;
    } else if (data.point) {
      var p = data.point;
      record.school = p.school; record.point = p.code; record.pointName = p.name + ' (' + p.code + ')';
    }
    return record;
  }

  function select(id, label, options, chosen, onChange) {
    var control = el('select', {id: id, onchange: function () { onChange(control.value || null); }},
      options.map(function (o) { return el('option', {value: o[0], selected: o[0] === (chosen || '')}, [o[1]]); }));
    return el('label', {className: 'phone-field'}, [el('span', {className: 'phone-label', text: label}), control]);
  }

  function drawForm() {
    var r = page.record, data = page.data, form = page.root.querySelector('#phone-report-form');
    form.textContent = '';
    if (data.schools.length > 1) {
      form.appendChild(select('phone-report-school', w('school'), [['', w('choose')]].concat(
        data.schools.map(function (s) { return [s.code, s.name]; })), r.school, function (v) {
        r.school = v; r.building = r.zone = r.point = r.pointName = null; keep(); drawForm();
      }));
    }
    if (r.point) {
      form.appendChild(el('div', {className: 'phone-card phone-report-point', id: 'phone-report-point'}, [
        el('span', {className: 'phone-label', text: w('point')}), el('strong', {text: r.pointName || r.point}),
        r.draft ? null : el('button', {type: 'button', className: 'phone-secondary', text: w('change_place'),
          onclick: function () { r.point = r.pointName = null; keep(); drawForm(); }})]));
    } else if (r.school) {
      var s = school(r.school), b = building(r);
      form.appendChild(select('phone-report-building', w('building'), [['', w('choose')]].concat(
        (s ? s.buildings : []).map(function (x) { return [x.code, x.name]; })), r.building, function (v) {
        r.building = v; r.zone = null; keep(); drawForm();
      }));
      if (b && b.zones.length) {
        form.appendChild(select('phone-report-zone', w('zone'), [['', w('whole_building')]].concat(
          b.zones.map(function (x) { return [x.code, x.name]; })), r.zone, function (v) { r.zone = v; keep(); }));
      }
    }
    var input = el('input', {id: 'phone-report-photo-input', type: 'file', accept: 'image/*',
      capture: 'environment', multiple: true, className: 'phone-report-file', onchange: function () {
        var files = Array.prototype.slice.call(input.files || []);
        input.value = '';
        addPhotos(files);
      }});
    form.appendChild(el('div', {className: 'phone-field'}, [
      el('span', {className: 'phone-label', text: w('photos')}),
      el('label', {className: 'phone-secondary phone-report-camera'}, [w('take_photo'), input]),
      el('div', {className: 'phone-photos', id: 'phone-report-photos'})]));
    var text = el('textarea', {id: 'phone-report-description', maxLength: data.max_text, placeholder: w('description_hint'),
      value: r.description, oninput: function () { r.description = text.value; keepSoon(); }});
    form.appendChild(el('label', {className: 'phone-field'}, [el('span', {className: 'phone-label', text: w('description')}), text]));
    form.appendChild(select('phone-report-grade', w('grade'), [['', w('grade_ordinary')], ['major', w('grade_major')]],
      r.grade, function (v) { r.grade = v || ''; keep(); }));
    form.appendChild(el('button', {type: 'button', id: 'phone-report-send', className: 'phone-primary', text: w('send'),
      onclick: sendClicked}));
    drawPhotos();
  }

  function drawPhotos() {
    var r = page.record, box = page.root.querySelector('#phone-report-photos');
    if (!box) return;
    box.textContent = '';
    r.draftPhotos.forEach(function (p) {
      box.appendChild(el('figure', {className: 'phone-report-photo'}, [
        el('img', {src: p.thumbnail, alt: w('from_draft')}), el('figcaption', {text: w('from_draft')})]));
    });
    r.photos.forEach(function (p) {
      var img = el('img', {alt: p.name || ''});
      preview(p).then(function (url) { if (url) img.src = url; });
      box.appendChild(el('figure', {className: 'phone-report-photo'}, [img, el('button', {
        type: 'button', className: 'phone-report-remove', text: w('remove'), onclick: function () {
          r.photos = r.photos.filter(function (x) { return x.id !== p.id; }); deletePhotos([p.id]); keep(); drawPhotos();
        }})]));
    });
  }

  // A small picture of a kept photo, as a data: URL (the page's CSP allows data: images, not blob:).
  function preview(photo) {
    if (page.previews[photo.id]) return Promise.resolve(page.previews[photo.id]);
    if (!window.createImageBitmap) return Promise.resolve(null);
    return getPhoto(photo.id).then(function (blob) {
      return blob ? window.createImageBitmap(blob) : Promise.reject(new Error('gone'));
    }).then(function (bitmap) {
      var scale = Math.min(1, PREVIEW_PX / Math.max(bitmap.width, bitmap.height));
      var canvas = el('canvas', {width: Math.round(bitmap.width * scale), height: Math.round(bitmap.height * scale)});
      canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      page.previews[photo.id] = canvas.toDataURL('image/jpeg', 0.7);
      return page.previews[photo.id];
    }, function () { return null; });
  }

  // A large camera photo made smaller once, before it is kept: every retry then sends the same bytes.
  function shrink(file) {
    if (!window.createImageBitmap || file.size <= SHRINK_BYTES) return Promise.resolve(file);
    return window.createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, SHRINK_PX / Math.max(bitmap.width, bitmap.height));
      var canvas = el('canvas', {width: Math.round(bitmap.width * scale), height: Math.round(bitmap.height * scale)});
      canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) { resolve(blob && blob.size < file.size ? blob : file); }, 'image/jpeg', 0.85);
      });
    }).catch(function () { return file; });
  }

  function addPhotos(files) {
    var r = page.record, room = page.data.max_photos - r.photos.length - r.draftPhotos.length;
    if (files.length > room) say(w('too_many_photos'), 'error');
    Promise.all(files.slice(0, Math.max(room, 0)).map(shrink)).then(function (blobs) {
      return Promise.all(blobs.map(function (blob, i) {
        var id = newKey();
        page.blobs[id] = blob;
        r.photos.push({id: id, name: files[i].name || 'photo.jpg', key: null});
        return putPhoto(id, blob);
      }));
    }).then(function () {
      return keep();
    }).then(drawPhotos);
  }

  var soon = null;
  function keepSoon() { clearTimeout(soon); soon = setTimeout(keep, 300); }
  function keep() { clearTimeout(soon); return putRecord(page.record); }

  // ---- the queue --------------------------------------------------------------------------------
  function drawQueue() {
    return allRecords().then(function (records) {
      var waiting = records.filter(function (r) { return r.state !== 'editing'; });
      var box = page.root.querySelector('#phone-report-queue');
      box.textContent = '';
      box.hidden = !waiting.length;
      if (!waiting.length) return;
      box.appendChild(el('h2', {className: 'phone-section', text: w('queue') + ' (' + waiting.length + ')'}));
      box.appendChild(el('ul', {className: 'phone-list'}, waiting.map(function (r) {
        var first = (r.description || '').split('\n')[0];
        return el('li', {className: 'phone-item phone-report-queued', 'data-key': r.key}, [
          el('div', {text: w('queue_item', {place: placeLabel(r), photos: r.photos.length + r.draftPhotos.length})}),
          el('div', {className: 'phone-muted', text: first}),
          el('div', {className: r.state === 'refused' ? 'tone-error' : 'phone-muted',
            text: r.state === 'refused' ? w('refused', {reason: r.reason || ''}) : w(r.state === 'paused' ? 'paused' : 'waiting')}),
          el('div', {className: 'phone-report-actions'}, [
            r.state === 'queued' ? el('button', {type: 'button', className: 'phone-secondary', text: w('retry'),
              onclick: function () { flush(); }}) : null,
            r.state === 'queued' ? null : el('button', {type: 'button', className: 'phone-secondary', text: w('edit'),
              onclick: function () { edit(r); }}),
            r.state === 'queued' ? null : el('button', {type: 'button', className: 'phone-secondary phone-danger',
              text: w('delete'), onclick: function () { deleteRecord(r).then(drawQueue); }})])]);
      })));
    });
  }

  function edit(record) {
    var current = page.record;
    var pause = (current.description || current.photos.length) ? (current.state = 'paused', putRecord(current))
      : deleteRecord(current);
    record.state = 'editing';
    page.record = record;
    Promise.resolve(pause).then(keep).then(function () { drawForm(); drawQueue(); say(''); });
  }

  function answerOf(response) {
    return response.json().catch(function () { return {}; }).then(function (body) {
      return {status: response.status, body: body || {}};
    });
  }
  function post(url, body, json) {
    var headers = {'X-CSRF-Token': page.data.csrf || ''};
    if (json) headers['Content-Type'] = 'application/json';
    return fetch(url, {method: 'POST', credentials: 'same-origin', headers: headers, body: body})
      .then(answerOf, function () { return {status: 0, body: {}}; });
  }
  // What an answer means for a kept report: sent, kept (try again later), signed out, or refused.
  function outcome(answer) {
    var s = answer.status, body = answer.body;
    if (s === 0 || s >= 500 || s === 429 || s === 408) return 'kept';
    if (s === 401) return 'signed_out';
    if (s === 400 && /CSRF/.test(body.en || '')) return 'signed_out';  // signed in again elsewhere: reload
    return s < 300 ? 'sent' : 'refused';
  }

  function sendOne(record) {
    var pending = record.photos.filter(function (p) { return !p.key; }), total = record.photos.length;
    var step = Promise.resolve('sent');
    pending.forEach(function (photo) {
      step = step.then(function (so_far) {
        if (so_far !== 'sent') return so_far;
        say(w('sending_photo', {n: record.photos.indexOf(photo) + 1, total: total}), 'ok');
        return getPhoto(photo.id).then(function (blob) {
          if (!blob) return {status: 410, body: {zh: '本机照片已丢失，请移除后重拍', en: 'the photo is gone from this phone; remove it and take it again'}};
          var form = new FormData();
          form.append('photo', blob, photo.name || 'photo.jpg');
          if (record.school) form.append('school', record.school);
          return post(page.data.photo, form, false);
        }).then(function (answer) {
          var result = outcome(answer);
          if (result === 'sent') { photo.key = answer.body.id; return putRecord(record).then(function () { return 'sent'; }); }
          if (result === 'refused') record.reason = answer.body[page.data.lang] || answer.body.error || String(answer.status);
          return result;
        });
      });
    });
    return step.then(function (so_far) {
      if (so_far !== 'sent') return {result: so_far};
      say(w('sending'), 'ok');
      var body = JSON.stringify({client_key: record.key, school: record.school, building: record.point ? null : record.building,
        zone: record.point ? null : record.zone, point: record.point, description: record.description,
        grade: record.grade || null, draft: record.draft, photos: record.photos.map(function (p) { return p.key; })});
      return post(page.data.send, body, true).then(function (answer) {
        var result = outcome(answer);
        if (result === 'refused') record.reason = answer.body[page.data.lang] || answer.body.error || String(answer.status);
        return {result: result, body: answer.body};
      });
    }).then(function (done) {
      if (done.result === 'sent') return deleteRecord(record).then(function () { return done; });
      if (done.result === 'refused') { record.state = 'refused'; return putRecord(record).then(function () { return done; }); }
      return done;
    });
  }

  function showSent(body) {
    var link = page.data.hazard.replace('{school}', encodeURIComponent(body.school))
      .replace('{code}', encodeURIComponent(body.code));
    var box = page.root.querySelector('#phone-report-result');
    box.textContent = '';
    box.hidden = false;
    box.appendChild(el('p', {className: 'tone-ok phone-report-code', text: w(body.created ? 'sent' : 'sent_before', {code: body.code})}));
    box.appendChild(el('a', {id: 'phone-report-hazard-link', href: link, className: 'phone-secondary', text: w('open_hazard')}));
  }

  // Every queued report of this person, in order, one at a time; {key: outcome} of this round.
  function flush() {
    var round = chain.then(function () {
      if (!page) return {};
      var seen = {};
      return allRecords().then(function (records) {
        var queued = records.filter(function (r) { return r.state === 'queued'; }), stop = false;
        return queued.reduce(function (step, record) {
          return step.then(function () {
            if (stop) return;
            return sendOne(record).then(function (done) {
              seen[record.key] = done;
              if (done.result === 'sent') showSent(done.body);
              if (done.result === 'kept' || done.result === 'signed_out') stop = true;
            });
          });
        }, Promise.resolve());
      }).then(function () {
        var results = Object.keys(seen).map(function (k) { return seen[k].result; });
        if (results.indexOf('signed_out') >= 0) say(w('kept_signed_out'), 'error');
        else if (results.indexOf('kept') >= 0) say(w('kept'), 'error');
        else if (results.indexOf('refused') >= 0) say(w('refused', {reason: ''}), 'error');
        else if (results.length) say('', 'ok');
        return drawQueue().then(function () { return seen; });
      });
    });
    chain = round.catch(function () { return {}; });
    return round;
  }

  function sendClicked() {
    var r = page.record;
    if (!r.school || !(r.point || r.building)) { say(w('need_place'), 'error'); return; }
    if (!(r.description || '').trim()) { say(w('need_description'), 'error'); return; }
    var button = page.root.querySelector('#phone-report-send');
    page.root.querySelector('#phone-report-result').hidden = true;  // the last report's answer is not this one's
    button.disabled = true;  // a second tap sends nothing more; the form key would make it one anyway
    r.state = 'queued';
    var fresh = blankRecord();
    fresh.school = r.school;
    keep().then(function () {
      page.record = fresh;
      return putRecord(fresh);
    }).then(flush).then(function (seen) {
      var done = seen[r.key] || {result: 'kept'};
      if (done.result === 'sent') drawForm();
      else if (done.result === 'refused') { say(w('refused', {reason: r.reason || ''}), 'error'); edit(r); }
      else { say(w(done.result === 'signed_out' ? 'kept_signed_out' : 'kept'), 'error'); drawForm(); }
      page.root.querySelector(done.result === 'sent' ? '#phone-report-result' : '#phone-report-message').scrollIntoView({block: 'center'});
    });
  }

  // ---- mounting: the page may be drawn after this script ran, and again on each visit -----------
  function mount(root) {
    root.setAttribute('data-mounted', '1');
    var data;
    try { data = JSON.parse(root.getAttribute('data-form')); } catch (e) { return; }
    if (page && page.timer) clearInterval(page.timer);
    page = {root: root, data: data, words: data.words, record: null, previews: {}, blobs: {}, timer: null};
    root.appendChild(el('div', {id: 'phone-report-result', className: 'phone-card phone-report-result', hidden: true}));
    root.appendChild(el('div', {id: 'phone-report-form', className: 'phone-card'}));
    // Under the send button, where the thumb that tapped it is: what became of the report.
    root.appendChild(el('div', {id: 'phone-report-message', className: 'phone-message', role: 'status'}));
    root.appendChild(el('section', {id: 'phone-report-queue', className: 'phone-report-queue', hidden: true}));
    openDb().then(function (db) {
      if (!db) say(w('no_storage'), 'error');
      return allRecords();
    }).then(function (records) {
      var open = records.filter(function (r) { return r.state === 'editing'; })[0];
      var asked = data.point || data.draft;
      if (open && asked && (open.description || open.photos.length)) {
        open.state = 'paused'; putRecord(open); open = null;  // kept in the queue; the card or draft wins
      } else if (open && asked) { deleteRecord(open); open = null; }
      page.record = open || startedRecord();
      if (open && (open.description || open.photos.length)) say(w('restored'), 'ok');
      drawForm();
      return keep();
    }).then(drawQueue).then(flush);
    page.timer = setInterval(function () {
      if (!document.body.contains(root)) { clearInterval(page.timer); return; }
      flush();
    }, RETRY_MS);
  }

  function mountAll() {
    var root = document.getElementById(APP_ID);
    if (root && !root.getAttribute('data-mounted')) mount(root);
  }
  // Dash loads every asset on every page: the wall (its own window, redrawn every second) has no form.
  if (['/', '/wall'].indexOf(window.location.pathname) !== -1) return;
  window.addEventListener('online', function () {
    if (page && document.body.contains(page.root)) flush();
  });
  if (window.MutationObserver) {
    new MutationObserver(mountAll).observe(document.documentElement, {childList: true, subtree: true});
  }
  document.addEventListener('DOMContentLoaded', mountAll);
  mountAll();
}());
