// Sharp Eyes viewer entry point: checks the session (/auth/me, else the login screen),
// loads /api/v1/ui, grids and cameras, wires the screens, routes between map, wall,
// focused view, health, alert queue, plate search and rule editor (location hash), polls the API and
// keeps the header clock. Polls run one at a time (setTimeout chains), never overlapping,
// and only while someone is signed in. Screens the user's role cannot use stay hidden.

import { alertFeed } from './alerts.js';
import * as api from './api.js';
import { focus } from './focus.js';
import { formatClock } from './format.js';
import { health } from './health.js';
import { markClick } from './hooks.js';
import { applyI18n, getLang, initLang, onLangChange, setLang, t } from './i18n.js';
import { map } from './map.js';
import { toast } from './notify.js';
import { plates } from './platesview.js';
import { queue } from './queue.js';
import { canSee } from './roles.js';
import { editor } from './rules.js';
import { session } from './session.js';
import { emit, on, setCameras, setGrids, store } from './store.js';
import { tour } from './tour.js';
import { tree } from './tree.js';
import { wall } from './wall.js';
import { backoffDelay } from './whep.js';

const $ = (id) => document.getElementById(id);
const CAMERA_POLL_MS = 5000;
const GRID_POLL_MS = 15000;
const FORBIDDEN_TOAST_GAP_MS = 3000;

let view = 'map';
let polling = false;
let routedHash = null; // the hash route() last applied
let lastForbidden = { text: '', at: 0 };

// ---- navigation -------------------------------------------------------------------------

/** Opens a grid's video wall; WHEP sessions start before anything else is touched. */
function openGrid(code, t0 = performance.now(), { push = true, fromTour = false } = {}) {
  if (!fromTour) tour.stop();
  wall.open(code, t0);
  focus.close();
  store.selectedGrid = code;
  show('wall', push ? `#/grid/${encodeURIComponent(code)}` : null);
  map.select(code);
  tree.select(code);
}

/** Opens one camera in the focused view (main stream). */
function openFocus(cameraId, { t0 = performance.now(), alert = null, push = true, fromTour = false } = {}) {
  if (!fromTour) tour.stop();
  const list = wall.has(cameraId) ? wall.cameraIds() : [cameraId];
  focus.open(cameraId, { t0, list, alert });
  const prefix = wall.has(cameraId) ? `#/grid/${encodeURIComponent(wall.grid)}` : '';
  const hash = `${prefix}/camera/${encodeURIComponent(cameraId)}`.replace(/^\//, '#/');
  // Tour steps replace the history entry once the focused view is showing, so Back leaves it.
  show('focus', push || fromTour ? hash : null, fromTour && view === 'focus');
}

/** Leaves the focused view for the wall (Esc, ← button). */
function closeFocus() {
  tour.stop();
  if (history.state && history.state.sharpeyes && history.state.view === 'focus') history.back();
  else { focus.close(); show(wall.grid ? 'wall' : 'map', wall.grid ? `#/grid/${encodeURIComponent(wall.grid)}` : '#/map', true); }
}

/** Switches the visible screen; hash (when given) is pushed, or replaces when replace. */
function show(next, hash, replace = false) {
  if (view === 'rules' && next !== 'rules') editor.close();
  if (view === 'alerts' && next !== 'alerts') queue.close();
  if (view === 'plates' && next !== 'plates') plates.close();
  view = next;
  $('app').dataset.view = next;
  $('view-wall').hidden = next === 'focus';
  $('view-focus').hidden = next !== 'focus';
  for (const b of document.querySelectorAll('[data-nav]')) {
    const active = b.dataset.nav === next || (b.dataset.nav === 'wall' && next === 'focus');
    if (active) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
  }
  if (hash && hash !== location.hash) {
    const state = { sharpeyes: true, view: next };
    if (replace) history.replaceState(state, '', hash); else history.pushState(state, '', hash);
  }
  if (next === 'map') map.schedule();
}

/** Applies location.hash (boot, browser back/forward, a typed or scripted new hash). */
function route() {
  if (!session.user) return;
  routedHash = location.hash;
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [kind, id, sub, camId] = parts;
  if ((kind === 'rules' || kind === 'alerts' || kind === 'plates') && !canSee(session.user, kind)) {
    toast(t('auth.noScreen'), 'error');
    tour.stop(); focus.close(); show('map', '#/map', true);
    return;
  }
  if (kind === 'rules') {
    tour.stop(); focus.close(); show('rules', null);
    editor.open(id || '', sub || '');
  } else if (kind === 'alerts') {
    tour.stop(); focus.close(); show('alerts', null);
    queue.open(id || '');
  } else if (kind === 'plates') {
    tour.stop(); focus.close(); show('plates', null);
    plates.open();
  } else if (kind === 'grid' && store.tree.byCode.has(id)) {
    if (wall.grid !== id) openGrid(id, performance.now(), { push: false });
    if (sub === 'camera' && camId) openFocus(camId, { push: false });
    else { tour.stop(); focus.close(); show('wall', null); }
  } else if (kind === 'camera' && id) {
    openFocus(id, { push: false });
  } else if (kind === 'health') {
    tour.stop(); focus.close(); show('health', null);
  } else {
    tour.stop(); focus.close(); show('map', null);
  }
}

// ---- wiring -----------------------------------------------------------------------------

function wire() {
  map.onGridClick = (code) => openGrid(code, markClick());
  map.onCameraClick = (id) => openFocus(id, { t0: markClick() });
  tree.onGridClick = (code) => openGrid(code, markClick());
  wall.onTileClick = (id) => openFocus(id, { t0: markClick() });
  health.onCameraClick = (id) => openFocus(id, { t0: markClick() });
  alertFeed.onAlertClick = (a) => openFocus(a.camera.id, { t0: markClick(), alert: a });
  alertFeed.onFlash = (code) => map.flash(code);
  tour.currentView = () => view;
  tour.focusCamera = (id) => openFocus(id ?? focus.neighbour(1), { fromTour: true });

  $('wall-close').addEventListener('click', () => { tour.stop(); wall.close(); store.selectedGrid = ''; map.select(''); tree.render(); show('map', '#/map'); });
  $('wall-prev').addEventListener('click', () => { tour.stop(); wall.step(-1); });
  $('wall-next').addEventListener('click', () => { tour.stop(); wall.step(1); });
  $('focus-back').addEventListener('click', closeFocus);
  $('focus-prev').addEventListener('click', () => openFocus(focus.neighbour(-1), { t0: markClick(), push: false }));
  $('focus-next').addEventListener('click', () => openFocus(focus.neighbour(1), { t0: markClick(), push: false }));
  for (const b of document.querySelectorAll('[data-nav]')) {
    b.addEventListener('click', () => {
      const target = b.dataset.nav;
      if (target === 'rules' || target === 'alerts' || target === 'plates') {
        if (view === target) return;
        history.pushState({ sharpeyes: true, view: target }, '', `#/${target}`);
        route();
        return;
      }
      tour.stop();
      if (target !== 'wall') focus.close();
      if (target === 'wall' && view === 'focus') { closeFocus(); return; }
      show(target, target === 'wall' && wall.grid ? `#/grid/${encodeURIComponent(wall.grid)}` : `#/${target}`);
      if (target === 'wall') wall.render();
    });
  }
  $('lang-toggle').addEventListener('click', () => setLang(getLang() === 'zh-CN' ? 'en' : 'zh-CN'));
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape' || ev.target.matches('input, select, textarea')) return;
    if (view === 'focus') closeFocus();
    else if (tour.running) tour.stop();
  });
  window.addEventListener('popstate', route);
  // A fragment navigation fires popstate too; hashchange covers any browser that does not.
  window.addEventListener('hashchange', () => { if (location.hash !== routedHash) route(); });
  window.addEventListener('pagehide', () => { focus.close(); wall.close(); alertFeed.closeStream(); editor.close(); });

  onLangChange(() => emit('lang'));
  on('lang', () => {
    applyI18n(document);
    document.title = store.ui.title || t('app.title');
    const cs = $('conn-status');
    if (cs.dataset.status) cs.textContent = t('conn.' + cs.dataset.status);
    tree.render(); map.buildPolygons(); map.buildMarkers(); map.renderLegend();
    wall.render(); focus.render(); health.render(); alertFeed.renderAll(); tour.render();
    session.render(); editor.render(); queue.renderAll(); plates.renderAll();
  });
  on('grids', () => { map.rebuild(); tree.render(); alertFeed.renderGridOptions(); wall.render(); });
  on('cameras', () => { map.buildMarkers(); health.render(); wall.render(); focus.render(); if (view === 'rules') editor.fillCameras(); });
  on('alert', () => { if (view === 'focus') focus.renderAlerts(); });
}

// ---- polling ----------------------------------------------------------------------------

function poll(fetcher, apply, everyMs) {
  let failures = 0;
  const tick = async () => {
    if (session.user && (!document.hidden || failures)) {
      try {
        apply(await fetcher());
        if (failures) setBanner('');
        failures = 0;
      } catch (err) {
        // 401 and 403 are the session's business (login screen, 无权限), not the network's.
        if (!err.handled) {
          failures++;
          setBanner(t('banner.offline'), err);
        }
      }
    }
    setTimeout(tick, failures ? Math.max(backoffDelay(failures + 2), 2000) : everyMs);
  };
  setTimeout(tick, everyMs);
}

function setBanner(text, err) {
  const b = $('banner');
  b.hidden = !text;
  b.textContent = text;
  b.title = err ? String(err.message || err) : '';
  $('conn-status').dataset.status = text ? 'offline' : 'online';
  $('conn-status').textContent = t(text ? 'conn.offline' : 'conn.online');
}

function startClock() {
  const el = $('clock');
  const tick = () => {
    const now = new Date();
    el.textContent = formatClock(now);
    el.dateTime = now.toISOString();
    setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
  };
  tick();
}

// ---- boot -------------------------------------------------------------------------------

/** Retries fn with backoff (banner shown) until it succeeds; gives up on 401/403. */
async function retrying(fn) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (err.handled || err.status === 401 || err.status === 403) throw err;
      setBanner(t('banner.offline'), err);
      await new Promise((r) => setTimeout(r, Math.max(backoffDelay(attempt + 2), 1000)));
    }
  }
}

/** Signed in (at boot or from the login screen): load the data, open the feed, route. */
async function startSession(user) {
  let data;
  try {
    data = await retrying(async () => {
      const [ui, grids, cameras] = await Promise.all([api.getUI(), api.getGrids(), api.getCameras()]);
      return { ui, grids, cameras };
    });
  } catch {
    return; // the session ended meanwhile (the login screen is showing)
  }
  if (session.user !== user) return;
  setBanner('');
  Object.assign(store.ui, data.ui || {});
  $('app-title').textContent = store.ui.title;
  document.title = store.ui.title;
  tour.setDefault(store.ui.tour_dwell_s);
  if (initLang(store.ui.language)) emit('lang');
  map.renderLegend();
  setCameras(data.cameras);
  setGrids(data.grids);
  alertFeed.open();
  route();
  if (!polling) {
    polling = true;
    poll(api.getCameras, setCameras, CAMERA_POLL_MS);
    poll(api.getGrids, setGrids, GRID_POLL_MS);
  }
}

/** Signed out or expired: stop every stream and video, forget the screens' state. */
function stopSession() {
  tour.stop();
  focus.close();
  wall.close();
  editor.close();
  queue.close();
  plates.reset();
  alertFeed.closeStream();
  for (const d of document.querySelectorAll('dialog[open]')) d.close();
  $('toasts').replaceChildren();
  store.selectedGrid = '';
  view = '';
}

function onForbidden(err) {
  const text = `${t('auth.forbidden')}${err.message && err.message !== `HTTP ${err.status}` ? '：' + err.message : ''}`;
  const now = Date.now();
  if (text === lastForbidden.text && now - lastForbidden.at < FORBIDDEN_TOAST_GAP_MS) return;
  lastForbidden = { text, at: now };
  toast(text, 'error', 6000);
}

async function boot() {
  document.body.dataset.auth = 'checking';
  initLang(null);
  applyI18n(document);
  startClock();
  map.init();
  tree.init();
  health.init();
  session.init();
  editor.init();
  queue.init();
  plates.init();
  wire();
  tour.init(store.ui.tour_dwell_s);
  alertFeed.init();
  api.setAuthHandlers({ onUnauthorized: () => session.expire(), onForbidden });
  session.onLogin = (user) => startSession(user);
  session.onLogout = () => stopSession();
  let user;
  try {
    user = await retrying(() => session.check());
  } catch {
    user = null;
  }
  setBanner('');
  if (user) session.signedIn(user);
  else session.showLogin();
}

boot();
