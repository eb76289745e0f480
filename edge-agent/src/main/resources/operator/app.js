// Affectgate operator page: polls /operator/state.json and fills the page with textContent only
// (never innerHTML). "Last 5 min" rejection counts are differences between polls kept here.
'use strict';

const POLL_MS = 2000;
const RECENT_MS = 5 * 60 * 1000;
const history = []; // { at: ms, rejections: { reason: total } }

function text(id, value) {
  const el = document.getElementById(id);
  if (el) el.textContent = value === null || value === undefined ? '–' : String(value);
}

function rows(tableId, list) {
  const body = document.querySelector('#' + tableId + ' tbody');
  body.replaceChildren();
  for (const cells of list) {
    const tr = document.createElement('tr');
    for (const c of cells) {
      const td = document.createElement('td');
      td.textContent = c === null || c === undefined ? '–' : String(c);
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
}

function badge(id, good, label) {
  const el = document.getElementById(id);
  el.textContent = label;
  el.classList.toggle('ok', good);
  el.classList.toggle('bad', !good);
}

function age(ms) {
  if (ms === null || ms === undefined || ms < 0) return '–';
  if (ms < 1000) return ms + ' ms';
  if (ms < 120000) return Math.round(ms / 1000) + ' s';
  return Math.round(ms / 60000) + ' min';
}

function recentRejections(now, totals) {
  history.push({ at: now, rejections: totals });
  while (history.length > 1 && history[1].at <= now - RECENT_MS) history.shift();
  const base = history[0].rejections;
  return Object.keys(totals).sort().map((r) => [r, totals[r] - (base[r] || 0), totals[r]]);
}

function render(s) {
  text('site', s.site);
  badge('health', s.health === 'ok', s.health);
  text('updated', new Date(s.at).toLocaleTimeString());
  rows('paths', s.paths.map((p) => [p.name, p.running ? 'running' : 'off', p.what]));
  text('mqtt-uri', s.mqtt.uri);
  badge('mqtt-connected', s.mqtt.connected, s.mqtt.connected ? 'connected' : 'disconnected');
  text('mqtt-healthy', s.mqtt.healthy ? 'yes' : 'no (client recreated)');
  text('mqtt-fatal', s.mqtt.fatalErrors);
  text('sync-target', s.sync.target);
  text('backlog', s.sync.backlog);
  text('backlog-bytes', s.sync.backlogBytes);
  text('oldest-age', age(s.sync.oldestAgeMs));
  text('dead-letters', s.sync.deadLetters);
  text('points-synced', s.sync.pointsSynced);
  text('last-success', s.sync.lastSuccess);
  const e = s.sync.lastError;
  text('last-error', e ? e.kind + ' at ' + e.at + ': ' + e.message : 'none');
  for (const [k, v] of Object.entries(s.counters)) text('counter-' + k, v);
  rows('models', s.models.map((m) => [m.name, m.version || m.problem, m.path]));
  if (s.models.length === 0) rows('models', [['none (no model-based path is on)', '', '']]);
  rows('consents', Object.entries(s.consents.perPurpose));
  text('kiosk-sessions', s.consents.kiosksWithSession);
  rows('rejections', recentRejections(Date.now(), s.rejections));
  text('escalations-open', s.escalations === null ? 'not tracked by this agent' : s.escalations);
}

async function poll() {
  const err = document.getElementById('poll-error');
  try {
    const r = await fetch('/operator/state.json', { cache: 'no-store' });
    if (!r.ok) throw new Error('state.json answered ' + r.status);
    render(await r.json());
    err.hidden = true;
  } catch (x) {
    err.textContent = 'cannot reach the agent: ' + x.message;
    err.hidden = false;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

poll();
