// Affectgate reference kiosk page: consent per purpose, the sensing notice, and a content area that
// softens its tone on `rising`, offers help on `episode` and resets on `ended`. No framework.
(function () {
  'use strict';
  var PURPOSES = ['kiosk-face', 'kiosk-voice', 'kiosk-adapt'];
  var LABELS = { 'kiosk-face': 'camera', 'kiosk-voice': 'microphone', 'kiosk-adapt': 'adapting' };
  var TONES = {
    neutral: ['Welcome', 'Take your time. Choose what you need on the screen.'],
    rising: ['No rush', 'Take your time; every step can be undone. The back button is always on the left.'],
    episode: ['Would you like a hand?', 'This looks fiddly. A member of staff can help you: just wait here, or carry on whenever you like.']
  };
  var token = new URLSearchParams(location.hash.slice(1)).get('token');
  var granted = {};
  var session = newSession();
  var count = 0;
  var tones = ['neutral'];

  function $(id) { return document.getElementById(id); }

  function newSession() {
    var b = new Uint8Array(12);
    crypto.getRandomValues(b);
    return 'v-' + Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  }

  function post(action, purposes) {
    var body = { v: 1, session: session, action: action, ts: Date.now() };
    if (purposes) { body.purposes = purposes; }
    return fetch('visitor/consent', {
      method: 'POST',
      headers: { 'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) { throw new Error('consent refused (' + r.status + ')'); }
      $('consent-error').textContent = '';
    }).catch(function (e) {
      $('consent-error').textContent = 'Your choice could not be saved: ' + e.message;
      throw e;
    });
  }

  function render() {
    PURPOSES.forEach(function (p) {
      var b = $('toggle-' + p);
      b.classList.toggle('granted', !!granted[p]);
      b.textContent = (granted[p] ? 'Stop ' : 'Allow ') + LABELS[p];
    });
    var senses = [];
    if (granted['kiosk-face']) { senses.push('camera'); }
    if (granted['kiosk-voice']) { senses.push('microphone'); }
    var n = $('sensing');
    n.className = 'sensing ' + (senses.length ? 'on' : 'off');
    n.textContent = senses.length ? 'Sensing active: ' + senses.join(' and ') : 'Sensing is off';
  }

  function tone(t) {
    var c = $('content');
    if (c.dataset.tone === t) { return; }
    c.dataset.tone = t;
    $('content-title').textContent = TONES[t][0];
    $('content-text').textContent = TONES[t][1];
    tones.push(t);
    $('tones').textContent = tones.join(' ');
  }

  PURPOSES.forEach(function (p) {
    $('toggle-' + p).addEventListener('click', function () {
      var on = !granted[p];
      post(on ? 'grant' : 'withdraw', [p]).then(function () {
        granted[p] = on;
        render();
      });
    });
  });
  $('finish').addEventListener('click', function () {
    post('end').then(function () {
      granted = {};
      session = newSession();
      tone('neutral');
      render();
    });
  });

  if (!token) {
    $('stream').textContent = 'no kiosk token (open this page as …/#token=…)';
    return;
  }
  var events = new EventSource('state?access_token=' + encodeURIComponent(token));
  events.onopen = function () { $('stream').textContent = 'connected'; };
  events.onerror = function () { $('stream').textContent = 'reconnecting'; };
  function seen(type) {
    count += 1;
    $('events').textContent = String(count);
    $('last-event').textContent = type;
  }
  events.addEventListener('state', function () { seen('state'); });
  events.addEventListener('rising', function () {
    seen('rising');
    if ($('content').dataset.tone !== 'episode') { tone('rising'); }
  });
  events.addEventListener('episode', function () { seen('episode'); tone('episode'); });
  events.addEventListener('ended', function () { seen('ended'); tone('neutral'); });
  render();
}());
