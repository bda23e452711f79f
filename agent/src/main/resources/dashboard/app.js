// Glimpse dashboard: one card per stream with the latest frame (frame.jpg), the detections and tracks of its
// standing queries drawn over it (live from /api/events), timings, KV size, and an ad-hoc query box.
// With a bearer token configured the page asks for it, keeps it in sessionStorage and sends it as an
// Authorization header; the event stream (EventSource cannot send headers) gets it as ?access_token=.
// Each canvas carries data-boxes, data-points and data-labels: how many of each the last redraw drew.
'use strict';

const TOKEN_KEY = 'glimpse.token';
const cards = new Map();          // stream id -> card state
let events = null;

function token() { return sessionStorage.getItem(TOKEN_KEY); }

function headers(extra) {
  const h = Object.assign({}, extra || {});
  const t = token();
  if (t) h.Authorization = 'Bearer ' + t;
  return h;
}

async function api(path, init) {
  const opts = Object.assign({}, init || {});
  opts.headers = headers(opts.headers);
  const res = await fetch(path, opts);
  if (res.status === 401) { askForToken('the token was refused'); throw new Error('unauthorized'); }
  return res;
}

function setStatus(text) { document.getElementById('status').textContent = text; }

function askForToken(message) {
  if (events) { events.close(); events = null; }
  const form = document.getElementById('login');
  form.hidden = false;
  document.getElementById('login-error').textContent = token() ? message : '';
  setStatus('token required');
}

document.getElementById('login').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, document.getElementById('token').value.trim());
  document.getElementById('login').hidden = true;
  start();
});

function colour(n) { return 'hsl(' + ((n * 137.508) % 360).toFixed(0) + ', 85%, 60%)'; }

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function card(id) {
  let c = cards.get(id);
  if (c) return c;
  const root = el('section', 'stream');
  root.dataset.stream = id;
  const title = el('h2');
  const name = el('span', null, id);
  const state = el('span', 'state');
  title.append(name, state);
  const canvas = document.createElement('canvas');
  canvas.width = 320; canvas.height = 240;
  canvas.dataset.boxes = '0'; canvas.dataset.points = '0'; canvas.dataset.labels = '0';
  const stats = el('div', 'stats', 'waiting for frames…');
  const form = el('form', 'ask');
  const input = el('input');
  input.placeholder = 'box all person';
  input.setAttribute('aria-label', 'query for ' + id);
  const button = el('button', null, 'Ask');
  button.type = 'submit';
  form.append(input, button);
  const answer = el('pre', 'answer');
  root.append(title, canvas, stats, form, answer);
  document.getElementById('streams').append(root);
  c = { id, root, canvas, stats, state, answer, image: null, width: 0, height: 0, queries: new Map(),
        frameTimes: [], frame: null, fetching: false, lastSeq: -1, gone: false };
  form.addEventListener('submit', (e) => { e.preventDefault(); ask(c, input.value); });
  cards.set(id, c);
  return c;
}

async function ask(c, text) {
  c.answer.classList.remove('error');
  c.answer.textContent = 'asking…';
  try {
    const res = await api('/api/streams/' + encodeURIComponent(c.id) + '/query', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text }) });
    const body = await res.json();
    if (!res.ok) {
      c.answer.classList.add('error');
      c.answer.textContent = body.detail || (res.status + ' ' + res.statusText);
      return;
    }
    c.answer.textContent = body.answer + '\n' + body.detections.map((d) => d.label + ' '
      + JSON.stringify(d.box || d.point) + ' ' + d.score).join('\n')
      + (body.count !== undefined ? '\ncount: ' + body.count : '')
      + '\nkv: ' + body.kv.rows_per_layer + ' rows/layer, ' + body.kv.bytes + ' bytes';
  } catch (e) {
    c.answer.classList.add('error');
    c.answer.textContent = String(e.message || e);
  }
}

async function refreshFrame(c) {
  if (c.fetching || c.gone) return;
  c.fetching = true;
  try {
    const res = await api('/api/streams/' + encodeURIComponent(c.id) + '/frame.jpg');
    if (res.ok) {
      const seq = Number(res.headers.get('X-Frame-Sequence'));
      const bitmap = await createImageBitmap(await res.blob());
      if (c.image && c.image.close) c.image.close();
      c.image = bitmap;
      c.lastSeq = seq;
      draw(c);
    }
  } catch (e) {
    // the next event retries
  } finally {
    c.fetching = false;
  }
}

function onFrameEvent(ev) {
  const c = card(ev.stream);
  c.frame = ev;
  c.width = ev.width; c.height = ev.height;
  const now = performance.now();
  c.frameTimes.push(now);
  while (c.frameTimes.length > 30 || (c.frameTimes.length && now - c.frameTimes[0] > 5000)) c.frameTimes.shift();
  const span = c.frameTimes.length > 1 ? (now - c.frameTimes[0]) / 1000 : 0;
  const fps = span > 0 ? (c.frameTimes.length - 1) / span : 0;
  const q = Object.entries(ev.query_ms).map(([k, v]) => k + ' ' + v.toFixed(1) + ' ms').join(', ');
  c.stats.textContent = 'frame ' + ev.sequence + '  ' + fps.toFixed(1) + ' fps  encode ' + ev.encode_ms.toFixed(1)
    + ' ms' + (q ? '  query: ' + q : '') + '\nkv ' + ev.kv.rows_per_layer + ' rows/layer  '
    + (ev.kv.bytes / 1048576).toFixed(2) + ' MiB  ' + ev.kv.frames + ' frames in context';
  refreshFrame(c);
}

function onTracksEvent(ev) {
  const c = card(ev.stream);
  c.width = ev.width; c.height = ev.height;
  c.queries.set(ev.query, ev);
  draw(c);
}

function draw(c) {
  const cv = c.canvas;
  // source pixels: the frame's size (from the image, else from the events)
  const fw = c.image ? c.image.width : (c.width || 320);
  const fh = c.image ? c.image.height : (c.height || 240);
  // backing store at the displayed size, so lines and labels stay crisp and readable on small frames
  const dpr = window.devicePixelRatio || 1;
  const shown = cv.clientWidth || fw;
  const w = Math.max(1, Math.round(shown * dpr)), h = Math.max(1, Math.round(shown * dpr * fh / fw));
  if (cv.width !== w || cv.height !== h) { cv.width = w; cv.height = h; }
  const g = cv.getContext('2d');
  g.clearRect(0, 0, w, h);
  if (c.image) g.drawImage(c.image, 0, 0, w, h);
  const sx = w / (c.width || fw), sy = h / (c.height || fh);
  let boxes = 0, points = 0, labels = 0;
  const fontPx = Math.round(12 * dpr);
  g.font = fontPx + 'px sans-serif';
  g.textBaseline = 'bottom';
  const label = (text, x, y, col) => {
    const m = g.measureText(text);
    const th = fontPx + 2;
    const top = Math.max(th, y);
    g.fillStyle = 'rgba(0,0,0,0.6)';
    g.fillRect(x, top - th, m.width + 4, th);
    g.fillStyle = col;
    g.fillText(text, x + 2, top);
    labels++;
  };
  for (const q of c.queries.values()) {
    const tracked = q.tracks.filter((t) => t.state !== 'removed');
    // detections without a confirmed track: thin dashed outlines
    g.setLineDash([4, 3]);
    g.lineWidth = dpr;
    for (const d of q.detections) {
      g.strokeStyle = 'rgba(255,255,255,0.7)';
      if (d.box) {
        g.strokeRect(d.box[0] * sx, d.box[1] * sy, (d.box[2] - d.box[0]) * sx, (d.box[3] - d.box[1]) * sy);
        boxes++;
      } else if (d.point) {
        g.beginPath(); g.arc(d.point[0] * sx, d.point[1] * sy, 4 * dpr, 0, 2 * Math.PI); g.stroke();
        points++;
      }
    }
    g.setLineDash([]);
    g.lineWidth = 2 * dpr;
    for (const t of tracked) {
      const col = colour(t.id);
      g.strokeStyle = col;
      const text = '#' + t.id + ' ' + t.label + (t.state === 'lost' ? ' (lost)' : '');
      if (t.box) {
        g.strokeRect(t.box[0] * sx, t.box[1] * sy, (t.box[2] - t.box[0]) * sx, (t.box[3] - t.box[1]) * sy);
        boxes++;
        label(text, t.box[0] * sx, t.box[1] * sy, col);
      } else if (t.point) {
        g.beginPath(); g.arc(t.point[0] * sx, t.point[1] * sy, 5 * dpr, 0, 2 * Math.PI); g.stroke();
        points++;
        label(text, t.point[0] * sx + 6, t.point[1] * sy - 6, col);
      }
    }
    if (!tracked.length) {
      for (const d of q.detections) {
        const at = d.box ? [d.box[0], d.box[1]] : d.point;
        if (at) label(d.label + ' ' + d.score.toFixed(2), at[0] * sx, at[1] * sy, '#fff');
      }
    }
  }
  cv.dataset.boxes = String(boxes);
  cv.dataset.points = String(points);
  cv.dataset.labels = String(labels);
  cv.dataset.sequence = String(c.lastSeq);
  cv.dataset.frameWidth = String(fw);
  cv.dataset.frameHeight = String(fh);
}

async function syncStreams() {
  const res = await api('/api/streams');
  if (!res.ok) throw new Error('GET /api/streams: ' + res.status);
  const list = await res.json();
  const seen = new Set();
  for (const s of list) {
    seen.add(s.id);
    const c = card(s.id);
    c.state.textContent = s.state + '  processed ' + s.processed + '  drops ' + s.drops
      + '  reconnects ' + s.reconnects;
  }
  for (const [id, c] of cards) {
    if (!seen.has(id)) { c.gone = true; c.root.remove(); cards.delete(id); }
  }
  return list;
}

function openEvents() {
  if (events) events.close();
  const t = token();
  events = new EventSource('/api/events' + (t ? '?access_token=' + encodeURIComponent(t) : ''));
  events.onopen = () => setStatus('live');
  events.onerror = () => setStatus('reconnecting…');
  events.onmessage = (m) => {
    const ev = JSON.parse(m.data);
    if (!cards.has(ev.stream)) return;        // a stream the list has not shown yet (or just removed)
    if (ev.type === 'frame') onFrameEvent(ev);
    else if (ev.type === 'tracks') onTracksEvent(ev);
  };
}

let syncTimer = null;

async function start() {
  try {
    const res = await api('/api/health');
    if (!res.ok) throw new Error('health: ' + res.status);
    const health = await res.json();
    document.title = 'Glimpse — ' + health.model;
    await syncStreams();
    openEvents();
    if (syncTimer) clearInterval(syncTimer);
    syncTimer = setInterval(() => syncStreams().catch(() => setStatus('agent unreachable')), 3000);
  } catch (e) {
    if (String(e.message) !== 'unauthorized') setStatus('agent unreachable: ' + (e.message || e));
  }
}

start();
